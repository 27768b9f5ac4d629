//! The JSON report (schema in README.md).

use super::Report;

#[expect(
    clippy::expect_used,
    reason = "a report is plain data with string keys: serialising it cannot fail"
)]
pub fn render(report: &Report) -> String {
    let mut buf = Vec::new();
    // Writing into a Vec cannot fail; only serialising could, and a report always serialises.
    write(report, &mut buf).expect("a report always serialises");
    String::from_utf8(buf).expect("serde_json writes UTF-8")
}

/// Stream the report into `w`: a report of tens of thousands of findings is never held as
/// one string.
pub fn write(report: &Report, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, report)?;
    w.write_all(b"\n")
}
