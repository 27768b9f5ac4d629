//! The residency section: per account with a residency requirement, where its Bedrock
//! calls were served, from the RES-001 findings' evidence (so any report, and `perimeter
//! residency`, renders the same), and what event history cannot show.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::checks::{Finding, Status};

/// One account's residency evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResidencyAccount {
    pub account: String,
    #[serde(default)]
    pub name: Option<String>,
    pub geography: String,
    /// Where the requirement comes from.
    pub requirement_source: String,
    /// `outside` (a call was served outside), `inside` (every Region read whole and
    /// inside) or `undecided`.
    pub verdict: String,
    /// Per Region: the RES-001 evidence (calls, serving Regions, the calls served outside).
    pub regions: Vec<Value>,
    /// Profiles named by calls that route outside the geography (RES-002).
    #[serde(default)]
    pub profiles_outside: Vec<String>,
    /// Trails that deliver to S3, where data events could be read.
    #[serde(default)]
    pub trail_buckets: Vec<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResidencySection {
    /// What event history can and cannot show.
    pub limits: Value,
    /// How the trail's S3 objects would be used, and what that costs.
    pub s3_note: String,
    pub accounts: Vec<ResidencyAccount>,
}

/// What reading a trail's objects would take (stated, not done).
pub const S3_NOTE: &str = "perimeter reads event history only. A trail's S3 objects (gzip JSON, one file per account and Region about every 5 minutes) hold the same management events beyond 90 days, and Bedrock data events (agents, knowledge bases, flows, guardrails) where the trail's selectors record them. Reading them needs s3:GetObject (and kms:Decrypt for SSE-KMS) on the bucket; a year of one Region is about 105,000 objects, about USD 0.04 in GET requests at USD 0.0004 per 1,000 plus transfer; Athena or CloudTrail Lake query them in place. perimeter does not read them.";

/// The section, when any finding is RES-001 evidence.
pub fn section(findings: &[Finding]) -> Option<ResidencySection> {
    let mut by_account: BTreeMap<&str, ResidencyAccount> = BTreeMap::new();
    let mut limits = Value::Null;
    for f in findings.iter().filter(|f| f.check == "RES-001") {
        // An undecided finding wraps what was read under "evidence".
        let full = f.evidence.value();
        let ev = full.get("evidence").unwrap_or(&full);
        let Some(res) = ev.get("residency") else {
            continue;
        };
        if limits.is_null() {
            limits = ev["limits"].clone();
        }
        let a = by_account
            .entry(&f.account)
            .or_insert_with(|| ResidencyAccount {
                account: f.account.clone(),
                name: ev["account_name"].as_str().map(str::to_string),
                geography: res["geography"].as_str().unwrap_or_default().to_string(),
                requirement_source: res["source"].as_str().unwrap_or_default().to_string(),
                verdict: String::new(),
                regions: Vec::new(),
                profiles_outside: Vec::new(),
                trail_buckets: ev["trail_buckets"].as_array().cloned().unwrap_or_default(),
            });
        let mut r = ev.clone();
        if let Some(o) = r.as_object_mut() {
            for k in ["limits", "residency", "account_name", "trail_buckets"] {
                o.remove(k);
            }
            o.insert("status".into(), Value::String(f.status.as_str().into()));
            o.insert("finding".into(), Value::String(f.id.clone()));
        }
        a.regions.push(r);
    }
    if by_account.is_empty() {
        return None;
    }
    for f in findings
        .iter()
        .filter(|f| f.check == "RES-002" && f.status == Status::Fail)
    {
        if let Some(a) = by_account.get_mut(f.account.as_str())
            && !a.profiles_outside.contains(&f.resource)
        {
            a.profiles_outside.push(f.resource.clone());
        }
    }
    for a in by_account.values_mut() {
        let st = |s: &str| a.regions.iter().filter(|r| r["status"] == s).count();
        a.verdict = if st("fail") > 0 {
            "outside"
        } else if st("pass") == a.regions.len() {
            "inside"
        } else {
            "undecided"
        }
        .into();
    }
    Some(ResidencySection {
        limits,
        s3_note: S3_NOTE.into(),
        accounts: by_account.into_values().collect(),
    })
}

/// The section as text (terminal-safe: every value from AWS is escaped).
pub fn text(s: &ResidencySection) -> String {
    let safe = super::table::term_safe;
    let v = |x: &Value| safe(x.as_str().unwrap_or("-"));
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Residency evidence: where Bedrock calls were served (CloudTrail event history)"
    );
    let _ = writeln!(out, "  shows:    {}", v(&s.limits["visible"]));
    let hidden: Vec<String> = s.limits["not_visible"]
        .as_array()
        .into_iter()
        .flatten()
        .map(&v)
        .collect();
    let _ = writeln!(
        out,
        "  hides:    {} ({})",
        hidden.join(", "),
        v(&s.limits["not_visible_why"])
    );
    let _ = writeln!(out, "  never:    {}", v(&s.limits["never_logged"]));
    let _ = writeln!(out, "  window:   {}", v(&s.limits["window"]));
    for a in &s.accounts {
        let _ = writeln!(
            out,
            "\n  {}{} must keep inference in {} ({}): {}",
            safe(&a.account),
            a.name
                .as_deref()
                .map(|n| format!(" {}", safe(n)))
                .unwrap_or_default(),
            safe(&a.geography),
            safe(&a.requirement_source),
            match a.verdict.as_str() {
                "outside" => "CALLS SERVED OUTSIDE".to_string(),
                "inside" => "every call read stayed inside".to_string(),
                _ => "not decided (see each Region)".to_string(),
            }
        );
        for r in &a.regions {
            let served: Vec<String> = r["served_in"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, n)| format!("{} ×{}", safe(k), n))
                .collect();
            let window = if r["read"] == false {
                "not read".to_string()
            } else if r["capped"] == true {
                format!("{} d, cut short", r["days"])
            } else {
                format!("{} d", r["days"])
            };
            let _ = writeln!(
                out,
                "    {:<16} {:<16} {:>4} call(s)  served in: {}  → {}{}",
                v(&r["region"]),
                window,
                r["invocations"].as_u64().unwrap_or(0),
                if served.is_empty() {
                    "-".to_string()
                } else {
                    served.join(", ")
                },
                if r["verdict"] == "inside" && r["invocations"] == 0 {
                    "no call seen".to_string()
                } else {
                    v(&r["verdict"])
                },
                r["invisible_callers"]
                    .as_array()
                    .filter(|c| !c.is_empty())
                    .map(|c| format!(
                        " (not visible: {})",
                        c.iter().map(&v).collect::<Vec<_>>().join(", ")
                    ))
                    .unwrap_or_default()
            );
            for e in r["outside_events"].as_array().into_iter().flatten() {
                let _ = writeln!(
                    out,
                    "      {} {} {} by {} model {} : {} → {}",
                    v(&e["event_time"]),
                    v(&e["event_id"]),
                    v(&e["event_name"]),
                    v(&e["principal"]),
                    v(&e["model_id"]),
                    v(&e["aws_region"]),
                    v(&e["inference_region"]),
                );
            }
            let more = r["outside_count"].as_u64().unwrap_or(0) as usize;
            let shown = r["outside_events"].as_array().map_or(0, Vec::len);
            if more > shown {
                let _ = writeln!(out, "      … {} more in the JSON report", more - shown);
            }
        }
        for p in &a.profiles_outside {
            let _ = writeln!(
                out,
                "    profile routing outside {}: {}",
                safe(&a.geography),
                safe(p)
            );
        }
        for t in &a.trail_buckets {
            let _ = writeln!(
                out,
                "    trail {} delivers to s3://{} (Bedrock data events recorded: {})",
                v(&t["trail"]),
                v(&t["bucket"]),
                match t["bedrock_data_event_types"].as_array() {
                    Some(x) if x.is_empty() => "none".to_string(),
                    Some(x) => x.iter().map(&v).collect::<Vec<_>>().join(", "),
                    None => "unknown".to_string(),
                }
            );
        }
    }
    let _ = writeln!(out, "\n  {}", S3_NOTE);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{Control, Severity};
    use serde_json::json;

    #[test]
    fn hostile_strings_in_events_never_reach_the_terminal() {
        let bad = "m\u{1b}[31mx\u{202e}";
        let f = Finding {
            id: "1".into(),
            check: "RES-001".into(),
            slug: "inference-served-outside-geography".into(),
            control: Control::Residency,
            status: Status::Fail,
            severity: Severity::High,
            account: "111122223333".into(),
            region: Some("eu-west-1".into()),
            resource: "arn:aws:iam::111122223333:root".into(),
            message: "m".into(),
            evidence: json!({
                "residency": {"geography": "eu", "source": "account tag data-residency"},
                "account_name": bad,
                "region": "eu-west-1", "read": true, "capped": false, "days": 90, "invocations": 1,
                "served_in": {bad: 1}, "outside_count": 1, "verdict": "outside",
                "outside_events": [{"event_time": "t", "event_id": bad, "event_name": "InvokeModel",
                    "principal": bad, "model_id": bad, "aws_region": "eu-west-1", "inference_region": bad}],
                "invisible_callers": [],
            })
            .into(),
            mute: None,
        };
        let s = section(&[f]).unwrap();
        assert_eq!(s.accounts[0].verdict, "outside");
        let out = text(&s);
        assert!(
            !out.chars()
                .any(|c| (c.is_control() && c != '\n') || c == '\u{202e}'),
            "{out:?}"
        );
        assert!(out.contains("CALLS SERVED OUTSIDE"));
    }

    #[test]
    fn no_residency_finding_no_section() {
        assert!(section(&[]).is_none());
    }
}
