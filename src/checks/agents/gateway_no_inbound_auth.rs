//! AGT-003: an AgentCore gateway accepts calls without inbound authorisation.
//!
//! `authorizerType = NONE` lets anyone who can reach the gateway call its tools with the
//! gateway role's permissions. `AUTHENTICATE_ONLY` checks identity but not what the caller
//! may do: reported at medium severity.

use serde_json::json;

use super::{Item, each};
use crate::checks::{Check, Draft, EvalContext, Severity};
use crate::model::Gateway;

#[derive(Debug)]
pub struct GatewayNoInboundAuth;

impl Check for GatewayNoInboundAuth {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            for Item { at, it: g, what } in
                each::<Gateway>(cx, acct, "its inbound authorisation", &mut out)
            {
                let Some(kind) = g.authorizer_type.as_deref() else {
                    out.push(at.unknown(format!("{what}: no authoriser type was returned.")));
                    continue;
                };
                let ev = json!({"authorizer_type": kind});
                match kind.to_ascii_uppercase().as_str() {
                    "NONE" => out.push(at.fail(format!(
                        "{what} has no inbound authorisation (authorizerType NONE): anyone who reaches it can call its tools with the gateway role's permissions."
                    )).evidence(ev)),
                    "AUTHENTICATE_ONLY" => out.push(at.fail(format!(
                        "{what} authenticates callers but does not authorise them (AUTHENTICATE_ONLY)."
                    )).evidence(ev).severity(Severity::Medium)),
                    _ => out.push(at.pass(format!("{what} authorises inbound calls ({kind}).")).evidence(ev)),
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
    fn gateway_without_authorizer_fails() {
        let f = run("AGT-003", &estate_snapshot());
        assert_eq!(status_of(&f, "gateway/secure"), Status::Pass);
        assert_eq!(status_of(&f, "gateway/open"), Status::Fail);
    }
}
