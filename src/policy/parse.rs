//! Parsing: the forgiving wire form (serde structs over JSON values) is lowered into the
//! validated AST. Errors name the field and statement index.

use serde::Deserialize;
use serde_json::Value;

use super::ast::{
    ActionPattern, ActionSpec, Effect, Policy, PolicyVersion, PrincipalEntry, PrincipalSpec,
    PrincipalType, PrincipalValue, Principals, ResourcePattern, ResourceSpec, Statement,
};
use super::condition::{Condition, Operator};
use super::error::PolicyError;

/// The top level of a policy document as it appears on the wire.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WirePolicy {
    #[serde(rename = "Version", default)]
    version: Option<Value>,
    #[serde(rename = "Id", default)]
    id: Option<Value>,
    #[serde(rename = "Statement", default)]
    statement: Option<Value>,
}

/// One statement as it appears on the wire: every element may take several shapes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WireStatement {
    #[serde(rename = "Sid", default)]
    sid: Option<Value>,
    #[serde(rename = "Effect", default)]
    effect: Option<Value>,
    #[serde(rename = "Action", default)]
    action: Option<Value>,
    #[serde(rename = "NotAction", default)]
    not_action: Option<Value>,
    #[serde(rename = "Resource", default)]
    resource: Option<Value>,
    #[serde(rename = "NotResource", default)]
    not_resource: Option<Value>,
    #[serde(rename = "Principal", default)]
    principal: Option<Value>,
    #[serde(rename = "NotPrincipal", default)]
    not_principal: Option<Value>,
    #[serde(rename = "Condition", default)]
    condition: Option<Value>,
}

impl Policy {
    /// Parses a policy document: JSON text, or the URL-encoded form IAM APIs return.
    pub fn parse(text: &str) -> Result<Policy, PolicyError> {
        let trimmed = text.trim_start();
        let decoded;
        let json = if trimmed.starts_with('{') {
            text
        } else {
            decoded = percent_encoding::percent_decode_str(text.trim())
                .decode_utf8()
                .map_err(|e| PolicyError::Encoding(e.to_string()))?;
            if !decoded.trim_start().starts_with('{') {
                return Err(PolicyError::Json(
                    "expected a JSON object (a policy document starts with '{')".into(),
                ));
            }
            &decoded
        };
        let v: Value = serde_json::from_str(json).map_err(|e| PolicyError::Json(e.to_string()))?;
        Policy::from_value(&v)
    }

    /// Builds a policy from an already-parsed JSON document. A JSON string is accepted too
    /// and parsed as document text (possibly URL-encoded).
    pub fn from_value(v: &Value) -> Result<Policy, PolicyError> {
        if let Value::String(s) = v {
            return Policy::parse(s);
        }
        if !v.is_object() {
            return Err(PolicyError::invalid(
                "(document)",
                format!("expected a JSON object, found {}", kind(v)),
            ));
        }
        let wire = WirePolicy::deserialize(v)
            .map_err(|e| PolicyError::invalid("(document)", e.to_string()))?;
        lower_policy(wire)
    }
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

fn lower_policy(w: WirePolicy) -> Result<Policy, PolicyError> {
    let version = match &w.version {
        None => None,
        Some(Value::String(s)) if s == "2012-10-17" => Some(PolicyVersion::V2012_10_17),
        Some(Value::String(s)) if s == "2008-10-17" => Some(PolicyVersion::V2008_10_17),
        Some(Value::String(s)) => {
            return Err(PolicyError::invalid(
                "Version",
                format!("unsupported version {s:?} (expected \"2012-10-17\" or \"2008-10-17\")"),
            ));
        }
        Some(other) => {
            return Err(PolicyError::invalid(
                "Version",
                format!("expected a string, found {}", kind(other)),
            ));
        }
    };
    let id = match &w.id {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            return Err(PolicyError::invalid(
                "Id",
                format!("expected a string, found {}", kind(other)),
            ));
        }
    };
    let variables = version == Some(PolicyVersion::V2012_10_17);
    let raw_statements: Vec<&Value> = match &w.statement {
        None => return Err(PolicyError::invalid("Statement", "missing")),
        Some(Value::Array(a)) => a.iter().collect(),
        Some(o @ Value::Object(_)) => vec![o],
        Some(other) => {
            return Err(PolicyError::invalid(
                "Statement",
                format!(
                    "expected an object or an array of objects, found {}",
                    kind(other)
                ),
            ));
        }
    };
    let mut statements = Vec::with_capacity(raw_statements.len());
    for (i, s) in raw_statements.into_iter().enumerate() {
        statements.push(lower_statement(s, i, variables)?);
    }
    Ok(Policy {
        version,
        id,
        statements,
    })
}

fn string_list(v: &Value, path: &str) -> Result<Vec<String>, PolicyError> {
    match v {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, it) in items.iter().enumerate() {
                match it {
                    Value::String(s) => out.push(s.clone()),
                    other => {
                        return Err(PolicyError::invalid(
                            format!("{path}[{i}]"),
                            format!("expected a string, found {}", kind(other)),
                        ));
                    }
                }
            }
            if out.is_empty() {
                return Err(PolicyError::invalid(path, "empty list"));
            }
            Ok(out)
        }
        other => Err(PolicyError::invalid(
            path,
            format!(
                "expected a string or an array of strings, found {}",
                kind(other)
            ),
        )),
    }
}

fn lower_statement(v: &Value, i: usize, variables: bool) -> Result<Statement, PolicyError> {
    let at = |field: &str| format!("Statement[{i}].{field}");
    if !v.is_object() {
        return Err(PolicyError::invalid(
            format!("Statement[{i}]"),
            format!("expected an object, found {}", kind(v)),
        ));
    }
    let w = WireStatement::deserialize(v)
        .map_err(|e| PolicyError::invalid(format!("Statement[{i}]"), e.to_string()))?;
    let sid = match &w.sid {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            return Err(PolicyError::invalid(
                at("Sid"),
                format!("expected a string, found {}", kind(other)),
            ));
        }
    };
    let effect = match &w.effect {
        Some(Value::String(s)) if s == "Allow" => Effect::Allow,
        Some(Value::String(s)) if s == "Deny" => Effect::Deny,
        Some(Value::String(s)) => {
            return Err(PolicyError::invalid(
                at("Effect"),
                format!("expected \"Allow\" or \"Deny\", found {s:?}"),
            ));
        }
        Some(other) => {
            return Err(PolicyError::invalid(
                at("Effect"),
                format!("expected a string, found {}", kind(other)),
            ));
        }
        None => return Err(PolicyError::invalid(at("Effect"), "missing")),
    };
    let action = match (&w.action, &w.not_action) {
        (Some(a), None) => ActionSpec::Action(
            string_list(a, &at("Action"))?
                .iter()
                .map(|s| ActionPattern::new(s))
                .collect(),
        ),
        (None, Some(a)) => ActionSpec::NotAction(
            string_list(a, &at("NotAction"))?
                .iter()
                .map(|s| ActionPattern::new(s))
                .collect(),
        ),
        (Some(_), Some(_)) => {
            return Err(PolicyError::invalid(
                format!("Statement[{i}]"),
                "has both Action and NotAction",
            ));
        }
        (None, None) => {
            return Err(PolicyError::invalid(
                format!("Statement[{i}]"),
                "has neither Action nor NotAction",
            ));
        }
    };
    let resource = match (&w.resource, &w.not_resource) {
        (Some(r), None) => Some(ResourceSpec::Resource(
            string_list(r, &at("Resource"))?
                .iter()
                .map(|s| ResourcePattern::new(s, variables))
                .collect(),
        )),
        (None, Some(r)) => Some(ResourceSpec::NotResource(
            string_list(r, &at("NotResource"))?
                .iter()
                .map(|s| ResourcePattern::new(s, variables))
                .collect(),
        )),
        (Some(_), Some(_)) => {
            return Err(PolicyError::invalid(
                format!("Statement[{i}]"),
                "has both Resource and NotResource",
            ));
        }
        (None, None) => None,
    };
    let principal = match (&w.principal, &w.not_principal) {
        (Some(p), None) => Some(PrincipalSpec::Principal(lower_principals(
            p,
            &at("Principal"),
        )?)),
        (None, Some(p)) => Some(PrincipalSpec::NotPrincipal(lower_principals(
            p,
            &at("NotPrincipal"),
        )?)),
        (Some(_), Some(_)) => {
            return Err(PolicyError::invalid(
                format!("Statement[{i}]"),
                "has both Principal and NotPrincipal",
            ));
        }
        (None, None) => None,
    };
    let condition = match &w.condition {
        None => Vec::new(),
        Some(c) => lower_condition(c, &at("Condition"), variables)?,
    };
    Ok(Statement {
        sid,
        effect,
        action,
        resource,
        principal,
        condition,
    })
}

fn lower_principals(v: &Value, path: &str) -> Result<Principals, PolicyError> {
    match v {
        Value::String(s) if s == "*" => Ok(Principals::Any),
        Value::String(s) => Err(PolicyError::invalid(
            path,
            format!("a bare string principal must be \"*\", found {s:?} (use {{\"AWS\": ...}})"),
        )),
        Value::Object(m) => {
            if m.is_empty() {
                return Err(PolicyError::invalid(path, "empty principal object"));
            }
            let mut entries = Vec::with_capacity(m.len());
            for (k, vals) in m {
                let Some(kind) = PrincipalType::from_name(k) else {
                    return Err(PolicyError::invalid(
                        format!("{path}.{k}"),
                        "unknown principal type (expected AWS, Service, Federated or CanonicalUser)",
                    ));
                };
                let vpath = format!("{path}.{k}");
                let raw = string_list(vals, &vpath)?;
                let mut values = Vec::with_capacity(raw.len());
                for (i, v) in raw.iter().enumerate() {
                    check_principal_value(kind, v, || {
                        if matches!(vals, Value::Array(_)) {
                            format!("{vpath}[{i}]")
                        } else {
                            vpath.clone()
                        }
                    })?;
                    values.push(PrincipalValue::new(kind, v));
                }
                entries.push(PrincipalEntry { kind, values });
            }
            Ok(Principals::Map(entries))
        }
        other => Err(PolicyError::invalid(
            path,
            format!("expected \"*\" or an object, found {}", kind(other)),
        )),
    }
}

/// Rejects the principal values IAM rejects. IAM User Guide, Principal: "You cannot use a
/// wildcard to match part of a principal name or ARN." — only the bare `*` is a wildcard
/// (`"Principal": "*"` and `{"AWS": "*"}` are equivalent); "You cannot identify a user
/// group as a principal in a policy"; and a principal cannot be empty. Everything else
/// (account ids, root/role/user/assumed-role/federated-user ARNs, service and federated
/// principals, canonical user ids, and the unique ids IAM shows for deleted principals) is
/// accepted.
fn check_principal_value(
    kind: PrincipalType,
    v: &str,
    path: impl Fn() -> String,
) -> Result<(), PolicyError> {
    if v.is_empty() {
        return Err(PolicyError::invalid(path(), "empty principal"));
    }
    if kind == PrincipalType::Aws
        && super::arn::split_arn(v).is_some_and(|p| p[2] == "iam" && p[5].starts_with("group/"))
    {
        return Err(PolicyError::invalid(
            path(),
            format!("{v:?}: a user group cannot be a principal"),
        ));
    }
    if v != "*" && v.contains(['*', '?']) {
        return Err(PolicyError::invalid(
            path(),
            format!(
                "{v:?}: a wildcard cannot match part of a principal name or ARN (only a bare \"*\" is allowed)"
            ),
        ));
    }
    Ok(())
}

fn condition_values(v: &Value, path: &str) -> Result<Vec<String>, PolicyError> {
    let scalar = |x: &Value, p: String| -> Result<String, PolicyError> {
        match x {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) => Ok(n.to_string()),
            Value::Bool(b) => Ok(b.to_string()),
            other => Err(PolicyError::invalid(
                p,
                format!(
                    "expected a string, number or boolean, found {}",
                    kind(other)
                ),
            )),
        }
    };
    match v {
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, it) in items.iter().enumerate() {
                out.push(scalar(it, format!("{path}[{i}]"))?);
            }
            Ok(out)
        }
        other => Ok(vec![scalar(other, path.to_string())?]),
    }
}

fn lower_condition(v: &Value, path: &str, variables: bool) -> Result<Vec<Condition>, PolicyError> {
    let Value::Object(ops) = v else {
        return Err(PolicyError::invalid(
            path,
            format!("expected an object, found {}", kind(v)),
        ));
    };
    let mut out = Vec::new();
    for (op_name, keys) in ops {
        let op_path = format!("{path}.{op_name}");
        let Some(op) = Operator::parse(op_name) else {
            return Err(PolicyError::invalid(op_path, "unknown condition operator"));
        };
        let Value::Object(keys) = keys else {
            return Err(PolicyError::invalid(
                op_path,
                format!("expected an object of condition keys, found {}", kind(keys)),
            ));
        };
        for (key, vals) in keys {
            let key_path = format!("{op_path}.{key}");
            let values = condition_values(vals, &key_path)?;
            out.push(Condition::new(
                op, op_name, key, values, variables, &key_path,
            )?);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_encoded() {
        let enc = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%7D";
        let p = Policy::parse(enc).unwrap();
        assert_eq!(p.statements().len(), 1);
    }

    #[test]
    fn errors_name_fields() {
        let e = Policy::parse(
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*"},{"Effect":"Allow","Action":5}]}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("Statement[1].Action"), "{e}");
        let e = Policy::parse(r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Condition":{"StringEqualz":{"a":"b"}}}}"#)
            .unwrap_err();
        assert!(e.to_string().contains("StringEqualz"), "{e}");
        let e = Policy::parse(r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Condition":{"ArnLike":{"aws:SourceArn":"not-an-arn"}}}}"#)
            .unwrap_err();
        assert!(e.to_string().contains("aws:SourceArn"), "{e}");
    }
}
