//! The catalogue's vocabulary, depended on by everything and depending on nothing of
//! perimeter's own: check codes, statuses, severities, controls, findings and check
//! metadata. `config`, `checks`, `compliance`, `mutes` and `report` use these types; none
//! of them is needed here.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// A check code: three capital letters, a hyphen, three digits (`IAM-001`). Parsing is
/// case-insensitive and normalises to capitals, so `iam-001` written in a config file
/// means the same check everywhere it is compared.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CheckCode(String);

impl CheckCode {
    pub fn parse(s: &str) -> Result<CheckCode, String> {
        let up = s.trim().to_ascii_uppercase();
        let b = up.as_bytes();
        let ok = b.len() == 7
            && b[..3].iter().all(u8::is_ascii_uppercase)
            && b[3] == b'-'
            && b[4..].iter().all(u8::is_ascii_digit);
        if ok {
            Ok(CheckCode(up))
        } else {
            Err(format!(
                "{s:?} is not a check code (three letters, a hyphen and three digits, e.g. IAM-001)"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The control prefix (`IAM` of `IAM-001`).
    pub fn prefix(&self) -> &str {
        &self.0[..3]
    }
}

impl TryFrom<String> for CheckCode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        CheckCode::parse(&s)
    }
}

impl From<CheckCode> for String {
    fn from(c: CheckCode) -> String {
        c.0
    }
}

impl FromStr for CheckCode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CheckCode::parse(s)
    }
}

impl fmt::Display for CheckCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::ops::Deref for CheckCode {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for CheckCode {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for CheckCode {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for CheckCode {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

impl PartialEq<CheckCode> for String {
    fn eq(&self, other: &CheckCode) -> bool {
        *self == other.0
    }
}

impl PartialEq<CheckCode> for &str {
    fn eq(&self, other: &CheckCode) -> bool {
        *self == other.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Unknown,
    Muted,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Unknown => "unknown",
            Status::Muted => "muted",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Ordered from least to most severe, so `>=` compares as `--fail-on` expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Weight in scores. Info findings do not move a score.
    pub fn weight(self) -> u32 {
        match self {
            Severity::Info => 0,
            Severity::Low => 1,
            Severity::Medium => 3,
            Severity::High => 6,
            Severity::Critical => 10,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            _ => Err(format!(
                "{s:?} is not a severity (critical, high, medium, low, info)"
            )),
        }
    }
}

/// The baseline's controls (C1–C5) plus tenant isolation and cross-Region inference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Control {
    Iam,
    Network,
    Kms,
    Logging,
    Guardrails,
    Tenant,
    Cris,
    Agents,
    Usage,
    Threat,
    Residency,
}

impl Control {
    pub const ALL: [Control; 11] = [
        Control::Iam,
        Control::Network,
        Control::Kms,
        Control::Logging,
        Control::Guardrails,
        Control::Tenant,
        Control::Cris,
        Control::Agents,
        Control::Usage,
        Control::Threat,
        Control::Residency,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Control::Iam => "iam",
            Control::Network => "network",
            Control::Kms => "kms",
            Control::Logging => "logging",
            Control::Guardrails => "guardrails",
            Control::Tenant => "tenant",
            Control::Cris => "cris",
            Control::Agents => "agents",
            Control::Usage => "usage",
            Control::Threat => "threat",
            Control::Residency => "residency",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Control::Iam => "C1 IAM: scoped invocation",
            Control::Network => "C2 Network: private endpoints",
            Control::Kms => "C3 Encryption: customer-managed keys",
            Control::Logging => "C4 Logging: auditable invocations",
            Control::Guardrails => "C5 Guardrails: injection and PII defence",
            Control::Tenant => "TEN Multi-tenant isolation",
            Control::Cris => "CRI Cross-Region inference and residency",
            Control::Agents => "AGT Agents and AgentCore: runtime exposure",
            Control::Usage => "USE Cost and abuse: budgets, alarms, quotas",
            Control::Threat => "THR Threat signals in event history",
            Control::Residency => "RES Residency evidence: where inference ran",
        }
    }
}

impl fmt::Display for Control {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Control {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let l = s.to_ascii_lowercase();
        Control::ALL
            .into_iter()
            .find(|c| {
                c.as_str() == l
                    || (l == "ten" && *c == Control::Tenant)
                    || (l == "cri" && *c == Control::Cris)
                    || (l == "net" && *c == Control::Network)
                    || (l == "log" && *c == Control::Logging)
                    || (l == "grd" && *c == Control::Guardrails)
                    || (l == "agt" && *c == Control::Agents)
                    || (l == "use" && *c == Control::Usage)
                    || (l == "thr" && *c == Control::Threat)
                    || (l == "res" && *c == Control::Residency)
            })
            .ok_or_else(|| {
                format!(
                    "{s:?} is not a control (iam, network, kms, logging, guardrails, tenant, cris, agents, usage, threat, residency)"
                )
            })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable hash of check, account, Region and resource.
    pub id: String,
    pub check: String,
    pub slug: String,
    pub control: Control,
    pub status: Status,
    pub severity: Severity,
    pub account: String,
    pub region: Option<String>,
    pub resource: String,
    pub message: String,
    pub evidence: Evidence,
    /// Why the finding is muted (only for `muted`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mute: Option<Value>,
}

/// A finding's evidence: compact JSON text, held compressed against its check's other evidence.
///
/// An organisation's run (or a 10,000-role IAM dump) has tens of thousands of findings
/// whose evidence, the largest part of each, is written once and rarely read in between.
/// As JSON trees it took ten times the memory of the text. The evidence of one check is
/// much alike from one finding to the next (the same keys, actions, probe resources and
/// phrases), so as a check runs its evidence is LZ4-compressed against a dictionary
/// made of that check's first long evidence in the run ([`Evidence::packed`]): about a fifth
/// of the text. Writers that read into it parse it on demand ([`Evidence::value`]); the
/// JSON report streams it from the text (as the JSON it holds, never as a string).
#[derive(Clone)]
pub struct Evidence(Repr);

#[derive(Clone)]
enum Repr {
    Text(Box<str>),
    /// LZ4 block with the text's length prepended, against `dict`.
    Packed {
        bytes: Box<[u8]>,
        dict: Arc<str>,
    },
}

/// Shorter texts are kept as they are (compression would not pay for itself).
const EVIDENCE_PACK_FROM: usize = 96;

impl Evidence {
    /// No evidence (`null`).
    pub fn null() -> Evidence {
        Evidence(Repr::Text("null".into()))
    }

    /// The compact JSON text.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        use std::borrow::Cow;
        match &self.0 {
            Repr::Text(t) => Cow::Borrowed(t),
            Repr::Packed { bytes, dict } => {
                lz4_flex::block::decompress_size_prepended_with_dict(bytes, dict.as_bytes())
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                    .map_or(Cow::Borrowed("null"), Cow::Owned)
            }
        }
    }

    /// The evidence as a JSON value (parsed on each call).
    pub fn value(&self) -> Value {
        serde_json::from_str(&self.text()).unwrap_or(Value::Null)
    }

    /// Starts a new set of evidence that is alike (one check's run) on this thread: the next
    /// long enough evidence packed here becomes the set's dictionary.
    pub fn begin_set() {
        PACK_DICT.with(|d| *d.borrow_mut() = None);
    }

    /// The evidence of a value, packed against this thread's current set
    /// ([`Evidence::begin_set`]). The text it reads back is the value's.
    pub fn packed(v: &Value) -> Evidence {
        Evidence::pack_text(v.to_string())
    }

    fn pack_text(text: String) -> Evidence {
        if text.len() < EVIDENCE_PACK_FROM {
            return Evidence(Repr::Text(text.into_boxed_str()));
        }
        PACK_DICT.with(|cell| {
            let mut dict = cell.borrow_mut();
            let Some(d) = dict.as_ref() else {
                let d: Arc<str> = Arc::from(text);
                *dict = Some(d.clone());
                return Evidence(Repr::Text(Box::from(&*d)));
            };
            let bytes =
                lz4_flex::block::compress_prepend_size_with_dict(text.as_bytes(), d.as_bytes());
            if bytes.len() < text.len() {
                Evidence(Repr::Packed {
                    bytes: bytes.into_boxed_slice(),
                    dict: d.clone(),
                })
            } else {
                Evidence(Repr::Text(text.into_boxed_str()))
            }
        })
    }

    /// Packs evidence held as text against this thread's current set (see
    /// [`Evidence::packed`]).
    pub fn pack_all<'a>(all: impl IntoIterator<Item = &'a mut Evidence>) {
        for e in all {
            if let Repr::Text(text) = &mut e.0 {
                let text = std::mem::take(text).into_string();
                *e = Evidence::pack_text(text);
            }
        }
    }
}

thread_local! {
    /// The dictionary of the set of evidence being packed on this thread.
    static PACK_DICT: std::cell::RefCell<Option<Arc<str>>> = const { std::cell::RefCell::new(None) };
}

impl PartialEq for Evidence {
    fn eq(&self, other: &Evidence) -> bool {
        self.text() == other.text()
    }
}

impl Eq for Evidence {}

impl std::hash::Hash for Evidence {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.text().hash(h);
    }
}

impl Default for Evidence {
    fn default() -> Self {
        Evidence::null()
    }
}

impl From<Value> for Evidence {
    fn from(v: Value) -> Evidence {
        Evidence::from(&v)
    }
}

impl From<&Value> for Evidence {
    fn from(v: &Value) -> Evidence {
        Evidence(Repr::Text(v.to_string().into_boxed_str()))
    }
}

impl fmt::Debug for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Evidence({})", self.text())
    }
}

impl fmt::Display for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl Serialize for Evidence {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Straight from the text into the writer (pretty or not), without a tree.
        let text = self.text();
        let mut de = serde_json::Deserializer::from_str(&text);
        serde_transcode::transcode(&mut de, s)
    }
}

impl<'de> Deserialize<'de> for Evidence {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Evidence, D::Error> {
        crate::model::JsonText::deserialize(d).map(|t| Evidence(Repr::Text(t.as_str().into())))
    }
}

/// The stable finding id: the first 20 hex digits of SHA-256 over the identifying fields.
pub fn finding_id(check: &str, account: &str, region: Option<&str>, resource: &str) -> String {
    let mut h = Sha256::new();
    for part in [check, account, region.unwrap_or("-"), resource] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    hex::encode(&h.finalize()[..10])
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metadata {
    pub code: CheckCode,
    /// Kebab-case name of the bad state.
    pub slug: String,
    pub title: String,
    pub control: Control,
    pub severity: Severity,
    /// What kind of resource a finding points at (e.g. `AwsIamRole`).
    pub resource_type: String,
    /// Why it matters.
    pub rationale: String,
    pub remediation: Remediation,
    #[serde(default)]
    pub references: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Remediation {
    /// What to do, in prose (console steps).
    pub console: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cli: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terraform: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloudformation: Option<String>,
}

impl Metadata {
    /// Parse a metadata file; the registry's meta-test makes sure every shipped file parses.
    pub fn parse(source: &str) -> Result<Metadata, String> {
        toml::from_str(source).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::{CheckCode, Evidence};
    use serde_json::Value;

    #[test]
    fn evidence_text_writes_the_json_it_holds() {
        let v = serde_json::json!({"b": [1, 2.5, null, true], "a": {"x": "<\u{1b}>"}, "n": -3});
        let e = Evidence::from(&v);
        assert_eq!(e.value(), v);
        // Compact and pretty output are those of the value itself (key order kept).
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            serde_json::to_string(&v).unwrap()
        );
        assert_eq!(
            serde_json::to_string_pretty(&e).unwrap(),
            serde_json::to_string_pretty(&v).unwrap()
        );
        let back: Evidence = serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
        assert_eq!(back, e);
        assert_eq!(Evidence::null().value(), Value::Null);
        assert_eq!(e.to_string(), v.to_string());
    }

    #[test]
    fn evidence_packed_against_its_checks_first_reads_back_whole() {
        let make = |i: usize| {
            let reasons: Vec<Value> = (0..3)
                .map(|j| serde_json::json!({"layer": "identity", "policy": format!("arn:aws:iam::111122223333:role/r{i}#inline/p{j}"), "detail": "statement allows bedrock:InvokeModel on arn:aws:bedrock:us-east-1::foundation-model/x"}))
                .collect();
            serde_json::json!({"principal": format!("arn:aws:iam::111122223333:role/r{i}"), "reasons": reasons, "note": "x\"y\u{0}<>"})
        };
        let values: Vec<Value> = (0..50).map(make).collect();
        let mut all: Vec<Evidence> = values.iter().map(Evidence::from).collect();
        all.push(Evidence::from(serde_json::json!({"short": 1})));
        all.push(Evidence::null());
        let before: usize = values.iter().map(|v| v.to_string().len()).sum();
        Evidence::begin_set();
        Evidence::pack_all(all.iter_mut());
        // Packed as they are made, against the same set: the same bytes.
        let made: Vec<Evidence> = values.iter().map(Evidence::packed).collect();
        assert_eq!(made, all[..50]);
        let held: usize = all[..50]
            .iter()
            .map(|e| match &e.0 {
                super::Repr::Text(t) => t.len(),
                super::Repr::Packed { bytes, .. } => bytes.len(),
            })
            .sum();
        assert!(held * 3 < before, "{held} bytes held for {before}");
        assert!(matches!(all[1].0, super::Repr::Packed { .. }));
        assert!(matches!(all[50].0, super::Repr::Text(_)));
        for (e, v) in all.iter().zip(&values) {
            assert_eq!(&e.value(), v);
            assert_eq!(e.to_string(), v.to_string());
            assert_eq!(serde_json::to_string(e).unwrap(), v.to_string());
            let back: Evidence =
                serde_json::from_str(&serde_json::to_string_pretty(e).unwrap()).unwrap();
            assert_eq!(&back, e);
        }
        assert_eq!(all[51].value(), Value::Null);
    }

    #[test]
    fn codes_are_validated_and_case_insensitive() {
        assert_eq!(CheckCode::parse("iam-001").unwrap(), "IAM-001");
        assert_eq!(CheckCode::parse(" Kms-007 ").unwrap().as_str(), "KMS-007");
        for bad in [
            "IAM001", "IAM-01", "IA-001", "IAM-0011", "", "1AM-001", "IAM-00a",
        ] {
            assert!(CheckCode::parse(bad).is_err(), "{bad:?}");
        }
        let c: CheckCode = serde_json::from_str("\"grd-006\"").unwrap();
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"GRD-006\"");
    }
}
