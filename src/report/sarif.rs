//! SARIF 2.1.0: one rule per check, one result per finding (cloud resources as logical
//! locations). Muted findings carry a suppression.

use serde_json::{Value, json};

use super::Report;
use crate::checks::{Severity, Status};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

pub fn render(report: &Report) -> String {
    let rules: Vec<Value> = report
        .catalogue
        .iter()
        .map(|(code, m)| {
            json!({
                "id": code,
                "name": m.slug,
                "shortDescription": {"text": m.title},
                "fullDescription": {"text": m.rationale},
                "help": {"text": m.remediation.console.trim()},
                "defaultConfiguration": {"level": level(m.severity)},
                "properties": {"control": m.control, "severity": m.severity, "tags": [m.control.as_str()]}
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let kind = match f.status {
                Status::Pass => "pass",
                Status::Fail => "fail",
                Status::Unknown => "review",
                Status::Muted => "fail",
            };
            let mut r = json!({
                "ruleId": f.check,
                "kind": kind,
                "level": if f.status == Status::Fail || f.status == Status::Muted { level(f.severity) } else { "none" },
                "message": {"text": f.message},
                "locations": [{"logicalLocations": [{
                    "fullyQualifiedName": f.resource,
                    "kind": "resource"
                }]}],
                "partialFingerprints": {"perimeterFindingId/v1": f.id},
                "properties": {
                    "account": f.account, "region": f.region, "status": f.status,
                    "severity": f.severity, "evidence": f.evidence
                }
            });
            if f.status == Status::Muted {
                r["suppressions"] = json!([{"kind": "external", "justification":
                    f.mute.as_ref().and_then(|m| m.get("reason")).cloned().unwrap_or(Value::Null)}]);
            }
            r
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "perimeter",
                "version": report.tool.version,
                "rules": rules
            }},
            "invocations": [{
                "executionSuccessful": true,
                "startTimeUtc": report.run.started,
                "endTimeUtc": report.run.finished
            }],
            "results": results
        }]
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
