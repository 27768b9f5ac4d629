//! C4 Logging checks over tests/fixtures/snapshots/logging.json.

use perimeter::checks::{Control, run_checks};
use perimeter::config::Config;
use perimeter::model::Snapshot;

#[test]
fn logging_findings() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/snapshots/logging.json"
    );
    let snap = Snapshot::load(path).expect("fixture loads");
    let findings = run_checks(&snap, &Config::default(), &|m| {
        m.control == Control::Logging
    });
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
