//! AGT-002: an AgentCore runtime runs in PUBLIC network mode.
//!
//! `networkConfiguration.networkMode = PUBLIC` gives the runtime internet egress outside
//! the VPC's controls (endpoints, security groups, flow logs); `VPC` keeps it inside.
//! Runtimes named in `[agents] public_runtimes` are accepted.

use serde_json::json;

use super::{Item, each};
use crate::checks::{Check, Draft, EvalContext};
use crate::model::Runtime;

#[derive(Debug)]
pub struct RuntimePublicNetwork;

impl Check for RuntimePublicNetwork {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let allowed = &cx.config.agents.public_runtimes;
        let mut out = Vec::new();
        for acct in &cx.accounts {
            for Item { at, it: r, what } in each::<Runtime>(cx, acct, "its network mode", &mut out)
            {
                let Some(mode) = r.network_mode.as_deref() else {
                    out.push(at.unknown(format!("{what}: no network mode was returned.")));
                    continue;
                };
                let ev = json!({"network_mode": mode});
                if !mode.eq_ignore_ascii_case("PUBLIC") {
                    out.push(
                        at.pass(format!("{what} runs in {mode} network mode."))
                            .evidence(ev),
                    );
                } else if allowed.iter().any(|a| a == &r.name || a == &r.arn) {
                    out.push(at.pass(format!(
                        "{what} runs in PUBLIC network mode, accepted by [agents] public_runtimes."
                    )).evidence(ev));
                } else {
                    out.push(at.fail(format!(
                        "{what} runs in PUBLIC network mode: its egress bypasses the VPC's endpoints and security groups."
                    )).evidence(ev));
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
    fn public_runtime_fails_vpc_runtime_passes() {
        let f = run("AGT-002", &estate_snapshot());
        assert_eq!(status_of(&f, "runtime/secure"), Status::Pass);
        assert_eq!(status_of(&f, "runtime/public"), Status::Fail);
    }

    #[test]
    fn an_allowed_public_runtime_passes() {
        let cfg = crate::config::Config {
            agents: crate::config::AgentSettings {
                public_runtimes: vec!["public_runtime".into()],
                ..Default::default()
            },
            ..Default::default()
        };
        let f = run_with("AGT-002", &estate_snapshot(), &cfg);
        assert_eq!(status_of(&f, "runtime/public"), Status::Pass);
    }
}
