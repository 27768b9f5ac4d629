//! NET-003: a Bedrock endpoint policy lets any principal invoke any model.

use serde_json::json;

use super::{
    ec2_by_region, endpoint_arn, endpoint_evidence, endpoint_policy, endpoint_policy_label,
    is_runtime_endpoint, open_json, outsider_arn, probe_model_arn, through_endpoint,
};
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct EndpointPolicyOpen;

impl Check for EndpointPolicyOpen {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            for (region, ec2) in ec2_by_region(cx, acct, "Bedrock endpoint policies", &mut out) {
                for ep in ec2.endpoints.iter().filter(|e| is_runtime_endpoint(e)) {
                    let arn = endpoint_arn(acct, region, &ep.id);
                    let mut ev = endpoint_evidence(ep);
                    let (policy, default) = match endpoint_policy(ep) {
                        Ok(p) => p,
                        Err(e) => {
                            ev["policy_error"] = json!(e);
                            out.push(
                                Draft::unknown(
                                    id,
                                    Some(region),
                                    arn,
                                    format!("The policy of endpoint {} could not be parsed, so who may use it is not known.", ep.id),
                                )
                                .evidence(ev),
                            );
                            continue;
                        }
                    };
                    let outsider = outsider_arn(acct);
                    let outsider_account =
                        outsider.split(':').nth(4).unwrap_or_default().to_string();
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
                        Draft::fail(
                            id,
                            Some(region),
                            arn,
                            if default {
                                format!(
                                    "Endpoint {} has no policy, so the default full-access policy lets any principal, from any account, invoke any model through it.",
                                    ep.id
                                )
                            } else {
                                format!(
                                    "The policy of endpoint {} lets any principal, from any account, invoke any model through it.",
                                    ep.id
                                )
                            },
                        )
                    } else {
                        Draft::pass(
                            id,
                            Some(region),
                            arn,
                            format!(
                                "The policy of endpoint {} does not let an arbitrary principal invoke an arbitrary model.",
                                ep.id
                            ),
                        )
                    };
                    out.push(draft.evidence(ev));
                }
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
    use crate::model::{Ec2, RegionData, Snapshot, VpcEndpoint};

    pub(crate) fn endpoint_snapshot(policy: Option<Value>) -> Snapshot {
        let mut a = account(ACCOUNT);
        a.regions.insert(
            "us-east-1".into(),
            RegionData {
                ec2: Some(Ec2 {
                    vpcs: Vec::new(),
                    endpoints: vec![VpcEndpoint {
                        id: "vpce-1".into(),
                        vpc_id: "vpc-1".into(),
                        service_name: "com.amazonaws.us-east-1.bedrock-runtime".into(),
                        endpoint_type: "Interface".into(),
                        state: "available".into(),
                        private_dns_enabled: true,
                        policy,
                        ..VpcEndpoint::default()
                    }],
                    security_groups: Vec::new(),
                }),
                ..RegionData::all_read()
            },
        );
        snapshot(vec![a])
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
        assert_eq!(f[0].evidence["default_policy"], true);
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
