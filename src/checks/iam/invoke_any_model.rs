//! IAM-001 invoke-any-model: a workload principal may invoke a model no policy names.

use serde_json::json;

use super::{
    PROBE_MODEL_ID, can_invoke, fm_arn, principal_json, probe_invoke, scope_regions, scp_note,
};
use crate::checks::Subject;
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct InvokeAnyModel;

impl Check for InvokeAnyModel {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            let regions = scope_regions(cx, acct);
            for p in acct.principals.iter().filter(|p| p.is_workload()) {
                let set = cx.policy_set(acct, p, true);
                let probes: Vec<_> = regions
                    .iter()
                    .map(|r| {
                        let arn = fm_arn(&acct.partition, r, PROBE_MODEL_ID);
                        probe_invoke(cx, acct, p, &set, &arn, r, &[])
                    })
                    .collect();
                let allowed: Vec<_> = probes.iter().filter(|x| x.allowed()).collect();
                if let Some(first) = allowed.first() {
                    let regs: Vec<&str> = allowed.iter().map(|x| x.region.as_str()).collect();
                    let how = if first.decision.is_allowed_unconditionally() {
                        "unconditionally".to_string()
                    } else {
                        format!(
                            "when {} take suitable values",
                            first.decision.conditional_keys().join(", ")
                        )
                    };
                    out.push(
                        Subject::new(id, None, &p.arn).fail(format!(
                                "{} may invoke any foundation model (a probe model no policy names is allowed {how}) in {}.",
                                p.arn,
                                regs.join(", ")
                            ))
                        .evidence(json!({
                            "principal": principal_json(p),
                            "probe_model": PROBE_MODEL_ID,
                            "allowed_regions": regs,
                            "decision": first.to_json(),
                            "scp_chain": scp_note(acct),
                        })),
                    );
                    continue;
                }
                match can_invoke(cx, acct, p, true) {
                    Some(named) => out.push(
                        Subject::new(id, None, &p.arn).pass(format!(
                                "{} may invoke only the models its policies name, not any model.",
                                p.arn
                            ))
                        .evidence(json!({
                            "principal": principal_json(p),
                            "example_allowed": named.to_json(),
                            "probe_decisions": probes.iter().map(|x| json!({
                                "region": x.region,
                                "decision": super::open_effect_str(&x.decision),
                            })).collect::<Vec<_>>(),
                            "scp_chain": scp_note(acct),
                        })),
                    ),
                    None if !p.unparsed.is_empty() => out.push(
                        Subject::new(id, None, &p.arn).unknown(format!(
                                "{} has policies perimeter could not read, so whether it may invoke any model is unknown.",
                                p.arn
                            ))
                        .evidence(json!({"principal": principal_json(p), "unparsed": p.unparsed})),
                    ),
                    None => {}
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
    fn wildcard_resource_fails() {
        let snap = snapshot(vec![with_roles(vec![role(
            "app",
            json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:InvokeModel","Resource":"*"}]}),
        )])]);
        let f = run("IAM-001", &snap);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Fail);
        assert_eq!(f[0].resource, role_arn("app"));
        assert!(
            f[0].message.contains("any foundation model"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn not_action_trick_fails() {
        let snap = snapshot(vec![with_roles(vec![role(
            "trick",
            json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","sts:*"],"Resource":"arn:aws:bedrock:*::foundation-model/*"}]}),
        )])]);
        let f = run("IAM-001", &snap);
        assert_eq!(f[0].status, Status::Fail);
    }

    #[test]
    fn named_model_passes() {
        let snap = snapshot(vec![with_roles(vec![role(
            "scoped",
            json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:InvokeModel","Resource":"arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1"}]}),
        )])]);
        let f = run("IAM-001", &snap);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Pass);
        assert!(
            f[0].evidence.value()["example_allowed"]["resource"]
                .as_str()
                .unwrap()
                .contains("amazon.titan")
        );
    }

    #[test]
    fn non_invoker_is_silent_and_missing_iam_is_unknown() {
        let snap = snapshot(vec![with_roles(vec![role(
            "s3only",
            json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}),
        )])]);
        assert!(run("IAM-001", &snap).is_empty());
        let snap = snapshot(vec![account(ACCOUNT)]);
        let f = run("IAM-001", &snap);
        assert_eq!(f[0].status, Status::Unknown);
    }
}
