//! End to end: the real binary against the seeded emulator (the demo organisation's
//! management account, which is where the demo credentials land).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use super::emu::{audit_with_snapshot, emu, perimeter, perimeter_at, run, stdout_json};

const MGMT: &str = "123456789012";
const REGIONS: &str = "us-east-1,eu-west-1,ap-northeast-1,us-west-2";

fn res(path: &[&str]) -> String {
    let mut v = &emu().demo["resources"][MGMT];
    for p in path {
        v = &v[*p];
    }
    v.as_str()
        .map(str::to_string)
        .unwrap_or_else(|| panic!("demo manifest has no string at resources/{MGMT}/{path:?}: {v}"))
}

/// The status of the finding for (check, resource), or None.
fn status<'a>(report: &'a Value, check: &str, resource: &str) -> Option<&'a str> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == check && f["resource"] == resource)
        .and_then(|f| f["status"].as_str())
}

fn statuses_of<'a>(report: &'a Value, check: &str) -> Vec<(&'a str, &'a str, Option<&'a str>)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == check)
        .map(|f| {
            (
                f["resource"].as_str().unwrap(),
                f["status"].as_str().unwrap(),
                f["region"].as_str(),
            )
        })
        .collect()
}

fn audit_json() -> &'static (Value, Value, i32) {
    static R: std::sync::OnceLock<(Value, Value, i32)> = std::sync::OnceLock::new();
    R.get_or_init(|| audit_with_snapshot(&["--regions", REGIONS]))
}

#[test]
fn audit_reports_every_control_with_documented_shape() {
    let (report, _, code) = audit_json();
    assert_eq!(*code, 1, "failing findings exit 1");
    for key in [
        "schema_version",
        "tool",
        "run",
        "findings",
        "scores",
        "compliance",
        "gaps",
    ] {
        assert!(report.get(key).is_some(), "report lacks {key}");
    }
    assert_eq!(report["run"]["accounts"], serde_json::json!([MGMT]));
    let failing: BTreeSet<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "fail")
        .map(|f| f["control"].as_str().unwrap())
        .collect();
    for control in ["iam", "network", "kms", "logging", "guardrails"] {
        assert!(
            failing.contains(control),
            "no failing finding for {control}: {failing:?}"
        );
    }
    let ids: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    let unique: BTreeSet<_> = ids.iter().collect();
    assert_eq!(ids.len(), unique.len(), "finding ids are unique");
    assert!(report["scores"]["overall"].is_number());
}

#[test]
fn iam_findings_follow_the_seeded_roles() {
    let (report, _, _) = audit_json();
    let role = |n: &str| format!("arn:aws:iam::{MGMT}:role/{n}");
    assert_eq!(
        status(report, "IAM-001", &role("batch-summariser")),
        Some("fail")
    );
    assert_eq!(
        status(report, "IAM-001", &role("chat-inference")),
        Some("pass")
    );
    assert_eq!(
        status(report, "IAM-003", &role("data-science")),
        Some("fail")
    );
    assert_eq!(
        status(
            report,
            "IAM-004",
            &format!("arn:aws:iam::{MGMT}:user/dev-alice")
        ),
        Some("fail")
    );
    // The administrator is not a workload principal.
    assert_eq!(status(report, "IAM-003", &role("platform-admin")), None);
}

#[test]
fn kms_network_logging_guardrail_findings_follow_the_seed() {
    let (report, _, _) = audit_json();
    let shared = res(&["kms_keys", "us-east-1", "shared-data", "arn"]);
    let prod = res(&["kms_keys", "us-east-1", "bedrock-prod", "arn"]);
    assert_eq!(status(report, "KMS-001", &shared), Some("fail"));
    assert_eq!(status(report, "KMS-001", &prod), Some("pass"));

    let legacy = res(&["vpcs", "legacy-vpc", "id"]);
    let app = res(&["vpcs", "app-vpc", "id"]);
    let vpc_arn = |id: &str| format!("arn:aws:ec2:us-east-1:{MGMT}:vpc/{id}");
    assert_eq!(status(report, "NET-001", &vpc_arn(&legacy)), Some("fail"));
    assert_eq!(status(report, "NET-001", &vpc_arn(&app)), Some("pass"));

    // ap-northeast-1 is Bedrock-active without logging or a guardrail; us-west-2 is unused.
    let log001 = statuses_of(report, "LOG-001");
    assert!(
        log001.contains(&(
            &*format!("arn:aws:iam::{MGMT}:root"),
            "fail",
            Some("ap-northeast-1")
        )),
        "{log001:?}"
    );
    assert!(
        log001
            .iter()
            .all(|(_, s, r)| !(*s == "fail" && *r == Some("us-west-2"))),
        "{log001:?}"
    );
    assert!(
        log001
            .iter()
            .any(|(_, s, r)| *s == "pass" && *r == Some("eu-west-1")),
        "{log001:?}"
    );
    let grd001 = statuses_of(report, "GRD-001");
    assert!(
        grd001
            .iter()
            .any(|(_, s, r)| *s == "fail" && *r == Some("ap-northeast-1")),
        "{grd001:?}"
    );
    assert!(
        grd001
            .iter()
            .all(|(_, s, r)| !(*s == "fail" && *r == Some("us-west-2"))),
        "{grd001:?}"
    );
}

#[test]
fn evaluate_of_the_snapshot_gives_the_live_findings() {
    let (report, snapshot, _) = audit_json();
    assert_eq!(snapshot["schema_version"], "1");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("snap.json");
    std::fs::write(&path, serde_json::to_string(snapshot).unwrap()).unwrap();
    let mut c = perimeter();
    c.arg("evaluate").arg(&path).args(["--format", "json"]);
    let o = run(c);
    assert_eq!(o.status.code(), Some(1));
    let offline = stdout_json(&o);
    assert_eq!(
        offline["findings"], report["findings"],
        "offline findings differ from the live run"
    );
    assert_eq!(offline["scores"], report["scores"]);
}

#[test]
fn collect_then_evaluate_works_and_counts_calls() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.json");
    let mut c = perimeter();
    c.args(["collect", "--quiet", "--regions", "us-east-1", "-o"])
        .arg(&path);
    let o = run(c);
    assert!(
        o.status.success(),
        "collect failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let snap: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(snap["meta"]["caller"]["account"], MGMT);
    let calls = snap["meta"]["api_calls"]
        .as_array()
        .expect("api call counts");
    assert!(
        calls
            .iter()
            .any(|c| c["operation"] == "GetAccountAuthorizationDetails"),
        "{calls:?}"
    );
    // No secret material in the snapshot.
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("SecretAccessKey") && !text.contains("\"testing\""));
    let mut c = perimeter();
    c.arg("evaluate").arg(&path).args(["--format", "json"]);
    let o = run(c);
    assert!(matches!(o.status.code(), Some(0 | 1)));
    assert!(
        stdout_json(&o)["findings"]
            .as_array()
            .is_some_and(|f| !f.is_empty())
    );
}

#[test]
fn unreachable_endpoint_is_a_clear_error() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut c = perimeter_at(&format!("http://127.0.0.1:{port}"));
    c.args([
        "audit",
        "--quiet",
        "--regions",
        "us-east-1",
        "--format",
        "json",
    ]);
    let o = run(c);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!("127.0.0.1:{port}")),
        "error does not name the endpoint: {err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(!err.contains("panicked"));
}

fn chromium() -> &'static str {
    for c in [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ] {
        if Path::new(c).exists() {
            return c;
        }
    }
    panic!(
        "headless Chromium is needed for the HTML report test: install Debian's `chromium` package (scripts/test.sh does)"
    );
}

#[test]
fn html_report_renders_in_headless_chromium() {
    let (_, snapshot, _) = audit_json();
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap.json");
    std::fs::write(&snap, serde_json::to_string(snapshot).unwrap()).unwrap();
    let out = dir.path().join("out");
    let mut c = perimeter();
    c.arg("evaluate")
        .arg(&snap)
        .args(["--format", "json,html,csv,ocsf,sarif,junit", "--output-dir"])
        .arg(&out);
    let o = run(c);
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for f in [
        "perimeter.json",
        "perimeter.html",
        "perimeter.csv",
        "perimeter.ocsf.jsonl",
        "perimeter.sarif",
        "perimeter.junit.xml",
    ] {
        assert!(out.join(f).is_file(), "{f} not written");
    }
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("perimeter.json")).unwrap())
            .unwrap();
    let total = report["findings"].as_array().unwrap().len();
    let html_path = out.join("perimeter.html");
    let html = std::fs::read_to_string(&html_path).unwrap();
    // The KMS key description planted by the seed must never appear as markup.
    assert!(!html.contains("<img src=x onerror=alert(1)>"));

    let profile = dir.path().join("chrome-profile");
    let common = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--enable-logging=stderr",
        "--v=0",
    ];
    let url = format!("file://{}", html_path.display());
    let dom = Command::new(chromium())
        .args(common)
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(["--virtual-time-budget=3000", "--dump-dom"])
        .arg(&url)
        .output()
        .expect("run chromium");
    let dom_text = String::from_utf8_lossy(&dom.stdout);
    let log = String::from_utf8_lossy(&dom.stderr);
    assert!(dom.status.success(), "chromium failed: {log}");
    let console_errors: Vec<&str> = log
        .lines()
        .filter(|l| l.contains(":CONSOLE") && (l.contains("Uncaught") || l.contains("Error")))
        .collect();
    assert!(
        console_errors.is_empty(),
        "console errors: {console_errors:?}"
    );
    // The script drew the findings: every one matches the (empty) filters, one page of
    // the failing ones is in the DOM, and the passing ones are collapsed.
    assert!(
        dom_text.contains("<section id=\"findings\" data-drawn=\"\">"),
        "the page's script did not draw the findings"
    );
    assert!(
        dom_text.contains(&format!("<span id=\"shown\">{total}</span>")),
        "the page does not show {total} findings"
    );
    let fails = report["summary"]["fail"].as_u64().unwrap();
    assert!(dom_text.contains(&format!("id=\"count-fail\">{fails}<")));
    // The summary, rendered without the script: the score, the heat map with the
    // account's name, the compliance roll-up per framework.
    let overall = report["scores"]["overall"].as_u64().unwrap();
    assert!(dom_text.contains(&format!("id=\"score-overall\">{overall}<")));
    for id in report["scores"]["by_account"].as_object().unwrap().keys() {
        assert!(
            dom_text.contains(&format!("<tr data-account=\"{id}\"><td><code>{id}</code>")),
            "no heat-map row for {id}"
        );
    }
    for title in report["framework_titles"].as_object().unwrap().values() {
        assert!(dom_text.contains(&super::html::dom_text(title.as_str().unwrap())));
    }
    // The first row is the first failing finding, most severe first.
    let rank = |f: &Value| {
        let pos = |list: &[&str], v: &Value| list.iter().position(|x| v == *x).unwrap();
        (
            pos(&["fail", "unknown", "muted", "pass"], &f["status"]),
            pos(
                &["critical", "high", "medium", "low", "info"],
                &f["severity"],
            ),
            f["check"].as_str().unwrap().to_string(),
            f["account"].as_str().unwrap().to_string(),
            f["region"].as_str().unwrap_or_default().to_string(),
            f["resource"].as_str().unwrap().to_string(),
        )
    };
    let first = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .min_by_key(|f| rank(f))
        .unwrap();
    assert_eq!(first["status"], "fail");
    let rows = super::html::rows(&dom_text, "rows");
    let fails = fails as usize;
    assert_eq!(
        rows.len(),
        (fails
            + report["summary"]["unknown"].as_u64().unwrap() as usize
            + report["summary"]["muted"].as_u64().unwrap() as usize)
            .min(50)
    );
    let row = &rows[0];
    assert_eq!(row[0], "fail");
    assert_eq!(row[1], first["severity"].as_str().unwrap());
    assert_eq!(row[2], first["check"].as_str().unwrap());
    assert!(row[3].starts_with(first["account"].as_str().unwrap()));
    assert_eq!(row[5], first["resource"].as_str().unwrap());
    assert_eq!(row[6], first["message"].as_str().unwrap());
    assert!(
        super::html::rows(&dom_text, "pass-rows").is_empty(),
        "passes collapsed"
    );

    // A screenshot of the first screen: the summary and the first findings, drawn.
    let shot = dir.path().join("report.png");
    let s = Command::new(chromium())
        .args(common)
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(["--virtual-time-budget=3000", "--window-size=1280,2000"])
        .arg(format!("--screenshot={}", shot.display()))
        .arg(&url)
        .output()
        .expect("run chromium");
    assert!(s.status.success(), "{}", String::from_utf8_lossy(&s.stderr));
    let png = std::fs::read(&shot).expect("a screenshot was written");
    // A page of one colour compresses to about 12 KB at this size; the report's text and
    // heat map take well over 100 KB.
    assert!(
        png.len() > 100_000 && png.starts_with(b"\x89PNG"),
        "screenshot looks empty ({} bytes)",
        png.len()
    );
    if let Ok(keep) = std::env::var("PERIMETER_KEEP_SCREENSHOT") {
        let _ = std::fs::copy(&shot, keep);
    }
}

/// An IAM dump of the demo's management account (`aws iam
/// get-account-authorization-details`), evaluated offline, gives every IAM check the
/// verdict the live run gives: the dump's ARNs decide the partition, not its file name.
#[test]
fn gaad_evaluation_agrees_with_the_live_run_on_every_iam_check() {
    const ESTATE_ROLES: [&str; 3] = ["IAM-009", "IAM-010", "IAM-011"];
    let (live, _, _) = audit_json();
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("gaad.json");
    super::emu::boto3(
        &emu().endpoint,
        &format!(
            r#"
import boto3, json, sys
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id="testing", aws_secret_access_key="testing")
out = {{"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [], "Policies": []}}
for page in iam.get_paginator("get_account_authorization_details").paginate():
    for k in out:
        out[k].extend(page.get(k, []))
json.dump(out, open({path:?}, "w"), default=str)
"#,
            path = dump.to_string_lossy()
        ),
    );
    let mut c = perimeter();
    c.args([
        "evaluate",
        "--format",
        "json",
        "--account-id",
        MGMT,
        "--gaad",
    ])
    .arg(&dump);
    let offline = stdout_json(&run(c));
    let iam_verdicts = |r: &Value| -> std::collections::BTreeMap<(String, String), String> {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| {
                let check = f["check"].as_str().unwrap();
                check.starts_with("IAM-") && !ESTATE_ROLES.contains(&check) && f["account"] == MGMT
            })
            .map(|f| {
                (
                    (
                        f["check"].as_str().unwrap().to_string(),
                        f["resource"].as_str().unwrap().to_string(),
                    ),
                    f["status"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    // The checks about the estate's service roles need the estate (agents, knowledge
    // bases, AgentCore), which a dump does not hold: offline they are unknown for the
    // account, never a verdict.
    for check in ESTATE_ROLES {
        let offline_findings: Vec<&Value> = offline["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["check"] == check)
            .collect();
        assert!(
            !offline_findings.is_empty()
                && offline_findings.iter().all(|f| f["status"] == "unknown"),
            "{check} offline: {offline_findings:?}"
        );
    }
    let (l, o) = (iam_verdicts(live), iam_verdicts(&offline));
    assert!(
        l.values().any(|s| s == "fail"),
        "the live run has IAM failures to compare"
    );
    assert_eq!(
        o.keys().collect::<Vec<_>>(),
        l.keys().collect::<Vec<_>>(),
        "GAAD and live runs judge the same principals"
    );
    // Where the dump holds the data, the verdicts are the same; where it does not (a dump
    // has no SCP chain and no service-specific credentials), the offline verdict is
    // `unknown`, never a different pass or fail.
    for (k, offline_status) in &o {
        if offline_status == "unknown" {
            continue;
        }
        assert_eq!(
            Some(offline_status),
            l.get(k),
            "{k:?}: GAAD and live differ"
        );
    }
    let decided = o.values().filter(|s| *s != "unknown").count();
    assert!(
        decided * 4 >= o.len() * 3,
        "most IAM verdicts are decided offline: {o:?}"
    );
    assert!(
        !offline.to_string().contains("arn:gaad"),
        "no ARN takes its partition from the file name"
    );
}
