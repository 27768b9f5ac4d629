//! AGT-006: an AgentCore runtime's or gateway's resource policy lets anyone outside the
//! account and organisation invoke it.
//!
//! Decided by the engine: a principal of an unrelated account, whose own IAM allows
//! everything, calls `bedrock-agentcore:InvokeAgentRuntime` (runtime) or
//! `bedrock-agentcore:InvokeGateway` (gateway). It comes from no VPC endpoint and belongs
//! to no organisation, so conditions on `aws:SourceVpc`, `aws:SourceVpce` and
//! `aws:PrincipalOrgID` do not hold for it; any other condition key is left open (it could
//! take any value). A resource with no policy passes: cross-account callers then need a
//! policy to be let in.

use serde_json::json;

use super::{listed, unread_detail};
use crate::checks::network::{
    ALLOW_ALL_LABEL, allow_all_identity, condition_keys, open_json, outsider_arn,
};
use crate::checks::{Check, Draft, EvalContext, Subject};
use crate::model::Probe;
use crate::policy::{Context, Labeled, Policy, PolicySet, Request, UnknownKeys, evaluate_open};

#[derive(Debug)]
pub struct ResourcePolicyPublic;

/// Keys an outsider's request does not carry: a condition on them fails.
const ABSENT_FOR_OUTSIDER: [&str; 4] = [
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:principalorgid",
    "aws:principalorgpaths",
];

fn judge(
    cx: &EvalContext<'_>,
    at: &Subject<'_>,
    outsider: &str,
    what: &str,
    action: &str,
    policy: &Probe<serde_json::Value>,
    service: &str,
) -> Draft {
    let doc = match policy {
        Probe::Absent => {
            return at
                .pass(format!(
                    "{what} has no resource-based policy: no other account is let in."
                ))
                .evidence(json!({"resource_policy": null}));
        }
        Probe::Unknown => {
            return unread_detail(cx, at, what, service, "who its resource policy lets in");
        }
        Probe::Found(v) => v,
    };
    let policy = match Policy::from_value(doc) {
        Ok(p) => p,
        Err(e) => {
            return at.unknown(format!("{what}'s resource policy could not be parsed ({e}), so who it lets in is not known."))
                .evidence(json!({"resource_policy": doc, "error": e.to_string()}));
        }
    };
    let identity = allow_all_identity();
    let set = PolicySet {
        identity: vec![Labeled::new(ALLOW_ALL_LABEL, &identity)],
        resource: vec![Labeled::new(
            format!("resource-policy:{}", at.resource),
            &policy,
        )],
        ..Default::default()
    };
    let mut ctx = Context::new();
    ctx.insert("aws:PrincipalArn", outsider);
    if let Some(a) = outsider.split(':').nth(4) {
        ctx.insert("aws:PrincipalAccount", a);
    }
    let mut req = Request::new(outsider, action, at.resource.clone());
    req.resource_account = Some(at.account.to_string());
    req.context = ctx;
    let open: Vec<String> = condition_keys(&policy)
        .into_iter()
        .filter(|k| {
            !ABSENT_FOR_OUTSIDER.contains(&k.as_str())
                && k != "aws:principalarn"
                && k != "aws:principalaccount"
        })
        .collect();
    let d = evaluate_open(&set, &req, &UnknownKeys::Listed(open.to_vec()));
    let ev = json!({
        "action": action,
        "outsider": outsider,
        "open_condition_keys": open,
        "decision": open_json(&d),
    });
    if d.may_allow() {
        at.fail(format!(
            "{what}'s resource policy lets a principal of an unrelated account call {action}{}.",
            if open.is_empty() {
                String::new()
            } else {
                format!(" (for some value of {})", open.join(", "))
            }
        ))
        .evidence(ev)
    } else {
        at.pass(format!("{what}'s resource policy does not let principals outside the account and organisation call {action}."))
            .evidence(ev)
    }
}

impl Check for ResourcePolicyPublic {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        const SVC: &str = "bedrock-agentcore-control";
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let outsider = outsider_arn(acct);
            let runtimes = listed(
                cx,
                acct,
                |d| d.agentcore.as_ref()?.runtimes.as_ref(),
                SVC,
                "AgentCore runtimes",
                &mut out,
            );
            for (region, r) in runtimes {
                let at = acct.at(Some(region), &r.arn);
                let what = format!("AgentCore runtime {}", r.name);
                out.push(judge(
                    cx,
                    &at,
                    &outsider,
                    &what,
                    "bedrock-agentcore:InvokeAgentRuntime",
                    &r.resource_policy,
                    SVC,
                ));
            }
            let gateways = listed(
                cx,
                acct,
                |d| d.agentcore.as_ref()?.gateways.as_ref(),
                SVC,
                "AgentCore gateways",
                &mut out,
            );
            for (region, g) in gateways {
                let at = acct.at(Some(region), &g.arn);
                let what = format!("AgentCore gateway {}", g.name);
                out.push(judge(
                    cx,
                    &at,
                    &outsider,
                    &what,
                    "bedrock-agentcore:InvokeGateway",
                    &g.resource_policy,
                    SVC,
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::testutil::*;

    #[test]
    fn public_policy_fails_account_policy_and_none_pass() {
        let f = run("AGT-006", &estate_snapshot());
        assert_eq!(status_of(&f, "runtime/secure"), Status::Pass);
        assert_eq!(status_of(&f, "runtime/public"), Status::Fail);
        assert_eq!(status_of(&f, "gateway/secure"), Status::Pass);
        assert_eq!(status_of(&f, "gateway/open"), Status::Fail);
    }
}
