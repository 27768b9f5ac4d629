//! C2 Network checks over tests/fixtures/snapshots/network.json.

use perimeter::checks::Control;

use super::fixtures::fixture_findings;

#[test]
fn network_findings() {
    let findings = fixture_findings("network", Control::Network);
    for code in [
        "NET-001", "NET-002", "NET-003", "NET-004", "NET-005", "NET-006",
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
    insta::assert_json_snapshot!("network_findings", findings);
}
