//! USE-002: no Cost Anomaly Detection monitor covers the account with a confirmed alert.
//!
//! A monitor covers the account when it watches services (DIMENSIONAL, SERVICE) — in the
//! account, or in the management account, whose service monitor sees the organisation's
//! spend — or is a custom monitor whose specification names the account or the workload
//! tag key. It alerts when a subscription lists it with a CONFIRMED subscriber.

use serde_json::json;

use super::{management_id, payer_of, uses_bedrock};
use crate::checks::{Check, Draft, EvalContext};
use crate::model::Billing;

/// Monitors of `b` that cover `account` and alert, as (monitor name, subscription name).
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
                continue;
            }
            let id = acct.account.id.as_str();
            let at = acct.at(None, acct.root_arn());
            let own = acct
                .account
                .billing
                .as_ref()
                .and_then(|b| covering(b, id, key));
            let payer = payer_of(cx, acct)
                .and_then(|p| p.billing.as_ref())
                .and_then(|b| covering(b, id, key));
            let describe = |b: Option<&Billing>| {
                b.map(|b| json!({"monitors": b.anomaly_monitors, "subscriptions": b.anomaly_subscriptions}))
            };
            let ev = json!({
                "account": describe(acct.account.billing.as_ref()),
                "management_account": management_id(cx, acct),
                "management": describe(payer_of(cx, acct).and_then(|p| p.billing.as_ref())),
            });
            let hit = own.iter().chain(payer.iter()).flatten().next();
            if let Some((m, s)) = hit {
                out.push(at.pass(format!(
                    "Cost anomaly monitor {m} covers the account and alerts through subscription {s}."
                )).evidence(ev));
                continue;
            }
            let payer_unread = management_id(cx, acct).is_some() && payer.is_none();
            if own.is_none() || payer_unread {
                out.push(at.unknown(format!(
                    "No cost anomaly monitor seen that covers the account with a confirmed alert, but {} could not be read (no access to billing data is a gap, not a failure).",
                    if own.is_none() { "the account's monitors or subscriptions" } else { "the management account's monitors" }
                )).evidence(cx.with_gaps(ev, id, None, "ce")));
                continue;
            }
            out.push(at.fail(
                "No Cost Anomaly Detection monitor covers the account with a confirmed subscriber: an unusual jump in Bedrock spend raises no alert.".to_string(),
            ).evidence(ev));
        }
        out
    }
}
