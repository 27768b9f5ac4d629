//! A self-contained HTML report: no network fetches (styles and script inline), every
//! value from AWS escaped. Shows scores, an accounts × controls heat map, each framework's
//! requirements, and every finding with evidence and remediation, filterable in the page.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::{Report, Score};
use crate::checks::{Control, Status};

/// Escape text for HTML content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '`' => out.push_str("&#96;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root{--fail:#c0392b;--pass:#1e8449;--unknown:#b9770e;--muted:#7f8c8d;--bg:#f7f7f9;--fg:#1c1c1e}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:var(--bg);color:var(--fg)}
header{background:#1f2a44;color:#fff;padding:18px 28px}header h1{margin:0 0 4px;font-size:22px}header .meta{opacity:.85;font-size:12px}
main{padding:18px 28px;max-width:1400px}section{background:#fff;border-radius:8px;padding:14px 18px;margin:0 0 16px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
h2{font-size:17px;margin:0 0 10px}.cards{display:flex;flex-wrap:wrap;gap:10px}.card{border:1px solid #ddd;border-radius:6px;padding:8px 12px;min-width:150px}
.card .n{font-size:24px;font-weight:600}.big{font-size:40px;font-weight:700}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #eee;padding:5px 7px;text-align:left;vertical-align:top}th{background:#fafafa;font-weight:600}
.st{font-weight:600;text-transform:uppercase;font-size:12px}.st-fail{color:var(--fail)}.st-pass{color:var(--pass)}.st-unknown{color:var(--unknown)}.st-muted{color:var(--muted)}
.heat td.s{text-align:center;font-weight:600;color:#fff}.na{background:#ddd;color:#555!important}
pre{white-space:pre-wrap;word-break:break-word;background:#f4f4f6;padding:8px;border-radius:4px;font-size:12px;margin:4px 0}
details summary{cursor:pointer}.filters{display:flex;gap:10px;flex-wrap:wrap;margin-bottom:10px}.filters label{font-size:12px}
.an{color:#555}.nc{font-weight:400;font-style:italic}.ncr{font-size:12px;color:var(--unknown)}
.req-met{color:var(--pass)}.req-not_met{color:var(--fail)}.req-unknown{color:var(--unknown)}code{font-size:12px}
"#;

const SCRIPT: &str = r#"
(function(){
  var sels=document.querySelectorAll('.filters select');
  function apply(){
    var want={};sels.forEach(function(s){want[s.name]=s.value;});
    var shown=0;
    document.querySelectorAll('tr.finding').forEach(function(tr){
      var ok=true;for(var k in want){if(want[k]&&tr.dataset[k]!==want[k]){ok=false;}}
      tr.style.display=ok?'':'none';var d=tr.nextElementSibling;if(d&&d.classList.contains('detail')){d.style.display=ok?'':'none';}
      if(ok){shown++;}
    });
    document.getElementById('shown').textContent=String(shown);
  }
  sels.forEach(function(s){s.addEventListener('change',apply);});
  apply();
})();
"#;

fn heat_color(score: Option<u32>) -> String {
    match score {
        None => String::new(),
        Some(s) => {
            // Red (0) to green (100).
            let hue = (s as f64 * 1.2).round() as u32;
            format!("background:hsl({hue},60%,40%)")
        }
    }
}

fn score_text(s: Option<u32>) -> String {
    s.map(|v| v.to_string()).unwrap_or_else(|| "n/a".into())
}

fn options(name: &str, label: &str, values: &BTreeSet<String>) -> String {
    labelled_options(name, label, values.iter().map(|v| (v.clone(), v.clone())))
}

/// A filter whose options show a label other than their value.
fn labelled_options(
    name: &str,
    label: &str,
    values: impl Iterator<Item = (String, String)>,
) -> String {
    let mut s = format!(
        "<label>{} <select name=\"{}\"><option value=\"\">all</option>",
        esc(label),
        esc(name)
    );
    for (v, l) in values {
        let _ = write!(s, "<option value=\"{}\">{}</option>", esc(&v), esc(&l));
    }
    s.push_str("</select></label>");
    s
}

/// `123456789012 (name)`, or the id alone: plain text, escaped by the caller.
fn account_text(report: &Report, id: &str) -> String {
    match report.run.account_name(id) {
        Some(n) => format!("{id} ({n})"),
        None => id.to_string(),
    }
}

/// The account id in code style and its name beside it, escaped.
fn account_cell(report: &Report, id: &str) -> String {
    match report.run.account_name(id) {
        Some(n) => format!(
            "<code>{}</code> <span class=\"an\">{}</span>",
            esc(id),
            esc(n)
        ),
        None => format!("<code>{}</code>", esc(id)),
    }
}

pub fn render(report: &Report) -> String {
    let mut h = String::new();
    let s = &report.summary;
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\
<title>perimeter report</title><style>{STYLE}</style></head><body>"
    );
    let _ = write!(
        h,
        "<header><h1>perimeter — Bedrock security perimeter report</h1><div class=\"meta\">\
caller <code>{}</code> · {} → {} · accounts: {} · Regions: {} · perimeter {}{}</div></header><main>",
        esc(&report.run.caller),
        esc(&report.run.started),
        esc(&report.run.finished),
        esc(&report
            .run
            .accounts
            .iter()
            .map(|a| account_text(report, a))
            .collect::<Vec<_>>()
            .join(", ")),
        esc(&report.run.regions.join(", ")),
        esc(&report.tool.version),
        if report.run.partial {
            " · PARTIAL snapshot"
        } else {
            ""
        }
    );

    // Scores.
    let _ = write!(
        h,
        "<section id=\"scores\"><h2>Scores</h2><div class=\"cards\"><div class=\"card\"><div>Overall</div><div class=\"big\" id=\"score-overall\">{}</div></div>\
<div class=\"card\"><div>Findings</div><div class=\"n\" id=\"count-total\">{}</div>\
<div><span class=\"st st-fail\">fail</span> <span id=\"count-fail\">{}</span> · <span class=\"st st-unknown\">unknown</span> <span id=\"count-unknown\">{}</span> · \
<span class=\"st st-pass\">pass</span> <span id=\"count-pass\">{}</span> · <span class=\"st st-muted\">muted</span> <span id=\"count-muted\">{}</span></div></div>",
        score_text(report.scores.overall),
        s.total,
        s.fail,
        s.unknown,
        s.pass,
        s.muted
    );
    for c in Control::ALL {
        if let Some(sc) = report.scores.by_control.get(&c) {
            let _ = write!(
                h,
                "<div class=\"card\"><div>{}</div><div class=\"n\">{}</div><div>{} fail · {} unknown · {} pass</div></div>",
                esc(c.title()),
                score_text(sc.score),
                sc.fail,
                sc.unknown,
                sc.pass
            );
        }
    }
    h.push_str("</div></section>");

    // Heat map: accounts × controls.
    h.push_str("<section id=\"heatmap\"><h2>Accounts × controls</h2><table class=\"heat\"><tr><th>Account</th><th>Overall</th>");
    for c in Control::ALL {
        let _ = write!(h, "<th>{}</th>", esc(c.as_str()));
    }
    h.push_str("</tr>");
    let mut ids: BTreeSet<&str> = report
        .scores
        .by_account
        .keys()
        .map(String::as_str)
        .collect();
    ids.extend(report.run.not_collected.iter().map(|n| n.account.as_str()));
    let empty = super::AccountScore::default();
    for acct in ids {
        if let Some(reason) = report.run.account_not_collected(acct) {
            let _ = write!(
                h,
                "<tr><td>{}</td><td class=\"s na nc\" colspan=\"{}\">not collected ({})</td></tr>",
                account_cell(report, acct),
                Control::ALL.len() + 1,
                esc(reason)
            );
            continue;
        }
        let a = report.scores.by_account.get(acct).unwrap_or(&empty);
        let regions: Vec<String> = report
            .run
            .not_collected
            .iter()
            .filter(|n| n.account == acct)
            .filter_map(|n| {
                n.region
                    .as_ref()
                    .map(|r| format!("{r} not collected ({})", n.reason))
            })
            .collect();
        let _ = write!(
            h,
            "<tr><td>{}{}</td><td class=\"s {}\" style=\"{}\">{}</td>",
            account_cell(report, acct),
            if regions.is_empty() {
                String::new()
            } else {
                format!("<div class=\"ncr\">{}</div>", esc(&regions.join("; ")))
            },
            if a.overall.score.is_none() { "na" } else { "" },
            heat_color(a.overall.score),
            score_text(a.overall.score)
        );
        for c in Control::ALL {
            let sc: Option<&Score> = a.by_control.get(&c);
            let v = sc.and_then(|x| x.score);
            let _ = write!(
                h,
                "<td class=\"s {}\" style=\"{}\" title=\"{} fail, {} unknown, {} pass\">{}</td>",
                if v.is_none() { "na" } else { "" },
                heat_color(v),
                sc.map_or(0, |x| x.fail),
                sc.map_or(0, |x| x.unknown),
                sc.map_or(0, |x| x.pass),
                score_text(v)
            );
        }
        h.push_str("</tr>");
    }
    h.push_str("</table></section>");

    // Compliance.
    h.push_str("<section id=\"compliance\"><h2>Compliance</h2>");
    let ids: BTreeMap<&str, &crate::checks::Finding> =
        report.findings.iter().map(|f| (f.id.as_str(), f)).collect();
    for (fw_id, reqs) in &report.compliance {
        let title = report
            .framework_titles
            .get(fw_id)
            .cloned()
            .unwrap_or_else(|| fw_id.clone());
        let status_of = |r: &crate::compliance::RequirementStatus| {
            serde_json::to_value(r.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        };
        let met = reqs.iter().filter(|r| status_of(r) == "met").count();
        let not = reqs.iter().filter(|r| status_of(r) == "not_met").count();
        let _ = write!(
            h,
            "<details><summary><b>{}</b> — {} met, {} not met, {} unknown</summary><table><tr><th>Requirement</th><th>Status</th><th>Findings behind it</th></tr>",
            esc(&title),
            met,
            not,
            reqs.len() - met - not
        );
        for r in reqs {
            let st = status_of(r);
            let failing: Vec<String> = r
                .findings
                .iter()
                .filter_map(|id| ids.get(id.as_str()))
                .filter(|f| f.status != Status::Pass)
                .map(|f| format!("{} {} ({})", f.check, f.resource, f.status))
                .collect();
            let _ = write!(
                h,
                "<tr><td><b>{}</b> {}</td><td class=\"req-{}\">{}</td><td>{} finding(s){}</td></tr>",
                esc(&r.requirement),
                esc(&r.title),
                esc(&st),
                esc(&st.replace('_', " ")),
                r.findings.len(),
                if failing.is_empty() {
                    String::new()
                } else {
                    format!("; not passing: {}", esc(&failing.join("; ")))
                }
            );
        }
        h.push_str("</table></details>");
    }
    h.push_str("</section>");

    // Findings with filters.
    let mut controls = BTreeSet::new();
    let mut severities = BTreeSet::new();
    let mut statuses = BTreeSet::new();
    let mut accounts = BTreeSet::new();
    for f in &report.findings {
        controls.insert(f.control.as_str().to_string());
        severities.insert(f.severity.as_str().to_string());
        statuses.insert(f.status.as_str().to_string());
        accounts.insert(f.account.clone());
    }
    let _ = write!(
        h,
        "<section id=\"findings\"><h2>Findings (<span id=\"shown\">{}</span> shown)</h2><div class=\"filters\">{}{}{}{}</div>\
<table><tr><th>Status</th><th>Severity</th><th>Check</th><th>Account</th><th>Region</th><th>Resource</th><th>Message</th></tr>",
        report.findings.len(),
        options("control", "Control", &controls),
        options("severity", "Severity", &severities),
        options("status", "Status", &statuses),
        labelled_options(
            "account",
            "Account",
            accounts
                .iter()
                .map(|a| (a.clone(), account_text(report, a)))
        ),
    );
    for f in &report.findings {
        let meta = report.catalogue.get(&f.check);
        let _ = write!(
            h,
            "<tr class=\"finding\" data-control=\"{}\" data-severity=\"{}\" data-status=\"{}\" data-account=\"{}\">\
<td class=\"st st-{}\">{}</td><td>{}</td><td title=\"{}\">{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
            esc(f.control.as_str()),
            esc(f.severity.as_str()),
            esc(f.status.as_str()),
            esc(&f.account),
            esc(f.status.as_str()),
            esc(f.status.as_str()),
            esc(f.severity.as_str()),
            esc(&f.slug),
            esc(&f.check),
            account_cell(report, &f.account),
            esc(f.region.as_deref().unwrap_or("—")),
            esc(&f.resource),
            esc(&f.message),
        );
        let evidence = serde_json::to_string_pretty(&f.evidence).unwrap_or_default();
        let _ = write!(
            h,
            "<tr class=\"detail\"><td></td><td colspan=\"6\"><details><summary>evidence and remediation</summary>\
<div><b>{}</b></div><pre>{}</pre>{}</details></td></tr>",
            esc(&meta.map(|m| m.title.clone()).unwrap_or_default()),
            esc(&evidence),
            meta.map(|m| format!(
                "<div><b>Fix</b></div><pre>{}</pre>{}",
                esc(m.remediation.console.trim()),
                m.remediation
                    .cli
                    .as_ref()
                    .map(|c| format!("<div><b>AWS CLI</b></div><pre>{}</pre>", esc(c.trim())))
                    .unwrap_or_default()
            ))
            .unwrap_or_default()
        );
    }
    h.push_str("</table></section>");

    if !report.gaps.is_empty() {
        let _ = write!(
            h,
            "<section id=\"gaps\"><h2>Collection gaps ({})</h2><table><tr><th>Account</th><th>Region</th><th>Service</th><th>Operation</th><th>Error</th></tr>",
            report.gaps.len()
        );
        for g in &report.gaps {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                account_cell(report, &g.account),
                esc(g.region.as_deref().unwrap_or("—")),
                esc(&g.service),
                esc(&g.operation),
                esc(&g.error)
            );
        }
        h.push_str("</table></section>");
    }
    let _ = writeln!(h, "</main><script>{SCRIPT}</script></body></html>");
    h
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<img src=x onerror=alert(1)>\"'&"),
            "&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;"
        );
    }
}
