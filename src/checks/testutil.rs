//! Helpers for the checks' unit tests: small snapshots built in code.

use crate::config::Config;
use crate::model::{
    Account, CallerIdentity, Ec2, Meta, RegionData, Snapshot, ToolInfo, VpcEndpoint,
};

use super::{Finding, registry, run_checks};

pub const ACCOUNT: &str = "111122223333";

/// A snapshot holding the given accounts, taken "now" = 2026-11-01.
pub fn snapshot(accounts: Vec<Account>) -> Snapshot {
    let mut s = Snapshot::new(Meta {
        tool: ToolInfo::current(),
        caller: CallerIdentity {
            account: ACCOUNT.into(),
            arn: format!("arn:aws:iam::{ACCOUNT}:user/auditor"),
            user_id: "AIDAEXAMPLE".into(),
        },
        started: "2026-11-01T00:00:00Z".into(),
        finished: "2026-11-01T00:05:00Z".into(),
        regions: {
            let mut r: Vec<String> = accounts
                .iter()
                .flat_map(|a| a.regions.keys().cloned())
                .collect();
            r.sort();
            r.dedup();
            if r.is_empty() {
                r.push("us-east-1".into());
            }
            r
        },
        accounts: accounts.iter().map(|a| a.id.clone()).collect(),
        source: "live".into(),
        partial: false,
        api_calls: Vec::new(),
    });
    s.accounts = accounts;
    s
}

/// An empty account with the given id.
pub fn account(id: &str) -> Account {
    Account {
        id: id.into(),
        access: "caller".into(),
        ..Account::default()
    }
}

/// Run one check over a snapshot with a config.
pub fn run_with(code: &str, snap: &Snapshot, config: &Config) -> Vec<Finding> {
    assert!(registry::find(code).is_some(), "{code} is not registered");
    run_checks(snap, config, &|m| m.code == code)
}

/// Run one check with the default config.
pub fn run(code: &str, snap: &Snapshot) -> Vec<Finding> {
    run_with(code, snap, &Config::default())
}

/// A snapshot of account [`ACCOUNT`] with `data` as its us-east-1.
pub fn one_region(data: RegionData) -> Snapshot {
    let mut a = account(ACCOUNT);
    a.regions.insert("us-east-1".into(), data);
    snapshot(vec![a])
}

/// An available Bedrock Runtime interface endpoint `vpce-1` of `vpc-1` in us-east-1,
/// private DNS on.
pub fn runtime_endpoint() -> VpcEndpoint {
    VpcEndpoint {
        id: "vpce-1".into(),
        vpc_id: "vpc-1".into(),
        service_name: "com.amazonaws.us-east-1.bedrock-runtime".into(),
        endpoint_type: "Interface".into(),
        state: "available".into(),
        private_dns_enabled: true,
        ..VpcEndpoint::default()
    }
}

/// EC2 data holding only `endpoint`.
pub fn ec2_with(endpoint: VpcEndpoint) -> Ec2 {
    Ec2 {
        vpcs: Vec::new(),
        endpoints: vec![endpoint],
        security_groups: Vec::new(),
    }
}

/// The status of the one finding whose resource ends with `suffix`.
pub fn status_of(findings: &[Finding], suffix: &str) -> super::Status {
    let hits: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.resource.ends_with(suffix))
        .collect();
    assert_eq!(hits.len(), 1, "one finding on *{suffix}, got {hits:#?}");
    hits[0].status
}

fn role(name: &str, trust: serde_json::Value, policy: serde_json::Value) -> crate::model::Role {
    crate::model::Role {
        arn: format!("arn:aws:iam::{ACCOUNT}:role/{name}"),
        name: name.into(),
        path: "/".into(),
        trust_policy: trust.into(),
        inline_policies: vec![crate::model::InlinePolicy {
            name: "inline".into(),
            document: policy.into(),
        }],
        ..Default::default()
    }
}

/// Account [`ACCOUNT`] with a Bedrock estate in us-east-1, good and bad variants of each
/// kind (ids name them: `AGOOD`/`ABAD`, `secure`/`public`/`open`, ...), the service roles
/// they run as, and principals that can escalate, mint tokens or subscribe to models.
pub fn estate_snapshot() -> Snapshot {
    use crate::model::*;
    use serde_json::json;
    let r = "us-east-1";
    let cmk = format!("arn:aws:kms:{r}:{ACCOUNT}:key/cmk");
    let role_arn = |n: &str| format!("arn:aws:iam::{ACCOUNT}:role/{n}");
    let bedrock = |kind: &str, id: &str| format!("arn:aws:bedrock:{r}:{ACCOUNT}:{kind}/{id}");
    let core =
        |kind: &str, id: &str| format!("arn:aws:bedrock-agentcore:{r}:{ACCOUNT}:{kind}/{id}");
    let guard = Some(GuardrailRef {
        identifier: "g1".into(),
        version: Some("1".into()),
    });
    let scoped_trust = |svc: &str| {
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": svc},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}]})
    };
    let open_trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "bedrock.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    let root_trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}, "Action": "sts:AssumeRole"}]});
    let allow = |action: serde_json::Value, resource: serde_json::Value| json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]});
    let invoke_one = allow(
        json!("bedrock:InvokeModel"),
        json!(format!(
            "arn:aws:bedrock:{r}::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
        )),
    );
    let iam = Iam {
        roles: vec![
            role(
                "good-agent-role",
                scoped_trust("bedrock.amazonaws.com"),
                invoke_one.clone(),
            ),
            role(
                "ops-agent-role",
                open_trust,
                allow(
                    json!(["bedrock:*", "s3:GetObject", "s3:PutObject", "iam:PassRole"]),
                    json!("*"),
                ),
            ),
            role(
                "kb-role",
                scoped_trust("bedrock.amazonaws.com"),
                invoke_one.clone(),
            ),
            role(
                "runtime-role",
                scoped_trust("bedrock-agentcore.amazonaws.com"),
                invoke_one,
            ),
            role(
                "agent-builder",
                root_trust.clone(),
                allow(
                    json!(["iam:PassRole", "bedrock-agentcore:CreateAgentRuntime"]),
                    json!("*"),
                ),
            ),
            role(
                "token-broker",
                root_trust.clone(),
                allow(
                    json!("bedrock-agentcore:GetWorkloadAccessTokenForUserId"),
                    json!("*"),
                ),
            ),
            role(
                "model-curator",
                root_trust,
                allow(json!("aws-marketplace:Subscribe"), json!("*")),
            ),
        ],
        ..Iam::default()
    };
    let agent =
        |id: &str, role: &str, key: Option<&str>, ttl: i64, g: Option<GuardrailRef>| Agent {
            id: id.into(),
            arn: bedrock("agent", id),
            name: id.to_lowercase(),
            role_arn: Some(role_arn(role)),
            kms_key_arn: key.map(str::to_string),
            idle_session_ttl: Some(ttl),
            guardrail: g.clone(),
            routed_versions: Some(vec![AgentVersion {
                version: "1".into(),
                aliases: vec!["live".into()],
                guardrail: g,
                idle_session_ttl: Some(ttl),
                role_arn: Some(role_arn(role)),
                kms_key_arn: key.map(str::to_string),
            }]),
            detail_collected: true,
            ..Agent::default()
        };
    let collection = |name: &str| format!("arn:aws:aoss:{r}:{ACCOUNT}:collection/{name}");
    let kb = |id: &str, role: &str, key: Option<&str>, store: &str, bucket: &str| KnowledgeBase {
        id: id.into(),
        arn: bedrock("knowledge-base", id),
        name: id.to_lowercase(),
        role_arn: Some(role_arn(role)),
        storage_type: Some("OPENSEARCH_SERVERLESS".into()),
        storage_arn: Some(collection(store)),
        data_sources: Some(vec![DataSource {
            id: format!("{id}-ds"),
            name: "docs".into(),
            kms_key_arn: key.map(str::to_string),
            bucket_arn: Some(format!("arn:aws:s3:::{bucket}")),
            detail_collected: true,
        }]),
        detail_collected: true,
    };
    let flow = |id: &str, key: Option<&str>, g: Option<GuardrailRef>| {
        let nodes = vec![FlowNode {
            name: "answer".into(),
            kind: "Prompt".into(),
            generates: true,
            guardrail: g,
        }];
        Flow {
            id: id.into(),
            arn: bedrock("flow", id),
            name: id.to_lowercase(),
            role_arn: Some(role_arn("flow-role")),
            kms_key_arn: key.map(str::to_string),
            draft_nodes: Some(nodes.clone()),
            routed_versions: Some(vec![FlowVersion {
                version: "1".into(),
                aliases: vec!["live".into()],
                nodes,
            }]),
            detail_collected: true,
        }
    };
    let public_policy = |action: &str, arn: &str| json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": action, "Resource": arn}]});
    let runtime = |id: &str, mode: &str, policy: Probe<serde_json::Value>| Runtime {
        id: id.into(),
        arn: core("runtime", id),
        name: format!("{id}_runtime"),
        role_arn: Some(role_arn("runtime-role")),
        network_mode: Some(mode.into()),
        resource_policy: policy,
        detail_collected: true,
    };
    let account_only = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")},
        "Action": "bedrock-agentcore:InvokeAgentRuntime", "Resource": core("runtime", "secure")}]});
    // Guardrails: g1 (strong, blocking, version 1 named by agent AGOOD and the enforced
    // configuration) and gweak (weak, detect-only, DRAFT named by flow FGOOD).
    let strong: Vec<ContentFilter> = ["HATE", "INSULTS", "SEXUAL", "VIOLENCE", "MISCONDUCT"]
        .iter()
        .map(|k| ContentFilter {
            kind: (*k).into(),
            input_strength: "HIGH".into(),
            output_strength: "HIGH".into(),
            input_action: Some("BLOCK".into()),
            output_action: Some("BLOCK".into()),
            ..ContentFilter::default()
        })
        .collect();
    let g1_config = Guardrail {
        id: "g1".into(),
        arn: bedrock("guardrail", "g1"),
        name: "g1".into(),
        content_filters: strong,
        word_filters: 1,
        managed_word_lists: vec!["PROFANITY".into()],
        filter_actions: vec![FilterAction {
            filter: "content:HATE".into(),
            input: Some("BLOCK".into()),
            output: Some("BLOCK".into()),
        }],
        detail_collected: true,
        ..Guardrail::default()
    };
    let g1_config = Guardrail {
        automated_reasoning_policies: vec![format!(
            "arn:aws:bedrock:{r}:{ACCOUNT}:automated-reasoning-policy/estatepolicy:1"
        )],
        resource_policy: Probe::Found(json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": "*", "Action": "bedrock:ApplyGuardrail",
            "Resource": bedrock("guardrail", "g1"),
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-estate"}}}]})),
        ..g1_config
    };
    let g1 = Guardrail {
        versions: vec!["1".into()],
        version_details: vec![Guardrail {
            version: Some("1".into()),
            ..g1_config.clone()
        }],
        ..g1_config
    };
    let gweak = Guardrail {
        id: "gweak".into(),
        arn: bedrock("guardrail", "gweak"),
        name: "gweak".into(),
        content_filters: vec![ContentFilter {
            kind: "HATE".into(),
            input_strength: "LOW".into(),
            output_strength: "LOW".into(),
            ..ContentFilter::default()
        }],
        filter_actions: vec![FilterAction {
            filter: "content:HATE".into(),
            input: Some("NONE".into()),
            output: Some("BLOCK".into()),
        }],
        detail_collected: true,
        ..Guardrail::default()
    };
    let enforced = |id: &str, excluded: Vec<String>| EnforcedGuardrail {
        guardrail_identifier: bedrock("guardrail", "g1"),
        version: Some("1".into()),
        config_id: Some(id.into()),
        included_models: Some(vec!["ALL".into()]),
        excluded_models: Some(excluded),
        ..EnforcedGuardrail::default()
    };
    let mut hidden = agent("AHIDDEN", "good-agent-role", None, 600, None);
    hidden.detail_collected = false;
    hidden.role_arn = None;
    hidden.routed_versions = None;
    let data = RegionData {
        kms: Some(Kms {
            keys: vec![KmsKey {
                id: "cmk".into(),
                arn: cmk.clone(),
                manager: "CUSTOMER".into(),
                state: "Enabled".into(),
                ..KmsKey::default()
            }],
        }),
        bedrock: Some(Bedrock {
            logging: Probe::Found(InvocationLogging {
                s3_bucket: Some("estate-logs".into()),
                text: true,
                ..InvocationLogging::default()
            }),
            batch_jobs: Some(vec![
                BatchJob {
                    arn: bedrock("model-invocation-job", "keyed"),
                    name: "keyed".into(),
                    output_s3_uri: Some("s3://estate-faq/out/".into()),
                    output_kms_key: Some(cmk.clone()),
                    ..BatchJob::default()
                },
                BatchJob {
                    arn: bedrock("model-invocation-job", "plain"),
                    name: "plain".into(),
                    output_s3_uri: Some("s3://estate-faq/out/".into()),
                    ..BatchJob::default()
                },
            ]),
            guardrails: Some(vec![g1, gweak]),
            enforced_guardrails: Some(vec![
                enforced("cfg-all-models", vec![]),
                enforced(
                    "cfg-excludes",
                    vec!["anthropic.claude-3-haiku-20240307-v1:0".into()],
                ),
            ]),
            ..Bedrock::all_read()
        }),
        agents: Some(Agents {
            agents: Some(vec![
                agent("AGOOD", "good-agent-role", Some(&cmk), 600, guard.clone()),
                agent("ABAD", "ops-agent-role", None, 5400, None),
                hidden,
            ]),
            knowledge_bases: Some(vec![
                kb("KGOOD", "kb-role", Some(&cmk), "goodcoll", "estate-docs"),
                kb("KBAD", "ops-agent-role", None, "badcoll", "estate-faq"),
            ]),
            flows: Some(vec![
                flow(
                    "FGOOD",
                    Some(&cmk),
                    Some(GuardrailRef {
                        identifier: "gweak".into(),
                        version: Some("DRAFT".into()),
                    }),
                ),
                flow("FBAD", None, None),
            ]),
            prompts: Some(vec![
                Prompt {
                    id: "PGOOD".into(),
                    arn: bedrock("prompt", "PGOOD"),
                    name: "greeting".into(),
                    kms_key_arn: Some(cmk.clone()),
                    detail_collected: true,
                },
                Prompt {
                    id: "PBAD".into(),
                    arn: bedrock("prompt", "PBAD"),
                    name: "draft".into(),
                    kms_key_arn: None,
                    detail_collected: true,
                },
            ]),
            vector_stores: Some(vec![
                VectorStore {
                    arn: collection("goodcoll"),
                    kind: "OPENSEARCH_SERVERLESS".into(),
                    kms_key_arn: Some(cmk.clone()),
                    sse_type: None,
                    read: true,
                },
                VectorStore {
                    arn: collection("badcoll"),
                    kind: "OPENSEARCH_SERVERLESS".into(),
                    kms_key_arn: Some("auto".into()),
                    sse_type: None,
                    read: true,
                },
            ]),
        }),
        s3: Some(S3 {
            buckets: vec![
                Bucket {
                    name: "estate-docs".into(),
                    region: r.into(),
                    roles: vec!["knowledge-base-source".into()],
                    encryption: Probe::Found(BucketEncryption {
                        algorithm: "aws:kms".into(),
                        kms_key_id: Some(cmk.clone()),
                        bucket_key_enabled: true,
                    }),
                    ..Bucket::default()
                },
                Bucket {
                    name: "estate-faq".into(),
                    region: r.into(),
                    roles: vec!["knowledge-base-source".into(), "batch-output".into()],
                    encryption: Probe::Found(BucketEncryption {
                        algorithm: "AES256".into(),
                        ..BucketEncryption::default()
                    }),
                    ..Bucket::default()
                },
            ],
        }),
        delivery_failures: Probe::Found(DeliveryFailures {
            days: 7,
            cloudwatch: 3.0,
            s3: 0.0,
            large_data: 0.0,
        }),
        agentcore: Some(AgentCore {
            runtimes: Some(vec![
                runtime("secure", "VPC", Probe::Found(account_only)),
                runtime(
                    "public",
                    "PUBLIC",
                    Probe::Found(public_policy(
                        "bedrock-agentcore:InvokeAgentRuntime",
                        &core("runtime", "public"),
                    )),
                ),
            ]),
            gateways: Some(vec![
                Gateway {
                    id: "secure".into(),
                    arn: core("gateway", "secure"),
                    name: "secure-gateway".into(),
                    role_arn: Some(role_arn("runtime-role")),
                    authorizer_type: Some("CUSTOM_JWT".into()),
                    exception_level: None,
                    kms_key_arn: Some(cmk.clone()),
                    policy_engine_mode: Some("ENFORCE".into()),
                    resource_policy: Probe::Absent,
                    detail_collected: true,
                },
                Gateway {
                    id: "open".into(),
                    arn: core("gateway", "open"),
                    name: "open-gateway".into(),
                    role_arn: Some(role_arn("runtime-role")),
                    authorizer_type: Some("NONE".into()),
                    exception_level: Some("DEBUG".into()),
                    kms_key_arn: None,
                    policy_engine_mode: Some("LOG_ONLY".into()),
                    resource_policy: Probe::Found(public_policy(
                        "bedrock-agentcore:InvokeGateway",
                        "*",
                    )),
                    detail_collected: true,
                },
            ]),
            memories: Some(vec![
                Memory {
                    id: "chat".into(),
                    arn: core("memory", "chat"),
                    name: "chat_memory".into(),
                    role_arn: None,
                    kms_key_arn: Some(cmk.clone()),
                    detail_collected: true,
                },
                Memory {
                    id: "scratch".into(),
                    arn: core("memory", "scratch"),
                    name: "scratch_memory".into(),
                    role_arn: None,
                    kms_key_arn: None,
                    detail_collected: true,
                },
            ]),
        }),
        ..RegionData::all_read()
    };
    let mut a = account(ACCOUNT);
    a.iam = Some(iam);
    a.regions.insert(r.into(), data);
    // eu-west-1: logging that delivers, and a guardrail without automated reasoning.
    a.regions.insert(
        "eu-west-1".into(),
        RegionData {
            bedrock: Some(Bedrock {
                logging: Probe::Found(InvocationLogging {
                    s3_bucket: Some("estate-logs-eu".into()),
                    text: true,
                    ..InvocationLogging::default()
                }),
                guardrails: Some(vec![Guardrail {
                    id: "geu".into(),
                    arn: format!("arn:aws:bedrock:eu-west-1:{ACCOUNT}:guardrail/geu"),
                    name: "geu".into(),
                    detail_collected: true,
                    ..Guardrail::default()
                }]),
                ..Bedrock::all_read()
            }),
            delivery_failures: Probe::Found(DeliveryFailures {
                days: 7,
                ..DeliveryFailures::default()
            }),
            ..RegionData::all_read()
        },
    );
    snapshot(vec![a])
}

/// The estate fixture (`tests/fixtures/snapshots/estate.json`): [`estate_snapshot`] plus a
/// second account whose one principal is scoped, where the account-wide IAM checks pass.
pub fn estate_fixture() -> Snapshot {
    let mut s = estate_snapshot();
    let mut clean = account("444455556666");
    clean.iam = Some(crate::model::Iam {
        roles: vec![crate::model::Role {
            arn: "arn:aws:iam::444455556666:role/reader".into(),
            name: "reader".into(),
            path: "/".into(),
            trust_policy: serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "sts:AssumeRole"}]}).into(),
            inline_policies: vec![crate::model::InlinePolicy {
                name: "read".into(),
                document: serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                    "Action": "bedrock:ListFoundationModels", "Resource": "*"}]}).into(),
            }],
            ..Default::default()
        }],
        ..Default::default()
    });
    // Its one agent runs as its own role, every detail read: a service role that serves
    // one resource (IAM-011 passes).
    let mut clean_region = RegionData::all_read();
    if let Some(agents) = clean_region.agents.as_mut() {
        agents.agents = Some(vec![crate::model::Agent {
            id: "CLEANAGENT".into(),
            arn: "arn:aws:bedrock:us-east-1:444455556666:agent/CLEANAGENT".into(),
            name: "clean-agent".into(),
            role_arn: Some("arn:aws:iam::444455556666:role/clean-agent-role".into()),
            routed_versions: Some(Vec::new()),
            detail_collected: true,
            ..Default::default()
        }]);
    }
    clean.regions.insert("us-east-1".into(), clean_region);
    s.meta.accounts.push(clean.id.clone());
    s.accounts.push(clean);
    // The organisation: a Bedrock policy sets g1 for 444455556666 (it works) and a
    // guardrail in the wrong Region for 777788889999 (it cannot).
    let policy = |arn: &str| {
        crate::model::Probe::Found(
            serde_json::json!({"bedrock": {"guardrail_inference": {"us-east-1": {
            "config_1": {"identifier": format!("{arn}:1")}}}}}),
        )
    };
    let member = |id: &str, p| crate::model::OrgAccount {
        id: id.into(),
        name: format!("member-{id}"),
        status: "ACTIVE".into(),
        parent_id: "r-estate".into(),
        effective_bedrock_policy: p,
        ..Default::default()
    };
    s.organization = Some(crate::model::Organization {
        id: "o-estate".into(),
        arn: format!("arn:aws:organizations::{ACCOUNT}:organization/o-estate"),
        management_account_id: ACCOUNT.into(),
        root_id: "r-estate".into(),
        accounts: vec![
            member(ACCOUNT, crate::model::Probe::Absent),
            member(
                "444455556666",
                policy(&format!("arn:aws:bedrock:us-east-1:{ACCOUNT}:guardrail/g1")),
            ),
            member(
                "777788889999",
                policy(&format!("arn:aws:bedrock:us-west-2:{ACCOUNT}:guardrail/g1")),
            ),
        ],
        bedrock_policy_enabled: Some(true),
        bedrock_policies: Some(vec![crate::model::OrgPolicy {
            id: "p-bedrock".into(),
            name: "guardrails".into(),
            kind: "BEDROCK_POLICY".into(),
            document: serde_json::json!({"bedrock": {}}).into(),
            targets: vec!["r-estate".into()],
            ..Default::default()
        }]),
        ..Default::default()
    });
    s
}

#[cfg(test)]
mod fixture_tests {
    /// The estate fixture on disk is what [`super::estate_fixture`] builds. Run with
    /// `PERIMETER_WRITE_FIXTURES=1` to rewrite it after changing the builder.
    #[test]
    fn estate_fixture_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/snapshots/estate.json");
        let mut built = serde_json::to_string_pretty(&super::estate_fixture()).unwrap();
        built.push('\n');
        if std::env::var_os("PERIMETER_WRITE_FIXTURES").is_some() {
            std::fs::write(&path, &built).unwrap();
        }
        let on_disk = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            on_disk, built,
            "tests/fixtures/snapshots/estate.json is stale"
        );
    }
}
