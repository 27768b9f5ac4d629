//! Access questions the logging and guardrail checks ask the policy engine: "can this
//! principal invoke a model in this Region (with or without a guardrail)?" and "can it
//! read this object / log group?".
//!
//! Conditions on keys that depend on the individual request (network path, time, MFA,
//! the guardrail or profile named in the call...) are left open: the engine answers
//! whether the request is allowed for *some* value of them. Keys about the principal
//! itself (ARN, account, tags) are known and decided as given.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::checks::EvalContext;
use crate::checks::context::{AccountView, PrincipalView};
use crate::policy::{Effect, OpenDecision, Policy, PolicySet, ResourceSpec};

/// Lowercased prefixes of the request-time condition keys.
const REQUEST_TIME_PREFIXES: &[&str] = &[
    "aws:sourcevpce",
    "aws:sourcevpc",
    "aws:sourceip",
    "aws:vpcsourceip",
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourceidentity",
    "aws:currenttime",
    "aws:epochtime",
    "aws:multifactorauth",
    "aws:securetransport",
    "aws:calledvia",
    "aws:viaawsservice",
    "aws:tokenissuetime",
    "aws:useragent",
    "aws:referer",
    "aws:userid",
    "aws:requesttag/",
    "aws:tagkeys",
    "aws:resourcetag/",
    "aws:federatedprovider",
    "aws:ec2instancesourcevpc",
    "aws:ec2instancesourceprivateipv4",
    "bedrock:",
    "s3:",
    "kms:",
    "logs:",
];

/// The request-time condition keys used anywhere in the policy set (lowercased),
/// except those in `closed` (which are decided as the request gives them).
pub fn open_keys(set: &PolicySet<'_>, closed: &[&str]) -> Vec<String> {
    let mut keys = BTreeSet::new();
    let mut visit = |p: &Policy| {
        for s in p.statements() {
            for c in &s.condition {
                for k in c.keys() {
                    let lk = k.to_ascii_lowercase();
                    let request_time = REQUEST_TIME_PREFIXES
                        .iter()
                        .any(|pre| lk.starts_with(&pre.to_ascii_lowercase()));
                    if request_time && !closed.iter().any(|c| c.eq_ignore_ascii_case(&lk)) {
                        keys.insert(lk);
                    }
                }
            }
        }
    };
    for l in &set.identity {
        visit(l.policy);
    }
    for l in set.permissions_boundary.iter().flatten() {
        visit(l.policy);
    }
    for level in set.scp.iter().flatten() {
        for l in level {
            visit(l.policy);
        }
    }
    for l in &set.resource {
        visit(l.policy);
    }
    for l in set.vpc_endpoint.iter().flatten() {
        visit(l.policy);
    }
    keys.into_iter().collect()
}

/// An engine answer used as evidence: the request and the deciding statements.
pub fn decision_json(action: &str, resource: &str, d: &OpenDecision) -> Value {
    json!({
        "action": action,
        "resource": resource,
        "effect": match &d.effect {
            crate::policy::OpenEffect::Allow => "Allow",
            crate::policy::OpenEffect::ConditionalAllow { .. } => "ConditionalAllow",
            crate::policy::OpenEffect::ExplicitDeny => "ExplicitDeny",
            crate::policy::OpenEffect::ImplicitDeny => "ImplicitDeny",
        },
        "conditional_keys": d.conditional_keys(),
        "reasons": serde_json::to_value(&d.reasons).unwrap_or(Value::Null),
    })
}

/// The invoke actions (Converse and ConverseStream are authorised as these).
pub const INVOKE_ACTIONS: &[&str] = &[
    "bedrock:InvokeModel",
    "bedrock:InvokeModelWithResponseStream",
];

/// Model and profile ARNs to ask about in `region`: a probe foundation model (stands for
/// "any model") and each invocable Bedrock resource named in the principal's Allow
/// statements, wildcards filled in. The engine decides each.
pub fn invoke_witnesses(acct: &AccountView<'_>, p: &PrincipalView, region: &str) -> Vec<String> {
    let part = &acct.partition;
    let mut out: BTreeSet<String> = BTreeSet::new();
    let probe = format!("arn:{part}:bedrock:{region}::foundation-model/perimeter.probe-model-v1:0");
    for n in &p.identity {
        for s in n.policy.statements() {
            if s.effect != Effect::Allow || !INVOKE_ACTIONS.iter().any(|a| s.matches_action(a)) {
                continue;
            }
            let Some(ResourceSpec::Resource(rs)) = &s.resource else {
                continue;
            };
            for r in rs {
                if let Some(w) = instantiate(&r.raw, part, &acct.account.id, region) {
                    out.insert(w);
                }
            }
        }
    }
    let mut v = vec![probe];
    v.extend(out);
    v
}

/// A concrete ARN in `region` matching a Bedrock ARN pattern, or `None` when the
/// pattern is not about an invocable Bedrock resource of that Region.
fn instantiate(raw: &str, partition: &str, account: &str, region: &str) -> Option<String> {
    let parts: Vec<&str> = raw.splitn(6, ':').collect();
    if parts.len() != 6 || parts[0] != "arn" {
        return None;
    }
    if !crate::policy::wildcard_match(parts[2], "bedrock") {
        return None;
    }
    let reg = parts[3];
    if reg.is_empty() || !crate::policy::wildcard_match(reg, region) {
        // Region-less ARNs (global CRIS) and other Regions are other questions.
        return None;
    }
    let fill = |s: &str| s.replace(['*', '?'], "x");
    let res = parts[5];
    let (kind, rest) = res.split_once('/').unwrap_or((res, "x"));
    const INVOCABLE: &[&str] = &[
        "foundation-model",
        "inference-profile",
        "application-inference-profile",
        "custom-model",
        "provisioned-model",
        "imported-model",
        "prompt-router",
        "default-prompt-router",
        "custom-model-deployment",
    ];
    let kind = if INVOCABLE.contains(&kind) {
        kind
    } else if kind.contains(['*', '?']) {
        "foundation-model"
    } else {
        return None;
    };
    let acc = if kind == "foundation-model" {
        String::new()
    } else if parts[4].is_empty() || parts[4].contains(['*', '?']) {
        account.to_string()
    } else {
        parts[4].to_string()
    };
    Some(format!(
        "arn:{partition}:bedrock:{region}:{acc}:{kind}/{}",
        fill(rest)
    ))
}

/// May `p` invoke some model in one given `region`, for some value of the condition keys
/// the request leaves open? With `without_guardrail`, the request names no guardrail
/// (`bedrock:GuardrailIdentifier` absent); otherwise that key is open too. Returns the
/// first witness the engine allows. (The IAM checks' [`crate::checks::iam::can_invoke`]
/// asks the account-wide question: any Region in scope, with its own probe evidence.)
pub fn may_invoke_in(
    cx: &EvalContext<'_>,
    acct: &AccountView<'_>,
    p: &PrincipalView,
    region: &str,
    without_guardrail: bool,
) -> Option<Value> {
    let set = cx.policy_set(acct, p, true);
    let closed: &[&str] = if without_guardrail {
        &["bedrock:guardrailidentifier"]
    } else {
        &[]
    };
    let keys = open_keys(&set, closed);
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    for w in invoke_witnesses(acct, p, region) {
        for action in INVOKE_ACTIONS {
            let req = cx.request(acct, p, action, &w, Some(region));
            let d = cx.decide_open_keys(&set, &req, &keys);
            if d.may_allow() {
                return Some(decision_json(action, &w, &d));
            }
        }
    }
    None
}
