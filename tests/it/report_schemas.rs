//! SARIF and OCSF as the tools that load them see them: each output of a representative
//! report validates against the schema its consumers use, checked into
//! `tests/fixtures/schemas/` (never fetched at test time; `README.md` there says where each
//! came from), with Python's `jsonschema` from the emulator's virtualenv
//! (`localstack/.venv`, pinned in `localstack/requirements.txt`) so the Rust build gains no
//! dependency. On top of the schemas, the rules the schemas cannot say: GitHub code
//! scanning's upload requirements for SARIF, and OCSF's enum captions.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use perimeter::checks::{Control, Finding, Severity, Status};
use perimeter::model::{Meta, Snapshot, ToolInfo};
use perimeter::report::Report;
use serde_json::{Value, json};

use super::emu::root;

fn schemas() -> PathBuf {
    root().join("tests/fixtures/schemas")
}

#[expect(clippy::too_many_arguments, reason = "a finding is these eight things")]
fn finding(
    check: &str,
    control: Control,
    severity: Severity,
    status: Status,
    account: &str,
    region: Option<&str>,
    resource: &str,
    message: &str,
) -> Finding {
    Finding {
        id: perimeter::checks::finding_id(check, account, region, resource),
        check: check.into(),
        slug: format!("{}-slug", check.to_lowercase()),
        control,
        status,
        severity,
        account: account.into(),
        region: region.map(Into::into),
        resource: resource.into(),
        message: message.into(),
        evidence: json!({"description": "<img src=x onerror=alert(1)>", "statements": [null, 1]})
            .into(),
        mute: None,
    }
}

/// Every status, every severity, global and regional findings, ARNs with `/`, `:` and
/// `*` in their resource part, an S3 ARN without account or Region, a resource that is
/// no ARN at all, a second account without a name, mutes with and without a reason, and
/// a check the catalogue does not know (a report written by another version).
fn report() -> Report {
    let mut snap = Snapshot::new(Meta {
        tool: ToolInfo::current(),
        started: "2026-11-01T00:00:00Z".into(),
        finished: "2026-11-01T00:01:00Z".into(),
        accounts: vec!["111122223333".into(), "444455556666".into()],
        regions: vec!["us-east-1".into(), "eu-west-1".into()],
        source: "live".into(),
        ..Meta::default()
    });
    snap.organization = Some(perimeter::model::Organization {
        accounts: vec![perimeter::model::OrgAccount {
            id: "111122223333".into(),
            name: "payments-prod".into(),
            ..Default::default()
        }],
        ..Default::default()
    });
    let a = "111122223333";
    let b = "444455556666";
    let east = Some("us-east-1");
    let mut findings = vec![
        finding(
            "KMS-001",
            Control::Kms,
            Severity::High,
            Status::Fail,
            a,
            east,
            "arn:aws:kms:us-east-1:111122223333:key/k1",
            "Key <img src=x onerror=alert(1)> rotation off",
        ),
        finding(
            "KMS-002",
            Control::Kms,
            Severity::Medium,
            Status::Pass,
            a,
            east,
            "=cmd|' /C calc'!A0",
            "+SUM(1,2)",
        ),
        finding(
            "KMS-005",
            Control::Kms,
            Severity::Low,
            Status::Unknown,
            a,
            east,
            "arn:aws:bedrock:us-east-1:111122223333:guardrail/g1",
            "@unknown",
        ),
        finding(
            "IAM-001",
            Control::Iam,
            Severity::Critical,
            Status::Fail,
            a,
            None,
            "arn:aws:iam::111122223333:role/app/nested",
            "It may invoke any model.",
        ),
        finding(
            "LOG-001",
            Control::Logging,
            Severity::Info,
            Status::Fail,
            b,
            None,
            "arn:aws:iam::444455556666:root",
            "Model invocation logging is off.",
        ),
        finding(
            "LOG-007",
            Control::Logging,
            Severity::Medium,
            Status::Muted,
            b,
            Some("eu-west-1"),
            "arn:aws:logs:eu-west-1:444455556666:log-group:/aws/bedrock/invocations:*",
            "The log group keeps logs for 7 days.",
        ),
        finding(
            "LOG-010",
            Control::Logging,
            Severity::High,
            Status::Muted,
            a,
            east,
            "arn:aws:s3:::bedrock-logs.example",
            "The bucket is public.",
        ),
        finding(
            "ZZZ-999",
            Control::Network,
            Severity::Low,
            Status::Fail,
            a,
            east,
            "vpc-0abc/..",
            "",
        ),
    ];
    findings[5].mute = Some(json!({
        "reason": "legacy group, deleted in Q1", "owner": "platform@example.com", "expires": "2027-03-31"
    }));
    findings[6].mute = Some(json!({"owner": "platform@example.com", "expires": "2027-03-31"}));
    Report::build(&snap, findings)
}

/// The emulator's virtualenv's Python, set up by the project's own script when missing.
fn python() -> PathBuf {
    let py = root().join("localstack/.venv/bin/python");
    if !py.exists() {
        let out = Command::new("bash")
            .arg(root().join("localstack/setup.sh"))
            .stdin(Stdio::null())
            .output()
            .expect("run localstack/setup.sh");
        assert!(
            out.status.success(),
            "localstack/setup.sh failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    py
}

/// Validate `doc` (one JSON document, or JSON lines) against a checked-in schema.
fn validate(schema: &str, doc: &str, jsonl: bool) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("doc.json");
    std::fs::write(&file, doc).unwrap();
    let mut cmd = Command::new(python());
    cmd.arg(schemas().join("validate.py"))
        .arg(schemas().join(schema))
        .arg(&file)
        .stdin(Stdio::null());
    if jsonl {
        cmd.arg("--jsonl");
    }
    let out = cmd.output().expect("run validate.py");
    assert!(
        out.status.success(),
        "the output does not validate against {schema}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn text<'a>(v: &'a Value, what: &str) -> &'a str {
    let t = v
        .as_str()
        .unwrap_or_else(|| panic!("{what} is not a string: {v}"));
    assert!(!t.trim().is_empty(), "{what} is empty");
    t
}

fn sarif() -> Value {
    serde_json::from_str(&perimeter::report::sarif::render(&report())).unwrap()
}

#[test]
fn sarif_validates_against_the_oasis_schema() {
    let doc = perimeter::report::sarif::render(&report());
    validate("sarif-schema-2.1.0.json", &doc, false);
}

/// GitHub's "SARIF support for code scanning": what it requires to show a result, and its
/// limits, which the schema does not say.
#[test]
fn sarif_meets_github_code_scanning_upload_rules() {
    let r = report();
    let log = sarif();
    text(&log["$schema"], "$schema");
    assert_eq!(log["version"], "2.1.0");
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    text(&run["tool"]["driver"]["name"], "tool.driver.name");

    let mut rule_ids = BTreeSet::new();
    for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
        let id = text(&rule["id"], "rule id");
        assert!(rule_ids.insert(id.to_string()), "rule {id} twice");
        assert!(text(&rule["name"], "rule name").chars().count() <= 255);
        for key in ["shortDescription", "fullDescription"] {
            let t = text(&rule[key]["text"], &format!("{id} {key}.text"));
            assert!(t.chars().count() <= 1024, "{id} {key} over 1024 characters");
        }
        text(&rule["help"]["text"], &format!("{id} help.text"));
        let level = rule["defaultConfiguration"]["level"].as_str().unwrap();
        assert!(
            ["note", "warning", "error"].contains(&level),
            "{id}: {level}"
        );
        let tags = rule["properties"]["tags"].as_array().unwrap();
        assert!(
            tags.contains(&json!("security")),
            "{id} is not tagged security"
        );
        if let Some(score) = rule["properties"].get("security-severity") {
            let score: f64 = score.as_str().unwrap().parse().unwrap();
            assert!(
                score > 0.0 && score <= 10.0,
                "{id}: security-severity {score}"
            );
        }
    }
    // Every check a finding names is a rule, the catalogue's or not.
    assert!(rule_ids.contains("ZZZ-999") && rule_ids.contains("KMS-001"));

    let bases = run["originalUriBaseIds"].as_object().unwrap();
    let results = run["results"].as_array().unwrap();
    // One result per finding that needs attention: passes would each open an alert.
    let shown: Vec<&perimeter::checks::Finding> = r
        .findings
        .iter()
        .filter(|f| f.status != perimeter::checks::Status::Pass)
        .collect();
    assert_eq!(
        results.len(),
        shown.len(),
        "one result per non-passing finding"
    );
    let mut fingerprints = BTreeSet::new();
    let mut uris = BTreeSet::new();
    for (res, f) in results.iter().zip(shown) {
        let rule = text(&res["ruleId"], "ruleId");
        assert!(
            rule_ids.contains(rule),
            "result names no rule of the run: {rule}"
        );
        assert_eq!(rule, f.check);
        text(&res["message"]["text"], &format!("{rule} message.text"));
        let locations = res["locations"].as_array().unwrap();
        assert!((1..=10).contains(&locations.len()));
        let physical = &locations[0]["physicalLocation"];
        let uri = text(&physical["artifactLocation"]["uri"], "artifactLocation.uri");
        // A relative reference (GitHub refuses absolute URIs other than file:), of URI
        // characters only, with no segment that would move or collapse the path.
        assert!(!uri.contains(':') && !uri.starts_with('/'), "{uri}");
        assert!(
            uri.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~%/".contains(&b)),
            "{uri}"
        );
        assert!(
            uri.split('/')
                .all(|s| !s.is_empty() && s != "." && s != ".."),
            "{uri}"
        );
        assert!(uri.starts_with(&format!("aws/{}/", f.account)), "{uri}");
        let base = text(&physical["artifactLocation"]["uriBaseId"], "uriBaseId");
        assert!(bases.contains_key(base), "uriBaseId {base} is not declared");
        let region = &physical["region"];
        for key in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(region[key].as_u64().unwrap() >= 1, "{rule}: region.{key}");
        }
        assert_eq!(
            locations[0]["logicalLocations"][0]["fullyQualifiedName"],
            f.resource
        );
        let hash = text(
            &res["partialFingerprints"]["primaryLocationLineHash"],
            "primaryLocationLineHash",
        );
        assert_eq!(
            hash,
            format!("{}:1", f.id),
            "the fingerprint is the finding id"
        );
        assert!(
            fingerprints.insert(hash.to_string()),
            "two results, one alert"
        );
        uris.insert(uri.to_string());
        let suppressed = res.get("suppressions").is_some();
        assert_eq!(suppressed, f.status == Status::Muted, "{rule}");
    }
    assert_eq!(uris.len(), results.len(), "each resource has its own path");
    let by_rule = |rule: &str| {
        results
            .iter()
            .find(|r| r["ruleId"] == rule)
            .unwrap()
            .clone()
    };
    assert_eq!(
        by_rule("KMS-001")["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "aws/111122223333/us-east-1/kms/key/k1"
    );
    assert_eq!(
        by_rule("IAM-001")["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "aws/111122223333/global/iam/role/app/nested"
    );
    assert_eq!(
        by_rule("LOG-007")["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "aws/444455556666/eu-west-1/logs/log-group%3A/aws/bedrock/invocations%3A%2A"
    );
    assert_eq!(
        by_rule("LOG-007")["suppressions"][0]["justification"],
        "legacy group, deleted in Q1"
    );
    assert!(
        by_rule("LOG-010")["suppressions"][0]
            .get("justification")
            .is_none()
    );
    assert_eq!(by_rule("ZZZ-999")["message"]["text"], "ZZZ-999");
}

/// The same findings in another order, from another run, give the same alerts.
#[test]
fn sarif_alert_identity_is_stable_across_runs() {
    let key = |log: &Value| -> BTreeSet<(String, String, String)> {
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap().to_string(),
                    r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    r["partialFingerprints"]["primaryLocationLineHash"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                )
            })
            .collect()
    };
    let mut later = report();
    later.findings.reverse();
    later.run.started = "2026-12-01T00:00:00Z".into();
    later.run.finished = "2026-12-01T00:02:00Z".into();
    let later: Value = serde_json::from_str(&perimeter::report::sarif::render(&later)).unwrap();
    assert_eq!(key(&sarif()), key(&later));
}

fn ocsf_lines() -> Vec<Value> {
    perimeter::report::ocsf::render(&report())
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn ocsf_validates_against_the_class_schema() {
    let doc = perimeter::report::ocsf::render(&report());
    assert_eq!(doc.lines().count(), report().findings.len());
    validate("ocsf-1.1.0-compliance_finding.schema.json", &doc, true);
}

/// Every enum attribute (`*_id`, `*_uid`) holds one of OCSF 1.1.0's values for it and its
/// sibling holds that value's caption ("Other", 99, carries the source's own word). The
/// JSON Schema export checks the values; the captions come from the same compiled schema.
#[test]
fn ocsf_enum_ids_carry_their_captions() {
    let read = |name: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(schemas().join(name)).unwrap()).unwrap()
    };
    let schema = read("ocsf-1.1.0-compliance_finding.schema.json");
    let enums = read("ocsf-1.1.0-compliance_finding.enums.json");
    let class = enums["class"].as_str().unwrap();

    fn walk(v: &Value, item: &str, schema: &Value, enums: &Value, path: &str, checked: &mut usize) {
        let Some(obj) = v.as_object() else { return };
        let item_schema = if schema["$defs"].get(item).is_some() {
            &schema["$defs"][item]
        } else {
            schema
        };
        for (k, val) in obj {
            let here = format!("{path}/{k}");
            if let Some(e) = enums["items"][item].get(k) {
                let id = val
                    .as_i64()
                    .unwrap_or_else(|| panic!("{here} is not an integer"));
                let caption = e["enum"][id.to_string()]
                    .as_str()
                    .unwrap_or_else(|| panic!("{here} = {id} is not an OCSF 1.1.0 value"));
                if let Some(sibling) = e["sibling"].as_str() {
                    let got = obj.get(sibling).and_then(Value::as_str);
                    assert!(
                        got.is_some(),
                        "{path}/{sibling} (the caption of {k}) is missing"
                    );
                    if id != 99 {
                        assert_eq!(got, Some(caption), "{path}/{sibling} for {k} = {id}");
                    }
                }
                *checked += 1;
            }
            let prop = &item_schema["properties"][k];
            let target = prop["$ref"].as_str().or(prop["items"]["$ref"].as_str());
            if let Some(def) = target.and_then(|r| r.strip_prefix("#/$defs/")) {
                match val {
                    Value::Array(xs) => {
                        for (i, x) in xs.iter().enumerate() {
                            walk(x, def, schema, enums, &format!("{here}/{i}"), checked);
                        }
                    }
                    _ => walk(val, def, schema, enums, &here, checked),
                }
            }
        }
    }

    for line in ocsf_lines() {
        let mut checked = 0;
        walk(&line, class, &schema, &enums, "", &mut checked);
        // class, category, activity, type, severity, status, compliance status, account
        // type, analytic type.
        assert!(checked >= 9, "only {checked} enum attributes in {line}");
        assert_eq!(line["metadata"]["version"], enums["ocsf_version"]);
        let uid = |k: &str| line[k].as_i64().unwrap();
        assert_eq!(uid("type_uid"), uid("class_uid") * 100 + uid("activity_id"));
    }
}

/// What a SIEM reads: perimeter's verdicts land where OCSF puts them.
#[test]
fn ocsf_lines_say_what_each_finding_is() {
    let r = report();
    let lines = ocsf_lines();
    for (line, f) in lines.iter().zip(&r.findings) {
        assert_eq!(line["finding_info"]["uid"], f.id.as_str());
        assert_eq!(line["compliance"]["control"], f.check.as_str());
        assert_eq!(line["resource"]["uid"], f.resource.as_str());
        assert_eq!(line["cloud"]["account"]["uid"], f.account.as_str());
        assert_eq!(
            line["cloud"].get("region").and_then(Value::as_str),
            f.region.as_deref()
        );
        let (status, compliance) = match f.status {
            Status::Pass => ("New", "Pass"),
            Status::Fail => ("New", "Fail"),
            Status::Unknown => ("New", "Unknown"),
            Status::Muted => ("Suppressed", "Fail"),
        };
        assert_eq!(line["status"], status, "{}", f.check);
        assert_eq!(line["compliance"]["status"], compliance, "{}", f.check);
        assert_eq!(line["unmapped"]["perimeter_status"], json!(f.status));
    }
    let kms = &lines[0];
    assert_eq!(kms["severity"], "High");
    assert_eq!(kms["cloud"]["account"]["name"], "payments-prod");
    assert_eq!(kms["resource"]["cloud_partition"], "aws");
    let standards = kms["compliance"]["standards"].as_array().unwrap();
    let requirements = kms["compliance"]["requirements"].as_array().unwrap();
    assert!(!standards.is_empty() && !requirements.is_empty(), "{kms}");
    assert!(
        kms["remediation"]["desc"]
            .as_str()
            .is_some_and(|d| !d.is_empty())
    );
    assert_eq!(lines[4]["severity"], "Informational");
    assert!(lines[4]["cloud"]["account"].get("name").is_none());
    assert_eq!(
        lines[5]["unmapped"]["mute"]["reason"],
        "legacy group, deleted in Q1"
    );
    // A check the report's catalogue does not describe still has a title.
    assert_eq!(lines[7]["finding_info"]["title"], "ZZZ-999");
    assert!(lines[7].get("remediation").is_none());
}
