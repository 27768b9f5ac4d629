//! TEN-001 cross-tenant-access: a principal tagged tenant A can decrypt with a key, or
//! use a Bedrock resource, tagged tenant B.

use serde_json::{Value, json};

use super::{is_active, keys, tenants_of};
use crate::checks::Subject;
use crate::checks::iam::{open_effect_str, principal_json};
use crate::checks::{Check, Draft, EvalContext};
use crate::model::Probe;
use crate::policy::{Labeled, Policy};

#[derive(Debug)]
pub struct CrossTenantAccess;

fn parse(v: &Value) -> Result<Policy, String> {
    match v {
        Value::String(s) => Policy::parse(s).map_err(|e| e.to_string()),
        other => Policy::from_value(other).map_err(|e| e.to_string()),
    }
}

impl Check for CrossTenantAccess {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        let tkey = cx.config.tags.tenant.clone();
        let rtag = format!("aws:ResourceTag/{tkey}");
        for acct in &cx.accounts {
            if !is_active(cx, acct) {
                out.extend(super::activity_unknown(cx, acct));
                continue;
            }
            let id = acct.account.id.as_str();
            // Tenant-tagged keys with their parsed key policies.
            let mut tkeys = Vec::new();
            for (region, k) in keys(acct) {
                let ts = tenants_of(&k.tags, &tkey);
                if ts.is_empty() {
                    continue;
                }
                let pol = match &k.policy {
                    Probe::Found(v) => parse(v).map(Some),
                    Probe::Absent => Ok(None),
                    Probe::Unknown => Err("the key policy could not be read".to_string()),
                };
                tkeys.push((region, k, ts, pol));
            }
            let mut guardrails = Vec::new();
            for (region, data) in &acct.account.regions {
                if let Some(gs) = data.bedrock.as_ref().and_then(|b| b.guardrails.as_ref()) {
                    for g in gs {
                        let ts = tenants_of(&g.tags, &tkey);
                        if !ts.is_empty() {
                            guardrails.push((region.as_str(), g, ts));
                        }
                    }
                }
            }
            // Keys whose tags (or manager) could not be read: any may be another
            // tenant's.
            let blind: Vec<&str> = super::keys_unread(acct).map(|k| k.arn.as_str()).collect();
            for p in acct.principals.iter().filter(|p| p.is_workload()) {
                let at = Subject::new(id, None, &p.arn);
                let mine = tenants_of(p.tags, &tkey);
                if mine.is_empty() {
                    continue;
                }
                let mut cross: Vec<Value> = Vec::new();
                let mut unknown: Vec<Value> = Vec::new();
                let mut examined = 0usize;
                for (region, k, ts, pol) in &tkeys {
                    if ts.iter().any(|t| mine.contains(t)) {
                        continue;
                    }
                    examined += 1;
                    let pol = match pol {
                        Ok(p) => p,
                        Err(e) => {
                            unknown.push(json!({"key": k.arn, "why": e}));
                            continue;
                        }
                    };
                    let mut set = cx.policy_set(acct, p, true);
                    if let Some(kp) = pol {
                        set.resource = vec![Labeled {
                            label: format!("key policy {}", k.arn),
                            policy: kp,
                        }];
                    }
                    let mut req = cx.request(acct, p, "kms:Decrypt", &k.arn, Some(region));
                    req.context.insert(&rtag, ts.join(","));
                    let d = cx.decide_open(&set, &req);
                    if d.may_allow() {
                        cross.push(json!({
                            "resource": k.arn, "resource_tenants": ts, "action": "kms:Decrypt",
                            "decision": open_effect_str(&d), "conditional_keys": d.conditional_keys(),
                            "reasons": d.reasons,
                        }));
                    }
                }
                for (region, g, ts) in &guardrails {
                    if ts.iter().any(|t| mine.contains(t)) {
                        continue;
                    }
                    examined += 1;
                    let set = cx.policy_set(acct, p, true);
                    let mut req =
                        cx.request(acct, p, "bedrock:ApplyGuardrail", &g.arn, Some(region));
                    req.context.insert(&rtag, ts.join(","));
                    let d = cx.decide_open(&set, &req);
                    if d.may_allow() {
                        cross.push(json!({
                            "resource": g.arn, "resource_tenants": ts, "action": "bedrock:ApplyGuardrail",
                            "decision": open_effect_str(&d), "conditional_keys": d.conditional_keys(),
                            "reasons": d.reasons,
                        }));
                    }
                }
                if examined == 0 && blind.is_empty() {
                    continue;
                }
                let evidence = json!({
                    "principal": principal_json(p),
                    "principal_tenants": mine,
                    "cross_tenant_access": cross,
                    "undecided": unknown,
                    "keys_unread": blind,
                });
                if !cross.is_empty() {
                    let what: Vec<String> = cross
                        .iter()
                        .map(|c| {
                            format!(
                                "{} on {}",
                                c["action"].as_str().unwrap_or(""),
                                c["resource"].as_str().unwrap_or("")
                            )
                        })
                        .collect();
                    out.push(
                        at.fail(format!(
                            "{} (tenant {}) can use other tenants' resources: {}.",
                            p.arn,
                            mine.join(","),
                            what.join("; ")
                        ))
                        .evidence(evidence),
                    );
                } else if !unknown.is_empty() || !blind.is_empty() {
                    out.push(
                        at.unknown(format!(
                            "Whether {} (tenant {}) can decrypt other tenants' keys is unknown: {} key polic(ies) and the tags of {} key(s) could not be read.",
                            p.arn, mine.join(","), unknown.len(), blind.len()))
                        .evidence(evidence),
                    );
                } else {
                    out.push(
                        at.pass(format!(
                            "{} (tenant {}) cannot use the {examined} resource(s) tagged for other tenants.",
                            p.arn, mine.join(",")))
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
    use crate::checks::iam::testkit::*;
    use crate::checks::testutil::*;
    use crate::model::{Kms, KmsKey, Probe, RegionData};
    use serde_json::json;

    pub fn key(id: &str, tenant: &str, policy: Probe<serde_json::Value>) -> KmsKey {
        KmsKey {
            id: id.into(),
            arn: format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/{id}"),
            manager: "CUSTOMER".into(),
            state: "Enabled".into(),
            spec: "SYMMETRIC_DEFAULT".into(),
            tags: [("tenant".to_string(), tenant.to_string())]
                .into_iter()
                .collect(),
            policy,
            ..KmsKey::default()
        }
    }

    fn root_delegation() -> serde_json::Value {
        json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":format!("arn:aws:iam::{ACCOUNT}:root")},"Action":"kms:*","Resource":"*"}]})
    }

    #[test]
    fn wildcard_decrypt_crosses_tenants_abac_does_not() {
        let wide = tagged_role(
            "a-app",
            json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}),
            &[("tenant", "a")],
        );
        let abac = tagged_role(
            "a-abac",
            json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*",
            "Condition":{"StringEquals":{"aws:ResourceTag/tenant":"${aws:PrincipalTag/tenant}"}}}]}),
            &[("tenant", "a")],
        );
        let mut acct = with_roles(vec![wide, abac]);
        acct.regions.insert(
            "us-east-1".into(),
            RegionData {
                kms: Some(Kms {
                    keys: vec![
                        key("kb", "b", Probe::Found(root_delegation())),
                        key("ka", "a", Probe::Found(root_delegation())),
                    ],
                }),
                ..RegionData::all_read()
            },
        );
        let f = run("TEN-001", &snapshot(vec![acct]));
        let get = |n: &str| f.iter().find(|x| x.resource == role_arn(n)).unwrap();
        assert_eq!(get("a-app").status, Status::Fail);
        assert!(
            get("a-app").message.contains("key/kb"),
            "{}",
            get("a-app").message
        );
        assert_eq!(get("a-abac").status, Status::Pass, "{:?}", get("a-abac"));
    }

    #[test]
    fn unreadable_key_policy_is_unknown() {
        let r = tagged_role(
            "a-app",
            json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}),
            &[("tenant", "a")],
        );
        let mut acct = with_roles(vec![r]);
        acct.regions.insert(
            "us-east-1".into(),
            RegionData {
                kms: Some(Kms {
                    keys: vec![key("kb", "b", Probe::Unknown)],
                }),
                ..RegionData::all_read()
            },
        );
        let f = run("TEN-001", &snapshot(vec![acct]));
        assert_eq!(f[0].status, Status::Unknown);
    }
}
