//! TEN-002 tenant-key-shared: a KMS key serves more than one tenant, or a tenant has no
//! key of its own.

use std::collections::BTreeSet;

use serde_json::json;

use super::{all_tenants, is_active, keys, refers_to, tenants_of};
use crate::checks::Subject;
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct TenantKeyShared;

impl Check for TenantKeyShared {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        let tkey = &cx.config.tags.tenant;
        for acct in &cx.accounts {
            if !is_active(cx, acct) {
                out.extend(super::activity_unknown(cx, acct));
                continue;
            }
            let id = acct.account.id.as_str();
            // Tenant-tagged Bedrock resources and the keys they use.
            let mut users: Vec<(String, String, Vec<String>)> = Vec::new(); // (resource, key ref, tenants)
            for data in acct.account.regions.values() {
                if let Some(gs) = data.bedrock.as_ref().and_then(|b| b.guardrails.as_ref()) {
                    for g in gs {
                        let ts = tenants_of(&g.tags, tkey);
                        if let Some(k) = &g.kms_key_arn
                            && !ts.is_empty()
                        {
                            users.push((g.arn.clone(), k.clone(), ts));
                        }
                    }
                }
            }
            let mut keyed: BTreeSet<String> = BTreeSet::new();
            let mut tags_unread: Vec<&str> = Vec::new();
            for (region, k) in keys(acct) {
                let at = Subject::new(id, Some(region), &k.arn);
                if k.tags_unread {
                    // Which tenants it serves is not known; nor, then, which tenants have
                    // a key of their own.
                    tags_unread.push(&k.arn);
                    out.push(
                        at.unknown(format!(
                            "The tags of KMS key {} could not be read, so which tenants it serves is not known.",
                            k.arn
                        ))
                        .evidence(cx.gap_evidence(id, Some(region), "kms")),
                    );
                    continue;
                }
                let tagged = tenants_of(&k.tags, tkey);
                let used: Vec<&(String, String, Vec<String>)> =
                    users.iter().filter(|(_, r, _)| refers_to(r, k)).collect();
                let mut served: BTreeSet<String> = tagged.iter().cloned().collect();
                for (_, _, ts) in &used {
                    served.extend(ts.iter().cloned());
                }
                if served.is_empty() {
                    continue;
                }
                let evidence = json!({
                    "key": k.arn,
                    "tag_key": tkey,
                    "tagged_tenants": tagged,
                    "used_by": used.iter().map(|(res, _, ts)| json!({"resource": res, "tenants": ts})).collect::<Vec<_>>(),
                    "tenants_served": served,
                });
                if served.len() > 1 {
                    out.push(
                        at.fail(format!(
                            "KMS key {} serves {} tenants ({}).",
                            k.arn,
                            served.len(),
                            served.iter().cloned().collect::<Vec<_>>().join(", ")
                        ))
                        .evidence(evidence),
                    );
                } else {
                    if tagged.len() == 1 {
                        keyed.extend(tagged.iter().cloned());
                    }
                    out.push(
                        at.pass(format!(
                            "KMS key {} serves one tenant ({}).",
                            k.arn,
                            served.iter().next().cloned().unwrap_or_default()
                        ))
                        .evidence(evidence),
                    );
                }
            }
            let kms_unread: Vec<&String> = acct
                .account
                .regions
                .iter()
                .filter(|(_, d)| d.kms.is_none())
                .map(|(r, _)| r)
                .collect();
            // A key whose manager could not be read (DescribeKey failed) may be a
            // customer-managed key of some tenant.
            for (region, data) in &acct.account.regions {
                for k in data.kms.iter().flat_map(|k| &k.keys) {
                    if k.customer_managed().is_none() {
                        tags_unread.push(&k.arn);
                        out.push(
                            Subject::new(id, Some(region), &k.arn)
                                .unknown(format!(
                                    "KMS key {} could not be described, so whether it is a tenant's key is not known.",
                                    k.arn
                                ))
                                .evidence(cx.gap_evidence(id, Some(region), "kms")),
                        );
                    }
                }
            }
            for t in all_tenants(cx, acct) {
                if keyed.contains(&t) {
                    continue;
                }
                let resource = format!("{}#tenant={t}", acct.root_arn());
                let at = Subject::new(id, None, &resource);
                if kms_unread.is_empty() && tags_unread.is_empty() {
                    out.push(
                        at.fail(format!(
                            "Tenant {t} in account {id} has no customer-managed KMS key of its own."
                        ))
                        .evidence(json!({"tenant": t, "tag_key": tkey})),
                    );
                } else {
                    out.push(
                        at.unknown(format!(
                            "Whether tenant {t} in account {id} has a key of its own is unknown: {} could not be read.",
                            kms_unread.iter().map(|r| format!("the KMS keys of {r}")).chain(tags_unread.iter().map(|k| format!("the tags of {k}"))).collect::<Vec<_>>().join(", ")))
                        .evidence(cx.gap_evidence(id, None, "kms")),
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
    use crate::model::{Bedrock, Guardrail, Kms, KmsKey, Probe, RegionData};
    use serde_json::json;

    fn key(id: &str, tenant: &str) -> KmsKey {
        KmsKey {
            id: id.into(),
            arn: format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/{id}"),
            manager: "CUSTOMER".into(),
            tags: [("tenant".to_string(), tenant.to_string())]
                .into_iter()
                .collect(),
            policy: Probe::Absent,
            ..KmsKey::default()
        }
    }

    #[test]
    fn shared_and_missing_keys_fail_own_key_passes() {
        let none = json!({"Version":"2012-10-17","Statement":[]});
        let roles = vec![
            tagged_role("a", none.clone(), &[("tenant", "a")]),
            tagged_role("b", none.clone(), &[("tenant", "b")]),
            tagged_role("c", none, &[("tenant", "c")]),
        ];
        let mut acct = with_roles(roles);
        let g = Guardrail {
            id: "g1".into(),
            arn: format!("arn:aws:bedrock:us-east-1:{ACCOUNT}:guardrail/g1"),
            name: "g1".into(),
            kms_key_arn: Some(format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/ka")),
            tags: [("tenant".to_string(), "b".to_string())]
                .into_iter()
                .collect(),
            detail_collected: true,
            ..Guardrail::default()
        };
        acct.regions.insert(
            "us-east-1".into(),
            RegionData {
                kms: Some(Kms {
                    keys: vec![key("ka", "a"), key("kc", "c")],
                }),
                bedrock: Some(Bedrock {
                    guardrails: Some(vec![g]),
                    ..Bedrock::all_read()
                }),
                ..RegionData::all_read()
            },
        );
        let f = run("TEN-002", &snapshot(vec![acct]));
        let ka = f.iter().find(|x| x.resource.ends_with("key/ka")).unwrap();
        assert_eq!(ka.status, Status::Fail);
        assert!(ka.message.contains("2 tenants"), "{}", ka.message);
        let kc = f.iter().find(|x| x.resource.ends_with("key/kc")).unwrap();
        assert_eq!(kc.status, Status::Pass);
        let b = f
            .iter()
            .find(|x| x.resource.ends_with("#tenant=b"))
            .unwrap();
        assert_eq!(b.status, Status::Fail);
        assert!(b.message.contains("Tenant b"));
        // tenant a's only key is shared, so a has no key of its own either
        assert!(
            f.iter()
                .any(|x| x.resource.ends_with("#tenant=a") && x.status == Status::Fail)
        );
    }
}
