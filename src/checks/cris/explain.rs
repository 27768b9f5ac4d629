//! `perimeter cris explain`: for one account (and optionally one profile), each
//! inference profile it can use, each destination Region, and the SCP chain's decision
//! there with the deciding SCP, OU and statement.

use serde_json::{Value, json};

use super::geographies::TABLE_DATE;
use super::{
    Geographies, Hop, destinations, fix_for, residency, scp_hops, scp_levels, usable_profiles,
};
use crate::checks::EvalContext;
use crate::checks::iam::is_management;
use crate::config::Config;
use crate::model::Snapshot;

/// The structured explanation. `profile` matches a profile id or ARN (case-insensitive).
/// Errors are one sentence naming what was not found.
pub fn explain(
    snapshot: &Snapshot,
    config: &Config,
    account: &str,
    profile: Option<&str>,
) -> Result<Value, String> {
    let cx = EvalContext::new(snapshot, config);
    let acct = cx.account(account).ok_or_else(|| {
        let known: Vec<&str> = snapshot.accounts.iter().map(|a| a.id.as_str()).collect();
        format!(
            "account {account} is not in the snapshot (accounts: {})",
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        )
    })?;
    let geos = Geographies::new(config);
    let mut profiles = usable_profiles(&cx, acct);
    if let Some(want) = profile {
        profiles.retain(|p| p.id.eq_ignore_ascii_case(want) || p.arn.eq_ignore_ascii_case(want));
        if profiles.is_empty() {
            let all: Vec<String> = usable_profiles(&cx, acct)
                .into_iter()
                .map(|p| p.id)
                .collect();
            return Err(format!(
                "account {account} cannot use inference profile {want}: it is neither listed in the snapshot nor named in the account's policies (known profiles: {})",
                if all.is_empty() {
                    "none".to_string()
                } else {
                    all.join(", ")
                }
            ));
        }
    }
    let management = is_management(&cx, account);
    let levels = scp_levels(&cx, acct);
    let chain = match (&levels, management, acct.scps_known) {
        (Some(_), _, _) => "evaluated",
        (None, true, _) => "management account: SCPs do not apply",
        (None, false, true) => "not governed by SCPs",
        (None, false, false) => "unknown: the SCP chain could not be read",
    };
    let scp_chain: Vec<Value> = acct
        .account
        .scps
        .as_ref()
        .map(|ls| {
            ls.iter()
                .enumerate()
                .map(|(i, l)| {
                    json!({
                        "level": i,
                        "kind": l.kind,
                        "target_id": l.target_id,
                        "target_name": l.target_name,
                        "policies": l.policies.iter().map(|p| json!({"id": p.id, "name": p.name})).collect::<Vec<_>>(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let mut out_profiles = Vec::new();
    for p in &profiles {
        let dests = destinations(&geos, p);
        let (status, hops_json, fix) = match &levels {
            Some(levels) => {
                let hops = scp_hops(&cx, acct, levels, p, None);
                let blocked: Vec<&Hop> = hops.iter().filter(|h| h.verdict.denied).collect();
                let fix = (!blocked.is_empty()).then(|| fix_for(&blocked, p.is_global()));
                (
                    if blocked.is_empty() { "allowed" } else { "blocked" },
                    hops.iter().map(Hop::to_json).collect::<Vec<_>>(),
                    fix,
                )
            }
            None => (
                if management || acct.scps_known { "allowed" } else { "unknown" },
                dests
                    .iter()
                    .map(|d| json!({"region": d.region, "sources": d.sources, "decision": null, "denied": null, "blocked_by": null, "reasons": []}))
                    .collect(),
                None,
            ),
        };
        out_profiles.push(json!({
            "id": p.id,
            "arn": p.arn,
            "kind": p.kind,
            "geography": p.geography,
            "source_region": p.source_region,
            "model_id": p.model_id(),
            "origin": p.origin,
            "status": status,
            "destinations": hops_json,
            "fix": fix,
        }));
    }
    Ok(json!({
        "account": account,
        "ou_path": acct.account.ou_path.iter().map(|o| json!({"id": o.id, "name": o.name})).collect::<Vec<_>>(),
        "management_account": management,
        "scp_chain_status": chain,
        "scp_chain": scp_chain,
        "residency": residency(&cx, acct).map(|(g, s)| json!({"geography": g, "source": s})),
        "geography_table": {"as_of": TABLE_DATE, "overridden": geos.overridden},
        "action": "bedrock:InvokeModel",
        "profiles": out_profiles,
    }))
}

/// Plain-text rendering of [`explain`]'s value, for the terminal.
pub fn explain_text(v: &Value) -> String {
    let s = |x: &Value| x.as_str().unwrap_or("").to_string();
    let mut out = String::new();
    out.push_str(&format!("Account {}\n", s(&v["account"])));
    if let Some(path) = v["ou_path"].as_array()
        && !path.is_empty()
    {
        let names: Vec<String> = path
            .iter()
            .map(|o| format!("{} ({})", s(&o["name"]), s(&o["id"])))
            .collect();
        out.push_str(&format!("  OU path: {}\n", names.join(" > ")));
    }
    out.push_str(&format!("  SCP chain: {}\n", s(&v["scp_chain_status"])));
    if let Some(levels) = v["scp_chain"].as_array() {
        for l in levels {
            let pols: Vec<String> = l["policies"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .map(|p| format!("{} ({})", s(&p["name"]), s(&p["id"])))
                        .collect()
                })
                .unwrap_or_default();
            out.push_str(&format!(
                "    level {} {} {} ({}): {}\n",
                l["level"],
                s(&l["kind"]),
                s(&l["target_name"]),
                s(&l["target_id"]),
                pols.join(", ")
            ));
        }
    }
    if v["residency"].is_object() {
        out.push_str(&format!(
            "  Residency: {} (from {})\n",
            s(&v["residency"]["geography"]),
            s(&v["residency"]["source"])
        ));
    }
    out.push_str(&format!(
        "  Geography table as of {}\n",
        s(&v["geography_table"]["as_of"])
    ));
    let profiles = v["profiles"].as_array().cloned().unwrap_or_default();
    if profiles.is_empty() {
        out.push_str("\n  No inference profile is listed for or named by this account.\n");
    }
    for p in &profiles {
        out.push_str(&format!(
            "\nProfile {} [{}]\n  ARN: {}\n  Model: {}\n  Usable because: {}\n",
            s(&p["id"]),
            s(&p["status"]).to_uppercase(),
            s(&p["arn"]),
            p["model_id"].as_str().unwrap_or("(unknown)"),
            p["origin"]
                .as_array()
                .map(|o| o.iter().map(&s).collect::<Vec<_>>().join("; "))
                .unwrap_or_default()
        ));
        for d in p["destinations"].as_array().cloned().unwrap_or_default() {
            let decision = d["decision"].as_str().unwrap_or("not evaluated");
            let mark = match d["denied"].as_bool() {
                Some(true) => "DENIED ",
                Some(false) => "allowed",
                None => "?      ",
            };
            out.push_str(&format!("  {mark} {:<16} {decision}", s(&d["region"])));
            let b = &d["blocked_by"];
            if b.is_object() {
                let st = match (b["statement"].as_u64(), b["sid"].as_str()) {
                    (Some(i), Some(sid)) => format!("statement {i} (Sid {sid})"),
                    (Some(i), None) => format!("statement {i}"),
                    _ => "no statement allows it".to_string(),
                };
                out.push_str(&format!(
                    " by SCP {} ({}) at {} {} ({}), {st}{}",
                    s(&b["scp_name"]),
                    s(&b["scp_id"]),
                    s(&b["target_kind"]),
                    s(&b["target_name"]),
                    s(&b["target_id"]),
                    if b["control_tower_managed"] == true {
                        " [AWS Control Tower]"
                    } else {
                        ""
                    }
                ));
            }
            if let Some(src) = d["sources"].as_array()
                && !src.is_empty()
            {
                out.push_str(&format!(
                    "  [from: {}]",
                    src.iter().map(&s).collect::<Vec<_>>().join("; ")
                ));
            }
            out.push('\n');
        }
        if let Some(fix) = p["fix"].as_str() {
            out.push_str(&format!("  Fix: {fix}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::cris::testkit::*;
    use crate::checks::testutil::*;

    #[test]
    fn explains_blocked_destination_with_deciding_scp() {
        let mut a = with_profiles(
            with_roles(vec![]),
            "us-east-1",
            vec![us_profile(), global_profile()],
        );
        a.ou_path = vec![crate::model::OuRef {
            id: "ou-work-1".into(),
            name: "Workloads".into(),
        }];
        a.scps = Some(scp_chain(vec![(
            "p-ct1",
            "aws-guardrails-RegionDeny",
            region_deny("GRREGIONDENY", &["us-east-1", "us-west-2"]),
        )]));
        let snap = snapshot(vec![a]);
        let cfg = Config::default();
        let v = explain(&snap, &cfg, ACCOUNT, Some(&format!("us.{HAIKU}"))).unwrap();
        assert_eq!(v["profiles"].as_array().unwrap().len(), 1);
        let p = &v["profiles"][0];
        assert_eq!(p["status"], "blocked");
        let east2 = p["destinations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["region"] == "us-east-2")
            .unwrap();
        assert_eq!(east2["denied"], true);
        assert_eq!(east2["blocked_by"]["scp_id"], "p-ct1");
        assert_eq!(east2["blocked_by"]["target_name"], "Workloads");
        assert_eq!(east2["blocked_by"]["sid"], "GRREGIONDENY");
        let west2 = p["destinations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["region"] == "us-west-2")
            .unwrap();
        assert_eq!(west2["denied"], false);

        let text = explain_text(&v);
        assert!(text.contains("DENIED  us-east-2"), "{text}");
        assert!(text.contains("aws-guardrails-RegionDeny (p-ct1) at ou Workloads (ou-work-1), statement 0 (Sid GRREGIONDENY)"), "{text}");
        assert!(text.contains("[AWS Control Tower]"), "{text}");
        assert!(text.contains("Fix:"), "{text}");

        let all = explain(&snap, &cfg, ACCOUNT, None).unwrap();
        assert_eq!(all["profiles"].as_array().unwrap().len(), 2);
        let g = all["profiles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"].as_str().unwrap().starts_with("global."))
            .unwrap();
        assert!(
            g["destinations"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["region"] == "unspecified" && d["denied"] == true)
        );

        assert!(
            explain(&snap, &cfg, "999999999999", None)
                .unwrap_err()
                .contains("not in the snapshot")
        );
        assert!(
            explain(&snap, &cfg, ACCOUNT, Some("eu.nothing"))
                .unwrap_err()
                .contains("eu.nothing")
        );
    }
}
