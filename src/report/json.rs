//! The JSON report (schema in README.md).

use super::Report;

#[expect(
    clippy::expect_used,
    reason = "a report is plain data with string keys: serialising it cannot fail"
)]
pub fn render(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report).expect("a report always serialises");
    s.push('\n');
    s
}
