//! USE: cost and abuse controls — budgets, anomaly monitors, usage alarms, cost-allocation
//! tags and raised quotas: what limits the bill when a key is stolen or a workload runs
//! away. One file per check.
//!
//! Budgets and Cost Explorer are global and read once per account; a member's spend is
//! also covered by what its management account (the payer) sets up.

pub mod bedrock_budget_missing;
pub mod bedrock_usage_alarm_missing;
pub mod cost_allocation_tag_inactive;
pub mod cost_anomaly_monitor_missing;
pub mod inference_profile_untagged;
pub mod token_quota_raised;

#[cfg(test)]
pub mod fixture;

use crate::checks::EvalContext;
use crate::checks::context::AccountView;
use crate::model::Account;

/// The organisation's management account (the payer), when it is another account of the
/// snapshot: what it sets up may cover `acct`.
pub(crate) fn payer_of<'s>(cx: &EvalContext<'s>, acct: &AccountView<'_>) -> Option<&'s Account> {
    let mgmt = &cx.snapshot.organization.as_ref()?.management_account_id;
    if *mgmt == acct.account.id {
        return None;
    }
    cx.snapshot.accounts.iter().find(|a| a.id == *mgmt)
}

/// The management account's id, when `acct` is a member of an organisation.
pub(crate) fn management_id<'s>(cx: &EvalContext<'s>, acct: &AccountView<'_>) -> Option<&'s str> {
    let mgmt = &cx.snapshot.organization.as_ref()?.management_account_id;
    (*mgmt != acct.account.id).then_some(mgmt.as_str())
}

/// The account shows Bedrock use in some Region (or could, where activity is unknown).
pub(crate) fn uses_bedrock(acct: &AccountView<'_>) -> bool {
    !acct.active_regions.is_empty()
}
