//! IAM checks over tests/fixtures/snapshots/iam.json.

use perimeter::checks::Control;

use super::fixtures::fixture_findings;

#[test]
fn iam_findings() {
    let findings = fixture_findings("iam", Control::Iam);
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
