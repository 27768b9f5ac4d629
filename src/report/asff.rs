//! AWS Security Finding Format (ASFF), the shape Security Hub imports: a JSON array of
//! findings, one per failing or unknown result, ready for
//! `aws securityhub batch-import-findings --findings file://perimeter.asff.json` (the user
//! imports; perimeter stays read-only and only writes the file).
//!
//! Fields follow the ASFF syntax reference (Security Hub User Guide, "AWS Security Finding
//! Format (ASFF)"): the required top-level attributes are `SchemaVersion`, `Id`,
//! `ProductArn`, `GeneratorId`, `AwsAccountId`, `Types`, `CreatedAt`, `UpdatedAt`,
//! `Severity`, `Title`, `Description` and `Resources`. `Id` is the finding's stable id
//! (the same result keeps the same ASFF finding across runs, so Security Hub updates it
//! instead of adding a new one); `GeneratorId` is the check.

use serde_json::{Value, json};

use super::Report;
use crate::checks::{Finding, Severity, Status};

/// The ASFF schema version Security Hub accepts.
pub const SCHEMA_VERSION: &str = "2018-10-08";

/// Longest `Title` and `Description` Security Hub accepts.
const TITLE_MAX: usize = 256;
const DESCRIPTION_MAX: usize = 1024;

fn label(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "CRITICAL",
        Severity::High => "HIGH",
        Severity::Medium => "MEDIUM",
        Severity::Low => "LOW",
        Severity::Info => "INFORMATIONAL",
    }
}

fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// The partition of an ARN, else of the Region's name.
fn partition(f: &Finding) -> String {
    crate::model::Arn::parse(&f.resource)
        .map(|a| a.partition)
        .ok()
        .or_else(|| {
            f.region
                .as_deref()
                .and_then(crate::config::region_partition)
                .map(str::to_string)
        })
        .unwrap_or_else(|| "aws".into())
}

/// ASFF resource type: the catalogue's (`AwsIamRole`, `AwsKmsKey`...) when it is one of
/// ASFF's, else `Other`.
fn resource_type(report: &Report, f: &Finding) -> String {
    report
        .catalogue
        .get(&f.check)
        .map(|c| c.resource_type.clone())
        .filter(|t| t.starts_with("Aws"))
        .unwrap_or_else(|| "Other".into())
}

fn one(report: &Report, f: &Finding) -> Value {
    let region = f.region.clone().unwrap_or_else(|| {
        report
            .run
            .regions
            .first()
            .cloned()
            .unwrap_or_else(|| "us-east-1".into())
    });
    let part = partition(f);
    let info = report.catalogue.get(&f.check);
    let title = match info {
        Some(c) => format!("{} {}", f.check, c.title),
        None => f.check.clone(),
    };
    let status = match f.status {
        Status::Fail | Status::Muted => "FAILED",
        Status::Unknown => "NOT_AVAILABLE",
        Status::Pass => "PASSED",
    };
    let mut finding = json!({
        "SchemaVersion": SCHEMA_VERSION,
        "Id": format!("perimeter/{}/{}", f.check, f.id),
        "ProductArn": format!("arn:{part}:securityhub:{region}:{}:product/{}/default", f.account, f.account),
        "ProductName": "perimeter",
        "CompanyName": "perimeter",
        "GeneratorId": format!("perimeter/{}", f.check),
        "AwsAccountId": f.account,
        "Region": region,
        "Types": ["Software and Configuration Checks/Industry and Regulatory Standards"],
        "CreatedAt": report.run.finished,
        "UpdatedAt": report.run.finished,
        "Severity": {"Label": label(f.severity)},
        "Title": cut(&title, TITLE_MAX),
        "Description": cut(&f.message, DESCRIPTION_MAX),
        "Resources": [{
            "Type": resource_type(report, f),
            "Id": f.resource,
            "Partition": part,
            "Region": region,
        }],
        "Compliance": {
            "Status": status,
            "RelatedRequirements": info.map(|c| c.requirements.iter().take(32).cloned().collect::<Vec<_>>()).unwrap_or_default(),
        },
        "RecordState": "ACTIVE",
        "Workflow": {"Status": if f.status == Status::Muted { "SUPPRESSED" } else { "NEW" }},
        "ProductFields": {
            "perimeter/check": f.check,
            "perimeter/slug": f.slug,
            "perimeter/control": f.control.as_str(),
            "perimeter/status": f.status.as_str(),
        },
    });
    if let Some(c) = info {
        finding["Remediation"] =
            json!({"Recommendation": {"Text": cut(&c.remediation.console, 512)}});
    }
    finding
}

/// One ASFF finding per failing, unknown or muted result, as a JSON array.
pub fn render(report: &Report) -> String {
    let findings: Vec<Value> = report
        .findings
        .iter()
        .filter(|f| f.status != Status::Pass)
        .map(|f| one(report, f))
        .collect();
    let mut s =
        serde_json::to_string_pretty(&Value::Array(findings)).unwrap_or_else(|_| "[]".to_string());
    s.push('\n');
    s
}
