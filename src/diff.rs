//! What changed between two runs: new, resolved and changed findings, and score deltas.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::checks::{Control, Finding, Status};
use crate::report::Report;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingChange {
    pub id: String,
    pub check: String,
    pub account: String,
    pub region: Option<String>,
    pub resource: String,
    /// `None` when the finding was not in that run.
    pub before: Option<Status>,
    pub after: Option<Status>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreDelta {
    pub before: Option<u32>,
    pub after: Option<u32>,
    pub delta: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diff {
    /// Findings present only in the newer run.
    pub new: Vec<FindingChange>,
    /// Findings that failed before and pass now (or are gone).
    pub resolved: Vec<FindingChange>,
    /// Every other status change (e.g. pass → fail, fail → unknown).
    pub changed: Vec<FindingChange>,
    pub overall: ScoreDelta,
    pub by_control: BTreeMap<Control, ScoreDelta>,
}

impl Diff {
    /// Findings failing now that were not failing before: what `--fail-on-new` counts.
    pub fn newly_failing(&self) -> impl Iterator<Item = &FindingChange> {
        self.new
            .iter()
            .chain(&self.changed)
            .filter(|c| c.after == Some(Status::Fail))
    }
}

fn delta(before: Option<u32>, after: Option<u32>) -> ScoreDelta {
    ScoreDelta {
        before,
        after,
        delta: match (before, after) {
            (Some(b), Some(a)) => Some(a as i64 - b as i64),
            _ => None,
        },
    }
}

fn change(f: &Finding, before: Option<Status>, after: Option<Status>) -> FindingChange {
    FindingChange {
        id: f.id.clone(),
        check: f.check.clone(),
        account: f.account.clone(),
        region: f.region.clone(),
        resource: f.resource.clone(),
        before,
        after,
        message: f.message.clone(),
    }
}

pub fn diff(old: &Report, new: &Report) -> Diff {
    let before: BTreeMap<&str, &Finding> =
        old.findings.iter().map(|f| (f.id.as_str(), f)).collect();
    let after: BTreeMap<&str, &Finding> = new.findings.iter().map(|f| (f.id.as_str(), f)).collect();
    let mut d = Diff {
        new: Vec::new(),
        resolved: Vec::new(),
        changed: Vec::new(),
        overall: delta(old.scores.overall, new.scores.overall),
        by_control: BTreeMap::new(),
    };
    for (id, f) in &after {
        match before.get(id) {
            None => d.new.push(change(f, None, Some(f.status))),
            Some(b) if b.status == f.status => {}
            Some(b) if b.status == Status::Fail && f.status == Status::Pass => {
                d.resolved.push(change(f, Some(b.status), Some(f.status)))
            }
            Some(b) => d.changed.push(change(f, Some(b.status), Some(f.status))),
        }
    }
    for (id, b) in &before {
        if !after.contains_key(id) && b.status == Status::Fail {
            d.resolved.push(change(b, Some(b.status), None));
        }
    }
    for c in Control::ALL {
        let b = old.scores.by_control.get(&c).and_then(|s| s.score);
        let a = new.scores.by_control.get(&c).and_then(|s| s.score);
        if b.is_some() || a.is_some() {
            d.by_control.insert(c, delta(b, a));
        }
    }
    d
}

pub fn render_table(d: &Diff) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let fmt_score = |s: Option<u32>| s.map(|v| v.to_string()).unwrap_or_else(|| "n/a".into());
    let fmt_delta = |s: Option<i64>| s.map(|v| format!("{v:+}")).unwrap_or_default();
    let _ = writeln!(
        out,
        "Score {} → {} {}",
        fmt_score(d.overall.before),
        fmt_score(d.overall.after),
        fmt_delta(d.overall.delta)
    );
    for (c, s) in &d.by_control {
        let _ = writeln!(
            out,
            "  {:<11} {} → {} {}",
            c.as_str(),
            fmt_score(s.before),
            fmt_score(s.after),
            fmt_delta(s.delta)
        );
    }
    let st = |s: Option<Status>| s.map(|s| s.as_str()).unwrap_or("absent");
    for (title, list) in [
        ("New", &d.new),
        ("Resolved", &d.resolved),
        ("Changed", &d.changed),
    ] {
        let _ = writeln!(out, "\n{title} ({})", list.len());
        for c in list {
            let _ = writeln!(
                out,
                "  {} {} → {}  {}  {}{}  {}",
                c.check,
                st(c.before),
                st(c.after),
                c.account,
                c.region
                    .as_deref()
                    .map(|r| format!("{r}  "))
                    .unwrap_or_default(),
                c.resource,
                c.message
            );
        }
    }
    out
}
