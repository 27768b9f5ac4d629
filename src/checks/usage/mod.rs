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

/// The account shows Bedrock use in some Region.
pub(crate) fn uses_bedrock(acct: &AccountView<'_>) -> bool {
    !acct.active_regions.is_empty()
}

/// Whether an account that shows no Bedrock use might still use it: a Region whose
/// activity signals (event history, Bedrock configuration, endpoints) were not all read.
pub(crate) fn activity_unread<'a>(acct: &'a AccountView<'_>) -> Vec<&'a str> {
    acct.account
        .regions
        .iter()
        .filter(|(r, d)| {
            !acct.is_active(r)
                && (d
                    .cloudtrail
                    .as_ref()
                    .is_none_or(|c| c.bedrock_activity.is_unknown())
                    || d.bedrock.is_none()
                    || d.ec2.is_none())
        })
        .map(|(r, _)| r.as_str())
        .collect()
}

/// The `unknown` for an account-wide usage check about an account that shows no Bedrock
/// use where some Region's activity could not be read (`None` when there is none such).
pub(crate) fn maybe_active(
    cx: &EvalContext<'_>,
    acct: &AccountView<'_>,
    what: &str,
) -> Option<crate::checks::Draft> {
    let unread = activity_unread(acct);
    (!unread.is_empty()).then(|| {
        acct.at(None, acct.root_arn())
            .unknown(format!(
                "The account shows no Bedrock use in the Regions read, but whether it uses Bedrock in {} could not be read, so whether it needs {what} is not known.",
                unread.join(", ")
            ))
            .evidence(cx.with_gaps(
                serde_json::json!({"regions_unread": unread}),
                &acct.account.id,
                None,
                "cloudtrail",
            ))
    })
}
