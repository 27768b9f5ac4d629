//! USE-001: no cost budget covers the account's Bedrock spend with a live alert (and, with
//! `[usage] require_budget_action`, an action that stops spending).
//!
//! A budget covers the account when it is a COST budget in the account itself, or in the
//! management account without a linked-account filter or naming the account; and Bedrock
//! when it has no service filter or its service filter names Amazon Bedrock. It is live
//! when one notification has at least one subscriber.

use serde_json::{Value, json};

use super::{management_id, payer_of, uses_bedrock};
use crate::checks::{Check, Draft, EvalContext};
use crate::model::Budget;

/// How one budget fares: `Some(true)` covers with a live alert, `Some(false)` does not,
/// `None` would cover but its alerts (or actions) could not be read.
fn judge(b: &Budget, account: &str, own: bool, need_action: bool) -> (Option<bool>, Value) {
    let cost = b.budget_type == "COST";
    let bedrock = b
        .services
        .as_ref()
        .is_none_or(|s| s.iter().any(|x| x.contains("Amazon Bedrock")));
    let account_ok =
        own || b.linked_accounts.is_empty() || b.linked_accounts.iter().any(|a| a == account);
    let live = match &b.notifications {
        None => None,
        Some(ns) if ns.iter().any(|n| n.subscribers.is_some_and(|s| s > 0)) => Some(true),
        Some(ns) if ns.iter().any(|n| n.subscribers.is_none()) => None,
        Some(_) => Some(false),
    };
    let action = if need_action {
        b.stopping_actions.map(|n| n > 0)
    } else {
        Some(true)
    };
    let ev = json!({
        "budget": b.name, "type": b.budget_type, "services": b.services,
        "linked_accounts": b.linked_accounts, "notifications": b.notifications,
        "stopping_actions": b.stopping_actions, "in_this_account": own,
    });
    if !(cost && bedrock && account_ok) {
        return (Some(false), ev);
    }
    let verdict = match (live, action) {
        (Some(true), Some(true)) => Some(true),
        (Some(false), _) | (_, Some(false)) => Some(false),
        _ => None,
    };
    (verdict, ev)
}

#[derive(Debug)]
pub struct BedrockBudgetMissing;

impl Check for BedrockBudgetMissing {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        let need_action = cx.config.usage.require_budget_action;
        for acct in &cx.accounts {
            if !uses_bedrock(acct) {
                out.extend(super::maybe_active(cx, acct, "a Bedrock budget"));
                continue;
            }
            let id = acct.account.id.as_str();
            let at = acct.at(None, acct.root_arn());
            let own = acct
                .account
                .billing
                .as_ref()
                .and_then(|b| b.budgets.as_ref());
            let payer = payer_of(cx, acct);
            let payer_budgets = payer
                .and_then(|p| p.billing.as_ref())
                .and_then(|b| b.budgets.as_ref());
            let mut seen = Vec::new();
            let mut undecided = false;
            let mut covered: Option<Value> = None;
            let sets = [(own, true), (payer_budgets, false)];
            for (list, is_own) in sets {
                for b in list.into_iter().flatten() {
                    let (v, ev) = judge(b, id, is_own, need_action);
                    match v {
                        Some(true) if covered.is_none() => covered = Some(ev.clone()),
                        None => undecided = true,
                        _ => {}
                    }
                    seen.push(ev);
                }
            }
            let ev = json!({"budgets": seen, "require_budget_action": need_action, "management_account": management_id(cx, acct)});
            if let Some(c) = covered {
                out.push(
                    at.pass(format!(
                        "Budget {} covers the account's Bedrock spend with a live alert{}.",
                        c["budget"].as_str().unwrap_or_default(),
                        if need_action {
                            " and a spending stop"
                        } else {
                            ""
                        }
                    ))
                    .evidence(ev),
                );
                continue;
            }
            // Without a covering budget, a verdict needs every place one could be read.
            let payer_unread = management_id(cx, acct).is_some() && payer_budgets.is_none();
            if own.is_none() || payer_unread || undecided {
                let mut why = Vec::new();
                if own.is_none() {
                    why.push("the account's budgets could not be read".to_string());
                }
                if payer_unread {
                    why.push("the management account's budgets were not read".to_string());
                }
                if undecided {
                    why.push("a budget's alerts or actions could not be read".to_string());
                }
                out.push(at.unknown(format!(
                    "No budget seen that covers the account's Bedrock spend with a live alert, but {}.",
                    why.join(" and ")
                )).evidence(cx.with_gaps(ev, id, None, "budgets")));
                continue;
            }
            out.push(at.fail(format!(
                "No cost budget covers the account's Bedrock spend with a live alert{} ({} budget(s) examined): runaway or stolen-key spend goes unnoticed until the bill.",
                if need_action { " and a spending stop" } else { "" },
                seen.len()
            )).evidence(ev));
        }
        out
    }
}
