//! The terminal table: findings grouped by control, a score per control, a summary line,
//! and the compliance roll-up per framework.

use std::fmt::Write;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, ContentArrangement, Table};

use super::Report;
use crate::checks::{Control, Status};

pub struct TableOptions {
    /// Also list passing findings.
    pub show_pass: bool,
    /// Only show this framework in the compliance summary.
    pub framework: Option<String>,
    pub width: Option<u16>,
}

/// Text from AWS (names, tags, descriptions) made safe for a terminal: control characters
/// (escape sequences that could recolour, move the cursor or retitle the window) are shown
/// as `\u{..}` escapes instead of being sent to the terminal.
pub fn term_safe(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() && c != '\n' {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

fn score_text(s: Option<u32>) -> String {
    s.map(|s| format!("{s}/100"))
        .unwrap_or_else(|| "n/a".into())
}

pub fn render(report: &Report, opts: &TableOptions) -> String {
    use std::io::IsTerminal;
    let mut out = String::new();
    // Without a terminal to measure, wrap long messages at a readable width.
    let width = opts
        .width
        .or_else(|| (!std::io::stdout().is_terminal()).then_some(180));
    for control in Control::ALL {
        let findings: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.control == control)
            .collect();
        if findings.is_empty() {
            continue;
        }
        let sc = report.scores.by_control.get(&control);
        let _ = writeln!(
            out,
            "\n{} — score {} ({} fail, {} unknown, {} pass)",
            control.title(),
            score_text(sc.and_then(|s| s.score)),
            sc.map_or(0, |s| s.fail),
            sc.map_or(0, |s| s.unknown),
            sc.map_or(0, |s| s.pass),
        );
        let shown: Vec<_> = findings
            .iter()
            .filter(|f| opts.show_pass || f.status != Status::Pass)
            .collect();
        if shown.is_empty() {
            continue;
        }
        let mut t = Table::new();
        t.load_preset(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_header(vec![
                "Status", "Severity", "Check", "Account", "Region", "Resource", "Message",
            ]);
        if let Some(w) = width {
            t.set_width(w);
        }
        for f in shown {
            t.add_row(vec![
                Cell::new(f.status.as_str().to_uppercase()),
                Cell::new(f.severity.as_str()),
                Cell::new(&f.check),
                Cell::new(term_safe(&f.account)),
                Cell::new(term_safe(f.region.as_deref().unwrap_or("-"))),
                Cell::new(term_safe(&f.resource)),
                Cell::new(term_safe(&f.message)),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }

    if report.scores.by_account.len() > 1 {
        let _ = writeln!(out, "\nAccounts × controls (score)");
        let mut t = Table::new();
        let mut header = vec!["Account".to_string(), "Overall".to_string()];
        header.extend(Control::ALL.iter().map(|c| c.as_str().to_string()));
        t.load_preset(UTF8_FULL_CONDENSED).set_header(header);
        for (acct, a) in &report.scores.by_account {
            let mut row = vec![term_safe(acct), score_text(a.overall.score)];
            row.extend(
                Control::ALL
                    .iter()
                    .map(|c| score_text(a.by_control.get(c).and_then(|s| s.score))),
            );
            t.add_row(row);
        }
        let _ = writeln!(out, "{t}");
    }
    if !report.scores.by_ou.is_empty() {
        let _ = writeln!(
            out,
            "\nOrganizational units (score over the accounts below)"
        );
        let mut t = Table::new();
        t.load_preset(UTF8_FULL_CONDENSED)
            .set_header(vec!["OU", "Score", "Fail", "Unknown", "Pass"]);
        for (ou, sc) in &report.scores.by_ou {
            t.add_row(vec![
                term_safe(ou),
                score_text(sc.score),
                sc.fail.to_string(),
                sc.unknown.to_string(),
                sc.pass.to_string(),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }

    if !report.compliance.is_empty() {
        let _ = writeln!(out, "\nCompliance");
        let mut t = Table::new();
        t.load_preset(UTF8_FULL_CONDENSED).set_header(vec![
            "Framework",
            "Met",
            "Not met",
            "Unknown",
        ]);
        for (fw, reqs) in &report.compliance {
            if let Some(only) = &opts.framework
                && only != fw
            {
                continue;
            }
            let count = |s: &str| {
                reqs.iter()
                    .filter(|r| {
                        serde_json::to_value(r.status)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .as_deref()
                            == Some(s)
                    })
                    .count()
            };
            t.add_row(vec![
                fw.clone(),
                count("met").to_string(),
                count("not_met").to_string(),
                count("unknown").to_string(),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }

    if !report.gaps.is_empty() {
        let _ = writeln!(
            out,
            "\n{} collection gap(s): data perimeter could not read (checks that needed it say unknown). See `gaps` in the JSON report.",
            report.gaps.len()
        );
    }
    let s = &report.summary;
    let _ = writeln!(
        out,
        "\nSummary: score {} — {} findings: {} fail, {} unknown, {} pass, {} muted; {} account(s), {} Region(s){}",
        score_text(report.scores.overall),
        s.total,
        s.fail,
        s.unknown,
        s.pass,
        s.muted,
        report.run.accounts.len(),
        report.run.regions.len(),
        if report.run.partial {
            " (PARTIAL snapshot)"
        } else {
            ""
        }
    );
    out
}

#[cfg(test)]
mod tests {
    use super::term_safe;

    #[test]
    fn escape_sequences_never_reach_the_terminal() {
        let hostile = "role\u{1b}]0;pwned\u{7}\u{1b}[31mred\u{9b}2J";
        let safe = term_safe(hostile);
        assert!(!safe.chars().any(|c| c.is_control()), "{safe:?}");
        assert!(safe.contains("role") && safe.contains("red"));
        assert_eq!(term_safe("plain text"), "plain text");
    }
}
