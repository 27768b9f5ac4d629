//! LOG-010: an invocation-log bucket lacks a full bucket-level Block Public Access, or
//! its bucket policy is public.
//!
//! "Public" is decided by the engine: can an anonymous caller, or a principal of an
//! account outside the organisation (any account, and each outside account the policy
//! names), `s3:GetObject` an invocation-log object through the bucket policy alone? The
//! outside principal's own account is assumed to allow it. Account-level Block Public
//! Access is not collected, so a bucket without its own full block fails even if the
//! account-level setting would cover it.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::{find_bucket, invocation_configs, invocation_log_object_arn, parse_policy, s3_gap};
use crate::checks::Subject;
use crate::checks::{Check, Draft, EvalContext};
use crate::model::Probe;
use crate::policy::{Context, Labeled, Policy, PolicySet, PrincipalSpec, Principals, Request};

#[derive(Debug)]
pub struct InvocationLogBucketPublic;

const ANONYMOUS: &str = "anonymous";
const OUTSIDE_PROBE_ACCOUNT: &str = "000000000000";

/// Accounts named as principals in the policy's Allow statements.
fn named_accounts(p: &Policy) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for s in p.statements() {
        let Some(PrincipalSpec::Principal(Principals::Map(entries))) = &s.principal else {
            continue;
        };
        for e in entries {
            for v in &e.values {
                let acct = if v.raw.len() == 12 && v.raw.bytes().all(|b| b.is_ascii_digit()) {
                    Some(v.raw.as_str())
                } else {
                    v.raw.split(':').nth(4).filter(|a| a.len() == 12)
                };
                if let Some(a) = acct {
                    out.insert(a.to_string());
                }
            }
        }
    }
    out
}

/// Who outside can read the object, per the engine: (principal, reasons).
fn public_readers(
    cx: &EvalContext<'_>,
    policy: &Policy,
    label: &str,
    object: &str,
    bucket_account: &str,
) -> Vec<Value> {
    let Ok(allow_all) = Policy::from_value(&json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    else {
        return Vec::new();
    };
    let inside: BTreeSet<&str> = cx
        .snapshot
        .organization
        .iter()
        .flat_map(|o| o.accounts.iter().map(|a| a.id.as_str()))
        .chain(cx.snapshot.accounts.iter().map(|a| a.id.as_str()))
        .collect();
    let mut probes: Vec<(String, Option<String>)> = vec![(ANONYMOUS.to_string(), None)];
    let mut outside: BTreeSet<String> = named_accounts(policy)
        .into_iter()
        .filter(|a| !inside.contains(a.as_str()))
        .collect();
    outside.insert(OUTSIDE_PROBE_ACCOUNT.to_string());
    for a in outside {
        probes.push((
            format!("arn:aws:iam::{a}:role/perimeter-outside-probe"),
            Some(a),
        ));
    }
    let mut out = Vec::new();
    for (principal, account) in probes {
        let set = PolicySet {
            identity: if account.is_some() {
                vec![Labeled::new(
                    "the outside account's own policies (assumed to allow)",
                    &allow_all,
                )]
            } else {
                Vec::new()
            },
            resource: vec![Labeled::new(label, policy)],
            ..Default::default()
        };
        let mut ctx = Context::new();
        ctx.insert("aws:SecureTransport", "true");
        if let Some(a) = &account {
            ctx.insert("aws:PrincipalAccount", a.clone());
            ctx.insert("aws:PrincipalArn", principal.clone());
        }
        let mut req = Request::new(principal.clone(), "s3:GetObject", object);
        req.resource_account = Some(bucket_account.to_string());
        req.context = ctx;
        let d = cx.decide(&set, &req);
        if crate::checks::context::allowed(&d) {
            let who = if account.is_some() {
                principal.clone()
            } else {
                "anonymous (Principal *)".to_string()
            };
            out.push(json!({
                "principal": who,
                "reasons": crate::checks::context::reasons_json(&d),
            }));
        }
    }
    out
}

impl Check for InvocationLogBucketPublic {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            let part = acct.partition.as_str();
            let mut seen = BTreeSet::new();
            for (config_region, l) in invocation_configs(acct.account) {
                let buckets = [
                    (l.s3_bucket.as_deref(), l.s3_key_prefix.as_deref()),
                    (l.large_data_bucket.as_deref(), None),
                ];
                for (name, prefix) in buckets {
                    let Some(name) = name.filter(|n| !n.is_empty()) else {
                        continue;
                    };
                    if !seen.insert(name.to_string()) {
                        continue;
                    }
                    let arn = format!("arn:{part}:s3:::{name}");
                    let Some((found_in, b)) = find_bucket(acct.account, name) else {
                        let mut ev = if s3_gap(acct.account) {
                            cx.gap_evidence(id, None, "s3")
                        } else {
                            json!({})
                        };
                        ev["bucket"] = json!(name);
                        out.push(
                            Subject::new(id, Some(config_region), arn).unknown(format!("Invocation-log bucket {name} was not collected, so its public access is not known."))
                            .evidence(ev),
                        );
                        continue;
                    };
                    let region = if b.region.is_empty() {
                        found_in
                    } else {
                        b.region.as_str()
                    };
                    let at = Subject::new(id, Some(region), &arn);
                    let object = invocation_log_object_arn(part, name, prefix, id, config_region);
                    let mut problems = Vec::new();
                    let mut unknowns = Vec::new();
                    let bpa = match &b.public_access_block {
                        Probe::Found(p) => {
                            if !p.all_on() {
                                problems.push(
                                    "does not have all four Block Public Access settings on"
                                        .to_string(),
                                );
                            }
                            json!({
                                "block_public_acls": p.block_public_acls,
                                "ignore_public_acls": p.ignore_public_acls,
                                "block_public_policy": p.block_public_policy,
                                "restrict_public_buckets": p.restrict_public_buckets,
                            })
                        }
                        Probe::Absent => {
                            problems.push("has no bucket-level Block Public Access".to_string());
                            json!("not configured")
                        }
                        Probe::Unknown => {
                            unknowns.push("Block Public Access could not be read");
                            json!("unknown")
                        }
                    };
                    let policy_ev = match &b.policy {
                        Probe::Found(doc) => match parse_policy(doc) {
                            Ok(p) => {
                                let readers = public_readers(
                                    cx,
                                    &p,
                                    &format!("bucket policy of {name}"),
                                    &object,
                                    id,
                                );
                                if !readers.is_empty() {
                                    problems.push("has a bucket policy that lets callers outside the organisation read log objects".to_string());
                                }
                                json!({"public_readers": readers})
                            }
                            Err(e) => {
                                unknowns.push("the bucket policy could not be parsed");
                                json!({"error": e})
                            }
                        },
                        Probe::Absent => json!("no bucket policy"),
                        Probe::Unknown => {
                            unknowns.push("the bucket policy could not be read");
                            json!("unknown")
                        }
                    };
                    let mut ev = json!({
                        "bucket": name,
                        "public_access_block": bpa,
                        "bucket_policy": policy_ev,
                        "probe_object": object,
                        "note": "account-level Block Public Access is not collected",
                    });
                    let d = if !problems.is_empty() {
                        at.fail(format!(
                            "Invocation-log bucket {name} {}.",
                            problems.join(" and ")
                        ))
                    } else if !unknowns.is_empty() {
                        ev["gaps"] = cx.gap_evidence(id, None, "s3")["gaps"].clone();
                        at.unknown(format!(
                            "Whether invocation-log bucket {name} is public is not known: {}.",
                            unknowns.join(" and ")
                        ))
                    } else {
                        at.pass(format!(
                                "Invocation-log bucket {name} blocks public access and its policy is not public."
                            ))
                    };
                    out.push(d.evidence(ev));
                }
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
    use crate::model::{Bucket, Probe, PublicAccessBlock, S3};
    use serde_json::{Value, json};

    fn full() -> Probe<PublicAccessBlock> {
        Probe::Found(PublicAccessBlock {
            block_public_acls: true,
            ignore_public_acls: true,
            block_public_policy: true,
            restrict_public_buckets: true,
        })
    }

    fn snap(bpa: Probe<PublicAccessBlock>, policy: Probe<Value>) -> crate::model::Snapshot {
        let mut a = account(ACCOUNT);
        bedrock(&mut a, REGION).logging = Probe::Found(logging("inv-logs", "/bedrock/inv"));
        region(&mut a, REGION).s3 = Some(S3 {
            buckets: vec![Bucket {
                name: "inv-logs".into(),
                region: REGION.into(),
                public_access_block: bpa,
                policy,
                ..Default::default()
            }],
        });
        snapshot(vec![a])
    }

    fn policy(principal: Value, condition: Option<Value>) -> Probe<Value> {
        let mut st = json!({"Sid": "Read", "Effect": "Allow", "Principal": principal,
                            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::inv-logs/*"});
        if let Some(c) = condition {
            st["Condition"] = c;
        }
        Probe::Found(json!({"Version": "2012-10-17", "Statement": [st]}))
    }

    #[test]
    fn blocked_and_private_passes() {
        let f = run("LOG-010", &snap(full(), Probe::Absent));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Pass);
        assert_eq!(f[0].resource, "arn:aws:s3:::inv-logs");
    }

    #[test]
    fn missing_block_fails() {
        let f = run("LOG-010", &snap(Probe::Absent, Probe::Absent));
        assert_eq!(f[0].status, Status::Fail);
        assert!(f[0].message.contains("no bucket-level Block Public Access"));
    }

    #[test]
    fn public_policy_fails() {
        let f = run("LOG-010", &snap(full(), policy(json!("*"), None)));
        assert_eq!(f[0].status, Status::Fail);
        assert!(f[0].evidence.to_string().contains("anonymous"));
    }

    #[test]
    fn outside_account_fails_but_org_scoped_passes() {
        let f = run(
            "LOG-010",
            &snap(
                full(),
                policy(json!({"AWS": "arn:aws:iam::444455556666:root"}), None),
            ),
        );
        assert_eq!(f[0].status, Status::Fail);
        assert!(f[0].evidence.to_string().contains("444455556666"));
        let f = run(
            "LOG-010",
            &snap(
                full(),
                policy(
                    json!("*"),
                    Some(json!({"StringEquals": {"aws:PrincipalOrgID": "o-abc"}})),
                ),
            ),
        );
        assert_eq!(f[0].status, Status::Pass, "{:#?}", f[0].evidence);
    }

    #[test]
    fn unreadable_is_unknown() {
        let f = run("LOG-010", &snap(Probe::Unknown, Probe::Absent));
        assert_eq!(f[0].status, Status::Unknown);
    }
}
