//! THR-005: models were invoked in a Region the account does not use — outside the
//! configured `bedrock_regions`, or (without that list) in a Region whose only sign of
//! Bedrock is the event history itself. Cross-Region inference destinations are where a
//! call was served (`inferenceRegion`), not where it was made, and do not count here.

use serde_json::json;

use super::{History, events_json, is_invoke};
use crate::checks::{Check, Draft, EvalContext};

/// The reason `context::active_regions` gives for event history.
const HISTORY_REASON: &str = "in CloudTrail event history";

#[derive(Debug)]
pub struct InvocationInUnexpectedRegion;

impl Check for InvocationInUnexpectedRegion {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        let listed = &cx.config.bedrock_regions;
        for acct in &cx.accounts {
            let h = History::of(acct);
            for (region, w) in &h.read {
                let at = acct.at(Some(region), acct.root_arn());
                let invokes: Vec<_> = w.events.iter().filter(|e| is_invoke(e)).collect();
                let other: Vec<&String> = acct
                    .active_regions
                    .get(*region)
                    .map(|why| {
                        why.iter()
                            .filter(|w| !w.ends_with(HISTORY_REASON))
                            .collect()
                    })
                    .unwrap_or_default();
                let expected = if listed.is_empty() {
                    !other.is_empty()
                } else {
                    listed.iter().any(|r| r == region)
                };
                let basis = if listed.is_empty() {
                    json!({"other_bedrock_evidence": other})
                } else {
                    json!({"bedrock_regions": listed})
                };
                if invokes.is_empty() {
                    let d = if w.capped {
                        at.unknown(format!(
                            "No model invocation seen in {region}, but its event history was cut short by the page cap."
                        ))
                    } else {
                        at.pass(format!(
                            "No model invocation in {region} in the last {} days of event history.",
                            w.days
                        ))
                    };
                    out.push(d.evidence(
                        json!({"basis": basis, "window_days": w.days, "capped": w.capped}),
                    ));
                    continue;
                }
                let mut ev = events_json(invokes.iter().copied());
                ev["basis"] = basis;
                ev["window_days"] = json!(w.days);
                if expected {
                    out.push(at.pass(format!(
                        "{} model invocation(s) in {region}, a Region the account uses for Bedrock.",
                        invokes.len()
                    )).evidence(ev));
                } else {
                    let why = if listed.is_empty() {
                        "its only Bedrock evidence is these events (no logging, guardrail, profile, agent, knowledge base, endpoint or policy there)".to_string()
                    } else {
                        format!("it is not among bedrock_regions ({})", listed.join(", "))
                    };
                    out.push(at.fail(format!(
                        "{} model invocation(s) in {region}, and {why}: calls from a Region nobody uses are a sign of stolen credentials.",
                        invokes.len()
                    )).evidence(ev));
                }
            }
            for region in &h.unread {
                out.push(
                    acct.at(Some(region), acct.root_arn())
                        .unknown(format!("The event history of {region} could not be read."))
                        .evidence(cx.gap_evidence(&acct.account.id, Some(region), "cloudtrail")),
                );
            }
        }
        out
    }
}
