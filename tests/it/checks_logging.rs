//! C4 Logging checks over tests/fixtures/snapshots/logging.json.

use perimeter::checks::Control;

use super::fixtures::fixture_findings;

#[test]
fn logging_findings() {
    let findings = fixture_findings("logging", Control::Logging);
    for code in [
        "LOG-001", "LOG-002", "LOG-003", "LOG-004", "LOG-005", "LOG-006", "LOG-007", "LOG-008",
        "LOG-009", "LOG-010",
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
    insta::assert_json_snapshot!("logging_findings", findings);
}
