//! USE-005: the workload or tenant tag key is in use on Bedrock resources or principals,
//! but the payer has not activated it as a cost-allocation tag, so Bedrock spend cannot be
//! split by it. One finding per key in use, for the payer (the management account, or a
//! standalone account); the resource is the organisation (or account) followed by
//! `/costallocationtag/<key>`, since a cost-allocation tag has no ARN of its own.

use std::collections::BTreeMap;

use serde_json::json;

use crate::checks::context::AccountView;
use crate::checks::{Check, Draft, EvalContext};

/// Where `key` is used on the account's principals and Bedrock resources (a few names).
fn uses(acct: &AccountView<'_>, key: &str) -> Vec<String> {
    let mut out: Vec<String> = acct
        .principals
        .iter()
        .filter(|p| p.tags.contains_key(key))
        .map(|p| p.arn.clone())
        .collect();
    for data in acct.account.regions.values() {
        let profiles = data
            .bedrock
            .as_ref()
            .and_then(|b| b.inference_profiles.as_ref());
        out.extend(
            profiles
                .into_iter()
                .flatten()
                .filter(|p| p.tags.as_ref().is_some_and(|t| t.contains_key(key)))
                .map(|p| p.arn.clone()),
        );
        for g in data
            .bedrock
            .as_ref()
            .and_then(|b| b.guardrails.as_ref())
            .into_iter()
            .flatten()
        {
            if g.tags.contains_key(key) {
                out.push(g.arn.clone());
            }
        }
    }
    out
}

#[derive(Debug)]
pub struct CostAllocationTagInactive;

impl Check for CostAllocationTagInactive {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        let keys = [
            cx.config.tags.workload.as_str(),
            cx.config.tags.tenant.as_str(),
        ];
        let org = cx.snapshot.organization.as_ref();
        // The payer: the management account when audited, else each account outside an
        // organisation.
        let payers: Vec<&AccountView<'_>> = match org {
            Some(o) => cx
                .accounts
                .iter()
                .filter(|a| a.account.id == o.management_account_id)
                .collect(),
            None => cx.accounts.iter().collect(),
        };
        for payer in payers {
            let resource = org.map_or_else(|| payer.root_arn(), |o| o.arn.clone());
            let scope: Vec<&AccountView<'_>> = if org.is_some() {
                cx.accounts.iter().collect()
            } else {
                vec![payer]
            };
            let mut in_use: BTreeMap<&str, Vec<String>> = BTreeMap::new();
            for k in keys {
                let mut where_: Vec<String> = scope.iter().flat_map(|a| uses(a, k)).collect();
                where_.truncate(10);
                if !where_.is_empty() {
                    in_use.insert(k, where_);
                }
            }
            let Some(tags) = payer
                .account
                .billing
                .as_ref()
                .and_then(|b| b.cost_allocation_tags.as_ref())
            else {
                out.push(
                    payer
                        .at(None, resource)
                        .unknown("The payer's cost-allocation tags could not be read, so whether Bedrock spend can be split by workload or tenant is not known.".to_string())
                        .evidence(cx.with_gaps(
                            json!({"keys_in_use": in_use}),
                            &payer.account.id,
                            None,
                            "ce",
                        )),
                );
                continue;
            };
            let status = |k: &str| tags.iter().find(|t| t.key == k).map(|t| t.status.as_str());
            let iam_unread: Vec<&str> = scope
                .iter()
                .filter(|a| a.account.iam.is_none())
                .map(|a| a.account.id.as_str())
                .collect();
            if in_use.is_empty() && !iam_unread.is_empty() {
                out.push(
                    payer
                        .at(None, resource)
                        .unknown(format!(
                            "Neither tag key ({}) is seen in use, but the principals of {} could not be read.",
                            keys.join(", "),
                            iam_unread.join(", ")
                        ))
                        .evidence(json!({"keys": keys, "iam_unread": iam_unread})),
                );
                continue;
            }
            if in_use.is_empty() {
                out.push(
                    payer
                        .at(None, resource)
                        .pass(format!(
                            "Neither tag key ({}) is in use on Bedrock resources or principals; nothing to activate.",
                            keys.join(", ")
                        ))
                        .evidence(json!({"keys": keys})),
                );
                continue;
            }
            // One finding per key in use: each is activated (or not) on its own.
            for (k, used_on) in &in_use {
                let at = payer.at(None, format!("{resource}/costallocationtag/{k}"));
                let ev = json!({"key": k, "status": status(k), "used_on": used_on, "payer": payer.account.id});
                match status(k) {
                    Some("Active") => out.push(
                        at.pass(format!("Tag key {k} is in use and an active cost-allocation tag: Bedrock spend can be split by it."))
                            .evidence(ev),
                    ),
                    st => out.push(
                        at.fail(format!(
                            "Tag key {k} is in use on Bedrock resources or principals but {} at the payer: Bedrock spend cannot be split by it.",
                            if st.is_some() { "inactive as a cost-allocation tag" } else { "not a cost-allocation tag" }
                        ))
                        .evidence(ev),
                    ),
                }
            }
        }
        out
    }
}
