//! AGT-005: an AgentCore gateway's policy engine only logs its decisions.
//!
//! With `policyEngineConfiguration.mode = LOG_ONLY` the Cedar policies that should limit
//! which tools an agent may call are evaluated and traced, but nothing is denied. A
//! gateway with no policy engine is reported at info, or fails (medium) when
//! `[agents] require_gateway_policy_engine` is set.

use serde_json::json;

use super::{Item, each};
use crate::checks::{Check, Draft, EvalContext, Severity};
use crate::model::Gateway;

#[derive(Debug)]
pub struct GatewayPolicyNotEnforced;

impl Check for GatewayPolicyNotEnforced {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let required = cx.config.agents.require_gateway_policy_engine;
        let mut out = Vec::new();
        for acct in &cx.accounts {
            for Item { at, it: g, what } in
                each::<Gateway>(cx, acct, "its policy engine mode", &mut out)
            {
                let ev = json!({"policy_engine_mode": g.policy_engine_mode});
                match g.policy_engine_mode.as_deref() {
                    Some(m) if m.eq_ignore_ascii_case("LOG_ONLY") => out.push(at.fail(format!(
                        "{what} evaluates its Cedar policies in LOG_ONLY mode: decisions are traced, nothing is denied."
                    )).evidence(ev)),
                    Some(m) => out.push(at.pass(format!("{what} enforces its policy engine ({m}).")).evidence(ev)),
                    None if required => out.push(at.fail(format!(
                        "{what} has no policy engine, and the configuration requires one."
                    )).evidence(ev).severity(Severity::Medium)),
                    None => out.push(at.fail(format!(
                        "{what} has no policy engine: which tools an agent may call is decided by the gateway role alone."
                    )).evidence(ev).severity(Severity::Info)),
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

    #[test]
    fn log_only_fails_enforce_passes() {
        let f = run("AGT-005", &estate_snapshot());
        assert_eq!(status_of(&f, "gateway/secure"), Status::Pass);
        assert_eq!(status_of(&f, "gateway/open"), Status::Fail);
    }
}
