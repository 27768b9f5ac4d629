//! LOG-003: no multi-Region trail is logging management events.

use serde_json::{Value, json};

use super::{records_management_events, regions_without_cloudtrail};
use crate::checks::Subject;
use crate::checks::{Check, Draft, EvalContext};
use crate::model::{Probe, Trail};

#[derive(Debug)]
pub struct CloudtrailNotMultiRegion;

/// How one trail stands against the requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Qualifies,
    Fails,
    Unknown,
}

fn judge(t: &Trail) -> (Verdict, Value) {
    let mgmt = records_management_events(t);
    let logging = match &t.is_logging {
        Probe::Found(b) => Some(*b),
        Probe::Absent => Some(false),
        Probe::Unknown => None,
    };
    let ev = json!({
        "trail": t.arn,
        "home_region": t.home_region,
        "multi_region": t.multi_region,
        "organization_trail": t.organization_trail,
        "is_logging": logging,
        "records_management_events": mgmt,
    });
    let mut ev = ev;
    if super::selectors_default(t) {
        ev["management_events_by_default"] = json!(
            "the trail has no event selectors, so AWS's default applies: all management events"
        );
    }
    let v = if !t.multi_region || logging == Some(false) || mgmt == Some(false) {
        Verdict::Fails
    } else if logging.is_none() || mgmt.is_none() {
        Verdict::Unknown
    } else {
        Verdict::Qualifies
    };
    (v, ev)
}

impl Check for CloudtrailNotMultiRegion {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            let root = acct.root_arn();
            let at = Subject::new(id, None, &root);
            let missing = regions_without_cloudtrail(acct.account);
            // With the management account's, for a member (its organisation trails).
            let unread = super::coverage_unread(cx, acct.account);
            let all = super::covering_trails(cx, acct.account);
            if all.is_empty() && !missing.is_empty() && missing.len() == acct.account.regions.len()
            {
                let mut ev = cx.gap_evidence(id, None, "cloudtrail");
                ev["regions"] = json!(missing);
                out.push(
                    at.unknown(format!("Trails of account {id} could not be listed in any Region, so multi-Region coverage is not known."))
                    .evidence(ev),
                );
                continue;
            }
            let judged: Vec<(Verdict, Value)> = all.iter().map(|(_, t)| judge(t)).collect();
            let qualifying: Vec<&Value> = judged
                .iter()
                .filter(|(v, _)| *v == Verdict::Qualifies)
                .map(|(_, e)| e)
                .collect();
            let undecided: Vec<&Value> = judged
                .iter()
                .filter(|(v, _)| *v == Verdict::Unknown)
                .map(|(_, e)| e)
                .collect();
            let trails_ev: Vec<&Value> = judged.iter().map(|(_, e)| e).collect();
            let d = if let Some(q) = qualifying.first() {
                at.pass(format!(
                        "Account {id} has a logging multi-Region trail recording management events ({}).",
                        q["trail"].as_str().unwrap_or_default()
                    ))
                .evidence(json!({ "qualifying_trails": qualifying, "trails": trails_ev }))
            } else if !undecided.is_empty() || !unread.is_empty() {
                let mut ev = cx.gap_evidence(id, None, "cloudtrail");
                ev["trails"] = json!(trails_ev);
                ev["undecided_trails"] = json!(undecided);
                ev["regions_not_listed"] = json!(unread);
                at.unknown(format!(
                        "No trail of account {id} is known to be a logging multi-Region trail recording management events, but the status or selectors of some trails (or the trails of some Regions) could not be read."
                    ))
                .evidence(ev)
            } else {
                at.fail(if all.is_empty() {
                        format!("Account {id} has no CloudTrail trail, so API activity is kept only in the 90-day event history.")
                    } else {
                        format!(
                            "None of the {} trail(s) of account {id} is a logging multi-Region trail recording management events.",
                            all.len()
                        )
                    })
                .evidence(json!({ "trails": trails_ev }))
            };
            out.push(d);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use crate::checks::Status;
    use crate::checks::testutil::*;
    use crate::model::{AdvancedSelector, CloudTrail, EventSelectors, FieldSelector, Probe, Trail};

    fn snap(trails: Vec<Trail>) -> crate::model::Snapshot {
        let mut a = account(ACCOUNT);
        region(&mut a, REGION).cloudtrail = Some(CloudTrail {
            trails,
            ..CloudTrail::all_read()
        });
        snapshot(vec![a])
    }

    #[test]
    fn multi_region_logging_trail_passes() {
        let f = run("LOG-003", &snap(vec![trail("org", true)]));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Pass);
        assert_eq!(f[0].resource, format!("arn:aws:iam::{ACCOUNT}:root"));
        assert!(f[0].region.is_none());
    }

    /// A member account has no trail of its own, but the management account's
    /// organization trail logs it.
    #[test]
    fn an_organization_trail_covers_member_accounts() {
        const MGMT: &str = "999988887777";
        let mut mgmt = account(MGMT);
        let mut org_trail = trail("org", true);
        org_trail.organization_trail = true;
        region(&mut mgmt, REGION).cloudtrail = Some(CloudTrail {
            trails: vec![org_trail],
            ..CloudTrail::all_read()
        });
        let mut member = account(ACCOUNT);
        region(&mut member, REGION);
        let mut s = snapshot(vec![mgmt, member]);
        s.organization = Some(crate::model::Organization {
            id: "o-1".into(),
            management_account_id: MGMT.into(),
            accounts: [MGMT, ACCOUNT]
                .iter()
                .map(|id| crate::model::OrgAccount {
                    id: (*id).into(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        });
        let f = run("LOG-003", &s);
        let member_f = f.iter().find(|x| x.account == ACCOUNT).unwrap();
        assert_eq!(member_f.status, Status::Pass, "{}", member_f.message);
        // Without the organisation, the member has no trail at all.
        s.organization = None;
        let f = run("LOG-003", &s);
        assert_eq!(
            f.iter().find(|x| x.account == ACCOUNT).unwrap().status,
            Status::Fail
        );
    }

    #[test]
    fn advanced_management_selector_counts() {
        let mut t = trail("adv", true);
        t.event_selectors = Probe::Found(EventSelectors {
            basic: vec![],
            advanced: vec![AdvancedSelector {
                name: Some("mgmt".into()),
                field_selectors: vec![FieldSelector {
                    field: "eventCategory".into(),
                    equals: vec!["Management".into()],
                    ..Default::default()
                }],
            }],
        });
        assert_eq!(run("LOG-003", &snap(vec![t]))[0].status, Status::Pass);
    }

    #[test]
    fn single_region_or_stopped_trails_fail() {
        let mut stopped = trail("stopped", true);
        stopped.is_logging = Probe::Found(false);
        let f = run("LOG-003", &snap(vec![trail("local", false), stopped]));
        assert_eq!(f[0].status, Status::Fail);
        assert!(f[0].message.contains("None of the 2 trail(s)"));
    }

    #[test]
    fn no_trail_fails() {
        let f = run("LOG-003", &snap(vec![]));
        assert_eq!(f[0].status, Status::Fail);
        assert!(f[0].message.contains("no CloudTrail trail"));
    }

    #[test]
    fn unknown_selectors_are_unknown() {
        let mut t = trail("t", true);
        t.event_selectors = Probe::Unknown;
        assert_eq!(run("LOG-003", &snap(vec![t]))[0].status, Status::Unknown);
    }

    #[test]
    fn unlisted_everywhere_is_unknown() {
        let mut a = account(ACCOUNT);
        region(&mut a, REGION).cloudtrail = None;
        let f = run("LOG-003", &snapshot(vec![a]));
        assert_eq!(f[0].status, Status::Unknown);
        assert!(f[0].message.contains("could not be listed"));
    }
}
