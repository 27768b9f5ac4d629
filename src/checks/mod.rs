//! The check catalogue: a static registry of pure checks over a [`Snapshot`].
//!
//! A check is a unit struct implementing [`Check`]; its metadata (title, rationale,
//! remediation, references) lives in a TOML file under the top-level `checks/` folder,
//! embedded at build time. Codes are listed in one place: [`registry::CHECKS`].
//!
//! Checks return [`Draft`]s; the runner turns them into [`Finding`]s by adding the
//! catalogue data (slug, control, severity with config overrides) and a stable id.

pub mod context;
pub mod coverage;
pub mod meta;
pub mod registry;

pub mod cris;
pub mod guardrails;
pub mod iam;
pub mod kms;
pub mod logging;
pub mod network;
pub mod tenant;
#[cfg(test)]
pub mod testutil;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

pub use context::EvalContext;
pub use meta::Metadata;

use crate::config::Config;
use crate::model::Snapshot;

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
}

impl Control {
    pub const ALL: [Control; 7] = [
        Control::Iam,
        Control::Network,
        Control::Kms,
        Control::Logging,
        Control::Guardrails,
        Control::Tenant,
        Control::Cris,
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
            })
            .ok_or_else(|| {
                format!(
                    "{s:?} is not a control (iam, network, kms, logging, guardrails, tenant, cris)"
                )
            })
    }
}

/// What a check says about one resource. The runner completes it into a [`Finding`].
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub status: Status,
    pub account: String,
    pub region: Option<String>,
    pub resource: String,
    pub message: String,
    pub evidence: Value,
    /// Replaces the catalogue severity for this finding (e.g. `info` for the audit role).
    pub severity: Option<Severity>,
}

impl Draft {
    pub fn new(
        status: Status,
        account: &str,
        region: Option<&str>,
        resource: impl Into<String>,
        message: impl Into<String>,
    ) -> Draft {
        Draft {
            status,
            account: account.to_string(),
            region: region.map(str::to_string),
            resource: resource.into(),
            message: message.into(),
            evidence: Value::Object(Default::default()),
            severity: None,
        }
    }
    pub fn pass(
        account: &str,
        region: Option<&str>,
        resource: impl Into<String>,
        message: impl Into<String>,
    ) -> Draft {
        Draft::new(Status::Pass, account, region, resource, message)
    }
    pub fn fail(
        account: &str,
        region: Option<&str>,
        resource: impl Into<String>,
        message: impl Into<String>,
    ) -> Draft {
        Draft::new(Status::Fail, account, region, resource, message)
    }
    pub fn unknown(
        account: &str,
        region: Option<&str>,
        resource: impl Into<String>,
        message: impl Into<String>,
    ) -> Draft {
        Draft::new(Status::Unknown, account, region, resource, message)
    }
    pub fn evidence(mut self, evidence: Value) -> Draft {
        self.evidence = evidence;
        self
    }
    pub fn severity(mut self, severity: Severity) -> Draft {
        self.severity = Some(severity);
        self
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
    pub evidence: Value,
    /// Why the finding is muted (only for `muted`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mute: Option<Value>,
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

/// One check of the catalogue.
pub trait Check: Sync {
    /// The catalogue code, e.g. `IAM-001`.
    fn code(&self) -> &'static str;
    /// The check's metadata file (TOML), embedded with `include_str!`.
    fn metadata_source(&self) -> &'static str;
    /// The data its verdicts rest on: the runner turns a verdict on data that was not
    /// read into `unknown` and reports what the check could not look at (see [`coverage`]).
    fn needs(&self) -> coverage::Needs;
    /// Evaluate the snapshot. Pure: no I/O, no clock (the context carries "now").
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft>;
}

/// Run every registered check (or those `filter` keeps) over the snapshot.
pub fn run_checks(
    snapshot: &Snapshot,
    config: &Config,
    filter: &dyn Fn(&Metadata) -> bool,
) -> Vec<Finding> {
    let cx = EvalContext::new(snapshot, config);
    let mut findings = Vec::new();
    for check in registry::CHECKS {
        let meta = registry::metadata(check.code());
        if !filter(meta) {
            continue;
        }
        let severity = config
            .severity_overrides
            .get(meta.code.as_str())
            .copied()
            .unwrap_or(meta.severity);
        for d in coverage::enforce(&cx, check.needs(), check.run(&cx)) {
            findings.push(Finding {
                id: finding_id(&meta.code, &d.account, d.region.as_deref(), &d.resource),
                check: meta.code.clone(),
                slug: meta.slug.clone(),
                control: meta.control,
                status: d.status,
                severity: d.severity.unwrap_or(severity),
                account: d.account,
                region: d.region,
                resource: d.resource,
                message: d.message,
                evidence: d.evidence,
                mute: None,
            });
        }
    }
    // A check may see the same resource twice (e.g. through two Regions); keep the first.
    let mut seen = std::collections::HashSet::new();
    findings.retain(|f| seen.insert(f.id.clone()));
    findings.sort_by(|a, b| {
        (a.control, &a.check, &a.account, &a.region, &a.resource).cmp(&(
            b.control,
            &b.check,
            &b.account,
            &b.region,
            &b.resource,
        ))
    });
    findings
}
