//! The snapshot fixtures under tests/fixtures/snapshots/, one per control.

use perimeter::checks::{Control, Finding, run_checks};
use perimeter::config::Config;
use perimeter::model::Snapshot;

/// The fixture `tests/fixtures/snapshots/<name>.json`.
pub fn fixture(name: &str) -> Snapshot {
    let path = format!(
        "{}/tests/fixtures/snapshots/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    Snapshot::load(&path).expect("fixture loads")
}

/// The findings of one control's checks over its fixture, with the default config.
pub fn fixture_findings(name: &str, control: Control) -> Vec<Finding> {
    run_checks(&fixture(name), &Config::default(), &|m| {
        m.control == control
    })
}
