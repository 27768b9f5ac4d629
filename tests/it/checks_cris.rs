//! CRI checks over tests/fixtures/snapshots/cris.json.

use perimeter::checks::Control;

use super::fixtures::{fixture, fixture_findings};
use perimeter::config::Config;

#[test]
fn cris_findings() {
    let findings = fixture_findings("cris", Control::Cris);
    for code in ["CRI-001", "CRI-002", "CRI-003", "CRI-004", "CRI-005"] {
        for status in ["pass", "fail"] {
            assert!(
                findings
                    .iter()
                    .any(|f| f.check == code && f.status.as_str() == status),
                "{code} has no {status} finding in the fixture"
            );
        }
    }
    insta::assert_json_snapshot!("cris_findings", findings);
}

#[test]
fn cris_explain_text() {
    let snap = fixture("cris");
    let v =
        perimeter::checks::cris::explain::explain(&snap, &Config::default(), "111122223333", None)
            .expect("account is in the fixture");
    let text = perimeter::checks::cris::explain::explain_text(&v);
    assert!(text.contains("GRREGIONDENY"), "{text}");
    insta::assert_snapshot!("cris_explain_text", text);
}
