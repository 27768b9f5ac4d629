//! Library side of `perimeter policy simulate`: decode cases in the DESIGN.md format,
//! evaluate them, and render JSON and a readable explanation.
//!
//! Case indices in messages are 0-based (the position in the input array).

use serde_json::{Map, Value, json};

use super::Policy;
use super::context::{Context, Request};
use super::eval::{Decision, Labeled, PolicySet, ServiceSemantics, evaluate};
use super::limits::{DocumentKind, check_value_size};

/// JSON answer (an object for one case, an array for an array), readable text, and the
/// number of malformed cases.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulateOutput {
    pub json: Value,
    pub text: String,
    pub malformed: usize,
}

/// One decoded case.
#[derive(Debug)]
pub struct Case {
    pub id: Value,
    pub identity: Vec<Policy>,
    pub permissions_boundary: Option<Vec<Policy>>,
    pub scp: Option<Vec<Vec<Policy>>>,
    pub resource: Vec<Policy>,
    pub vpc_endpoint: Option<Vec<Policy>>,
    pub semantics: Option<ServiceSemantics>,
    pub request: Request,
}

impl Case {
    /// Decodes a case; the error names the field (`request.action: expected a string`).
    pub fn from_value(v: &Value) -> Result<Case, String> {
        let obj = v
            .as_object()
            .ok_or_else(|| format!("expected a case object, found {}", kind(v)))?;
        let id = obj.get("id").cloned().unwrap_or(Value::Null);
        let empty = Map::new();
        let policies = match obj.get("policies") {
            None | Some(Value::Null) => &empty,
            Some(Value::Object(m)) => m,
            Some(other) => {
                return Err(format!(
                    "policies: expected an object, found {}",
                    kind(other)
                ));
            }
        };
        let docs = |field: &str| -> Result<Option<Vec<Policy>>, String> {
            match policies.get(field) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Array(items)) => items
                    .iter()
                    .enumerate()
                    .map(|(i, d)| {
                        Policy::from_value(d).map_err(|e| format!("policies.{field}[{i}]: {e}"))
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map(Some),
                Some(d @ Value::Object(_)) => Policy::from_value(d)
                    .map(|p| Some(vec![p]))
                    .map_err(|e| format!("policies.{field}: {e}")),
                Some(other) => Err(format!(
                    "policies.{field}: expected an array of policy documents, found {}",
                    kind(other)
                )),
            }
        };
        let identity = docs("identity")?.unwrap_or_default();
        let permissions_boundary = docs("permissions_boundary")?;
        let resource = docs("resource")?.unwrap_or_default();
        let vpc_endpoint = docs("vpc_endpoint")?;
        let scp = match policies.get("scp") {
            None | Some(Value::Null) => None,
            Some(Value::Array(levels)) => {
                let mut out = Vec::with_capacity(levels.len());
                for (l, level) in levels.iter().enumerate() {
                    let Value::Array(items) = level else {
                        return Err(format!(
                            "policies.scp[{l}]: expected an array of policy documents (one level), found {}",
                            kind(level)
                        ));
                    };
                    let mut lv = Vec::with_capacity(items.len());
                    for (i, d) in items.iter().enumerate() {
                        lv.push(
                            Policy::from_value(d)
                                .map_err(|e| format!("policies.scp[{l}][{i}]: {e}"))?,
                        );
                    }
                    out.push(lv);
                }
                Some(out)
            }
            Some(other) => {
                return Err(format!(
                    "policies.scp: expected an array of levels (arrays of policy documents), found {}",
                    kind(other)
                ));
            }
        };
        let semantics = match obj.get("service_semantics") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(ServiceSemantics::from_name(s).ok_or_else(|| {
                format!("service_semantics: expected \"kms_key_policy\" or \"iam_role_trust_policy\", found {s:?}")
            })?),
            Some(other) => return Err(format!("service_semantics: expected a string, found {}", kind(other))),
        };
        let req = match obj.get("request") {
            Some(Value::Object(m)) => m,
            None | Some(Value::Null) => return Err("request: missing".into()),
            Some(other) => {
                return Err(format!(
                    "request: expected an object, found {}",
                    kind(other)
                ));
            }
        };
        let string = |field: &str, required: bool| -> Result<Option<String>, String> {
            match req.get(field) {
                Some(Value::String(s)) => Ok(Some(s.clone())),
                None | Some(Value::Null) if !required => Ok(None),
                None | Some(Value::Null) => Err(format!("request.{field}: missing")),
                Some(other) => Err(format!(
                    "request.{field}: expected a string, found {}",
                    kind(other)
                )),
            }
        };
        let principal = string("principal", true)?.unwrap_or_default();
        let action = string("action", true)?.unwrap_or_default();
        let resource_arn = string("resource", true)?.unwrap_or_default();
        let resource_account = string("resource_account", false)?;
        let context = match req.get("context") {
            None | Some(Value::Null) => Context::new(),
            Some(c) => Context::from_json(c).map_err(|e| format!("request.context: {e}"))?,
        };
        let slr = match req.get("principal_is_service_linked_role") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                return Err(format!(
                    "request.principal_is_service_linked_role: expected a boolean, found {}",
                    kind(other)
                ));
            }
        };
        let request = Request {
            principal,
            action,
            resource: resource_arn,
            resource_account,
            context,
            principal_is_service_linked_role: slr,
        };
        check_sizes(
            policies,
            &request.principal,
            semantics.or_else(|| ServiceSemantics::infer(&request)),
        )?;
        Ok(Case {
            id,
            identity,
            permissions_boundary,
            scp,
            resource,
            vpc_endpoint,
            semantics,
            request,
        })
    }

    /// The policy set with labels `identity[i]`, `permissions_boundary[i]`, `scp[l][i]`,
    /// `resource[i]`, `vpc_endpoint[i]`.
    pub fn policy_set(&self) -> PolicySet<'_> {
        fn label<'p>(prefix: &str, ps: &'p [Policy]) -> Vec<Labeled<'p>> {
            ps.iter()
                .enumerate()
                .map(|(i, p)| Labeled::new(format!("{prefix}[{i}]"), p))
                .collect()
        }
        PolicySet {
            identity: label("identity", &self.identity),
            permissions_boundary: self
                .permissions_boundary
                .as_ref()
                .map(|v| label("permissions_boundary", v)),
            scp: self.scp.as_ref().map(|levels| {
                levels
                    .iter()
                    .enumerate()
                    .map(|(l, v)| label(&format!("scp[{l}]"), v))
                    .collect()
            }),
            resource: label("resource", &self.resource),
            vpc_endpoint: self.vpc_endpoint.as_ref().map(|v| label("vpc_endpoint", v)),
            semantics: self.semantics,
        }
    }

    /// The decision; an implicit deny also names the statements that would have allowed
    /// the request had their condition held.
    pub fn evaluate(&self) -> Decision {
        let set = self.policy_set();
        let mut d = evaluate(&set, &self.request);
        if d.effect == super::eval::DecisionEffect::ImplicitDeny {
            d.reasons
                .extend(super::eval::explain_denial(&set, &self.request));
        }
        d
    }
}

/// Documents larger than AWS allows for their kind make the case an error (see
/// [`super::limits`]): identity documents get the limit of the principal's identity
/// policies ([`DocumentKind::identity_for_principal`]: an IAM user's 6,144, otherwise the
/// most permissive, a role's inline 10,240, since a case does not say whether a document is
/// managed or inline), the boundary a managed policy's 6,144, SCPs 5,120, a KMS key policy
/// 32,768 bytes, a role trust policy 8,192, an endpoint policy 20,480; other resource
/// policies are not checked.
fn check_sizes(
    policies: &Map<String, Value>,
    principal: &str,
    semantics: Option<ServiceSemantics>,
) -> Result<(), String> {
    let one = |field: &str, kind: DocumentKind| -> Result<(), String> {
        match policies.get(field) {
            Some(Value::Array(items)) => {
                for (i, d) in items.iter().enumerate() {
                    check_value_size(kind, d).map_err(|e| format!("policies.{field}[{i}]: {e}"))?;
                }
                Ok(())
            }
            Some(d @ Value::Object(_)) => {
                check_value_size(kind, d).map_err(|e| format!("policies.{field}: {e}"))
            }
            _ => Ok(()),
        }
    };
    one("identity", DocumentKind::identity_for_principal(principal))?;
    one("permissions_boundary", DocumentKind::PermissionsBoundary)?;
    if let Some(Value::Array(levels)) = policies.get("scp") {
        for (l, level) in levels.iter().enumerate() {
            if let Value::Array(items) = level {
                for (i, d) in items.iter().enumerate() {
                    check_value_size(DocumentKind::ServiceControlPolicy, d)
                        .map_err(|e| format!("policies.scp[{l}][{i}]: {e}"))?;
                }
            }
        }
    }
    if let Some(kind) = DocumentKind::for_resource(semantics) {
        one("resource", kind)?;
    }
    one("vpc_endpoint", DocumentKind::VpcEndpointPolicy)
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn case_name(i: usize, id: &Value) -> String {
    match id {
        Value::Null => format!("case {i}"),
        Value::String(s) => format!("case {i} ({s:?})"),
        other => format!("case {i} ({other})"),
    }
}

/// Evaluates one case or an array of cases.
pub fn simulate(input: &Value) -> SimulateOutput {
    let (cases, single): (Vec<&Value>, bool) = match input {
        Value::Array(a) => (a.iter().collect(), false),
        other => (vec![other], true),
    };
    let mut out = Vec::with_capacity(cases.len());
    let mut text = String::new();
    let mut malformed = 0;
    for (i, c) in cases.into_iter().enumerate() {
        let id = c.get("id").cloned().unwrap_or(Value::Null);
        let name = case_name(i, &id);
        match Case::from_value(c) {
            Ok(case) => {
                let d = case.evaluate();
                text.push_str(&format!("{name}: {}\n", d.effect.as_str()));
                for r in &d.reasons {
                    text.push_str(&format!("  - {}\n", reason_line(r)));
                }
                out.push(json!({
                    "id": id,
                    "decision": d.effect.as_str(),
                    "reasons": serde_json::to_value(&d.reasons).unwrap_or(Value::Null),
                }));
            }
            Err(e) => {
                malformed += 1;
                let msg = format!("{name}: {e}");
                text.push_str(&format!("{msg}\n"));
                out.push(json!({ "id": id, "error": msg }));
            }
        }
    }
    let json = if single {
        out.pop().unwrap_or(Value::Null)
    } else {
        Value::Array(out)
    };
    SimulateOutput {
        json,
        text,
        malformed,
    }
}

fn reason_line(r: &super::eval::Reason) -> String {
    let mut s = format!("{} [{}]", r.effect, r.layer);
    if !r.policy.is_empty() {
        s.push_str(&format!(" {}", r.policy));
    }
    if let Some(i) = r.statement {
        s.push_str(&format!(" statement {i}"));
    }
    if let Some(sid) = &r.sid {
        s.push_str(&format!(" (Sid {sid})"));
    }
    s.push_str(&format!(": {}", r.detail));
    s
}
