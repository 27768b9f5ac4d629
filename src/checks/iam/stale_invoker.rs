//! IAM-007 stale-invoker: a principal that can invoke models has not been used for N days.

use serde_json::json;

use super::{invokers, principal_json};
use crate::checks::context::PrincipalKind;
use crate::checks::{Check, Draft, EvalContext, Severity};

#[derive(Debug)]
pub struct StaleInvoker;

impl Check for StaleInvoker {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        let limit = i64::from(cx.config.stale_days);
        for acct in &cx.accounts {
            for (p, probe) in invokers(cx, acct, |p| !p.is_service_linked, &mut out) {
                let at = acct.at(None, &p.arn);
                let what = match p.kind {
                    PrincipalKind::Role => "last used",
                    PrincipalKind::User => "last signed in (console password)",
                };
                let evidence = json!({
                    "principal": principal_json(p),
                    "last_used": p.last_used,
                    "created": p.created,
                    "stale_days": limit,
                    "now": cx.now.map(|n| n.to_string()),
                    "invoke_decision": probe.to_json(),
                    "note": if p.kind == PrincipalKind::User { "access-key use is not part of the snapshot; users are judged by console sign-in" } else { "" },
                });
                let since_used = p.last_used.as_deref().and_then(|t| cx.days_since(t));
                let since_created = p.created.as_deref().and_then(|t| cx.days_since(t));
                let draft = match (since_used, since_created) {
                    (Some(d), _) if d > limit => at.fail(format!(
                            "{} can invoke models but was {what} {d} days ago (limit {limit}).",
                            p.arn
                        )),
                    (Some(d), _) => at.pass(format!("{} can invoke models and was {what} {d} days ago.", p.arn)),
                    (None, Some(c)) if p.last_used.is_none() && c > limit => at.fail(format!(
                            "{} can invoke models and has never been used since it was created {c} days ago (limit {limit}).",
                            p.arn
                        )),
                    (None, Some(c)) if p.last_used.is_none() => at.pass(format!(
                            "{} can invoke models; it was created {c} days ago and not used yet.",
                            p.arn
                        )),
                    _ => at.unknown(format!(
                            "{} can invoke models but when it was last used is unknown.",
                            p.arn
                        )),
                };
                let draft = draft.evidence(evidence);
                out.push(if p.is_audit_role {
                    draft.severity(Severity::Info)
                } else {
                    draft
                });
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

    fn invoke() -> serde_json::Value {
        json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:InvokeModel","Resource":"*"}]})
    }

    #[test]
    fn stale_never_used_fresh_and_unknown() {
        let mut old = role("old", invoke());
        old.last_used = Some("2026-01-15T00:00:00Z".into());
        let mut never = role("never", invoke());
        never.last_used = None;
        never.created = Some("2025-06-01T00:00:00Z".into());
        let fresh = role("fresh", invoke());
        let mut blank = role("blank", invoke());
        blank.last_used = None;
        blank.created = None;
        let snap = snapshot(vec![with_roles(vec![old, never, fresh, blank])]);
        let f = run("IAM-007", &snap);
        let get = |n: &str| f.iter().find(|x| x.resource == role_arn(n)).unwrap();
        assert_eq!(get("old").status, Status::Fail);
        assert!(get("old").message.contains("days ago"));
        assert_eq!(get("never").status, Status::Fail);
        assert!(get("never").message.contains("never been used"));
        assert_eq!(get("fresh").status, Status::Pass);
        assert_eq!(get("blank").status, Status::Unknown);
    }
}
