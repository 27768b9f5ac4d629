//! IAM-006 bearer-token-unrestricted: nothing denies `bedrock:CallWithBearerToken`.

use serde_json::{Value, json};

use super::{can_invoke, is_management, scope_regions, scp_levels};
use crate::checks::Subject;
use crate::checks::{Check, Draft, EvalContext};
use crate::policy::{DecisionEffect, Request, evaluate_scp};

#[derive(Debug)]
pub struct BearerTokenUnrestricted;

const ACTION: &str = "bedrock:CallWithBearerToken";
const TOKEN_TYPES: [&str; 2] = ["LONG_TERM", "SHORT_TERM"];

impl Check for BearerTokenUnrestricted {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            let root = acct.root_arn();
            let at = Subject::new(id, None, &root);
            let region = scope_regions(cx, acct)
                .into_iter()
                .next()
                .unwrap_or_else(|| "us-east-1".into());
            // 1. the SCP chain
            let mut scp_blocks: Vec<(&str, Value)> = Vec::new();
            if let Some(levels) = scp_levels(cx, acct) {
                for tt in TOKEN_TYPES {
                    let mut req = Request::new("", ACTION, "*");
                    req.context.insert("aws:RequestedRegion", region.as_str());
                    req.context.insert("bedrock:BearerTokenType", tt);
                    let d = evaluate_scp(&levels, &req);
                    if d.effect != DecisionEffect::Allow {
                        scp_blocks.push((tt, json!({"token_type": tt, "effect": d.effect.as_str(), "reasons": d.reasons})));
                    }
                }
            }
            if scp_blocks.iter().any(|(t, _)| *t == "LONG_TERM") {
                let short = scp_blocks.iter().any(|(t, _)| *t == "SHORT_TERM");
                let first = &scp_blocks[0].1;
                let by = first["reasons"]
                    .as_array()
                    .and_then(|r| r.iter().find(|x| x["effect"] == "Deny").or(r.first()))
                    .and_then(|x| x["policy"].as_str())
                    .unwrap_or("the SCP chain")
                    .to_string();
                out.push(
                    at.pass(format!(
                            "Account {id}: {by} denies bedrock:CallWithBearerToken ({}).",
                            if short { "long-term and short-term API keys" } else { "long-term API keys; short-term keys remain usable" }
                        ))
                    .evidence(json!({"layer": "scp", "decisions": scp_blocks.iter().map(|(_, v)| v.clone()).collect::<Vec<_>>()})),
                );
                continue;
            }
            // 2. the identity policies of every principal that can invoke
            let mut invokers = Vec::new();
            let mut open = Vec::new();
            for p in acct.principals.iter().filter(|p| !p.is_service_linked) {
                if can_invoke(cx, acct, p, false).is_none() {
                    continue;
                }
                invokers.push(p.arn.clone());
                let set = cx.policy_set(acct, p, false);
                let mut req = cx.request(acct, p, ACTION, "*", Some(&region));
                req.context.insert("bedrock:BearerTokenType", "LONG_TERM");
                let d = cx.decide(&set, &req);
                if d.effect != DecisionEffect::ExplicitDeny {
                    open.push(p.arn.clone());
                }
            }
            let chain_unknown = acct.scps.is_none() && !acct.scps_known && !is_management(cx, id);
            let evidence = json!({
                "invokers": invokers,
                "invokers_without_deny": open,
                "scp_chain": super::scp_note(acct),
                "management_account": is_management(cx, id),
            });
            if invokers.is_empty() {
                out.push(
                    at.pass(format!(
                            "Account {id}: no principal can invoke models, so a Bedrock API key would give access to nothing today (nothing denies bedrock:CallWithBearerToken either)."
                        ))
                    .evidence(evidence),
                );
            } else if open.is_empty() {
                out.push(
                    at.pass(format!(
                            "Account {id}: every principal that can invoke models denies bedrock:CallWithBearerToken in its own policies."
                        ))
                    .evidence(evidence),
                );
            } else if chain_unknown {
                out.push(
                    at.unknown(format!(
                            "Account {id}: no identity policy denies bedrock:CallWithBearerToken and the SCP chain could not be read."
                        ))
                    .evidence(evidence),
                );
            } else {
                out.push(
                    at.fail(format!(
                            "Account {id}: neither an SCP nor the invokers' policies deny bedrock:CallWithBearerToken, so Bedrock API keys work for {} principal(s).",
                            open.len()
                        ))
                    .evidence(evidence),
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::iam::testkit::*;
    use crate::checks::testutil::*;
    use serde_json::json;

    fn invoke() -> serde_json::Value {
        json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:InvokeModel","Resource":"*"}]})
    }

    #[test]
    fn nothing_denies_fails() {
        let mut a = with_roles(vec![role("app", invoke())]);
        a.scps = Some(scp_chain(vec![]));
        let f = run("IAM-006", &snapshot(vec![a]));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Fail);
        assert_eq!(f[0].resource, format!("arn:aws:iam::{ACCOUNT}:root"));
    }

    #[test]
    fn scp_deny_passes_naming_it() {
        let mut a = with_roles(vec![role("app", invoke())]);
        a.scps = Some(scp_chain(vec![(
            "p-bearer",
            "deny-bearer",
            json!({"Version":"2012-10-17","Statement":[{"Sid":"NoKeys","Effect":"Deny","Action":"bedrock:CallWithBearerToken","Resource":"*"}]}),
        )]));
        let f = run("IAM-006", &snapshot(vec![a]));
        assert_eq!(f[0].status, Status::Pass);
        assert!(f[0].message.contains("p-bearer"), "{}", f[0].message);
    }

    #[test]
    fn identity_deny_passes_and_unknown_chain_is_unknown() {
        let pol = json!({"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"bedrock:InvokeModel","Resource":"*"},
            {"Effect":"Deny","Action":"bedrock:CallWithBearerToken","Resource":"*"}]});
        let f = run(
            "IAM-006",
            &snapshot(vec![with_roles(vec![role("app", pol)])]),
        );
        assert_eq!(f[0].status, Status::Pass);

        let mut snap = snapshot(vec![with_roles(vec![role("app", invoke())])]);
        snap.gaps.push(crate::model::Gap {
            account: ACCOUNT.into(),
            region: None,
            service: "organizations".into(),
            operation: "ListParents".into(),
            error: "AccessDenied".into(),
            resource: None,
        });
        let f = run("IAM-006", &snap);
        assert_eq!(f[0].status, Status::Unknown);
    }
}
