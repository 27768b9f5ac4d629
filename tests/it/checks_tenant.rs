//! TEN checks over tests/fixtures/snapshots/tenant.json.

use perimeter::checks::Control;

use super::fixtures::fixture_findings;

#[test]
fn tenant_findings() {
    let findings = fixture_findings("tenant", Control::Tenant);
    for code in ["TEN-001", "TEN-002", "TEN-003"] {
        for status in ["pass", "fail"] {
            assert!(
                findings
                    .iter()
                    .any(|f| f.check == code && f.status.as_str() == status),
                "{code} has no {status} finding in the fixture"
            );
        }
    }
    insta::assert_json_snapshot!("tenant_findings", findings);
}
