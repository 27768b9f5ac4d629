//! CRI-003 cris-iam-incomplete: a principal granted an inference profile lacks the
//! foundation model in a destination Region, or may call the model directly in other
//! Regions (no `bedrock:InferenceProfileArn` condition).

use serde_json::{Value, json};

use super::{Geographies, UNSPECIFIED, UsableProfile, destinations, usable_profiles};
use crate::checks::Subject;
use crate::checks::context::{AccountView, PrincipalView};
use crate::checks::iam::{
    INVOKE_ACTIONS, decide_with_absent, fm_arn, open_effect_str, probe_invoke,
};
use crate::checks::{Check, Draft, EvalContext};
use crate::policy::{Effect, ResourceSpec};

#[derive(Debug)]
pub struct CrisIamIncomplete;

/// True when an Allow statement of `p` for an invoke action names `profile` through an
/// inference-profile resource pattern (a plain `*` grant is IAM-001's concern).
fn names_profile(p: &PrincipalView, profile: &UsableProfile) -> bool {
    p.identity.iter().any(|n| {
        n.policy.statements().iter().any(|s| {
            s.effect == Effect::Allow
                && INVOKE_ACTIONS.iter().any(|a| s.action.matches(a))
                && matches!(&s.resource, Some(ResourceSpec::Resource(v))
                    if v.iter().any(|r| r.raw.contains("inference-profile/")))
                && s.matches_resource_static(&profile.arn)
        })
    })
}

/// (requested Region, model ARN) pairs a call through the profile is authorised on.
pub fn model_hops(
    acct: &AccountView<'_>,
    geos: &Geographies,
    profile: &UsableProfile,
) -> Vec<(String, String)> {
    let model = profile
        .model_id()
        .unwrap_or_else(|| crate::checks::iam::PROBE_MODEL_ID.to_string());
    if profile.is_global() {
        let mut v = Vec::new();
        if let Some(r) = &profile.source_region {
            v.push((r.clone(), fm_arn(&acct.partition, r, &model)));
        }
        v.push((UNSPECIFIED.to_string(), fm_arn(&acct.partition, "", &model)));
        v
    } else {
        destinations(geos, profile)
            .into_iter()
            .map(|d| {
                let arn = fm_arn(&acct.partition, &d.region, &model);
                (d.region, arn)
            })
            .collect()
    }
}

impl Check for CrisIamIncomplete {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        let geos = Geographies::new(cx.config);
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            for prof in usable_profiles(cx, acct) {
                let hops = model_hops(acct, &geos, &prof);
                let source = prof.source_region.clone().unwrap_or_default();
                let mut principals: Vec<Value> = Vec::new();
                let mut bad = false;
                let mut missing_all = Vec::new();
                let mut direct_all = Vec::new();
                for p in acct
                    .principals
                    .iter()
                    .filter(|p| p.is_workload() && names_profile(p, &prof))
                {
                    let set = cx.policy_set(acct, p, false);
                    let grant = probe_invoke(cx, acct, p, &set, &prof.arn, &source, &[]);
                    if !grant.allowed() {
                        continue;
                    }
                    let mut missing = Vec::new();
                    let mut direct = Vec::new();
                    for (r, arn) in &hops {
                        let through = probe_invoke(
                            cx,
                            acct,
                            p,
                            &set,
                            arn,
                            r,
                            &[("bedrock:InferenceProfileArn", prof.arn.as_str())],
                        );
                        if !through.allowed() {
                            missing.push(json!({"region": r, "resource": arn, "decision": open_effect_str(&through.decision), "reasons": through.decision.reasons}));
                        }
                        if *r != source {
                            let req = cx.request(acct, p, INVOKE_ACTIONS[0], arn, Some(r));
                            let d = decide_with_absent(&set, &req, "bedrock:InferenceProfileArn");
                            if d.may_allow() {
                                direct.push(json!({"region": r, "resource": arn, "decision": open_effect_str(&d), "reasons": d.reasons}));
                            }
                        }
                    }
                    if !missing.is_empty() || !direct.is_empty() {
                        bad = true;
                    }
                    missing_all.extend(
                        missing
                            .iter()
                            .filter_map(|m| m["region"].as_str().map(str::to_string)),
                    );
                    direct_all.extend(
                        direct
                            .iter()
                            .filter_map(|m| m["region"].as_str().map(str::to_string)),
                    );
                    principals.push(json!({
                        "principal": p.arn,
                        "profile_grant": grant.to_json(),
                        "missing_destinations": missing,
                        "direct_calls_allowed": direct,
                    }));
                }
                if principals.is_empty() {
                    continue;
                }
                missing_all.sort();
                missing_all.dedup();
                direct_all.sort();
                direct_all.dedup();
                let evidence = json!({
                    "profile": prof.arn,
                    "destinations": hops.iter().map(|(r, a)| json!({"region": r, "resource": a})).collect::<Vec<_>>(),
                    "principals": principals,
                });
                let region = prof.source_region.as_deref();
                let at = Subject::new(id, region, &prof.arn);
                if bad {
                    let mut parts = Vec::new();
                    if !missing_all.is_empty() {
                        parts.push(format!("the model is not granted in destination Region(s) {} (calls routed there fail)", missing_all.join(", ")));
                    }
                    if !direct_all.is_empty() {
                        parts.push(format!(
                            "the model may be called directly, outside the profile, in {}",
                            direct_all.join(", ")
                        ));
                    }
                    out.push(
                        at.fail(format!(
                            "Grants of inference profile {} are incomplete: {}.",
                            prof.id,
                            parts.join("; and ")
                        ))
                        .evidence(evidence),
                    );
                } else {
                    out.push(
                        at.pass(format!(
                            "Every principal granted inference profile {} is granted the model in each destination Region, bound to the profile.", prof.id))
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
    use crate::config::Config;
    use serde_json::json;

    fn policy(regions: &[&str], with_condition: bool) -> serde_json::Value {
        let p = us_profile();
        let models: Vec<String> = regions
            .iter()
            .map(|r| format!("arn:aws:bedrock:{r}::foundation-model/{HAIKU}"))
            .collect();
        let mut st = json!({"Sid":"Models","Effect":"Allow","Action":"bedrock:InvokeModel","Resource":models});
        if with_condition {
            st["Condition"] = json!({"StringEquals":{"bedrock:InferenceProfileArn": p.arn}});
        }
        json!({"Version":"2012-10-17","Statement":[
            {"Sid":"Profile","Effect":"Allow","Action":"bedrock:InvokeModel","Resource":p.arn}, st]})
    }

    fn cfg() -> Config {
        let mut c = Config::default();
        c.cris_geographies.insert(
            "us".into(),
            vec!["us-east-1".into(), "us-east-2".into(), "us-west-2".into()],
        );
        c
    }

    #[test]
    fn complete_grant_passes() {
        let a = with_profiles(
            with_roles(vec![role(
                "app",
                policy(&["us-east-1", "us-east-2", "us-west-2"], true),
            )]),
            "us-east-1",
            vec![us_profile()],
        );
        let f = run_with("CRI-003", &snapshot(vec![a]), &cfg());
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Pass, "{:?}", f[0]);
        assert_eq!(f[0].resource, us_profile().arn);
    }

    #[test]
    fn missing_destination_fails() {
        let a = with_profiles(
            with_roles(vec![role("app", policy(&["us-east-1", "us-east-2"], true))]),
            "us-east-1",
            vec![us_profile()],
        );
        let f = run_with("CRI-003", &snapshot(vec![a]), &cfg());
        assert_eq!(f[0].status, Status::Fail);
        assert!(f[0].message.contains("us-west-2"), "{}", f[0].message);
    }

    #[test]
    fn unconditioned_model_grant_fails() {
        let a = with_profiles(
            with_roles(vec![role(
                "app",
                policy(&["us-east-1", "us-east-2", "us-west-2"], false),
            )]),
            "us-east-1",
            vec![us_profile()],
        );
        let f = run_with("CRI-003", &snapshot(vec![a]), &cfg());
        assert_eq!(f[0].status, Status::Fail);
        assert!(f[0].message.contains("directly"), "{}", f[0].message);
    }
}
