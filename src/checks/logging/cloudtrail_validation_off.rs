//! LOG-004: a trail has log file integrity validation disabled.

use serde_json::json;

use super::{trail_region, trails};
use crate::checks::Subject;
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct CloudtrailValidationOff;

impl Check for CloudtrailValidationOff {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            for (listed, t) in trails(acct.account) {
                let region = trail_region(listed, t);
                let at = Subject::new(id, Some(region), &t.arn);
                let ev = json!({
                    "trail": t.name,
                    "home_region": t.home_region,
                    "log_file_validation": t.log_file_validation,
                    "organization_trail": t.organization_trail,
                });
                let d = if t.log_file_validation {
                    at.pass(format!(
                        "Trail {} has log file integrity validation enabled.",
                        t.name
                    ))
                } else {
                    at.fail(format!(
                            "Trail {} has log file integrity validation disabled, so altered or deleted log files cannot be detected.",
                            t.name
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

    #[test]
    fn validation_off_fails_on_the_trail() {
        let mut a = account(ACCOUNT);
        let mut t = trail("main", true);
        t.log_file_validation = false;
        set_trails(&mut a, REGION, vec![t, trail("other", false)]);
        let f = run("LOG-004", &snapshot(vec![a]));
        assert_eq!(f.len(), 2);
        let bad = f
            .iter()
            .find(|x| x.resource.ends_with("trail/main"))
            .unwrap();
        assert_eq!(bad.status, Status::Fail);
        assert!(bad.message.contains("validation disabled"));
        let good = f
            .iter()
            .find(|x| x.resource.ends_with("trail/other"))
            .unwrap();
        assert_eq!(good.status, Status::Pass);
    }

    #[test]
    fn unlisted_region_is_unknown() {
        let mut a = account(ACCOUNT);
        region(&mut a, "eu-west-1").cloudtrail = None;
        let f = run("LOG-004", &snapshot(vec![a]));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Unknown);
        assert_eq!(f[0].region.as_deref(), Some("eu-west-1"));
        assert_eq!(f[0].evidence.value()["unread"][0], "CloudTrail");
    }
}
