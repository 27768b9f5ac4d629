//! KMS-002: a key policy grants to `Principal: *` without a narrowing condition, or
//! `kms:*` to non-administrators.
//!
//! Decided by the engine with key-policy semantics:
//! * "any principal": may a principal of an unrelated account (whose own IAM allows
//!   everything) call `kms:Decrypt` or `kms:PutKeyPolicy` on the key, whatever the
//!   unknown context keys are? Root delegation (`arn:aws:iam::ACCOUNT:root`) does not let
//!   it in, so it is not a failure.
//! * "kms:* to a non-administrator": does the key policy by itself let a principal named
//!   in it, or a principal of the key's account, that is not an administrator, call a
//!   KMS action no policy names, `kms:PutKeyPolicy` and `kms:Decrypt`?

use serde_json::{Value, json};

use super::{key_name, key_policy, key_policy_label, live_customer_keys};
use crate::checks::Subject;
use crate::checks::network::{
    ALLOW_ALL_LABEL, allow_all_identity, named_aws_principals, open_json, outsider_arn,
};
use crate::checks::{Check, Draft, EvalContext};
use crate::policy::{
    Context, Labeled, OpenDecision, Policy, PolicySet, Request, ServiceSemantics, UnknownKeys,
    evaluate_open,
};

#[derive(Debug)]
pub struct KeyPolicyWildcard;

/// A KMS action no policy names: only `kms:*`-style grants cover it.
const PROBE_ACTION: &str = "kms:PerimeterProbeAction";

/// Decide `action` on `key_arn` by `principal` with the key policy as the resource policy.
pub(crate) fn key_decision(
    identity: Vec<Labeled<'_>>,
    key_policy: &Policy,
    key_label: &str,
    mut req: Request,
) -> OpenDecision {
    let set = PolicySet {
        identity,
        resource: vec![Labeled::new(key_label, key_policy)],
        semantics: Some(ServiceSemantics::KmsKeyPolicy),
        ..Default::default()
    };
    if req.principal_account().is_some() && !req.context.contains_key("kms:CallerAccount") {
        let acct = req.principal_account().unwrap_or_default().to_string();
        req.context.insert("kms:CallerAccount", acct);
    }
    evaluate_open(&set, &req, &UnknownKeys::AllMissing)
}

fn bare_request(principal: &str, action: &str, key_arn: &str, key_account: &str) -> Request {
    let mut ctx = Context::new();
    ctx.insert("aws:PrincipalArn", principal);
    if let Some(a) = principal.split(':').nth(4).filter(|a| !a.is_empty()) {
        ctx.insert("aws:PrincipalAccount", a);
    }
    let mut req = Request::new(principal, action, key_arn);
    req.resource_account = Some(key_account.to_string());
    req.context = ctx;
    req
}

impl Check for KeyPolicyWildcard {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let allow_all = allow_all_identity();
        let mut out = Vec::new();
        for (account, region, key) in live_customer_keys(cx, &mut out) {
            let at = Subject::new(account, Some(region), &key.arn);
            let name = key_name(key);
            let policy = match key_policy(cx, &at, key, "who may use the key") {
                Ok(p) => p,
                Err(unknown) => {
                    out.push(*unknown);
                    continue;
                }
            };
            let label = key_policy_label(key);
            let view = cx.account(account);
            let mut violations: Vec<Value> = Vec::new();

            // Any principal.
            let outsider = match view {
                Some(v) => outsider_arn(v),
                None => "arn:aws:iam::999999999999:role/outsider".to_string(),
            };
            for action in ["kms:Decrypt", "kms:PutKeyPolicy"] {
                let d = key_decision(
                    vec![Labeled::new(ALLOW_ALL_LABEL, &allow_all)],
                    &policy,
                    &label,
                    bare_request(&outsider, action, &key.arn, account),
                );
                if d.is_allowed_unconditionally() {
                    violations.push(json!({
                        "kind": "any-principal",
                        "principal": outsider,
                        "action": action,
                        "decision": open_json(&d),
                    }));
                    break;
                }
            }

            // kms:* to non-administrators: principals named in the policy and the
            // workload principals of the key's account.
            let mut candidates: Vec<String> = named_aws_principals(&policy);
            if let Some(v) = view {
                candidates.extend(v.principals.iter().map(|p| p.arn.clone()));
            }
            candidates.sort();
            candidates.dedup();
            for arn in candidates {
                let known = view.and_then(|v| v.principal(&arn));
                if known.is_some_and(|p| !p.is_workload()) {
                    continue;
                }
                let request = |action: &str| match (view, known) {
                    (Some(v), Some(p)) => {
                        let mut r = cx.request(v, p, action, &key.arn, Some(region));
                        r.resource_account = Some(account.to_string());
                        r
                    }
                    _ => bare_request(&arn, action, &key.arn, account),
                };
                let mut decisions = Vec::new();
                for action in [PROBE_ACTION, "kms:PutKeyPolicy", "kms:Decrypt"] {
                    let d = key_decision(Vec::new(), &policy, &label, request(action));
                    if !d.is_allowed_unconditionally() {
                        decisions.clear();
                        break;
                    }
                    decisions.push(d);
                }
                if let Some(d) = decisions.first() {
                    violations.push(json!({
                        "kind": "kms-star-to-non-administrator",
                        "principal": arn,
                        "in_snapshot": known.is_some(),
                        "decision": open_json(d),
                    }));
                }
            }

            let ev = json!({"key_id": key.id, "aliases": key.aliases, "violations": violations});
            let any = violations.iter().any(|v| v["kind"] == "any-principal");
            let star: Vec<&str> = violations
                .iter()
                .filter(|v| v["kind"] == "kms-star-to-non-administrator")
                .filter_map(|v| v["principal"].as_str())
                .collect();
            let d = if violations.is_empty() {
                at.pass(format!(
                        "The key policy of {name} grants to no unrestricted wildcard principal and gives kms:* to no non-administrator."
                    ))
            } else {
                let mut parts = Vec::new();
                if any {
                    parts.push(
                        "lets any principal of any account use it without a narrowing condition"
                            .to_string(),
                    );
                }
                if !star.is_empty() {
                    parts.push(format!(
                        "gives kms:* to non-administrator(s) {}",
                        star.join(", ")
                    ));
                }
                at.fail(format!("The key policy of {name} {}.", parts.join(" and ")))
            };
            out.push(d.evidence(ev));
        }
        out
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use serde_json::{Value, json};

    use crate::checks::Status;
    use crate::checks::testutil::*;
    use crate::model::*;

    pub(crate) fn key_snapshot(
        policy: Value,
        roles: Vec<Role>,
        policies: Vec<ManagedPolicy>,
    ) -> Snapshot {
        let mut a = account(ACCOUNT);
        a.iam = Some(Iam {
            roles,
            policies,
            ..Iam::default()
        });
        a.regions.insert(
            "us-east-1".into(),
            RegionData {
                kms: Some(Kms {
                    keys: vec![KmsKey {
                        id: "k1".into(),
                        arn: format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/k1"),
                        manager: "CUSTOMER".into(),
                        state: "Enabled".into(),
                        spec: "SYMMETRIC_DEFAULT".into(),
                        policy: Probe::Found(policy),
                        ..KmsKey::default()
                    }],
                }),
                ..RegionData::all_read()
            },
        );
        snapshot(vec![a])
    }

    fn root_stmt() -> Value {
        json!({"Sid":"Root","Effect":"Allow","Principal":{"AWS":format!("arn:aws:iam::{ACCOUNT}:root")},"Action":"kms:*","Resource":"*"})
    }

    #[test]
    fn root_delegation_passes() {
        let p = json!({"Version":"2012-10-17","Statement":[root_stmt()]});
        let f = run("KMS-002", &key_snapshot(p, Vec::new(), Vec::new()));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Pass, "{:#}", f[0].evidence);
    }

    #[test]
    fn wildcard_principal_fails_but_narrowed_passes() {
        let p = json!({"Version":"2012-10-17","Statement":[root_stmt(),
            {"Sid":"Open","Effect":"Allow","Principal":{"AWS":"*"},"Action":["kms:Decrypt","kms:Encrypt"],"Resource":"*"}]});
        let f = run("KMS-002", &key_snapshot(p, Vec::new(), Vec::new()));
        assert_eq!(f[0].status, Status::Fail, "{:#}", f[0].evidence);
        assert_eq!(
            f[0].resource,
            format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/k1")
        );
        assert!(f[0].message.contains("any principal"));

        let p = json!({"Version":"2012-10-17","Statement":[root_stmt(),
            {"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*",
             "Condition":{"StringEquals":{"kms:CallerAccount":ACCOUNT,"kms:ViaService":"s3.us-east-1.amazonaws.com"}}}]});
        let f = run("KMS-002", &key_snapshot(p, Vec::new(), Vec::new()));
        assert_eq!(f[0].status, Status::Pass, "{:#}", f[0].evidence);
    }

    #[test]
    fn kms_star_to_workload_role_fails() {
        let app = format!("arn:aws:iam::{ACCOUNT}:role/app");
        let p = json!({"Version":"2012-10-17","Statement":[root_stmt(),
            {"Sid":"App","Effect":"Allow","Principal":{"AWS":app},"Action":"kms:*","Resource":"*"}]});
        let role = Role {
            arn: app.clone(),
            name: "app".into(),
            path: "/".into(),
            trust_policy: Value::Null.into(),
            ..Role::default()
        };
        let f = run("KMS-002", &key_snapshot(p, vec![role], Vec::new()));
        assert_eq!(f[0].status, Status::Fail, "{:#}", f[0].evidence);
        assert!(f[0].message.contains("kms:*"));
        assert_eq!(f[0].evidence.value()["violations"][0]["principal"], app);
    }

    #[test]
    fn unreadable_policy_is_unknown() {
        let mut s = key_snapshot(json!({}), Vec::new(), Vec::new());
        s.accounts[0]
            .regions
            .get_mut("us-east-1")
            .unwrap()
            .kms
            .as_mut()
            .unwrap()
            .keys[0]
            .policy = Probe::Unknown;
        let f = run("KMS-002", &s);
        assert_eq!(f[0].status, Status::Unknown);
    }
}
