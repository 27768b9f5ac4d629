//! AGT-004: an AgentCore gateway returns debug-level error detail to callers.
//!
//! `exceptionLevel = DEBUG` sends granular errors (tool names, target details, upstream
//! messages) back to whoever calls the gateway: useful while building, a map for an
//! attacker in production. Absent means the default, terse errors.

use serde_json::json;

use super::{Item, each};
use crate::checks::{Check, Draft, EvalContext};
use crate::model::Gateway;

#[derive(Debug)]
pub struct GatewayDebugErrors;

impl Check for GatewayDebugErrors {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            for Item { at, it: g, what } in
                each::<Gateway>(cx, acct, "its error detail level", &mut out)
            {
                let ev = json!({"exception_level": g.exception_level});
                if g.exception_level
                    .as_deref()
                    .is_some_and(|l| l.eq_ignore_ascii_case("DEBUG"))
                {
                    out.push(at.fail(format!(
                        "{what} returns DEBUG-level errors to its callers, revealing tool and target details."
                    )).evidence(ev));
                } else {
                    out.push(
                        at.pass(format!("{what} does not return debug-level errors."))
                            .evidence(ev),
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
    use crate::checks::testutil::*;

    #[test]
    fn debug_gateway_fails() {
        let f = run("AGT-004", &estate_snapshot());
        assert_eq!(status_of(&f, "gateway/secure"), Status::Pass);
        assert_eq!(status_of(&f, "gateway/open"), Status::Fail);
    }
}
