//! SARIF 2.1.0: one rule per check, one result per finding. Muted findings carry a
//! suppression.
//!
//! The log validates against the OASIS SARIF 2.1.0 schema and meets GitHub code
//! scanning's upload rules ("SARIF support for code scanning"): every rule has
//! `shortDescription`, `fullDescription` and `help` text, every result names a rule of the
//! run, has `message.text`, one location with `physicalLocation.artifactLocation.uri` and
//! a full `region`, and `partialFingerprints.primaryLocationLineHash` (the only
//! fingerprint GitHub reads). `tests/it/report_schemas.rs` checks all of it.
//!
//! Where a finding "is": perimeter's findings are about AWS resources, not files, but
//! GitHub shows a result only where `artifactLocation.uri` is a file path — a relative
//! reference, or an absolute `file:` URI; an absolute URI of any other scheme (an ARN is
//! one: `arn:`, and so would be `perimeter://…`) is refused. So the URI is a relative path
//! that names the resource, stable from run to run as GitHub wants it:
//! `aws/<account>/<region or global>/<service>/<resource id>` (each segment
//! percent-encoded, so no `:` or space can make it look like a scheme or break it), with
//! the URI base id `CLOUD`, declared in `originalUriBaseIds` without a `uri` (allowed by
//! SARIF §3.14.14): it says that the path is no file on disk. The exact ARN travels in
//! `logicalLocations[].fullyQualifiedName`, which is where SARIF puts things that are
//! not files. The region is line 1, column 1: there is no text to point into, and GitHub
//! needs all four numbers.

use serde_json::{Map, Value, json};

use super::Report;
use crate::checks::{Finding, Severity, Status};

/// The URI base id of the resources' paths (see the module comment).
const BASE_ID: &str = "CLOUD";

/// GitHub shows at most this many characters of a rule's short and full description.
const DESCRIPTION_MAX: usize = 1024;

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` score: over 9.0 is critical, 7.0–8.9 high, 4.0–6.9
/// medium, 0.1–3.9 low. Info has none.
fn security_severity(s: Severity) -> Option<&'static str> {
    match s {
        Severity::Critical => Some("9.5"),
        Severity::High => Some("8.0"),
        Severity::Medium => Some("5.5"),
        Severity::Low => Some("2.0"),
        Severity::Info => None,
    }
}

/// Text cut to GitHub's limit, with "…" when cut.
fn limited(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() <= DESCRIPTION_MAX {
        return text.to_string();
    }
    text.chars()
        .take(DESCRIPTION_MAX - 1)
        .chain(['…'])
        .collect()
}

/// A non-empty text: GitHub refuses empty strings where it requires a text.
fn or_else(text: &str, fallback: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        fallback.to_string()
    } else {
        text.to_string()
    }
}

/// One path segment, percent-encoded: everything but RFC 3986's unreserved characters,
/// and the dots of a `.` or `..` segment (which would otherwise move the path).
fn segment(s: &str) -> String {
    if s == "." || s == ".." {
        return s.replace('.', "%2E");
    }
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// An ARN's service and resource id (`arn:partition:service:region:account:resource`).
fn arn_parts(resource: &str) -> Option<(&str, &str)> {
    match resource.splitn(6, ':').collect::<Vec<_>>().as_slice() {
        ["arn", _partition, service, _region, _account, id] => Some((service, id)),
        _ => None,
    }
}

/// `aws/<account>/<region or global>/<service>/<resource id>`: the resource's place as a
/// relative path (see the module comment). An ARN gives the service and the resource id;
/// anything else is taken whole as the resource id.
fn resource_path(f: &Finding) -> String {
    let mut parts: Vec<&str> = vec!["aws", &f.account, f.region.as_deref().unwrap_or("global")];
    match arn_parts(&f.resource) {
        Some((service, id)) => {
            parts.push(service);
            parts.extend(id.split('/'));
        }
        None => parts.extend(f.resource.split('/')),
    }
    let segments: Vec<String> = parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .map(segment)
        .collect();
    segments.join("/")
}

fn location(f: &Finding) -> Value {
    let mut logical = json!({"fullyQualifiedName": f.resource, "kind": "resource"});
    // An ARN's short name: the last part of its resource id (`key/k1` → `k1`).
    if let Some(name) = arn_parts(&f.resource)
        .and_then(|(_, id)| id.rsplit(['/', ':']).find(|p| !p.is_empty() && *p != "*"))
    {
        logical["name"] = json!(name);
    }
    json!({
        "physicalLocation": {
            "artifactLocation": {"uri": resource_path(f), "uriBaseId": BASE_ID},
            "region": {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1}
        },
        "logicalLocations": [logical]
    })
}

fn help_markdown(m: &super::CheckInfo) -> String {
    let mut md = m.remediation.console.trim().to_string();
    for (title, lang, body) in [
        ("AWS CLI", "sh", &m.remediation.cli),
        ("Terraform", "hcl", &m.remediation.terraform),
        ("CloudFormation", "yaml", &m.remediation.cloudformation),
    ] {
        if let Some(body) = body.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
            md.push_str(&format!("\n\n**{title}**\n\n```{lang}\n{body}\n```"));
        }
    }
    if !m.references.is_empty() {
        md.push_str("\n\n**References**\n");
        for r in &m.references {
            md.push_str(&format!("\n- <{r}>"));
        }
    }
    md
}

fn rule(code: &str, m: &super::CheckInfo) -> Value {
    let mut properties = Map::new();
    properties.insert("control".into(), json!(m.control));
    properties.insert("severity".into(), json!(m.severity));
    properties.insert("tags".into(), json!(["security", m.control.as_str()]));
    if let Some(score) = security_severity(m.severity) {
        properties.insert("security-severity".into(), json!(score));
    }
    let help = or_else(&m.remediation.console, &m.title);
    let mut r = json!({
        "id": code,
        "name": m.slug,
        "shortDescription": {"text": limited(&or_else(&m.title, code))},
        "fullDescription": {"text": limited(&or_else(&m.rationale, &m.title))},
        "help": {"text": help, "markdown": help_markdown(m)},
        "defaultConfiguration": {"level": level(m.severity)},
        "properties": properties
    });
    if let Some(uri) = m.references.first() {
        r["helpUri"] = json!(uri);
    }
    r
}

/// A rule for a check the report's catalogue does not describe (a report written by
/// another version): every result must name a rule of the run.
fn bare_rule(code: &str, f: &Finding) -> Value {
    let text = format!("perimeter check {code} ({})", f.slug);
    json!({
        "id": code,
        "name": or_else(&f.slug, code),
        "shortDescription": {"text": text},
        "fullDescription": {"text": text},
        "help": {"text": format!("See `perimeter checks explain {code}`.")},
        "defaultConfiguration": {"level": level(f.severity)},
        "properties": {"control": f.control, "severity": f.severity, "tags": ["security", f.control.as_str()]}
    })
}

fn result(f: &Finding) -> Value {
    let kind = match f.status {
        Status::Pass => "pass",
        Status::Fail => "fail",
        Status::Unknown => "review",
        Status::Muted => "fail",
    };
    let failing = matches!(f.status, Status::Fail | Status::Muted);
    let mut r = json!({
        "ruleId": f.check,
        "kind": kind,
        "level": if failing { level(f.severity) } else { "none" },
        "message": {"text": or_else(&f.message, &f.check)},
        "locations": [location(f)],
        "partialFingerprints": {
            // GitHub's alert identity across runs: the finding id is stable over
            // check, account, Region and resource. `:1` is the occurrence, as in
            // GitHub's own hashes.
            "primaryLocationLineHash": format!("{}:1", f.id),
            "perimeterFindingId/v1": f.id
        },
        "properties": {
            "account": f.account, "region": f.region, "status": f.status,
            "severity": f.severity, "evidence": f.evidence
        }
    });
    if f.status == Status::Muted {
        let mut suppression = json!({"kind": "external"});
        if let Some(reason) = f
            .mute
            .as_ref()
            .and_then(|m| m.get("reason"))
            .and_then(Value::as_str)
        {
            suppression["justification"] = json!(reason);
        }
        r["suppressions"] = json!([suppression]);
    }
    r
}

/// The run's times, when they are RFC 3339 timestamps (the schema's `date-time`).
fn invocation(report: &Report) -> Value {
    let mut inv = json!({"executionSuccessful": true});
    for (key, t) in [
        ("startTimeUtc", &report.run.started),
        ("endTimeUtc", &report.run.finished),
    ] {
        if let Ok(t) = t.parse::<jiff::Timestamp>() {
            inv[key] = json!(t.to_string());
        }
    }
    inv
}

pub fn render(report: &Report) -> String {
    let mut rules: Vec<Value> = report
        .catalogue
        .iter()
        .map(|(code, m)| rule(code, m))
        .collect();
    let mut bare: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| !report.catalogue.contains_key(&f.check))
        .collect();
    bare.sort_by(|a, b| a.check.cmp(&b.check));
    bare.dedup_by(|a, b| a.check == b.check);
    rules.extend(bare.into_iter().map(|f| bare_rule(&f.check, f)));
    // GitHub code scanning opens an alert for every result, passes included: a SARIF file
    // carries what needs attention (fail, unknown, muted), not the examined-and-fine.
    let results: Vec<Value> = report
        .findings
        .iter()
        .filter(|f| f.status != Status::Pass)
        .map(result)
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "perimeter",
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "rules": rules
            }},
            "invocations": [invocation(report)],
            "originalUriBaseIds": {
                BASE_ID: {"description": {"text":
                    "Not a file: AWS resources, as aws/<account>/<region or global>/<service>/<resource id>. \
                     Each result's logicalLocations give the resource's ARN."}}
            },
            "results": results
        }]
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
