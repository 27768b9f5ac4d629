//! LOG-007: invocation or trail log retention is below the floor
//! (`logging.retention_days`, default 365 days; PCI DSS 10.5.1).
//!
//! Log groups: the retention setting (`None` = never expire). Invocation-log buckets:
//! S3 lifecycle rules are not collected, so only the bucket's default Object Lock
//! retention (a guaranteed minimum) is judged against the floor; without one the
//! retention is unknown.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{
    arn_region, find_bucket, find_log_group, invocation_buckets, invocation_configs,
    log_group_name_from_arn, normalize_log_group_arn, s3_gap, trails,
};
use crate::checks::Subject;
use crate::checks::{Check, Draft, EvalContext};
use crate::model::{LogGroup, Probe};

#[derive(Debug)]
pub struct LogRetentionShort;

/// Why a log group is examined.
#[derive(Default)]
struct Target<'a> {
    region: String,
    name: String,
    group: Option<&'a LogGroup>,
    /// `invocation-logs (us-east-1)`, `trail <arn>`, `collected`.
    uses: Vec<String>,
    /// Set when the group could not be found (`absent`) or read (`unknown`).
    missing: Option<&'static str>,
}

fn group_arn(partition: &str, region: &str, account: &str, name: &str) -> String {
    format!("arn:{partition}:logs:{region}:{account}:log-group:{name}")
}

impl Check for LogRetentionShort {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let floor = cx.config.log_retention_days;
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            let part = acct.partition.as_str();
            // (region, name) → target, so each log group is reported once.
            let mut targets: BTreeMap<(String, String), Target<'_>> = BTreeMap::new();
            let mut add = |region: &str, name: &str, why: String| {
                let key = (region.to_string(), name.to_string());
                let t = targets.entry(key).or_insert_with(|| {
                    let (group, missing) = match find_log_group(acct.account, region, name) {
                        Probe::Found(g) => (Some(g), None),
                        Probe::Absent => (None, Some("absent")),
                        Probe::Unknown => (None, Some("unknown")),
                    };
                    Target {
                        region: region.to_string(),
                        name: name.to_string(),
                        group,
                        missing,
                        uses: Vec::new(),
                    }
                });
                if !t.uses.contains(&why) {
                    t.uses.push(why);
                }
            };
            for (region, l) in invocation_configs(acct.account) {
                if let Some(g) = l.cloudwatch_log_group.as_deref().filter(|g| !g.is_empty()) {
                    add(region, g, format!("model invocation logs ({region})"));
                }
            }
            for (listed, t) in trails(acct.account) {
                if let Some(arn) = t.cloudwatch_log_group_arn.as_deref() {
                    let region = arn_region(arn).unwrap_or(listed);
                    if let Some(name) = log_group_name_from_arn(arn) {
                        add(region, name, format!("trail {}", t.arn));
                    }
                }
            }
            for (region, d) in &acct.account.regions {
                if let Some(logs) = &d.logs {
                    for g in &logs.log_groups {
                        let why = if g.roles.is_empty() {
                            "collected as a log destination".to_string()
                        } else {
                            format!("collected as a destination of {}", g.roles.join(", "))
                        };
                        add(region, &g.name, why);
                    }
                }
            }
            for t in targets.values() {
                let region = t.region.as_str();
                let Some(g) = t.group else {
                    let arn = group_arn(part, region, id, &t.name);
                    let (msg, mut ev) = if t.missing == Some("unknown") {
                        (
                            format!(
                                "Log groups of {region} in account {id} could not be read, so the retention of {} is not known.",
                                t.name
                            ),
                            cx.gap_evidence(id, Some(region), "logs"),
                        )
                    } else {
                        (
                            format!(
                                "Log group {} is named as a log destination but was not found in {region} of account {id}.",
                                t.name
                            ),
                            json!({}),
                        )
                    };
                    ev["log_group"] = json!(t.name);
                    ev["used_for"] = json!(t.uses);
                    out.push(
                        Subject::new(id, Some(region), arn)
                            .unknown(msg)
                            .evidence(ev),
                    );
                    continue;
                };
                let arn = if g.arn.is_empty() {
                    group_arn(part, region, id, &g.name)
                } else {
                    normalize_log_group_arn(&g.arn).to_string()
                };
                let ev = json!({
                    "log_group": g.name,
                    "retention_days": g.retention_days,
                    "floor_days": floor,
                    "used_for": t.uses,
                });
                let d = match g.retention_days {
                    None => Subject::new(id, Some(region), arn)
                        .pass(format!("Log group {} never expires its events.", g.name)),
                    Some(days) if i64::from(days) < i64::from(floor) => Subject::new(
                        id,
                        Some(region),
                        arn,
                    )
                    .fail(format!(
                        "Log group {} keeps events for {days} days, below the {floor}-day floor.",
                        g.name
                    )),
                    Some(days) => Subject::new(id, Some(region), arn).pass(format!(
                        "Log group {} keeps events for {days} days (floor {floor}).",
                        g.name
                    )),
                };
                out.push(d.evidence(ev));
            }

            // Invocation-log buckets.
            let mut seen = std::collections::BTreeSet::new();
            for (region, l) in invocation_configs(acct.account) {
                for name in invocation_buckets(l) {
                    if !seen.insert(name.to_string()) {
                        continue;
                    }
                    out.push(bucket_draft(
                        cx,
                        acct.account,
                        id,
                        part,
                        region,
                        name,
                        floor,
                    ));
                }
            }
        }
        out
    }
}

fn bucket_draft(
    cx: &EvalContext<'_>,
    account: &crate::model::Account,
    id: &str,
    partition: &str,
    config_region: &str,
    name: &str,
    floor: u32,
) -> Draft {
    let arn = format!("arn:{partition}:s3:::{name}");
    let note = "S3 lifecycle rules are not collected; only the bucket's default Object Lock retention (a guaranteed minimum) is compared with the floor";
    let Some((found_in, b)) = find_bucket(account, name) else {
        let mut ev: Value = if s3_gap(account) {
            cx.gap_evidence(id, None, "s3")
        } else {
            json!({})
        };
        ev["bucket"] = json!(name);
        ev["note"] = json!(note);
        return Subject::new(id, Some(config_region), arn)
            .unknown(format!(
                "Invocation-log bucket {name} was not collected, so its retention is not known."
            ))
            .evidence(ev);
    };
    let region = if b.region.is_empty() {
        found_in
    } else {
        b.region.as_str()
    };
    let lock_days = match &b.object_lock {
        Probe::Found(l) if l.enabled => l
            .days
            .map(i64::from)
            .or(l.years.map(|y| i64::from(y) * 365)),
        _ => None,
    };
    let ev = json!({
        "bucket": name,
        "object_lock": match &b.object_lock {
            Probe::Found(l) => json!({"enabled": l.enabled, "mode": l.mode, "days": l.days, "years": l.years}),
            Probe::Absent => json!("not configured"),
            Probe::Unknown => json!("unknown"),
        },
        "guaranteed_retention_days": lock_days,
        "floor_days": floor,
        "note": note,
    });
    let d = match lock_days {
        Some(d) if d >= i64::from(floor) => Subject::new(id, Some(region), arn).pass(format!(
                "Invocation-log bucket {name} retains objects for at least {d} days under Object Lock (floor {floor})."
            )),
        Some(d) => Subject::new(id, Some(region), arn).fail(format!(
                "Invocation-log bucket {name} guarantees retention for only {d} days under Object Lock, below the {floor}-day floor."
            )),
        None => Subject::new(id, Some(region), arn).unknown(format!(
                "Invocation-log bucket {name} has no default Object Lock retention and its lifecycle rules are not collected, so its retention is not known."
            )),
    };
    d.evidence(ev)
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use crate::checks::Status;
    use crate::checks::testutil::*;
    use crate::config::Config;
    use crate::model::{Bucket, LogGroup, Logs, ObjectLock, Probe, S3};

    fn group(name: &str, days: Option<i32>) -> LogGroup {
        LogGroup {
            name: name.into(),
            arn: format!("arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{name}:*"),
            retention_days: days,
            roles: vec!["invocation-logs".into()],
            ..Default::default()
        }
    }

    fn snap(days: Option<i32>, lock_days: Option<i32>) -> crate::model::Snapshot {
        let mut a = account(ACCOUNT);
        bedrock(&mut a, REGION).logging = Probe::Found(logging("inv-logs", "/bedrock/inv"));
        region(&mut a, REGION).logs = Some(Logs {
            log_groups: vec![group("/bedrock/inv", days)],
        });
        region(&mut a, REGION).s3 = Some(S3 {
            buckets: vec![Bucket {
                name: "inv-logs".into(),
                region: REGION.into(),
                object_lock: match lock_days {
                    Some(d) => Probe::Found(ObjectLock {
                        enabled: true,
                        mode: Some("GOVERNANCE".into()),
                        days: Some(d),
                        years: None,
                    }),
                    None => Probe::Absent,
                },
                ..Default::default()
            }],
        });
        snapshot(vec![a])
    }

    fn find<'a>(f: &'a [crate::checks::Finding], suffix: &str) -> &'a crate::checks::Finding {
        f.iter().find(|x| x.resource.ends_with(suffix)).unwrap()
    }

    #[test]
    fn short_log_group_fails() {
        let f = run("LOG-007", &snap(Some(30), Some(400)));
        let g = find(&f, "log-group:/bedrock/inv");
        assert_eq!(g.status, Status::Fail);
        assert!(g.message.contains("30 days, below the 365-day floor"));
        assert_eq!(find(&f, ":::inv-logs").status, Status::Pass);
    }

    #[test]
    fn never_expire_passes() {
        let f = run("LOG-007", &snap(None, Some(400)));
        assert_eq!(find(&f, "log-group:/bedrock/inv").status, Status::Pass);
    }

    #[test]
    fn floor_comes_from_config() {
        let c = Config {
            log_retention_days: 20,
            ..Config::default()
        };
        let f = run_with("LOG-007", &snap(Some(30), Some(25)), &c);
        assert!(f.iter().all(|x| x.status == Status::Pass), "{f:#?}");
    }

    #[test]
    fn bucket_short_lock_fails_and_no_lock_is_unknown() {
        let f = run("LOG-007", &snap(None, Some(90)));
        assert_eq!(find(&f, ":::inv-logs").status, Status::Fail);
        let f = run("LOG-007", &snap(None, None));
        let b = find(&f, ":::inv-logs");
        assert_eq!(b.status, Status::Unknown);
        assert!(
            b.evidence.value()["note"]
                .as_str()
                .unwrap()
                .contains("lifecycle")
        );
    }

    #[test]
    fn unreadable_logs_is_unknown() {
        let mut s = snap(None, Some(400));
        s.accounts[0].regions.get_mut(REGION).unwrap().logs = None;
        let f = run("LOG-007", &s);
        assert_eq!(find(&f, "log-group:/bedrock/inv").status, Status::Unknown);
    }

    #[test]
    fn trail_log_group_is_examined() {
        let mut s = snap(None, Some(400));
        let mut t = trail("main", true);
        t.cloudwatch_log_group_arn = Some(format!(
            "arn:aws:logs:us-east-1:{ACCOUNT}:log-group:trail-logs:*"
        ));
        set_trails(&mut s.accounts[0], REGION, vec![t]);
        s.accounts[0]
            .regions
            .get_mut(REGION)
            .unwrap()
            .logs
            .as_mut()
            .unwrap()
            .log_groups
            .push(group("trail-logs", Some(7)));
        let f = run("LOG-007", &s);
        let g = find(&f, "log-group:trail-logs");
        assert_eq!(g.status, Status::Fail);
        assert!(
            g.evidence.value()["used_for"][0]
                .as_str()
                .unwrap()
                .contains("trail")
        );
    }
}
