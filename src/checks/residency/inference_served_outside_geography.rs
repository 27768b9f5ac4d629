//! RES-001: an account with a residency requirement has Bedrock calls served outside its
//! geography, as event history records them. A Region passes when its history was read
//! whole and every call stayed inside (the count is shown); with no calls seen it passes
//! only where nothing runs whose model calls history cannot show (agents, knowledge bases,
//! flows, AgentCore runtimes).

use serde_json::json;

use super::{analyse, limits};
use crate::checks::Subject;
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct InferenceServedOutsideGeography;

impl Check for InferenceServedOutsideGeography {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = super::undecidable(cx);
        for acct in analyse(cx) {
            let root = cx
                .account(&acct.account)
                .map(|a| a.root_arn())
                .unwrap_or_default();
            for r in &acct.regions {
                let at = Subject::new(&acct.account, Some(&r.region), root.clone());
                let mut ev = r.to_json();
                ev["residency"] =
                    json!({"geography": acct.geography, "source": acct.requirement_source});
                ev["limits"] = limits();
                ev["account_name"] = json!(acct.name);
                ev["trail_buckets"] = json!(acct.trail_buckets);
                let region = &r.region;
                let geo = &acct.geography;
                let d = match r.inside() {
                    Some(false) => {
                        let mut places: Vec<&str> = r
                            .outside
                            .iter()
                            .map(|e| super::serving_region(e, region))
                            .collect();
                        places.sort();
                        places.dedup();
                        at.fail(format!(
                            "{} of {} model call(s) made in {region} were served outside the required geography {geo} (in {}).",
                            r.outside.len(),
                            r.invocations,
                            places.join(", ")
                        ))
                    }
                    Some(true) if r.invocations > 0 => at.pass(format!(
                        "All {} model call(s) made in {region} in the last {} days were served inside {geo}.",
                        r.invocations, r.days
                    )),
                    Some(true) => at.pass(format!(
                        "No model call made in {region} in the last {} days of event history, and nothing there calls models out of its sight.",
                        r.days
                    )),
                    None if !r.read => at.unknown(format!("The event history of {region} could not be read.")),
                    None if r.capped => at.unknown(format!(
                        "No call served outside {geo} among those read in {region}, but the history was cut short by the page cap."
                    )),
                    None => at.unknown(format!(
                        "No model call seen in {region}, but {} there call models through data events that event history does not show.",
                        r.invisible_callers.join(", ")
                    )),
                };
                let ev = if r.read {
                    ev
                } else {
                    cx.with_gaps(ev, &acct.account, Some(region), "cloudtrail")
                };
                out.push(d.evidence(ev));
            }
        }
        out
    }
}
