//! RES: residency evidence — where an account's Bedrock calls were actually served, from
//! CloudTrail event history, against the geography the account must stay in. The evidence
//! twin of CRI-004 (which says what *could* leave). One file per check; [`analyse`] is
//! shared with `perimeter residency`.
//!
//! What event history can show: `InvokeModel*` and `Converse*` are management events, and
//! a cross-Region inference call records the Region that served it
//! (`additionalEventData.inferenceRegion`; otherwise it ran where it was made). What it
//! cannot show: agents, knowledge bases, flows, guardrail and async calls are data events
//! (only a trail with data-event selectors delivers them, to S3), prompts and outputs are
//! never logged, and history goes back 90 days at most.

pub mod inference_served_outside_geography;
pub mod residency_profile_invoked;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

use crate::checks::EvalContext;
use crate::checks::context::AccountView;
use crate::checks::cris::{Geographies, residency};
use crate::checks::threat::{DATA_EVENTS, event_json, is_invoke};
use crate::model::TrailEvent;

/// What event history says about one Region of an account with a residency requirement.
#[derive(Debug, Clone, Serialize)]
pub struct RegionEvidence {
    pub region: String,
    /// `false`: the history could not be read.
    pub read: bool,
    /// Cut short by the page cap: older events were not read.
    pub capped: bool,
    pub days: u32,
    /// Invocation events read.
    pub invocations: usize,
    /// Serving Region → calls.
    pub served_in: BTreeMap<String, usize>,
    /// The calls served outside the geography (all of them; evidence quotes a few).
    #[serde(skip)]
    pub outside: Vec<TrailEvent>,
    /// Agents, knowledge bases, flows and AgentCore runtimes here: their model calls are
    /// data events that event history does not show.
    pub invisible_callers: Vec<String>,
}

impl RegionEvidence {
    /// `Some(true)`: every call seen stayed inside, and the window is whole (and no caller
    /// here makes calls history cannot show when none was seen); `Some(false)`: a call
    /// was served outside; `None`: not decidable.
    pub fn inside(&self) -> Option<bool> {
        if !self.outside.is_empty() {
            return Some(false);
        }
        if !self.read || self.capped {
            return None;
        }
        if self.invocations == 0 && !self.invisible_callers.is_empty() {
            return None;
        }
        Some(true)
    }

    pub fn to_json(&self) -> Value {
        let mut v = serde_json::to_value(self).unwrap_or(Value::Null);
        v["outside_count"] = json!(self.outside.len());
        v["outside_events"] = json!(
            self.outside
                .iter()
                .take(crate::checks::threat::EVIDENCE_EVENTS)
                .map(event_json)
                .collect::<Vec<_>>()
        );
        v["verdict"] = json!(match self.inside() {
            Some(true) => "inside",
            Some(false) => "outside",
            None => "undecided",
        });
        v
    }
}

/// One account's residency evidence.
#[derive(Debug, Clone, Serialize)]
pub struct AccountEvidence {
    pub account: String,
    pub name: Option<String>,
    pub geography: String,
    /// Where the requirement comes from (config key or account tag).
    pub requirement_source: String,
    /// The Regions inside the geography, as perimeter reads it.
    pub geography_regions: Vec<String>,
    pub regions: Vec<RegionEvidence>,
    /// Trails that deliver to S3 (where data events could be read, at a cost).
    pub trail_buckets: Vec<Value>,
}

impl AccountEvidence {
    pub fn verdict(&self) -> &'static str {
        if self.regions.iter().any(|r| r.inside() == Some(false)) {
            "outside"
        } else if !self.regions.is_empty() && self.regions.iter().all(|r| r.inside() == Some(true))
        {
            "inside"
        } else {
            "undecided"
        }
    }
}

/// The limits of event history, stated wherever residency evidence is shown.
pub fn limits() -> Value {
    json!({
        "source": "CloudTrail event history (LookupEvents, event source bedrock.amazonaws.com), per Region",
        "visible": "management events: InvokeModel, InvokeModelWithResponseStream, Converse, ConverseStream and Bedrock control-plane calls; a cross-Region call names its serving Region in additionalEventData.inferenceRegion",
        "not_visible": DATA_EVENTS,
        "not_visible_why": "data events: only a trail with data-event selectors records them, and delivers them to S3, not to event history",
        "never_logged": "prompts and model outputs",
        "window": "at most the last 90 days (--event-days), at most --event-pages pages of 50 events per Region; a window cut short is reported and leaves the Region undecided",
    })
}

/// Every account with a residency requirement, and what its event history shows.
pub fn analyse(cx: &EvalContext<'_>) -> Vec<AccountEvidence> {
    let geos = Geographies::new(cx.config);
    cx.accounts
        .iter()
        .filter_map(|acct| account(cx, &geos, acct))
        .collect()
}

fn account(
    cx: &EvalContext<'_>,
    geos: &Geographies,
    acct: &AccountView<'_>,
) -> Option<AccountEvidence> {
    let (geo, source) = residency(cx, acct)?;
    let mut regions = Vec::new();
    for (region, data) in &acct.account.regions {
        let window = data
            .cloudtrail
            .as_ref()
            .and_then(|c| c.bedrock_events.as_ref());
        let mut r = RegionEvidence {
            region: region.clone(),
            read: window.is_some(),
            capped: window.is_some_and(|w| w.capped),
            days: window.map_or(0, |w| w.days),
            invocations: 0,
            served_in: BTreeMap::new(),
            outside: Vec::new(),
            invisible_callers: invisible_callers(data),
        };
        for ev in window
            .into_iter()
            .flat_map(|w| &w.events)
            .filter(|e| is_invoke(e))
        {
            r.invocations += 1;
            let served = serving_region(ev, region);
            *r.served_in.entry(served.to_string()).or_insert(0) += 1;
            if !geos.contains(&geo, served) {
                r.outside.push(ev.clone());
            }
        }
        regions.push(r);
    }
    let trail_buckets = acct
        .account
        .regions
        .values()
        .filter_map(|d| d.cloudtrail.as_ref())
        .flat_map(|c| &c.trails)
        .filter_map(|t| t.s3_bucket.as_ref().map(|b| json!({"trail": t.arn, "bucket": b, "bedrock_data_event_types": crate::checks::logging::bedrock_data_types(t)})))
        .collect();
    Some(AccountEvidence {
        account: acct.account.id.clone(),
        name: acct.account.name.clone(),
        geography_regions: crate::checks::cris::geographies::SHIPPED
            .iter()
            .flat_map(|(_, rs)| rs.iter())
            .filter(|r| geos.contains(&geo, r))
            .map(|r| r.to_string())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect(),
        geography: geo,
        requirement_source: source,
        regions,
        trail_buckets,
    })
}

/// The `unknown`s for accounts whose residency evidence cannot be judged at all: the
/// requirement itself could not be read (the account's tags live in Organizations), or
/// the account has a requirement and no Region of it was read.
pub fn undecidable(cx: &EvalContext<'_>) -> Vec<crate::checks::Draft> {
    let mut out = Vec::new();
    for acct in &cx.accounts {
        let id = acct.account.id.as_str();
        let at = acct.at(None, acct.root_arn());
        match residency(cx, acct) {
            None => {
                let tags_unread = acct.account.tags_unread
                    || (cx.snapshot.organization.is_none() && cx.has_gap(id, None, "organizations"));
                if tags_unread {
                    out.push(at.unknown(format!(
                        "Whether account {id} has a residency requirement is not known: its {} tag could not be read from Organizations (set it under [residency] in perimeter.toml to decide).",
                        cx.config.tags.data_residency
                    )).evidence(cx.gap_evidence(id, None, "organizations")));
                }
            }
            Some((geo, _)) if acct.account.regions.is_empty() => out.push(
                at.unknown(format!("Account {id} must keep inference in {geo}, but none of its Regions could be read."))
                    .evidence(cx.gap_evidence(id, None, "sts")),
            ),
            Some(_) => {}
        }
    }
    out
}

/// Where a call ran: the serving Region a cross-Region call records, else its own Region.
pub fn serving_region<'e>(ev: &'e TrailEvent, region: &'e str) -> &'e str {
    ev.inference_region
        .as_deref()
        .filter(|r| !r.is_empty())
        .unwrap_or(if ev.region.is_empty() {
            region
        } else {
            ev.region.as_str()
        })
}

fn invisible_callers(data: &crate::model::RegionData) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(a) = &data.agents {
        let n = |v: Option<usize>, what: &str| v.filter(|n| *n > 0).map(|n| format!("{n} {what}"));
        out.extend(n(a.agents.as_ref().map(Vec::len), "agent(s)"));
        out.extend(n(
            a.knowledge_bases.as_ref().map(Vec::len),
            "knowledge base(s)",
        ));
        out.extend(n(a.flows.as_ref().map(Vec::len), "flow(s)"));
    }
    if let Some(c) = &data.agentcore
        && let Some(r) = &c.runtimes
        && !r.is_empty()
    {
        out.push(format!("{} AgentCore runtime(s)", r.len()));
    }
    out
}
