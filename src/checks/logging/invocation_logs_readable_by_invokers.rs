//! LOG-008: principals that can invoke models can also read the invocation logs.
//!
//! Invocation logs hold full prompts and responses; the baseline restricts them to a
//! small set of investigators, never the principals that call the models. Both
//! questions go to the engine: can the principal invoke some model (identity policies,
//! boundary, SCPs), and can it `s3:GetObject` a log object (identity + bucket policy,
//! plus `kms:Decrypt` through the key policy when the bucket uses a KMS key the
//! snapshot holds) or read the log group (`logs:GetLogEvents`, `logs:FilterLogEvents`,
//! `logs:StartQuery`). Administrators, the audit role and service-linked roles are not
//! workload principals and are not reported.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::access::{decision_json, may_invoke_in, open_keys};
use super::{
    find_bucket, invocation_buckets, invocation_configs, invocation_log_object_arn, parse_policy,
    resolve_key,
};
use crate::checks::Subject;
use crate::checks::context::{AccountView, PrincipalView};
use crate::checks::{Check, Draft, EvalContext};
use crate::model::Probe;
use crate::policy::{Labeled, Policy, ServiceSemantics};

#[derive(Debug)]
pub struct InvocationLogsReadableByInvokers;

/// One place invocation logs are delivered to, with what decides access to it.
struct Target {
    /// `s3://bucket` or the log group name, for messages.
    label: String,
    /// (action, resource) pairs any of which lets a principal read the logs.
    reads: Vec<(&'static str, String)>,
    bucket_policy: Option<(String, Policy)>,
    /// The bucket's KMS key and its policy, when the snapshot holds them.
    key: Option<(String, String, Policy)>,
    notes: Vec<String>,
    /// Something that could grant a read (a bucket or key policy, the encryption) was
    /// not read: "cannot read" is then not decided.
    undecided: bool,
}

fn targets(cx: &EvalContext<'_>, acct: &AccountView<'_>) -> Vec<Target> {
    let id = acct.account.id.as_str();
    let part = acct.partition.as_str();
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for (region, l) in invocation_configs(acct.account) {
        for (i, b) in invocation_buckets(l).into_iter().enumerate() {
            // The main bucket uses the configured prefix; the large-data bucket's own
            // prefix is not collected, so any key in it is asked about.
            let prefix = if i == 0 && l.s3_bucket.as_deref() == Some(b) {
                l.s3_key_prefix.as_deref()
            } else {
                None
            };
            let object = invocation_log_object_arn(part, b, prefix, id, region);
            if !seen.insert(object.clone()) {
                continue;
            }
            let mut t = Target {
                label: format!("s3://{b}"),
                reads: vec![("s3:GetObject", object)],
                bucket_policy: None,
                key: None,
                notes: Vec::new(),
                undecided: false,
            };
            match find_bucket(acct.account, b) {
                None => {
                    t.notes.push(format!(
                        "bucket {b} was not collected: its bucket policy and encryption are not considered"
                    ));
                    // Not collected because its reads failed (not because it lives in
                    // another account): what it grants is not known.
                    t.undecided |= cx.snapshot.gaps.iter().any(|g| {
                        g.account == id
                            && g.service == "s3"
                            && g.resource
                                .as_deref()
                                .is_some_and(|r| r.ends_with(&format!(":::{b}")))
                    });
                }
                Some((_, bucket)) => {
                    match &bucket.policy {
                        Probe::Found(doc) => match parse_policy(doc) {
                            Ok(p) => t.bucket_policy = Some((format!("bucket policy of {b}"), p)),
                            Err(e) => t
                                .notes
                                .push(format!("bucket policy of {b} could not be parsed: {e}")),
                        },
                        Probe::Absent => {}
                        Probe::Unknown => {
                            t.notes
                                .push(format!("bucket policy of {b} could not be read"));
                            t.undecided = true;
                        }
                    }
                    if bucket.encryption.is_unknown() {
                        t.notes.push(format!("encryption of {b} could not be read"));
                        t.undecided = true;
                    }
                    if let Probe::Found(enc) = &bucket.encryption
                        && enc.algorithm.starts_with("aws:kms")
                        && let Some(k) = enc.kms_key_id.as_deref()
                    {
                        match resolve_key(acct.account, k) {
                            Some(key) => match &key.policy {
                                Probe::Found(doc) => match parse_policy(doc) {
                                    Ok(p) => {
                                        t.key = Some((
                                            key.arn.clone(),
                                            format!("key policy of {}", key.arn),
                                            p,
                                        ))
                                    }
                                    Err(e) => t.notes.push(format!(
                                        "key policy of {} could not be parsed: {e}",
                                        key.arn
                                    )),
                                },
                                _ => {
                                    t.notes.push(format!(
                                        "key policy of {} could not be read",
                                        key.arn
                                    ));
                                    t.undecided = true;
                                }
                            },
                            None => t
                                .notes
                                .push(format!("KMS key {k} of bucket {b} is not in the snapshot")),
                        }
                    }
                }
            }
            out.push(t);
        }
        if let Some(g) = l.cloudwatch_log_group.as_deref().filter(|g| !g.is_empty()) {
            let base = format!("arn:{part}:logs:{region}:{id}:log-group:{g}");
            if !seen.insert(base.clone()) {
                continue;
            }
            out.push(Target {
                label: format!("log group {g} ({region})"),
                reads: vec![
                    (
                        "logs:GetLogEvents",
                        format!("{base}:log-stream:perimeter-probe"),
                    ),
                    ("logs:FilterLogEvents", base.clone()),
                    ("logs:FilterLogEvents", format!("{base}:*")),
                    ("logs:StartQuery", base.clone()),
                    ("logs:StartQuery", format!("{base}:*")),
                ],
                bucket_policy: None,
                key: None,
                notes: Vec::new(),
                undecided: false,
            });
        }
    }
    out
}

/// Can `p` read the target? Returns the deciding answers.
fn can_read(
    cx: &EvalContext<'_>,
    acct: &AccountView<'_>,
    p: &PrincipalView,
    t: &Target,
) -> Option<Value> {
    let mut set = cx.policy_set(acct, p, true);
    if let Some((label, policy)) = &t.bucket_policy {
        set.resource.push(Labeled::new(label.clone(), policy));
    }
    let keys = open_keys(&set, &[]);
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let region = t
        .reads
        .first()
        .and_then(|(_, r)| r.split(':').nth(3))
        .filter(|r| !r.is_empty())
        .map(str::to_string);
    let mut allowed = None;
    for (action, resource) in &t.reads {
        let req = cx.request(acct, p, action, resource, region.as_deref());
        let d = cx.decide_open_keys(&set, &req, &keys);
        if d.may_allow() {
            allowed = Some(decision_json(action, resource, &d));
            break;
        }
    }
    let read = allowed?;
    let Some((key_arn, label, policy)) = &t.key else {
        return Some(json!({"read": read}));
    };
    let mut kset = cx.policy_set(acct, p, true);
    kset.resource.push(Labeled::new(label.clone(), policy));
    kset.semantics = Some(ServiceSemantics::KmsKeyPolicy);
    let kkeys = open_keys(&kset, &[]);
    let kkeys: Vec<&str> = kkeys.iter().map(String::as_str).collect();
    let req = cx.request(acct, p, "kms:Decrypt", key_arn, key_arn.split(':').nth(3));
    let d = cx.decide_open_keys(&kset, &req, &kkeys);
    d.may_allow()
        .then(|| json!({"read": read, "decrypt": decision_json("kms:Decrypt", key_arn, &d)}))
}

impl Check for InvocationLogsReadableByInvokers {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            let targets = targets(cx, acct);
            if targets.is_empty() {
                continue;
            }
            if acct.account.iam.is_none() {
                let mut ev = cx.gap_evidence(id, None, "iam");
                ev["log_destinations"] =
                    json!(targets.iter().map(|t| &t.label).collect::<Vec<_>>());
                out.push(
                    Subject::new(id, None, acct.root_arn()).unknown(format!("IAM of account {id} could not be read, so who can read its invocation logs is not known."))
                    .evidence(ev),
                );
                continue;
            }
            // Regions to ask "can invoke" about: where logging is configured, plus the
            // Bedrock-active ones.
            let mut regions: BTreeSet<&str> = invocation_configs(acct.account)
                .into_iter()
                .map(|(r, _)| r)
                .collect();
            regions.extend(acct.active_regions.keys().map(String::as_str));
            let notes: Vec<&String> = targets.iter().flat_map(|t| t.notes.iter()).collect();
            for p in acct.principals.iter().filter(|p| p.is_workload()) {
                let at = Subject::new(id, None, &p.arn);
                let invoke = regions
                    .iter()
                    .find_map(|r| may_invoke_in(cx, acct, p, r, false).map(|d| (*r, d)));
                let Some((region, invoke)) = invoke else {
                    // Not seen to invoke; with unreadable policies, not known.
                    out.extend(crate::checks::iam::undecided_invoker(cx, acct, p));
                    continue;
                };
                let readable: Vec<Value> = targets
                    .iter()
                    .filter_map(|t| {
                        can_read(cx, acct, p, t)
                            .map(|d| json!({"destination": t.label, "decision": d}))
                    })
                    .collect();
                let ev = json!({
                    "invoke": {"region": region, "decision": invoke},
                    "readable_destinations": &readable,
                    "log_destinations": targets.iter().map(|t| &t.label).collect::<Vec<_>>(),
                    "notes": &notes,
                    "unparsed_policies": p.unparsed.iter().map(|(l, e)| json!({"policy": l, "error": e})).collect::<Vec<_>>(),
                });
                let d = if !readable.is_empty() {
                    let names: Vec<&str> = readable
                        .iter()
                        .filter_map(|r| r["destination"].as_str())
                        .collect();
                    at.fail(format!(
                        "{} can invoke models and can also read the invocation logs in {}.",
                        p.arn,
                        names.join(", ")
                    ))
                } else if !p.unparsed.is_empty() {
                    at.unknown(format!(
                            "{} can invoke models; some of its policies could not be parsed, so whether it can read the invocation logs is not known.",
                            p.arn
                        ))
                } else if targets.iter().any(|t| t.undecided) {
                    at.unknown(format!(
                            "{} can invoke models; a bucket or key policy of the invocation logs could not be read, so whether it can read them is not known.",
                            p.arn
                        ))
                } else {
                    at.pass(format!(
                        "{} can invoke models but cannot read the invocation logs.",
                        p.arn
                    ))
                };
                out.push(d.evidence(ev));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use crate::checks::Status;
    use crate::checks::testutil::*;
    use crate::model::{Bucket, Iam, InlinePolicy, ManagedPolicy, Probe, Role, S3};
    use serde_json::{Value, json};

    fn role(name: &str, statements: Value) -> Role {
        Role {
            arn: format!("arn:aws:iam::{ACCOUNT}:role/{name}"),
            name: name.into(),
            path: "/".into(),
            trust_policy: json!({}).into(),
            inline_policies: vec![InlinePolicy {
                name: "p".into(),
                document: json!({"Version": "2012-10-17", "Statement": statements}).into(),
            }],
            ..Default::default()
        }
    }

    fn invoke() -> Value {
        json!({"Sid": "Invoke", "Effect": "Allow", "Action": "bedrock:InvokeModel",
               "Resource": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.*"})
    }

    fn snap(roles: Vec<Role>, bucket_policy: Probe<Value>) -> crate::model::Snapshot {
        let mut a = account(ACCOUNT);
        bedrock(&mut a, REGION).logging = Probe::Found(logging("inv-logs", "/bedrock/inv"));
        region(&mut a, REGION).s3 = Some(S3 {
            buckets: vec![Bucket {
                name: "inv-logs".into(),
                region: REGION.into(),
                policy: bucket_policy,
                encryption: Probe::Absent,
                ..Default::default()
            }],
        });
        a.iam = Some(Iam {
            roles,
            policies: vec![ManagedPolicy {
                arn: "arn:aws:iam::aws:policy/AdministratorAccess".into(),
                name: "AdministratorAccess".into(),
                aws_managed: true,
                document: json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}).into(),
                ..Default::default()
            }],
            ..Default::default()
        });
        snapshot(vec![a])
    }

    #[test]
    fn invoker_reading_bucket_fails() {
        let app = role(
            "app",
            json!([invoke(), {"Sid": "ReadLogs", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::inv-logs/*"}]),
        );
        let f = run("LOG-008", &snapshot_of(app));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Fail);
        assert_eq!(f[0].resource, format!("arn:aws:iam::{ACCOUNT}:role/app"));
        assert!(f[0].message.contains("s3://inv-logs"));
        let ev = f[0].evidence.to_string();
        assert!(ev.contains("ReadLogs"), "{ev}");
    }

    fn snapshot_of(r: Role) -> crate::model::Snapshot {
        snap(vec![r], Probe::Absent)
    }

    #[test]
    fn invoker_reading_log_group_fails() {
        let app = role(
            "app",
            json!([invoke(), {"Effect": "Allow", "Action": ["logs:FilterLogEvents", "logs:GetLogEvents"],
                              "Resource": format!("arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/bedrock/inv:*")}]),
        );
        let f = run("LOG-008", &snapshot_of(app));
        assert_eq!(f[0].status, Status::Fail);
        assert!(f[0].message.contains("log group /bedrock/inv"));
    }

    #[test]
    fn invoker_without_read_passes_and_non_invoker_is_silent() {
        let app = role("app", json!([invoke()]));
        let reader = role(
            "investigator",
            json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::inv-logs/*"}]),
        );
        let f = run("LOG-008", &snap(vec![app, reader], Probe::Absent));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Pass);
        assert!(f[0].resource.ends_with("role/app"));
    }

    #[test]
    fn bucket_policy_grant_counts() {
        let app = role("app", json!([invoke()]));
        let policy = json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:role/app")},
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::inv-logs/bedrock/*"}]});
        let f = run("LOG-008", &snap(vec![app], Probe::Found(policy)));
        assert_eq!(f[0].status, Status::Fail);
    }

    #[test]
    fn administrators_are_not_reported() {
        let mut admin = role("admin", json!([]));
        admin.attached_policies = vec!["arn:aws:iam::aws:policy/AdministratorAccess".into()];
        let f = run("LOG-008", &snap(vec![admin], Probe::Absent));
        assert!(f.is_empty(), "{f:#?}");
    }
}
