//! Faults between perimeter and the emulator change nothing but the time: throttling and
//! server errors in each protocol's real shape and dropped connections, injected at fixed
//! seeds by `localstack/faultproxy.py` in front of the shared demo emulator.
//!
//! At 20% faults the findings (check, account, Region, resource → status) equal the clean
//! run's; at 40% every difference is an `unknown` backed by a recorded gap: never a FAIL
//! that turned into a PASS or vanished.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use serde_json::{Value, json};

use super::emu::{emu, perimeter_at, root, run, stdout_json};

const REGIONS: &str = "us-east-1,eu-west-1";

/// The proxy process, stopped when dropped.
struct Proxy {
    child: Child,
    url: String,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_proxy(upstream: &str) -> Proxy {
    let mut child = Command::new(root().join("localstack/.venv/bin/python"))
        .arg(root().join("localstack/faultproxy.py"))
        .args(["--upstream", upstream, "--port", "0", "--rate", "0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start localstack/faultproxy.py");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("proxy stdout"))
        .read_line(&mut line)
        .expect("read the proxy's URL");
    let url = line.trim().to_string();
    assert!(
        url.starts_with("http://127.0.0.1:"),
        "the fault proxy printed {url:?}"
    );
    Proxy { child, url }
}

/// POST a JSON body to the proxy's control route.
fn post(url: &str, path: &str, body: &Value) {
    let hostport = url.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(hostport).expect("connect to the proxy");
    let text = body.to_string();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: {hostport}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    )
    .expect("send to the proxy");
    let mut answer = String::new();
    s.read_to_string(&mut answer)
        .expect("read the proxy's answer");
    assert!(
        answer.starts_with("HTTP/1.1 200") || answer.starts_with("HTTP/1.0 200"),
        "{answer}"
    );
}

type Verdicts = BTreeMap<(String, String, String, String), String>;

fn audit(proxy: &Proxy) -> (Value, Verdicts, f64) {
    let mut c = perimeter_at(&proxy.url);
    c.args([
        "audit",
        "--quiet",
        "--org",
        "--regions",
        REGIONS,
        "--format",
        "json",
    ]);
    let t = Instant::now();
    let o = run(c);
    let secs = t.elapsed().as_secs_f64();
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "the audit under faults must still produce a report: exit {:?}\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    let report = stdout_json(&o);
    let v = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                (
                    f["check"].as_str().unwrap_or_default().to_string(),
                    f["account"].as_str().unwrap_or_default().to_string(),
                    f["region"].as_str().unwrap_or("-").to_string(),
                    f["resource"].as_str().unwrap_or_default().to_string(),
                ),
                f["status"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    (report, v, secs)
}

/// Differences between a clean and a faulty run that are not honest `unknown`s.
fn dishonest(clean: &Verdicts, faulty: &Verdicts) -> Vec<String> {
    let mut bad = Vec::new();
    for (k, was) in clean {
        match faulty.get(k) {
            Some(now) if now == was || now == "unknown" => {}
            Some(now) => bad.push(format!("{k:?}: {was} became {now}")),
            None => {
                // A finding may only disappear into an `unknown` about the same check and
                // account (the Region or the whole account could not be read).
                let covered = faulty.iter().any(|(f, s)| {
                    s == "unknown" && f.0 == k.0 && f.1 == k.1 && (f.2 == k.2 || f.2 == "-")
                });
                if was != "unknown" && !covered {
                    bad.push(format!("{k:?}: {was} vanished"));
                }
            }
        }
    }
    for (k, now) in faulty {
        if !clean.contains_key(k) && now != "unknown" {
            bad.push(format!("{k:?}: new {now}"));
        }
    }
    bad
}

#[test]
fn faults_change_nothing_but_the_time() {
    let proxy = start_proxy(&emu().endpoint);
    let (_, clean, clean_secs) = audit(&proxy);
    assert!(
        clean.values().any(|s| s == "fail"),
        "the clean run has failures"
    );

    // 20%: throttling, server errors and dropped connections; retries absorb them.
    post(
        &proxy.url,
        "/_faults/config",
        &json!({"rate": 0.2, "seed": 20, "kinds": ["throttle", "5xx", "drop"]}),
    );
    let (_, at20, secs20) = audit(&proxy);
    let diff: Vec<String> = clean
        .iter()
        .filter(|(k, v)| at20.get(*k) != Some(*v))
        .map(|(k, v)| format!("{k:?}: {v} -> {:?}", at20.get(k)))
        .chain(
            at20.keys()
                .filter(|k| !clean.contains_key(*k))
                .map(|k| format!("{k:?}: new")),
        )
        .collect();
    assert!(
        diff.is_empty(),
        "at 20% faults the findings differ from the clean run:\n{}",
        diff.join("\n")
    );

    // 40% (and 60%): some calls exhaust their retries; what they would have read becomes
    // unknown. Several seeds, since each one starves different calls (the seeds below
    // each made a verdict vanish or flip before it was fixed).
    let mut secs40 = 0.0;
    for (rate, seed) in [(0.4, 40), (0.4, 46), (0.4, 72), (0.6, 83)] {
        post(
            &proxy.url,
            "/_faults/config",
            &json!({"rate": rate, "seed": seed, "kinds": ["throttle", "5xx", "drop"]}),
        );
        // The same faults as a fresh proxy with this seed would inject.
        post(&proxy.url, "/_faults/reset", &json!({}));
        let (report, faulty, secs) = audit(&proxy);
        if seed == 40 {
            secs40 = secs;
        }
        let bad = dishonest(&clean, &faulty);
        assert!(
            bad.is_empty(),
            "at {rate} faults (seed {seed}), verdicts changed other than to unknown:\n{}",
            bad.join("\n")
        );
        if faulty != clean {
            assert!(
                !report["gaps"].as_array().unwrap().is_empty(),
                "unknowns under faults come with recorded gaps"
            );
        }
    }
    eprintln!(
        "fault injection: clean {clean_secs:.1} s, 20% {secs20:.1} s ({:.1}x), 40% {secs40:.1} s ({:.1}x)",
        secs20 / clean_secs,
        secs40 / clean_secs
    );
}

/// One Organizations read failing every time (a policy's document or its attachments)
/// makes the SCP-based verdicts unknown, never PASS.
#[test]
fn an_unreadable_scp_never_passes() {
    let proxy = start_proxy(&emu().endpoint);
    let (_, clean, _) = audit(&proxy);
    for op in [
        "organizations:DescribePolicy",
        "organizations:ListTargetsForPolicy",
    ] {
        post(
            &proxy.url,
            "/_faults/config",
            &json!({"rate": 0.0, "fail": [op]}),
        );
        let (_, faulty, _) = audit(&proxy);
        let bad = dishonest(&clean, &faulty);
        assert!(bad.is_empty(), "{op} failing:\n{}", bad.join("\n"));
        assert!(
            faulty
                .iter()
                .any(|(k, s)| k.0 == "CRI-001" && s == "unknown"),
            "{op} failing leaves CRI-001 unknown"
        );
    }
}

fn get(url: &str, path: &str) -> Value {
    let hostport = url.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(hostport).expect("connect to the proxy");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {hostport}\r\nConnection: close\r\n\r\n"
    )
    .expect("send to the proxy");
    let mut answer = String::new();
    s.read_to_string(&mut answer)
        .expect("read the proxy's answer");
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {answer}"))
}

/// Attempts per call follow AWS_MAX_ATTEMPTS as in every AWS tool, and --max-attempts wins.
#[test]
fn attempts_follow_aws_max_attempts_and_the_flag_wins() {
    let proxy = start_proxy(&emu().endpoint);
    for (env, flag, want) in [("2", None, 2), ("2", Some("4"), 4), ("1", None, 1)] {
        post(
            &proxy.url,
            "/_faults/config",
            &json!({"rate": 0.0, "fail": ["kms:ListKeys"]}),
        );
        post(&proxy.url, "/_faults/reset", &json!({}));
        let mut c = perimeter_at(&proxy.url);
        c.env("AWS_MAX_ATTEMPTS", env).args([
            "audit",
            "--quiet",
            "--regions",
            "us-east-1",
            "--format",
            "json",
        ]);
        if let Some(f) = flag {
            c.args(["--max-attempts", f]);
        }
        let o = run(c);
        assert!(
            matches!(o.status.code(), Some(0 | 1)),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let stats = get(&proxy.url, "/_faults/stats");
        let n = stats["by_operation"]["kms:ListKeys"]["requests"]
            .as_u64()
            .unwrap_or(0);
        assert_eq!(
            n, want,
            "AWS_MAX_ATTEMPTS={env} --max-attempts {flag:?}: {stats}"
        );
        let report = stdout_json(&o);
        assert!(
            report["gaps"]
                .as_array()
                .unwrap()
                .iter()
                .any(|g| g["operation"] == "ListKeys"),
            "the failing call is a gap"
        );
    }
}
