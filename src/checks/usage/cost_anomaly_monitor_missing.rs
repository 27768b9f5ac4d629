//! USE-002: no Cost Anomaly Detection monitor covers the account with a confirmed alert.
//!
//! Cost Explorer is billed per request and holds the organisation's monitors in the payer,
//! so perimeter reads it there only, once. A monitor covers an account when it watches
//! services (DIMENSIONAL, SERVICE: in the management account it sees the organisation's
//! spend) or is a custom monitor whose specification names the account or the workload
//! tag key; it alerts when a subscription lists it with a CONFIRMED subscriber. A member
//! the payer's monitors do not cover is unknown, not failed: monitors it created itself
//! are not read.

use serde_json::json;

use super::{management_id, payer_of, uses_bedrock};
use crate::checks::{Check, Draft, EvalContext};
use crate::model::Billing;

/// Monitors of `b` that cover `account` and alert, as (monitor name, subscription name);
/// `None` when the monitors or subscriptions were not read.
fn covering(b: &Billing, account: &str, workload_key: &str) -> Option<Vec<(String, String)>> {
    let monitors = b.anomaly_monitors.as_ref()?;
    let subs = b.anomaly_subscriptions.as_ref()?;
    let mut out = Vec::new();
    for m in monitors {
        let covers = (m.monitor_type == "DIMENSIONAL" && m.dimension.as_deref() == Some("SERVICE"))
            || (m.monitor_type == "CUSTOM"
                && m.specification.as_deref().is_some_and(|s| {
                    s.contains(account) || s.contains(&format!("\"{workload_key}\""))
                }));
        if !covers {
            continue;
        }
        for s in subs
            .iter()
            .filter(|s| s.monitors.contains(&m.arn) && s.confirmed_subscribers > 0)
        {
            out.push((m.name.clone(), s.name.clone()));
        }
    }
    Some(out)
}

#[derive(Debug)]
pub struct CostAnomalyMonitorMissing;

impl Check for CostAnomalyMonitorMissing {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        let key = cx.config.tags.workload.as_str();
        for acct in &cx.accounts {
            if !uses_bedrock(acct) {
                out.extend(super::maybe_active(cx, acct, "a cost anomaly monitor"));
                continue;
            }
            let id = acct.account.id.as_str();
            let at = acct.at(None, acct.root_arn());
            let member = management_id(cx, acct);
            // The payer's Cost Explorer: this account's own, or its management account's.
            let payer_billing = match member {
                None => acct.account.billing.as_ref(),
                Some(_) => payer_of(cx, acct).and_then(|p| p.billing.as_ref()),
            };
            let found = payer_billing.and_then(|b| covering(b, id, key));
            let ev = json!({
                "read_in": member.unwrap_or(id),
                "monitors": payer_billing.map(|b| &b.anomaly_monitors),
                "subscriptions": payer_billing.map(|b| &b.anomaly_subscriptions),
            });
            match (found.as_ref().and_then(|f| f.first()), &found, member) {
                (Some((m, s)), _, _) => out.push(
                    at.pass(format!(
                        "Cost anomaly monitor {m} covers the account and alerts through subscription {s}."
                    ))
                    .evidence(ev),
                ),
                (None, None, _) => out.push(
                    at.unknown(format!(
                        "The payer's cost anomaly monitors ({}) could not be read, so whether an alert covers the account is not known (no access to billing data is a gap, not a failure).",
                        member.unwrap_or(id)
                    ))
                    .evidence(cx.with_gaps(ev, member.unwrap_or(id), None, "ce")),
                ),
                (None, Some(_), Some(mgmt)) => out.push(
                    at.unknown(format!(
                        "No monitor of the management account {mgmt} covers the account with a confirmed alert; monitors the account may have created itself are not read (Cost Explorer is billed per request, so perimeter asks the payer only)."
                    ))
                    .evidence(ev),
                ),
                (None, Some(_), None) => out.push(
                    at.fail(
                        "No Cost Anomaly Detection monitor covers the account with a confirmed subscriber: an unusual jump in Bedrock spend raises no alert.".to_string(),
                    )
                    .evidence(ev),
                ),
            }
        }
        out
    }
}
