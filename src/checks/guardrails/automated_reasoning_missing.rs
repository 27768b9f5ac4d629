//! GRD-012: an account that must check answers with automated reasoning has no guardrail
//! that does.
//!
//! Only for accounts named in `[guardrails] require_automated_reasoning` (or all, with
//! `"*"`): in each Bedrock-active Region, some guardrail version in use must carry an
//! automated-reasoning policy (`automatedReasoningPolicy.policies` non-empty). A version
//! in use whose configuration was not read is unknown.

use serde_json::json;

use super::in_use;
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct AutomatedReasoningMissing;

impl Check for AutomatedReasoningMissing {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let required = &cx.config.require_automated_reasoning;
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            if !required.iter().any(|a| a == "*" || a == id) {
                continue;
            }
            let read = acct.regions_reading(|d| d.bedrock.as_ref()?.guardrails.as_deref());
            for (region, guardrails) in read {
                if !acct.is_active(region) {
                    continue;
                }
                let at = acct.at(Some(region), acct.root_arn());
                let Ok(_) = guardrails else {
                    out.push(
                        at.unknown(format!("Guardrails in {region} could not be listed."))
                            .evidence(cx.gap_evidence(id, Some(region), "bedrock")),
                    );
                    continue;
                };
                let Some(data) = acct.account.regions.get(region) else {
                    continue;
                };
                let uses = in_use(data);
                let with: Vec<_> = uses
                    .iter()
                    .filter_map(|u| u.config.filter(|c| !c.automated_reasoning_policies.is_empty()).map(|c| json!({"guardrail": u.guardrail.arn, "version": u.version, "policies": c.automated_reasoning_policies})))
                    .collect();
                let unread = uses.iter().any(|u| u.config.is_none());
                let ev = json!({"with_automated_reasoning": with, "in_use": uses.iter().map(|u| json!({"guardrail": u.guardrail.arn, "version": u.version})).collect::<Vec<_>>()});
                if !with.is_empty() {
                    out.push(at.pass(format!("A guardrail in use in {region} checks answers with an automated-reasoning policy.")).evidence(ev));
                } else if unread {
                    out.push(
                        at.unknown(format!(
                            "Some guardrail versions in use in {region} could not be read."
                        ))
                        .evidence(ev),
                    );
                } else {
                    out.push(at.fail(format!("No guardrail in use in {region} has an automated-reasoning policy, which the configuration requires for this account.")).evidence(ev));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::testutil::*;
    use crate::config::Config;

    #[test]
    fn required_account_without_automated_reasoning_fails() {
        let cfg = Config {
            require_automated_reasoning: vec![ACCOUNT.into()],
            bedrock_regions: vec!["us-east-1".into()],
            ..Config::default()
        };
        let f = run_with("GRD-012", &estate_snapshot(), &cfg);
        let in_region = |r: &str| {
            f.iter()
                .find(|x| x.region.as_deref() == Some(r))
                .unwrap()
                .status
        };
        assert_eq!(
            in_region("us-east-1"),
            Status::Pass,
            "g1 version 1 carries a policy"
        );
        assert_eq!(in_region("eu-west-1"), Status::Fail);
        assert!(
            run("GRD-012", &estate_snapshot()).is_empty(),
            "not required: no finding"
        );
    }
}
