//! LOG-006: a trail's bucket has no Object Lock, or lives in the workload account
//! instead of a separate logging account.
//!
//! The bucket's owner is not reported by CloudTrail. perimeter collects the buckets
//! trails write to when the account can read them, so a bucket found among this
//! account's buckets lives in this account; one not found is probably elsewhere (a
//! logging account) and its Object Lock cannot be verified from here.

use serde_json::json;

use super::{find_bucket, s3_gap, trail_region, trails};
use crate::checks::Subject;
use crate::checks::{Check, Draft, EvalContext};
use crate::model::Probe;

#[derive(Debug)]
pub struct CloudtrailBucketUnlocked;

impl Check for CloudtrailBucketUnlocked {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            let workload_account = !acct.active_regions.is_empty();
            for (listed, t) in trails(acct.account) {
                let region = trail_region(listed, t);
                let arn = t.arn.clone();
                let at = Subject::new(id, Some(region), &arn);
                let Some(bucket_name) = t.s3_bucket.as_deref().filter(|b| !b.is_empty()) else {
                    out.push(
                        at.unknown(format!(
                            "The S3 bucket of trail {} was not reported.",
                            t.name
                        ))
                        .evidence(json!({"trail": t.name, "s3_bucket": null})),
                    );
                    continue;
                };
                let Some((_, bucket)) = find_bucket(acct.account, bucket_name) else {
                    let mut ev = if s3_gap(acct.account) {
                        cx.gap_evidence(id, None, "s3")
                    } else {
                        json!({})
                    };
                    ev["trail"] = json!(t.name);
                    ev["s3_bucket"] = json!(bucket_name);
                    ev["bucket_collected"] = json!(false);
                    out.push(
                        at.unknown(format!(
                                "Trail {} writes to bucket {bucket_name}, which is not among the buckets collected for account {id} (it may live in a separate logging account), so its Object Lock could not be verified.",
                                t.name
                            ))
                        .evidence(ev),
                    );
                    continue;
                };
                let trail_owner = t.arn.split(':').nth(4).unwrap_or_default();
                let in_workload = workload_account && trail_owner == id;
                let lock = match &bucket.object_lock {
                    Probe::Found(l) => Some(l.enabled),
                    Probe::Absent => Some(false),
                    Probe::Unknown => None,
                };
                let mut problems = Vec::new();
                if lock == Some(false) {
                    problems.push("has no Object Lock".to_string());
                }
                if in_workload {
                    problems.push(format!(
                        "lives in workload account {id} (Bedrock-active) instead of a separate logging account"
                    ));
                }
                let ev = json!({
                    "trail": t.name,
                    "s3_bucket": bucket_name,
                    "bucket_collected": true,
                    "bucket_account": id,
                    "workload_account": workload_account,
                    "active_regions": acct.active_regions.keys().collect::<Vec<_>>(),
                    "object_lock": match &bucket.object_lock {
                        Probe::Found(l) => json!({"enabled": l.enabled, "mode": l.mode, "days": l.days, "years": l.years}),
                        Probe::Absent => json!("not configured"),
                        Probe::Unknown => json!("unknown"),
                    },
                });
                let d = if !problems.is_empty() {
                    at.fail(format!(
                        "The bucket {bucket_name} of trail {} {}.",
                        t.name,
                        problems.join(" and ")
                    ))
                    .evidence(ev)
                } else if lock.is_none() {
                    let ev = cx.with_gaps(ev, id, None, "s3");
                    at.unknown(format!(
                            "The Object Lock configuration of bucket {bucket_name} (trail {}) could not be read.",
                            t.name
                        ))
                    .evidence(ev)
                } else {
                    at.pass(format!(
                            "The bucket {bucket_name} of trail {} has Object Lock enabled and is not in a workload account.",
                            t.name
                        ))
                    .evidence(ev)
                };
                out.push(d);
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
    use crate::model::{Bucket, ObjectLock, Probe, S3};

    fn snap(lock: Option<Probe<ObjectLock>>, active: bool) -> crate::model::Snapshot {
        let mut a = account(ACCOUNT);
        set_trails(&mut a, REGION, vec![trail("main", true)]);
        let buckets = lock
            .map(|object_lock| Bucket {
                name: "trail-bucket".into(),
                region: REGION.into(),
                roles: vec!["cloudtrail".into()],
                object_lock,
                ..Default::default()
            })
            .into_iter()
            .collect();
        region(&mut a, REGION).s3 = Some(S3 { buckets });
        if active {
            bedrock(&mut a, REGION).guardrails = Some(vec![guardrail(ACCOUNT, REGION, "g1")]);
        }
        snapshot(vec![a])
    }

    fn locked() -> Probe<ObjectLock> {
        Probe::Found(ObjectLock {
            enabled: true,
            mode: Some("COMPLIANCE".into()),
            days: Some(400),
            years: None,
        })
    }

    #[test]
    fn unlocked_bucket_fails() {
        let f = run("LOG-006", &snap(Some(Probe::Absent), false));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Fail);
        assert!(f[0].resource.ends_with(":trail/main"));
        assert!(f[0].message.contains("has no Object Lock"));
    }

    #[test]
    fn locked_bucket_in_workload_account_fails() {
        let f = run("LOG-006", &snap(Some(locked()), true));
        assert_eq!(f[0].status, Status::Fail);
        assert!(
            f[0].message
                .contains("instead of a separate logging account")
        );
    }

    #[test]
    fn locked_bucket_in_logging_account_passes() {
        let f = run("LOG-006", &snap(Some(locked()), false));
        assert_eq!(f[0].status, Status::Pass);
        assert_eq!(f[0].evidence.value()["object_lock"]["mode"], "COMPLIANCE");
    }

    #[test]
    fn bucket_not_collected_is_unknown() {
        let f = run("LOG-006", &snap(None, true));
        assert_eq!(f[0].status, Status::Unknown);
        assert_eq!(f[0].evidence.value()["bucket_collected"], false);
    }

    #[test]
    fn unreadable_lock_is_unknown() {
        let f = run("LOG-006", &snap(Some(Probe::Unknown), false));
        assert_eq!(f[0].status, Status::Unknown);
    }
}
