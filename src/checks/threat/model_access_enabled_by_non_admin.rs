//! THR-001: event history shows model access enabled (a use-case form, a model agreement,
//! an entitlement or a Marketplace subscription) by a principal that is not an
//! administrator and not allowed by `[threat] model_access_admins`.

use std::collections::BTreeMap;

use serde_json::json;

use super::{History, actor, events_json};
use crate::checks::{Check, Draft, EvalContext};
use crate::model::TrailEvent;
use crate::policy::wildcard_match;

/// Event names that enable model access (source, name).
const ENABLING: &[(&str, &str)] = &[
    ("bedrock.amazonaws.com", "PutUseCaseForModelAccess"),
    ("bedrock.amazonaws.com", "CreateFoundationModelAgreement"),
    // Retired, but present in older events and in published LLMjacking detonations.
    ("bedrock.amazonaws.com", "PutFoundationModelEntitlement"),
    ("aws-marketplace.amazonaws.com", "Subscribe"),
];

fn enabling(ev: &TrailEvent) -> bool {
    ENABLING
        .iter()
        .any(|(s, n)| ev.source == *s && ev.name == *n)
}

#[derive(Debug)]
pub struct ModelAccessEnabledByNonAdmin;

impl Check for ModelAccessEnabledByNonAdmin {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        let allow = &cx.config.threat.model_access_admins;
        for acct in &cx.accounts {
            let h = History::of(acct);
            let mut by_actor: BTreeMap<String, (super::Actor, Vec<&TrailEvent>)> = BTreeMap::new();
            let mut allowed = 0usize;
            for (_, ev) in h.all().filter(|(_, e)| enabling(e)) {
                let Some(a) = actor(acct, ev) else { continue };
                if a.admin == Some(true) || allow.iter().any(|p| wildcard_match(p, &a.arn)) {
                    allowed += 1;
                    continue;
                }
                by_actor
                    .entry(a.arn.clone())
                    .or_insert_with(|| (a, Vec::new()))
                    .1
                    .push(ev);
            }
            let found = !by_actor.is_empty();
            for (arn, (a, evs)) in by_actor {
                let names: std::collections::BTreeSet<&str> =
                    evs.iter().map(|e| e.name.as_str()).collect();
                let who = match a.admin {
                    Some(_) => "is not an administrator",
                    None => "could not be judged an administrator (it is not in the IAM data read)",
                };
                let mut ev = events_json(evs.iter().copied());
                ev["principal"] = json!(arn);
                ev["identity_type"] = json!(a.identity_type);
                ev["administrator"] = json!(a.admin);
                ev["window"] = h.window();
                out.push(
                    acct.at(None, arn.clone())
                        .fail(format!(
                            "{arn} enabled model access ({}) and {who}: model access is a spending and data decision for administrators.",
                            names.into_iter().collect::<Vec<_>>().join(", ")
                        ))
                        .evidence(ev),
                );
            }
            if !found {
                out.push(h.none_seen(
                    cx,
                    acct,
                    "model-access enablement by a non-administrator",
                    format!(
                        "No model access enabled by a non-administrator {} ({allowed} by administrators or allowed principals).",
                        h.scope()
                    ),
                    true,
                ));
            }
        }
        out
    }
}
