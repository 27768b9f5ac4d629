//! A self-contained HTML report: one file, no network fetches (styles and script inline,
//! `default-src 'none'`). The summary (scores, failing findings by severity, accounts ×
//! controls, compliance per framework) and the first page of findings are rendered here, so
//! they show without scripts; every finding is embedded once as JSON and the page's script
//! renders the findings table from it one page at a time, failing findings first by
//! severity, filterable by status, severity, control, account, framework and text, with the
//! passing findings collapsed.
//!
//! Why askama rather than maud: the page is mostly markup, CSS and JavaScript, and askama
//! keeps it as files that read, diff and review as what they are (`templates/report.html`
//! with `report.css` and `report.js` beside it, in this folder), where maud would turn the
//! markup into a Rust macro and the CSS and script into string constants. Both compile the
//! template into Rust, checked against the typed values below, and escape every
//! interpolated value by default; in askama the one value written unescaped is marked
//! `|safe` in the template (the findings' JSON, made safe for a script element by
//! [`script_json`]). It is also the crate the project's research picked for this. Its
//! escaper here is [`Entities`] (`templates/askama.toml`), which writes the named entities
//! the report has always used. The templates live under `src/` because the container image
//! builds from `src/` (deploy/Containerfile).

use std::collections::{BTreeSet, HashMap};

use askama::Template;
use serde::Serialize;
use serde_json::Value;

use super::{AccountScore, Report, Score};
use crate::checks::{Control, Finding, Severity, Status};
use crate::compliance::ReqStatus;

/// Findings per page, in the page's script and in the first page rendered here.
const PAGE: usize = 50;
/// Accounts named in the header before "and N more".
const HEADER_ACCOUNTS: usize = 10;
/// Findings named per requirement in the compliance tables before "and N more".
const REQUIREMENT_FINDINGS: usize = 5;
/// More heat-map rows (or gaps) than this scroll in a box of their own.
const SCROLL_ROWS: usize = 30;

/// The report as HTML.
pub fn render(report: &Report) -> String {
    let page = Page::new(report);
    page.render().unwrap_or_else(|e| {
        // Rendering writes into a String and every value's Display is infallible, so this
        // is unreachable in practice; say so in the file rather than panic.
        tracing::error!("the HTML report could not be rendered: {e}");
        "<!DOCTYPE html><html lang=\"en\"><meta charset=\"utf-8\"><title>perimeter report</title><p>The HTML report could not be rendered; the JSON report has every finding.</p></html>\n".to_string()
    })
}

#[derive(Template)]
#[template(path = "report.html", config = "src/report/templates/askama.toml")]
struct Page<'a> {
    caller: &'a str,
    started: &'a str,
    finished: &'a str,
    accounts: String,
    regions: String,
    version: &'a str,
    partial: bool,
    overall: String,
    total: usize,
    fail: usize,
    unknown: usize,
    pass: usize,
    muted: usize,
    /// `(severity, failing findings)`, most severe first, severities with none left out.
    fail_by_severity: Vec<(&'static str, usize)>,
    controls: Vec<ControlCard>,
    control_names: [&'static str; Control::ALL.len()],
    heat: Vec<HeatRow<'a>>,
    heat_scrolls: bool,
    frameworks: Vec<FrameworkView>,
    statuses: Vec<&'static str>,
    severities: Vec<&'static str>,
    filter_controls: Vec<&'static str>,
    filter_accounts: Vec<(&'a str, String)>,
    filter_frameworks: Vec<(&'a str, &'a str)>,
    /// The first page of not-passing findings.
    rows: Vec<Row<'a>>,
    not_passing: usize,
    gaps: Vec<GapRow<'a>>,
    gaps_scroll: bool,
    residency: Option<ResidencyView>,
    /// The findings as JSON, safe inside `<script type="application/json">`.
    data: String,
}

#[derive(Debug)]
struct ControlCard {
    title: &'static str,
    score: String,
    fail: usize,
    unknown: usize,
    pass: usize,
}

#[derive(Debug)]
struct Account<'a> {
    id: &'a str,
    name: Option<&'a str>,
}

#[derive(Debug)]
struct HeatRow<'a> {
    account: Account<'a>,
    /// Why nothing of the account could be read, when nothing could.
    not_collected: Option<&'a str>,
    /// Regions of a read account that could not be read, with the reason.
    regions_not_collected: String,
    overall: HeatCell,
    controls: Vec<HeatCell>,
}

#[derive(Debug)]
struct HeatCell {
    class: &'static str,
    style: String,
    title: String,
    text: String,
}

#[derive(Debug)]
struct FrameworkView {
    title: String,
    met: usize,
    not_met: usize,
    unknown: usize,
    requirements: Vec<RequirementView>,
}

#[derive(Debug)]
struct RequirementView {
    requirement: String,
    title: String,
    status: &'static str,
    status_text: String,
    findings: usize,
    not_passing: String,
}

#[derive(Debug)]
struct Row<'a> {
    f: &'a Finding,
    account: Account<'a>,
    title: &'a str,
    evidence: String,
    mute: Option<String>,
    fix: Option<&'a str>,
    cli: Option<&'a str>,
}

/// The residency section, every value a plain string (escaped by the template).
#[derive(Debug)]
struct ResidencyView {
    shows: String,
    hides: String,
    never: String,
    window: String,
    s3_note: String,
    accounts: Vec<ResidencyAccountView>,
}

#[derive(Debug)]
struct ResidencyAccountView {
    account: String,
    name: String,
    geography: String,
    source: String,
    verdict: String,
    regions: Vec<ResidencyRegionView>,
    profiles: Vec<String>,
    trails: Vec<String>,
}

#[derive(Debug)]
struct ResidencyRegionView {
    region: String,
    window: String,
    calls: u64,
    served: String,
    verdict: String,
    invisible: String,
    outside: Vec<[String; 6]>,
    more: usize,
}

fn residency_view(s: &super::residency::ResidencySection) -> ResidencyView {
    use serde_json::Value;
    let v = |x: &Value| x.as_str().unwrap_or("-").to_string();
    let list = |x: &Value| {
        x.as_array()
            .into_iter()
            .flatten()
            .map(v)
            .collect::<Vec<_>>()
            .join(", ")
    };
    ResidencyView {
        shows: v(&s.limits["visible"]),
        hides: format!(
            "{} ({})",
            list(&s.limits["not_visible"]),
            v(&s.limits["not_visible_why"])
        ),
        never: v(&s.limits["never_logged"]),
        window: v(&s.limits["window"]),
        s3_note: s.s3_note.clone(),
        accounts: s
            .accounts
            .iter()
            .map(|a| ResidencyAccountView {
                account: a.account.clone(),
                name: a.name.clone().unwrap_or_default(),
                geography: a.geography.clone(),
                source: a.requirement_source.clone(),
                verdict: a.verdict.clone(),
                regions: a
                    .regions
                    .iter()
                    .map(|r| {
                        let shown = r["outside_events"].as_array().map_or(0, Vec::len);
                        ResidencyRegionView {
                            region: v(&r["region"]),
                            window: if r["read"] == false {
                                "not read".into()
                            } else if r["capped"] == true {
                                format!("{} days, cut short", r["days"])
                            } else {
                                format!("{} days", r["days"])
                            },
                            calls: r["invocations"].as_u64().unwrap_or(0),
                            served: r["served_in"]
                                .as_object()
                                .into_iter()
                                .flatten()
                                .map(|(k, n)| format!("{k} ×{n}"))
                                .collect::<Vec<_>>()
                                .join(", "),
                            verdict: v(&r["verdict"]),
                            invisible: list(&r["invisible_callers"]),
                            outside: r["outside_events"]
                                .as_array()
                                .into_iter()
                                .flatten()
                                .map(|e| {
                                    [
                                        v(&e["event_time"]),
                                        v(&e["event_id"]),
                                        v(&e["event_name"]),
                                        v(&e["principal"]),
                                        v(&e["model_id"]),
                                        format!(
                                            "{} → {}",
                                            v(&e["aws_region"]),
                                            v(&e["inference_region"])
                                        ),
                                    ]
                                })
                                .collect(),
                            more: (r["outside_count"].as_u64().unwrap_or(0) as usize)
                                .saturating_sub(shown),
                        }
                    })
                    .collect(),
                profiles: a.profiles_outside.clone(),
                trails: a
                    .trail_buckets
                    .iter()
                    .map(|t| format!("{} → s3://{}", v(&t["trail"]), v(&t["bucket"])))
                    .collect(),
            })
            .collect(),
    }
}

#[derive(Debug)]
struct GapRow<'a> {
    account: Account<'a>,
    region: &'a str,
    service: &'a str,
    operation: &'a str,
    error: &'a str,
}

const STATUS_ORDER: [Status; 4] = [Status::Fail, Status::Unknown, Status::Muted, Status::Pass];
const SEVERITY_ORDER: [Severity; 5] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
    Severity::Info,
];

fn status_rank(s: Status) -> usize {
    STATUS_ORDER.iter().position(|x| *x == s).unwrap_or(0)
}

/// Fails first, then unknown, muted and passing findings; most severe first within each;
/// then by check, account, Region and resource.
fn ordered(findings: &[Finding]) -> Vec<&Finding> {
    let mut v: Vec<&Finding> = findings.iter().collect();
    v.sort_by(|a, b| {
        (status_rank(a.status), std::cmp::Reverse(a.severity))
            .cmp(&(status_rank(b.status), std::cmp::Reverse(b.severity)))
            .then_with(|| a.check.cmp(&b.check))
            .then_with(|| a.account.cmp(&b.account))
            .then_with(|| a.region.cmp(&b.region))
            .then_with(|| a.resource.cmp(&b.resource))
    });
    v
}

fn score_text(s: Option<u32>) -> String {
    s.map(|v| v.to_string()).unwrap_or_else(|| "n/a".into())
}

fn heat_cell(sc: Option<&Score>, title: bool) -> HeatCell {
    let v = sc.and_then(|x| x.score);
    HeatCell {
        class: if v.is_none() { "na" } else { "" },
        // Red (0) to green (100).
        style: v
            .map(|s| {
                format!(
                    "background:hsl({},60%,40%)",
                    (s as f64 * 1.2).round() as u32
                )
            })
            .unwrap_or_default(),
        title: if title {
            format!(
                "{} fail, {} unknown, {} pass",
                sc.map_or(0, |x| x.fail),
                sc.map_or(0, |x| x.unknown),
                sc.map_or(0, |x| x.pass)
            )
        } else {
            String::new()
        },
        text: score_text(v),
    }
}

impl<'a> Page<'a> {
    fn new(report: &'a Report) -> Page<'a> {
        let account = |id: &'a str| Account {
            id,
            name: report.run.account_name(id),
        };
        let account_text = |id: &str| match report.run.account_name(id) {
            Some(n) => format!("{id} ({n})"),
            None => id.to_string(),
        };
        let s = &report.summary;
        let ordered = ordered(&report.findings);

        let mut accounts: Vec<String> = report
            .run
            .accounts
            .iter()
            .take(HEADER_ACCOUNTS)
            .map(|a| account_text(a))
            .collect();
        if report.run.accounts.len() > HEADER_ACCOUNTS {
            accounts.push(format!(
                "and {} more",
                report.run.accounts.len() - HEADER_ACCOUNTS
            ));
        }

        let fail_by_severity = SEVERITY_ORDER
            .iter()
            .filter_map(|sev| {
                let n = s.fail_by_severity.get(sev.as_str()).copied().unwrap_or(0);
                (n > 0).then_some((sev.as_str(), n))
            })
            .collect();
        let controls = Control::ALL
            .iter()
            .filter_map(|c| {
                report.scores.by_control.get(c).map(|sc| ControlCard {
                    title: c.title(),
                    score: score_text(sc.score),
                    fail: sc.fail,
                    unknown: sc.unknown,
                    pass: sc.pass,
                })
            })
            .collect();

        // Accounts × controls: every scored account and every account not collected.
        let mut ids: BTreeSet<&str> = report
            .scores
            .by_account
            .keys()
            .map(String::as_str)
            .collect();
        ids.extend(report.run.not_collected.iter().map(|n| n.account.as_str()));
        let empty = AccountScore::default();
        let heat: Vec<HeatRow> = ids
            .into_iter()
            .map(|id| {
                let a = report.scores.by_account.get(id).unwrap_or(&empty);
                let regions: Vec<String> = report
                    .run
                    .not_collected
                    .iter()
                    .filter(|n| n.account == id)
                    .filter_map(|n| {
                        n.region
                            .as_ref()
                            .map(|r| format!("{r} not collected ({})", n.reason))
                    })
                    .collect();
                HeatRow {
                    account: account(id),
                    not_collected: report.run.account_not_collected(id),
                    regions_not_collected: regions.join("; "),
                    overall: heat_cell(Some(&a.overall), false),
                    controls: Control::ALL
                        .iter()
                        .map(|c| heat_cell(a.by_control.get(c), true))
                        .collect(),
                }
            })
            .collect();

        // Compliance per framework.
        let by_id: HashMap<&str, &Finding> =
            report.findings.iter().map(|f| (f.id.as_str(), f)).collect();
        let frameworks = report
            .compliance
            .iter()
            .map(|(fw, reqs)| {
                let count = |st: ReqStatus| reqs.iter().filter(|r| r.status == st).count();
                FrameworkView {
                    title: report
                        .framework_titles
                        .get(fw)
                        .cloned()
                        .unwrap_or_else(|| fw.clone()),
                    met: count(ReqStatus::Met),
                    not_met: count(ReqStatus::NotMet),
                    unknown: count(ReqStatus::Unknown),
                    requirements: reqs
                        .iter()
                        .map(|r| {
                            let failing: Vec<&&Finding> = r
                                .findings
                                .iter()
                                .filter_map(|id| by_id.get(id.as_str()))
                                .filter(|f| f.status != Status::Pass)
                                .collect();
                            let mut not_passing = failing
                                .iter()
                                .take(REQUIREMENT_FINDINGS)
                                .map(|f| format!("{} {} ({})", f.check, f.resource, f.status))
                                .collect::<Vec<_>>()
                                .join("; ");
                            if failing.len() > REQUIREMENT_FINDINGS {
                                not_passing.push_str(&format!(
                                    "; and {} more",
                                    failing.len() - REQUIREMENT_FINDINGS
                                ));
                            }
                            RequirementView {
                                requirement: r.requirement.clone(),
                                title: r.title.clone(),
                                status: r.status.as_str(),
                                status_text: r.status.as_str().replace('_', " "),
                                findings: r.findings.len(),
                                not_passing,
                            }
                        })
                        .collect(),
                }
            })
            .collect();

        // Filters: only the values that occur.
        let present_status: BTreeSet<Status> = report.findings.iter().map(|f| f.status).collect();
        let present_severity: BTreeSet<Severity> =
            report.findings.iter().map(|f| f.severity).collect();
        let present_control: BTreeSet<Control> =
            report.findings.iter().map(|f| f.control).collect();
        let present_account: BTreeSet<&str> =
            report.findings.iter().map(|f| f.account.as_str()).collect();

        let not_passing = report
            .findings
            .iter()
            .filter(|f| f.status != Status::Pass)
            .count();
        let rows = ordered
            .iter()
            .take_while(|f| f.status != Status::Pass)
            .take(PAGE)
            .map(|f| {
                let meta = report.catalogue.get(&f.check);
                Row {
                    f,
                    account: account(&f.account),
                    title: meta.map_or("", |m| m.title.as_str()),
                    evidence: serde_json::to_string_pretty(&f.evidence).unwrap_or_default(),
                    mute: f
                        .mute
                        .as_ref()
                        .map(|m| serde_json::to_string_pretty(m).unwrap_or_default()),
                    fix: meta.map(|m| m.remediation.console.trim()),
                    cli: meta.and_then(|m| m.remediation.cli.as_deref().map(str::trim)),
                }
            })
            .collect();

        Page {
            caller: &report.run.caller,
            started: &report.run.started,
            finished: &report.run.finished,
            accounts: accounts.join(", "),
            regions: report.run.regions.join(", "),
            version: &report.tool.version,
            partial: report.run.partial,
            overall: score_text(report.scores.overall),
            total: s.total,
            fail: s.fail,
            unknown: s.unknown,
            pass: s.pass,
            muted: s.muted,
            fail_by_severity,
            controls,
            control_names: Control::ALL.map(Control::as_str),
            heat_scrolls: heat.len() > SCROLL_ROWS,
            heat,
            frameworks,
            statuses: STATUS_ORDER
                .iter()
                .filter(|s| present_status.contains(s))
                .map(|s| s.as_str())
                .collect(),
            severities: SEVERITY_ORDER
                .iter()
                .filter(|s| present_severity.contains(s))
                .map(|s| s.as_str())
                .collect(),
            filter_controls: Control::ALL
                .iter()
                .filter(|c| present_control.contains(c))
                .map(|c| c.as_str())
                .collect(),
            filter_accounts: present_account
                .into_iter()
                .map(|a| (a, account_text(a)))
                .collect(),
            filter_frameworks: report
                .compliance
                .keys()
                .map(|fw| {
                    (
                        fw.as_str(),
                        report
                            .framework_titles
                            .get(fw)
                            .map_or(fw.as_str(), String::as_str),
                    )
                })
                .collect(),
            rows,
            not_passing,
            gaps_scroll: report.gaps.len() > SCROLL_ROWS,
            gaps: report
                .gaps
                .iter()
                .map(|g| GapRow {
                    account: account(&g.account),
                    region: g.region.as_deref().unwrap_or("—"),
                    service: &g.service,
                    operation: &g.operation,
                    error: &g.error,
                })
                .collect(),
            residency: report.residency.as_ref().map(residency_view),
            data: script_json(&data(report, &ordered)),
        }
    }
}

/// The embedded findings. Strings repeat a lot across an organisation (the same checks,
/// messages and evidence in every account, differing only in the account id and the
/// resource), so a finding's strings are stored with its account id and its resource
/// replaced by two marker characters that occur nowhere in the report, every distinct
/// string once (`text`), and every distinct evidence once. `report.js` reverses this.
#[derive(Debug, Serialize)]
struct Data<'a> {
    /// Findings per page.
    page: usize,
    /// Index tables for the finding rows below.
    status: Vec<&'static str>,
    severity: Vec<&'static str>,
    control: Vec<&'static str>,
    /// `[id, name]`; name is "" when Organizations gave none.
    account: Vec<(&'a str, &'a str)>,
    region: Vec<&'a str>,
    framework: Vec<(&'a str, &'a str)>,
    check: Vec<CheckData<'a>>,
    /// The account and resource markers, or `null` when no free marker exists (then the
    /// strings are stored as they are).
    mark: Option<[String; 2]>,
    /// Every string of the findings: resources, messages, evidence keys and strings.
    text: Vec<String>,
    /// Evidence and mutes, packed (see [`pack`]).
    evidence: Vec<Value>,
    mute: Vec<Value>,
    /// One row per finding, in display order: check, status, severity, control, account,
    /// region (-1: none), resource, message, evidence, mute (-1: none), all indices.
    finding: Vec<[i64; 10]>,
}

#[derive(Debug, Serialize)]
struct CheckData<'a> {
    code: &'a str,
    slug: &'a str,
    title: &'a str,
    fix: &'a str,
    cli: Option<&'a str>,
    /// Indices of the frameworks with a requirement this check evidences.
    frameworks: Vec<usize>,
}

/// Interns values into an index table.
#[derive(Debug)]
struct Table<K, V> {
    index: HashMap<K, usize>,
    values: Vec<V>,
}

impl<K: std::hash::Hash + Eq, V> Table<K, V> {
    fn new() -> Self {
        Table {
            index: HashMap::new(),
            values: Vec::new(),
        }
    }

    fn get(&mut self, key: K, value: impl FnOnce() -> V) -> i64 {
        let next = self.values.len();
        let i = *self.index.entry(key).or_insert_with(|| next);
        if i == next {
            self.values.push(value());
        }
        i as i64
    }
}

/// Two characters of the Private Use Area that no string in the findings contains.
fn free_marks(findings: &[Finding]) -> Option<[char; 2]> {
    fn scan(v: &Value, used: &mut BTreeSet<char>) {
        match v {
            Value::String(s) => scan_str(s, used),
            Value::Array(a) => a.iter().for_each(|x| scan(x, used)),
            Value::Object(o) => o.iter().for_each(|(k, x)| {
                scan_str(k, used);
                scan(x, used);
            }),
            _ => {}
        }
    }
    fn scan_str(s: &str, used: &mut BTreeSet<char>) {
        used.extend(s.chars().filter(|c| ('\u{e000}'..='\u{f8ff}').contains(c)));
    }
    let mut used = BTreeSet::new();
    for f in findings {
        for s in [&f.account, &f.resource, &f.message] {
            scan_str(s, &mut used);
        }
        scan(&f.evidence.value(), &mut used);
        if let Some(m) = &f.mute {
            scan(m, &mut used);
        }
    }
    let mut free = ('\u{e000}'..='\u{f8ff}').filter(|c| !used.contains(c));
    Some([free.next()?, free.next()?])
}

/// Replaces the resource, then the account id, by their markers. Lossless: the markers
/// occur in no input, and `report.js` undoes the steps in reverse order.
struct Marker {
    account: String,
    resource: String,
}

impl Marker {
    fn apply(&self, s: &str, f: &Finding) -> String {
        let mut out = s.to_string();
        if !f.resource.is_empty() {
            out = out.replace(&f.resource, &self.resource);
        }
        if !f.account.is_empty() {
            out = out.replace(&f.account, &self.account);
        }
        out
    }
}

/// A JSON value with its strings as indices into `text`: a string becomes its index, a
/// number the string of its digits, an object `[-1, key, value, key, value, ...]` (keys as
/// indices too), an array the array of its packed items; booleans and null stay. No packed
/// array starts with -1 but an object's, so the packing is unambiguous.
fn pack(v: &Value, text: &mut Table<String, String>, mark: &dyn Fn(&str) -> String) -> Value {
    let mut index = |s: &str| {
        let s = mark(s);
        Value::from(text.get(s.clone(), || s))
    };
    match v {
        Value::String(s) => index(s),
        Value::Number(n) => Value::String(n.to_string()),
        Value::Array(a) => Value::Array(a.iter().map(|x| pack(x, text, mark)).collect()),
        Value::Object(o) => {
            let mut out = Vec::with_capacity(1 + 2 * o.len());
            out.push(Value::from(-1));
            for (k, x) in o {
                let k = mark(k);
                out.push(Value::from(text.get(k.clone(), || k)));
                out.push(pack(x, text, mark));
            }
            Value::Array(out)
        }
        Value::Bool(_) | Value::Null => v.clone(),
    }
}

fn data(report: &Report, ordered: &[&Finding]) -> String {
    let marker = free_marks(&report.findings).map(|[a, r]| Marker {
        account: a.to_string(),
        resource: r.to_string(),
    });
    let mark = |s: &str, f: &Finding| match &marker {
        Some(m) => m.apply(s, f),
        None => s.to_string(),
    };

    let frameworks: Vec<(&str, &str)> = report
        .compliance
        .keys()
        .map(|fw| {
            (
                fw.as_str(),
                report
                    .framework_titles
                    .get(fw)
                    .map_or(fw.as_str(), String::as_str),
            )
        })
        .collect();
    // Check → the frameworks its findings evidence, from the compliance results.
    let check_of: HashMap<&str, &str> = report
        .findings
        .iter()
        .map(|f| (f.id.as_str(), f.check.as_str()))
        .collect();
    let mut check_frameworks: HashMap<&str, BTreeSet<usize>> = HashMap::new();
    for (i, reqs) in report.compliance.values().enumerate() {
        for id in reqs.iter().flat_map(|r| &r.findings) {
            if let Some(check) = check_of.get(id.as_str()) {
                check_frameworks.entry(check).or_default().insert(i);
            }
        }
    }

    let mut checks = Table::new();
    let mut accounts = Table::new();
    let mut regions = Table::new();
    let mut texts: Table<String, String> = Table::new();
    let mut evidence: Table<String, Value> = Table::new();
    let mut mutes: Table<String, Value> = Table::new();
    let rank = |x: usize| x as i64;
    let finding = ordered
        .iter()
        .map(|f| {
            let check = checks.get(f.check.as_str(), || {
                let meta = report.catalogue.get(&f.check);
                CheckData {
                    code: &f.check,
                    slug: &f.slug,
                    title: meta.map_or("", |m| m.title.as_str()),
                    fix: meta.map_or("", |m| m.remediation.console.trim()),
                    cli: meta.and_then(|m| m.remediation.cli.as_deref().map(str::trim)),
                    frameworks: check_frameworks
                        .get(f.check.as_str())
                        .map(|s| s.iter().copied().collect())
                        .unwrap_or_default(),
                }
            });
            let account = accounts.get(f.account.as_str(), || {
                (
                    f.account.as_str(),
                    report.run.account_name(&f.account).unwrap_or(""),
                )
            });
            let region = match &f.region {
                Some(r) => regions.get(r.as_str(), || r.as_str()),
                None => -1,
            };
            // The resource keeps itself: only its account id is marked.
            let resource = match &marker {
                Some(m) if !f.account.is_empty() => f.resource.replace(&f.account, &m.account),
                _ => f.resource.clone(),
            };
            let resource = texts.get(resource.clone(), || resource);
            let message = mark(&f.message, f);
            let message = texts.get(message.clone(), || message);
            let ev = pack(&f.evidence.value(), &mut texts, &|s| mark(s, f));
            let ev = evidence.get(ev.to_string(), || ev);
            let mute = match &f.mute {
                Some(m) => {
                    let m = pack(m, &mut texts, &|s| mark(s, f));
                    mutes.get(m.to_string(), || m)
                }
                None => -1,
            };
            [
                check,
                rank(status_rank(f.status)),
                rank(
                    SEVERITY_ORDER
                        .iter()
                        .position(|s| *s == f.severity)
                        .unwrap_or(0),
                ),
                rank(
                    Control::ALL
                        .iter()
                        .position(|c| *c == f.control)
                        .unwrap_or(0),
                ),
                account,
                region,
                resource,
                message,
                ev,
                mute,
            ]
        })
        .collect();
    let data = Data {
        page: PAGE,
        status: STATUS_ORDER.map(Status::as_str).to_vec(),
        severity: SEVERITY_ORDER.map(Severity::as_str).to_vec(),
        control: Control::ALL.map(Control::as_str).to_vec(),
        account: accounts.values,
        region: regions.values,
        framework: frameworks,
        check: checks.values,
        mark: marker.map(|m| [m.account, m.resource]),
        text: texts.values,
        evidence: evidence.values,
        mute: mutes.values,
        finding,
    };
    serde_json::to_string(&data).unwrap_or_else(|_| "null".into())
}

/// The escaper of `.html` templates (`templates/askama.toml`): `&`, `<`, `>`, `"`, `'` and
/// `` ` `` as entities, so every value is safe in text and in quoted attributes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entities;

impl askama::filters::Escaper for Entities {
    fn write_escaped_str<W: std::fmt::Write>(&self, mut dest: W, s: &str) -> std::fmt::Result {
        let mut last = 0;
        for (i, b) in s.bytes().enumerate() {
            let entity = match b {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                b'\'' => "&#39;",
                b'`' => "&#96;",
                _ => continue,
            };
            // Every escaped character is ASCII, so `i` is a character boundary.
            dest.write_str(&s[last..i])?;
            dest.write_str(entity)?;
            last = i + 1;
        }
        dest.write_str(&s[last..])
    }
}

/// JSON made safe as the content of a `<script>` element: no string in it can close the
/// element (`</script>`), open a comment (`<!--`) or end a line for old JavaScript
/// parsers. The escapes are JSON escapes, so the text parses to the same value.
pub fn script_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 64);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_escape_markup_in_text_and_attributes() {
        let mut out = String::new();
        askama::filters::Escaper::write_escaped_str(
            &Entities,
            &mut out,
            "<img src=x onerror=alert(1)>\"'&` é",
        )
        .unwrap();
        assert_eq!(
            out,
            "&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;&#96; é"
        );
    }

    #[test]
    fn script_json_cannot_close_the_script_and_parses_to_the_same_value() {
        let hostile = "</script><script>alert(1)</script> <!-- & \u{2028}\u{2029} \"><img src=x onerror=alert(1)>";
        let json = serde_json::to_string(&serde_json::json!({ hostile: [hostile] })).unwrap();
        let safe = script_json(&json);
        for bad in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
            assert!(!safe.contains(bad), "{bad:?} left in {safe}");
        }
        let back: Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, serde_json::json!({ hostile: [hostile] }));
    }

    #[test]
    fn marks_are_characters_no_string_contains() {
        let mut f: Finding = serde_json::from_value(serde_json::json!({
            "id": "1", "check": "IAM-001", "slug": "s", "control": "iam", "status": "fail",
            "severity": "high", "account": "111122223333", "region": null,
            "resource": "arn:aws:iam::111122223333:role/r\u{e000}",
            "message": "m", "evidence": {"\u{e001}": "x"}
        }))
        .unwrap();
        assert_eq!(
            free_marks(std::slice::from_ref(&f)),
            Some(['\u{e002}', '\u{e003}'])
        );
        f.resource = "r".into();
        f.evidence = crate::catalogue::Evidence::null();
        assert_eq!(
            free_marks(std::slice::from_ref(&f)),
            Some(['\u{e000}', '\u{e001}'])
        );
    }
}
