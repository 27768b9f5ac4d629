//! C3 KMS checks over tests/fixtures/snapshots/kms.json.

use perimeter::checks::Control;

use super::fixtures::fixture_findings;

#[test]
fn kms_findings() {
    let findings = fixture_findings("kms", Control::Kms);
    for code in [
        "KMS-001", "KMS-002", "KMS-003", "KMS-004", "KMS-005", "KMS-006", "KMS-007",
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
    insta::assert_json_snapshot!("kms_findings", findings);
}
