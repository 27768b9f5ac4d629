//! GRD-008: an agent answers without a guardrail.
//!
//! Every version an alias routes to is judged (`ListAgentAliases` → routing, then
//! `GetAgentVersion` → `guardrailConfiguration`); the test alias routes to the working
//! draft, judged from `GetAgent`. An agent with no alias is judged by its draft. Where an
//! account-level enforced guardrail covers the Region the finding is low: whether
//! enforcement reaches an agent's orchestration calls is not documented (CATALOGUE-2
//! marks it unverified), so the agent's own guardrail is still asked for.

use serde_json::json;

use super::enforced_in;
use crate::checks::agents::{Item, each, unread_detail};
use crate::checks::{Check, Draft, EvalContext, Severity};
use crate::model::Agent;
use crate::model::GuardrailRef;

#[derive(Debug)]
pub struct AgentGuardrailMissing;

impl Check for AgentGuardrailMissing {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            const Q: &str = "whether the versions its aliases serve have a guardrail";
            for Item { at, it: a, what } in each::<Agent>(cx, acct, Q, &mut out) {
                let region = at.region.unwrap_or_default();
                let Some(routed) = a.routed_versions.as_ref() else {
                    out.push(unread_detail(cx, &at, &what, "bedrock-agent", Q));
                    continue;
                };
                // (version, aliases, guardrail) for every version that answers callers.
                let judged: Vec<(String, Vec<String>, Option<&GuardrailRef>)> = if routed.is_empty()
                {
                    vec![("DRAFT".into(), Vec::new(), a.guardrail.as_ref())]
                } else {
                    routed
                        .iter()
                        .map(|v| (v.version.clone(), v.aliases.clone(), v.guardrail.as_ref()))
                        .collect()
                };
                let ev = json!({
                    "versions": judged.iter().map(|(v, al, g)| json!({"version": v, "aliases": al, "guardrail": g})).collect::<Vec<_>>(),
                });
                let missing: Vec<String> = judged
                    .iter()
                    .filter(|(_, _, g)| g.is_none())
                    .map(|(v, al, _)| {
                        if al.is_empty() {
                            format!("version {v}")
                        } else {
                            format!("version {v} (alias {})", al.join(", "))
                        }
                    })
                    .collect();
                if missing.is_empty() {
                    out.push(
                        at.pass(format!(
                            "{what} applies a guardrail in every version its aliases serve."
                        ))
                        .evidence(ev),
                    );
                    continue;
                }
                let enforced = enforced_in(acct, region);
                let mut d = at.fail(format!(
                    "{what} serves {} without a guardrail: prompts and answers pass unfiltered{}.",
                    missing.join(", "),
                    if enforced { " (an account-level enforced guardrail covers the Region; whether it reaches agent orchestration is not documented)" } else { "" }
                )).evidence(ev);
                if enforced {
                    d = d.severity(Severity::Low);
                }
                out.push(d);
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
    fn routed_version_without_guardrail_fails() {
        let f = run("GRD-008", &estate_snapshot());
        assert_eq!(status_of(&f, "agent/AGOOD"), Status::Pass);
        assert_eq!(status_of(&f, "agent/ABAD"), Status::Fail);
        assert_eq!(status_of(&f, "agent/AHIDDEN"), Status::Unknown);
    }
}
