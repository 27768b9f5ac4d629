//! Output formats, evidence packs, history and diff.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use perimeter::checks::{Control, Finding, Severity, Status};
use perimeter::model::{Meta, Snapshot, ToolInfo};
use perimeter::report::Report;
use serde_json::json;

const HOSTILE: &str = "<img src=x onerror=alert(1)>";

fn finding(check: &str, status: Status, resource: &str, message: &str) -> Finding {
    Finding {
        id: perimeter::checks::finding_id(check, "111122223333", Some("us-east-1"), resource),
        check: check.into(),
        slug: "slug".into(),
        control: Control::Kms,
        status,
        severity: Severity::High,
        account: "111122223333".into(),
        region: Some("us-east-1".into()),
        resource: resource.into(),
        message: message.into(),
        evidence: json!({"description": HOSTILE}).into(),
        mute: None,
    }
}

fn report() -> Report {
    let mut snap = Snapshot::new(Meta {
        tool: ToolInfo::current(),
        started: "2026-11-01T00:00:00Z".into(),
        finished: "2026-11-01T00:01:00Z".into(),
        accounts: vec!["111122223333".into()],
        regions: vec!["us-east-1".into()],
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
    let findings = vec![
        finding(
            "KMS-001",
            Status::Fail,
            "arn:aws:kms:us-east-1:111122223333:key/k1",
            &format!("Key {HOSTILE} rotation off"),
        ),
        finding("KMS-002", Status::Pass, "=cmd|' /C calc'!A0", "+SUM(1,2)"),
        finding(
            "KMS-005",
            Status::Unknown,
            "arn:aws:bedrock:us-east-1:111122223333:guardrail/g1",
            "@unknown",
        ),
    ];
    Report::build(&snap, findings)
}

#[test]
fn html_escapes_everything_from_aws() {
    let html = perimeter::report::html::render(&report());
    assert!(!html.contains(HOSTILE), "raw markup leaked into the HTML");
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(
        !html.contains("http://") && !html.contains("https://") || !html.contains("src=\"http"),
        "no network fetches"
    );
    assert!(html.contains("id=\"count-fail\">1<"));
}

#[test]
fn csv_neutralises_formulas() {
    let csv = perimeter::report::csv::render(&report());
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4);
    assert!(lines[0].starts_with("id,check,slug,control,status"));
    assert!(
        csv.contains(",'+SUM(1,2)") || csv.contains(",\"'+SUM(1,2)\""),
        "{csv}"
    );
    assert!(
        csv.contains("\"'=cmd|' /C calc'!A0\"") || csv.contains(",'=cmd|"),
        "{csv}"
    );
    assert!(!csv.contains(",=cmd") && !csv.contains(",+SUM"), "{csv}");
    assert!(csv.contains(",'@unknown"), "{csv}");
}

#[test]
fn machine_formats_have_their_shapes() {
    let r = report();
    let sarif: serde_json::Value =
        serde_json::from_str(&perimeter::report::sarif::render(&r)).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    // Passes are left out: GitHub code scanning would open an alert for each.
    let expected = r
        .findings
        .iter()
        .filter(|f| f.status != Status::Pass)
        .count();
    assert_eq!(
        sarif["runs"][0]["results"].as_array().unwrap().len(),
        expected
    );
    assert_eq!(sarif["runs"][0]["results"][0]["level"], "error");
    let ocsf = perimeter::report::ocsf::render(&r);
    let lines: Vec<serde_json::Value> = ocsf
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert!(lines.iter().all(|l| l["class_uid"] == 2003));
    assert_eq!(lines[0]["compliance"]["status"], "Fail");
    let junit = perimeter::report::junit::render(&r);
    assert!(junit.contains("<failure"));
    assert!(junit.contains("&lt;img"));
    assert!(!junit.contains(HOSTILE));
    assert!(junit.contains("tests=\"3\" failures=\"1\" errors=\"1\""));
}

fn perimeter_cmd() -> Command {
    Command::new(env!("CARGO_BIN_EXE_perimeter"))
}

fn write_snapshot(dir: &Path) -> std::path::PathBuf {
    let mut snap = Snapshot::new(Meta {
        tool: ToolInfo::current(),
        started: "2026-11-01T00:00:00Z".into(),
        finished: "2026-11-01T00:01:00Z".into(),
        accounts: vec!["111122223333".into()],
        regions: vec!["us-east-1".into()],
        source: "live".into(),
        ..Meta::default()
    });
    snap.accounts.push(perimeter::model::Account {
        id: "111122223333".into(),
        ..Default::default()
    });
    let p = dir.join("snap.json");
    std::fs::write(&p, serde_json::to_string_pretty(&snap).unwrap()).unwrap();
    p
}

fn rebuild(files: &std::collections::BTreeMap<String, Vec<u8>>) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    for (p, b) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(b.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        tar.append_data(&mut h, p, b.as_slice()).unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap()
}

fn verify(pack: &Path, extra: &[&str]) -> (i32, String) {
    let o = perimeter_cmd()
        .args(["evidence", "verify"])
        .arg(pack)
        .args(extra)
        .output()
        .unwrap();
    (
        o.status.code().unwrap(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

#[test]
fn evidence_pack_round_trip_and_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let snap = write_snapshot(dir.path());
    let pack = dir.path().join("pack.tar.gz");
    let pack2 = dir.path().join("pack2.tar.gz");
    for p in [&pack, &pack2] {
        let o = perimeter_cmd()
            .args(["evidence", "pack"])
            .arg(&snap)
            .arg("-o")
            .arg(p)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert_eq!(
        std::fs::read(&pack).unwrap(),
        std::fs::read(&pack2).unwrap(),
        "packs are deterministic"
    );
    let (code, out) = verify(&pack, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("INTACT"));

    let bytes = std::fs::read(&pack).unwrap();
    let files = perimeter::evidence::read_pack("p", &bytes).unwrap();
    assert!(
        files.contains_key("snapshot.json")
            && files.contains_key("report.html")
            && files.contains_key("report.json")
    );
    assert!(files.keys().any(|k| k.starts_with("catalogue/checks/")));
    assert!(files.keys().any(|k| k.starts_with("catalogue/compliance/")));

    type Files = std::collections::BTreeMap<String, Vec<u8>>;
    let tamper = |name: &str, f: &dyn Fn(&mut Files)| {
        let mut copy = files.clone();
        f(&mut copy);
        let p = dir.path().join(name);
        std::fs::write(&p, rebuild(&copy)).unwrap();
        verify(&p, &[])
    };
    let (c, out) = tamper("byte.tar.gz", &|m| {
        let s = m.get_mut("snapshot.json").unwrap();
        let last = s.len() - 2;
        s[last] ^= 1;
    });
    assert_eq!(c, 1);
    assert!(out.contains("changed: snapshot.json"), "{out}");
    let (c, out) = tamper("removed.tar.gz", &|m| {
        m.remove("report.html");
    });
    assert_eq!(c, 1);
    assert!(out.contains("removed: report.html"), "{out}");
    let (c, out) = tamper("added.tar.gz", &|m| {
        m.insert("extra.txt".into(), b"hello".to_vec());
    });
    assert_eq!(c, 1);
    assert!(out.contains("added:   extra.txt"), "{out}");
    let (c, out) = tamper("manifest.tar.gz", &|m| {
        let text = String::from_utf8(m["manifest.json"].clone()).unwrap();
        m.insert(
            "manifest.json".into(),
            text.replacen("\"partial\": false", "\"partial\": true", 1)
                .into_bytes(),
        );
    });
    assert_eq!(c, 1);
    assert!(out.contains("does not match its digest"), "{out}");
}

#[test]
fn signed_packs_verify_only_with_the_right_key() {
    let dir = tempfile::tempdir().unwrap();
    let snap = write_snapshot(dir.path());
    let keys = dir.path().join("keys");
    let other = dir.path().join("other");
    for d in [&keys, &other] {
        let o = perimeter_cmd()
            .args(["evidence", "keygen", "--out-dir"])
            .arg(d)
            .output()
            .unwrap();
        assert!(o.status.success());
    }
    let pack = dir.path().join("signed.tar.gz");
    let o = perimeter_cmd()
        .args(["evidence", "pack"])
        .arg(&snap)
        .arg("-o")
        .arg(&pack)
        .arg("--sign")
        .arg(keys.join("perimeter.key"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let good = keys.join("perimeter.pub");
    let bad = other.join("perimeter.pub");
    assert_eq!(
        verify(&pack, &["--verify-key", good.to_str().unwrap()]).0,
        0
    );
    let (c, out) = verify(&pack, &["--verify-key", bad.to_str().unwrap()]);
    assert_eq!(c, 1, "{out}");
    assert!(out.contains("INVALID"));
}

#[test]
fn mutes_apply_expire_and_go_stale() {
    let mut r = report();
    let mutes = perimeter::mutes::parse(
        "m.toml",
        r#"
[[mute]]
check = "KMS-001"
resource = "arn:aws:kms:*:111122223333:key/*"
reason = "accepted until the key is retired"
owner = "platform"
expires = "2027-01-01"

[[mute]]
check = "KMS-005"
reason = "old"
owner = "x"
expires = "2020-01-01"

[[mute]]
check = "NET-001"
reason = "no such finding"
owner = "x"
expires = "2030-01-01"
"#,
    )
    .unwrap();
    let day: jiff::civil::Date = "2026-11-01".parse().unwrap();
    let out = perimeter::mutes::apply(&mut r.findings, &mutes, day);
    assert_eq!(out.muted, 1);
    assert_eq!(r.findings[0].status, Status::Muted);
    assert_eq!(
        r.findings[0].mute.as_ref().unwrap()["reason"],
        "accepted until the key is retired"
    );
    assert_eq!(
        r.findings[2].status,
        Status::Unknown,
        "an expired mute mutes nothing"
    );
    assert_eq!(out.expired.len(), 1);
    assert_eq!(out.stale.len(), 1);
    assert_eq!(out.stale[0].check, "NET-001");
    assert!(
        perimeter::mutes::parse(
            "m.toml",
            "[[mute]]\ncheck = \"KMS-001\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"soon\"\n"
        )
        .is_err()
    );
}

#[test]
fn diff_names_new_resolved_and_changed() {
    let old = report();
    let mut newer = old.clone();
    newer.findings[0].status = Status::Pass; // resolved
    newer.findings[1].status = Status::Fail; // changed (regressed)
    newer.findings.push(finding(
        "KMS-003",
        Status::Fail,
        "arn:aws:kms:us-east-1:111122223333:key/k9",
        "new",
    ));
    let d = perimeter::diff::diff(&old, &newer);
    assert_eq!(d.resolved.len(), 1);
    assert_eq!(d.resolved[0].check, "KMS-001");
    assert_eq!(d.changed.len(), 1);
    assert_eq!(d.new.len(), 1);
    assert_eq!(d.newly_failing().count(), 2);
}

#[test]
fn history_records_and_lists_runs() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let mut h = perimeter::history::History::open(db.to_str().unwrap()).unwrap();
    let a = h.record(&report()).unwrap();
    let b = h.record(&report()).unwrap();
    assert!(b > a);
    let rows = h.list().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].fail, 1);
    assert_eq!(h.report(a).unwrap().unwrap().findings.len(), 3);
    assert_eq!(h.previous(Some(b)).unwrap(), Some(a));
    let _ = std::io::stderr().flush();
}

#[test]
fn golden_outputs() {
    let r = report();
    insta::assert_snapshot!("csv", perimeter::report::csv::render(&r));
    insta::assert_snapshot!("junit", perimeter::report::junit::render(&r));
    let sarif: serde_json::Value =
        serde_json::from_str(&perimeter::report::sarif::render(&r)).unwrap();
    // The rules block is the whole catalogue; the golden file keeps the results.
    insta::assert_json_snapshot!("sarif_results", sarif["runs"][0]["results"]);
    let ocsf: Vec<serde_json::Value> = perimeter::report::ocsf::render(&r)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    insta::assert_json_snapshot!("ocsf", ocsf, {"[].finding_info.desc" => "[rationale]", "[].remediation.desc" => "[remediation]"});
    let json: serde_json::Value =
        serde_json::from_str(&perimeter::report::json::render(&r)).unwrap();
    insta::assert_json_snapshot!(
        "json_summary",
        json!({"summary": json["summary"], "scores": json["scores"]})
    );
}

/// Keys work as a file or as hex; a wrong key, either way, is refused without its bytes
/// ever appearing on stdout or stderr.
#[test]
fn keys_as_file_or_hex_and_never_echoed() {
    let dir = tempfile::tempdir().unwrap();
    let snap = write_snapshot(dir.path());
    let keys = dir.path().join("keys");
    let o = perimeter_cmd()
        .args(["evidence", "keygen", "--out-dir"])
        .arg(&keys)
        .output()
        .unwrap();
    assert!(o.status.success());
    let secret = std::fs::read_to_string(keys.join("perimeter.key")).unwrap();
    let public = std::fs::read_to_string(keys.join("perimeter.pub")).unwrap();
    let pack = dir.path().join("hex.tar.gz");
    let o = perimeter_cmd()
        .args(["evidence", "pack"])
        .arg(&snap)
        .arg("-o")
        .arg(&pack)
        .args(["--sign", secret.trim()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(verify(&pack, &["--verify-key", public.trim()]).0, 0);

    // Wrong keys: too short, not hex, a file with a bad key; both ways.
    let short_hex = &secret.trim()[..40];
    let bad_file = dir.path().join("bad.key");
    std::fs::write(&bad_file, short_hex).unwrap();
    for (flag, cmd, value) in [
        ("--sign", "pack", short_hex.to_string()),
        ("--sign", "pack", bad_file.to_string_lossy().into_owned()),
        ("--verify-key", "verify", short_hex.to_string()),
        (
            "--verify-key",
            "verify",
            bad_file.to_string_lossy().into_owned(),
        ),
    ] {
        let mut c = perimeter_cmd();
        c.args(["evidence", cmd]);
        if cmd == "pack" {
            c.arg(&snap).arg("-o").arg(dir.path().join("x.tar.gz"));
        } else {
            c.arg(&pack);
        }
        let o = c.args([flag, value.as_str()]).output().unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert_eq!(o.status.code(), Some(2), "{flag} {value}: {all}");
        assert!(!all.contains(short_hex), "key material echoed: {all}");
        assert!(
            !all.contains(&secret.trim()[..16]),
            "key material echoed: {all}"
        );
    }
}

/// A pack whose gzip stream is damaged is NOT INTACT (exit 1), not "cannot run" (2).
#[test]
fn a_damaged_pack_is_not_intact() {
    let dir = tempfile::tempdir().unwrap();
    let snap = write_snapshot(dir.path());
    let pack = dir.path().join("pack.tar.gz");
    let o = perimeter_cmd()
        .args(["evidence", "pack"])
        .arg(&snap)
        .arg("-o")
        .arg(&pack)
        .output()
        .unwrap();
    assert!(o.status.success());
    let mut bytes = std::fs::read(&pack).unwrap();
    let mid = bytes.len() / 2;
    for b in &mut bytes[mid..mid + 16] {
        *b ^= 0x5a;
    }
    let damaged = dir.path().join("damaged.tar.gz");
    std::fs::write(&damaged, &bytes).unwrap();
    let (code, out) = verify(&damaged, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("NOT INTACT"), "{out}");
    let truncated = dir.path().join("truncated.tar.gz");
    let whole = std::fs::read(&pack).unwrap();
    std::fs::write(&truncated, &whole[..whole.len() / 3]).unwrap();
    let (code, out) = verify(&truncated, &[]);
    assert_eq!(code, 1, "{out}");
}

#[test]
fn reading_a_missing_history_database_does_not_create_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("missing.db");
    let o = perimeter_cmd()
        .args(["history", "list", "--history"])
        .arg(&db)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("does not exist"), "{err}");
    assert!(!db.exists(), "history list created {}", db.display());
}

/// What perimeter 0.1.0 wrote stays readable: its snapshot loads and evaluates, and its
/// signed evidence pack verifies, in every later version (fixtures written by the 0.1.0
/// binary itself, against the demo emulator).
#[test]
fn documents_written_by_0_1_0_still_load_evaluate_and_verify() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/compat");
    let snap = dir.join("snapshot-0.1.0.json");
    let o = perimeter_cmd()
        .args(["evaluate", "--format", "json"])
        .arg(&snap)
        .output()
        .unwrap();
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert!(findings.len() > 100, "the 0.1.0 snapshot evaluates fully");
    assert!(findings.iter().any(|f| f["status"] == "fail"));
    let pub_key = std::fs::read_to_string(dir.join("evidence-0.1.0.pub")).unwrap();
    let (code, out) = verify(
        &dir.join("evidence-0.1.0.tar.gz"),
        &["--verify-key", pub_key.trim()],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("INTACT"), "{out}");
}

// ------------------------------------------------------------ what each user sees

const PROD: &str = "111122223333";
const LEGACY: &str = "444455556666";
/// An Organizations account name with a terminal escape, markup and a spreadsheet formula.
const EVIL_NAME: &str = "=cmd|' /C calc'!A0<script>alert(1)</script>\u{1b}]0;pwned\u{7}";

fn org_finding(
    check: &str,
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
        slug: format!("{}-slug", check.to_ascii_lowercase()),
        control: Control::Iam,
        status,
        severity,
        account: account.into(),
        region: region.map(str::to_string),
        resource: resource.into(),
        message: message.into(),
        evidence: json!({}).into(),
        mute: None,
    }
}

/// Two accounts with Organizations names; the second could not be entered (AssumeRole
/// denied), so it has no data and only unknown findings.
fn org_snapshot(legacy_name: &str) -> Snapshot {
    let mut snap = Snapshot::new(Meta {
        tool: ToolInfo::current(),
        started: "2026-11-01T00:00:00Z".into(),
        finished: "2026-11-01T00:01:00Z".into(),
        accounts: vec![PROD.into(), LEGACY.into()],
        regions: vec!["us-east-1".into()],
        source: "live".into(),
        ..Meta::default()
    });
    snap.accounts.push(perimeter::model::Account {
        id: PROD.into(),
        name: Some("payments-prod".into()),
        access: "caller".into(),
        iam: Some(Default::default()),
        regions: [(
            "us-east-1".to_string(),
            perimeter::model::RegionData::all_read(),
        )]
        .into(),
        ..Default::default()
    });
    snap.accounts.push(perimeter::model::Account {
        id: LEGACY.into(),
        name: None,
        access: format!("unreachable: cannot assume arn:aws:iam::{LEGACY}:role/OrganizationAccountAccessRole: AccessDenied"),
        ..Default::default()
    });
    // The second account's name comes from the organization's list only.
    snap.organization = Some(perimeter::model::Organization {
        id: "o-example".into(),
        management_account_id: PROD.into(),
        accounts: vec![
            perimeter::model::OrgAccount {
                id: PROD.into(),
                name: "payments-prod".into(),
                ..Default::default()
            },
            perimeter::model::OrgAccount {
                id: LEGACY.into(),
                name: legacy_name.into(),
                ..Default::default()
            },
        ],
        ..Default::default()
    });
    snap.gaps.push(perimeter::model::Gap {
        account: LEGACY.into(),
        region: None,
        service: "sts".into(),
        operation: "AssumeRole".into(),
        error: format!("AccessDenied (HTTP 403): User: arn:aws:iam::{PROD}:user/audit is not authorized to perform: sts:AssumeRole"),
        resource: Some(format!("arn:aws:iam::{LEGACY}:role/OrganizationAccountAccessRole")),
    });
    snap
}

fn org_report(legacy_name: &str) -> Report {
    let role = |n: &str| format!("arn:aws:iam::{PROD}:role/{n}");
    let key = |n: &str| format!("arn:aws:kms:us-east-1:{PROD}:key/{n}");
    let legacy_root = format!("arn:aws:iam::{LEGACY}:root");
    let (f, h, m, l) = (
        Status::Fail,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    );
    let findings = vec![
        org_finding(
            "IAM-008",
            l,
            f,
            PROD,
            None,
            &role("app"),
            &format!(
                "{} may invoke models without the workload tag.",
                role("app")
            ),
        ),
        org_finding(
            "IAM-008",
            l,
            f,
            PROD,
            None,
            &role("batch"),
            &format!(
                "{} may invoke models without the workload tag.",
                role("batch")
            ),
        ),
        org_finding(
            "IAM-008",
            l,
            f,
            PROD,
            None,
            &role("chat"),
            &format!(
                "{} may invoke models without the workload tag.",
                role("chat")
            ),
        ),
        org_finding(
            "IAM-001",
            h,
            f,
            PROD,
            None,
            &role("app"),
            &format!("{} may invoke any foundation model.", role("app")),
        ),
        org_finding(
            "IAM-003",
            h,
            f,
            PROD,
            None,
            &role("data-science"),
            &format!(
                "Workload principal {} has AmazonBedrockFullAccess attached.",
                role("data-science")
            ),
        ),
        org_finding(
            "KMS-001",
            m,
            f,
            PROD,
            Some("us-east-1"),
            &key("k1"),
            &format!("Key {HOSTILE} \u{1b}[31mrotation off"),
        ),
        org_finding(
            "IAM-002",
            m,
            Status::Pass,
            PROD,
            None,
            &role("pinned"),
            "pinned to us-east-1",
        ),
        org_finding(
            "LOG-001",
            h,
            Status::Unknown,
            PROD,
            Some("us-east-1"),
            &format!("arn:aws:iam::{PROD}:root"),
            "invocation logging could not be read",
        ),
        org_finding(
            "IAM-001",
            h,
            Status::Unknown,
            LEGACY,
            None,
            &legacy_root,
            &format!("IAM of account {LEGACY} could not be read."),
        ),
        org_finding(
            "IAM-008",
            l,
            Status::Unknown,
            LEGACY,
            None,
            &legacy_root,
            &format!("IAM of account {LEGACY} could not be read."),
        ),
        org_finding(
            "GRD-003",
            h,
            Status::Pass,
            LEGACY,
            None,
            &legacy_root,
            "nothing to decide",
        ),
    ];
    Report::build(&org_snapshot(legacy_name), findings)
}

fn table(r: &Report, show_pass: bool, width: u16) -> String {
    perimeter::report::table::render(
        r,
        &perimeter::report::table::TableOptions {
            show_pass,
            framework: None,
            width: Some(width),
        },
    )
}

#[test]
fn the_table_starts_with_the_summary_and_its_top_failing_checks() {
    let t = table(&org_report("legacy"), false, 120);
    let lines: Vec<&str> = t.lines().collect();
    assert!(lines[0].starts_with("perimeter: score "), "{t}");
    assert!(
        lines[0].contains("6 fail · 3 unknown · 2 pass · 0 muted"),
        "{t}"
    );
    let at = |s: &str| {
        lines
            .iter()
            .position(|l| l.starts_with(s))
            .unwrap_or_else(|| panic!("no line starts with {s:?}:\n{t}"))
    };
    let (top, accounts, fails, unknown) = (
        at("Top failing checks"),
        at("Accounts × controls"),
        at("Failing findings (6)"),
        at("Unknown findings (3)"),
    );
    assert!(top < accounts && accounts < fails && fails < unknown, "{t}");
    // Most severe first, each with its number of resources.
    let top_lines: Vec<&str> = lines[top + 1..accounts - 1].to_vec();
    assert!(
        top_lines[0].contains("IAM-001") && top_lines[0].contains("1 resource"),
        "{t}"
    );
    assert!(top_lines[1].contains("IAM-003"), "{t}");
    assert!(top_lines[2].contains("KMS-001"), "{t}");
    let iam8 = top_lines.iter().find(|l| l.contains("IAM-008")).unwrap();
    assert!(
        iam8.contains("iam-008-slug") && iam8.contains("low") && iam8.contains("3 resources"),
        "{t}"
    );
    // One line per failing finding, under its check, cut to the width, the ARN once.
    assert!(
        lines[fails + 1].starts_with("IAM-001 iam-001-slug · high · 1 resource"),
        "{t}"
    );
    assert!(lines.iter().all(|l| l.chars().count() <= 120), "{t}");
    let app: Vec<&&str> = lines[fails..unknown]
        .iter()
        .filter(|l| l.contains("role/app"))
        .collect();
    assert_eq!(app.len(), 2, "{t}");
    for l in app {
        assert!(l.starts_with("  FAIL  "), "{l}");
        assert!(l.contains("It may invoke"), "{l}");
        assert!(
            !l.contains("arn:aws:iam"),
            "the ARN is printed once, short: {l}"
        );
    }
    assert!(t.contains("Workload principal data-science has"), "{t}");
    // The severity order of the groups: high, high, medium, low.
    let groups: Vec<&str> = lines[fails + 1..unknown]
        .iter()
        .filter(|l| !l.starts_with(' ') && !l.is_empty())
        .copied()
        .collect();
    let codes: Vec<&str> = groups.iter().map(|l| &l[..7]).collect();
    assert_eq!(codes, ["IAM-001", "IAM-003", "KMS-001", "IAM-008"], "{t}");
}

#[test]
fn passes_are_listed_only_when_asked() {
    let r = org_report("legacy");
    let quiet = table(&r, false, 120);
    assert!(!quiet.contains("  PASS  "), "{quiet}");
    assert!(!quiet.contains("pinned to us-east-1"), "{quiet}");
    assert!(quiet.contains("2 passing findings not listed (--show-pass or --verbose lists them)"));
    let all = table(&r, true, 120);
    assert!(all.contains("Passing findings (2)"), "{all}");
    assert!(all.contains("pinned to us-east-1"), "{all}");
    assert!(all.contains("  PASS  "), "{all}");
}

#[test]
fn an_account_that_could_not_be_read_says_not_collected_not_zero() {
    let r = org_report("legacy");
    assert_eq!(r.run.not_collected.len(), 1);
    assert_eq!(r.run.not_collected[0].account, LEGACY);
    assert_eq!(r.run.not_collected[0].reason, "AssumeRole: AccessDenied");
    let t = table(&r, false, 120);
    let row = t
        .lines()
        .find(|l| l.contains(LEGACY) && l.contains("legacy") && l.contains("not collected"))
        .unwrap_or_else(|| panic!("no not-collected row:\n{t}"));
    assert!(
        row.ends_with("not collected (AssumeRole: AccessDenied)"),
        "{row}"
    );
    assert!(!row.contains(" 0 ") && !row.contains("n/a"), "{row}");
    // Its unknowns take one line, not one per check.
    assert!(
        t.contains(&format!("{LEGACY} legacy: 2 unknown findings in 2 checks — account not collected (AssumeRole: AccessDenied)")),
        "{t}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&perimeter::report::json::render(&r)).unwrap();
    assert_eq!(
        json["run"]["not_collected"],
        json!([{"account": LEGACY, "region": null, "reason": "AssumeRole: AccessDenied"}])
    );
    let html = perimeter::report::html::render(&r);
    assert!(
        html.contains("not collected (AssumeRole: AccessDenied)"),
        "{html}"
    );
    // A read account lists no such entry; a read account's unread Region does.
    let mut snap = org_snapshot("legacy");
    snap.accounts[0]
        .regions
        .insert("eu-west-1".into(), Default::default());
    snap.gaps.push(perimeter::model::Gap {
        account: PROD.into(),
        region: Some("eu-west-1".into()),
        service: "kms".into(),
        operation: "ListKeys".into(),
        error: "dispatch failure: io error".into(),
        resource: None,
    });
    let r = Report::build(&snap, Vec::new());
    assert_eq!(r.run.not_collected.len(), 2);
    let region = r
        .run
        .not_collected
        .iter()
        .find(|n| n.region.is_some())
        .unwrap();
    assert_eq!(
        (region.account.as_str(), region.region.as_deref()),
        (PROD, Some("eu-west-1"))
    );
    assert_eq!(region.reason, "ListKeys: dispatch failure");
    let t = table(&r, false, 120);
    assert!(
        t.contains("└ eu-west-1 not collected (ListKeys: dispatch failure)"),
        "{t}"
    );
}

#[test]
fn account_names_appear_in_every_format() {
    let r = org_report("legacy");
    assert_eq!(r.run.account_name(PROD), Some("payments-prod"));
    assert_eq!(
        r.run.account_name(LEGACY),
        Some("legacy"),
        "from the organization"
    );
    let t = table(&r, false, 160);
    assert!(t.contains(&format!("{PROD} payments-prod")), "{t}");
    let json: serde_json::Value =
        serde_json::from_str(&perimeter::report::json::render(&r)).unwrap();
    assert_eq!(json["run"]["account_names"][PROD], "payments-prod");
    assert_eq!(json["run"]["account_names"][LEGACY], "legacy");
    let csv = perimeter::report::csv::render(&r);
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().ends_with(",evidence,account_name"));
    for l in lines {
        assert!(
            l.ends_with(",payments-prod") || l.ends_with(",legacy"),
            "{l}"
        );
    }
    let html = perimeter::report::html::render(&r);
    assert!(html.contains(&format!(
        "<code>{PROD}</code> <span class=\"an\">payments-prod</span>"
    )));
    assert!(html.contains(&format!(
        "<option value=\"{PROD}\">{PROD} (payments-prod)</option>"
    )));
    // A report without names (an older one, or a single account) still renders.
    let mut bare = r.clone();
    bare.run.account_names.clear();
    assert!(table(&bare, false, 120).contains(&format!("{PROD}  ")));
}

#[test]
fn hostile_account_names_and_messages_are_escaped_in_every_format() {
    let r = org_report(EVIL_NAME);
    for width in [80, 120, 200] {
        for show_pass in [false, true] {
            let t = table(&r, show_pass, width);
            assert!(
                !t.chars().any(|c| c.is_control() && c != '\n'),
                "a control character reached the terminal: {t:?}"
            );
            if width == 200 {
                // Shown escaped, where the line is wide enough to show it at all.
                assert!(t.contains("\\u{1b}[31mrotation off"), "{t}");
            }
        }
    }
    let html = perimeter::report::html::render(&r);
    assert!(
        !html.contains("<script>alert"),
        "markup leaked into the HTML"
    );
    assert!(!html.contains(HOSTILE));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let csv = perimeter::report::csv::render(&r);
    assert!(!csv.contains(",=cmd"), "{csv}");
    assert!(csv.contains(",'=cmd|' /C calc'!A0<script>"), "{csv}");
    let text = perimeter::report::json::render(&r);
    assert!(!text.chars().any(|c| c.is_control() && c != '\n'));
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        json["run"]["account_names"][LEGACY], EVIL_NAME,
        "JSON keeps it exact"
    );
}

/// `--show-pass`, and `--verbose` / `-v` with it, list the passes; neither changes the
/// other formats.
#[test]
fn show_pass_and_verbose_list_passes_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("org.json");
    std::fs::write(&p, serde_json::to_string(&org_snapshot("legacy")).unwrap()).unwrap();
    let run = |extra: &[&str]| {
        let o = perimeter_cmd()
            .args(["evaluate", "--format", "table"])
            .arg(&p)
            .args(extra)
            .output()
            .unwrap();
        assert!(
            matches!(o.status.code(), Some(0 | 1)),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    };
    let plain = run(&[]);
    assert!(plain.starts_with("perimeter: score "), "{plain}");
    assert!(!plain.contains("\nPassing findings ("), "{plain}");
    assert!(
        plain.contains("not collected (AssumeRole: AccessDenied)"),
        "{plain}"
    );
    assert!(plain.contains(&format!("{PROD} payments-prod")), "{plain}");
    let listed = run(&["--show-pass"]);
    assert!(listed.contains("\nPassing findings ("), "{listed}");
    assert_eq!(run(&["--verbose"]), listed);
    assert_eq!(run(&["-v"]), listed);
}

#[test]
fn golden_table() {
    insta::assert_snapshot!("table", table(&org_report("legacy"), false, 100));
    insta::assert_snapshot!("table_show_pass", table(&org_report("legacy"), true, 100));
}
