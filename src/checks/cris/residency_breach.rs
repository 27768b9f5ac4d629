//! CRI-004 residency-breach: an account with a residency requirement can invoke a
//! profile whose destinations leave its geography.

use serde_json::json;

use super::{
    Geographies, Hop, UNSPECIFIED, destinations, residency, scp_hops, scp_levels, usable_profiles,
};
use crate::checks::Subject;
use crate::checks::iam::probe_invoke;
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct ResidencyBreach;

impl Check for ResidencyBreach {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        let geos = Geographies::new(cx.config);
        for acct in &cx.accounts {
            let Some((geo, source)) = residency(cx, acct) else {
                continue;
            };
            let id = acct.account.id.as_str();
            let levels = scp_levels(cx, acct);
            for prof in usable_profiles(cx, acct) {
                let region = prof.source_region.as_deref();
                let at = Subject::new(id, region, &prof.arn);
                let leaving: Vec<String> = if prof.is_global() {
                    if geo == super::geographies::GLOBAL {
                        Vec::new()
                    } else {
                        vec![UNSPECIFIED.to_string()]
                    }
                } else {
                    destinations(&geos, &prof)
                        .into_iter()
                        .map(|d| d.region)
                        .filter(|r| !geos.contains(&geo, r))
                        .collect()
                };
                let base = json!({
                    "profile": prof.arn,
                    "residency": {"geography": geo, "source": source},
                    "leaving_destinations": leaving,
                });
                let with = |extra: serde_json::Value| {
                    let mut e = base.clone();
                    if let (Some(m), Some(x)) = (e.as_object_mut(), extra.as_object()) {
                        m.extend(x.clone());
                    }
                    e
                };
                if leaving.is_empty() {
                    out.push(
                        at.pass(format!(
                            "Inference profile {} keeps inference within the required geography {geo}.", prof.id))
                        .evidence(base.clone()),
                    );
                    continue;
                }
                // An SCP denying every leaving hop keeps data in place (CRI-001 reports the breakage).
                if let Some(levels) = &levels {
                    let hops = scp_hops(cx, acct, levels, &prof, None);
                    let leave_hops: Vec<&Hop> = hops
                        .iter()
                        .filter(|h| leaving.contains(&h.region))
                        .collect();
                    if !leave_hops.is_empty() && leave_hops.iter().all(|h| h.verdict.denied) {
                        out.push(
                            at.pass(format!(
                                "Inference profile {} would leave geography {geo}, but the SCP chain denies its destinations outside it ({}).",
                                prof.id, leaving.join(", ")))
                            .evidence(with(json!({"blocked_by_scp": leave_hops.iter().map(|h| h.to_json()).collect::<Vec<_>>()}))),
                        );
                        continue;
                    }
                }
                let src = prof
                    .source_region
                    .clone()
                    .unwrap_or_else(|| "us-east-1".into());
                let mut invokers = Vec::new();
                for p in acct
                    .principals
                    .iter()
                    .filter(|p| !p.is_service_linked && !p.is_audit_role)
                {
                    let set = cx.policy_set(acct, p, true);
                    let pr = probe_invoke(cx, acct, p, &set, &prof.arn, &src, &[]);
                    if pr.allowed() {
                        invokers.push(json!({"principal": p.arn, "is_admin": p.is_admin, "decision": pr.to_json()}));
                    }
                }
                if invokers.is_empty() {
                    out.push(
                        at.pass(format!(
                            "No principal of account {id} can invoke inference profile {}, whose destinations leave geography {geo}.", prof.id))
                        .evidence(base.clone()),
                    );
                } else {
                    let where_ = if prof.is_global() {
                        "any commercial Region (global profile)".to_string()
                    } else {
                        leaving.join(", ")
                    };
                    out.push(
                        at.fail(format!(
                            "Account {id} must keep data in {geo}, but {} principal(s) can invoke inference profile {}, which routes to {where_}.",
                            invokers.len(), prof.id))
                        .evidence(with(json!({"invokers": invokers}))),
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
    use crate::config::Config;
    use serde_json::json;

    fn invoke_all() -> serde_json::Value {
        json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:InvokeModel*","Resource":"*"}]})
    }

    fn eu() -> Config {
        let mut c = Config::default();
        c.residency.insert(ACCOUNT.into(), "eu".into());
        c
    }

    #[test]
    fn global_profile_in_eu_account_fails() {
        let a = with_profiles(
            with_roles(vec![role("app", invoke_all())]),
            "us-east-1",
            vec![global_profile()],
        );
        let f = run_with("CRI-004", &snapshot(vec![a]), &eu());
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Fail);
        assert_eq!(f[0].resource, global_profile().arn);
        assert!(f[0].message.contains("global profile"), "{}", f[0].message);
    }

    #[test]
    fn scp_block_or_no_invoker_passes_and_no_requirement_is_silent() {
        let mut a = with_profiles(
            with_roles(vec![role("app", invoke_all())]),
            "us-east-1",
            vec![us_profile()],
        );
        a.scps = Some(scp_chain(vec![(
            "p-eu",
            "eu-only",
            region_deny("EuOnly", &["eu-west-1", "eu-central-1"]),
        )]));
        let f = run_with("CRI-004", &snapshot(vec![a.clone()]), &eu());
        assert_eq!(f[0].status, Status::Pass, "{:?}", f[0]);
        assert!(f[0].message.contains("SCP"));
        let f = run("CRI-004", &snapshot(vec![a]));
        assert!(f.is_empty());
        let b = with_profiles(with_roles(vec![]), "us-east-1", vec![us_profile()]);
        let f = run_with("CRI-004", &snapshot(vec![b]), &eu());
        assert_eq!(f[0].status, Status::Pass);
    }
}
