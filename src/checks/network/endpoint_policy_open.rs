//! NET-003: a Bedrock endpoint policy lets any principal invoke any model.

use serde_json::json;

use super::{
    endpoint_evidence, endpoint_policy_label, endpoints, is_runtime_endpoint, open_json,
    outsider_arn, probe_model_arn, through_endpoint,
};
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct EndpointPolicyOpen;

impl Check for EndpointPolicyOpen {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
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
                let (policy, default) = match e.policy("who may use it") {
                    Ok(p) => p,
                    Err(unknown) => {
                        out.push(*unknown);
                        continue;
                    }
                };
                let outsider = outsider_arn(acct);
                let outsider_account = outsider.split(':').nth(4).unwrap_or_default().to_string();
                let model = probe_model_arn(&acct.partition, region);
                let label = endpoint_policy_label(ep, default);
                let d = through_endpoint(
                    &policy,
                    &label,
                    &outsider,
                    &outsider_account,
                    &model,
                    region,
                    None,
                );
                ev["default_policy"] = json!(default);
                ev["probe"] = json!({
                    "principal": outsider,
                    "action": "bedrock:InvokeModel",
                    "resource": model,
                    "note": "a principal of an unrelated account invoking a model no policy names",
                });
                ev["decision"] = open_json(&d);
                let draft = if d.is_allowed_unconditionally() {
                    at.fail(if default {
                                format!(
                                    "Endpoint {} has no policy, so the default full-access policy lets any principal, from any account, invoke any model through it.",
                                    ep.id
                                )
                            } else {
                                format!(
                                    "The policy of endpoint {} lets any principal, from any account, invoke any model through it.",
                                    ep.id
                                )
                            })
                } else {
                    at.pass(format!(
                                "The policy of endpoint {} does not let an arbitrary principal invoke an arbitrary model.",
                                ep.id
                            ))
                };
                out.push(draft.evidence(ev));
            }
        }
        out
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use serde_json::{Value, json};

    use crate::checks::Status;
    use crate::checks::testutil::*;
    use crate::model::{RegionData, Snapshot, VpcEndpoint};

    pub(crate) fn endpoint_snapshot(policy: Option<Value>) -> Snapshot {
        let ep = VpcEndpoint {
            policy,
            ..runtime_endpoint()
        };
        one_region(RegionData {
            ec2: Some(ec2_with(ep)),
            ..RegionData::all_read()
        })
    }

    #[test]
    fn default_policy_fails() {
        let f = run("NET-003", &endpoint_snapshot(None));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Fail);
        assert_eq!(
            f[0].resource,
            "arn:aws:ec2:us-east-1:111122223333:vpc-endpoint/vpce-1"
        );
        assert_eq!(f[0].evidence.value()["default_policy"], true);
        assert!(f[0].message.contains("default full-access"));
    }

    #[test]
    fn wildcard_principal_without_condition_fails() {
        let p = json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"bedrock:*","Resource":"*"}]});
        let f = run("NET-003", &endpoint_snapshot(Some(p)));
        assert_eq!(f[0].status, Status::Fail);
    }

    #[test]
    fn named_principal_or_org_condition_passes() {
        let p = json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
            "Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},
            "Action":"bedrock:InvokeModel","Resource":"*"}]});
        let f = run("NET-003", &endpoint_snapshot(Some(p)));
        assert_eq!(f[0].status, Status::Pass, "{:#}", f[0].evidence);

        let p = json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",
            "Action":"bedrock:InvokeModel","Resource":"*",
            "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}]});
        let f = run("NET-003", &endpoint_snapshot(Some(p)));
        assert_eq!(f[0].status, Status::Pass, "{:#}", f[0].evidence);
    }

    #[test]
    fn unparsable_policy_is_unknown() {
        let f = run("NET-003", &endpoint_snapshot(Some(json!({"Statement": 5}))));
        assert_eq!(f[0].status, Status::Unknown);
    }
}
