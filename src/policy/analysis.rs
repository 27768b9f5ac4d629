//! Analysis over the AST: open-world (three-valued) evaluation, the Regions an SCP chain
//! denies, and bulk "which actions are allowed" questions.
//!
//! Open-world evaluation treats some context keys as unknown: any condition on an unknown
//! key (or resource/value using it as a variable) is `Unknown`, and the layers are combined
//! with Kleene logic. The result is `Allow` only if the request is allowed whatever values
//! the unknown keys take, `ImplicitDeny`/`ExplicitDeny` if it is denied whatever they
//! take, and `ConditionalAllow` otherwise (a safe over-approximation: "allowed for some
//! values of these keys, as far as the engine can tell").

use serde::Serialize;

use super::ast::Effect;
use super::condition::Tri;
use super::context::{Context, Request, UnknownKeys};
use super::eval::{
    Decision, DecisionEffect, Evaluator, Labeled, Layers, PolicySet, Reason, decide,
    hit_reason_pub, missing_reasons, run,
};

/// The outcome of open-world evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum OpenEffect {
    /// Allowed whatever the unknown keys are.
    Allow,
    /// Allowed for some values of the listed (lowercased) unknown keys.
    ConditionalAllow { keys: Vec<String> },
    /// Denied by an explicit deny whatever the unknown keys are.
    ExplicitDeny,
    /// Not allowed whatever the unknown keys are.
    ImplicitDeny,
}

/// An open-world decision with reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenDecision {
    pub effect: OpenEffect,
    pub reasons: Vec<Reason>,
}

impl OpenDecision {
    /// Allowed whatever the unknown keys are.
    pub fn is_allowed_unconditionally(&self) -> bool {
        self.effect == OpenEffect::Allow
    }
    /// Allowed for at least some values of the unknown keys.
    pub fn may_allow(&self) -> bool {
        matches!(
            self.effect,
            OpenEffect::Allow | OpenEffect::ConditionalAllow { .. }
        )
    }
    /// The unknown keys the allow depends on (empty unless `ConditionalAllow`).
    pub fn conditional_keys(&self) -> &[String] {
        match &self.effect {
            OpenEffect::ConditionalAllow { keys } => keys,
            _ => &[],
        }
    }
}

/// Evaluates with some context keys unknown.
pub fn evaluate_open(set: &PolicySet<'_>, req: &Request, unknown: &UnknownKeys) -> OpenDecision {
    let layers = Layers::of(set);
    let ev = Evaluator::new(req, Some(unknown));
    let o = run(&layers, &ev, true);
    if o.deny == Tri::True {
        let d = decide(&layers, req, &o);
        return OpenDecision {
            effect: OpenEffect::ExplicitDeny,
            reasons: d.reasons,
        };
    }
    match o.fin {
        Tri::True => {
            let d = decide(&layers, req, &o);
            OpenDecision {
                effect: OpenEffect::Allow,
                reasons: d.reasons,
            }
        }
        Tri::False => {
            let mut reasons = missing_reasons(&layers, &o);
            reasons.extend(
                o.hits
                    .iter()
                    .filter(|h| h.effect == Effect::Allow)
                    .map(|h| hit_reason_pub(&layers, req, h, effect_label(h.effect, h.tri))),
            );
            OpenDecision {
                effect: OpenEffect::ImplicitDeny,
                reasons,
            }
        }
        Tri::Unknown => {
            let mut keys = Vec::new();
            let mut reasons = Vec::new();
            for h in &o.hits {
                let s = &layers.policies(h.layer)[h.policy].policy.statements()[h.stmt];
                if h.tri == Tri::Unknown {
                    ev.unknown_keys_of(s, &mut keys);
                }
                reasons.push(hit_reason_pub(
                    &layers,
                    req,
                    h,
                    effect_label(h.effect, h.tri),
                ));
            }
            // the layers that lack a definite allow come first
            let mut missing = missing_reasons(&layers, &o);
            for r in &mut missing {
                r.effect = "ConditionalAllow".into();
                r.detail = format!(
                    "{} unless the unknown context keys take suitable values",
                    r.detail
                );
            }
            missing.extend(reasons);
            OpenDecision {
                effect: OpenEffect::ConditionalAllow { keys },
                reasons: missing,
            }
        }
    }
}

fn effect_label(e: Effect, t: Tri) -> &'static str {
    match (e, t) {
        (Effect::Allow, Tri::True) => "Allow",
        (Effect::Deny, Tri::True) => "Deny",
        (Effect::Allow, _) => "ConditionalAllow",
        (Effect::Deny, _) => "ConditionalDeny",
    }
}

/// Evaluates only the SCP chain (root → OUs → account): `Allow` means the SCPs permit the
/// request (identity and resource policies are not consulted).
pub fn evaluate_scp(scp: &[Vec<Labeled<'_>>], req: &Request) -> Decision {
    let layers = Layers {
        identity: &[],
        boundary: None,
        scp: Some(scp),
        resource: &[],
        endpoint: None,
        semantics: None,
    };
    let ev = Evaluator::new(req, None);
    let o = run(&layers, &ev, false);
    decide(&layers, req, &o)
}

/// Whether an SCP chain denies a request in one Region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegionVerdict {
    pub region: String,
    pub denied: bool,
    pub effect: DecisionEffect,
    /// The deciding SCP level (the first level with a matching deny, or without an allow).
    pub level: Option<usize>,
    pub reasons: Vec<Reason>,
}

/// For each Region, evaluates `action` on `resource_for_region(region)` through the SCP
/// chain with `aws:RequestedRegion` = the Region (plus `extra_context`, e.g.
/// `bedrock:InferenceProfileArn` for a cross-Region inference hop, or `aws:PrincipalArn`).
/// For a global inference profile pass the Region `"unspecified"`.
pub fn scp_denied_regions(
    scp: &[Vec<Labeled<'_>>],
    action: &str,
    resource_for_region: impl Fn(&str) -> String,
    regions: &[&str],
    extra_context: &Context,
) -> Vec<RegionVerdict> {
    let principal = extra_context
        .get("aws:PrincipalArn")
        .and_then(|v| v.first())
        .cloned()
        .unwrap_or_default();
    regions
        .iter()
        .map(|region| {
            let mut ctx = extra_context.clone();
            ctx.insert("aws:RequestedRegion", *region);
            let req = Request {
                principal: principal.clone(),
                action: action.to_string(),
                resource: resource_for_region(region),
                resource_account: None,
                context: ctx,
                principal_is_service_linked_role: false,
            };
            let d = evaluate_scp(scp, &req);
            let level = d.reasons.iter().find_map(|r| {
                r.layer
                    .strip_prefix("scp level ")
                    .and_then(|n| n.parse::<usize>().ok())
                    .filter(|_| r.effect != "Allow")
            });
            RegionVerdict {
                region: region.to_string(),
                denied: d.effect != DecisionEffect::Allow,
                effect: d.effect,
                level,
                reasons: d.reasons,
            }
        })
        .collect()
}

/// One (action, resource) answer of [`allowed_actions`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionVerdict {
    pub action: String,
    pub resource: String,
    pub decision: OpenDecision,
}

/// For a principal's policy set, which of `actions` on which of `resources` are allowed,
/// and under which unknown keys.
pub fn allowed_actions(
    set: &PolicySet<'_>,
    principal: &str,
    actions: &[&str],
    resources: &[&str],
    context: &Context,
    unknown: &UnknownKeys,
) -> Vec<ActionVerdict> {
    let mut out = Vec::with_capacity(actions.len() * resources.len());
    for a in actions {
        for r in resources {
            let req = Request {
                principal: principal.to_string(),
                action: a.to_string(),
                resource: r.to_string(),
                resource_account: None,
                context: context.clone(),
                principal_is_service_linked_role: false,
            };
            out.push(ActionVerdict {
                action: a.to_string(),
                resource: r.to_string(),
                decision: evaluate_open(set, &req, unknown),
            });
        }
    }
    out
}
