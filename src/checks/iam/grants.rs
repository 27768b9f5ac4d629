//! Engine questions the estate checks (IAM-009 … IAM-014) share: "may this principal do
//! this action on this (synthetic) resource, for some value of the keys perimeter cannot
//! know?", asked once per question with identity, boundary and the SCP chain.

use serde_json::{Value, json};

use crate::checks::EvalContext;
use crate::checks::context::{AccountView, PrincipalView};
use crate::checks::network::open_json;
use crate::policy::OpenDecision;

/// One question: `action` on `resource`, in `region`, with `extra` context.
#[derive(Debug, Clone)]
pub(crate) struct Ask<'a> {
    pub action: &'a str,
    pub resource: String,
    pub extra: Vec<(&'a str, String)>,
}

impl<'a> Ask<'a> {
    pub fn new(action: &'a str, resource: impl Into<String>) -> Ask<'a> {
        Ask {
            action,
            resource: resource.into(),
            extra: Vec::new(),
        }
    }
    pub fn with(mut self, key: &'a str, value: impl Into<String>) -> Ask<'a> {
        self.extra.push((key, value.into()));
        self
    }
}

/// The engine's open-world answer to `ask` for `p` (SCPs included).
pub(crate) fn decide(
    cx: &EvalContext<'_>,
    acct: &AccountView<'_>,
    p: &PrincipalView,
    region: &str,
    ask: &Ask<'_>,
) -> OpenDecision {
    let set = cx.policy_set(acct, p, true);
    let mut req = cx.request(acct, p, ask.action, &ask.resource, Some(region));
    for (k, v) in &ask.extra {
        req.context.insert(k, v.clone());
    }
    cx.decide_open(&set, &req)
}

/// The questions among `asks` the engine may allow, each with its decision as evidence.
pub(crate) fn allowed(
    cx: &EvalContext<'_>,
    acct: &AccountView<'_>,
    p: &PrincipalView,
    region: &str,
    asks: &[Ask<'_>],
) -> Vec<Value> {
    asks.iter()
        .filter_map(|a| {
            let d = decide(cx, acct, p, region, a);
            d.may_allow().then(|| {
                json!({
                    "action": a.action,
                    "resource": a.resource,
                    "context": a.extra.iter().map(|(k, v)| json!({"key": k, "value": v})).collect::<Vec<_>>(),
                    "decision": open_json(&d),
                })
            })
        })
        .collect()
}

/// The first of `asks` the engine may allow (as [`allowed`], stopping there).
pub(crate) fn first_allowed(
    cx: &EvalContext<'_>,
    acct: &AccountView<'_>,
    p: &PrincipalView,
    region: &str,
    asks: &[Ask<'_>],
) -> Vec<Value> {
    asks.iter()
        .find_map(|a| allowed(cx, acct, p, region, std::slice::from_ref(a)).pop())
        .into_iter()
        .collect()
}

/// The Region a principal's estate questions are asked in: the first Region in scope.
pub(crate) fn home_region(cx: &EvalContext<'_>, acct: &AccountView<'_>) -> String {
    super::scope_regions(cx, acct)
        .into_iter()
        .next()
        .unwrap_or_else(|| "us-east-1".into())
}

/// The findings of a "which non-administrators may do this" check: a `fail` per principal
/// `judge` convicts (its message, evidence and severity), an `unknown` per principal with
/// unreadable policies it did not convict, and one account-wide `pass` when nobody was
/// convicted or left undecided.
pub(crate) fn non_admin_findings(
    cx: &EvalContext<'_>,
    acct: &AccountView<'_>,
    mut judge: impl FnMut(&PrincipalView) -> Option<crate::checks::Draft>,
    pass_message: &str,
) -> Vec<crate::checks::Draft> {
    let mut out = Vec::new();
    let mut undecided = false;
    for p in acct.principals.iter().filter(|p| p.is_workload()) {
        match judge(p) {
            Some(d) => out.push(d),
            None if !p.unparsed.is_empty() => {
                undecided = true;
                out.push(
                    acct.at(None, &p.arn)
                        .unknown(format!(
                            "Some policies of {} could not be read, so whether it can do this is not known.",
                            p.arn
                        ))
                        .evidence(cx.with_gaps(json!({"principal": p.arn}), &acct.account.id, None, "iam")),
                );
            }
            None => {}
        }
    }
    if out.is_empty() && !undecided {
        out.push(
            acct.at(None, acct.root_arn())
                .pass(pass_message.to_string()),
        );
    }
    out
}
