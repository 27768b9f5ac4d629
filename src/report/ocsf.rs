//! OCSF 1.1.0 Compliance Finding (class 2003), one JSON object per line — the shape
//! Security Hub, Security Lake and SIEM pipelines import.
//!
//! Every line validates against the class's JSON Schema for OCSF 1.1.0
//! (`tests/fixtures/schemas/`, checked by `tests/it/report_schemas.rs`): the required
//! attributes are there, every `*_id` is one of the version's enum values and its sibling
//! string is that value's caption, and nothing outside the class is emitted (perimeter's
//! own fields go in `unmapped`). Attributes without a value (a global finding's Region)
//! are left out, never `null`.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::Report;
use crate::checks::{Finding, Severity, Status};

/// The OCSF version the lines follow (`metadata.version`).
pub const OCSF_VERSION: &str = "1.1.0";

/// `severity_id` and its caption (`severity`).
fn severity(s: Severity) -> (u8, &'static str) {
    match s {
        Severity::Info => (1, "Informational"),
        Severity::Low => (2, "Low"),
        Severity::Medium => (3, "Medium"),
        Severity::High => (4, "High"),
        Severity::Critical => (5, "Critical"),
    }
}

/// `compliance.status_id` and its caption: the check's verdict.
fn compliance_status(s: Status) -> (u8, &'static str) {
    match s {
        Status::Pass => (1, "Pass"),
        Status::Fail | Status::Muted => (3, "Fail"),
        Status::Unknown => (0, "Unknown"),
    }
}

/// The finding's `status_id` and caption: a muted finding is a suppressed one.
fn finding_status(s: Status) -> (u8, &'static str) {
    match s {
        Status::Muted => (3, "Suppressed"),
        Status::Pass | Status::Fail | Status::Unknown => (1, "New"),
    }
}

/// Milliseconds since the epoch (OCSF's `timestamp_t`).
fn epoch_ms(t: &str) -> Option<i64> {
    t.parse::<jiff::Timestamp>()
        .ok()
        .map(|t| t.as_millisecond())
}

/// A non-empty text, else the fallback.
fn or_else(text: &str, fallback: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        fallback.to_string()
    } else {
        text.to_string()
    }
}

/// The ARN's partition (`aws`, `aws-cn`, `aws-us-gov`), when the resource is an ARN.
fn partition(resource: &str) -> Option<&str> {
    let mut parts = resource.splitn(3, ':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("arn"), Some(p), Some(_)) if !p.is_empty() => Some(p),
        _ => None,
    }
}

fn line(report: &Report, f: &Finding, time: i64) -> Value {
    let meta = report.catalogue.get(&f.check);
    let (severity_id, severity) = severity(f.severity);
    let (status_id, status) = finding_status(f.status);
    let (cstatus_id, cstatus) = compliance_status(f.status);

    let requirements: Vec<String> = meta.map(|m| m.requirements.clone()).unwrap_or_default();
    // `"<framework> <requirement>"` → the frameworks, by title where the report has one.
    let standards: BTreeSet<String> = requirements
        .iter()
        .filter_map(|r| r.split_whitespace().next())
        .map(|fw| {
            report
                .framework_titles
                .get(fw)
                .cloned()
                .unwrap_or_else(|| fw.to_string())
        })
        .collect();

    let mut account = json!({"uid": f.account, "type": "AWS Account", "type_id": 10});
    if let Some(name) = report.run.account_name(&f.account) {
        account["name"] = json!(name);
    }
    let mut cloud = json!({"provider": "AWS", "account": account});
    let mut resource = json!({"uid": f.resource});
    if let Some(region) = &f.region {
        cloud["region"] = json!(region);
        resource["region"] = json!(region);
    }
    if let Some(m) = meta.filter(|m| !m.resource_type.is_empty()) {
        resource["type"] = json!(m.resource_type);
    }
    if let Some(p) = partition(&f.resource) {
        resource["cloud_partition"] = json!(p);
    }

    let mut finding_info = Map::new();
    finding_info.insert("uid".into(), json!(f.id));
    finding_info.insert(
        "title".into(),
        json!(or_else(
            meta.map(|m| m.title.as_str()).unwrap_or_default(),
            &f.check
        )),
    );
    if let Some(desc) = meta.map(|m| m.rationale.trim()).filter(|d| !d.is_empty()) {
        finding_info.insert("desc".into(), json!(desc));
    }
    finding_info.insert("types".into(), json!([f.control.as_str()]));
    finding_info.insert(
        "analytic".into(),
        json!({"uid": f.check, "name": f.slug, "type": "Rule", "type_id": 1}),
    );

    let remediation = meta.and_then(|m| {
        let desc = m.remediation.console.trim();
        (!desc.is_empty()).then(|| {
            let mut r = json!({"desc": desc});
            if !m.references.is_empty() {
                r["references"] = json!(m.references);
            }
            r
        })
    });

    let mut unmapped = Map::new();
    unmapped.insert("perimeter_status".into(), json!(f.status));
    unmapped.insert("evidence".into(), f.evidence.value());
    if let Some(mute) = &f.mute {
        unmapped.insert("mute".into(), mute.clone());
    }

    let mut obj = json!({
        "class_uid": 2003,
        "class_name": "Compliance Finding",
        "category_uid": 2,
        "category_name": "Findings",
        "activity_id": 1,
        "activity_name": "Create",
        "type_uid": 200301,
        "type_name": "Compliance Finding: Create",
        "time": time,
        "timezone_offset": 0,
        "severity_id": severity_id,
        "severity": severity,
        "status_id": status_id,
        "status": status,
        "message": f.message,
        "metadata": {
            "version": OCSF_VERSION,
            "profiles": ["cloud"],
            "product": {"name": "perimeter", "vendor_name": "perimeter", "version": report.tool.version},
            "uid": f.id
        },
        "finding_info": finding_info,
        "compliance": {
            "control": f.check,
            "status": cstatus,
            "status_id": cstatus_id,
            "standards": standards,
            "requirements": requirements
        },
        "cloud": cloud,
        "resource": resource
    });
    if let Some(r) = remediation {
        obj["remediation"] = r;
    }
    obj["unmapped"] = Value::Object(unmapped);
    obj
}

pub fn render(report: &Report) -> String {
    // `time` is required: when the run finished, else when it started, else the epoch
    // (a report whose times are not RFC 3339 — none that perimeter writes).
    let time = epoch_ms(&report.run.finished)
        .or_else(|| epoch_ms(&report.run.started))
        .unwrap_or(0);
    let mut out = String::new();
    for f in &report.findings {
        out.push_str(&line(report, f, time).to_string());
        out.push('\n');
    }
    out
}
