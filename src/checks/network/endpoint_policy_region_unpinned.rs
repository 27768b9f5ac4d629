//! NET-004: a Bedrock endpoint policy does not mirror the IAM scoping (model ARNs, Region).
//!
//! Two questions go to the engine, for the outside principal, the account root and every
//! principal of the account (and every principal the policy names), with the keys that
//! describe the caller (`aws:PrincipalOrgID`, `aws:PrincipalTag/...`) left open and every
//! other key absent: may a model no policy names be invoked through the endpoint
//! in its own Region (every model allowed)? And may the models the policy names be
//! invoked in a Region of another geography (Region not pinned)? Either fails.

use serde_json::{Value, json};

use super::{
    allowed_resource_patterns, condition_keys, endpoint_evidence, endpoint_policy_label, endpoints,
    instantiate_model_patterns, is_principal_key, is_runtime_endpoint, named_aws_principals,
    open_json, outsider_arn, probe_model_arn, through_endpoint,
};
use crate::checks::{Check, Draft, EvalContext};
use crate::policy::UnknownKeys;

#[derive(Debug)]
pub struct EndpointPolicyRegionUnpinned;

/// A Region outside the geography of `region`, to ask "does this reach elsewhere?".
pub(crate) fn foreign_region(region: &str) -> &'static str {
    if region.starts_with("us-") {
        "ap-southeast-2"
    } else {
        "us-east-1"
    }
}

impl Check for EndpointPolicyRegionUnpinned {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            let root = acct.root_arn();
            let outsider = outsider_arn(acct);
            let mut principals: Vec<(String, String)> = vec![
                (
                    outsider.clone(),
                    outsider.split(':').nth(4).unwrap_or_default().to_string(),
                ),
                (root, id.to_string()),
            ];
            principals.extend(
                acct.principals
                    .iter()
                    .map(|p| (p.arn.clone(), id.to_string())),
            );
            let runtime = endpoints(
                cx,
                acct,
                "Bedrock endpoint policies",
                is_runtime_endpoint,
                &mut out,
            );
            for e in runtime {
                let (region, ep, at) = (e.region, e.ep, &e.at);
                let mut ev = endpoint_evidence(ep);
                let (policy, default) = match e.policy("its model scoping") {
                    Ok(p) => p,
                    Err(unknown) => {
                        out.push(*unknown);
                        continue;
                    }
                };
                let label = endpoint_policy_label(ep, default);
                // Who the caller is stays open (any value of the principal keys may
                // match); every other key absent from the request is absent.
                let principal_keys: Vec<String> = condition_keys(&policy)
                    .into_iter()
                    .filter(|k| is_principal_key(k))
                    .collect();
                let mut candidates = principals.clone();
                for n in named_aws_principals(&policy) {
                    if !candidates.iter().any(|(a, _)| a == &n) {
                        let a = n.split(':').nth(4).unwrap_or_default().to_string();
                        candidates.push((n, a));
                    }
                }
                let foreign = foreign_region(region);

                // (question, resource, Region of the request)
                let mut probes: Vec<(&str, String, &str)> = vec![(
                    "every-model",
                    probe_model_arn(&acct.partition, region),
                    region,
                )];
                let patterns = allowed_resource_patterns(&policy);
                for r in instantiate_model_patterns(&patterns, &acct.partition, foreign, id) {
                    probes.push(("other-region", r, foreign));
                }
                probes.push((
                    "other-region",
                    probe_model_arn(&acct.partition, foreign),
                    foreign,
                ));

                let mut violations: Vec<Value> = Vec::new();
                let mut kinds: Vec<&str> = Vec::new();
                for (kind, resource, req_region) in &probes {
                    if kinds.contains(kind) {
                        continue;
                    }
                    for (p, p_acct) in &candidates {
                        let d = through_endpoint(
                            &policy,
                            &label,
                            p,
                            p_acct,
                            resource,
                            req_region,
                            Some(UnknownKeys::Listed(principal_keys.clone())),
                        );
                        if d.may_allow() {
                            violations.push(json!({
                                "question": kind,
                                "principal": p,
                                "resource": resource,
                                "requested_region": req_region,
                                "decision": open_json(&d),
                            }));
                            kinds.push(kind);
                            break;
                        }
                    }
                }
                ev["default_policy"] = json!(default);
                ev["probes"] = json!(
                    probes
                        .iter()
                        .map(
                            |(k, r, g)| json!({"question": k, "resource": r, "requested_region": g})
                        )
                        .collect::<Vec<_>>()
                );
                ev["violations"] = json!(violations);
                let draft = if kinds.is_empty() {
                    at.pass(format!(
                                "The policy of endpoint {} allows only named models in its own Region or geography.",
                                ep.id
                            ))
                } else {
                    let mut what = Vec::new();
                    if kinds.contains(&"every-model") {
                        what.push("every model".to_string());
                    }
                    if kinds.contains(&"other-region") {
                        what.push(format!("models in other Regions (e.g. {foreign})"));
                    }
                    at.fail(format!(
                                "The {}policy of endpoint {} allows invoking {}, so it does not mirror the IAM model and Region scoping.",
                                if default { "default " } else { "" },
                                ep.id,
                                what.join(" and ")
                            ))
                };
                out.push(draft.evidence(ev));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::checks::Status;
    use crate::checks::network::endpoint_policy_open::tests::endpoint_snapshot;
    use crate::checks::testutil::*;

    #[test]
    fn wildcard_region_fails() {
        let p = json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",
            "Action":"bedrock:InvokeModel",
            "Resource":"arn:aws:bedrock:*::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"}]});
        let f = run("NET-004", &endpoint_snapshot(Some(p)));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Fail, "{:#}", f[0].evidence);
        assert!(f[0].message.contains("other Regions"));
        assert_eq!(
            f[0].resource,
            "arn:aws:ec2:us-east-1:111122223333:vpc-endpoint/vpce-1"
        );
    }

    #[test]
    fn every_model_fails() {
        let f = run("NET-004", &endpoint_snapshot(None));
        assert_eq!(f[0].status, Status::Fail);
        assert!(f[0].message.contains("every model"));
    }

    #[test]
    fn org_scoped_wildcard_region_fails() {
        let p = json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",
            "Action":"bedrock:InvokeModel",
            "Resource":"arn:aws:bedrock:*::foundation-model/anthropic.*",
            "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}]});
        let f = run("NET-004", &endpoint_snapshot(Some(p)));
        assert_eq!(f[0].status, Status::Fail, "{:#}", f[0].evidence);
    }

    #[test]
    fn cris_profile_bound_destinations_pass() {
        let p = json!({"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Principal":"*","Action":"bedrock:InvokeModel",
             "Resource":"arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0"},
            {"Effect":"Allow","Principal":"*","Action":"bedrock:InvokeModel",
             "Resource":"arn:aws:bedrock:*::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
             "Condition":{"StringEquals":{"bedrock:InferenceProfileArn":"arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0"}}}]});
        let f = run("NET-004", &endpoint_snapshot(Some(p)));
        assert_eq!(f[0].status, Status::Pass, "{:#}", f[0].evidence);
    }

    #[test]
    fn scoped_policy_passes() {
        let p = json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",
            "Action":"bedrock:InvokeModel",
            "Resource":["arn:aws:bedrock:us-east-1::foundation-model/anthropic.*",
                        "arn:aws:bedrock:us-*::foundation-model/amazon.titan-text-express-v1"]}]});
        let f = run("NET-004", &endpoint_snapshot(Some(p)));
        assert_eq!(f[0].status, Status::Pass, "{:#}", f[0].evidence);
    }
}
