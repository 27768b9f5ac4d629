//! The report: one value every writer consumes.

pub mod asff;
pub mod csv;
pub mod html;
pub mod json;
pub mod junit;
pub mod ocsf;
pub mod residency;
pub mod sarif;
pub mod table;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::checks::{Control, Finding, Severity, Status};
use crate::compliance::{self, RequirementStatus};
use crate::model::{Gap, Snapshot, ToolInfo};

/// The JSON report's schema version (documented in README.md).
pub const REPORT_SCHEMA_VERSION: &str = "1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: String,
    pub tool: ToolInfo,
    pub run: RunInfo,
    pub summary: Summary,
    pub findings: Vec<Finding>,
    pub scores: Scores,
    /// Framework id → each requirement's status with the findings behind it.
    pub compliance: BTreeMap<String, Vec<RequirementStatus>>,
    pub gaps: Vec<Gap>,
    /// Mutes that expired or matched nothing (only when a mutes file was given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mutes: Option<crate::mutes::MuteOutcome>,
    /// What the catalogue says of each check the findings name (title, rationale,
    /// remediation, the requirements it evidences): the writers read it from here, so a
    /// report renders the same from any version that loads it.
    #[serde(default)]
    pub catalogue: BTreeMap<String, CheckInfo>,
    /// Framework id → its title, for the frameworks in `compliance`.
    #[serde(default)]
    pub framework_titles: BTreeMap<String, String>,
    /// Where the Bedrock calls of accounts with a residency requirement were served
    /// (only when some account has one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residency: Option<residency::ResidencySection>,
}

/// A check as the catalogue describes it, carried in the report for its writers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckInfo {
    pub slug: String,
    pub title: String,
    pub control: Control,
    pub severity: Severity,
    pub resource_type: String,
    pub rationale: String,
    pub remediation: crate::catalogue::Remediation,
    #[serde(default)]
    pub references: Vec<String>,
    /// `"<framework> <requirement>"` for every requirement the check evidences.
    #[serde(default)]
    pub requirements: Vec<String>,
}

/// The catalogue entries of the checks that `findings` name.
fn catalogue_of(findings: &[Finding]) -> BTreeMap<String, CheckInfo> {
    let mut out = BTreeMap::new();
    for f in findings {
        if out.contains_key(&f.check) {
            continue;
        }
        let Some(entry) = crate::checks::registry::find(&f.check) else {
            continue;
        };
        let m = crate::checks::registry::metadata(entry.code());
        let requirements = compliance::frameworks()
            .iter()
            .flat_map(|fw| {
                fw.requirements
                    .iter()
                    .filter(|r| r.checks.contains(&f.check))
                    .map(move |r| format!("{} {}", fw.id, r.id))
            })
            .collect();
        out.insert(
            f.check.clone(),
            CheckInfo {
                slug: m.slug.clone(),
                title: m.title.clone(),
                control: m.control,
                severity: m.severity,
                resource_type: m.resource_type.clone(),
                rationale: m.rationale.trim().to_string(),
                remediation: m.remediation.clone(),
                references: m.references.clone(),
                requirements,
            },
        );
    }
    out
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    pub started: String,
    pub finished: String,
    pub caller: String,
    pub accounts: Vec<String>,
    pub regions: Vec<String>,
    /// `live`, `gaad`, `merged`.
    pub source: String,
    pub partial: bool,
    /// Account id → account name (from AWS Organizations), for the accounts that have one.
    #[serde(default)]
    pub account_names: BTreeMap<String, String>,
    /// Accounts (and Regions of read accounts) of which nothing could be read: every
    /// check says `unknown` there, so their scores say nothing about their controls.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_collected: Vec<NotCollected>,
}

/// An account, or one Region of an account (`region` set), with no collected data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotCollected {
    pub account: String,
    #[serde(default)]
    pub region: Option<String>,
    /// Short reason (`AssumeRole: AccessDenied`); the whole error is in `gaps`.
    pub reason: String,
}

impl RunInfo {
    /// The account's name, when Organizations gave one.
    pub fn account_name(&self, id: &str) -> Option<&str> {
        self.account_names.get(id).map(String::as_str)
    }

    /// Why the whole account was not collected, when it was not.
    pub fn account_not_collected(&self, id: &str) -> Option<&str> {
        self.not_collected
            .iter()
            .find(|n| n.account == id && n.region.is_none())
            .map(|n| n.reason.as_str())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub total: usize,
    pub pass: usize,
    pub fail: usize,
    pub unknown: usize,
    pub muted: usize,
    /// Failing findings per severity.
    pub fail_by_severity: BTreeMap<String, usize>,
}

/// A 0–100 score: passed weight over evaluated weight, weighted by severity. `unknown`
/// counts as evaluated and not passed; muted and info findings do not count.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// `None` when nothing was evaluated.
    pub score: Option<u32>,
    pub pass: usize,
    pub fail: usize,
    pub unknown: usize,
    pub passed_weight: u32,
    pub evaluated_weight: u32,
}

impl Score {
    fn add(&mut self, f: &Finding) {
        let w = f.severity.weight();
        match f.status {
            Status::Pass => {
                self.pass += 1;
                self.passed_weight += w;
                self.evaluated_weight += w;
            }
            Status::Fail => {
                self.fail += 1;
                self.evaluated_weight += w;
            }
            Status::Unknown => {
                self.unknown += 1;
                self.evaluated_weight += w;
            }
            Status::Muted => {}
        }
        self.score = (self.evaluated_weight > 0).then(|| {
            ((self.passed_weight as f64 * 100.0 / self.evaluated_weight as f64).round()) as u32
        });
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AccountScore {
    pub overall: Score,
    pub by_control: BTreeMap<Control, Score>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    pub overall: Option<u32>,
    pub overall_detail: Score,
    pub by_control: BTreeMap<Control, Score>,
    pub by_account: BTreeMap<String, AccountScore>,
    /// OU path (`Root/Workloads/Prod`) → score over the accounts at or below it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub by_ou: BTreeMap<String, Score>,
}

pub fn score(findings: &[Finding]) -> Scores {
    let mut s = Scores::default();
    for f in findings {
        s.overall_detail.add(f);
        s.by_control.entry(f.control).or_default().add(f);
        let a = s.by_account.entry(f.account.clone()).or_default();
        a.overall.add(f);
        a.by_control.entry(f.control).or_default().add(f);
    }
    s.overall = s.overall_detail.score;
    s
}

/// Account id → name: the snapshot's accounts first, then the organization's list.
pub fn account_names(snapshot: &Snapshot) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for a in &snapshot.accounts {
        if let Some(n) = a.name.as_deref().filter(|n| !n.is_empty()) {
            names.insert(a.id.clone(), n.to_string());
        }
    }
    for a in snapshot.organization.iter().flat_map(|o| &o.accounts) {
        if !a.name.is_empty() {
            names.entry(a.id.clone()).or_insert_with(|| a.name.clone());
        }
    }
    names
}

/// A gap's error cut to its operation and first phrase: `AssumeRole: AccessDenied`.
fn short_reason(g: &Gap) -> String {
    let head = g
        .error
        .split([':', ';', '\n'])
        .next()
        .unwrap_or_default()
        .split(" (")
        .next()
        .unwrap_or_default()
        .trim();
    let head: String = if head.chars().count() > 60 {
        head.chars().take(59).chain(['…']).collect()
    } else {
        head.to_string()
    };
    if head.is_empty() {
        g.operation.clone()
    } else {
        format!("{}: {head}", g.operation)
    }
}

fn region_unread(r: &crate::model::RegionData) -> bool {
    r.kms.is_none()
        && r.bedrock.is_none()
        && r.ec2.is_none()
        && r.cloudtrail.is_none()
        && r.s3.is_none()
        && r.logs.is_none()
}

/// Accounts with no data at all (IAM unread and no Region read, e.g. `AssumeRole` denied
/// or the account timed out), and Regions of read accounts where no service was read.
pub fn not_collected(snapshot: &Snapshot) -> Vec<NotCollected> {
    let mut out = Vec::new();
    let gap_for = |account: &str, region: Option<&str>| {
        let mut gaps = snapshot
            .gaps
            .iter()
            .filter(|g| g.account == account && g.region.as_deref() == region);
        let first = gaps.clone().next();
        gaps.find(|g| matches!(g.operation.as_str(), "AssumeRole" | "CollectAccount"))
            .or(first)
            .map(short_reason)
    };
    for a in &snapshot.accounts {
        if a.iam.is_none() && a.regions.values().all(region_unread) {
            let reason = gap_for(&a.id, None)
                .or_else(|| {
                    snapshot
                        .gaps
                        .iter()
                        .find(|g| g.account == a.id)
                        .map(short_reason)
                })
                .unwrap_or_else(|| {
                    if a.access.starts_with("unreachable") {
                        "unreachable".into()
                    } else {
                        "no data".into()
                    }
                });
            out.push(NotCollected {
                account: a.id.clone(),
                region: None,
                reason,
            });
            continue;
        }
        for (r, data) in &a.regions {
            if region_unread(data) {
                out.push(NotCollected {
                    account: a.id.clone(),
                    region: Some(r.clone()),
                    reason: gap_for(&a.id, Some(r)).unwrap_or_else(|| "no data".into()),
                });
            }
        }
    }
    for id in &snapshot.meta.accounts {
        if !snapshot.accounts.iter().any(|a| &a.id == id) {
            out.push(NotCollected {
                account: id.clone(),
                region: None,
                reason: gap_for(id, None).unwrap_or_else(|| "not in the snapshot".into()),
            });
        }
    }
    out
}

/// Scores per OU (including nested OUs' accounts), for organisation runs.
pub fn ou_scores(snapshot: &Snapshot, findings: &[Finding]) -> BTreeMap<String, Score> {
    let mut paths: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for a in &snapshot.accounts {
        let mut prefix = String::new();
        for ou in &a.ou_path {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(&ou.name);
            paths.entry(a.id.as_str()).or_default().push(prefix.clone());
        }
    }
    let mut out: BTreeMap<String, Score> = BTreeMap::new();
    if paths.is_empty() {
        return out;
    }
    for f in findings {
        for p in paths.get(f.account.as_str()).into_iter().flatten() {
            out.entry(p.clone()).or_default().add(f);
        }
    }
    out
}

pub fn summarize(findings: &[Finding]) -> Summary {
    let mut s = Summary {
        total: findings.len(),
        ..Summary::default()
    };
    for f in findings {
        match f.status {
            Status::Pass => s.pass += 1,
            Status::Fail => {
                s.fail += 1;
                *s.fail_by_severity
                    .entry(f.severity.as_str().to_string())
                    .or_default() += 1;
            }
            Status::Unknown => s.unknown += 1,
            Status::Muted => s.muted += 1,
        }
    }
    s
}

impl Report {
    pub fn build(snapshot: &Snapshot, findings: Vec<Finding>) -> Report {
        let meta = &snapshot.meta;
        Report {
            schema_version: REPORT_SCHEMA_VERSION.into(),
            tool: ToolInfo::current(),
            run: RunInfo {
                started: meta.started.clone(),
                finished: meta.finished.clone(),
                caller: meta.caller.arn.clone(),
                accounts: meta.accounts.clone(),
                regions: meta.regions.clone(),
                source: meta.source.clone(),
                partial: meta.partial,
                account_names: account_names(snapshot),
                not_collected: not_collected(snapshot),
            },
            summary: summarize(&findings),
            scores: {
                let mut s = score(&findings);
                s.by_ou = ou_scores(snapshot, &findings);
                s
            },
            compliance: compliance::evaluate(&findings),
            gaps: snapshot.gaps.clone(),
            mutes: None,
            catalogue: catalogue_of(&findings),
            framework_titles: compliance::frameworks()
                .iter()
                .map(|f| (f.id.clone(), f.title.clone()))
                .collect(),
            residency: residency::section(&findings),
            findings,
        }
    }

    /// True when a finding fails at or above `threshold`.
    pub fn fails_at(&self, threshold: Severity) -> bool {
        self.findings
            .iter()
            .any(|f| f.status == Status::Fail && f.severity >= threshold)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn f(control: Control, status: Status, severity: Severity) -> Finding {
        Finding {
            id: format!("{control}{status}{severity}"),
            check: "X".into(),
            slug: "x".into(),
            control,
            status,
            severity,
            account: "1".into(),
            region: None,
            resource: "r".into(),
            message: "m".into(),
            evidence: json!({}).into(),
            mute: None,
        }
    }

    #[test]
    fn scores_weight_by_severity_and_count_unknown_against() {
        let fs = vec![
            f(Control::Iam, Status::Pass, Severity::High),
            f(Control::Iam, Status::Fail, Severity::High),
            f(Control::Kms, Status::Unknown, Severity::Medium),
            f(Control::Kms, Status::Pass, Severity::Medium),
            f(Control::Kms, Status::Muted, Severity::Critical),
            f(Control::Kms, Status::Fail, Severity::Info),
        ];
        let s = score(&fs);
        assert_eq!(s.by_control[&Control::Iam].score, Some(50));
        assert_eq!(s.by_control[&Control::Kms].score, Some(50));
        assert_eq!(s.by_control[&Control::Kms].unknown, 1);
        // 6 + 3 passed of 6 + 6 + 3 + 3 evaluated.
        assert_eq!(s.overall, Some(50));
    }

    #[test]
    fn nothing_evaluated_has_no_score() {
        let s = score(&[f(Control::Iam, Status::Muted, Severity::High)]);
        assert_eq!(s.overall, None);
    }
}
