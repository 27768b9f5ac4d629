//! Checks of this control, one file per check.
//!
//! Tenant isolation is active in an account when the configured tenant tag key (default
//! `tenant`) is set on any of its principals or KMS keys.

pub mod cross_tenant_access;
pub mod tenant_key_shared;
pub mod untagged_invoker;

use std::collections::BTreeSet;

use crate::checks::EvalContext;
use crate::checks::context::AccountView;
use crate::model::{KmsKey, Tags};

/// The tenant values of a tag map (a value may list several tenants, separated by
/// commas, semicolons or spaces).
pub fn tenants_of(tags: &Tags, key: &str) -> Vec<String> {
    let mut v: Vec<String> = tags
        .get(key)
        .map(|s| {
            s.split([',', ';', ' '])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v.dedup();
    v
}

/// Customer-managed keys of the account, with their Region, in a stable order.
pub fn keys<'a>(acct: &'a AccountView<'_>) -> Vec<(&'a str, &'a KmsKey)> {
    let mut out = Vec::new();
    for (region, data) in &acct.account.regions {
        if let Some(kms) = &data.kms {
            for k in &kms.keys {
                if k.is_customer_managed() {
                    out.push((region.as_str(), k));
                }
            }
        }
    }
    out
}

/// True when the tenant tag key is present on any principal or key of the account.
pub fn is_active(cx: &EvalContext<'_>, acct: &AccountView<'_>) -> bool {
    let key = &cx.config.tags.tenant;
    acct.principals.iter().any(|p| p.tags.contains_key(key))
        || keys(acct).iter().any(|(_, k)| k.tags.contains_key(key))
}

/// Keys of the account whose tenant tag is not known: their tags, or whether they are
/// customer managed at all, could not be read.
pub fn keys_unread<'a>(acct: &'a AccountView<'_>) -> impl Iterator<Item = &'a KmsKey> {
    acct.account
        .regions
        .values()
        .filter_map(|d| d.kms.as_ref())
        .flat_map(|k| &k.keys)
        .filter(|k| tenant_unread(k))
}

fn tenant_unread(k: &KmsKey) -> bool {
    k.tags_unread || k.customer_managed().is_none()
}

/// For an account where no tenant tag was seen: the `unknown` that says so when some
/// of what could carry one was not read (principals, keys, a key's tags).
pub fn activity_unknown(
    cx: &EvalContext<'_>,
    acct: &AccountView<'_>,
) -> Option<crate::checks::Draft> {
    let mut unread: Vec<String> = Vec::new();
    if acct.account.iam.is_none() {
        unread.push("IAM principals".into());
    }
    for (region, data) in &acct.account.regions {
        match &data.kms {
            None => unread.push(format!("KMS keys of {region}")),
            Some(k) => unread.extend(
                k.keys
                    .iter()
                    .filter(|k| tenant_unread(k))
                    .map(|k| format!("key {}", k.arn)),
            ),
        }
    }
    if unread.is_empty() {
        return None;
    }
    let id = acct.account.id.as_str();
    Some(
        acct.at(None, acct.root_arn())
            .unknown(format!(
                "No `{}` tag was seen in account {id}, but {} could not be read, so whether tenants are tagged here is not known.",
                cx.config.tags.tenant,
                unread.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
            ))
            .evidence(serde_json::json!({"unread": unread, "gaps": cx.gap_evidence(id, None, "kms")["gaps"]})),
    )
}

/// Every tenant value seen on the account's principals and keys.
pub fn all_tenants(cx: &EvalContext<'_>, acct: &AccountView<'_>) -> BTreeSet<String> {
    let key = &cx.config.tags.tenant;
    let mut set = BTreeSet::new();
    for p in &acct.principals {
        set.extend(tenants_of(p.tags, key));
    }
    for (_, k) in keys(acct) {
        set.extend(tenants_of(&k.tags, key));
    }
    set
}

/// True when `reference` (a key id, key ARN or alias as a resource records it) names `k`.
pub fn refers_to(reference: &str, k: &KmsKey) -> bool {
    reference == k.arn
        || reference == k.id
        || k.aliases
            .iter()
            .any(|a| reference == a || reference.ends_with(&format!(":{a}")))
}
