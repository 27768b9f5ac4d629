//! THR-002: one principal lists or probes foundation models in a burst — at least
//! `[threat] recon_per_hour` discovery calls within an hour, or in three or more Regions
//! within a day — the discovery step of LLMjacking.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;

use super::{History, actor, epoch, events_json};
use crate::catalogue::Severity;
use crate::checks::{Check, Draft, EvalContext};
use crate::model::TrailEvent;

const DISCOVERY: &[&str] = &[
    "ListFoundationModels",
    "GetFoundationModel",
    "GetFoundationModelAvailability",
    "ListFoundationModelAgreementOffers",
    "ListInferenceProfiles",
];

const HOUR: i64 = 3600;
const DAY: i64 = 86_400;
const REGIONS_IN_A_DAY: usize = 3;

/// The largest number of events within any `span` seconds (times sorted).
fn densest(times: &[i64], span: i64) -> usize {
    let mut best = 0;
    let mut lo = 0;
    for hi in 0..times.len() {
        while times[hi] - times[lo] >= span {
            lo += 1;
        }
        best = best.max(hi - lo + 1);
    }
    best
}

/// The most Regions touched within any day (events sorted by time).
fn regions_in_a_day(events: &[(i64, &str)]) -> BTreeSet<String> {
    let mut best = BTreeSet::new();
    let mut lo = 0;
    for hi in 0..events.len() {
        while events[hi].0 - events[lo].0 >= DAY {
            lo += 1;
        }
        let set: BTreeSet<String> = events[lo..=hi].iter().map(|(_, r)| r.to_string()).collect();
        if set.len() > best.len() {
            best = set;
        }
    }
    best
}

/// One principal's discovery calls, with the Region of each.
type Calls<'a> = Vec<(&'a str, &'a TrailEvent)>;

#[derive(Debug)]
pub struct ModelReconBurst;

impl Check for ModelReconBurst {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        let threshold = cx.config.threat.recon_per_hour;
        for acct in &cx.accounts {
            let h = History::of(acct);
            let mut by_actor: BTreeMap<String, (super::Actor, Calls<'_>)> = BTreeMap::new();
            for (region, ev) in h
                .bedrock()
                .filter(|(_, e)| DISCOVERY.contains(&e.name.as_str()))
            {
                let Some(a) = actor(acct, ev) else { continue };
                by_actor
                    .entry(a.arn.clone())
                    .or_insert_with(|| (a, Vec::new()))
                    .1
                    .push((region, ev));
            }
            let mut found = false;
            for (arn, (a, evs)) in by_actor {
                let mut timed: Vec<(i64, &str)> = evs
                    .iter()
                    .filter_map(|(r, e)| epoch(e).map(|t| (t, *r)))
                    .collect();
                timed.sort();
                let times: Vec<i64> = timed.iter().map(|(t, _)| *t).collect();
                let per_hour = densest(&times, HOUR);
                let regions = regions_in_a_day(&timed);
                if per_hour < threshold && regions.len() < REGIONS_IN_A_DAY {
                    continue;
                }
                found = true;
                let user = a.identity_type == "IAMUser";
                let mut ev = events_json(evs.iter().map(|(_, e)| *e));
                ev["principal"] = json!(arn);
                ev["identity_type"] = json!(a.identity_type);
                ev["most_calls_in_an_hour"] = json!(per_hour);
                ev["threshold_per_hour"] = json!(threshold);
                ev["regions_within_a_day"] = json!(regions);
                ev["window"] = h.window();
                let mut d = acct
                    .at(None, arn.clone())
                    .fail(format!(
                        "{arn} ({}) made {per_hour} model-discovery call(s) within an hour (threshold {threshold}) and probed {} Region(s) within a day: the discovery step of model hijacking.",
                        if a.identity_type.is_empty() { "unknown identity type" } else { a.identity_type.as_str() },
                        regions.len()
                    ))
                    .evidence(ev);
                if a.auditor {
                    // The audit role lists models in every Region it reads (perimeter
                    // itself does): reported, at most as info.
                    d = d.severity(Severity::Info);
                } else if !user {
                    d = d.severity(Severity::Low);
                }
                out.push(d);
            }
            if !found {
                out.push(h.none_seen(
                    cx,
                    acct,
                    "burst of model discovery",
                    format!(
                        "No burst of model discovery by one principal {}.",
                        h.scope()
                    ),
                    false,
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_count_what_falls_inside() {
        assert_eq!(densest(&[0, 10, 3599, 3600, 7200], HOUR), 3);
        assert_eq!(densest(&[], HOUR), 0);
        let ev = [(0, "a"), (10, "b"), (DAY - 1, "c"), (DAY + 5, "d")];
        assert_eq!(regions_in_a_day(&ev).len(), 3);
    }
}
