//! IAM checks over tests/fixtures/snapshots/iam.json.

use perimeter::checks::{Control, run_checks};
use perimeter::config::Config;
use perimeter::model::Snapshot;

#[test]
fn iam_findings() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/snapshots/iam.json"
    );
    let snap = Snapshot::load(path).expect("fixture loads");
    let findings = run_checks(&snap, &Config::default(), &|m| m.control == Control::Iam);
    for code in [
        "IAM-001", "IAM-002", "IAM-003", "IAM-004", "IAM-005", "IAM-006", "IAM-007", "IAM-008",
    ] {
        for status in ["pass", "fail"] {
            assert!(
                findings
                    .iter()
                    .any(|f| f.check == code && f.status.as_str() == status),
                "{code} has no {status} finding in the fixture"
            );
        }
    }
    insta::assert_json_snapshot!("iam_findings", findings);
}
