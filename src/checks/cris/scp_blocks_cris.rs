//! CRI-001 scp-blocks-cris: the SCP chain denies a destination Region of an inference
//! profile the account can use.

use serde_json::{Value, json};

use super::{Hop, UsableProfile, fix_for, scp_hops, scp_levels, usable_profiles};
use crate::checks::context::AccountView;
use crate::checks::iam::is_management;
use crate::checks::iam::root_arn;
use crate::checks::{Check, Draft, EvalContext};

pub struct ScpBlocksCris;

/// Workload principals whose own policies let them invoke the profile (in its source
/// Region), open-world.
pub fn profile_invokers<'a>(
    cx: &EvalContext<'_>,
    acct: &'a AccountView<'_>,
    profile: &UsableProfile,
) -> Vec<&'a crate::checks::context::PrincipalView> {
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

impl Check for ScpBlocksCris {
    fn code(&self) -> &'static str {
        "CRI-001"
    }
    fn metadata_source(&self) -> &'static str {
        include_str!("../../../checks/cris/CRI-001.toml")
    }
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            for (region, data) in &acct.account.regions {
                if data
                    .bedrock
                    .as_ref()
                    .is_some_and(|b| b.inference_profiles.is_none())
                {
                    out.push(
                        Draft::unknown(
                            id,
                            Some(region),
                            root_arn(acct),
                            format!("Account {id}: the inference profiles of {region} could not be listed, so CRIS profiles there were not checked."),
                        )
                        .evidence(cx.gap_evidence(id, Some(region), "bedrock")),
                    );
                }
            }
            let profiles = usable_profiles(cx, acct);
            let levels = scp_levels(cx, acct);
            for prof in &profiles {
                let region = prof.source_region.as_deref();
                let base = json!({"profile": profile_json(prof)});
                let with = |extra: Value| {
                    let mut e = base.clone();
                    if let (Some(m), Some(x)) = (e.as_object_mut(), extra.as_object()) {
                        m.extend(x.clone());
                    }
                    e
                };
                let Some(levels) = &levels else {
                    if is_management(cx, id) {
                        out.push(
                            Draft::pass(id, region, &prof.arn, format!(
                                "Inference profile {} is not restricted by SCPs in account {id}: SCPs do not apply to the management account.", prof.id))
                            .evidence(with(json!({"note": "management account: SCPs do not apply"}))),
                        );
                    } else if acct.scps_known {
                        out.push(
                            Draft::pass(id, region, &prof.arn, format!(
                                "Inference profile {} is not restricted by SCPs in account {id}: the account is not governed by SCPs.", prof.id))
                            .evidence(with(json!({"note": "not governed by SCPs"}))),
                        );
                    } else {
                        out.push(
                            Draft::unknown(id, region, &prof.arn, format!(
                                "Whether an SCP blocks inference profile {} in account {id} is unknown: the SCP chain could not be read.", prof.id))
                            .evidence(with(cx.gap_evidence(id, None, "organizations"))),
                        );
                    }
                    continue;
                };
                let hops = scp_hops(cx, acct, levels, prof, None);
                // A profile whose source Region the SCP chain itself denies is not usable
                // from there at all: that is an intended Region restriction, not the silent
                // cross-Region failure this check is about.
                if let Some(src) = region
                    && hops.iter().any(|h| h.region == src && h.verdict.denied)
                {
                    continue;
                }
                let blocked: Vec<&Hop> = hops.iter().filter(|h| h.verdict.denied).collect();
                let hops_json: Vec<Value> = hops.iter().map(Hop::to_json).collect();
                if blocked.is_empty() {
                    let regs: Vec<String> =
                        hops.iter().map(|h| super::hop_label(&h.region)).collect();
                    out.push(
                        Draft::pass(id, region, &prof.arn, format!(
                            "The SCP chain of account {id} allows inference profile {} in every destination Region ({}).",
                            prof.id, regs.join(", ")))
                        .evidence(with(json!({"destinations": hops_json}))),
                    );
                    continue;
                }
                // Principals an SCP exemption (e.g. an exempted role) lets through.
                let invokers = profile_invokers(cx, acct, prof);
                let mut exempt = Vec::new();
                let mut still_blocked = Vec::new();
                for p in &invokers {
                    let ph = scp_hops(cx, acct, levels, prof, Some(p));
                    if ph.iter().any(|h| h.verdict.denied) {
                        still_blocked.push(p.arn.clone());
                    } else {
                        exempt.push(p.arn.clone());
                    }
                }
                let regs: Vec<String> = blocked
                    .iter()
                    .map(|h| super::hop_label(&h.region))
                    .collect();
                let blocked_regions: Vec<&str> =
                    blocked.iter().map(|h| h.region.as_str()).collect();
                let fix = fix_for(&blocked, prof.is_global());
                let first = blocked
                    .iter()
                    .find_map(|h| h.blocker.as_ref())
                    .map(|b| b.describe())
                    .unwrap_or_else(|| "the SCP chain".to_string());
                let evidence = with(json!({
                    "blocked_regions": blocked_regions,
                    "blocked_by": blockers_json(&blocked),
                    "destinations": hops_json,
                    "invokers_exempted_by_scp": exempt,
                    "invokers_blocked": still_blocked,
                    "fix": fix,
                }));
                if !invokers.is_empty() && still_blocked.is_empty() {
                    out.push(
                        Draft::pass(id, region, &prof.arn, format!(
                            "{first} denies inference profile {} in {} for most principals, but every principal that can invoke it is exempted.",
                            prof.id, regs.join(", ")))
                        .evidence(evidence),
                    );
                } else {
                    out.push(
                        Draft::fail(id, region, &prof.arn, format!(
                            "Inference profile {} fails with AccessDenied in account {id}: {first} denies bedrock:InvokeModel in destination Region(s) {}.",
                            prof.id, regs.join(", ")))
                        .evidence(evidence),
                    );
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::cris::testkit::*;
    use crate::checks::testutil::*;
    use serde_json::json;

    fn invoke_all() -> serde_json::Value {
        json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:InvokeModel*","Resource":"*"}]})
    }

    #[test]
    fn control_tower_region_deny_fails_with_ct_fix() {
        let mut a = with_profiles(
            with_roles(vec![role("app", invoke_all())]),
            "us-east-1",
            vec![us_profile()],
        );
        a.scps = Some(scp_chain(vec![(
            "p-ct1",
            "aws-guardrails-RegionDeny",
            region_deny("GRREGIONDENY", &["us-east-1", "us-west-2"]),
        )]));
        let f = run("CRI-001", &snapshot(vec![a]));
        assert_eq!(f.len(), 1);
        let x = &f[0];
        assert_eq!(x.status, Status::Fail);
        assert_eq!(x.resource, us_profile().arn);
        assert!(x.message.contains("us-east-2"), "{}", x.message);
        assert!(
            x.message.contains("aws-guardrails-RegionDeny"),
            "{}",
            x.message
        );
        assert!(x.message.contains("Workloads"), "{}", x.message);
        assert_eq!(x.evidence["blocked_by"][0]["sid"], "GRREGIONDENY");
        assert!(
            x.evidence["fix"]
                .as_str()
                .unwrap()
                .contains("CT.MULTISERVICE.PV.1")
        );
    }

    #[test]
    fn custom_region_deny_gets_documented_fix_and_exemption_passes() {
        let mut a = with_profiles(
            with_roles(vec![role("app", invoke_all())]),
            "us-east-1",
            vec![us_profile()],
        );
        a.scps = Some(scp_chain(vec![(
            "p-rd",
            "region-deny",
            region_deny("DenyOthers", &["us-east-1"]),
        )]));
        let f = run("CRI-001", &snapshot(vec![a]));
        assert_eq!(f[0].status, Status::Fail);
        assert!(
            f[0].evidence["fix"]
                .as_str()
                .unwrap()
                .contains("ArnNotLike bedrock:InferenceProfileArn")
        );

        let mut doc = region_deny("DenyOthers", &["us-east-1"]);
        doc["Statement"][0]["Condition"]["ArnNotLike"] =
            json!({"bedrock:InferenceProfileArn": ["arn:aws:bedrock:*:*:inference-profile/*"]});
        let mut a = with_profiles(
            with_roles(vec![role("app", invoke_all())]),
            "us-east-1",
            vec![us_profile()],
        );
        a.scps = Some(scp_chain(vec![("p-rd", "region-deny", doc)]));
        let f = run("CRI-001", &snapshot(vec![a]));
        assert_eq!(f[0].status, Status::Pass, "{:?}", f[0]);
    }

    #[test]
    fn ungoverned_passes_and_unknown_chain_is_unknown() {
        let a = with_profiles(with_roles(vec![]), "us-east-1", vec![us_profile()]);
        let f = run("CRI-001", &snapshot(vec![a.clone()]));
        assert_eq!(f[0].status, Status::Pass);
        assert!(f[0].message.contains("not governed"));
        let mut snap = snapshot(vec![a]);
        snap.gaps.push(crate::model::Gap {
            account: ACCOUNT.into(),
            region: None,
            service: "organizations".into(),
            operation: "ListPoliciesForTarget".into(),
            error: "AccessDenied".into(),
            resource: None,
        });
        let f = run("CRI-001", &snap);
        assert_eq!(f[0].status, Status::Unknown);
    }

    #[test]
    fn global_profile_blocked_by_region_list() {
        let mut a = with_profiles(with_roles(vec![]), "us-east-1", vec![global_profile()]);
        a.scps = Some(scp_chain(vec![(
            "p-rd",
            "region-deny",
            region_deny("DenyOthers", &["us-east-1"]),
        )]));
        let f = run("CRI-001", &snapshot(vec![a]));
        assert_eq!(f[0].status, Status::Fail);
        assert_eq!(f[0].evidence["blocked_regions"][0], "unspecified");
    }
}
