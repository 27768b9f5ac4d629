//! The HTML report in headless Chromium: hostile strings in every field stay inert, the
//! findings are embedded once and losslessly, and the page lists them failing first by
//! severity, one page at a time, filterable, with the passing ones collapsed. The demo
//! report's summary and first failing finding are checked in `e2e.rs` with the helpers here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use perimeter::checks::{Control, Finding, Severity, Status};
use perimeter::model::{Meta, Snapshot, ToolInfo};
use perimeter::report::{NotCollected, Report};
use serde_json::{Value, json};

pub fn chromium() -> &'static str {
    for c in [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ] {
        if Path::new(c).exists() {
            return c;
        }
    }
    panic!(
        "headless Chromium is needed for the HTML report tests: install Debian's `chromium` package (scripts/test.sh does)"
    );
}

const FLAGS: [&str; 10] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
];

/// Virtual time for the page's script: it draws the findings after the first paint.
const BUDGET: &str = "--virtual-time-budget=5000";

fn url(file: &Path, fragment: &str) -> String {
    let mut u = format!("file://{}", file.display());
    if !fragment.is_empty() {
        u.push('#');
        u.push_str(fragment);
    }
    u
}

fn chromium_run(args: &[String]) -> std::process::Output {
    let profile = tempfile::tempdir().unwrap();
    let o = Command::new(chromium())
        .args(FLAGS)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .output()
        .expect("run chromium");
    let log = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "chromium failed: {log}");
    let errors: Vec<&str> = log
        .lines()
        .filter(|l| l.contains(":CONSOLE") && (l.contains("Uncaught") || l.contains("Error")))
        .collect();
    assert!(errors.is_empty(), "console errors: {errors:?}");
    o
}

/// The DOM of `file#fragment` after the page's script ran.
pub fn dump_dom(file: &Path, fragment: &str) -> String {
    let o = chromium_run(&[BUDGET.into(), "--dump-dom".into(), url(file, fragment)]);
    let dom = String::from_utf8(o.stdout).unwrap();
    assert!(
        dom.contains("<section id=\"findings\" data-drawn=\"\">"),
        "the page's script did not draw the findings"
    );
    dom
}

/// Text as the DOM serialiser writes it in a text node.
pub fn dom_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('\u{a0}', "&nbsp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#96;", "`")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// The text of an element's content (tags dropped, entities decoded).
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    unescape(&out)
}

/// The cells' text of every finding row in the `<tbody id=…>`, in order.
pub fn rows(dom: &str, tbody: &str) -> Vec<Vec<String>> {
    let open = format!("<tbody id=\"{tbody}\">");
    let start = dom
        .find(&open)
        .unwrap_or_else(|| panic!("no {open} in the page"));
    let body = &dom[start + open.len()..];
    let body = &body[..body.find("</tbody>").unwrap()];
    body.split("<tr class=\"finding\"")
        .skip(1)
        .map(|tr| {
            let tr = &tr[..tr.find("</tr>").unwrap()];
            tr.split("<td")
                .skip(1)
                .map(|td| {
                    let td = &td[td.find('>').unwrap() + 1..];
                    text_of(&td[..td.find("</td>").unwrap()])
                })
                .collect()
        })
        .collect()
}

/// The text of the element with this id.
fn by_id(dom: &str, id: &str) -> String {
    let at = dom
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}"));
    let rest = &dom[at..];
    let rest = &rest[rest.find('>').unwrap() + 1..];
    text_of(&rest[..rest.find('<').unwrap()])
}

fn snapshot(accounts: &[(&str, &str)]) -> Snapshot {
    let mut snap = Snapshot::new(Meta {
        tool: ToolInfo::current(),
        started: "2026-11-01T00:00:00Z".into(),
        finished: "2026-11-01T00:01:00Z".into(),
        accounts: accounts.iter().map(|(id, _)| id.to_string()).collect(),
        regions: vec!["us-east-1".into()],
        source: "live".into(),
        ..Meta::default()
    });
    snap.organization = Some(perimeter::model::Organization {
        accounts: accounts
            .iter()
            .map(|(id, name)| perimeter::model::OrgAccount {
                id: id.to_string(),
                name: name.to_string(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    });
    snap
}

#[expect(
    clippy::too_many_arguments,
    reason = "a finding is these fields; a builder would hide them"
)]
fn finding(
    check: &str,
    control: Control,
    status: Status,
    severity: Severity,
    account: &str,
    region: Option<&str>,
    resource: &str,
    message: &str,
    evidence: Value,
) -> Finding {
    Finding {
        id: perimeter::checks::finding_id(check, account, region, resource),
        check: check.into(),
        slug: format!("{}-slug", check.to_ascii_lowercase()),
        control,
        status,
        severity,
        account: account.into(),
        region: region.map(str::to_string),
        resource: resource.into(),
        message: message.into(),
        evidence: evidence.into(),
        mute: None,
    }
}

// ------------------------------------------------------------------ hostile strings

const CLOSE_SCRIPT: &str = "</script><script>alert(1)</script>";
const IMG: &str = "\"><img src=x onerror=alert(1)>";

/// Markup that closes the script or an attribute, line and paragraph separators, a comment
/// opener, quotes, and the characters the JSON embedding uses as markers.
fn evil(field: &str) -> String {
    format!("{field}{CLOSE_SCRIPT}{IMG}\u{2028}x\u{2029}'`<!--\u{e000}\u{e001}")
}

const A: &str = "111122223333";
const B: &str = "444455556666";
const C: &str = "777788889999";

fn hostile_report() -> Report {
    let snap = snapshot(&[(A, &evil("name-a")), (B, &evil("name-b")), (C, "legacy")]);
    let checks = [
        ("IAM-001", Control::Iam, Status::Fail, Severity::High),
        ("KMS-001", Control::Kms, Status::Fail, Severity::Medium),
        ("LOG-001", Control::Logging, Status::Unknown, Severity::High),
        ("NET-001", Control::Network, Status::Pass, Severity::Medium),
        (
            "GRD-001",
            Control::Guardrails,
            Status::Muted,
            Severity::High,
        ),
    ];
    let mut findings = Vec::new();
    for acct in [A, B] {
        for (i, (check, control, status, severity)) in checks.into_iter().enumerate() {
            let resource = format!("arn:aws:kms:us-east-1:{acct}:key/{}", evil("res"));
            let region = (i == 1).then(|| evil("region"));
            let mut f = finding(
                check,
                control,
                status,
                severity,
                acct,
                region.as_deref(),
                &resource,
                &format!("{resource} in {acct}: {}", evil("msg")),
                json!({
                    evil("key"): evil("value"),
                    "resource": resource,
                    "nested": [evil("item"), {"account": acct, "n": 1}],
                }),
            );
            if i == 0 {
                f.slug = evil("slug");
            }
            if status == Status::Muted {
                f.mute = Some(
                    json!({"reason": evil("reason"), "owner": evil("owner"), "expires": "2027-01-01"}),
                );
            }
            findings.push(f);
        }
    }
    let mut r = Report::build(&snap, findings);
    r.run.caller = evil("caller");
    r.run.regions = vec![evil("regions")];
    r.run.not_collected = vec![
        NotCollected {
            account: C.into(),
            region: None,
            reason: evil("not-collected"),
        },
        NotCollected {
            account: A.into(),
            region: Some(evil("region-not-collected")),
            reason: evil("why"),
        },
    ];
    r.gaps.push(perimeter::model::Gap {
        account: C.into(),
        region: Some(evil("gap-region")),
        service: evil("service"),
        operation: evil("operation"),
        error: evil("error"),
        resource: None,
    });
    for t in r.framework_titles.values_mut() {
        *t = evil("framework");
    }
    for req in r.compliance.values_mut().flatten() {
        req.requirement = evil("requirement");
        req.title = evil("requirement-title");
    }
    for c in r.catalogue.values_mut() {
        c.title = evil("title");
        c.remediation.console = evil("fix");
        c.remediation.cli = Some(evil("cli"));
    }
    // The residency section, from a RES-001 finding whose every string is hostile.
    let res = finding(
        "RES-001",
        Control::Residency,
        Status::Fail,
        Severity::High,
        A,
        Some("eu-west-1"),
        &evil("res-resource"),
        &evil("res-msg"),
        json!({
            "residency": {"geography": evil("geo"), "source": evil("source")},
            "account_name": evil("res-name"),
            "limits": {"visible": evil("visible"), "not_visible": [evil("hidden")], "never_logged": evil("never"), "window": evil("window")},
            "trail_buckets": [{"trail": evil("trail"), "bucket": evil("bucket")}],
            "region": evil("res-region"), "read": true, "capped": false, "days": 90, "invocations": 1,
            "served_in": {evil("served"): 1}, "outside_count": 1, "verdict": "outside",
            "invisible_callers": [evil("caller")],
            "outside_events": [{"event_time": evil("time"), "event_id": evil("event"), "event_name": evil("name"),
                "principal": evil("principal"), "model_id": evil("model"), "aws_region": evil("from"),
                "inference_region": evil("to")}],
        }),
    );
    r.residency = perimeter::report::residency::section(std::slice::from_ref(&res));
    r
}

/// Every element of the page, by tag, counted in a serialised DOM or HTML source.
fn tags(html: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for part in html.split('<').skip(1) {
        let name: String = part
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '!')
            .collect::<String>()
            .to_ascii_lowercase();
        if !name.is_empty() {
            *out.entry(name).or_default() += 1;
        }
    }
    out
}

fn assert_no_injected_element(dom: &str, scripts: usize) {
    let t = tags(dom);
    assert_eq!(t.get("script"), Some(&scripts), "script elements: {t:?}");
    assert_eq!(t.get("img"), None, "an injected <img>: {t:?}");
    // The page's own `<!DOCTYPE` only: no comment was opened by data.
    assert!(
        t.keys().all(|k| !k.starts_with("!") || k == "!doctype"),
        "{t:?}"
    );
}

#[test]
fn hostile_strings_in_every_field_stay_inert_in_chromium() {
    let r = hostile_report();
    let html = perimeter::report::html::render(&r);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("perimeter.html");
    std::fs::write(&file, &html).unwrap();

    // The source: the JSON element and the page's script, nothing else that runs.
    assert_no_injected_element(&html, 2);
    assert_eq!(html.matches("</script>").count(), 2);

    // After the script drew the findings: still no injected element, and the hostile
    // strings are shown as text, exactly.
    let dom = dump_dom(&file, "");
    assert_no_injected_element(&dom, 2);
    let main = rows(&dom, "rows");
    assert_eq!(main.len(), 8, "every failing, unknown and muted finding");
    let first = &r
        .findings
        .iter()
        .find(|f| f.check == "IAM-001" && f.account == A)
        .unwrap();
    let row = main
        .iter()
        .find(|c| c[2] == "IAM-001" && c[3].starts_with(A))
        .unwrap();
    assert_eq!(row[3], format!("{A} {}", evil("name-a")));
    assert_eq!(row[5], first.resource);
    assert_eq!(row[6], first.message);
    assert!(dom.contains(&dom_text(&evil("name-b"))));
    assert!(dom.contains(&dom_text(&evil("not-collected"))));
    // The residency section shows its hostile strings as text.
    for field in ["model", "principal", "to", "served", "res-name", "bucket"] {
        assert!(
            dom.contains(&dom_text(&evil(field))),
            "residency {field} not shown as text"
        );
    }

    // Passing findings, drawn when their section opens.
    let dom = dump_dom(&file, "status=pass");
    assert_no_injected_element(&dom, 2);
    let pass = rows(&dom, "pass-rows");
    assert_eq!(pass.len(), 2);
    assert!(
        pass.iter().all(|c| c[6].ends_with(&evil("msg"))),
        "{pass:?}"
    );

    // Evidence, mutes and remediation, drawn when a finding's details open: a page with
    // one more script that opens them all.
    let opener = dir.path().join("opened.html");
    std::fs::write(
        &opener,
        html.replace(
            "</body>",
            "<script>setTimeout(function(){document.querySelectorAll('#rows details').forEach(function(d){d.open=true;});},1000);</script></body>",
        ),
    )
    .unwrap();
    let dom = dump_dom(&opener, "");
    assert_no_injected_element(&dom, 3);
    for f in r.findings.iter().filter(|f| f.status != Status::Pass) {
        let ev = serde_json::to_string_pretty(&f.evidence).unwrap();
        assert!(
            dom.contains(&format!("<pre>{}</pre>", dom_text(&ev))),
            "evidence of {} {} not shown as text",
            f.check,
            f.account
        );
    }
    let mute =
        serde_json::to_string_pretty(r.findings.iter().find_map(|f| f.mute.as_ref()).unwrap())
            .unwrap();
    assert!(dom.contains(&format!("<pre>{}</pre>", dom_text(&mute))));
    assert!(dom.contains(&format!("<pre>{}</pre>", dom_text(&evil("cli")))));
}

/// The embedded JSON as the page's script reads it, turned back into findings with the
/// same steps (markers replaced in reverse order): exactly the report's findings, once.
#[test]
fn findings_are_embedded_once_and_losslessly() {
    let r = hostile_report();
    let html = perimeter::report::html::render(&r);
    let open = "<script type=\"application/json\" id=\"data\">";
    assert_eq!(html.matches(open).count(), 1);
    let start = html.find(open).unwrap() + open.len();
    let text = &html[start..start + html[start..].find("</script>").unwrap()];
    for c in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
        assert!(!text.contains(c), "{c:?} inside the script element");
    }
    let d: Value = serde_json::from_str(text).unwrap();
    let marks = d["mark"].as_array().unwrap();
    let (ma, mr) = (marks[0].as_str().unwrap(), marks[1].as_str().unwrap());
    assert!(!"\u{e000}\u{e001}".contains(ma) && !"\u{e000}\u{e001}".contains(mr));
    let unmark = |s: &str, acct: &str, res: Option<&str>| {
        let s = s.replace(ma, acct);
        match res {
            Some(r) => s.replace(mr, r),
            None => s,
        }
    };
    // Evidence and mutes are packed: strings as indices into `text`, numbers as strings,
    // objects as [-1, key, value, ...].
    fn unpack(v: &Value, text: &dyn Fn(&Value) -> String) -> Value {
        match v {
            Value::Number(_) => Value::String(text(v)),
            Value::String(n) => serde_json::from_str(n).unwrap(),
            Value::Array(a) if a.first() == Some(&json!(-1)) => Value::Object(
                a[1..]
                    .chunks(2)
                    .map(|kv| (text(&kv[0]), unpack(&kv[1], text)))
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.iter().map(|x| unpack(x, text)).collect()),
            other => other.clone(),
        }
    }
    let s = |v: &Value| v.as_str().unwrap().to_string();
    let mut decoded = Vec::new();
    for row in d["finding"].as_array().unwrap() {
        let i = |n: usize| row[n].as_i64().unwrap();
        let acct = s(&d["account"][i(4) as usize][0]);
        let res = unmark(&s(&d["text"][i(6) as usize]), &acct, None);
        let msg = unmark(&s(&d["text"][i(7) as usize]), &acct, Some(&res));
        let text = |n: &Value| {
            unmark(
                d["text"][n.as_u64().unwrap() as usize].as_str().unwrap(),
                &acct,
                Some(&res),
            )
        };
        let ev = unpack(&d["evidence"][i(8) as usize], &text);
        let mute = (i(9) >= 0).then(|| unpack(&d["mute"][i(9) as usize], &text));
        decoded.push(json!({
            "check": d["check"][i(0) as usize]["code"],
            "status": d["status"][i(1) as usize],
            "severity": d["severity"][i(2) as usize],
            "control": d["control"][i(3) as usize],
            "account": acct,
            "region": if i(5) < 0 { Value::Null } else { d["region"][i(5) as usize].clone() },
            "resource": res,
            "message": msg,
            "evidence": ev,
            "mute": mute,
        }));
    }
    let mut expected: Vec<Value> = r
        .findings
        .iter()
        .map(|f| {
            json!({
                "check": f.check, "status": f.status, "severity": f.severity,
                "control": f.control, "account": f.account, "region": f.region,
                "resource": f.resource, "message": f.message, "evidence": f.evidence,
                "mute": f.mute,
            })
        })
        .collect();
    let key = |v: &Value| v.to_string();
    expected.sort_by_key(key);
    let mut got = decoded.clone();
    got.sort_by_key(key);
    assert_eq!(got, expected);
    // In display order: failing first, most severe first.
    let order: Vec<(String, String)> = decoded
        .iter()
        .map(|v| (s(&v["status"]), s(&v["severity"])))
        .collect();
    let rank = |(st, sev): &(String, String)| {
        (
            ["fail", "unknown", "muted", "pass"]
                .iter()
                .position(|x| x == st)
                .unwrap(),
            ["critical", "high", "medium", "low", "info"]
                .iter()
                .position(|x| x == sev)
                .unwrap(),
        )
    };
    assert!(
        order.windows(2).all(|w| rank(&w[0]) <= rank(&w[1])),
        "{order:?}"
    );
}

// ------------------------------------------------------------------ pages and filters

const CHECKS: [(&str, Control, Severity); 8] = [
    ("IAM-001", Control::Iam, Severity::High),
    ("IAM-004", Control::Iam, Severity::Critical),
    ("KMS-001", Control::Kms, Severity::Medium),
    ("KMS-002", Control::Kms, Severity::High),
    ("NET-001", Control::Network, Severity::Medium),
    ("LOG-001", Control::Logging, Severity::Low),
    ("GRD-001", Control::Guardrails, Severity::High),
    ("CRI-001", Control::Cris, Severity::Info),
];

/// Three accounts × 40 findings: mostly failing, every fourth passing, some unknown.
fn org_report() -> Report {
    let accounts = [
        ("100000000001", "prod"),
        ("100000000002", "dev"),
        ("100000000003", "sandbox"),
    ];
    let mut findings = Vec::new();
    for (id, _) in accounts {
        for k in 0..40 {
            let (check, control, severity) = CHECKS[k % CHECKS.len()];
            let status = if k % 4 == 0 {
                Status::Pass
            } else if k % 7 == 0 {
                Status::Unknown
            } else {
                Status::Fail
            };
            let resource = format!("arn:aws:iam::{id}:role/role-{k:02}");
            findings.push(finding(
                check,
                control,
                status,
                severity,
                id,
                None,
                &resource,
                &format!("{resource} finding {k}"),
                json!({"principal": resource, "k": k}),
            ));
        }
    }
    Report::build(&snapshot(&accounts), findings)
}

fn status_rank(s: &str) -> usize {
    ["fail", "unknown", "muted", "pass"]
        .iter()
        .position(|x| *x == s)
        .unwrap_or_else(|| panic!("status {s:?}"))
}

fn severity_rank(s: &str) -> usize {
    ["critical", "high", "medium", "low", "info"]
        .iter()
        .position(|x| *x == s)
        .unwrap_or_else(|| panic!("severity {s:?}"))
}

#[test]
fn findings_show_failing_first_a_page_at_a_time_with_filters_and_passes_collapsed() {
    let r = org_report();
    let total = r.findings.len();
    let passes = r.summary.pass;
    let not_passing = total - passes;
    assert!(not_passing > 50 && passes > 0);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("perimeter.html");
    std::fs::write(&file, perimeter::report::html::render(&r)).unwrap();

    // Unfiltered: one page of 50, failing first, most severe first; passes collapsed.
    let dom = dump_dom(&file, "");
    let main = rows(&dom, "rows");
    assert_eq!(main.len(), 50);
    assert_eq!(
        (main[0][0].as_str(), main[0][1].as_str()),
        ("fail", "critical")
    );
    let ranks: Vec<(usize, usize)> = main
        .iter()
        .map(|c| (status_rank(&c[0]), severity_rank(&c[1])))
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
    assert!(main.iter().all(|c| c[0] != "pass"));
    assert_eq!(by_id(&dom, "shown"), total.to_string());
    assert_eq!(by_id(&dom, "pass-count"), passes.to_string());
    assert!(rows(&dom, "pass-rows").is_empty(), "passes start collapsed");
    assert!(!dom.contains("<details id=\"passing\" class=\"js-only\" open"));
    let pages = not_passing.div_ceil(50);
    let pager = &dom[dom.find("id=\"pager\">").unwrap() + 11..];
    assert_eq!(
        text_of(&pager[..pager.find("</div>").unwrap()]),
        format!("« First‹ Previouspage 1 of {pages} · findings 1–50 of {not_passing}Next ›Last »")
    );
    // Only the visible page is in the DOM.
    assert_eq!(dom.matches("<tr class=\"finding\"").count(), 50);

    // Status: the passing findings open, the others say none match.
    let dom = dump_dom(&file, "status=pass");
    assert!(rows(&dom, "rows").is_empty());
    assert!(dom.contains("No failing, unknown or muted finding matches the filters."));
    let pass = rows(&dom, "pass-rows");
    assert_eq!(pass.len(), passes.min(50));
    assert!(pass.iter().all(|c| c[0] == "pass"));
    assert_eq!(by_id(&dom, "shown"), passes.to_string());

    // Account and control.
    let (acct, control) = ("100000000002", Control::Kms);
    let expected = |keep: &dyn Fn(&Finding) -> bool| -> (usize, BTreeSet<String>) {
        let fs: Vec<&Finding> = r.findings.iter().filter(|f| keep(f)).collect();
        (
            fs.len(),
            fs.iter()
                .filter(|f| f.status != Status::Pass)
                .map(|f| f.resource.clone())
                .collect(),
        )
    };
    let dom = dump_dom(&file, &format!("account={acct}&control=kms"));
    let (n, resources) = expected(&|f| f.account == acct && f.control == control);
    let main = rows(&dom, "rows");
    assert!(
        main.iter().all(|c| c[3] == format!("{acct} dev")),
        "{main:?}"
    );
    assert_eq!(
        main.iter().map(|c| c[5].clone()).collect::<BTreeSet<_>>(),
        resources
    );
    assert_eq!(by_id(&dom, "shown"), n.to_string());

    // Framework: the findings of the checks with a requirement in it.
    let fw = perimeter::compliance::frameworks()
        .iter()
        .find(|fw| {
            let checks: BTreeSet<&str> = fw
                .requirements
                .iter()
                .flat_map(|r| r.checks.iter().map(String::as_str))
                .collect();
            let ours = CHECKS.iter().filter(|c| checks.contains(c.0)).count();
            ours > 0 && ours < CHECKS.len()
        })
        .expect("a framework that maps some of the test's checks");
    let in_fw: BTreeSet<&str> = fw
        .requirements
        .iter()
        .flat_map(|r| r.checks.iter().map(String::as_str))
        .collect();
    let dom = dump_dom(&file, &format!("framework={}&severity=high", fw.id));
    let (n, resources) =
        expected(&|f| in_fw.contains(f.check.as_str()) && f.severity == Severity::High);
    let main = rows(&dom, "rows");
    assert!(!main.is_empty());
    assert!(
        main.iter()
            .all(|c| in_fw.contains(c[2].as_str()) && c[1] == "high"),
        "{} {in_fw:?}: {main:?}",
        fw.id
    );
    assert_eq!(
        main.iter().map(|c| c[5].clone()).collect::<BTreeSet<_>>(),
        resources
    );
    assert_eq!(by_id(&dom, "shown"), n.to_string());
}
