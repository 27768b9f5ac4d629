//! `--format asff`: AWS Security Finding Format for Security Hub. Validated against the
//! required attributes and limits of the ASFF syntax reference (Security Hub User Guide,
//! "AWS Security Finding Format (ASFF)" — required top-level attributes: SchemaVersion, Id,
//! ProductArn, GeneratorId, AwsAccountId, Types, CreatedAt, UpdatedAt, Severity, Title,
//! Description, Resources; Resources[] requires Type and Id).

use serde_json::Value;

use super::emu::{audit_with_snapshot, emu, perimeter, run};

const REQUIRED: [&str; 12] = [
    "SchemaVersion",
    "Id",
    "ProductArn",
    "GeneratorId",
    "AwsAccountId",
    "Types",
    "CreatedAt",
    "UpdatedAt",
    "Severity",
    "Title",
    "Description",
    "Resources",
];

fn asff_of_demo() -> (Value, Value) {
    let (report, snapshot, _) = audit_with_snapshot(&["--regions", "us-east-1,eu-west-1"]);
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap.json");
    std::fs::write(&snap, snapshot.to_string()).unwrap();
    let mut c = perimeter();
    c.args(["evaluate", "--format", "asff"]).arg(&snap);
    let o = run(c);
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    (
        report,
        serde_json::from_slice(&o.stdout).expect("ASFF is JSON"),
    )
}

#[test]
fn asff_has_every_required_attribute_with_its_type_and_limits() {
    let _ = emu();
    let (report, asff) = asff_of_demo();
    let list = asff
        .as_array()
        .expect("a JSON array of findings, as BatchImportFindings takes");
    let expected = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] != "pass")
        .count();
    assert_eq!(
        list.len(),
        expected,
        "one ASFF finding per failing or unknown result"
    );
    let mut ids = std::collections::BTreeSet::new();
    for f in list {
        for k in REQUIRED {
            assert!(f.get(k).is_some(), "{k} missing in {f}");
        }
        assert_eq!(f["SchemaVersion"], "2018-10-08");
        let id = f["Id"].as_str().unwrap();
        assert!(!id.is_empty() && id.len() <= 512, "Id: {id}");
        assert!(ids.insert(id.to_string()), "Id {id} repeats");
        assert!(f["GeneratorId"].as_str().unwrap().len() <= 512);
        let account = f["AwsAccountId"].as_str().unwrap();
        assert!(account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()));
        let product = f["ProductArn"].as_str().unwrap();
        assert!(
            product.starts_with("arn:aws:securityhub:") && product.ends_with("/default"),
            "{product}"
        );
        let types = f["Types"].as_array().unwrap();
        assert!(!types.is_empty() && types.len() <= 50);
        for t in ["CreatedAt", "UpdatedAt"] {
            let ts = f[t].as_str().unwrap();
            assert!(
                ts.parse::<jiff::Timestamp>().is_ok(),
                "{t} {ts} is not RFC 3339"
            );
        }
        let label = f["Severity"]["Label"].as_str().unwrap();
        assert!(["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"].contains(&label));
        assert!(f["Title"].as_str().unwrap().chars().count() <= 256);
        assert!(f["Description"].as_str().unwrap().chars().count() <= 1024);
        let resources = f["Resources"].as_array().unwrap();
        assert!(!resources.is_empty() && resources.len() <= 32);
        for r in resources {
            assert!(r["Type"].as_str().is_some_and(|t| !t.is_empty()));
            assert!(r["Id"].as_str().is_some_and(|t| !t.is_empty()));
        }
        let status = f["Compliance"]["Status"].as_str().unwrap();
        assert!(["PASSED", "WARNING", "FAILED", "NOT_AVAILABLE"].contains(&status));
    }
    // The same result keeps its Id across runs (Security Hub updates instead of adding).
    let (_, again) = asff_of_demo();
    let ids_again: std::collections::BTreeSet<String> = again
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["Id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ids_again);
}

/// `evaluate` of a saved snapshot says so in `run.source`; every file written is named.
#[test]
fn offline_evaluation_says_so_and_names_its_files() {
    let (_, snapshot, _) = audit_with_snapshot(&["--regions", "us-east-1"]);
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap.json");
    std::fs::write(&snap, snapshot.to_string()).unwrap();
    let out = dir.path().join("out");
    let mut c = perimeter();
    c.args(["evaluate", "--format", "json,asff", "--output-dir"])
        .arg(&out)
        .arg(&snap);
    let o = run(c);
    let err = String::from_utf8_lossy(&o.stderr);
    for f in ["perimeter.json", "perimeter.asff.json"] {
        assert!(err.contains(f), "{f} not named on stderr: {err}");
    }
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("perimeter.json")).unwrap())
            .unwrap();
    assert_eq!(report["run"]["source"], "offline:live");
}

/// `cris explain` takes the inference profile as --inference-profile (audit's flags for
/// credentials); an old `--profile <inference profile id>` is still understood.
#[test]
fn cris_explain_flags() {
    let (_, snapshot, _) = audit_with_snapshot(&["--regions", "us-east-1"]);
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap.json");
    std::fs::write(&snap, snapshot.to_string()).unwrap();
    let account = snapshot["accounts"][0]["id"].as_str().unwrap().to_string();
    let id = "us.anthropic.claude-3-5-sonnet-20241022-v2:0";
    for flag in ["--inference-profile", "--profile"] {
        let mut c = perimeter();
        c.args([
            "cris",
            "explain",
            "--format",
            "json",
            "--account",
            &account,
            flag,
            id,
            "--snapshot",
        ])
        .arg(&snap);
        let o = run(c);
        assert!(
            o.status.success(),
            "{flag}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert!(v.to_string().contains(id), "{flag}: {v}");
    }
}
