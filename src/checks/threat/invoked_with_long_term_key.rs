//! THR-004: models were invoked by an IAM user with a long-term (`AKIA…`) access key —
//! the usual entry of model hijacking with stolen keys; the evidence twin of IAM-004.

use std::collections::BTreeMap;

use serde_json::json;

use super::{History, events_json, is_invoke};
use crate::checks::{Check, Draft, EvalContext};
use crate::model::TrailEvent;

fn long_term(ev: &TrailEvent) -> bool {
    ev.identity_type.as_deref() == Some("IAMUser")
        && ev.key_kind.as_deref().is_none_or(|k| k == "AKIA")
}

#[derive(Debug)]
pub struct InvokedWithLongTermKey;

impl Check for InvokedWithLongTermKey {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let h = History::of(acct);
            let mut by_user: BTreeMap<String, Vec<(&str, &TrailEvent)>> = BTreeMap::new();
            for (region, ev) in h.bedrock().filter(|(_, e)| is_invoke(e) && long_term(e)) {
                let user = ev
                    .principal
                    .clone()
                    .unwrap_or_else(|| "(unnamed IAM user)".into());
                by_user.entry(user).or_default().push((region, ev));
            }
            let found = !by_user.is_empty();
            for (user, evs) in by_user {
                let mut regions: Vec<&str> = evs.iter().map(|(r, _)| *r).collect();
                regions.sort();
                regions.dedup();
                let mut ev = events_json(evs.iter().map(|(_, e)| *e));
                ev["principal"] = json!(user);
                ev["regions"] = json!(regions);
                ev["window"] = h.window();
                out.push(
                    acct.at(None, user.clone())
                        .fail(format!(
                            "IAM user {user} invoked models {} time(s) in {} with a long-term access key: a leaked key is enough to run models on this account's bill.",
                            evs.len(),
                            regions.join(", ")
                        ))
                        .evidence(ev),
                );
            }
            if !found {
                out.push(h.none_seen(
                    cx,
                    acct,
                    "invocation with a long-term key",
                    format!(
                        "No model invoked with an IAM user's long-term key {}.",
                        h.scope()
                    ),
                    false,
                ));
            }
        }
        out
    }
}
