//! The report: one value every writer consumes.

pub mod csv;
pub mod html;
pub mod json;
pub mod junit;
pub mod ocsf;
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
            evidence: json!({}),
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
