//! Condition operators: the AST, value compilation and (three-valued) evaluation.

use super::arn::{ArnPattern, is_valid_arn_pattern, split_arn};
use super::context::Lookup;
use super::error::PolicyError;
use super::ip::{Cidr, parse_addr};
use super::vars::{Resolved, Template, concat};
use super::wildcard::Pattern;

/// Three-valued truth for open-world evaluation (`Unknown` = depends on unknown keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tri {
    False,
    Unknown,
    True,
}

impl Tri {
    #[inline]
    pub(crate) fn and(self, o: Tri) -> Tri {
        match (self, o) {
            (Tri::False, _) | (_, Tri::False) => Tri::False,
            (Tri::True, Tri::True) => Tri::True,
            _ => Tri::Unknown,
        }
    }
    #[inline]
    pub(crate) fn or(self, o: Tri) -> Tri {
        match (self, o) {
            (Tri::True, _) | (_, Tri::True) => Tri::True,
            (Tri::False, Tri::False) => Tri::False,
            _ => Tri::Unknown,
        }
    }
    #[inline]
    pub(crate) fn not(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }
    #[inline]
    pub(crate) fn from_bool(b: bool) -> Tri {
        if b { Tri::True } else { Tri::False }
    }
}

/// The operator without its `ForAnyValue:`/`ForAllValues:` prefix and `IfExists` suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OperatorBase {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnNotEquals,
    ArnLike,
    ArnNotLike,
    Null,
}

use OperatorBase as O;

const ALL_OPS: [OperatorBase; 27] = [
    O::StringEquals,
    O::StringNotEquals,
    O::StringEqualsIgnoreCase,
    O::StringNotEqualsIgnoreCase,
    O::StringLike,
    O::StringNotLike,
    O::NumericEquals,
    O::NumericNotEquals,
    O::NumericLessThan,
    O::NumericLessThanEquals,
    O::NumericGreaterThan,
    O::NumericGreaterThanEquals,
    O::DateEquals,
    O::DateNotEquals,
    O::DateLessThan,
    O::DateLessThanEquals,
    O::DateGreaterThan,
    O::DateGreaterThanEquals,
    O::Bool,
    O::BinaryEquals,
    O::IpAddress,
    O::NotIpAddress,
    O::ArnEquals,
    O::ArnNotEquals,
    O::ArnLike,
    O::ArnNotLike,
    O::Null,
];

impl OperatorBase {
    pub fn name(self) -> &'static str {
        match self {
            O::StringEquals => "StringEquals",
            O::StringNotEquals => "StringNotEquals",
            O::StringEqualsIgnoreCase => "StringEqualsIgnoreCase",
            O::StringNotEqualsIgnoreCase => "StringNotEqualsIgnoreCase",
            O::StringLike => "StringLike",
            O::StringNotLike => "StringNotLike",
            O::NumericEquals => "NumericEquals",
            O::NumericNotEquals => "NumericNotEquals",
            O::NumericLessThan => "NumericLessThan",
            O::NumericLessThanEquals => "NumericLessThanEquals",
            O::NumericGreaterThan => "NumericGreaterThan",
            O::NumericGreaterThanEquals => "NumericGreaterThanEquals",
            O::DateEquals => "DateEquals",
            O::DateNotEquals => "DateNotEquals",
            O::DateLessThan => "DateLessThan",
            O::DateLessThanEquals => "DateLessThanEquals",
            O::DateGreaterThan => "DateGreaterThan",
            O::DateGreaterThanEquals => "DateGreaterThanEquals",
            O::Bool => "Bool",
            O::BinaryEquals => "BinaryEquals",
            O::IpAddress => "IpAddress",
            O::NotIpAddress => "NotIpAddress",
            O::ArnEquals => "ArnEquals",
            O::ArnNotEquals => "ArnNotEquals",
            O::ArnLike => "ArnLike",
            O::ArnNotLike => "ArnNotLike",
            O::Null => "Null",
        }
    }

    /// Case-insensitive lookup by name.
    pub fn from_name(s: &str) -> Option<OperatorBase> {
        ALL_OPS
            .iter()
            .copied()
            .find(|o| o.name().eq_ignore_ascii_case(s))
    }

    /// Negated operators are true only if no policy value matches (NOR), and true on a
    /// missing key.
    pub fn is_negated(self) -> bool {
        matches!(
            self,
            O::StringNotEquals
                | O::StringNotEqualsIgnoreCase
                | O::StringNotLike
                | O::NumericNotEquals
                | O::DateNotEquals
                | O::NotIpAddress
                | O::ArnNotEquals
                | O::ArnNotLike
        )
    }

    /// The positive form of a negated operator (identity for positive ones).
    pub fn positive(self) -> OperatorBase {
        match self {
            O::StringNotEquals => O::StringEquals,
            O::StringNotEqualsIgnoreCase => O::StringEqualsIgnoreCase,
            O::StringNotLike => O::StringLike,
            O::NumericNotEquals => O::NumericEquals,
            O::DateNotEquals => O::DateEquals,
            O::NotIpAddress => O::IpAddress,
            O::ArnNotEquals => O::ArnEquals,
            O::ArnNotLike => O::ArnLike,
            o => o,
        }
    }
}

/// `ForAnyValue:` / `ForAllValues:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    ForAnyValue,
    ForAllValues,
}

/// A full condition operator, e.g. `ForAllValues:StringLikeIfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operator {
    pub qualifier: Option<SetQualifier>,
    pub base: OperatorBase,
    pub if_exists: bool,
}

impl Operator {
    /// Parses an operator name (case-insensitive).
    pub fn parse(name: &str) -> Option<Operator> {
        let (qualifier, rest) = if let Some(r) = strip_prefix_ci(name, "ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), r)
        } else if let Some(r) = strip_prefix_ci(name, "ForAllValues:") {
            (Some(SetQualifier::ForAllValues), r)
        } else {
            (None, name)
        };
        if let Some(base) = OperatorBase::from_name(rest) {
            return Some(Operator {
                qualifier,
                base,
                if_exists: false,
            });
        }
        let n = rest.len();
        if n > 8 && rest.is_char_boundary(n - 8) && rest[n - 8..].eq_ignore_ascii_case("IfExists") {
            let base = OperatorBase::from_name(&rest[..n - 8])?;
            if base == O::Null {
                return None;
            }
            return Some(Operator {
                qualifier,
                base,
                if_exists: true,
            });
        }
        None
    }

    /// The canonical name.
    pub fn name(&self) -> String {
        let q = match self.qualifier {
            Some(SetQualifier::ForAnyValue) => "ForAnyValue:",
            Some(SetQualifier::ForAllValues) => "ForAllValues:",
            None => "",
        };
        let s = if self.if_exists { "IfExists" } else { "" };
        format!("{q}{}{s}", self.base.name())
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    if s.len() >= prefix.len()
        && s.is_char_boundary(prefix.len())
        && s[..prefix.len()].eq_ignore_ascii_case(prefix)
    {
        Some(&s[prefix.len()..])
    } else {
        None
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Compiled {
    Text(String),
    TextTemplate(Template),
    Like(Pattern),
    LikeTemplate(Template),
    Num(f64),
    Date(i128),
    Bool(bool),
    Cidr(Cidr),
    Arn(ArnPattern),
    AnyArn,
    ArnTemplate(Template),
}

/// One value of a condition (its text as written, and its compiled form).
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionValue {
    pub raw: String,
    pub(crate) compiled: Compiled,
}

/// One `operator: { key: values }` entry of a `Condition` block.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub operator: Operator,
    /// The key as written.
    pub key: String,
    pub values: Vec<ConditionValue>,
    /// Lowercased key.
    pub(crate) key_lc: String,
    /// The operator as written (printed back as written, so documents round-trip).
    pub(crate) operator_raw: String,
}

impl Condition {
    /// Compiles a condition; `path` names it in errors.
    pub(crate) fn new(
        operator: Operator,
        operator_raw: &str,
        key: &str,
        raw_values: Vec<String>,
        variables: bool,
        path: &str,
    ) -> Result<Condition, PolicyError> {
        if key.is_empty() {
            return Err(PolicyError::invalid(path, "empty condition key"));
        }
        let mut values = Vec::with_capacity(raw_values.len());
        for (i, raw) in raw_values.into_iter().enumerate() {
            let vpath = || format!("{path}[{i}]");
            let tmpl = if variables {
                Template::parse(&raw)
            } else {
                None
            };
            let base = operator.base.positive();
            let compiled = match base {
                O::StringEquals | O::StringEqualsIgnoreCase => match tmpl {
                    Some(t) => Compiled::TextTemplate(t),
                    None => Compiled::Text(raw.clone()),
                },
                O::BinaryEquals => Compiled::Text(raw.clone()),
                O::StringLike => match tmpl {
                    Some(t) => Compiled::LikeTemplate(t),
                    None => Compiled::Like(Pattern::new(&raw)),
                },
                O::NumericEquals
                | O::NumericLessThan
                | O::NumericLessThanEquals
                | O::NumericGreaterThan
                | O::NumericGreaterThanEquals => match parse_num(&raw) {
                    Some(n) => Compiled::Num(n),
                    None => {
                        return Err(PolicyError::invalid(
                            vpath(),
                            format!("{:?} is not a number", raw),
                        ));
                    }
                },
                O::DateEquals
                | O::DateLessThan
                | O::DateLessThanEquals
                | O::DateGreaterThan
                | O::DateGreaterThanEquals => match parse_date(&raw) {
                    Some(d) => Compiled::Date(d),
                    None => {
                        return Err(PolicyError::invalid(
                            vpath(),
                            format!("{:?} is not an ISO 8601 date or epoch seconds", raw),
                        ));
                    }
                },
                O::Bool | O::Null => match parse_bool(&raw) {
                    Some(b) => Compiled::Bool(b),
                    None => {
                        return Err(PolicyError::invalid(
                            vpath(),
                            format!("{:?} is not true or false", raw),
                        ));
                    }
                },
                O::IpAddress => match Cidr::parse(&raw) {
                    Some(c) => Compiled::Cidr(c),
                    None => {
                        return Err(PolicyError::invalid(
                            vpath(),
                            format!("{:?} is not an IPv4 or IPv6 address or CIDR block", raw),
                        ));
                    }
                },
                O::ArnEquals | O::ArnLike => match tmpl {
                    Some(t) => Compiled::ArnTemplate(t),
                    None if raw == "*" => Compiled::AnyArn,
                    None => match ArnPattern::new(&raw) {
                        Some(p) if is_valid_arn_pattern(&raw) => Compiled::Arn(p),
                        _ => {
                            return Err(PolicyError::invalid(
                                vpath(),
                                format!(
                                    "{:?} is not an ARN (expected arn:partition:service:region:account:resource)",
                                    raw
                                ),
                            ));
                        }
                    },
                },
                _ => unreachable_positive(base),
            };
            values.push(ConditionValue { raw, compiled });
        }
        Ok(Condition {
            operator,
            key: key.to_string(),
            values,
            key_lc: key.to_lowercase(),
            operator_raw: operator_raw.to_string(),
        })
    }

    /// The lowercased key.
    pub fn key_lowercase(&self) -> &str {
        &self.key_lc
    }

    /// Evaluates against the context (`lookup` resolves lowercased keys).
    pub(crate) fn eval<'a>(&'a self, lookup: &dyn Fn(&str) -> Lookup<'a>) -> Tri {
        let op = self.operator;
        let found = lookup(&self.key_lc);
        if op.base == O::Null {
            let absent = match found {
                Lookup::Unknown => return Tri::Unknown,
                Lookup::Missing => true,
                Lookup::Present(v) => v.is_empty(),
            };
            let any = self.values.iter().any(|v| match v.compiled {
                Compiled::Bool(b) => b == absent,
                _ => false,
            });
            return Tri::from_bool(any);
        }
        let negated = op.base.is_negated();
        let vals = match found {
            Lookup::Unknown => return Tri::Unknown,
            Lookup::Missing => {
                if op.if_exists {
                    return Tri::True;
                }
                return match op.qualifier {
                    Some(SetQualifier::ForAllValues) => Tri::True,
                    Some(SetQualifier::ForAnyValue) => Tri::False,
                    None => Tri::from_bool(negated),
                };
            }
            Lookup::Present(v) => v,
        };
        let base = op.base.positive();
        // result for one context value: any policy value matches (negated: none does)
        let one = |cv: &str| -> Tri {
            let mut acc = Tri::False;
            for pv in &self.values {
                acc = acc.or(value_matches(base, &pv.compiled, cv, lookup));
                if acc == Tri::True {
                    break;
                }
            }
            if negated { acc.not() } else { acc }
        };
        // A plain (unqualified) operator on a multivalued key. AWS says only "Multivalued
        // context keys require a condition set operator" (IAM User Guide, "Single-valued vs.
        // multivalued context keys") and does not document the result without one.
        // perimeter decides: a positive operator is true when any request value matches any
        // policy value (the `ForAnyValue` reading, which is also what a single-valued key
        // gives), and a negated operator is exactly its negation — true when no request
        // value matches. An empty list therefore behaves like a missing key (positive false,
        // negated true), and `StringEquals`/`StringNotEquals` never both hold.
        let all = match op.qualifier {
            Some(SetQualifier::ForAllValues) => true,
            Some(SetQualifier::ForAnyValue) => false,
            None => negated,
        };
        if all {
            let mut acc = Tri::True;
            for cv in vals {
                acc = acc.and(one(cv));
                if acc == Tri::False {
                    break;
                }
            }
            acc
        } else {
            let mut acc = Tri::False;
            for cv in vals {
                acc = acc.or(one(cv));
                if acc == Tri::True {
                    break;
                }
            }
            acc
        }
    }

    /// The context keys this condition depends on (its key and any variables in values).
    pub fn keys(&self) -> Vec<String> {
        let mut out = vec![self.key_lc.clone()];
        for v in &self.values {
            if let Compiled::TextTemplate(t)
            | Compiled::LikeTemplate(t)
            | Compiled::ArnTemplate(t) = &v.compiled
            {
                out.extend(t.keys().map(str::to_string));
            }
        }
        out
    }
}

fn unreachable_positive(base: OperatorBase) -> Compiled {
    // positive() never returns a negated operator; keep a harmless fallback.
    Compiled::Text(base.name().to_string())
}

fn value_matches<'a>(
    base: OperatorBase,
    pv: &'a Compiled,
    cv: &str,
    lookup: &dyn Fn(&str) -> Lookup<'a>,
) -> Tri {
    match pv {
        Compiled::Text(t) => Tri::from_bool(text_eq(base, t, cv)),
        Compiled::TextTemplate(t) => match t.resolve(lookup) {
            Resolved::Pieces(p) => Tri::from_bool(text_eq(base, &concat(&p), cv)),
            Resolved::Missing => Tri::False,
            Resolved::Unknown => Tri::Unknown,
        },
        Compiled::Like(p) => Tri::from_bool(p.matches(cv)),
        Compiled::LikeTemplate(t) => match t.resolve(lookup) {
            Resolved::Pieces(p) => Tri::from_bool(Pattern::from_pieces(&p, false).matches(cv)),
            Resolved::Missing => Tri::False,
            Resolved::Unknown => Tri::Unknown,
        },
        Compiled::Num(n) => Tri::from_bool(match parse_num(cv) {
            Some(x) => cmp_ok(base, x.partial_cmp(n)),
            None => false,
        }),
        Compiled::Date(d) => Tri::from_bool(match parse_date(cv) {
            Some(x) => cmp_ok(base, Some(x.cmp(d))),
            None => false,
        }),
        Compiled::Bool(b) => Tri::from_bool(parse_bool(cv) == Some(*b)),
        Compiled::Cidr(c) => Tri::from_bool(parse_addr(cv).is_some_and(|a| c.contains(a))),
        Compiled::Arn(p) => {
            Tri::from_bool(split_arn(cv).is_some_and(|parts| p.matches_parts(&parts)))
        }
        Compiled::AnyArn => Tri::True,
        Compiled::ArnTemplate(t) => match t.resolve(lookup) {
            Resolved::Pieces(p) => {
                if p.len() == 1 && p[0].text == "*" && p[0].wild {
                    return Tri::True;
                }
                Tri::from_bool(ArnPattern::from_pieces(&p).is_some_and(|ap| ap.matches(cv)))
            }
            Resolved::Missing => Tri::False,
            Resolved::Unknown => Tri::Unknown,
        },
    }
}

fn text_eq(base: OperatorBase, policy: &str, cv: &str) -> bool {
    match base {
        O::StringEqualsIgnoreCase => policy
            .chars()
            .flat_map(char::to_lowercase)
            .eq(cv.chars().flat_map(char::to_lowercase)),
        _ => policy == cv,
    }
}

/// `ctx <op> policy`: ordering of the context value relative to the policy value.
fn cmp_ok(base: OperatorBase, ord: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::*;
    let Some(o) = ord else { return false };
    match base {
        O::NumericEquals | O::DateEquals => o == Equal,
        O::NumericLessThan | O::DateLessThan => o == Less,
        O::NumericLessThanEquals | O::DateLessThanEquals => o != Greater,
        O::NumericGreaterThan | O::DateGreaterThan => o == Greater,
        O::NumericGreaterThanEquals | O::DateGreaterThanEquals => o != Less,
        _ => false,
    }
}

pub(crate) fn parse_num(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty()
        || !t
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
    {
        return None;
    }
    t.parse::<f64>().ok().filter(|f| f.is_finite())
}

pub(crate) fn parse_bool(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Parses an ISO 8601 date/time (UTC when no offset is given) or epoch seconds into
/// nanoseconds since the epoch.
pub(crate) fn parse_date(s: &str) -> Option<i128> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    if let Some(n) = fast_utc_timestamp(t.as_bytes()) {
        return Some(n);
    }
    if t.bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
        && !t[1..].contains('-')
    {
        let secs: f64 = t.parse().ok()?;
        if !secs.is_finite() || secs.abs() > 1e13 {
            return None;
        }
        return Some((secs * 1e9) as i128);
    }
    if let Ok(ts) = t.parse::<jiff::Timestamp>() {
        return Some(ts.as_nanosecond());
    }
    if let Ok(dt) = t.parse::<jiff::civil::DateTime>() {
        return dt
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|z| z.timestamp().as_nanosecond());
    }
    if let Ok(d) = t.parse::<jiff::civil::Date>() {
        return d
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|z| z.timestamp().as_nanosecond());
    }
    None
}

/// Fast path for the common `YYYY-MM-DDTHH:MM:SS[.fff]Z` form (what AWS puts in
/// `aws:CurrentTime`); anything else goes through jiff.
fn fast_utc_timestamp(b: &[u8]) -> Option<i128> {
    if b.len() < 20 || b[b.len() - 1] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let mut v: i64 = 0;
        for &c in &b[r] {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + i64::from(c - b'0');
        }
        Some(v)
    };
    if b[4] != b'-'
        || b[7] != b'-'
        || !(b[10] == b'T' || b[10] == b't')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59 {
        return None;
    }
    let mut nanos: i64 = 0;
    let rest = &b[19..b.len() - 1];
    if !rest.is_empty() {
        if rest[0] != b'.' || rest.len() < 2 || rest.len() > 10 {
            return None;
        }
        let frac = num(20..b.len() - 1)?;
        nanos = frac * 10i64.pow(10 - rest.len() as u32);
    }
    let days = days_from_civil(y, mo, d);
    let secs = days * 86_400 + h * 3600 + mi * 60 + s;
    Some(i128::from(secs) * 1_000_000_000 + i128::from(nanos))
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_dates_agree_with_jiff() {
        for s in [
            "1970-01-01T00:00:00Z",
            "2026-06-01T12:00:00Z",
            "2000-02-29T23:59:59Z",
            "1999-12-31T23:59:59.5Z",
            "2024-03-10T01:02:03.123456789Z",
            "1900-03-01T00:00:00Z",
        ] {
            let jiff = s.parse::<jiff::Timestamp>().unwrap().as_nanosecond();
            assert_eq!(fast_utc_timestamp(s.as_bytes()), Some(jiff), "{s}");
        }
        assert_eq!(fast_utc_timestamp(b"2023-02-29T00:00:00Z"), None);
        assert_eq!(fast_utc_timestamp(b"2023-02-28T00:00:00+01:00"), None);
    }

    #[test]
    fn operator_names() {
        let o = Operator::parse("ForAllValues:StringLikeIfExists").unwrap();
        assert_eq!(o.qualifier, Some(SetQualifier::ForAllValues));
        assert_eq!(o.base, O::StringLike);
        assert!(o.if_exists);
        assert_eq!(o.name(), "ForAllValues:StringLikeIfExists");
        assert!(Operator::parse("StringEqualz").is_none());
        assert!(Operator::parse("NullIfExists").is_none());
        assert!(Operator::parse("IfExists").is_none());
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("1970-01-01T00:00:10Z"), Some(10_000_000_000));
        assert_eq!(parse_date("10"), Some(10_000_000_000));
        assert!(parse_date("2024-06-01").is_some());
        assert!(parse_date("2024-06-01T12:00:00").is_some());
        assert!(parse_date("2024-06-01T12:00:00+02:00").is_some());
        assert!(parse_date("yesterday").is_none());
    }
}
