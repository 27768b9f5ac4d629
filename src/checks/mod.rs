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

pub mod agents;
pub mod cris;
pub mod guardrails;
pub mod iam;
pub mod kms;
pub mod logging;
pub mod network;
pub mod residency;
pub mod tenant;
#[cfg(test)]
pub mod testutil;
pub mod threat;
pub mod usage;

use serde_json::Value;

pub use context::EvalContext;
pub use meta::Metadata;

pub use crate::catalogue::{CheckCode, Control, Finding, Severity, Status, finding_id};

use crate::config::Config;
use crate::model::Snapshot;

/// What a check says about one resource. The runner completes it into a [`Finding`].
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub status: Status,
    pub account: String,
    pub region: Option<String>,
    pub resource: String,
    pub message: String,
    /// Kept as text from the moment the check gives it: a check with thousands of
    /// findings would otherwise hold thousands of JSON trees until it returns.
    pub evidence: crate::catalogue::Evidence,
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
            evidence: crate::catalogue::Evidence::from(&Value::Object(Default::default())),
            severity: None,
        }
    }
    pub fn evidence(mut self, evidence: Value) -> Draft {
        self.evidence = crate::catalogue::Evidence::packed(&evidence);
        self
    }
    pub fn severity(mut self, severity: Severity) -> Draft {
        self.severity = Some(severity);
        self
    }
}

/// What one finding is about: its account, Region and resource, stated once so a check
/// only adds its verdict and message.
#[derive(Debug, Clone)]
pub struct Subject<'a> {
    pub account: &'a str,
    pub region: Option<&'a str>,
    pub resource: String,
}

impl<'a> Subject<'a> {
    pub fn new(account: &'a str, region: Option<&'a str>, resource: impl Into<String>) -> Self {
        Subject {
            account,
            region,
            resource: resource.into(),
        }
    }
    pub fn draft(&self, status: Status, message: impl Into<String>) -> Draft {
        Draft::new(
            status,
            self.account,
            self.region,
            self.resource.clone(),
            message,
        )
    }
    pub fn pass(&self, message: impl Into<String>) -> Draft {
        self.draft(Status::Pass, message)
    }
    pub fn fail(&self, message: impl Into<String>) -> Draft {
        self.draft(Status::Fail, message)
    }
    pub fn unknown(&self, message: impl Into<String>) -> Draft {
        self.draft(Status::Unknown, message)
    }
}

/// One check of the catalogue: only its decision. Its code, metadata and the data it
/// needs are its row in [`registry::CHECKS`].
pub trait Check: Sync {
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
    let selected: Vec<_> = registry::CHECKS
        .iter()
        .filter(|c| filter(registry::metadata(c.code())))
        .collect();
    // Checks are independent and read the context only: they run on every core, each
    // worker taking the next check, and their findings are put back in registry order.
    let run_one = |check: &registry::Entry| -> Vec<Finding> {
        let meta = registry::metadata(check.code());
        let severity = config
            .severity_overrides
            .get(&meta.code)
            .copied()
            .unwrap_or(meta.severity);
        // One check's evidence is much alike: held compressed as it is made.
        crate::catalogue::Evidence::begin_set();
        let mut findings: Vec<Finding> = coverage::enforce(&cx, check.needs(), check.run(&cx))
            .into_iter()
            .map(|d| Finding {
                id: finding_id(&meta.code, &d.account, d.region.as_deref(), &d.resource),
                check: meta.code.to_string(),
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
            })
            .collect();
        // Evidence the coverage rule wrote.
        crate::catalogue::Evidence::pack_all(findings.iter_mut().map(|f| &mut f.evidence));
        findings
    };
    let workers = std::thread::available_parallelism()
        .map(std::num::NonZeroUsize::get)
        .unwrap_or(1)
        .clamp(1, 8)
        .min(selected.len().max(1));
    let mut per_check: Vec<Vec<Finding>> = Vec::with_capacity(selected.len());
    if workers <= 1 {
        per_check.extend(selected.iter().map(|c| run_one(c)));
    } else {
        let next = std::sync::atomic::AtomicUsize::new(0);
        let results: Vec<Vec<(usize, Vec<Finding>)>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers)
                .map(|_| {
                    scope.spawn(|| {
                        let mut mine = Vec::new();
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(check) = selected.get(i) else { break };
                            mine.push((i, run_one(check)));
                        }
                        mine
                    })
                })
                .collect();
            handles
                .into_iter()
                // A worker that panicked (a bug in a check) takes its checks with it; the
                // panic is re-raised so nothing is silently lost.
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        let mut ordered: Vec<(usize, Vec<Finding>)> = results.into_iter().flatten().collect();
        ordered.sort_by_key(|(i, _)| *i);
        per_check.extend(ordered.into_iter().map(|(_, f)| f));
    }
    // The context (parsed policies, the engine's cached answers) is not needed any more:
    // freed before the findings are put together, which is when memory peaks.
    drop(cx);
    let mut findings: Vec<Finding> = Vec::with_capacity(per_check.iter().map(Vec::len).sum());
    findings.extend(per_check.into_iter().flatten());
    // A check may see the same resource twice (e.g. through two Regions); keep the first.
    let keep: Vec<bool> = {
        let mut seen = std::collections::HashSet::with_capacity(findings.len());
        findings
            .iter()
            .map(|f| seen.insert(f.id.as_str()))
            .collect()
    };
    let mut keep = keep.into_iter();
    findings.retain(|_| keep.next().unwrap_or(false));
    // The id is derived from (check, account, Region, resource), so after the dedupe no two
    // findings share a sort key: an unstable sort (no scratch buffer) gives the one order.
    findings.sort_unstable_by(|a, b| {
        (
            a.control,
            &a.check,
            &a.account,
            &a.region,
            &a.resource,
            &a.id,
        )
            .cmp(&(
                b.control,
                &b.check,
                &b.account,
                &b.region,
                &b.resource,
                &b.id,
            ))
    });
    findings
}
