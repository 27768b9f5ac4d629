//! USE-005: the workload or tenant tag key is in use on Bedrock resources or principals,
//! but the payer has not activated it as a cost-allocation tag, so Bedrock spend cannot be
//! split by it. One finding for the payer (the management account, or a standalone
//! account), naming each key.

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
            let at = payer.at(None, resource);
            let Some(tags) = payer
                .account
                .billing
                .as_ref()
                .and_then(|b| b.cost_allocation_tags.as_ref())
            else {
                out.push(at.unknown("The payer's cost-allocation tags could not be read, so whether Bedrock spend can be split by workload or tenant is not known.".to_string())
                    .evidence(cx.with_gaps(json!({"keys_in_use": in_use}), &payer.account.id, None, "ce")));
                continue;
            };
            let status = |k: &str| tags.iter().find(|t| t.key == k).map(|t| t.status.as_str());
            let per_key: Vec<_> = keys
                .iter()
                .map(|k| json!({"key": k, "status": status(k), "used_on": in_use.get(k)}))
                .collect();
            let ev = json!({"keys": per_key});
            let inactive: Vec<&str> = in_use
                .keys()
                .copied()
                .filter(|k| status(k) != Some("Active"))
                .collect();
            if in_use.is_empty() {
                out.push(at.pass(format!("Neither tag key ({}) is in use on Bedrock resources or principals; nothing to activate.", keys.join(", "))).evidence(ev));
            } else if inactive.is_empty() {
                out.push(
                    at.pass(format!(
                        "The tag key(s) in use ({}) are active cost-allocation tags.",
                        in_use.keys().copied().collect::<Vec<_>>().join(", ")
                    ))
                    .evidence(ev),
                );
            } else {
                out.push(at.fail(format!(
                    "Tag key(s) {} are in use but not active cost-allocation tags at the payer: Bedrock spend cannot be split by them.",
                    inactive.join(", ")
                )).evidence(ev));
            }
        }
        out
    }
}
