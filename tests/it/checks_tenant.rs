//! TEN checks over tests/fixtures/snapshots/tenant.json.

use perimeter::checks::{Control, run_checks};
use perimeter::config::Config;
use perimeter::model::Snapshot;

#[test]
fn tenant_findings() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/snapshots/tenant.json"
    );
    let snap = Snapshot::load(path).expect("fixture loads");
    let findings = run_checks(&snap, &Config::default(), &|m| m.control == Control::Tenant);
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
