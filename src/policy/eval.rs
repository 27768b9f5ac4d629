//! The decision: AWS's policy evaluation logic over identity policies, permissions
//! boundaries, the SCP chain, resource policies (including KMS key policies and role trust
//! policies) and VPC endpoint policies.
//!
//! Rules implemented (see the AWS IAM "policy evaluation logic" documentation):
//! * An explicit `Deny` in any applicable policy wins (SCP denies do not apply to
//!   service-linked roles).
//! * A `Deny` with `NotPrincipal` in a resource-based (or VPC endpoint) policy applies to
//!   every principal that has a permissions boundary, whatever `NotPrincipal` names
//!   ("The NotPrincipal element with a Deny effect will always deny any IAM principal that
//!   has a permissions boundary policy attached, regardless of the values specified in the
//!   NotPrincipal element", IAM User Guide). The principal has a boundary when
//!   `permissions_boundary` is `Some` and not empty.
//! * SCPs (`scp: Some(levels)`, root → OUs → account): every level must have a matching
//!   `Allow`; an empty level allows nothing. Service-linked roles are exempt ("SCPs don't
//!   affect service-linked roles"), and so are they from a permissions boundary ("You
//!   cannot set the boundary for a service-linked role", PutRolePermissionsBoundary). SCPs
//!   never apply to the management account: a caller leaves `scp` out for it.
//! * VPC endpoint policies (`vpc_endpoint: Some(..)`): must allow too.
//! * Same account (or an account-less resource): an allow from the identity policies
//!   (intersected with the permissions boundary, if any) or from the resource policy
//!   suffices. A resource-policy allow that names the exact principal (user ARN,
//!   assumed-role session ARN, service, federated principal) or is the wildcard `*` is
//!   not limited by the boundary; one that matches via a role ARN or `NotPrincipal` is;
//!   one that names only the principal's account (`:root` / account id) delegates to the
//!   account's IAM policies and grants nothing by itself.
//! * Cross-account: the identity side (∩ boundary) and the resource policy must both allow.
//! * KMS key policies and role trust policies must allow even in the same account: either
//!   directly (exact principal, role, `*`) or by delegating to the account, in which case
//!   an identity-based allow is required as well.

use serde::Serialize;

use super::Policy;
use super::arn::split_arn;
use super::arn::{ResourceArnPattern, Segments};
use super::ast::{
    Effect, PrincipalMatch, PrincipalSpec, ResKind, ResourcePattern, ResourceSpec, Statement,
    compile_resource, resource_kind_matches,
};
use super::condition::Tri;
use super::context::{Lookup, Request, UnknownKeys};
use super::vars::Resolved;

/// A policy with the caller's stable label (e.g. `identity[0]`, `scp[1][0]`).
#[derive(Debug, Clone)]
pub struct Labeled<'a> {
    pub label: String,
    pub policy: &'a Policy,
}

impl<'a> Labeled<'a> {
    pub fn new(label: impl Into<String>, policy: &'a Policy) -> Labeled<'a> {
        Labeled {
            label: label.into(),
            policy,
        }
    }
}

/// Special resource-policy semantics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ServiceSemantics {
    /// The resource policy is a KMS key policy.
    KmsKeyPolicy,
    /// The resource policy is a role trust policy.
    IamRoleTrustPolicy,
}

impl ServiceSemantics {
    /// `"kms_key_policy"` / `"iam_role_trust_policy"`.
    pub fn from_name(s: &str) -> Option<ServiceSemantics> {
        match s {
            "kms_key_policy" => Some(ServiceSemantics::KmsKeyPolicy),
            "iam_role_trust_policy" => Some(ServiceSemantics::IamRoleTrustPolicy),
            _ => None,
        }
    }

    /// Infers the semantics from the request: a KMS key ARN, or `sts:AssumeRole*` on a
    /// role ARN.
    pub fn infer(req: &Request) -> Option<ServiceSemantics> {
        let parts = split_arn(&req.resource)?;
        if parts[2] == "kms" && parts[5].starts_with("key/") {
            return Some(ServiceSemantics::KmsKeyPolicy);
        }
        let a = req.action.as_bytes();
        if a.len() >= 14
            && a[..14].eq_ignore_ascii_case(b"sts:assumerole")
            && parts[2] == "iam"
            && parts[5].starts_with("role/")
        {
            return Some(ServiceSemantics::IamRoleTrustPolicy);
        }
        None
    }
}

/// Every policy that applies to a request.
#[derive(Debug, Clone, Default)]
pub struct PolicySet<'a> {
    pub identity: Vec<Labeled<'a>>,
    /// `None` = no permissions boundary. `Some` and non-empty also means the principal
    /// "has a permissions boundary" for the `Deny` + `NotPrincipal` rule (see the module
    /// documentation); `Some(vec![])` is a boundary that allows nothing.
    pub permissions_boundary: Option<Vec<Labeled<'a>>>,
    /// `None` = not governed by SCPs; otherwise root → OUs → account.
    pub scp: Option<Vec<Vec<Labeled<'a>>>>,
    /// Empty = the resource has no resource policy.
    pub resource: Vec<Labeled<'a>>,
    /// `None` = the request does not pass through a VPC endpoint.
    pub vpc_endpoint: Option<Vec<Labeled<'a>>>,
    /// `None` = infer from the request when a resource policy is given.
    pub semantics: Option<ServiceSemantics>,
}

/// The final effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum DecisionEffect {
    Allow,
    ExplicitDeny,
    ImplicitDeny,
}

impl DecisionEffect {
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionEffect::Allow => "Allow",
            DecisionEffect::ExplicitDeny => "ExplicitDeny",
            DecisionEffect::ImplicitDeny => "ImplicitDeny",
        }
    }
}

/// Why: one statement (or one layer without an allow).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// `identity`, `permissions_boundary`, `scp level N`, `resource`, `vpc_endpoint`.
    pub layer: String,
    /// The policy label (for a layer without an allow: the labels of its policies).
    pub policy: String,
    pub statement: Option<usize>,
    pub sid: Option<String>,
    /// `Allow`, `Deny`, `ImplicitDeny`, or (open-world) `ConditionalAllow` /
    /// `ConditionalDeny`.
    pub effect: String,
    pub detail: String,
}

/// A decision with its reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub effect: DecisionEffect,
    pub reasons: Vec<Reason>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layer {
    Identity,
    Boundary,
    Scp(usize),
    Resource,
    Endpoint,
}

impl Layer {
    pub(crate) fn name(self) -> String {
        match self {
            Layer::Identity => "identity".into(),
            Layer::Boundary => "permissions_boundary".into(),
            Layer::Scp(l) => format!("scp level {l}"),
            Layer::Resource => "resource".into(),
            Layer::Endpoint => "vpc_endpoint".into(),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum PrincipalMode {
    /// Identity policies, boundaries, SCPs: the Principal element is not consulted.
    Ignore,
    /// Resource policies: a statement applies only if its Principal matches.
    Require,
    /// Endpoint policies: a missing Principal means everyone.
    DefaultAll,
}

/// How the Principal element of resource-based statements is matched.
#[derive(Clone, Copy)]
struct PrincipalRules {
    mode: PrincipalMode,
    /// The principal has a permissions boundary: a `Deny` with `NotPrincipal` applies to
    /// it whatever `NotPrincipal` names. IAM User Guide, NotPrincipal: "The NotPrincipal
    /// element with a Deny effect will always deny any IAM principal that has a
    /// permissions boundary policy attached, regardless of the values specified in the
    /// NotPrincipal element."
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>)
    has_boundary: bool,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit {
    pub layer: Layer,
    pub policy: usize,
    pub stmt: usize,
    pub effect: Effect,
    pub tri: Tri,
    pub pm: Option<PrincipalMatch>,
}

/// Borrowed view of the layers (shared by `PolicySet` and SCP-only analysis).
#[derive(Clone, Copy)]
pub(crate) struct Layers<'s, 'a> {
    pub identity: &'s [Labeled<'a>],
    pub boundary: Option<&'s [Labeled<'a>]>,
    pub scp: Option<&'s [Vec<Labeled<'a>>]>,
    pub resource: &'s [Labeled<'a>],
    pub endpoint: Option<&'s [Labeled<'a>]>,
    pub semantics: Option<ServiceSemantics>,
}

impl<'s, 'a> Layers<'s, 'a> {
    pub(crate) fn of(set: &'s PolicySet<'a>) -> Self {
        Layers {
            identity: &set.identity,
            boundary: set.permissions_boundary.as_deref(),
            scp: set.scp.as_deref(),
            resource: &set.resource,
            endpoint: set.vpc_endpoint.as_deref(),
            semantics: set.semantics,
        }
    }

    pub(crate) fn policies(&self, layer: Layer) -> &'s [Labeled<'a>] {
        match layer {
            Layer::Identity => self.identity,
            Layer::Boundary => self.boundary.unwrap_or(&[]),
            Layer::Scp(l) => self
                .scp
                .and_then(|s| s.get(l))
                .map_or(&[], |v| v.as_slice()),
            Layer::Resource => self.resource,
            Layer::Endpoint => self.endpoint.unwrap_or(&[]),
        }
    }
}

pub(crate) struct Evaluator<'r> {
    req: &'r Request,
    action_lc: String,
    /// The request resource split at every colon (for `Resource` matching), inline for up
    /// to 16 segments so that evaluation does not allocate.
    res_segs: Segments<'r>,
    principal_account: Option<&'r str>,
    unknown: Option<&'r UnknownKeys>,
}

impl<'r> Evaluator<'r> {
    pub(crate) fn new(req: &'r Request, unknown: Option<&'r UnknownKeys>) -> Self {
        Evaluator {
            req,
            action_lc: {
                let mut b = ACTION_BUF.with(|c| c.take());
                b.clear();
                b.push_str(&req.action);
                b.make_ascii_lowercase();
                b
            },
            res_segs: Segments::of(&req.resource),
            principal_account: req.principal_account(),
            unknown,
        }
    }

    #[inline]
    pub(crate) fn lookup(&self, key: &str) -> Lookup<'r> {
        // condition keys are stored lowercased, as are context keys
        let found = self.req.context.get_lowercase(key);
        if let Some(u) = self.unknown
            && u.is_unknown(key, found.is_some())
        {
            return Lookup::Unknown;
        }
        match found {
            Some(v) => Lookup::Present(v),
            None => Lookup::Missing,
        }
    }

    fn resource_one(&self, p: &ResourcePattern) -> Tri {
        match &p.kind {
            ResKind::Template(t) => match t.resolve(&|k| self.lookup(k)) {
                Resolved::Pieces(pieces) => {
                    let kind = if pieces.len() == 1 && pieces[0].wild {
                        compile_resource(pieces[0].text)
                    } else {
                        ResKind::Arn(ResourceArnPattern::from_pieces(&pieces))
                    };
                    Tri::from_bool(resource_kind_matches(&kind, self.res_segs.get()))
                }
                Resolved::Missing => Tri::False,
                Resolved::Unknown => Tri::Unknown,
            },
            k => Tri::from_bool(resource_kind_matches(k, self.res_segs.get())),
        }
    }

    fn statement(&self, s: &Statement, rules: PrincipalRules) -> (Tri, Option<PrincipalMatch>) {
        let mode = rules.mode;
        if !s.action.matches_lowercase(&self.action_lc) {
            return (Tri::False, None);
        }
        let mut tri = match &s.resource {
            None => Tri::True,
            Some(ResourceSpec::Resource(v)) => {
                let mut acc = Tri::False;
                for p in v {
                    acc = acc.or(self.resource_one(p));
                    if acc == Tri::True {
                        break;
                    }
                }
                acc
            }
            Some(ResourceSpec::NotResource(v)) => {
                let mut acc = Tri::False;
                for p in v {
                    acc = acc.or(self.resource_one(p));
                    if acc == Tri::True {
                        break;
                    }
                }
                acc.not()
            }
        };
        if tri == Tri::False {
            return (tri, None);
        }
        let pm = match mode {
            PrincipalMode::Ignore => None,
            PrincipalMode::Require | PrincipalMode::DefaultAll => match &s.principal {
                Some(p) => match p.applies(&self.req.principal, self.principal_account) {
                    Some(m) => Some(m),
                    None if rules.has_boundary
                        && s.effect == Effect::Deny
                        && matches!(p, PrincipalSpec::NotPrincipal(_)) =>
                    {
                        Some(PrincipalMatch::Broad)
                    }
                    None => return (Tri::False, None),
                },
                None if mode == PrincipalMode::DefaultAll => Some(PrincipalMatch::Broad),
                None => return (Tri::False, None),
            },
        };
        for c in &s.condition {
            tri = tri.and(c.eval(&|k| self.lookup(k)));
            if tri == Tri::False {
                return (tri, None);
            }
        }
        (tri, pm)
    }

    fn scan(
        &self,
        layer: Layer,
        policies: &[Labeled<'_>],
        rules: PrincipalRules,
        hits: &mut Vec<Hit>,
    ) {
        for (pi, lp) in policies.iter().enumerate() {
            for (si, s) in lp.policy.statements.iter().enumerate() {
                let (tri, pm) = self.statement(s, rules);
                if tri != Tri::False {
                    hits.push(Hit {
                        layer,
                        policy: pi,
                        stmt: si,
                        effect: s.effect,
                        tri,
                        pm,
                    });
                }
            }
        }
    }

    /// The unknown keys a statement depends on.
    pub(crate) fn unknown_keys_of(&self, s: &Statement, out: &mut Vec<String>) {
        let mut push = |k: &str| {
            if matches!(self.lookup(k), Lookup::Unknown)
                && !out.iter().any(|o| o.eq_ignore_ascii_case(k))
            {
                out.push(k.to_string());
            }
        };
        for c in &s.condition {
            for k in c.keys() {
                push(&k);
            }
        }
        if let Some(ResourceSpec::Resource(v) | ResourceSpec::NotResource(v)) = &s.resource {
            for p in v {
                if let ResKind::Template(t) = &p.kind {
                    for k in t.keys() {
                        push(k);
                    }
                }
            }
        }
    }
}

/// The aggregated (three-valued) outcome of one evaluation.
pub(crate) struct Outcome {
    pub hits: Vec<Hit>,
    pub deny: Tri,
    pub id_allow: Tri,
    pub boundary_ok: Tri,
    pub scp_levels: Vec<Tri>,
    #[expect(dead_code, reason = "kept in the trace for debugging output")]
    pub scp_ok: Tri,
    pub endpoint_ok: Tri,
    pub res_exact: Tri,
    pub res_broad: Tri,
    pub res_account: Tri,
    pub semantics: Option<ServiceSemantics>,
    pub same_account: bool,
    pub allow_path: Tri,
    pub fin: Tri,
}

fn any_hit(hits: &[Hit], pred: impl Fn(&Hit) -> bool) -> Tri {
    let mut acc = Tri::False;
    for h in hits {
        if pred(h) {
            acc = acc.or(h.tri);
            if acc == Tri::True {
                break;
            }
        }
    }
    acc
}

pub(crate) fn run(
    layers: &Layers<'_, '_>,
    ev: &Evaluator<'_>,
    include_resource_side: bool,
) -> Outcome {
    run_with(layers, ev, include_resource_side, Vec::with_capacity(8))
}

impl Drop for Evaluator<'_> {
    fn drop(&mut self) {
        let b = std::mem::take(&mut self.action_lc);
        ACTION_BUF.with(|c| c.set(b));
    }
}

thread_local! {
    /// A per-thread buffer for the lowercased action name.
    static ACTION_BUF: std::cell::Cell<String> = const { std::cell::Cell::new(String::new()) };
    /// A per-thread buffer for statement hits, so evaluation does not allocate for them.
    static HIT_BUF: std::cell::Cell<Vec<Hit>> = const { std::cell::Cell::new(Vec::new()) };
}

fn take_buf() -> Vec<Hit> {
    HIT_BUF.with(|c| c.take())
}

fn return_buf(mut v: Vec<Hit>) {
    v.clear();
    HIT_BUF.with(|c| c.set(v));
}

pub(crate) fn run_with(
    layers: &Layers<'_, '_>,
    ev: &Evaluator<'_>,
    include_resource_side: bool,
    buf: Vec<Hit>,
) -> Outcome {
    let req = ev.req;
    let mut hits = buf;
    // Service-linked roles are outside SCPs (AWS Organizations: "SCPs don't affect
    // service-linked roles") and cannot have a permissions boundary (IAM API,
    // PutRolePermissionsBoundary: "You cannot set the boundary for a service-linked role"):
    // a boundary or SCPs given for one are ignored.
    let slr = req.principal_is_service_linked_role;
    let boundary = layers.boundary.filter(|_| !slr);
    let has_boundary = boundary.is_some_and(|b| !b.is_empty());
    let ignore = PrincipalRules {
        mode: PrincipalMode::Ignore,
        has_boundary,
    };
    ev.scan(Layer::Identity, layers.identity, ignore, &mut hits);
    if let Some(b) = boundary {
        ev.scan(Layer::Boundary, b, ignore, &mut hits);
    }
    let scp = layers.scp.filter(|_| !slr);
    if let Some(levels) = scp {
        for (l, level) in levels.iter().enumerate() {
            ev.scan(Layer::Scp(l), level, ignore, &mut hits);
        }
    }
    ev.scan(
        Layer::Resource,
        layers.resource,
        PrincipalRules {
            mode: PrincipalMode::Require,
            has_boundary,
        },
        &mut hits,
    );
    if let Some(e) = layers.endpoint {
        ev.scan(
            Layer::Endpoint,
            e,
            PrincipalRules {
                mode: PrincipalMode::DefaultAll,
                has_boundary,
            },
            &mut hits,
        );
    }

    let deny = any_hit(&hits, |h| h.effect == Effect::Deny);
    let allow_in = |layer: Layer| any_hit(&hits, |h| h.effect == Effect::Allow && h.layer == layer);
    let id_allow = allow_in(Layer::Identity);
    let boundary_ok = if boundary.is_some() {
        allow_in(Layer::Boundary)
    } else {
        Tri::True
    };
    let mut scp_levels = Vec::new();
    let mut scp_ok = Tri::True;
    if let Some(levels) = scp {
        for l in 0..levels.len() {
            let t = allow_in(Layer::Scp(l));
            scp_levels.push(t);
            scp_ok = scp_ok.and(t);
        }
    }
    let endpoint_ok = if layers.endpoint.is_some() {
        allow_in(Layer::Endpoint)
    } else {
        Tri::True
    };
    let res_with = |m: PrincipalMatch| {
        any_hit(&hits, |h| {
            h.effect == Effect::Allow && h.layer == Layer::Resource && h.pm == Some(m)
        })
    };
    let res_exact = res_with(PrincipalMatch::Exact);
    let res_broad = res_with(PrincipalMatch::Broad);
    let res_account = res_with(PrincipalMatch::Account);
    let semantics = layers.semantics.or_else(|| {
        if layers.resource.is_empty() {
            None
        } else {
            ServiceSemantics::infer(req)
        }
    });
    let same_account = match (ev.principal_account, req.effective_resource_account()) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    let id_eff = id_allow.and(boundary_ok);
    let direct = res_exact.or(res_broad.and(boundary_ok));
    let allow_path = if !include_resource_side {
        Tri::True
    } else if !same_account {
        id_eff.and(res_exact.or(res_broad).or(res_account))
    } else if semantics.is_some() {
        direct.or(res_account.and(id_eff))
    } else {
        id_eff.or(direct)
    };
    let fin = deny.not().and(scp_ok).and(endpoint_ok).and(allow_path);
    Outcome {
        hits,
        deny,
        id_allow,
        boundary_ok,
        scp_levels,
        scp_ok,
        endpoint_ok,
        res_exact,
        res_broad,
        res_account,
        semantics,
        same_account,
        allow_path,
        fin,
    }
}

fn hit_reason(layers: &Layers<'_, '_>, req: &Request, h: &Hit, effect: &str) -> Reason {
    let lp = &layers.policies(h.layer)[h.policy];
    let s = &lp.policy.statements[h.stmt];
    let verb = match (h.effect, h.tri) {
        (Effect::Allow, Tri::True) => "allows",
        (Effect::Deny, Tri::True) => "denies",
        (Effect::Allow, _) => "may allow (depending on unknown context keys)",
        (Effect::Deny, _) => "may deny (depending on unknown context keys)",
    };
    let not_principal_boundary = h.effect == Effect::Deny
        && matches!(&s.principal, Some(p @ PrincipalSpec::NotPrincipal(_))
            if p.applies(&req.principal, req.principal_account()).is_none());
    let how = match h.pm {
        _ if not_principal_boundary => {
            " for this principal although NotPrincipal names it: a Deny with NotPrincipal always denies a principal that has a permissions boundary"
        }
        // a wildcard grant counts as exact (not limited by a boundary) but reads as broad
        Some(PrincipalMatch::Exact)
            if h.layer == Layer::Resource
                && !matches!(&s.principal, Some(PrincipalSpec::Principal(p)) if p.is_public()) =>
        {
            " for the principal named exactly"
        }
        Some(PrincipalMatch::Broad | PrincipalMatch::Exact) if h.layer == Layer::Resource => {
            " for this principal (via \"*\", its role ARN or NotPrincipal)"
        }
        Some(PrincipalMatch::Account) => {
            " for the principal's account (delegated to its IAM policies)"
        }
        _ => "",
    };
    let cap = 24
        + verb.len()
        + req.action.len()
        + req.resource.len()
        + how.len()
        + s.condition
            .iter()
            .map(|c| c.operator_raw.len() + c.key.len() + 16)
            .sum::<usize>();
    let mut detail = String::with_capacity(cap);
    detail.push_str("statement ");
    detail.push_str(verb);
    detail.push(' ');
    detail.push_str(&req.action);
    detail.push_str(" on ");
    detail.push_str(&req.resource);
    detail.push_str(how);
    for (i, c) in s.condition.iter().enumerate() {
        detail.push_str(if i == 0 { " (conditions: " } else { ", " });
        detail.push_str(&c.operator_raw);
        detail.push(' ');
        detail.push_str(&c.key);
        if i + 1 == s.condition.len() {
            detail.push(')');
        }
    }
    Reason {
        layer: h.layer.name(),
        policy: lp.label.clone(),
        statement: Some(h.stmt),
        sid: s.sid.clone(),
        effect: effect.to_string(),
        detail,
    }
}

fn layer_reason(layers: &Layers<'_, '_>, layer: Layer, detail: String) -> Reason {
    let labels: Vec<&str> = layers
        .policies(layer)
        .iter()
        .map(|l| l.label.as_str())
        .collect();
    Reason {
        layer: layer.name(),
        policy: labels.join(", "),
        statement: None,
        sid: None,
        effect: "ImplicitDeny".into(),
        detail,
    }
}

/// Reasons for the layers that lack a (definite) allow.
pub(crate) fn missing_reasons(layers: &Layers<'_, '_>, o: &Outcome) -> Vec<Reason> {
    let mut out = Vec::new();
    for (l, t) in o.scp_levels.iter().enumerate() {
        if *t != Tri::True {
            out.push(layer_reason(
                layers,
                Layer::Scp(l),
                format!("no statement in scp level {l} allows the request"),
            ));
        }
    }
    if o.endpoint_ok != Tri::True {
        out.push(layer_reason(
            layers,
            Layer::Endpoint,
            "no statement in the VPC endpoint policy allows the request".into(),
        ));
    }
    if o.allow_path != Tri::True {
        let boundary_blocks = layers.boundary.is_some() && o.boundary_ok != Tri::True;
        let boundary = |what: &str| {
            layer_reason(
                layers,
                Layer::Boundary,
                format!(
                    "no statement in the permissions boundary allows the request, so {what} does not apply"
                ),
            )
        };
        let res_any = o.res_exact.or(o.res_broad).or(o.res_account);
        if !o.same_account {
            if o.id_allow != Tri::True {
                out.push(layer_reason(
                    layers,
                    Layer::Identity,
                    "cross-account request: no identity-based policy of the principal's account allows it".into(),
                ));
            } else if boundary_blocks {
                out.push(boundary("the identity-based allow"));
            }
            if res_any != Tri::True {
                out.push(layer_reason(
                    layers,
                    Layer::Resource,
                    "cross-account request: no statement in the resource-based policy allows this principal".into(),
                ));
            }
        } else if let Some(sem) = o.semantics {
            let what = match sem {
                ServiceSemantics::KmsKeyPolicy => {
                    "the key policy does not allow the request (a KMS key policy must allow access even within the key's account)"
                }
                ServiceSemantics::IamRoleTrustPolicy => {
                    "the role trust policy does not allow this principal to assume the role"
                }
            };
            if res_any != Tri::True {
                out.push(layer_reason(layers, Layer::Resource, what.into()));
            } else if o.res_broad == Tri::True && boundary_blocks {
                out.push(boundary("the resource-based allow"));
            } else if o.id_allow != Tri::True {
                out.push(layer_reason(
                    layers,
                    Layer::Identity,
                    "the resource policy delegates to the principal's account, but no identity-based policy allows the request".into(),
                ));
            } else if boundary_blocks {
                out.push(boundary("the identity-based allow"));
            }
        } else if o.id_allow == Tri::True && boundary_blocks {
            out.push(boundary("the identity-based allow"));
        } else if o.res_broad == Tri::True && boundary_blocks {
            out.push(boundary("the resource-based allow"));
        } else {
            out.push(layer_reason(
                layers,
                Layer::Identity,
                if layers.resource.is_empty() {
                    "no identity-based policy allows the request".into()
                } else {
                    "no identity-based or resource-based policy allows the request".into()
                },
            ));
        }
    }
    out
}

/// Builds the closed-world decision from an outcome.
pub(crate) fn decide(layers: &Layers<'_, '_>, req: &Request, o: &Outcome) -> Decision {
    if o.deny == Tri::True {
        let mut reasons = Vec::with_capacity(o.hits.len());
        reasons.extend(
            o.hits
                .iter()
                .filter(|h| h.effect == Effect::Deny && h.tri == Tri::True)
                .map(|h| hit_reason(layers, req, h, "Deny")),
        );
        return Decision {
            effect: DecisionEffect::ExplicitDeny,
            reasons,
        };
    }
    let allows = o
        .hits
        .iter()
        .filter(|h| h.effect == Effect::Allow && h.tri == Tri::True)
        .map(|h| hit_reason(layers, req, h, "Allow"));
    if o.fin == Tri::True {
        let mut reasons = Vec::with_capacity(o.hits.len());
        reasons.extend(allows);
        return Decision {
            effect: DecisionEffect::Allow,
            reasons,
        };
    }
    let mut reasons = missing_reasons(layers, o);
    reasons.extend(allows);
    Decision {
        effect: DecisionEffect::ImplicitDeny,
        reasons,
    }
}

/// Why an implicitly denied request was not allowed, statement by statement: every Allow
/// statement whose action, resource and principal match the request but whose condition
/// does not hold, with the first condition that fails (its operator, key and values, and
/// what the request carries for the key). For "why is this denied?" answers; the hot path
/// of evaluation does not compute it.
pub fn explain_denial(set: &PolicySet<'_>, req: &Request) -> Vec<Reason> {
    let layers = Layers::of(set);
    let ev = Evaluator::new(req, None);
    let has_boundary = layers.boundary.is_some_and(|b| !b.is_empty());
    let rules = |mode| PrincipalRules { mode, has_boundary };
    let mut groups: Vec<(Layer, &[Labeled<'_>], PrincipalRules)> = vec![
        (
            Layer::Identity,
            layers.identity,
            rules(PrincipalMode::Ignore),
        ),
        (
            Layer::Resource,
            layers.resource,
            rules(PrincipalMode::Require),
        ),
    ];
    if let Some(b) = layers.boundary {
        groups.push((Layer::Boundary, b, rules(PrincipalMode::Ignore)));
    }
    if let Some(levels) = layers.scp {
        for (l, level) in levels.iter().enumerate() {
            groups.push((
                Layer::Scp(l),
                level.as_slice(),
                rules(PrincipalMode::Ignore),
            ));
        }
    }
    if let Some(e) = layers.endpoint {
        groups.push((Layer::Endpoint, e, rules(PrincipalMode::DefaultAll)));
    }
    let mut out = Vec::new();
    for (layer, policies, rules) in groups {
        for lp in policies {
            for (si, st) in lp.policy.statements.iter().enumerate() {
                if st.effect != Effect::Allow || st.condition.is_empty() {
                    continue;
                }
                let bare = Statement {
                    condition: Vec::new(),
                    ..st.clone()
                };
                if ev.statement(&bare, rules).0 != Tri::True {
                    continue;
                }
                let lookup = |k: &str| ev.lookup(k);
                let Some(c) = st.condition.iter().find(|c| c.eval(&lookup) == Tri::False) else {
                    continue;
                };
                let has = match ev.lookup(&c.key) {
                    Lookup::Present(v) => format!("the request has {} = {:?}", c.key, v),
                    Lookup::Missing => format!("the request has no {}", c.key),
                    Lookup::Unknown => format!("{} is unknown", c.key),
                };
                let wants: Vec<&str> = c.values.iter().map(|v| v.raw.as_str()).collect();
                out.push(Reason {
                    layer: layer.name(),
                    policy: lp.label.clone(),
                    statement: Some(si),
                    sid: st.sid.clone(),
                    effect: "ConditionNotMet".into(),
                    detail: format!(
                        "this statement would allow the request, but its condition {} {} {:?} does not hold: {has}",
                        c.operator_raw, c.key, wants
                    ),
                });
            }
        }
    }
    out
}

pub(crate) fn hit_reason_pub(
    layers: &Layers<'_, '_>,
    req: &Request,
    h: &Hit,
    effect: &str,
) -> Reason {
    hit_reason(layers, req, h, effect)
}

/// Evaluates a request against a policy set (closed world: the context is complete).
pub fn evaluate(set: &PolicySet<'_>, req: &Request) -> Decision {
    let layers = Layers::of(set);
    let ev = Evaluator::new(req, None);
    let o = run_with(&layers, &ev, true, take_buf());
    let d = decide(&layers, req, &o);
    return_buf(o.hits);
    d
}

/// Like [`evaluate`] but without building reasons (the fast path for bulk analysis).
pub fn evaluate_effect(set: &PolicySet<'_>, req: &Request) -> DecisionEffect {
    let layers = Layers::of(set);
    let ev = Evaluator::new(req, None);
    let o = run_with(&layers, &ev, true, take_buf());
    let e = if o.deny == Tri::True {
        DecisionEffect::ExplicitDeny
    } else if o.fin == Tri::True {
        DecisionEffect::Allow
    } else {
        DecisionEffect::ImplicitDeny
    };
    return_buf(o.hits);
    e
}
