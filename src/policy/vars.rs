//! Policy variables (`${aws:username}`, `${key, 'default'}`, `${*}`, `${?}`, `${$}`).
//!
//! Variables are only recognised in documents with `"Version": "2012-10-17"`. A value or
//! resource with variables is kept as a [`Template`] and resolved against the request
//! context at evaluation time. Text coming from a variable (or from `${*}` and friends) is
//! literal: a `*` in a user name never acts as a wildcard.

use super::context::Lookup;
use super::wildcard::Piece;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TPart {
    /// Policy text (wildcards active where the operator supports them).
    Text(String),
    /// A context key, lowercased, with an optional default.
    Var {
        key: String,
        default: Option<String>,
    },
    /// `${*}`, `${?}`, `${$}`.
    Lit(&'static str),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template {
    parts: Vec<TPart>,
}

/// The outcome of resolving a template.
pub(crate) enum Resolved<'a> {
    Pieces(Vec<Piece<'a>>),
    /// A variable's key is not in the context (and has no default).
    Missing,
    /// A variable's key is unknown (open-world evaluation).
    Unknown,
}

impl Template {
    /// Parses `s`; `None` if it contains no variable.
    pub(crate) fn parse(s: &str) -> Option<Template> {
        if !s.contains("${") {
            return None;
        }
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut rest = s;
        let mut any_var = false;
        while let Some(i) = rest.find("${") {
            let after = &rest[i + 2..];
            let Some(close) = after.find('}') else {
                break;
            };
            let inner = after[..close].trim();
            let part = match inner {
                "*" => Some(TPart::Lit("*")),
                "?" => Some(TPart::Lit("?")),
                "$" => Some(TPart::Lit("$")),
                _ => parse_var(inner),
            };
            match part {
                Some(p) => {
                    text.push_str(&rest[..i]);
                    if !text.is_empty() {
                        parts.push(TPart::Text(std::mem::take(&mut text)));
                    }
                    parts.push(p);
                    any_var = true;
                    rest = &after[close + 1..];
                }
                None => {
                    text.push_str(&rest[..i + 2]);
                    rest = after;
                }
            }
        }
        text.push_str(rest);
        if !text.is_empty() {
            parts.push(TPart::Text(text));
        }
        any_var.then_some(Template { parts })
    }

    /// The context keys the template reads.
    pub(crate) fn keys(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            TPart::Var { key, .. } => Some(key.as_str()),
            _ => None,
        })
    }

    /// Resolves against the context.
    pub(crate) fn resolve<'a>(&'a self, lookup: &dyn Fn(&str) -> Lookup<'a>) -> Resolved<'a> {
        let mut out = Vec::with_capacity(self.parts.len());
        for p in &self.parts {
            match p {
                TPart::Text(t) => out.push(Piece {
                    text: t,
                    wild: true,
                }),
                TPart::Lit(l) => out.push(Piece {
                    text: l,
                    wild: false,
                }),
                TPart::Var { key, default } => match lookup(key) {
                    Lookup::Present([v]) => out.push(Piece {
                        text: v,
                        wild: false,
                    }),
                    Lookup::Unknown => return Resolved::Unknown,
                    // absent, empty or multi-valued keys cannot be substituted
                    _ => match default {
                        Some(d) => out.push(Piece {
                            text: d,
                            wild: false,
                        }),
                        None => return Resolved::Missing,
                    },
                },
            }
        }
        Resolved::Pieces(out)
    }
}

fn parse_var(inner: &str) -> Option<TPart> {
    let (key, default) = match inner.split_once(',') {
        Some((k, d)) => {
            let d = d.trim();
            let d = d.strip_prefix('\'')?.strip_suffix('\'')?;
            (k.trim(), Some(d.to_string()))
        }
        None => (inner, None),
    };
    if key.is_empty()
        || key
            .chars()
            .any(|c| c.is_whitespace() || c == '$' || c == '{')
    {
        return None;
    }
    Some(TPart::Var {
        key: key.to_lowercase(),
        default,
    })
}

/// Concatenates resolved pieces into one string.
pub(crate) fn concat(pieces: &[Piece<'_>]) -> String {
    pieces.iter().map(|p| p.text).collect()
}
