//! CSV: one row per finding. Cells that a spreadsheet would read as a formula are
//! neutralised with a leading apostrophe. Columns are only ever added at the end.

use super::Report;

const HEADER: [&str; 12] = [
    "id",
    "check",
    "slug",
    "control",
    "status",
    "severity",
    "account",
    "region",
    "resource",
    "message",
    "evidence",
    "account_name",
];

/// Quote a cell for CSV and defuse formula injection: a cell that starts with `=`, `+`,
/// `-`, `@`, a tab, CR or LF, or with spaces before one of those, gets a leading apostrophe
/// (some spreadsheets skip leading spaces before they look for a formula).
pub fn cell(raw: &str) -> String {
    const FORMULA: [char; 7] = ['=', '+', '-', '@', '\t', '\r', '\n'];
    let neutral = if raw.trim_start_matches(' ').starts_with(FORMULA) {
        format!("'{raw}")
    } else {
        raw.to_string()
    };
    if neutral.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

pub fn render(report: &Report) -> String {
    let mut out = HEADER.join(",");
    out.push_str("\r\n");
    for f in &report.findings {
        let row = [
            f.id.as_str(),
            f.check.as_str(),
            f.slug.as_str(),
            f.control.as_str(),
            f.status.as_str(),
            f.severity.as_str(),
            f.account.as_str(),
            f.region.as_deref().unwrap_or(""),
            f.resource.as_str(),
            f.message.as_str(),
            &f.evidence.to_string(),
            report.run.account_name(&f.account).unwrap_or(""),
        ];
        let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn formulas_are_neutralised_and_quoted() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-cmd"), "'-cmd");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell("  =1+1"), "'  =1+1");
        assert_eq!(cell("\n=1"), "\"'\n=1\"");
        assert_eq!(cell("a-b"), "a-b");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("plain"), "plain");
    }
}
