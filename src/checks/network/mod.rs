//! C2 Network: keep inference traffic off the public internet. One file per check.
//!
//! Helpers shared by the network checks: ARNs of VPCs and endpoints, which endpoints are
//! Bedrock's, the probe requests the endpoint-policy checks put to the engine.

pub mod endpoint_policy_open;
pub mod endpoint_policy_region_unpinned;
pub mod endpoint_private_dns_off;
pub mod endpoint_sg_open;
pub mod invoke_not_bound_to_endpoint;
pub mod runtime_endpoint_missing;

use serde_json::{Value, json};

use crate::checks::Subject;
use crate::checks::context::AccountView;
use crate::checks::{Draft, EvalContext};
use crate::model::{Ec2, VpcEndpoint};
use crate::policy::Policy;

/// A principal of an account nobody audits: "any principal" for the endpoint policy probes.
pub(crate) const OUTSIDER_ACCOUNT: &str = "999999999999";

/// A model id no policy would name: a grant that covers it covers every model.
pub(crate) const PROBE_MODEL_ID: &str = "perimeter.probe-model-v1:0";

pub(crate) fn vpc_arn(acct: &AccountView<'_>, region: &str, vpc_id: &str) -> String {
    format!(
        "arn:{}:ec2:{region}:{}:vpc/{vpc_id}",
        acct.partition, acct.account.id
    )
}

pub(crate) fn endpoint_arn(acct: &AccountView<'_>, region: &str, endpoint_id: &str) -> String {
    format!(
        "arn:{}:ec2:{region}:{}:vpc-endpoint/{endpoint_id}",
        acct.partition, acct.account.id
    )
}

/// The outside principal used to ask "does this let anyone in?".
pub(crate) fn outsider_arn(acct: &AccountView<'_>) -> String {
    let other = if acct.account.id == OUTSIDER_ACCOUNT {
        "888888888888"
    } else {
        OUTSIDER_ACCOUNT
    };
    format!("arn:{}:iam::{other}:role/outsider", acct.partition)
}

/// A foundation-model ARN no policy names, in `region`.
pub(crate) fn probe_model_arn(partition: &str, region: &str) -> String {
    format!("arn:{partition}:bedrock:{region}::foundation-model/{PROBE_MODEL_ID}")
}

/// The service part after `com.amazonaws.<region>.` (e.g. `bedrock-runtime`), if the
/// endpoint's service name has that shape.
fn service_suffix(ep: &VpcEndpoint) -> &str {
    // `com.amazonaws.us-east-1.bedrock-runtime` (or `cn.com.amazonaws...` in China).
    ep.service_name.rsplit('.').next().unwrap_or("")
}

/// A Bedrock interface endpoint (`bedrock`, `bedrock-runtime`, `bedrock-agent`, ...).
pub(crate) fn is_bedrock_endpoint(ep: &VpcEndpoint) -> bool {
    service_suffix(ep).starts_with("bedrock")
}

/// An endpoint that carries model invocations (`bedrock-runtime`, or its FIPS twin).
pub(crate) fn is_runtime_endpoint(ep: &VpcEndpoint) -> bool {
    matches!(
        service_suffix(ep),
        "bedrock-runtime" | "bedrock-runtime-fips"
    )
}

/// True for an interface endpoint in a state that can carry traffic.
pub(crate) fn is_usable(ep: &VpcEndpoint) -> bool {
    ep.endpoint_type.eq_ignore_ascii_case("interface")
        && !matches!(
            ep.state.to_ascii_lowercase().as_str(),
            "deleted" | "deleting" | "failed" | "rejected" | "expired"
        )
}

/// Evidence naming an endpoint.
pub(crate) fn endpoint_evidence(ep: &VpcEndpoint) -> Value {
    json!({
        "endpoint_id": ep.id,
        "vpc_id": ep.vpc_id,
        "service_name": ep.service_name,
        "endpoint_type": ep.endpoint_type,
        "state": ep.state,
    })
}

/// The endpoint policy AWS applies: the attached document, or the default full-access
/// policy when the endpoint has none.
pub(crate) fn endpoint_policy(ep: &VpcEndpoint) -> Result<(Policy, bool), String> {
    match &ep.policy {
        None | Some(Value::Null) => Ok((default_endpoint_policy(), true)),
        Some(Value::String(s)) if s.trim().is_empty() => Ok((default_endpoint_policy(), true)),
        Some(Value::String(s)) => Policy::parse(s)
            .map(|p| (p, false))
            .map_err(|e| e.to_string()),
        Some(v) => Policy::from_value(v)
            .map(|p| (p, false))
            .map_err(|e| e.to_string()),
    }
}

/// The policy an endpoint has when none is attached: full access for every principal.
#[expect(clippy::expect_used, reason = "a constant policy document")]
pub(crate) fn default_endpoint_policy() -> Policy {
    Policy::from_value(&json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]
    }))
    .expect("the default endpoint policy parses")
}

/// An identity policy allowing everything: stands for "whatever the caller's own account
/// grants", so that a decision turns on the endpoint or key policy alone.
#[expect(clippy::expect_used, reason = "a constant policy document")]
pub(crate) fn allow_all_identity() -> Policy {
    Policy::from_value(&json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
    }))
    .expect("the allow-all policy parses")
}

/// Label of [`allow_all_identity`] in evidence.
pub(crate) const ALLOW_ALL_LABEL: &str = "perimeter:caller-identity-allows-everything";

/// Condition keys a policy mentions (from its normalised form), lowercased.
pub(crate) fn condition_keys(policy: &Policy) -> Vec<String> {
    let mut keys = Vec::new();
    let doc = policy.to_value();
    let stmts = match doc.get("Statement") {
        Some(Value::Array(a)) => a.clone(),
        Some(v @ Value::Object(_)) => vec![v.clone()],
        _ => Vec::new(),
    };
    for st in &stmts {
        if let Some(Value::Object(ops)) = st.get("Condition") {
            for block in ops.values() {
                if let Value::Object(kv) = block {
                    for k in kv.keys() {
                        let k = k.to_ascii_lowercase();
                        if !keys.contains(&k) {
                            keys.push(k);
                        }
                    }
                }
            }
        }
    }
    keys.sort();
    keys
}

/// Resource patterns of the Allow statements of a policy (raw strings).
pub(crate) fn allowed_resource_patterns(policy: &Policy) -> Vec<String> {
    let mut out = crate::checks::context::allow_statement_strings(policy, &["Resource"]);
    out.sort();
    out.dedup();
    out
}

/// Concrete Bedrock model / profile ARNs standing for what the patterns grant in `region`:
/// wildcards are replaced by probe text, a wildcard Region by `region`, a wildcard account
/// by `account`. Patterns naming another Region, or not Bedrock model resources, are
/// dropped. These are only the requests put to the engine; the engine decides.
pub(crate) fn instantiate_model_patterns(
    patterns: &[String],
    partition: &str,
    region: &str,
    account: &str,
) -> Vec<String> {
    let fill = |s: &str| s.replace('*', "perimeter-probe").replace('?', "x");
    let mut out = Vec::new();
    for p in patterns {
        let parts: Vec<&str> = p.splitn(6, ':').collect();
        if parts.len() != 6 || parts[0] != "arn" {
            continue;
        }
        let service_ok = parts[2] == "bedrock" || parts[2] == "*";
        let res = parts[5];
        let kind_ok = res.starts_with("foundation-model/")
            || res.starts_with("inference-profile/")
            || res.starts_with("application-inference-profile/")
            || res.starts_with("custom-model/")
            || res.starts_with("imported-model/")
            || res.starts_with("provisioned-model/");
        if !service_ok || !kind_ok {
            continue;
        }
        let r = if parts[3].contains(['*', '?']) {
            if glob(parts[3], region) {
                region.to_string()
            } else {
                continue;
            }
        } else if parts[3] == region {
            region.to_string()
        } else {
            continue;
        };
        let acct = if res.starts_with("foundation-model/") {
            String::new()
        } else if parts[4].contains(['*', '?']) || parts[4].is_empty() {
            account.to_string()
        } else {
            parts[4].to_string()
        };
        let arn = format!("arn:{partition}:bedrock:{r}:{acct}:{}", fill(res));
        if !out.contains(&arn) {
            out.push(arn);
        }
    }
    out
}

/// A Bedrock VPC endpoint, with its Region's EC2 data and the subject of its findings.
#[derive(Debug)]
pub(crate) struct Endpoint<'a> {
    pub region: &'a str,
    pub ec2: &'a Ec2,
    pub ep: &'a VpcEndpoint,
    pub at: Subject<'a>,
}

impl Endpoint<'_> {
    /// The endpoint's policy and whether it is the default one; when it cannot be parsed,
    /// the `unknown` saying so (`what` is the question it leaves open).
    pub(crate) fn policy(&self, what: &str) -> Result<(Policy, bool), Box<Draft>> {
        endpoint_policy(self.ep).map_err(|e| {
            let mut ev = endpoint_evidence(self.ep);
            ev["policy_error"] = json!(e);
            let message = format!(
                "The policy of endpoint {} could not be parsed, so {what} is not known.",
                self.ep.id
            );
            Box::new(self.at.unknown(message).evidence(ev))
        })
    }
}

/// For checks that look at Bedrock endpoints: every endpoint `keep` selects, Region by
/// Region, with an `unknown` in `out` for every Bedrock-active Region whose EC2 data could
/// not be read (so `what` cannot be checked there).
pub(crate) fn endpoints<'a>(
    cx: &EvalContext<'_>,
    acct: &'a AccountView<'_>,
    what: &str,
    keep: fn(&VpcEndpoint) -> bool,
    out: &mut Vec<Draft>,
) -> Vec<Endpoint<'a>> {
    let mut found = Vec::new();
    for (region, ec2) in acct.regions_reading(|d| d.ec2.as_ref()) {
        let ec2 = match ec2 {
            Ok(ec2) => ec2,
            Err(why) => {
                let message = format!(
                    "VPC endpoints in {region} could not be read, so {what} cannot be checked."
                );
                out.push(cx.unread_region(acct, region, why, "ec2", message));
                continue;
            }
        };
        for ep in ec2.endpoints.iter().filter(|e| keep(e)) {
            let at = Subject::new(
                &acct.account.id,
                Some(region),
                endpoint_arn(acct, region, &ep.id),
            );
            found.push(Endpoint {
                region,
                ec2,
                ep,
                at,
            });
        }
    }
    found
}

/// A Bedrock interface endpoint (the kind with private DNS and security groups).
pub(crate) fn is_bedrock_interface(ep: &VpcEndpoint) -> bool {
    is_bedrock_endpoint(ep) && ep.endpoint_type.eq_ignore_ascii_case("interface")
}

/// `*` / `?` wildcard match, for choosing which Regions a pattern stands for.
fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// Open-world decision on `bedrock:InvokeModel` of `resource` by `principal` through an
/// endpoint whose policy is `policy`. The caller's identity is taken to allow everything,
/// so the answer is the endpoint policy's alone.
pub(crate) fn through_endpoint(
    policy: &Policy,
    label: &str,
    principal: &str,
    principal_account: &str,
    resource: &str,
    region: &str,
    unknown: Option<crate::policy::UnknownKeys>,
) -> crate::policy::OpenDecision {
    use crate::policy::{Context, Labeled, PolicySet, Request, UnknownKeys, evaluate_open};
    let allow = allow_all_identity();
    let set = PolicySet {
        identity: vec![Labeled::new(ALLOW_ALL_LABEL, &allow)],
        vpc_endpoint: Some(vec![Labeled::new(label, policy)]),
        ..Default::default()
    };
    let mut ctx = Context::new();
    ctx.insert("aws:PrincipalArn", principal);
    ctx.insert("aws:PrincipalAccount", principal_account);
    ctx.insert("aws:RequestedRegion", region);
    let mut req = Request::new(principal, "bedrock:InvokeModel", resource);
    req.context = ctx;
    evaluate_open(&set, &req, &unknown.unwrap_or(UnknownKeys::AllMissing))
}

/// True for condition keys that describe the caller (its organisation, account, tags,
/// identity): what the model/Region question of NET-004 leaves open.
pub(crate) fn is_principal_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.starts_with("aws:principal")
        || k.starts_with("aws:sourceaccount")
        || k.starts_with("aws:sourceorg")
        || matches!(
            k.as_str(),
            "aws:userid"
                | "aws:username"
                | "aws:calledvia"
                | "aws:calledviafirst"
                | "aws:calledvialast"
        )
}

/// AWS principal ARNs named by the Allow statements of a policy (not `*`, not roots).
pub(crate) fn named_aws_principals(policy: &Policy) -> Vec<String> {
    let mut out = crate::checks::context::allow_statement_strings(policy, &["Principal", "AWS"]);
    out.retain(|p| p.starts_with("arn:") && !p.ends_with(":root"));
    out.sort();
    out.dedup();
    out
}

/// An open decision as evidence.
pub(crate) fn open_json(d: &crate::policy::OpenDecision) -> Value {
    serde_json::to_value(d).unwrap_or(Value::Null)
}

/// The label of an endpoint policy in evidence.
pub(crate) fn endpoint_policy_label(ep: &VpcEndpoint, default: bool) -> String {
    if default {
        format!("vpc-endpoint-policy:{} (default full access)", ep.id)
    } else {
        format!("vpc-endpoint-policy:{}", ep.id)
    }
}
