//! The scheduled-audit workflow against a private emulator: two audits recorded in the
//! history with a configuration fixed in between; the diff names those findings as
//! resolved, and nothing else changes.

use serde_json::Value;

use super::emu::{boto3, perimeter_at, run, start_private, stdout_json};

const MGMT: &str = "123456789012";

#[test]
fn diff_between_two_recorded_runs_names_the_fixes() {
    let emu = start_private("history");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    let audit = |extra: &[&str]| {
        let mut c = perimeter_at(&emu.endpoint);
        c.args([
            "audit",
            "--quiet",
            "--regions",
            "us-east-1",
            "--format",
            "json",
            "--history",
        ])
        .arg(&db)
        .args(extra);
        run(c)
    };
    let first = audit(&[]);
    assert_eq!(
        first.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );

    let key = emu.demo["resources"][MGMT]["kms_keys"]["us-east-1"]["shared-data"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Fix two things: rotation on the shared key, and the wildcard role scoped down.
    boto3(
        &emu.endpoint,
        &format!(
            r#"
import sys, json, boto3
kw = dict(endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
boto3.client("kms", **kw).enable_key_rotation(KeyId="{key}")
iam = boto3.client("iam", **kw)
for name in iam.list_role_policies(RoleName="batch-summariser")["PolicyNames"]:
    doc = iam.get_role_policy(RoleName="batch-summariser", PolicyName=name)["PolicyDocument"]
    stmts = doc["Statement"] if isinstance(doc["Statement"], list) else [doc["Statement"]]
    for s in stmts:
        acts = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
        if any(a.startswith("bedrock:") for a in acts):
            s["Resource"] = "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1"
    doc["Statement"] = stmts
    iam.put_role_policy(RoleName="batch-summariser", PolicyName=name, PolicyDocument=json.dumps(doc))
"#
        ),
    );
    let second = audit(&["--fail-on-new"]);
    // Nothing new fails, so --fail-on-new passes although old failures remain.
    assert_eq!(
        second.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );

    let mut c = perimeter_at(&emu.endpoint);
    c.args(["history", "list", "--format", "json", "--history"])
        .arg(&db);
    let runs = stdout_json(&run(c));
    assert_eq!(runs.as_array().unwrap().len(), 2);

    let mut c = perimeter_at(&emu.endpoint);
    c.args(["diff", "1", "2", "--format", "json", "--history"])
        .arg(&db);
    let o = run(c);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let d = stdout_json(&o);
    let resolved: Vec<(String, String)> = d["resolved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["check"].as_str().unwrap().to_string(),
                c["resource"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let key_arn = emu.demo["resources"][MGMT]["kms_keys"]["us-east-1"]["shared-data"]["arn"]
        .as_str()
        .unwrap()
        .to_string();
    let role = format!("arn:aws:iam::{MGMT}:role/batch-summariser");
    assert!(
        resolved.contains(&("KMS-001".into(), key_arn.clone())),
        "{resolved:?}"
    );
    assert!(
        resolved.contains(&("IAM-001".into(), role.clone())),
        "{resolved:?}"
    );
    for (check, resource) in &resolved {
        assert!(
            resource == &key_arn || resource == &role,
            "unexpected resolved finding {check} {resource}"
        );
    }
    let news: Vec<&Value> = d["new"].as_array().unwrap().iter().collect();
    assert!(news.is_empty(), "no new findings expected: {news:?}");
    let regressions: Vec<&Value> = d["changed"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["after"] == "fail")
        .collect();
    assert!(regressions.is_empty(), "{regressions:?}");
}
