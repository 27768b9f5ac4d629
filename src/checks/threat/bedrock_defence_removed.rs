//! THR-003: event history shows a Bedrock defence removed — invocation logging deleted or
//! its text delivery turned off, a guardrail or the account's enforced guardrail deleted,
//! a guardrail's resource policy deleted, or the organisation's Bedrock policy detached,
//! deleted or disabled. `low` when every actor is an administrator.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;

use super::{History, actor, events_json};
use crate::catalogue::Severity;
use crate::checks::{Check, Draft, EvalContext};
use crate::model::TrailEvent;

/// What the event removed, if it removed a defence.
fn removed(ev: &TrailEvent, bedrock_policy_ids: &BTreeSet<&str>) -> Option<&'static str> {
    let p = |k: &str| ev.params.get(k).map(String::as_str);
    match (ev.source.as_str(), ev.name.as_str()) {
        ("bedrock.amazonaws.com", "DeleteModelInvocationLoggingConfiguration") => {
            Some("model invocation logging deleted")
        }
        ("bedrock.amazonaws.com", "PutModelInvocationLoggingConfiguration")
            if p("textDataDeliveryEnabled") == Some("false") =>
        {
            Some("text delivery of invocation logs turned off")
        }
        ("bedrock.amazonaws.com", "DeleteGuardrail") => Some("guardrail deleted"),
        ("bedrock.amazonaws.com", n) if n.starts_with("DeleteEnforcedGuardrail") => {
            Some("account-enforced guardrail deleted")
        }
        ("bedrock.amazonaws.com", "DeleteResourcePolicy")
            if p("resourceArn").is_some_and(|a| a.contains(":guardrail/")) =>
        {
            Some("guardrail resource policy deleted")
        }
        ("organizations.amazonaws.com", "DisablePolicyType")
            if p("policyType") == Some("BEDROCK_POLICY") =>
        {
            Some("organisation Bedrock policies disabled")
        }
        ("organizations.amazonaws.com", "DetachPolicy" | "DeletePolicy")
            if p("policyId").is_some_and(|id| bedrock_policy_ids.contains(id)) =>
        {
            Some("organisation Bedrock policy detached or deleted")
        }
        _ => None,
    }
}

#[derive(Debug)]
pub struct BedrockDefenceRemoved;

impl Check for BedrockDefenceRemoved {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        // A deleted policy is no longer listed; its id is still named by the events.
        let ids: BTreeSet<&str> = cx
            .snapshot
            .organization
            .iter()
            .flat_map(|o| o.bedrock_policies.iter().flatten())
            .map(|p| p.id.as_str())
            .collect();
        for acct in &cx.accounts {
            let h = History::of(acct);
            let mut by_region: BTreeMap<&str, Vec<(&TrailEvent, &'static str)>> = BTreeMap::new();
            for (region, ev) in h.all() {
                if let Some(what) = removed(ev, &ids) {
                    by_region.entry(region).or_default().push((ev, what));
                }
            }
            let mut regions: BTreeSet<&str> = h.read.iter().map(|(r, _)| *r).collect();
            regions.extend(by_region.keys());
            for region in regions {
                let at = acct.at(Some(region), acct.root_arn());
                let Some(hits) = by_region.get(region) else {
                    let window = h.read.iter().find(|(r, _)| *r == region).map(|(_, w)| *w);
                    let global_cut = region == h.global_region && h.global.is_none_or(|w| w.capped);
                    match window {
                        Some(w) if !w.capped && !global_cut => out.push(
                            at.pass(format!(
                                "No Bedrock defence removed in {region} in the last {} days of event history.",
                                w.days
                            ))
                            .evidence(h.window()),
                        ),
                        _ => out.push(
                            at.unknown(format!(
                                "No Bedrock defence removal seen in {region}, but its event history is not whole (cut short or partly unread)."
                            ))
                            .evidence(cx.with_gaps(h.window(), &acct.account.id, Some(region), "cloudtrail")),
                        ),
                    }
                    continue;
                };
                let mut actors: BTreeMap<String, Option<bool>> = BTreeMap::new();
                for (ev, _) in hits {
                    if let Some(a) = actor(acct, ev) {
                        actors.insert(a.arn, a.admin);
                    }
                }
                let all_admin = !actors.is_empty() && actors.values().all(|a| *a == Some(true));
                let what: BTreeSet<&str> = hits.iter().map(|(_, w)| *w).collect();
                let mut ev = events_json(hits.iter().map(|(e, _)| *e));
                ev["removed"] = json!(what);
                ev["actors"] = json!(
                    actors
                        .iter()
                        .map(|(arn, admin)| json!({"principal": arn, "administrator": admin}))
                        .collect::<Vec<_>>()
                );
                let mut d = at
                    .fail(format!(
                        "In {region}, {} by {}{}.",
                        what.into_iter().collect::<Vec<_>>().join("; "),
                        actors.keys().cloned().collect::<Vec<_>>().join(", "),
                        if all_admin { " (administrators)" } else { "" }
                    ))
                    .evidence(ev);
                if all_admin {
                    d = d.severity(Severity::Low);
                }
                out.push(d);
            }
        }
        out
    }
}
