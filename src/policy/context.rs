//! The request context (condition keys and their values) and the request itself.

use serde::Serialize;

/// Condition keys and values. Key names are case-insensitive (stored lowercased); every
/// key holds one or more string values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Context {
    entries: Vec<(String, Vec<String>)>,
}

/// What the evaluator knows about a key.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Lookup<'a> {
    Present(&'a [String]),
    Missing,
    Unknown,
}

impl Context {
    pub fn new() -> Self {
        Context::default()
    }

    fn position(&self, key: &str) -> Option<usize> {
        self.entries
            .iter()
            .position(|(k, _)| k.as_str().eq_ignore_ascii_case(key))
    }

    /// Sets a single-valued key (replacing any previous value).
    pub fn insert(&mut self, key: &str, value: impl Into<String>) {
        self.insert_multi(key, vec![value.into()]);
    }

    /// Sets a multi-valued key (replacing any previous value). An empty list is an empty
    /// set, which is not the same as an absent key for `ForAllValues`/`ForAnyValue`.
    pub fn insert_multi(&mut self, key: &str, values: Vec<String>) {
        match self.position(key) {
            Some(i) => self.entries[i].1 = values,
            None => self.entries.push((key.to_lowercase(), values)),
        }
    }

    /// Removes a key.
    pub fn remove(&mut self, key: &str) {
        if let Some(i) = self.position(key) {
            self.entries.remove(i);
        }
    }

    /// The values of a key, if present.
    pub fn get(&self, key: &str) -> Option<&[String]> {
        self.entries
            .iter()
            .find(|(k, _)| k.as_str().eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_slice())
    }

    /// Lookup by a key that is already lowercase (condition keys are stored so).
    #[inline]
    pub(crate) fn get_lowercase(&self, key_lc: &str) -> Option<&'_ [String]> {
        match self.entries.iter().find(|(k, _)| k == key_lc) {
            Some((_, v)) => Some(v.as_slice()),
            None if key_lc.bytes().any(|b| b.is_ascii_uppercase()) => self.get(key_lc),
            None => None,
        }
    }

    /// True if the key is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// Iterates over (lowercased key, values).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Builds a context from a JSON object whose values are strings, numbers, booleans or
    /// arrays of them. The error names the offending key.
    pub fn from_json(v: &serde_json::Value) -> Result<Context, String> {
        let obj = v
            .as_object()
            .ok_or_else(|| "expected an object of condition keys".to_string())?;
        let mut ctx = Context::new();
        for (k, val) in obj {
            let scalar = |x: &serde_json::Value| -> Option<String> {
                match x {
                    serde_json::Value::String(s) => Some(s.clone()),
                    serde_json::Value::Number(n) => Some(n.to_string()),
                    serde_json::Value::Bool(b) => Some(b.to_string()),
                    _ => None,
                }
            };
            match val {
                serde_json::Value::Array(items) => {
                    let mut vals = Vec::with_capacity(items.len());
                    for (i, it) in items.iter().enumerate() {
                        vals.push(scalar(it).ok_or_else(|| {
                            format!("{k}[{i}]: expected a string, number or boolean")
                        })?);
                    }
                    ctx.insert_multi(k, vals);
                }
                other => {
                    let s = scalar(other).ok_or_else(|| {
                        format!("{k}: expected a string, number, boolean or an array of them")
                    })?;
                    ctx.insert(k, s);
                }
            }
        }
        Ok(ctx)
    }

    /// JSON form: single values as strings, multi-valued keys as arrays.
    pub fn to_json(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        for (k, v) in &self.entries {
            let val = if v.len() == 1 {
                serde_json::Value::String(v[0].clone())
            } else {
                serde_json::Value::Array(v.iter().cloned().map(serde_json::Value::String).collect())
            };
            m.insert(k.clone(), val);
        }
        serde_json::Value::Object(m)
    }
}

/// One authorisation request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Request {
    /// The caller: a user, role, assumed-role session or root ARN, or a service principal
    /// such as `bedrock.amazonaws.com`.
    pub principal: String,
    /// `service:Action`.
    pub action: String,
    /// The resource ARN (or `*` for actions without resource-level permissions).
    pub resource: String,
    /// The account owning the resource; `None` = take it from the resource ARN, and treat
    /// an ARN without an account (e.g. a foundation model) as same-account.
    pub resource_account: Option<String>,
    pub context: Context,
    /// Service-linked roles are not subject to SCPs.
    pub principal_is_service_linked_role: bool,
}

impl Request {
    pub fn new(
        principal: impl Into<String>,
        action: impl Into<String>,
        resource: impl Into<String>,
    ) -> Request {
        Request {
            principal: principal.into(),
            action: action.into(),
            resource: resource.into(),
            ..Request::default()
        }
    }

    /// The principal's account, from its ARN.
    pub fn principal_account(&self) -> Option<&str> {
        super::arn::arn_account(&self.principal)
    }

    /// The resource's account: `resource_account`, else the ARN's account part.
    pub fn effective_resource_account(&self) -> Option<&str> {
        self.resource_account
            .as_deref()
            .filter(|s| !s.is_empty())
            .or_else(|| super::arn::arn_account(&self.resource))
    }
}

/// Which context keys open-world evaluation treats as unknown (could hold any value, or be
/// absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnknownKeys {
    /// Every key not present in the request context.
    AllMissing,
    /// Exactly these keys (case-insensitive), whatever the context says about them.
    Listed(Vec<String>),
}

impl UnknownKeys {
    pub(crate) fn is_unknown(&self, key: &str, in_context: bool) -> bool {
        match self {
            UnknownKeys::AllMissing => !in_context,
            UnknownKeys::Listed(keys) => keys.iter().any(|k| k.eq_ignore_ascii_case(key)),
        }
    }
}
