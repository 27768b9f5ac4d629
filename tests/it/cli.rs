//! Bad input: one clear line on stderr, exit 2, no panic.

use std::process::Command;

fn perimeter(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_perimeter"))
        .args(args)
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .output()
        .unwrap()
}

fn assert_usage_error(o: &std::process::Output, needle: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "exit code; stderr: {err}");
    assert_eq!(err.trim().lines().count(), 1, "one line expected: {err}");
    assert!(err.contains(needle), "{needle:?} not in {err:?}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn unknown_flag() {
    assert_usage_error(&perimeter(&["audit", "--bogus"]), "--bogus");
}

#[test]
fn bad_region() {
    assert_usage_error(
        &perimeter(&["audit", "--regions", "eu-west-1,narnia"]),
        "narnia",
    );
}

#[test]
fn bad_format_and_severity() {
    assert_usage_error(&perimeter(&["audit", "--format", "pdf"]), "pdf");
    assert_usage_error(&perimeter(&["audit", "--fail-on", "urgent"]), "urgent");
}

#[test]
fn malformed_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("notjson.json", "this is not json", "not valid JSON"),
        (
            "truncated.json",
            "{\"schema_version\": \"1\", \"meta\": {",
            "not valid JSON",
        ),
        (
            "version.json",
            "{\"schema_version\": \"99\"}",
            "schema version",
        ),
        (
            "shape.json",
            "{\"schema_version\": \"1\", \"meta\": 5}",
            "snapshot shape",
        ),
    ];
    for (name, body, needle) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, body).unwrap();
        let o = perimeter(&["evaluate", p.to_str().unwrap()]);
        assert_usage_error(&o, needle);
        assert_usage_error(&o, name);
    }
    assert_usage_error(
        &perimeter(&["evaluate", "/nonexistent/snap.json"]),
        "/nonexistent/snap.json",
    );
}

#[test]
fn unknown_check_code() {
    assert_usage_error(&perimeter(&["checks", "explain", "XYZ-999"]), "XYZ-999");
}

#[test]
fn bad_config_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("perimeter.toml");
    std::fs::write(&cfg, "[logging]\nretention_days = \"long\"\n").unwrap();
    let snap = dir.path().join("s.json");
    std::fs::write(&snap, "{}").unwrap();
    let o = perimeter(&[
        "evaluate",
        snap.to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
    ]);
    assert_usage_error(&o, "line 2");
}

#[test]
fn checks_list_names_every_catalogue_code() {
    let o = perimeter(&["checks", "list", "--format", "json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let codes: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 87, "{codes:?}");
    for code in [
        "AGT-001", "AGT-006", "IAM-012", "GRD-013", "KMS-012", "USE-001", "THR-006", "RES-002",
    ] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
    for c in v.as_array().unwrap() {
        assert!(
            !c["frameworks"].as_array().unwrap().is_empty(),
            "{} maps to no framework",
            c["code"]
        );
    }
}

#[test]
fn permissions_policy_is_read_only_json() {
    let o = perimeter(&["permissions"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let statements = v["Statement"].as_array().unwrap();
    assert_eq!(
        statements.len(),
        2,
        "read-only, and billing once per account"
    );
    let actions: Vec<&serde_json::Value> = statements
        .iter()
        .flat_map(|s| s["Action"].as_array().unwrap())
        .collect();
    assert!(
        statements[1]["Action"].as_array().unwrap().iter().all(|a| a
            .as_str()
            .unwrap()
            .starts_with("budgets:")
            || a.as_str().unwrap().starts_with("ce:"))
    );
    for a in actions {
        let name = a.as_str().unwrap().split(':').nth(1).unwrap();
        assert!(
            // budgets:ViewBudget is the read action AWS Budgets authorises its Describe*
            // calls with.
            [
                "List",
                "Get",
                "Describe",
                "LookupEvents",
                "AssumeRole",
                "ViewBudget"
            ]
            .iter()
            .any(|p| name.starts_with(p)),
            "{name} is not read-only"
        );
    }
}

#[test]
fn regions_that_do_not_exist_or_are_empty_are_refused_before_any_call() {
    assert_usage_error(
        &perimeter(&["audit", "--regions", "eu-west-9"]),
        "eu-west-9",
    );
    assert_usage_error(
        &perimeter(&["collect", "--regions", "", "-o", "x.json"]),
        "--regions",
    );
    assert_usage_error(
        &perimeter(&["audit", "--regions", "us-east-1,,eu-west-1"]),
        "--regions",
    );
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("perimeter.toml");
    std::fs::write(&cfg, "bedrock_regions = [\"eu-west-9\"]\n").unwrap();
    assert_usage_error(
        &perimeter(&["audit", "--config", cfg.to_str().unwrap()]),
        "eu-west-9",
    );
}

#[test]
fn a_named_profile_that_does_not_exist_is_an_error_even_with_environment_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::write(&config, "[profile real]\nregion = eu-west-1\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_perimeter"))
        .args(["audit", "--profile", "nosuchprofile"])
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", &config)
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.path().join("credentials"),
        )
        .output()
        .unwrap();
    assert_usage_error(&o, "nosuchprofile");
}

#[test]
fn evaluating_an_empty_snapshot_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("empty.json");
    let snap = perimeter::model::Snapshot::new(perimeter::model::Meta {
        partial: true,
        ..Default::default()
    });
    std::fs::write(&p, serde_json::to_string(&snap).unwrap()).unwrap();
    assert_usage_error(&perimeter(&["evaluate", p.to_str().unwrap()]), "no account");
}

/// A severity override is applied whatever the case of its code, and a code no check has
/// is refused (it used to be accepted and then silently ignored).
#[test]
fn severity_overrides_apply_in_any_case() {
    let dir = tempfile::tempdir().unwrap();
    let snap = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/compat/snapshot-0.1.0.json");
    let cfg = dir.path().join("perimeter.toml");
    std::fs::write(&cfg, "[severity]\niam-001 = \"info\"\n").unwrap();
    let o = perimeter(&[
        "evaluate",
        snap.to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let sev: std::collections::BTreeSet<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "IAM-001")
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    assert_eq!(sev, ["info"].into_iter().collect());
    std::fs::write(&cfg, "[severity]\n\"IAM-999\" = \"low\"\n").unwrap();
    assert_usage_error(
        &perimeter(&[
            "evaluate",
            snap.to_str().unwrap(),
            "--config",
            cfg.to_str().unwrap(),
        ]),
        "IAM-999",
    );
}

/// A missing required argument is named, and the error points at the subcommand's help;
/// a mistyped flag gets clap's "did you mean".
#[test]
fn usage_errors_name_the_argument_and_the_subcommand_help() {
    assert_usage_error(&perimeter(&["cris", "explain"]), "--account");
    assert_usage_error(
        &perimeter(&["cris", "explain"]),
        "perimeter cris explain --help",
    );
    assert_usage_error(&perimeter(&["audit", "--regoins", "x"]), "--regions");
}
