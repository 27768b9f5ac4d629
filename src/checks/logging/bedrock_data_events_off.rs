//! LOG-009: no trail records Bedrock data events (ApplyGuardrail, agents, knowledge
//! bases...), which are not logged by default.
//!
//! Account-wide, for accounts with Bedrock-active Regions: every active Region must be
//! covered by a logging trail (multi-Region, or homed there) whose selectors name a
//! Bedrock data-event resource type (`AWS::Bedrock::*`).

use serde_json::json;

use super::{bedrock_data_types, trail_region};
use crate::checks::Subject;
use crate::checks::{Check, Draft, EvalContext};
use crate::model::Probe;

#[derive(Debug)]
pub struct BedrockDataEventsOff;

impl Check for BedrockDataEventsOff {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            if acct.active_regions.is_empty() {
                continue;
            }
            let id = acct.account.id.as_str();
            let all = super::covering_trails(cx, acct.account);
            // Own Regions whose trails were not listed, and for a member the management
            // account's (its organisation trails cover the member).
            let missing = super::coverage_unread(cx, acct.account);
            let mut uncovered = Vec::new();
            let mut undecided = Vec::new();
            let mut per_region = serde_json::Map::new();
            for region in acct.active_regions.keys() {
                let mut covering = Vec::new();
                let mut maybe = Vec::new();
                for (listed, t) in &all {
                    if !(t.multi_region || trail_region(listed, t) == region) {
                        continue;
                    }
                    let logging = match &t.is_logging {
                        Probe::Found(b) => Some(*b),
                        Probe::Absent => Some(false),
                        Probe::Unknown => None,
                    };
                    if logging == Some(false) {
                        continue;
                    }
                    match bedrock_data_types(t) {
                        Some(types) if types.is_empty() => {}
                        Some(types) if logging == Some(true) => {
                            covering.push(json!({"trail": t.arn, "resource_types": types}));
                        }
                        Some(types) => {
                            maybe.push(json!({"trail": t.arn, "resource_types": types, "is_logging": "unknown"}));
                        }
                        None => maybe.push(json!({"trail": t.arn, "event_selectors": "unknown"})),
                    }
                }
                per_region.insert(
                    region.clone(),
                    json!({"recording_trails": covering, "undecided_trails": maybe}),
                );
                if covering.is_empty() {
                    if maybe.is_empty() && missing.is_empty() {
                        uncovered.push(region.clone());
                    } else {
                        undecided.push(region.clone());
                    }
                }
            }
            let root = acct.root_arn();
            let at = Subject::new(id, None, &root);
            let ev = json!({
                "active_regions": acct.active_regions.keys().collect::<Vec<_>>(),
                "by_region": per_region,
                "regions_not_listed": missing,
                "trails": all.iter().map(|(_, t)| t.arn.as_str()).collect::<Vec<_>>(),
            });
            let d = if !uncovered.is_empty() {
                at.fail(format!(
                        "No trail of account {id} records Bedrock data events (ApplyGuardrail, InvokeAgent, Retrieve...) in Bedrock-active Region(s) {}.",
                        uncovered.join(", ")
                    ))
                .evidence(ev)
            } else if !undecided.is_empty() {
                let ev = cx.with_gaps(ev, id, None, "cloudtrail");
                at.unknown(format!(
                        "Whether a trail of account {id} records Bedrock data events in {} is not known (selectors, trail status or trails could not be read).",
                        undecided.join(", ")
                    ))
                .evidence(ev)
            } else {
                at.pass(format!(
                        "Bedrock data events are recorded by a logging trail in every Bedrock-active Region of account {id}."
                    ))
                .evidence(ev)
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
    use crate::model::{AdvancedSelector, EventSelectors, FieldSelector, Probe, Trail};

    fn data_trail(types: &[&str]) -> Trail {
        let mut t = trail("data", true);
        t.event_selectors = Probe::Found(EventSelectors {
            basic: vec![],
            advanced: vec![AdvancedSelector {
                name: Some("bedrock".into()),
                field_selectors: vec![
                    FieldSelector {
                        field: "eventCategory".into(),
                        equals: vec!["Data".into()],
                        ..Default::default()
                    },
                    FieldSelector {
                        field: "resources.type".into(),
                        equals: types.iter().map(|s| s.to_string()).collect(),
                        ..Default::default()
                    },
                ],
            }],
        });
        t
    }

    fn snap(trails: Vec<Trail>, active: bool) -> crate::model::Snapshot {
        let mut a = account(ACCOUNT);
        set_trails(&mut a, REGION, trails);
        if active {
            bedrock(&mut a, REGION).guardrails = Some(vec![guardrail(ACCOUNT, REGION, "g1")]);
        }
        snapshot(vec![a])
    }

    #[test]
    fn bedrock_selector_passes() {
        let f = run(
            "LOG-009",
            &snap(vec![data_trail(&["AWS::Bedrock::Guardrail"])], true),
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Pass);
        assert_eq!(f[0].resource, format!("arn:aws:iam::{ACCOUNT}:root"));
    }

    #[test]
    fn management_only_trail_fails() {
        let f = run("LOG-009", &snap(vec![trail("mgmt", true)], true));
        assert_eq!(f[0].status, Status::Fail);
        assert!(f[0].message.contains("us-east-1"));
    }

    #[test]
    fn s3_data_events_do_not_count() {
        let f = run(
            "LOG-009",
            &snap(vec![data_trail(&["AWS::S3::Object"])], true),
        );
        assert_eq!(f[0].status, Status::Fail);
    }

    #[test]
    fn no_active_region_is_silent() {
        assert!(run("LOG-009", &snap(vec![trail("mgmt", true)], false)).is_empty());
    }

    #[test]
    fn unknown_selectors_are_unknown() {
        let mut t = trail("t", true);
        t.event_selectors = Probe::Unknown;
        let f = run("LOG-009", &snap(vec![t], true));
        assert_eq!(f[0].status, Status::Unknown);
    }
}
