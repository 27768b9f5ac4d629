//! GRD-007: only the mutable DRAFT of a guardrail exists, or enforcement points at a
//! DRAFT (an account-level enforced configuration without a numeric version, or a
//! `bedrock:GuardrailIdentifier` condition whose guardrail ARN has no `:<version>`).
//!
//! Reading which guardrail a condition names is a question about the policy's text, not
//! about access, so it reads the parsed conditions directly.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{guardrail_ref, no_detail_draft, region_guardrails, unlisted_draft};
use crate::checks::Subject;
use crate::checks::context::{AccountView, NamedPolicy};
use crate::checks::{Check, Draft, EvalContext};
use crate::model::Guardrail;

#[derive(Debug)]
pub struct GuardrailUnversioned;

/// The guardrail id a reference names and whether it names the DRAFT; `None` when the
/// reference is a pattern (wildcards) that names no particular guardrail.
pub fn parse_ref(r: &str) -> Option<(String, bool)> {
    let rest = match r.split_once("guardrail/") {
        Some((_, rest)) => rest,
        None if !r.starts_with("arn:") => r,
        None => return None,
    };
    let (gid, version) = match rest.split_once(':') {
        Some((g, v)) => (g, Some(v)),
        None => (rest, None),
    };
    if gid.is_empty() || gid.contains(['*', '?']) {
        return None;
    }
    let draft = match version {
        None => true,
        Some(v) => v.eq_ignore_ascii_case("DRAFT"),
    };
    Some((gid.to_string(), draft))
}

/// One place that points at a guardrail's DRAFT.
struct DraftRef {
    target: String,
    guardrail_id: String,
    evidence: Value,
}

fn policy_refs(
    label_prefix: &str,
    n: &NamedPolicy,
    out: &mut Vec<DraftRef>,
    seen: &mut std::collections::BTreeSet<String>,
) {
    for (i, s) in n.policy.statements().iter().enumerate() {
        for c in &s.condition {
            if !c.key.eq_ignore_ascii_case("bedrock:GuardrailIdentifier") {
                continue;
            }
            for v in &c.values {
                let Some((gid, true)) = parse_ref(&v.raw) else {
                    continue;
                };
                let key = format!("{}#{i}#{}", n.label, v.raw);
                if !seen.insert(key) {
                    continue;
                }
                out.push(DraftRef {
                    target: v.raw.clone(),
                    guardrail_id: gid,
                    evidence: json!({
                        "source": label_prefix,
                        "policy": n.label,
                        "statement": i,
                        "sid": s.sid,
                        "operator": c.operator.name(),
                        "value": v.raw,
                    }),
                });
            }
        }
    }
}

fn draft_refs(acct: &AccountView<'_>) -> Vec<DraftRef> {
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (region, data) in &acct.account.regions {
        let Some(b) = &data.bedrock else { continue };
        for e in b.enforced_guardrails.iter().flatten() {
            let versioned = e
                .version
                .as_deref()
                .is_some_and(|v| !v.is_empty() && !v.eq_ignore_ascii_case("DRAFT"));
            if versioned {
                continue;
            }
            if let Some((gid, draft)) = parse_ref(&e.guardrail_identifier)
                && draft
            {
                out.push(DraftRef {
                    target: e.guardrail_identifier.clone(),
                    guardrail_id: gid,
                    evidence: json!({
                        "source": "account-level enforced guardrail configuration",
                        "region": region,
                        "guardrail_identifier": e.guardrail_identifier,
                        "version": e.version,
                    }),
                });
            }
        }
    }
    for p in &acct.principals {
        for n in p.identity.iter().chain(p.boundary.iter().flatten()) {
            policy_refs("identity policy", n, &mut out, &mut seen);
        }
    }
    for level in acct.scps.iter().flatten() {
        for n in level {
            policy_refs("service control policy", n, &mut out, &mut seen);
        }
    }
    out
}

impl Check for GuardrailUnversioned {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            let mut refs = draft_refs(acct);
            let mut all: Vec<(&str, &Guardrail)> = Vec::new();
            for (region, data) in &acct.account.regions {
                match region_guardrails(data) {
                    None => {
                        if acct.is_active(region) {
                            out.push(unlisted_draft(
                                cx,
                                acct,
                                region,
                                "whether its guardrails are versioned",
                            ));
                        }
                    }
                    Some(list) => all.extend(list.into_iter().map(|g| (region.as_str(), g))),
                }
            }
            for &(region, g) in &all {
                let at = Subject::new(id, Some(region), &g.arn);
                let pointing: Vec<Value> = refs
                    .iter()
                    .filter(|r| r.guardrail_id == g.id || r.target == g.arn)
                    .map(|r| r.evidence.clone())
                    .collect();
                refs.retain(|r| !(r.guardrail_id == g.id || r.target == g.arn));
                if (!g.detail_collected || g.versions_unread)
                    && g.versions.is_empty()
                    && pointing.is_empty()
                {
                    out.push(no_detail_draft(
                        cx,
                        acct,
                        region,
                        g,
                        "whether it has a published version",
                    ));
                    continue;
                }
                let mut problems = Vec::new();
                if g.versions.is_empty() {
                    problems.push(
                        "has no published version (only the mutable DRAFT exists)".to_string(),
                    );
                }
                if !pointing.is_empty() {
                    problems.push(format!(
                        "is enforced through its DRAFT in {} place(s)",
                        pointing.len()
                    ));
                }
                let ev = json!({"guardrail": guardrail_ref(g), "draft_references": pointing});
                let d = if problems.is_empty() {
                    at.pass(format!(
                        "Guardrail {} has published version(s) {} and nothing enforces its DRAFT.",
                        g.name,
                        g.versions.join(", ")
                    ))
                } else {
                    at.fail(format!("Guardrail {} {}.", g.name, problems.join(" and ")))
                };
                out.push(d.evidence(ev));
            }
            // References to guardrails this snapshot does not hold.
            let mut by_target: BTreeMap<String, Vec<Value>> = BTreeMap::new();
            for r in refs {
                by_target.entry(r.target).or_default().push(r.evidence);
            }
            for (target, evs) in by_target {
                let resource = if target.starts_with("arn:") {
                    target.clone()
                } else {
                    acct.root_arn()
                };
                let region = target
                    .split(':')
                    .nth(3)
                    .filter(|r| !r.is_empty())
                    .map(str::to_string);
                out.push(
                    Subject::new(id, region.as_deref(), resource).fail(format!(
                            "Guardrail enforcement in account {id} points at the mutable DRAFT of {target}."
                        ))
                    .evidence(json!({"guardrail_identifier": target, "draft_references": evs})),
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::parse_ref;
    use crate::checks::Status;
    use crate::checks::logging::fixtures::*;
    use crate::checks::testutil::*;
    use crate::model::{EnforcedGuardrail, Iam, InlinePolicy, Role};
    use serde_json::json;

    const GARN: &str = "arn:aws:bedrock:us-east-1:111122223333:guardrail/g1";

    #[test]
    fn refs_are_parsed() {
        assert_eq!(parse_ref(GARN), Some(("g1".into(), true)));
        assert_eq!(parse_ref(&format!("{GARN}:3")), Some(("g1".into(), false)));
        assert_eq!(parse_ref("g1"), Some(("g1".into(), true)));
        assert_eq!(parse_ref("arn:aws:bedrock:*:*:guardrail/*"), None);
    }

    fn snap(versions: &[&str]) -> crate::model::Snapshot {
        let mut a = account(ACCOUNT);
        let mut g = guardrail(ACCOUNT, REGION, "g1");
        g.versions = versions.iter().map(|s| s.to_string()).collect();
        bedrock(&mut a, REGION).guardrails = Some(vec![g]);
        snapshot(vec![a])
    }

    #[test]
    fn versioned_guardrail_passes() {
        let f = run("GRD-007", &snap(&["1", "2"]));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Pass);
        assert_eq!(f[0].resource, GARN);
    }

    #[test]
    fn draft_only_fails() {
        let f = run("GRD-007", &snap(&[]));
        assert_eq!(f[0].status, Status::Fail);
        assert!(f[0].message.contains("only the mutable DRAFT"));
    }

    #[test]
    fn enforcement_at_draft_fails() {
        let mut s = snap(&["1"]);
        let b = bedrock(&mut s.accounts[0], REGION);
        b.enforced_guardrails = Some(vec![EnforcedGuardrail {
            guardrail_identifier: GARN.into(),
            version: None,
            ..EnforcedGuardrail::default()
        }]);
        let f = run("GRD-007", &s);
        assert_eq!(f[0].status, Status::Fail);
        assert_eq!(
            f[0].evidence.value()["draft_references"][0]["source"],
            "account-level enforced guardrail configuration"
        );
    }

    #[test]
    fn iam_condition_at_draft_fails() {
        let mut s = snap(&["1"]);
        s.accounts[0].iam = Some(Iam {
            roles: vec![Role {
                arn: format!("arn:aws:iam::{ACCOUNT}:role/app"),
                name: "app".into(),
                path: "/".into(),
                trust_policy: json!({}).into(),
                inline_policies: vec![InlinePolicy {
                    name: "invoke".into(),
                    document: json!({"Version": "2012-10-17", "Statement": [{
                        "Sid": "InvokeWithGuardrail",
                        "Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "*",
                        "Condition": {"StringEquals": {"bedrock:GuardrailIdentifier": GARN}}
                    }]})
                    .into(),
                }],
                ..Default::default()
            }],
            ..Default::default()
        });
        let f = run("GRD-007", &s);
        assert_eq!(f[0].status, Status::Fail);
        assert_eq!(
            f[0].evidence.value()["draft_references"][0]["sid"],
            "InvokeWithGuardrail"
        );
    }
}
