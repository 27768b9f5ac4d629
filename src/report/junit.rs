//! JUnit XML: one test suite per check, one test case per check × resource, so CI
//! dashboards show perimeter results next to unit tests.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::Report;
use crate::checks::{Finding, Status};

/// Escape text for XML attributes and content.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

pub fn render(report: &Report) -> String {
    let mut by_check: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &report.findings {
        by_check.entry(f.check.as_str()).or_default().push(f);
    }
    let count = |s: Status| report.findings.iter().filter(|f| f.status == s).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"perimeter\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
        report.findings.len(),
        count(Status::Fail),
        count(Status::Unknown),
        count(Status::Muted)
    );
    for (check, findings) in by_check {
        let title = report
            .catalogue
            .get(check)
            .map(|c| c.title.clone())
            .unwrap_or_default();
        let n = |s: Status| findings.iter().filter(|f| f.status == s).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{} {}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
            xml(check),
            xml(&title),
            findings.len(),
            n(Status::Fail),
            n(Status::Unknown),
            n(Status::Muted)
        );
        for f in findings {
            let name = format!(
                "{} [{}{}]",
                f.resource,
                f.account,
                f.region
                    .as_deref()
                    .map(|r| format!(" {r}"))
                    .unwrap_or_default()
            );
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\">",
                xml(check),
                xml(&name)
            );
            match f.status {
                Status::Pass => {}
                Status::Fail => {
                    let _ = write!(
                        out,
                        "<failure message=\"{}\" type=\"{}\">{}</failure>",
                        xml(&f.message),
                        f.severity,
                        xml(&f.evidence.to_string())
                    );
                }
                Status::Unknown => {
                    let _ = write!(
                        out,
                        "<error message=\"{}\" type=\"unknown\">{}</error>",
                        xml(&f.message),
                        xml(&f.evidence.to_string())
                    );
                }
                Status::Muted => {
                    let _ = write!(out, "<skipped message=\"muted: {}\"/>", xml(&f.message));
                }
            }
            out.push_str("</testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
