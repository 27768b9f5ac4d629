//! OCSF 1.1 Compliance Finding (class 2003), one JSON object per line — the shape
//! Security Hub and SIEM pipelines import.

use serde_json::{Value, json};

use super::Report;
use crate::checks::{Severity, Status};

fn severity_id(s: Severity) -> u8 {
    match s {
        Severity::Info => 1,
        Severity::Low => 2,
        Severity::Medium => 3,
        Severity::High => 4,
        Severity::Critical => 5,
    }
}

fn epoch_ms(t: &str) -> Value {
    t.parse::<jiff::Timestamp>()
        .map(|t| json!(t.as_millisecond()))
        .unwrap_or(Value::Null)
}

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let time = epoch_ms(&report.run.finished);
    for f in &report.findings {
        let meta = report.catalogue.get(&f.check);
        let (cstatus, cstatus_id) = match f.status {
            Status::Pass => ("Pass", 1),
            Status::Fail => ("Fail", 3),
            Status::Unknown => ("Unknown", 0),
            Status::Muted => ("Fail", 3),
        };
        let standards: Vec<String> = meta.map(|m| m.requirements.clone()).unwrap_or_default();
        let obj = json!({
            "class_uid": 2003,
            "class_name": "Compliance Finding",
            "category_uid": 2,
            "category_name": "Findings",
            "activity_id": 1,
            "activity_name": "Create",
            "type_uid": 200301,
            "type_name": "Compliance Finding: Create",
            "time": time,
            "severity_id": severity_id(f.severity),
            "severity": f.severity.as_str().to_uppercase(),
            "status_id": if f.status == Status::Muted { 3 } else { 1 },
            "status": if f.status == Status::Muted { "Suppressed" } else { "New" },
            "message": f.message,
            "metadata": {
                "version": "1.1.0",
                "product": {"name": "perimeter", "vendor_name": "perimeter", "version": report.tool.version},
                "uid": f.id
            },
            "finding_info": {
                "uid": f.id,
                "title": meta.map(|m| m.title.clone()).unwrap_or_default(),
                "desc": meta.map(|m| m.rationale.trim().to_string()).unwrap_or_default(),
                "types": [f.control.as_str()]
            },
            "compliance": {
                "control": f.check,
                "status": cstatus,
                "status_id": cstatus_id,
                "standards": standards
            },
            "cloud": {
                "provider": "AWS",
                "account": {"uid": f.account, "type": "AWS Account", "type_id": 10},
                "region": f.region
            },
            "resources": [{
                "uid": f.resource,
                "type": meta.map(|m| m.resource_type.clone()).unwrap_or_default(),
                "region": f.region
            }],
            "remediation": {"desc": meta.map(|m| m.remediation.console.trim().to_string()).unwrap_or_default()},
            "unmapped": {"perimeter_status": f.status, "evidence": f.evidence, "mute": f.mute}
        });
        out.push_str(&obj.to_string());
        out.push('\n');
    }
    out
}
