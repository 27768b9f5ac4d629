//! C5 Guardrails checks over tests/fixtures/snapshots/guardrails.json.

use perimeter::checks::Control;

use super::fixtures::fixture_findings;

#[test]
fn guardrails_findings() {
    let findings = fixture_findings("guardrails", Control::Guardrails);
    for code in [
        "GRD-001", "GRD-002", "GRD-003", "GRD-004", "GRD-005", "GRD-006", "GRD-007",
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
    // The Region whose guardrails could not be listed is unknown, citing the gap.
    assert!(findings.iter().any(|f| f.check == "GRD-001"
        && f.status.as_str() == "unknown"
        && f.region.as_deref() == Some("ap-southeast-2")
        && f.evidence.to_string().contains("AccessDenied")));
    insta::assert_json_snapshot!("guardrails_findings", findings);
}
