//! IAM-002 invoke-any-region: invocation is allowed in a Region nobody approved.

use serde_json::json;

use super::{
    OUTSIDE_REGION, can_invoke, invoke_candidates, principal_json, probe_invoke, scope_regions,
    scp_note,
};
use crate::checks::Subject;
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct InvokeAnyRegion;

impl Check for InvokeAnyRegion {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            let mut regions = scope_regions(cx, acct);
            if !regions.iter().any(|r| r == OUTSIDE_REGION) {
                regions.push(OUTSIDE_REGION.to_string());
            }
            for p in acct.principals.iter().filter(|p| p.is_workload()) {
                let at = Subject::new(id, None, &p.arn);
                if can_invoke(cx, acct, p, false).is_none() {
                    out.extend(super::undecided_invoker(cx, acct, p));
                    continue;
                }
                let with_scp = cx.policy_set(acct, p, true);
                let identity_only = cx.policy_set(acct, p, false);
                let candidates = invoke_candidates(acct, p, &regions);
                // per Region: the first allowed probe through identity + SCPs
                let mut per_region = Vec::new();
                let mut outside_full = None;
                let mut outside_identity = None;
                for r in &regions {
                    let mut first_full = None;
                    for (cr, res) in candidates.iter().filter(|(cr, _)| cr == r) {
                        let pr = probe_invoke(cx, acct, p, &with_scp, res, cr, &[]);
                        if pr.allowed() {
                            first_full = Some(pr);
                            break;
                        }
                        if r == OUTSIDE_REGION && outside_identity.is_none() {
                            let pi = probe_invoke(cx, acct, p, &identity_only, res, cr, &[]);
                            if pi.allowed() {
                                outside_identity = Some((pi, pr));
                            }
                        }
                    }
                    per_region.push(json!({
                        "region": r,
                        "allowed": first_full.is_some(),
                    }));
                    if r == OUTSIDE_REGION {
                        outside_full = first_full;
                    }
                }
                let allowed_regions: Vec<String> = per_region
                    .iter()
                    .filter(|v| v["allowed"] == true)
                    .filter_map(|v| v["region"].as_str().map(str::to_string))
                    .collect();
                let ev = |extra: serde_json::Value| {
                    let mut e = json!({
                        "principal": principal_json(p),
                        "probe_region": OUTSIDE_REGION,
                        "regions": per_region,
                        "scp_chain": scp_note(acct),
                    });
                    if let (Some(m), Some(x)) = (e.as_object_mut(), extra.as_object()) {
                        m.extend(x.clone());
                    }
                    e
                };
                if let Some(pr) = outside_full {
                    if acct.scps.is_none() && !acct.scps_known {
                        out.push(
                            at.unknown(format!(
                                    "{} is not Region-pinned by its own policies (it may invoke in {OUTSIDE_REGION}) and the SCP chain could not be read.",
                                    p.arn
                                ))
                            .evidence(ev(json!({"decision": pr.to_json()}))),
                        );
                    } else {
                        out.push(
                            at.fail(format!(
                                    "{} may invoke models in any Region, including {OUTSIDE_REGION}: neither its policies nor the SCP chain pin aws:RequestedRegion.",
                                    p.arn
                                ))
                            .evidence(ev(json!({"decision": pr.to_json()}))),
                        );
                    }
                } else {
                    let pinned_by = match &outside_identity {
                        Some((_, denied)) => json!({"layer": "scp", "decision": denied.to_json()}),
                        None => json!({"layer": "identity"}),
                    };
                    let within: Vec<&String> = allowed_regions.iter().collect();
                    out.push(
                        at.pass(format!(
                                "{} may invoke models only in pinned Regions ({}); {OUTSIDE_REGION} is denied{}.",
                                p.arn,
                                if within.is_empty() {
                                    "none of those probed".to_string()
                                } else {
                                    allowed_regions.join(", ")
                                },
                                if outside_identity.is_some() { " by the SCP chain" } else { " by its own policies" }
                            ))
                        .evidence(ev(json!({"pinned_by": pinned_by}))),
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
    use crate::checks::iam::testkit::*;
    use crate::checks::testutil::*;
    use serde_json::json;

    fn star() -> serde_json::Value {
        json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:InvokeModel","Resource":"*"}]})
    }

    #[test]
    fn unpinned_fails() {
        let snap = snapshot(vec![with_roles(vec![role("app", star())])]);
        let f = run("IAM-002", &snap);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Fail);
        assert_eq!(f[0].resource, role_arn("app"));
        assert!(f[0].message.contains("ap-southeast-7"));
    }

    #[test]
    fn identity_pin_passes() {
        let pol = json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:InvokeModel","Resource":"*",
            "Condition":{"StringEquals":{"aws:RequestedRegion":["us-east-1"]}}}]});
        let snap = snapshot(vec![with_roles(vec![role("app", pol)])]);
        let f = run("IAM-002", &snap);
        assert_eq!(f[0].status, Status::Pass);
        assert_eq!(f[0].evidence.value()["pinned_by"]["layer"], "identity");
    }

    #[test]
    fn scp_pin_passes() {
        let mut a = with_roles(vec![role("app", star())]);
        a.scps = Some(scp_chain(vec![(
            "p-deny",
            "region-deny",
            region_deny("DenyOthers", &["us-east-1"]),
        )]));
        let f = run("IAM-002", &snapshot(vec![a]));
        assert_eq!(f[0].status, Status::Pass, "{:?}", f[0]);
        assert_eq!(f[0].evidence.value()["pinned_by"]["layer"], "scp");
    }

    #[test]
    fn unknown_scp_chain_is_unknown() {
        let mut snap = snapshot(vec![with_roles(vec![role("app", star())])]);
        snap.gaps.push(crate::model::Gap {
            account: ACCOUNT.into(),
            region: None,
            service: "organizations".into(),
            operation: "ListPoliciesForTarget".into(),
            error: "AccessDenied".into(),
            resource: None,
        });
        let f = run("IAM-002", &snap);
        assert_eq!(f[0].status, Status::Unknown);
    }
}
