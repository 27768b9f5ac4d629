//! GRD-001: a Bedrock-active Region has no guardrail.

use serde_json::json;

use super::{active_reasons, region_guardrails, unlisted_draft};
use crate::checks::Subject;
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct GuardrailMissing;

impl Check for GuardrailMissing {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            for (region, data) in &acct.account.regions {
                let at = Subject::new(id, Some(region), acct.root_arn());
                if !acct.is_active(region) {
                    continue;
                }
                let Some(list) = region_guardrails(data) else {
                    out.push(unlisted_draft(
                        cx,
                        acct,
                        region,
                        "whether a guardrail exists",
                    ));
                    continue;
                };
                let ev = json!({
                    "active_region_reasons": active_reasons(acct, region),
                    "guardrails": list.iter().map(|g| json!({"name": g.name, "arn": g.arn, "status": g.status})).collect::<Vec<_>>(),
                });
                let d = if list.is_empty() {
                    at.fail(format!(
                            "Bedrock-active Region {region} of account {id} has no guardrail, so prompts and responses there are not screened for injection, harmful content or PII."
                        ))
                } else {
                    at.pass(format!(
                        "Region {region} of account {id} has {} guardrail(s).",
                        list.len()
                    ))
                };
                out.push(d.evidence(ev));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::logging::fixtures::*;
    use crate::checks::testutil::*;
    use crate::model::Probe;

    #[test]
    fn active_region_without_guardrail_fails() {
        let mut a = account(ACCOUNT);
        let b = bedrock(&mut a, REGION);
        b.logging = Probe::Found(logging("b", "g"));
        let f = run("GRD-001", &snapshot(vec![a]));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Fail);
        assert_eq!(f[0].region.as_deref(), Some(REGION));
        assert_eq!(f[0].resource, format!("arn:aws:iam::{ACCOUNT}:root"));
    }

    #[test]
    fn guardrail_passes() {
        let mut a = account(ACCOUNT);
        bedrock(&mut a, REGION).guardrails = Some(vec![guardrail(ACCOUNT, REGION, "g1")]);
        let f = run("GRD-001", &snapshot(vec![a]));
        assert_eq!(f[0].status, Status::Pass);
        assert_eq!(f[0].evidence.value()["guardrails"][0]["name"], "g1-name");
    }

    #[test]
    fn unlisted_is_unknown_and_inactive_silent() {
        let mut a = account(ACCOUNT);
        let b = bedrock(&mut a, REGION);
        b.logging = Probe::Found(logging("b", "g"));
        b.guardrails = None;
        bedrock(&mut a, "eu-west-1");
        let f = run("GRD-001", &snapshot(vec![a]));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Unknown);
    }
}
