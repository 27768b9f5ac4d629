//! The normalised, validated policy AST. Built once by the parser; evaluation only
//! reads it. Every matcher is precompiled.

use serde_json::{Map, Value};

use super::arn::{ResourceArnPattern, Segments, assumed_role_parts, role_parts, split_arn};
use super::condition::Condition;
use super::vars::Template;
use super::wildcard::Pattern;

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Effect {
    Allow,
    Deny,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// The policy language version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyVersion {
    /// `2008-10-17`: no policy variables.
    V2008_10_17,
    /// `2012-10-17`: policy variables.
    V2012_10_17,
}

impl PolicyVersion {
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyVersion::V2008_10_17 => "2008-10-17",
            PolicyVersion::V2012_10_17 => "2012-10-17",
        }
    }
}

/// A parsed, validated policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub version: Option<PolicyVersion>,
    pub id: Option<String>,
    pub(crate) statements: Vec<Statement>,
}

/// One statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub action: ActionSpec,
    /// `None` = no `Resource`/`NotResource` element (trust policies): every resource.
    pub resource: Option<ResourceSpec>,
    /// `None` = no `Principal`/`NotPrincipal` element (identity policies, SCPs).
    pub principal: Option<PrincipalSpec>,
    /// Entries of the `Condition` block, all of which must hold.
    pub condition: Vec<Condition>,
}

/// `Action` or `NotAction`.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionSpec {
    Action(Vec<ActionPattern>),
    NotAction(Vec<ActionPattern>),
}

/// An action pattern such as `bedrock:Invoke*` (case-insensitive).
#[derive(Debug, Clone, PartialEq)]
pub struct ActionPattern {
    pub raw: String,
    pattern: Pattern,
}

impl ActionPattern {
    pub fn new(raw: &str) -> ActionPattern {
        ActionPattern {
            raw: raw.to_string(),
            // compiled lowercase; matched against a lowercased action with plain byte
            // comparison (actions are ASCII)
            pattern: Pattern::new(&raw.to_ascii_lowercase()),
        }
    }

    /// Case-insensitive match of an action name.
    pub fn matches(&self, action: &str) -> bool {
        self.pattern.matches(&action.to_ascii_lowercase())
    }

    /// Match of an action name that is already ASCII-lowercase.
    #[inline]
    pub(crate) fn matches_lowercase(&self, action_lc: &str) -> bool {
        self.pattern.matches(action_lc)
    }
}

impl ActionSpec {
    /// True if the statement applies to `action` (case-insensitive).
    pub fn matches(&self, action: &str) -> bool {
        self.matches_lowercase(&action.to_ascii_lowercase())
    }

    /// Same as [`ActionSpec::matches`] for an already-lowercased action.
    #[inline]
    pub(crate) fn matches_lowercase(&self, action_lc: &str) -> bool {
        match self {
            ActionSpec::Action(v) => v.iter().any(|p| p.matches_lowercase(action_lc)),
            ActionSpec::NotAction(v) => !v.iter().any(|p| p.matches_lowercase(action_lc)),
        }
    }
}

/// `Resource` or `NotResource`.
#[derive(Debug, Clone, PartialEq)]
pub enum ResourceSpec {
    Resource(Vec<ResourcePattern>),
    NotResource(Vec<ResourcePattern>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ResKind {
    Any,
    /// A pattern matched segment by segment (see [`ResourceArnPattern`]): usually an ARN
    /// pattern; anything else (IAM accepts only ARNs and `*`) follows the same rule.
    Arn(ResourceArnPattern),
    Template(Template),
}

/// A resource pattern (an ARN pattern, `*`, or a template with policy variables).
#[derive(Debug, Clone, PartialEq)]
pub struct ResourcePattern {
    pub raw: String,
    pub(crate) kind: ResKind,
}

impl ResourcePattern {
    pub fn new(raw: &str, variables: bool) -> ResourcePattern {
        let kind = if raw == "*" {
            ResKind::Any
        } else if let Some(t) = variables.then(|| Template::parse(raw)).flatten() {
            ResKind::Template(t)
        } else {
            compile_resource(raw)
        };
        ResourcePattern {
            raw: raw.to_string(),
            kind,
        }
    }

    /// True if the pattern uses policy variables.
    pub fn has_variables(&self) -> bool {
        matches!(self.kind, ResKind::Template(_))
    }
}

pub(crate) fn compile_resource(raw: &str) -> ResKind {
    if raw == "*" {
        return ResKind::Any;
    }
    ResKind::Arn(ResourceArnPattern::new(raw))
}

/// Matches a compiled (variable-free) resource kind against the request resource, given
/// as its colon-separated segments (`segs`).
#[inline]
pub(crate) fn resource_kind_matches(kind: &ResKind, segs: &[&str]) -> bool {
    match kind {
        ResKind::Any => true,
        ResKind::Arn(p) => p.matches_segments(segs),
        ResKind::Template(_) => false,
    }
}

/// `Principal` or `NotPrincipal`.
#[derive(Debug, Clone, PartialEq)]
pub enum PrincipalSpec {
    Principal(Principals),
    NotPrincipal(Principals),
}

/// The principals named by a `Principal` element.
#[derive(Debug, Clone, PartialEq)]
pub enum Principals {
    /// `"*"`.
    Any,
    /// `{"AWS": ..., "Service": ..., ...}`, in document order.
    Map(Vec<PrincipalEntry>),
}

/// The principal type key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrincipalType {
    Aws,
    Service,
    Federated,
    CanonicalUser,
}

impl PrincipalType {
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalType::Aws => "AWS",
            PrincipalType::Service => "Service",
            PrincipalType::Federated => "Federated",
            PrincipalType::CanonicalUser => "CanonicalUser",
        }
    }
    pub fn from_name(s: &str) -> Option<PrincipalType> {
        match s {
            "AWS" => Some(PrincipalType::Aws),
            "Service" => Some(PrincipalType::Service),
            "Federated" => Some(PrincipalType::Federated),
            "CanonicalUser" => Some(PrincipalType::CanonicalUser),
            _ => None,
        }
    }
}

/// `"AWS": [...]` and the like.
#[derive(Debug, Clone, PartialEq)]
pub struct PrincipalEntry {
    pub kind: PrincipalType,
    pub values: Vec<PrincipalValue>,
}

/// One named principal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalValue {
    pub raw: String,
    pub(crate) m: PMatch,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PMatch {
    /// `*`
    Any,
    /// account root (`arn:aws:iam::ACCT:root` or a bare account id): any principal of it.
    Account(String),
    /// a role ARN: the role itself and its assumed-role sessions.
    Role {
        partition: String,
        account: String,
        name: String,
    },
    /// exact string match
    Exact,
}

/// How a resource-policy statement matched the request principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PrincipalMatch {
    /// Via the principal's account (`:root` or account id): the account delegates to its
    /// own IAM policies.
    Account,
    /// Via a role ARN (for the role or a session of it) or `NotPrincipal`: grants
    /// directly, but a permissions boundary still limits it ("A grant to an IAM role ARN
    /// ... is limited by an implicit deny in a permissions boundary or session policy").
    Broad,
    /// Names the exact user, role session, federated-user session, service or federated
    /// principal, or is the wildcard `*` (`"*"` / `{"AWS": "*"}`): grants directly and is
    /// not limited by a permissions boundary. IAM User Guide, Principal: "Identity-based
    /// policy types, such as permissions boundaries or session policies, do not limit
    /// permissions granted using the aws:PrincipalArn condition key with a wildcard(*) in
    /// the Principal element, unless the identity-based policies contain an explicit deny."
    Exact,
}

impl PrincipalValue {
    pub fn new(kind: PrincipalType, raw: &str) -> PrincipalValue {
        let m = if raw == "*" {
            PMatch::Any
        } else if kind == PrincipalType::Aws {
            if raw.len() == 12 && raw.bytes().all(|b| b.is_ascii_digit()) {
                PMatch::Account(raw.to_string())
            } else if let Some(p) = split_arn(raw).filter(|p| p[2] == "iam" && p[5] == "root") {
                PMatch::Account(p[4].to_string())
            } else if let Some((partition, account, name)) = role_parts(raw) {
                PMatch::Role {
                    partition: partition.to_string(),
                    account: account.to_string(),
                    name: name.to_string(),
                }
            } else {
                PMatch::Exact
            }
        } else {
            PMatch::Exact
        };
        PrincipalValue {
            raw: raw.to_string(),
            m,
        }
    }

    /// How this value matches `principal` (whose account is `principal_account`).
    /// `strict` (for `NotPrincipal`) disables the role → session mapping.
    pub(crate) fn matches(
        &self,
        principal: &str,
        principal_account: Option<&str>,
        strict: bool,
    ) -> Option<PrincipalMatch> {
        match &self.m {
            PMatch::Any => Some(PrincipalMatch::Exact),
            // In NotPrincipal, an account root exempts only the root itself: AWS documents
            // that `NotPrincipal: [user, account root]` still denies the account's others.
            PMatch::Account(a) if strict => (self.raw == principal
                || split_arn(principal)
                    .is_some_and(|p| p[2] == "iam" && p[4] == a && p[5] == "root"))
            .then_some(PrincipalMatch::Account),
            PMatch::Account(a) => (principal_account == Some(a.as_str()) || self.raw == principal)
                .then_some(PrincipalMatch::Account),
            PMatch::Role {
                partition,
                account,
                name,
            } => {
                if self.raw == principal {
                    return Some(PrincipalMatch::Broad);
                }
                if strict {
                    return None;
                }
                match assumed_role_parts(principal) {
                    Some((p, a, n)) if p == partition && a == account && n == name => {
                        Some(PrincipalMatch::Broad)
                    }
                    _ => None,
                }
            }
            PMatch::Exact => (self.raw == principal).then_some(PrincipalMatch::Exact),
        }
    }
}

impl Principals {
    /// The best way any named principal matches.
    pub(crate) fn best_match(
        &self,
        principal: &str,
        principal_account: Option<&str>,
        strict: bool,
    ) -> Option<PrincipalMatch> {
        match self {
            Principals::Any => Some(PrincipalMatch::Exact),
            Principals::Map(entries) => {
                let mut best = None;
                for e in entries {
                    for v in &e.values {
                        let m = if e.kind == PrincipalType::Aws {
                            v.matches(principal, principal_account, strict)
                        } else if v.raw == "*" {
                            Some(PrincipalMatch::Broad)
                        } else {
                            (v.raw == principal).then_some(PrincipalMatch::Exact)
                        };
                        if m > best {
                            best = m;
                        }
                    }
                }
                best
            }
        }
    }

    /// True if this is `"*"` or `{"AWS": "*"}` (any principal).
    pub fn is_public(&self) -> bool {
        match self {
            Principals::Any => true,
            Principals::Map(entries) => entries
                .iter()
                .any(|e| e.kind == PrincipalType::Aws && e.values.iter().any(|v| v.raw == "*")),
        }
    }
}

impl PrincipalSpec {
    /// How the statement applies to `principal`, if it does.
    pub(crate) fn applies(
        &self,
        principal: &str,
        principal_account: Option<&str>,
    ) -> Option<PrincipalMatch> {
        match self {
            PrincipalSpec::Principal(p) => p.best_match(principal, principal_account, false),
            PrincipalSpec::NotPrincipal(p) => {
                match p.best_match(principal, principal_account, true) {
                    Some(_) => None,
                    None => Some(PrincipalMatch::Broad),
                }
            }
        }
    }
}

impl Policy {
    /// The statements in document order.
    pub fn statements(&self) -> &[Statement] {
        &self.statements
    }

    /// True if policy variables are recognised (`Version: 2012-10-17`).
    pub fn variables_enabled(&self) -> bool {
        self.version == Some(PolicyVersion::V2012_10_17)
    }

    /// Prints the policy back as a JSON document (always the array forms).
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        if let Some(v) = self.version {
            m.insert("Version".into(), Value::String(v.as_str().into()));
        }
        if let Some(id) = &self.id {
            m.insert("Id".into(), Value::String(id.clone()));
        }
        m.insert(
            "Statement".into(),
            Value::Array(self.statements.iter().map(Statement::to_value).collect()),
        );
        Value::Object(m)
    }

    /// True if any statement mentions the condition key (case-insensitive).
    pub fn mentions_condition_key(&self, key: &str) -> bool {
        self.statements
            .iter()
            .any(|s| s.mentions_condition_key(key))
    }
}

fn strings(v: impl Iterator<Item = String>) -> Value {
    Value::Array(v.map(Value::String).collect())
}

impl Statement {
    /// Prints the statement back.
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        if let Some(sid) = &self.sid {
            m.insert("Sid".into(), Value::String(sid.clone()));
        }
        m.insert("Effect".into(), Value::String(self.effect.as_str().into()));
        match &self.principal {
            Some(PrincipalSpec::Principal(p)) => {
                m.insert("Principal".into(), principals_value(p));
            }
            Some(PrincipalSpec::NotPrincipal(p)) => {
                m.insert("NotPrincipal".into(), principals_value(p));
            }
            None => {}
        }
        let (k, v) = match &self.action {
            ActionSpec::Action(v) => ("Action", v),
            ActionSpec::NotAction(v) => ("NotAction", v),
        };
        m.insert(k.into(), strings(v.iter().map(|a| a.raw.clone())));
        match &self.resource {
            Some(ResourceSpec::Resource(v)) => {
                m.insert("Resource".into(), strings(v.iter().map(|r| r.raw.clone())));
            }
            Some(ResourceSpec::NotResource(v)) => {
                m.insert(
                    "NotResource".into(),
                    strings(v.iter().map(|r| r.raw.clone())),
                );
            }
            None => {}
        }
        if !self.condition.is_empty() {
            let mut c = Map::new();
            for cond in &self.condition {
                let entry = c
                    .entry(cond.operator_raw.clone())
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(keys) = entry {
                    keys.insert(
                        cond.key.clone(),
                        strings(cond.values.iter().map(|v| v.raw.clone())),
                    );
                }
            }
            m.insert("Condition".into(), Value::Object(c));
        }
        Value::Object(m)
    }

    /// True if the condition block uses `key` (case-insensitive), as a key or in a variable.
    pub fn mentions_condition_key(&self, key: &str) -> bool {
        self.condition
            .iter()
            .any(|c| c.keys().iter().any(|k| k.eq_ignore_ascii_case(key)))
    }

    /// True if the statement's Action/NotAction covers `action`.
    pub fn matches_action(&self, action: &str) -> bool {
        self.action.matches(action)
    }

    /// True if the statement's Resource/NotResource covers `resource`, ignoring statements
    /// whose resources use policy variables (they depend on the context).
    pub fn matches_resource_static(&self, resource: &str) -> bool {
        let segs = Segments::of(resource);
        let one = |p: &ResourcePattern| resource_kind_matches(&p.kind, segs.get());
        match &self.resource {
            None => true,
            Some(ResourceSpec::Resource(v)) => v.iter().any(one),
            Some(ResourceSpec::NotResource(v)) => !v.iter().any(one),
        }
    }
}

fn principals_value(p: &Principals) -> Value {
    match p {
        Principals::Any => Value::String("*".into()),
        Principals::Map(entries) => {
            let mut m = Map::new();
            for e in entries {
                m.insert(
                    e.kind.as_str().into(),
                    strings(e.values.iter().map(|v| v.raw.clone())),
                );
            }
            Value::Object(m)
        }
    }
}
