//! IAM-008 invoke-not-tag-scoped: invoke is granted without an
//! `aws:PrincipalTag/<workload key>` condition.

use serde_json::json;

use super::{decide_with_absent, invokers, open_effect_str, principal_json};
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct InvokeNotTagScoped;

impl Check for InvokeNotTagScoped {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        let key = format!("aws:PrincipalTag/{}", cx.config.tags.workload);
        for acct in &cx.accounts {
            for (p, probe) in invokers(cx, acct, |p| p.is_workload(), &mut out) {
                let at = acct.at(None, &p.arn);
                let set = cx.policy_set(acct, p, true);
                let region = (probe.region != "unspecified").then_some(probe.region.as_str());
                let req = cx.request(acct, p, &probe.action, &probe.resource, region);
                let without = decide_with_absent(&set, &req, &key);
                let evidence = json!({
                    "principal": principal_json(p),
                    "tag_key": key,
                    "principal_tag_value": p.tags.get(&cx.config.tags.workload),
                    "request": {"action": probe.action, "resource": probe.resource, "requested_region": probe.region},
                    "decision_without_tag": open_effect_str(&without),
                    "reasons": without.reasons,
                });
                if without.may_allow() {
                    out.push(
                        at.fail(format!(
                                "{} may invoke models without the {key} tag: the grant is not gated by the workload tag.",
                                p.arn
                            ))
                        .evidence(evidence),
                    );
                } else {
                    out.push(
                        at.pass(format!(
                            "{}'s invoke permission requires the {key} tag.",
                            p.arn
                        ))
                        .evidence(evidence),
                    );
                }
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

    #[test]
    fn ungated_fails_gated_passes() {
        let ungated = tagged_role(
            "plain",
            json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:InvokeModel","Resource":"*"}]}),
            &[("workload", "chat")],
        );
        let gated = tagged_role(
            "gated",
            json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:InvokeModel","Resource":"*",
                "Condition":{"StringEquals":{"aws:PrincipalTag/workload":"chat"}}}]}),
            &[("workload", "chat")],
        );
        let snap = snapshot(vec![with_roles(vec![ungated, gated])]);
        let f = run("IAM-008", &snap);
        let get = |n: &str| f.iter().find(|x| x.resource == role_arn(n)).unwrap();
        assert_eq!(get("plain").status, Status::Fail);
        assert!(get("plain").message.contains("aws:PrincipalTag/workload"));
        assert_eq!(get("gated").status, Status::Pass, "{:?}", get("gated"));
    }
}
