//! CRI-001 scp-blocks-cris: the SCP chain denies a destination Region of an inference
//! profile the account can use.

use serde_json::{Value, json};

use super::{Hop, UsableProfile, fix_for, scp_hops, scp_levels, usable_profiles};
use crate::checks::Subject;
use crate::checks::context::AccountView;
use crate::checks::iam::is_management;
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct ScpBlocksCris;

/// Workload principals whose own policies let them invoke the profile (in its source
/// Region), open-world.
pub fn profile_invokers<'a>(
    cx: &EvalContext<'_>,
    acct: &'a AccountView<'_>,
    profile: &UsableProfile,
) -> Vec<&'a crate::checks::context::PrincipalView<'a>> {
    acct.principals
        .iter()
        .filter(|p| p.is_workload())
        .filter(|p| {
            let set = cx.policy_set(acct, p, false);
            crate::checks::iam::INVOKE_ACTIONS.iter().any(|a| {
                let req = cx.request(acct, p, a, &profile.arn, profile.source_region.as_deref());
                cx.decide_open(&set, &req).may_allow()
            })
        })
        .collect()
}

fn profile_json(p: &UsableProfile) -> Value {
    json!({
        "id": p.id,
        "arn": p.arn,
        "kind": p.kind,
        "geography": p.geography,
        "source_region": p.source_region,
        "model_id": p.model_id(),
        "origin": p.origin,
    })
}

/// Distinct blockers of the blocked hops, as evidence.
pub fn blockers_json(blocked: &[&Hop]) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for h in blocked {
        if let Some(b) = &h.blocker {
            let v = b.to_json();
            if !out.contains(&v) {
                out.push(v);
            }
        }
    }
    out
}

/// Profiles blocked by one SCP (at one level of the chain).
struct Group {
    key: (String, usize),
    blocker: super::Blocker,
    statements: Vec<Value>,
    regions: Vec<String>,
    /// Profiles some principal can use (the failure is real).
    used: Vec<Value>,
    /// Profiles no principal can use today.
    unused: Vec<Value>,
    hops: Vec<Hop>,
}

/// The SCP's ARN (the thing to fix).
fn scp_arn(cx: &EvalContext<'_>, scp_id: &str) -> String {
    match &cx.snapshot.organization {
        Some(o) => {
            let partition = crate::model::Arn::parse(&o.arn)
                .map(|a| a.partition)
                .unwrap_or_else(|_| "aws".into());
            if scp_id == "p-FullAWSAccess" {
                format!("arn:{partition}:organizations::aws:policy/service_control_policy/{scp_id}")
            } else {
                format!(
                    "arn:{partition}:organizations::{}:policy/{}/service_control_policy/{scp_id}",
                    o.management_account_id, o.id
                )
            }
        }
        None => format!("scp:{scp_id}"),
    }
}

impl Check for ScpBlocksCris {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            let root = acct.root_arn();
            let at = Subject::new(id, None, &root);
            for (region, data) in &acct.account.regions {
                if data
                    .bedrock
                    .as_ref()
                    .is_some_and(|b| b.inference_profiles.is_none())
                {
                    out.push(
                        Subject::new(id, Some(region), &root).unknown(format!("Account {id}: the inference profiles of {region} could not be listed, so CRIS profiles there were not checked."))
                        .evidence(cx.gap_evidence(id, Some(region), "bedrock")),
                    );
                }
            }
            let profiles = usable_profiles(cx, acct);
            if profiles.is_empty() {
                continue;
            }
            let ids: Vec<&str> = profiles.iter().map(|p| p.id.as_str()).collect();
            let Some(levels) = scp_levels(cx, acct) else {
                let (status_pass, why) = if is_management(cx, id) {
                    (true, "SCPs do not apply to the management account")
                } else if acct.scps_known {
                    (true, "the account is not governed by SCPs")
                } else {
                    (false, "the SCP chain could not be read")
                };
                let ev = json!({"profiles": ids, "note": why});
                out.push(if status_pass {
                    at.pass(format!(
                        "No SCP restricts the {} inference profile(s) account {id} can use: {why}.", profiles.len()))
                    .evidence(ev)
                } else {
                    let ev = cx.with_gaps(ev, id, None, "organizations");
                    at.unknown(format!(
                        "Whether an SCP blocks the {} inference profile(s) account {id} can use is unknown: {why}.", profiles.len()))
                    .evidence(ev)
                });
                continue;
            };
            // Blocked profiles grouped by the SCP that decides, so one finding names one fix.
            let mut groups: Vec<Group> = Vec::new();
            let mut clear: Vec<Value> = Vec::new();
            let mut exempted: Vec<Value> = Vec::new();
            for prof in &profiles {
                let region = prof.source_region.as_deref();
                let hops = scp_hops(cx, acct, &levels, prof, None);
                // A profile whose source Region the SCP chain itself denies is not usable
                // from there at all: that is an intended Region restriction, not the silent
                // cross-Region failure this check is about.
                if let Some(src) = region
                    && hops.iter().any(|h| h.region == src && h.verdict.denied)
                {
                    continue;
                }
                let blocked: Vec<&Hop> = hops.iter().filter(|h| h.verdict.denied).collect();
                if blocked.is_empty() {
                    clear.push(profile_json(prof));
                    continue;
                }
                // Principals an SCP exemption (e.g. an exempted role) lets through.
                let invokers = profile_invokers(cx, acct, prof);
                let mut exempt = Vec::new();
                let mut still_blocked = Vec::new();
                for p in &invokers {
                    let ph = scp_hops(cx, acct, &levels, prof, Some(p));
                    if ph.iter().any(|h| h.verdict.denied) {
                        still_blocked.push(p.arn.clone());
                    } else {
                        exempt.push(p.arn.clone());
                    }
                }
                let blocked_regions: Vec<String> =
                    blocked.iter().map(|h| h.region.clone()).collect();
                let entry = json!({
                    "profile": profile_json(prof),
                    "blocked_regions": blocked_regions,
                    "destinations": hops.iter().map(Hop::to_json).collect::<Vec<_>>(),
                    "invokers_blocked": still_blocked,
                    "invokers_exempted_by_scp": exempt,
                });
                if !invokers.is_empty() && still_blocked.is_empty() {
                    exempted.push(entry);
                    continue;
                }
                let Some(blocker) = blocked.iter().find_map(|h| h.blocker.clone()) else {
                    continue;
                };
                let key = (blocker.scp_id.clone(), blocker.level);
                let g = match groups.iter_mut().position(|g| g.key == key) {
                    Some(i) => &mut groups[i],
                    None => {
                        groups.push(Group {
                            key,
                            blocker: blocker.clone(),
                            statements: Vec::new(),
                            regions: Vec::new(),
                            used: Vec::new(),
                            unused: Vec::new(),
                            hops: Vec::new(),
                        });
                        let last = groups.len() - 1;
                        &mut groups[last]
                    }
                };
                for h in &blocked {
                    if let Some(b) = &h.blocker {
                        let st =
                            json!({"statement": b.statement, "sid": b.sid, "effect": b.effect});
                        if !g.statements.contains(&st) {
                            g.statements.push(st);
                        }
                    }
                    if !g.regions.contains(&h.region) {
                        g.regions.push(h.region.clone());
                    }
                }
                g.hops.extend(blocked.iter().copied().cloned());
                if still_blocked.is_empty() {
                    g.unused.push(entry);
                } else {
                    g.used.push(entry);
                }
            }
            for g in &mut groups {
                g.regions.sort();
                let hops: Vec<&Hop> = g.hops.iter().collect();
                let fix = fix_for(&hops, false);
                let resource = scp_arn(cx, &g.blocker.scp_id);
                let on_scp = Subject::new(id, None, &resource);
                let regs: Vec<String> = g.regions.iter().map(|r| super::hop_label(r)).collect();
                let evidence = json!({
                    "blocked_by": g.blocker.to_json(),
                    "statements": g.statements,
                    "blocked_regions": g.regions,
                    "affected_profiles": g.used,
                    "unused_profiles": g.unused,
                    "fix": fix,
                });
                let who = g.blocker.describe();
                if g.used.is_empty() {
                    out.push(
                        on_scp.fail(format!(
                            "{who} denies bedrock:InvokeModel in {} for {} inference profile(s) of account {id}; no principal can use them today, so nothing fails yet.",
                            regs.join(", "), g.unused.len()))
                        .evidence(evidence)
                        .severity(crate::checks::Severity::Info),
                    );
                } else {
                    out.push(
                        on_scp.fail(format!(
                            "{who} denies bedrock:InvokeModel in destination Region(s) {}, so {} inference profile(s) that principals of account {id} can use fail with AccessDenied.",
                            regs.join(", "), g.used.len()))
                        .evidence(evidence),
                    );
                }
            }
            if groups.is_empty() {
                out.push(
                    at.pass(format!(
                        "The SCP chain of account {id} lets every usable inference profile ({}) reach all of its destination Regions{}.",
                        clear.len() + exempted.len(),
                        if exempted.is_empty() { "" } else { " (for some, only through an SCP exemption that covers every principal using them)" }))
                    .evidence(json!({"profiles": clear, "exempted": exempted})),
                );
            }
        }
        out
    }
}
