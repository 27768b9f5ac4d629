//! NET-005: invokers' policies do not require `aws:SourceVpce` / `aws:SourceVpc`, so the
//! public endpoint works too.
//!
//! For each workload principal of an account with Bedrock-active Regions, and each such
//! Region, the engine is asked (open world) whether the principal may invoke a model: the
//! probe model no policy names, and the model ARNs its own policies name. Where it may, the
//! same request is decided again with `aws:SourceVpce` and `aws:SourceVpc` absent (a call
//! through the public endpoint) and every other missing key unknown: still allowed means
//! the grant is not bound to the endpoint.

use serde_json::{Value, json};

use super::{
    allowed_resource_patterns, condition_keys, instantiate_model_patterns, open_json,
    probe_model_arn,
};
use crate::checks::Subject;
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct InvokeNotBoundToEndpoint;

const ENDPOINT_KEYS: [&str; 2] = ["aws:sourcevpce", "aws:sourcevpc"];

impl Check for InvokeNotBoundToEndpoint {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            if acct.active_regions.is_empty() {
                continue;
            }
            let id = acct.account.id.as_str();
            if acct.account.iam.is_none() {
                out.push(
                    Subject::new(id, None, acct.root_arn()).unknown("IAM could not be read, so whether invokers are bound to a VPC endpoint is not known.")
                    .evidence(cx.gap_evidence(id, None, "iam")),
                );
                continue;
            }
            for p in acct.principals.iter().filter(|p| p.is_workload()) {
                let at = Subject::new(id, None, &p.arn);
                let set = cx.policy_set(acct, p, true);
                // Every condition key the deciding policies use, except the endpoint keys.
                let mut keys: Vec<String> = Vec::new();
                for l in set
                    .identity
                    .iter()
                    .chain(set.permissions_boundary.iter().flatten())
                    .chain(set.scp.iter().flatten().flatten())
                {
                    for k in condition_keys(l.policy) {
                        if !keys.contains(&k) && !ENDPOINT_KEYS.contains(&k.as_str()) {
                            keys.push(k);
                        }
                    }
                }
                let patterns: Vec<String> = p
                    .identity
                    .iter()
                    .flat_map(|n| allowed_resource_patterns(&n.policy))
                    .collect();

                let mut invokable: Vec<Value> = Vec::new();
                let mut unbound: Vec<Value> = Vec::new();
                for region in acct.active_regions.keys() {
                    let mut models = vec![probe_model_arn(&acct.partition, region)];
                    for m in instantiate_model_patterns(&patterns, &acct.partition, region, id) {
                        if !models.contains(&m) {
                            models.push(m);
                        }
                    }
                    let mut bound_here: Option<Value> = None;
                    let mut unbound_here = false;
                    for model in &models {
                        let mut req =
                            cx.request(acct, p, "bedrock:InvokeModel", model, Some(region));
                        for k in ENDPOINT_KEYS {
                            req.context.remove(k);
                        }
                        let can = cx.decide_open(&set, &req);
                        if !can.may_allow() {
                            continue;
                        }
                        let unknown: Vec<&str> = keys
                            .iter()
                            .filter(|k| !req.context.contains_key(k))
                            .map(String::as_str)
                            .collect();
                        let public = cx.decide_open_keys(&set, &req, &unknown);
                        if public.may_allow() {
                            unbound.push(json!({
                                "region": region,
                                "resource": model,
                                "without_endpoint_keys": open_json(&public),
                            }));
                            unbound_here = true;
                            break;
                        }
                        if bound_here.is_none() {
                            bound_here = Some(json!({
                                "region": region,
                                "resource": model,
                                "decision": open_json(&can),
                                "without_endpoint_keys": open_json(&public),
                            }));
                        }
                    }
                    if !unbound_here && let Some(b) = bound_here {
                        invokable.push(b);
                    }
                }
                if invokable.is_empty() && unbound.is_empty() {
                    // Not an invoker in any active Region (or, with unreadable policies,
                    // not known to be one).
                    out.extend(crate::checks::iam::undecided_invoker(cx, acct, p));
                    continue;
                }
                let mut ev = json!({
                    "principal": p.arn,
                    "active_regions": acct.active_regions.keys().collect::<Vec<_>>(),
                    "not_bound": unbound,
                    "bound": invokable,
                });
                if !acct.scps_known {
                    ev["scp_chain"] =
                        json!("not readable: an SCP requiring the endpoint would not be seen");
                }
                if !p.unparsed.is_empty() {
                    ev["unparsed_policies"] = json!(
                        p.unparsed
                            .iter()
                            .map(|(l, e)| json!({"policy": l, "error": e}))
                            .collect::<Vec<_>>()
                    );
                }
                let d = if !unbound.is_empty() {
                    let regions: Vec<&str> = unbound
                        .iter()
                        .filter_map(|u| u["region"].as_str())
                        .collect();
                    at.fail(format!(
                            "{} can invoke models in {} without aws:SourceVpce or aws:SourceVpc, so its credentials also work through the public endpoint.",
                            p.arn,
                            regions.join(", ")
                        ))
                } else if !p.unparsed.is_empty() {
                    at.unknown(format!(
                            "Some policies of {} could not be parsed, so whether its invoke grant requires the VPC endpoint is not known.",
                            p.arn
                        ))
                } else {
                    at.pass(format!(
                            "{} can invoke models only through a VPC endpoint (aws:SourceVpce / aws:SourceVpc).",
                            p.arn
                        ))
                };
                out.push(d.evidence(ev));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::checks::Status;
    use crate::checks::testutil::*;
    use crate::model::{Iam, InlinePolicy, Role, Snapshot};

    fn snap(doc: Value) -> Snapshot {
        let mut a = account(ACCOUNT);
        a.iam = Some(Iam {
            roles: vec![Role {
                arn: format!("arn:aws:iam::{ACCOUNT}:role/app"),
                name: "app".into(),
                path: "/".into(),
                trust_policy: Value::Null.into(),
                inline_policies: vec![InlinePolicy {
                    name: "invoke".into(),
                    document: doc.into(),
                }],
                ..Role::default()
            }],
            ..Iam::default()
        });
        // us-east-1 read, with nothing in it: active only when the config says so.
        a.regions
            .insert("us-east-1".into(), crate::model::RegionData::all_read());
        snapshot(vec![a])
    }

    fn cfg() -> crate::config::Config {
        crate::config::Config {
            bedrock_regions: vec!["us-east-1".into()],
            ..Default::default()
        }
    }

    #[test]
    fn unbound_invoke_fails() {
        let doc = json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:InvokeModel",
            "Resource":"arn:aws:bedrock:us-east-1::foundation-model/anthropic.*"}]});
        let f = run_with("NET-005", &snap(doc), &cfg());
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Fail, "{:#}", f[0].evidence);
        assert_eq!(f[0].resource, format!("arn:aws:iam::{ACCOUNT}:role/app"));
        assert!(f[0].message.contains("public endpoint"));
    }

    #[test]
    fn endpoint_bound_invoke_passes() {
        let doc = json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:InvokeModel",
            "Resource":"*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}}]});
        let f = run_with("NET-005", &snap(doc), &cfg());
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Pass, "{:#}", f[0].evidence);
    }

    #[test]
    fn non_invoker_and_inactive_account_report_nothing() {
        let doc = json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]});
        assert!(run_with("NET-005", &snap(doc.clone()), &cfg()).is_empty());
        let doc = json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:InvokeModel","Resource":"*"}]});
        // No active Region when nothing names one (a wildcard Region does not count).
        assert!(run("NET-005", &snap(doc)).is_empty());
    }
}
