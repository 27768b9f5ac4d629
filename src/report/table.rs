//! The terminal table. The summary comes first and fits one screen: the score and counts,
//! the top failing checks, accounts × controls (names beside ids; an account or Region
//! that could not be read says "not collected", never a score), OUs and the compliance
//! roll-up. Then the failing findings grouped by check, most severe first, one line each
//! and cut to the terminal width; the unknown ones the same way but collapsed per check
//! (and per account or Region that was not collected); muted ones; passes only with
//! `--show-pass` (`--verbose`). Every string from AWS goes through [`term_safe`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::{Report, Score};
use crate::checks::{Control, Finding, Severity, Status};

#[derive(Debug)]
pub struct TableOptions {
    /// Also list passing findings (and every unknown one, uncollapsed).
    pub show_pass: bool,
    /// Only show this framework in the compliance summary.
    pub framework: Option<String>,
    /// Line width; by default the terminal's, or 180 when stdout is not a terminal.
    pub width: Option<u16>,
}

/// How many failing checks the summary names.
const TOP_CHECKS: usize = 8;
/// Above this many unknown findings, a check's unknowns collapse into one line.
const UNKNOWN_LISTED: usize = 3;

/// Text from AWS (names, tags, descriptions) made safe for a terminal: control characters
/// (escape sequences that could recolour, move the cursor or retitle the window) and the
/// bidirectional-text controls that reorder what is displayed ("Trojan Source") are shown
/// as `\u{..}` escapes instead of being sent to the terminal.
pub fn term_safe(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let bidi = matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if (c.is_control() && c != '\n') || bidi {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// [`term_safe`] for text that must stay on one line.
fn line_safe(s: &str) -> String {
    term_safe(s).replace('\n', " ")
}

fn width_of(s: &str) -> usize {
    s.chars().count()
}

/// At most `w` characters; a cut is marked with "…".
fn fit(s: &str, w: usize) -> String {
    if width_of(s) <= w {
        s.to_string()
    } else if w == 0 {
        String::new()
    } else {
        s.chars().take(w - 1).chain(['…']).collect()
    }
}

/// At most `w` characters, cut in the middle (the ends of an id or ARN say the most).
fn fit_middle(s: &str, w: usize) -> String {
    let n = width_of(s);
    if n <= w {
        return s.to_string();
    }
    if w < 8 {
        return fit(s, w);
    }
    let tail = (w - 1) / 2;
    let head = w - 1 - tail;
    s.chars()
        .take(head)
        .chain(['…'])
        .chain(s.chars().skip(n - tail))
        .collect()
}

/// Exactly `w` characters: cut or padded on the right.
fn pad(s: &str, w: usize) -> String {
    let s = fit(s, w);
    let n = width_of(&s);
    format!("{s}{}", " ".repeat(w - n))
}

/// Exactly `w` characters, aligned right (numbers).
fn rpad(s: &str, w: usize) -> String {
    let s = fit(s, w);
    let n = width_of(&s);
    format!("{}{s}", " ".repeat(w - n))
}

fn score_text(s: Option<u32>) -> String {
    s.map(|s| s.to_string()).unwrap_or_else(|| "n/a".into())
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn line_width(opts: &TableOptions) -> usize {
    use std::io::IsTerminal;
    let w = opts
        .width
        .or_else(|| comfy_table::Table::new().width())
        // Without a terminal to measure, cut long lines at a readable width.
        .or_else(|| (!std::io::stdout().is_terminal()).then_some(180))
        .unwrap_or(120);
    usize::from(w).max(60)
}

/// `123456789012 name` (the name cut to 24 characters), or the id alone.
fn account_label(report: &Report, id: &str) -> String {
    match report.run.account_name(id) {
        Some(n) => format!("{} {}", line_safe(id), fit(&line_safe(n), 24)),
        None => line_safe(id),
    }
}

/// An ARN as a line in `account` and `region` shows it: the part after the account and
/// Region (both are on the line already): `role/app`, `key/1234…`, `account` for the
/// account root; `None` (keep it whole) when it names another account or Region.
fn short_arn(arn: &str, account: &str, region: Option<&str>) -> Option<String> {
    let rest = arn.strip_prefix("arn:")?;
    let parts: Vec<&str> = rest.splitn(5, ':').collect();
    let [_, service, arn_region, arn_account, res] = parts[..] else {
        return None;
    };
    let same_account = arn_account.is_empty() || arn_account == account;
    let same_region = arn_region.is_empty() || Some(arn_region) == region;
    if !(same_account && same_region) || res.is_empty() {
        return None;
    }
    Some(match (service, res) {
        (_, "root") => "account".into(),
        ("s3", _) => format!("s3://{res}"),
        _ => res.to_string(),
    })
}

/// The finding's resource as its line shows it (see [`short_arn`]).
fn short_resource(f: &Finding) -> String {
    short_arn(&f.resource, &f.account, f.region.as_deref()).unwrap_or_else(|| f.resource.clone())
}

/// Other ARNs of the finding's own account and Region in a message, shortened the same way.
fn shorten_arns(text: &str, f: &Finding) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("arn:") {
        let at_word = rest[..i]
            .chars()
            .next_back()
            .is_none_or(|c| c.is_whitespace() || "([{'\"".contains(c));
        out.push_str(&rest[..i]);
        let token_len = rest[i..]
            .find(|c: char| c.is_whitespace() || ",;()[]{}'\"".contains(c))
            .unwrap_or(rest.len() - i);
        let mut token = &rest[i..i + token_len];
        // A sentence's full stop is not part of the ARN.
        while token.ends_with('.') {
            token = &token[..token.len() - 1];
        }
        match at_word
            .then(|| short_arn(token, &f.account, f.region.as_deref()))
            .flatten()
            .filter(|s| s != "account")
        {
            Some(short) => out.push_str(&short),
            None => out.push_str(token),
        }
        rest = &rest[i + token.len()..];
    }
    out.push_str(rest);
    out
}

/// The message without the resource ARN a second time: a message that starts with it
/// starts with "It" instead; elsewhere the ARN becomes the resource's short name.
fn short_message(f: &Finding) -> String {
    let (r, m) = (f.resource.as_str(), f.message.as_str());
    if r.is_empty() || !m.contains(r) {
        return shorten_arns(m, f);
    }
    let name = if r.ends_with(":root") {
        format!("account {}", f.account)
    } else {
        let short = short_resource(f);
        short
            .rsplit(['/', ':'])
            .find(|s| !s.is_empty())
            .unwrap_or(&short)
            .to_string()
    };
    let m = match m.strip_prefix(r) {
        Some(rest) if rest.starts_with(' ') => format!("It{}", rest.replace(r, &name)),
        _ => m.replace(r, &name),
    };
    shorten_arns(&m, f)
}

/// Failing (or unknown, muted, passing) findings of one check and severity.
struct Group<'a> {
    check: &'a str,
    slug: &'a str,
    severity: Severity,
    findings: Vec<&'a Finding>,
}

/// Groups by check and severity: most severe first, then most findings, then check code.
fn groups<'a>(findings: impl Iterator<Item = &'a Finding>) -> Vec<Group<'a>> {
    let mut by: BTreeMap<(&str, Severity), Group<'a>> = BTreeMap::new();
    for f in findings {
        by.entry((f.check.as_str(), f.severity))
            .or_insert_with(|| Group {
                check: &f.check,
                slug: &f.slug,
                severity: f.severity,
                findings: Vec::new(),
            })
            .findings
            .push(f);
    }
    let mut gs: Vec<Group<'a>> = by.into_values().collect();
    for g in &mut gs {
        g.findings.sort_by(|a, b| {
            (&a.account, &a.region, &a.resource).cmp(&(&b.account, &b.region, &b.resource))
        });
    }
    gs.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(b.findings.len().cmp(&a.findings.len()))
            .then(a.check.cmp(b.check))
    });
    gs
}

/// `IAM-001 invoke-any-model · high · 6 resources`; `what` is (singular, plural).
fn group_header(g: &Group<'_>, what: (&str, &str)) -> String {
    format!(
        "{} {} · {} · {}",
        line_safe(g.check),
        line_safe(g.slug),
        g.severity.as_str(),
        plural(g.findings.len(), what.0, what.1)
    )
}

/// Below this width, finding lines name an account by its name alone (the accounts table
/// pairs names with ids).
const WIDE: usize = 140;

/// One line per finding, columns aligned within the group and cut to `width`.
fn finding_lines(
    out: &mut String,
    report: &Report,
    findings: &[&Finding],
    width: usize,
    text: &dyn Fn(&Finding) -> String,
) {
    let rows: Vec<[String; 5]> = findings
        .iter()
        .map(|f| {
            [
                f.status.as_str().to_uppercase(),
                match report.run.account_name(&f.account) {
                    Some(n) if width < WIDE => fit(&line_safe(n), 24),
                    _ => account_label(report, &f.account),
                },
                line_safe(f.region.as_deref().unwrap_or("-")),
                line_safe(&short_resource(f)),
                line_safe(&text(f)),
            ]
        })
        .collect();
    let col = |i: usize, cap: usize| {
        rows.iter()
            .map(|r| width_of(&r[i]))
            .max()
            .unwrap_or(0)
            .min(cap)
    };
    let with_region = findings.iter().any(|f| f.region.is_some());
    let (st_w, acct_w) = (col(0, 8), col(1, 37));
    let region_w = if with_region { col(2, 16) } else { 0 };
    let fixed = 2 + st_w + 2 + acct_w + 2 + if with_region { region_w + 2 } else { 0 };
    let avail = width.saturating_sub(fixed);
    // The resource gets up to two fifths of what is left, the message the rest.
    let mut res_w = col(3, (avail * 2 / 5).max(24));
    if avail.saturating_sub(res_w + 2) < 30 {
        res_w = res_w.min(avail.saturating_sub(32).max(12));
    }
    let msg_w = avail.saturating_sub(res_w + 2).max(10);
    for r in rows {
        let mut line = format!("  {}  {}  ", pad(&r[0], st_w), pad(&r[1], acct_w));
        if with_region {
            let _ = write!(line, "{}  ", pad(&r[2], region_w));
        }
        let res = fit_middle(&r[3], res_w);
        let _ = write!(line, "{}  {}", pad(&res, res_w), fit(&r[4], msg_w));
        let _ = writeln!(out, "{}", fit(line.trim_end(), width));
    }
}

fn summary(out: &mut String, report: &Report, opts: &TableOptions, width: usize) {
    let s = &report.summary;
    let _ = writeln!(
        out,
        "perimeter: score {} · {} findings: {} fail · {} unknown · {} pass · {} muted",
        report
            .scores
            .overall
            .map(|v| format!("{v}/100"))
            .unwrap_or_else(|| "n/a".into()),
        s.total,
        s.fail,
        s.unknown,
        s.pass,
        s.muted
    );
    if s.fail > 0 {
        let by: Vec<String> = [
            Severity::Critical,
            Severity::High,
            Severity::Medium,
            Severity::Low,
            Severity::Info,
        ]
        .iter()
        .filter_map(|sev| {
            s.fail_by_severity
                .get(sev.as_str())
                .filter(|n| **n > 0)
                .map(|n| format!("{} {n}", sev.as_str()))
        })
        .collect();
        let _ = writeln!(out, "  failing by severity: {}", by.join(" · "));
    }
    let regions = line_safe(&report.run.regions.join(", "));
    let scope = format!(
        "  {} · {}: {regions}",
        plural(report.run.accounts.len(), "account", "accounts"),
        plural(report.run.regions.len(), "Region", "Regions"),
    );
    let gaps = (!report.gaps.is_empty()).then(|| {
        format!(
            "{} (checks that needed the data say unknown; `gaps` in the JSON report)",
            plural(report.gaps.len(), "collection gap", "collection gaps")
        )
    });
    match gaps {
        Some(g) if width_of(&scope) + 3 + width_of(&g) <= width => {
            let _ = writeln!(out, "{scope} · {g}");
        }
        Some(g) => {
            let _ = writeln!(out, "{}\n  {}", fit(&scope, width), fit(&g, width - 2));
        }
        None => {
            let _ = writeln!(out, "{}", fit(&scope, width));
        }
    }
    if report.run.partial {
        let _ = writeln!(
            out,
            "  PARTIAL snapshot: collection did not finish, so some data is missing"
        );
    }

    // The top failing checks.
    let fails = groups(report.findings.iter().filter(|f| f.status == Status::Fail));
    if !fails.is_empty() {
        let _ = writeln!(
            out,
            "\nTop failing checks{}",
            if fails.len() > TOP_CHECKS {
                format!(" ({TOP_CHECKS} of {})", fails.len())
            } else {
                String::new()
            }
        );
        let top = &fails[..fails.len().min(TOP_CHECKS)];
        let slug_w = top
            .iter()
            .map(|g| width_of(g.slug))
            .max()
            .unwrap_or(0)
            .min(36);
        for g in top {
            let accounts: BTreeSet<&str> = g.findings.iter().map(|f| f.account.as_str()).collect();
            let line = format!(
                "  {}  {}  {}  {}{}",
                pad(&line_safe(g.check), 7),
                pad(&line_safe(g.slug), slug_w),
                pad(g.severity.as_str(), 8),
                rpad(&g.findings.len().to_string(), 3),
                if g.findings.len() == 1 {
                    " resource".to_string()
                } else {
                    format!(
                        " resources{}",
                        if accounts.len() > 1 {
                            format!(" in {} accounts", accounts.len())
                        } else {
                            String::new()
                        }
                    )
                }
            );
            let _ = writeln!(out, "{}", fit(&line, width));
        }
        if fails.len() > TOP_CHECKS {
            let _ = writeln!(
                out,
                "  … {} more failing {}, all listed below",
                fails.len() - TOP_CHECKS,
                if fails.len() - TOP_CHECKS == 1 {
                    "check"
                } else {
                    "checks"
                }
            );
        }
    }

    accounts_table(out, report, width);

    if !report.scores.by_ou.is_empty() {
        let _ = writeln!(
            out,
            "\nOrganizational units (score over the accounts at or below each)"
        );
        let names: Vec<String> = report.scores.by_ou.keys().map(|k| line_safe(k)).collect();
        let ou_w = names
            .iter()
            .map(|n| width_of(n))
            .chain([2])
            .max()
            .unwrap_or(2)
            .min(width.saturating_sub(40).max(20));
        let _ = writeln!(out, "  {}  score  fail  unknown  pass", pad("OU", ou_w));
        for (name, sc) in names.iter().zip(report.scores.by_ou.values()) {
            let _ = writeln!(
                out,
                "  {}  {}  {}  {}  {}",
                pad(name, ou_w),
                rpad(&score_text(sc.score), 5),
                rpad(&sc.fail.to_string(), 4),
                rpad(&sc.unknown.to_string(), 7),
                rpad(&sc.pass.to_string(), 4)
            );
        }
    }

    let frameworks: Vec<_> = report
        .compliance
        .iter()
        .filter(|(fw, _)| opts.framework.as_ref().is_none_or(|only| only == *fw))
        .collect();
    if !frameworks.is_empty() {
        let _ = writeln!(out, "\nCompliance (requirements per framework)");
        let fw_w = frameworks
            .iter()
            .map(|(fw, _)| width_of(fw))
            .chain([9])
            .max()
            .unwrap_or(9)
            .min(40);
        let _ = writeln!(out, "  {}  met  not met  unknown", pad("framework", fw_w));
        for (fw, reqs) in frameworks {
            let t = crate::compliance::tally(reqs);
            let _ = writeln!(
                out,
                "  {}  {}  {}  {}",
                pad(&line_safe(fw), fw_w),
                rpad(&t.met.to_string(), 3),
                rpad(&t.not_met.to_string(), 7),
                rpad(&t.unknown.to_string(), 7)
            );
        }
    }
}

/// Accounts × controls, with a row for all accounts when there are several.
fn accounts_table(out: &mut String, report: &Report, width: usize) {
    let sc = &report.scores;
    let mut ids: BTreeSet<&str> = sc.by_account.keys().map(String::as_str).collect();
    ids.extend(report.run.accounts.iter().map(String::as_str));
    ids.extend(report.run.not_collected.iter().map(|n| n.account.as_str()));
    if ids.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\nAccounts × controls (score out of 100; n/a: nothing evaluated)"
    );
    let labels: Vec<String> = ids.iter().map(|id| account_label(report, id)).collect();
    let label_w = labels
        .iter()
        .map(|l| width_of(l))
        .chain([12])
        .max()
        .unwrap_or(12);
    let layout = |short: bool| {
        let mut headers = vec!["overall"];
        headers.extend(Control::ALL.iter().map(|c| {
            if short {
                // The check codes' prefixes.
                match c {
                    Control::Network => "net",
                    Control::Logging => "log",
                    Control::Guardrails => "grd",
                    Control::Tenant => "ten",
                    Control::Cris => "cri",
                    Control::Agents => "agt",
                    Control::Usage => "use",
                    Control::Threat => "thr",
                    Control::Residency => "res",
                    c => c.as_str(),
                }
            } else {
                c.as_str()
            }
        }));
        let col_w: Vec<usize> = headers.iter().map(|h| h.len().max(3)).collect();
        let rest: usize = col_w.iter().map(|w| w + 2).sum();
        (headers, col_w, rest)
    };
    let (mut headers, mut col_w, mut rest) = layout(false);
    if 2 + label_w + rest > width {
        (headers, col_w, rest) = layout(true);
    }
    let acct_w = label_w.min(width.saturating_sub(2 + rest).max(12));
    let row = |label: &str, overall: &Score, by: &BTreeMap<Control, Score>| {
        let mut line = format!("  {}", pad(label, acct_w));
        let cells = std::iter::once(overall.score)
            .chain(Control::ALL.iter().map(|c| by.get(c).and_then(|s| s.score)));
        for (v, w) in cells.zip(&col_w) {
            let _ = write!(line, "  {}", rpad(&score_text(v), *w));
        }
        line
    };
    let mut head = format!("  {}", pad("account", acct_w));
    for (h, w) in headers.iter().zip(&col_w) {
        let _ = write!(head, "  {}", rpad(h, *w));
    }
    let _ = writeln!(out, "{head}");
    if ids.len() > 1 {
        let _ = writeln!(
            out,
            "{}",
            row("all accounts", &sc.overall_detail, &sc.by_control)
        );
    }
    let empty = super::AccountScore::default();
    for (id, label) in ids.iter().zip(&labels) {
        if let Some(reason) = report.run.account_not_collected(id) {
            let line = format!(
                "  {}  not collected ({})",
                pad(label, acct_w),
                line_safe(reason)
            );
            let _ = writeln!(out, "{}", fit(&line, width));
            continue;
        }
        let a = sc.by_account.get(*id).unwrap_or(&empty);
        let _ = writeln!(out, "{}", row(label, &a.overall, &a.by_control));
        for n in report
            .run
            .not_collected
            .iter()
            .filter(|n| n.account == *id && n.region.is_some())
        {
            let line = format!(
                "  {}  └ {} not collected ({})",
                pad("", acct_w),
                line_safe(n.region.as_deref().unwrap_or_default()),
                line_safe(&n.reason)
            );
            let _ = writeln!(out, "{}", fit(&line, width));
        }
    }
}

/// True when the finding lies in an account or Region that was not collected.
fn in_uncollected(report: &Report, f: &Finding) -> bool {
    report
        .run
        .not_collected
        .iter()
        .any(|n| n.account == f.account && (n.region.is_none() || n.region == f.region))
}

pub fn render(report: &Report, opts: &TableOptions) -> String {
    let width = line_width(opts);
    let mut out = String::new();
    summary(&mut out, report, opts, width);
    let msg = |f: &Finding| short_message(f);

    let fails = groups(report.findings.iter().filter(|f| f.status == Status::Fail));
    if !fails.is_empty() {
        let _ = writeln!(
            out,
            "\nFailing findings ({}), by check, most severe first",
            report.summary.fail
        );
        for g in &fails {
            let _ = writeln!(
                out,
                "{}",
                fit(&group_header(g, ("resource", "resources")), width)
            );
            finding_lines(&mut out, report, &g.findings, width, &msg);
        }
    }

    let unknown: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Unknown)
        .collect();
    if !unknown.is_empty() {
        let _ = writeln!(
            out,
            "\nUnknown findings ({}): data perimeter could not read or decide; by check{}",
            unknown.len(),
            if opts.show_pass {
                ""
            } else {
                ", a line for many (--show-pass lists each)"
            }
        );
        // Unknowns of an account or Region that was not read at all: one line for each.
        let mut listed = unknown.clone();
        if !opts.show_pass {
            for n in &report.run.not_collected {
                let here: Vec<&&Finding> = unknown
                    .iter()
                    .filter(|f| {
                        f.account == n.account && (n.region.is_none() || n.region == f.region)
                    })
                    .collect();
                if here.is_empty() {
                    continue;
                }
                let checks: BTreeSet<&str> = here.iter().map(|f| f.check.as_str()).collect();
                let line = format!(
                    "  {}{}: {} in {} — {} not collected ({})",
                    account_label(report, &n.account),
                    n.region
                        .as_deref()
                        .map(|r| format!(" {}", line_safe(r)))
                        .unwrap_or_default(),
                    plural(here.len(), "unknown finding", "unknown findings"),
                    plural(checks.len(), "check", "checks"),
                    if n.region.is_some() {
                        "Region"
                    } else {
                        "account"
                    },
                    line_safe(&n.reason)
                );
                let _ = writeln!(out, "{}", fit(&line, width));
            }
            listed.retain(|f| !in_uncollected(report, f));
        }
        for g in groups(listed.into_iter()) {
            let n = g.findings.len();
            if opts.show_pass || n <= UNKNOWN_LISTED {
                let _ = writeln!(
                    out,
                    "{}",
                    fit(&group_header(&g, ("unknown", "unknown")), width)
                );
                finding_lines(&mut out, report, &g.findings, width, &msg);
                continue;
            }
            // One line: the count and the first distinct reasons.
            let mut reasons: Vec<String> = Vec::new();
            for f in &g.findings {
                let r = line_safe(&short_message(f));
                if !reasons.contains(&r) {
                    reasons.push(r);
                }
            }
            let line = format!(
                "{}: {}",
                group_header(&g, ("unknown", "unknown")),
                reasons.join(" | ")
            );
            let _ = writeln!(out, "{}", fit(&line, width));
        }
    }

    let muted = groups(report.findings.iter().filter(|f| f.status == Status::Muted));
    if !muted.is_empty() {
        let _ = writeln!(out, "\nMuted findings ({})", report.summary.muted);
        let why = |f: &Finding| {
            let m = f.mute.as_ref();
            let get = |k: &str| {
                m.and_then(|m| m.get(k))
                    .and_then(|v| v.as_str())
                    .unwrap_or("?")
                    .to_string()
            };
            format!(
                "muted: {} ({}, until {})",
                get("reason"),
                get("owner"),
                get("expires")
            )
        };
        for g in &muted {
            let _ = writeln!(out, "{}", fit(&group_header(g, ("muted", "muted")), width));
            finding_lines(&mut out, report, &g.findings, width, &why);
        }
    }

    if let Some(res) = &report.residency {
        out.push('\n');
        out.push_str(&super::residency::text(res));
    }

    if report.summary.pass > 0 {
        if opts.show_pass {
            let _ = writeln!(out, "\nPassing findings ({})", report.summary.pass);
            for g in groups(report.findings.iter().filter(|f| f.status == Status::Pass)) {
                let _ = writeln!(out, "{}", fit(&group_header(&g, ("pass", "pass")), width));
                finding_lines(&mut out, report, &g.findings, width, &msg);
            }
        } else {
            let _ = writeln!(
                out,
                "\n{} not listed (--show-pass or --verbose lists them)",
                plural(report.summary.pass, "passing finding", "passing findings")
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_never_reach_the_terminal() {
        let hostile = "role\u{1b}]0;pwned\u{7}\u{1b}[31mred\u{9b}2J\u{202e}gnp.exe";
        let safe = term_safe(hostile);
        assert!(
            !safe.chars().any(|c| c.is_control() || c == '\u{202e}'),
            "{safe:?}"
        );
        assert!(safe.contains("role") && safe.contains("red"));
        assert_eq!(term_safe("plain text"), "plain text");
        assert_eq!(line_safe("a\nb"), "a b");
    }

    fn finding(resource: &str, message: &str, region: Option<&str>) -> Finding {
        Finding {
            id: "x".into(),
            check: "IAM-001".into(),
            slug: "s".into(),
            control: Control::Iam,
            status: Status::Fail,
            severity: Severity::High,
            account: "111122223333".into(),
            region: region.map(str::to_string),
            resource: resource.into(),
            message: message.into(),
            evidence: serde_json::json!({}).into(),
            mute: None,
        }
    }

    #[test]
    fn the_arn_is_printed_once() {
        let role = "arn:aws:iam::111122223333:role/app";
        let f = finding(role, &format!("{role} may invoke any model."), None);
        assert_eq!(short_resource(&f), "role/app");
        assert_eq!(short_message(&f), "It may invoke any model.");
        let f = finding(role, &format!("Workload principal {role} has X."), None);
        assert_eq!(short_message(&f), "Workload principal app has X.");
        let root = "arn:aws:iam::111122223333:root";
        let f = finding(root, &format!("{root}: no trail."), Some("us-east-1"));
        assert_eq!(short_resource(&f), "account");
        assert_eq!(short_message(&f), "account 111122223333: no trail.");
        // Another account's or Region's ARN stays whole.
        let other = "arn:aws:kms:eu-west-1:999999999999:key/k";
        let f = finding(other, "m", Some("eu-west-1"));
        assert_eq!(short_resource(&f), other);
        let f = finding(
            "arn:aws:kms:eu-west-1:111122223333:key/k",
            "m",
            Some("us-east-1"),
        );
        assert_eq!(
            short_resource(&f),
            "arn:aws:kms:eu-west-1:111122223333:key/k"
        );
        assert_eq!(
            short_resource(&finding("arn:aws:s3:::logs", "m", None)),
            "s3://logs"
        );
        assert_eq!(
            short_resource(&finding("not-an-arn", "m", None)),
            "not-an-arn"
        );
        // Other ARNs of the same account (and Region) in a message are shortened too;
        // those of another account or Region, and look-alikes inside words, are not.
        let key = "arn:aws:kms:us-east-1:111122223333:key/k";
        let f = finding(
            key,
            "Key k can be used by arn:aws:iam::111122223333:role/batch, \
             arn:aws:iam::999999999999:role/x and (arn:aws:kms:eu-west-1:111122223333:key/z). \
             barn:aws:iam::111122223333:role/y",
            Some("us-east-1"),
        );
        assert_eq!(
            short_message(&f),
            "Key k can be used by role/batch, arn:aws:iam::999999999999:role/x and \
             (arn:aws:kms:eu-west-1:111122223333:key/z). barn:aws:iam::111122223333:role/y"
        );
    }

    #[test]
    fn cuts_are_marked() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 4), "abc");
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(rpad("7", 3), "  7");
    }
}
