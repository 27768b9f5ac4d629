//! Checks of this control, one file per check.
//!
//! The helpers below are shared by the IAM, tenant and CRIS checks: they turn "can this
//! principal invoke models?" into concrete requests for the policy engine. Which
//! requests to ask about is derived from the policies (a probe model no policy names,
//! plus the Bedrock ARNs the principal's Allow statements name); whether they are allowed
//! is always the engine's answer.

pub mod bearer_token_unrestricted;
pub mod bedrock_admin_on_workload;
pub mod bedrock_long_term_api_key;
pub mod bedrock_passrole_escalation;
pub(crate) mod grants;
pub mod invoke_any_model;
pub mod invoke_any_region;
pub mod invoke_by_iam_user;
pub mod invoke_not_tag_scoped;
pub mod model_access_enablement_open;
pub mod service_role_overbroad;
pub mod service_role_shared;
pub mod service_role_trust_unscoped;
pub mod stale_invoker;
#[cfg(test)]
pub mod testkit;
pub mod workload_token_any_identity;

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::checks::Subject;
use crate::checks::context::{AccountView, PrincipalKind, PrincipalView};
use crate::checks::{Draft, EvalContext};
use crate::policy::{
    Labeled, OpenDecision, OpenEffect, PolicySet, Request, ResourceSpec, UnknownKeys,
    evaluate_open, wildcard_match,
};

/// The actions that allow InvokeModel, InvokeModelWithResponseStream, Converse and
/// ConverseStream.
pub const INVOKE_ACTIONS: [&str; 2] = [
    "bedrock:InvokeModel",
    "bedrock:InvokeModelWithResponseStream",
];

/// A model id no policy names: if it is allowed, any model is.
pub const PROBE_MODEL_ID: &str = "perimeter.probe-unlisted-v1:0";

/// The condition key a call through an inference profile carries.
pub const PROFILE_KEY: &str = "bedrock:InferenceProfileArn";

/// A Region outside any plausible allow-list (opened 2025), used to test Region pins.
pub const OUTSIDE_REGION: &str = "ap-southeast-7";

/// `arn:<partition>:bedrock:<region>::foundation-model/<model>` (`region` may be empty for
/// the Region-less ARN global profiles need).
pub fn fm_arn(partition: &str, region: &str, model: &str) -> String {
    format!("arn:{partition}:bedrock:{region}::foundation-model/{model}")
}

/// Regions in scope for an account: the snapshot's Regions, the Regions collected for the
/// account and its Bedrock-active Regions (sorted). Never empty.
pub fn scope_regions(cx: &EvalContext<'_>, acct: &AccountView<'_>) -> Vec<String> {
    let mut set: BTreeSet<String> = cx.snapshot.meta.regions.iter().cloned().collect();
    set.extend(acct.account.regions.keys().cloned());
    set.extend(acct.active_regions.keys().cloned());
    set.retain(|r| crate::config::is_region_name(r));
    if set.is_empty() {
        set.insert("us-east-1".to_string());
    }
    set.into_iter().collect()
}

/// `Allow`, `ConditionalAllow`, `ExplicitDeny` or `ImplicitDeny`.
pub fn open_effect_str(d: &OpenDecision) -> &'static str {
    match d.effect {
        OpenEffect::Allow => "Allow",
        OpenEffect::ConditionalAllow { .. } => "ConditionalAllow",
        OpenEffect::ExplicitDeny => "ExplicitDeny",
        OpenEffect::ImplicitDeny => "ImplicitDeny",
    }
}

/// One invoke request and the engine's open-world answer.
#[derive(Debug, Clone)]
pub struct InvokeProbe {
    /// The `aws:RequestedRegion` of the request (`unspecified` for Region-less ARNs).
    pub region: String,
    pub action: String,
    pub resource: String,
    pub decision: OpenDecision,
}

impl InvokeProbe {
    pub fn allowed(&self) -> bool {
        self.decision.may_allow()
    }
    pub fn to_json(&self) -> Value {
        json!({
            "action": self.action,
            "resource": self.resource,
            "requested_region": self.region,
            "decision": open_effect_str(&self.decision),
            "conditional_keys": self.decision.conditional_keys(),
            "reasons": self.decision.reasons,
        })
    }
}

/// Evaluates both invoke actions on `resource` with `aws:RequestedRegion = region` (plus
/// `extra` context) for `p`, open-world (context keys perimeter cannot know are
/// unknown; for a direct foundation-model call `bedrock:InferenceProfileArn` is known to
/// be absent unless `extra` sets it). Returns the most permissive answer: unconditional allow, then conditional
/// allow, then the first action's denial.
pub fn probe_invoke(
    cx: &EvalContext<'_>,
    acct: &AccountView<'_>,
    p: &PrincipalView,
    set: &PolicySet<'_>,
    resource: &str,
    region: &str,
    extra: &[(&str, &str)],
) -> InvokeProbe {
    let mut best: Option<InvokeProbe> = None;
    for action in INVOKE_ACTIONS {
        let mut req = cx.request(acct, p, action, resource, Some(region));
        for (k, v) in extra {
            req.context.insert(k, *v);
        }
        // A direct call on a foundation model carries no bedrock:InferenceProfileArn:
        // grants bound to a profile do not make the model directly invocable.
        let direct = resource.contains(":foundation-model/")
            && !extra
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case(PROFILE_KEY));
        let d = if direct {
            decide_with_absent(set, &req, PROFILE_KEY)
        } else {
            cx.decide_open(set, &req)
        };
        let rank = |d: &OpenDecision| match d.effect {
            OpenEffect::Allow => 2,
            OpenEffect::ConditionalAllow { .. } => 1,
            _ => 0,
        };
        let better = best.as_ref().is_none_or(|b| rank(&d) > rank(&b.decision));
        if better {
            best = Some(InvokeProbe {
                region: region.to_string(),
                action: action.to_string(),
                resource: resource.to_string(),
                decision: d,
            });
        }
        if best
            .as_ref()
            .is_some_and(|b| b.decision.is_allowed_unconditionally())
        {
            break;
        }
    }
    best.unwrap_or_else(|| unreachable_probe(resource, region))
}

fn unreachable_probe(resource: &str, region: &str) -> InvokeProbe {
    InvokeProbe {
        region: region.to_string(),
        action: INVOKE_ACTIONS[0].to_string(),
        resource: resource.to_string(),
        decision: OpenDecision {
            effect: OpenEffect::ImplicitDeny,
            reasons: Vec::new(),
        },
    }
}

/// Concrete (requested Region, resource ARN) pairs to ask about for "can `p` invoke
/// anything": the probe model in each Region, and each Bedrock ARN pattern its Allow
/// statements name for an invoke action, made concrete (wildcard Regions expanded over
/// `regions`, other wildcards filled in).
pub fn invoke_candidates(
    acct: &AccountView<'_>,
    p: &PrincipalView,
    regions: &[String],
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = regions
        .iter()
        .map(|r| (r.clone(), fm_arn(&acct.partition, r, PROBE_MODEL_ID)))
        .collect();
    for n in &p.identity {
        for st in n.policy.statements() {
            if st.effect != crate::policy::Effect::Allow {
                continue;
            }
            if !INVOKE_ACTIONS.iter().any(|a| st.action.matches(a)) {
                continue;
            }
            if let Some(ResourceSpec::Resource(pats)) = &st.resource {
                for pat in pats {
                    for c in concretize(&pat.raw, &acct.partition, &acct.account.id, regions) {
                        if !out.contains(&c) {
                            out.push(c);
                        }
                    }
                }
            }
        }
    }
    out
}

/// Makes a Bedrock ARN pattern concrete. Empty for non-Bedrock patterns, patterns with
/// policy variables, and patterns whose resource type is itself a wildcard (the probe
/// model covers those).
pub fn concretize(
    raw: &str,
    partition: &str,
    account: &str,
    regions: &[String],
) -> Vec<(String, String)> {
    if raw.contains("${") {
        return Vec::new();
    }
    let parts: Vec<&str> = raw.splitn(6, ':').collect();
    if parts.len() != 6 || parts[0] != "arn" || !wildcard_match(parts[2], "bedrock") {
        return Vec::new();
    }
    let kinds = [
        "foundation-model/",
        "inference-profile/",
        "application-inference-profile/",
        "provisioned-model/",
        "custom-model/",
        "imported-model/",
        "prompt-router/",
    ];
    if !kinds.iter().any(|k| parts[5].starts_with(k)) {
        return Vec::new();
    }
    let res = parts[5].replace(['*', '?'], "x");
    let part = if parts[1].contains(['*', '?']) {
        partition.to_string()
    } else {
        parts[1].to_string()
    };
    let acc = if parts[4].contains(['*', '?']) {
        account.to_string()
    } else {
        parts[4].to_string()
    };
    if parts[3].is_empty() {
        return vec![(
            "unspecified".to_string(),
            format!("arn:{part}:bedrock::{acc}:{res}"),
        )];
    }
    let rs: Vec<String> = if parts[3].contains(['*', '?']) {
        regions
            .iter()
            .filter(|r| wildcard_match(parts[3], r))
            .cloned()
            .collect()
    } else {
        vec![parts[3].to_string()]
    };
    rs.into_iter()
        .map(|r| {
            let arn = format!("arn:{part}:bedrock:{r}:{acc}:{res}");
            (r, arn)
        })
        .collect()
}

/// The first invoke request `p` may make (open-world), trying the candidates in order.
pub fn can_invoke(
    cx: &EvalContext<'_>,
    acct: &AccountView<'_>,
    p: &PrincipalView,
    with_scps: bool,
) -> Option<InvokeProbe> {
    let key = (
        std::ptr::from_ref(acct) as usize,
        std::ptr::from_ref(p) as usize,
        with_scps,
    );
    // A poisoned lock only means another check panicked; the answers in it stay valid.
    let answers = || {
        cx.invoke_answers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    // Only views that live in the context (as every check's do) are cached by address: one
    // built on the spot could share an address with another later.
    let cacheable = cx
        .accounts
        .as_ptr_range()
        .contains(&std::ptr::from_ref(acct))
        && acct
            .principals
            .as_ptr_range()
            .contains(&std::ptr::from_ref(p));
    let known = if cacheable {
        answers().get(&key).copied()
    } else {
        None
    };
    // The cache holds which candidate was allowed, not the probe: the probe (its decision
    // and reasons) is asked again of that one candidate, which is cheap, while holding every
    // principal's probe took more memory than the rest of the context.
    if known == Some(None) {
        return None;
    }
    let regions = scope_regions(cx, acct);
    let set = cx.policy_set(acct, p, with_scps);
    let candidates = invoke_candidates(acct, p, &regions);
    if let Some(Some(i)) = known
        && let Some((region, res)) = candidates.get(i as usize)
    {
        return Some(probe_invoke(cx, acct, p, &set, res, region, &[]));
    }
    let found = candidates
        .iter()
        .enumerate()
        .map(|(i, (region, res))| (i, probe_invoke(cx, acct, p, &set, res, region, &[])))
        .find(|(_, probe)| probe.allowed());
    if cacheable {
        answers().insert(key, found.as_ref().map(|(i, _)| *i as u32));
    }
    found.map(|(_, probe)| probe)
}

/// The principals `keep` selects that can invoke a model (SCPs included), each with the
/// probe that shows it; one whose unreadable policies leave that open gets its `unknown`
/// in `out` instead.
pub fn invokers<'a>(
    cx: &EvalContext<'_>,
    acct: &'a AccountView<'_>,
    keep: fn(&PrincipalView<'_>) -> bool,
    out: &mut Vec<Draft>,
) -> Vec<(&'a PrincipalView<'a>, InvokeProbe)> {
    let mut found = Vec::new();
    for p in acct.principals.iter().filter(|p| keep(p)) {
        match can_invoke(cx, acct, p, true) {
            Some(probe) => found.push((p, probe)),
            None => out.extend(undecided_invoker(cx, acct, p)),
        }
    }
    found
}

/// Every condition key any statement of the set mentions (lowercased).
pub fn mentioned_keys(set: &PolicySet<'_>) -> Vec<String> {
    let mut keys = BTreeSet::new();
    let mut add = |l: &crate::policy::Labeled<'_>| {
        for st in l.policy.statements() {
            for c in &st.condition {
                for k in c.keys() {
                    keys.insert(k.to_lowercase());
                }
            }
        }
    };
    set.identity.iter().for_each(&mut add);
    if let Some(b) = &set.permissions_boundary {
        b.iter().for_each(&mut add);
    }
    if let Some(levels) = &set.scp {
        levels.iter().flatten().for_each(&mut add);
    }
    set.resource.iter().for_each(&mut add);
    if let Some(e) = &set.vpc_endpoint {
        e.iter().for_each(&mut add);
    }
    keys.into_iter().collect()
}

/// Open-world decision with `absent` known to be absent from the context: every other
/// key the policies mention and the request does not carry stays unknown.
pub fn decide_with_absent(set: &PolicySet<'_>, req: &Request, absent: &str) -> OpenDecision {
    let mut req = req.clone();
    req.context.remove(absent);
    let unknown: Vec<String> = mentioned_keys(set)
        .into_iter()
        .filter(|k| !k.eq_ignore_ascii_case(absent) && !req.context.contains_key(k))
        .collect();
    evaluate_open(set, &req, &UnknownKeys::Listed(unknown))
}

/// Short description of a principal for evidence.
pub fn principal_json(p: &PrincipalView) -> Value {
    json!({
        "arn": p.arn,
        "kind": match p.kind { PrincipalKind::Role => "role", PrincipalKind::User => "user" },
        "is_admin": p.is_admin,
        "tags": p.tags,
    })
}

/// For a principal that does not appear able to invoke: `unknown` when some of its
/// policies could not be read or parsed (the missing one may be the grant), else `None`.
pub fn undecided_invoker(
    cx: &EvalContext<'_>,
    acct: &AccountView<'_>,
    p: &crate::checks::context::PrincipalView,
) -> Option<Draft> {
    if p.unparsed.is_empty() {
        return None;
    }
    let id = &acct.account.id;
    let names: Vec<&str> = p.unparsed.iter().map(|(l, _)| l.as_str()).collect();
    Some(
        Subject::new(id, None, &p.arn).unknown(format!(
                "Whether {} can invoke models is not known: policies {} could not be read.",
                p.arn,
                names.join(", ")
            ))
        .evidence(serde_json::json!({
            "unparsed_policies": p.unparsed.iter().map(|(l, e)| serde_json::json!({"policy": l, "error": e})).collect::<Vec<_>>(),
            "gaps": cx.gap_evidence(id, None, "iam")["gaps"],
        })),
    )
}

/// Evidence about the SCP chain's availability.
pub fn scp_note(acct: &AccountView<'_>) -> &'static str {
    match (&acct.scps, acct.scps_known) {
        (Some(_), _) => "evaluated",
        (None, true) => "not governed by SCPs",
        (None, false) => {
            "unknown (the SCP chain could not be read; identity policies and boundary only)"
        }
    }
}

/// The SCP chain as engine input, `None` when the account is not governed (or the
/// management account, which SCPs do not restrict).
pub fn scp_levels<'a>(
    cx: &EvalContext<'_>,
    acct: &'a AccountView<'_>,
) -> Option<Vec<Vec<Labeled<'a>>>> {
    if is_management(cx, &acct.account.id) {
        return None;
    }
    acct.scps.as_ref().map(|levels| {
        levels
            .iter()
            .map(|l| {
                l.iter()
                    .map(|n| Labeled {
                        label: n.label.clone(),
                        policy: &n.policy,
                    })
                    .collect()
            })
            .collect()
    })
}

/// True when `account` is the organization's management account.
pub fn is_management(cx: &EvalContext<'_>, account: &str) -> bool {
    cx.snapshot
        .organization
        .as_ref()
        .is_some_and(|o| o.management_account_id == account)
}
