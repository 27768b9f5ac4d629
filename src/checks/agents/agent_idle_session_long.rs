//! AGT-001: an agent keeps idle sessions longer than the configured limit.
//!
//! An idle session keeps its conversation state (and what the user shared) alive and
//! usable by whoever holds the session id. AWS allows 60–5400 seconds; the limit is
//! `[agents] max_idle_session_seconds` (default 3600). The versions aliases route to are
//! judged, and the working draft too.

use serde_json::json;

use super::{Item, each};
use crate::checks::{Check, Draft, EvalContext};
use crate::model::Agent;

#[derive(Debug)]
pub struct AgentIdleSessionLong;

impl Check for AgentIdleSessionLong {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let max = cx.config.agents.max_idle_session_seconds;
        let mut out = Vec::new();
        for acct in &cx.accounts {
            for Item { at, it: a, what } in
                each::<Agent>(cx, acct, "its idle session timeout", &mut out)
            {
                // The draft and every routed version: the longest decides.
                let mut seen: Vec<(String, i64)> = Vec::new();
                if let Some(t) = a.idle_session_ttl {
                    seen.push(("DRAFT".into(), t));
                }
                for v in a.routed_versions.iter().flatten() {
                    if let Some(t) = v.idle_session_ttl {
                        seen.push((v.version.clone(), t));
                    }
                }
                let Some((version, longest)) = seen.iter().max_by_key(|(_, t)| *t).cloned() else {
                    out.push(at.unknown(format!("{what}: no idle session timeout was returned.")));
                    continue;
                };
                let ev = json!({
                    "idle_session_ttl_seconds": seen.iter().map(|(v, t)| json!({"version": v, "seconds": t})).collect::<Vec<_>>(),
                    "limit_seconds": max,
                });
                if longest > max {
                    out.push(at.fail(format!(
                        "{what} keeps idle sessions for {longest} s (version {version}), above the {max} s limit: an abandoned session stays usable that long."
                    )).evidence(ev));
                } else {
                    out.push(
                        at.pass(format!(
                            "{what} ends idle sessions within {longest} s (limit {max} s)."
                        ))
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
    fn long_idle_session_fails_short_passes_unread_is_unknown() {
        let f = run("AGT-001", &estate_snapshot());
        assert_eq!(status_of(&f, "agent/AGOOD"), Status::Pass);
        assert_eq!(status_of(&f, "agent/ABAD"), Status::Fail);
        assert_eq!(status_of(&f, "agent/AHIDDEN"), Status::Unknown);
    }
}
