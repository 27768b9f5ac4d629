//! Organisation-wide audits against the seeded demo organisation: every reachable member
//! through OrganizationAccountAccessRole, the unreachable one as a gap, SCP chains per
//! account, and sharded collection merged back into the same findings.

use std::collections::BTreeSet;

use serde_json::Value;

use super::emu::{audit_with_snapshot, emu, perimeter, run, stdout_json};

const REGIONS: &str = "us-east-1,eu-west-1,ap-northeast-1,us-west-2";

fn account_id(name: &str) -> String {
    emu().demo["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == name)
        .and_then(|a| a["id"].as_str())
        .unwrap_or_else(|| panic!("no account {name} in the demo manifest"))
        .to_string()
}

fn org_run() -> &'static (Value, Value, i32) {
    static R: std::sync::OnceLock<(Value, Value, i32)> = std::sync::OnceLock::new();
    R.get_or_init(|| {
        audit_with_snapshot(&[
            "--org",
            "--regions",
            REGIONS,
            "--config",
            concat!(env!("CARGO_MANIFEST_DIR"), "/localstack/demo.toml"),
        ])
    })
}

#[test]
fn org_audit_covers_every_reachable_account_and_records_the_unreachable_one() {
    let (report, snapshot, code) = org_run();
    assert_eq!(*code, 1);
    let expected: BTreeSet<String> = emu().demo["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect();
    assert!(
        expected.len() >= 7,
        "the demo has a management account and 6 members"
    );
    let in_run: BTreeSet<String> = report["run"]["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    assert_eq!(in_run, expected);
    let legacy = account_id("legacy");
    let gaps = report["gaps"].as_array().unwrap();
    assert!(
        gaps.iter().any(|g| g["account"] == legacy.as_str()
            && g["operation"] == "AssumeRole"
            && g["error"].as_str().unwrap().contains("AccessDenied")),
        "the unreachable account is a gap: {gaps:?}"
    );
    // Every reachable account was collected (IAM read); the unreachable one was not.
    for a in snapshot["accounts"].as_array().unwrap() {
        let id = a["id"].as_str().unwrap();
        assert_eq!(a["iam"].is_null(), id == legacy, "account {id}");
    }
    // Findings exist for every reachable member.
    let with_findings: BTreeSet<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["account"].as_str().unwrap())
        .collect();
    for name in [
        "payments-prod",
        "ai-prod",
        "ai-dev",
        "sandbox-1",
        "sandbox-2",
    ] {
        assert!(
            with_findings.contains(account_id(name).as_str()),
            "no findings for {name}"
        );
    }
    // The legacy account's IAM checks cannot be decided.
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| !(f["account"] == legacy.as_str()
                && f["status"] == "pass"
                && f["control"] == "iam"))
    );
}

#[test]
fn scp_chains_follow_the_ou_tree() {
    let (_, snapshot, _) = org_run();
    let chain = |name: &str| -> Vec<(String, Vec<String>)> {
        let id = account_id(name);
        let a = snapshot["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == id.as_str())
            .unwrap();
        a["scps"]
            .as_array()
            .unwrap_or_else(|| panic!("{name} has no SCP chain"))
            .iter()
            .map(|l| {
                (
                    l["target_name"].as_str().unwrap().to_string(),
                    l["policies"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|p| p["name"].as_str().unwrap().to_string())
                        .collect(),
                )
            })
            .collect()
    };
    let pay = chain("payments-prod");
    let names: Vec<&str> = pay.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["Root", "Workloads", "Prod", "Payments", "payments-prod"]
    );
    assert!(pay[1].1.contains(&"DenyOutsideApprovedRegions".to_string()));
    assert!(pay[2].1.contains(&"DenyBedrockBearerToken".to_string()));
    let sb = chain("sandbox-1");
    assert!(sb[1].1.iter().any(|p| p.starts_with("aws-guardrails-")));
    // The management account is not governed by SCPs.
    let mgmt = snapshot["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "123456789012")
        .unwrap();
    assert!(mgmt["scps"].is_null() || mgmt["scps"].as_array().unwrap().is_empty());
}

#[test]
fn cris_blocked_by_region_deny_names_the_scp() {
    let (report, _, _) = org_run();
    let ai_prod = account_id("ai-prod");
    let f = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["check"] == "CRI-001"
                && f["account"] == ai_prod.as_str()
                && f["status"] == "fail"
                && f["severity"] == "high"
                && f["evidence"]["affected_profiles"]
                    .to_string()
                    .contains("inference-profile/us.")
        })
        .expect("a CRI-001 failure naming a us. profile in ai-prod");
    // One finding per deciding SCP: it points at the SCP, the thing to fix.
    assert!(
        f["resource"].as_str().unwrap().contains(":policy/o-"),
        "{}",
        f["resource"]
    );
    let per_scp = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| {
            x["check"] == "CRI-001"
                && x["account"] == ai_prod.as_str()
                && x["resource"] == f["resource"]
        })
        .count();
    assert_eq!(per_scp, 1, "one CRI-001 finding per account and SCP");
    let ev = f["evidence"].to_string();
    assert!(ev.contains("DenyOutsideApprovedRegions"), "{ev}");
    assert!(ev.contains("us-east-2") || ev.contains("us-west-2"), "{ev}");
    // Sandbox's Control Tower-style SCP gets the Control Tower remediation.
    let sb = account_id("sandbox-1");
    let ct = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "CRI-001" && f["account"] == sb.as_str() && f["status"] == "fail")
        .expect("a CRI-001 failure in sandbox-1");
    assert!(
        ct["evidence"]["fix"].to_string().contains("Control Tower"),
        "{}",
        ct["evidence"]["fix"]
    );
}

#[test]
fn shards_merge_into_the_unsharded_findings() {
    let (report, _, _) = org_run();
    let dir = tempfile::tempdir().unwrap();
    let mut parts = Vec::new();
    for k in 1..=3 {
        let p = dir.path().join(format!("shard{k}.json"));
        let mut c = perimeter();
        c.args([
            "collect",
            "--quiet",
            "--org",
            "--regions",
            REGIONS,
            "--shard",
            &format!("{k}/3"),
            "-o",
        ])
        .arg(&p);
        let o = run(c);
        assert!(
            o.status.success(),
            "shard {k}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        parts.push(p);
    }
    let merged = dir.path().join("merged.json");
    let mut c = perimeter();
    c.arg("merge").args(&parts).arg("-o").arg(&merged);
    let o = run(c);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut c = perimeter();
    c.arg("evaluate").arg(&merged).args([
        "--format",
        "json",
        "--config",
        concat!(env!("CARGO_MANIFEST_DIR"), "/localstack/demo.toml"),
    ]);
    let o = run(c);
    let merged_report = stdout_json(&o);
    let key = |r: &Value| -> BTreeSet<(String, String)> {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["id"].as_str().unwrap().to_string(),
                    f["status"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(
        key(&merged_report),
        key(report),
        "sharded + merged findings differ from one run"
    );
}

#[test]
fn the_demo_organisation_fails_every_control() {
    let (report, _, _) = org_run();
    let failing: BTreeSet<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "fail")
        .map(|f| f["control"].as_str().unwrap())
        .collect();
    for c in [
        "iam",
        "network",
        "kms",
        "logging",
        "guardrails",
        "tenant",
        "cris",
    ] {
        assert!(failing.contains(c), "no failing finding for {c}");
    }
    // Per-OU scores cover the nested tree.
    let ous = report["scores"]["by_ou"].as_object().expect("by_ou scores");
    assert!(
        ous.contains_key("Root/Workloads/Prod/Payments"),
        "{:?}",
        ous.keys().collect::<Vec<_>>()
    );
}

/// Every outcome the seed script's header intends (its manifest's `intended_outcomes`)
/// comes out of the organisation audit: the demo cannot drift from its own description.
#[test]
fn the_demo_delivers_every_intended_outcome() {
    let (report, _, _) = org_run();
    let findings = report["findings"].as_array().unwrap();
    let intended = emu().demo["intended_outcomes"]
        .as_array()
        .expect("the demo manifest lists its intended outcomes");
    assert!(intended.len() > 50, "the intentions cover the demo");
    let mut wrong = Vec::new();
    for want in intended {
        let hits: Vec<&Value> = findings
            .iter()
            .filter(|f| {
                f["check"] == want["check"]
                    && f["account"] == want["account"]
                    && f["region"] == want["region"]
                    && (want["resource"].is_null() || f["resource"] == want["resource"])
            })
            .collect();
        if !hits.iter().any(|f| f["status"] == want["expect"]) {
            let got: Vec<String> = hits
                .iter()
                .map(|f| format!("{} on {}", f["status"], f["resource"]))
                .collect();
            wrong.push(format!("{want}: got {got:?}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "intended outcomes not met:\n{}",
        wrong.join("\n")
    );
}

/// A scope that resolves to nothing is an error naming the filter, never "0 findings,
/// exit 0": a nightly gate must not pass silently.
#[test]
fn a_scope_that_matches_nothing_is_an_error() {
    for args in [
        vec!["--ous", "NoSuchOU"],
        vec!["--accounts", "999999999999"],
    ] {
        let mut c = perimeter();
        c.args([
            "audit",
            "--quiet",
            "--org",
            "--regions",
            "us-east-1",
            "--format",
            "json",
        ])
        .args(&args);
        let o = run(c);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(args[1]), "{args:?}: {err}");
        assert!(err.contains("matched no"), "{err}");
    }
}

/// `perimeter residency` on the demo's snapshot: payments-prod (eu) had calls on the
/// global profile served in us-east-2, shown with their events; ai-prod (us) stayed
/// inside; the limits of event history are stated in the output, and the exit code says
/// a call left.
#[test]
fn residency_shows_the_demo_breach_with_its_events() {
    let (report, snapshot, _) = org_run();
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snapshot.json");
    std::fs::write(&snap, serde_json::to_string(snapshot).unwrap()).unwrap();
    let config = concat!(env!("CARGO_MANIFEST_DIR"), "/localstack/demo.toml");
    let pay = account_id("payments-prod");
    let prod = account_id("ai-prod");
    let usage = &emu().demo["resources"][pay.as_str()]["usage"]["residency"];

    let mut c = perimeter();
    c.args(["residency", "--snapshot"])
        .arg(&snap)
        .args(["--config", config, "--format", "json"]);
    let o = run(c);
    assert_eq!(o.status.code(), Some(1), "a call served outside exits 1");
    let v = stdout_json(&o);
    let accounts = v["residency"]["accounts"].as_array().unwrap();
    let by = |id: &str| accounts.iter().find(|a| a["account"] == id).unwrap();
    assert_eq!(by(&pay)["verdict"], "outside");
    assert_eq!(by(&pay)["geography"], "eu");
    assert_eq!(by(&prod)["verdict"], "inside");
    let region = by(&pay)["regions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["region"] == usage["region"])
        .unwrap();
    assert_eq!(region["outside_count"], usage["outside_events"]);
    let events = region["outside_events"].as_array().unwrap();
    assert_eq!(
        events.len() as u64,
        usage["outside_events"].as_u64().unwrap()
    );
    for e in events {
        assert_eq!(e["inference_region"], usage["outside_region"]);
        assert_eq!(e["model_id"], usage["global_profile"]);
        assert!(e["event_id"].as_str().is_some_and(|id| !id.is_empty()));
    }
    assert!(
        by(&pay)["profiles_outside"]
            .as_array()
            .unwrap()
            .contains(&usage["global_profile"])
    );
    // What event history cannot show is part of the answer.
    let hidden = v["residency"]["limits"]["not_visible"].as_array().unwrap();
    assert!(hidden.iter().any(|x| x == "InvokeAgent"));

    // The text form names the breach, its events and the limits.
    let mut c = perimeter();
    c.args(["residency", "--snapshot"]).arg(&snap).args([
        "--config",
        config,
        "--account",
        pay.as_str(),
    ]);
    let o = run(c);
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1));
    assert!(text.contains("CALLS SERVED OUTSIDE"), "{text}");
    assert!(
        text.contains(usage["outside_region"].as_str().unwrap()),
        "{text}"
    );
    assert!(
        text.contains("InvokeAgent") && text.contains("90 days"),
        "{text}"
    );
    assert!(
        !text.contains(prod.as_str()),
        "--account keeps one account: {text}"
    );

    // The audit's report carries the same section.
    let section = &report["residency"]["accounts"];
    assert!(
        section
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["account"] == pay.as_str() && a["verdict"] == "outside")
    );

    // A bad account id is a usage error.
    let mut c = perimeter();
    c.args(["residency", "--snapshot"])
        .arg(&snap)
        .args(["--account", "12x"]);
    let o = run(c);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--account"));
}

/// Every cost, abuse and residency check passes somewhere in the demo and fails somewhere
/// else: each is exercised both ways on live (emulated) data, not only in fixtures.
#[test]
fn every_usage_threat_and_residency_check_passes_and_fails_in_the_demo() {
    let (report, _, _) = org_run();
    let findings = report["findings"].as_array().unwrap();
    let codes: Vec<String> = ["USE", "THR"]
        .iter()
        .flat_map(|p| (1..=6).map(move |n| format!("{p}-00{n}")))
        .chain(["RES-001".to_string(), "RES-002".to_string()])
        .collect();
    let mut missing = Vec::new();
    for code in &codes {
        for status in ["pass", "fail"] {
            if !findings
                .iter()
                .any(|f| f["check"] == code.as_str() && f["status"] == status)
            {
                missing.push(format!("{code} {status}"));
            }
        }
    }
    assert!(missing.is_empty(), "not exercised by the demo: {missing:?}");
}
