//! KMS-003: one key serves resources of more than one environment.
//!
//! The rule (documented in the metadata's rationale): environments are attributed to a
//! customer-managed key from
//! * the key's own environment tag (a value naming several environments, such as
//!   `dev,prod`, counts as each of them), and
//! * each collected resource encrypted with it (guardrails, invocation-log and trail
//!   buckets, log groups, trails, custom models): the resource's own environment tag where
//!   it has tags, otherwise the environment tag of the account it lives in.
//!
//! Two or more distinct environments fail. One environment passes. A key used by
//! resources none of which (nor the key) carries an environment is `unknown`. Keys with no
//! collected user and at most one environment on their tag are not reported: the snapshot
//! only holds the resources Bedrock touches, so their use is not established.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{KeyRef, resolve};
use crate::checks::Subject;
use crate::checks::{Check, Draft, EvalContext};
use crate::model::Tags;

#[derive(Debug)]
pub struct KeySharedAcrossEnvironments;

/// Environment names in a tag value: `prod`, `dev,prod`, `dev / test`.
pub(crate) fn env_values(v: &str) -> Vec<String> {
    let mut out: Vec<String> = v
        .split([',', ';', '|', '/', '+', ' '])
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

struct User {
    kind: &'static str,
    resource: String,
    account: String,
    /// (environments, where they came from)
    env: Option<(Vec<String>, String)>,
}

/// Services whose resources may use a key (and so name its environments).
const USER_SERVICES: &[&str] = &[
    "bedrock",
    "bedrock-agent",
    "bedrock-agentcore-control",
    "s3",
    "logs",
    "cloudtrail",
];

#[derive(Default)]
struct KeyUse {
    account: String,
    region: String,
    key_tag_envs: Vec<String>,
    /// The key's own tags (its environment tag among them) could not be read.
    tags_unread: bool,
    users: Vec<User>,
}

fn env_of(tag_key: &str, own: Option<&Tags>, account_tags: &Tags) -> Option<(Vec<String>, String)> {
    if let Some(v) = own.and_then(|t| t.get(tag_key)) {
        let e = env_values(v);
        if !e.is_empty() {
            return Some((e, "resource tag".into()));
        }
    }
    account_tags
        .get(tag_key)
        .map(|v| (env_values(v), "account tag".into()))
        .filter(|(e, _)| !e.is_empty())
}

fn arn_region_account(arn: &str) -> (String, String) {
    let p: Vec<&str> = arn.splitn(6, ':').collect();
    if p.len() == 6 {
        (p[4].to_string(), p[3].to_string())
    } else {
        (String::new(), String::new())
    }
}

impl Check for KeySharedAcrossEnvironments {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let tag = cx.config.tags.environment.as_str();
        let mut keys: BTreeMap<String, KeyUse> = BTreeMap::new();

        // Keys and their own environment tags.
        // Keys that could not be described: whether they are customer managed, and so
        // judged here, is not known.
        let mut undescribed = Vec::new();
        for (account, region, key) in super::all_keys(cx) {
            if key.customer_managed().is_none() {
                undescribed.push((account, region, key));
                continue;
            }
            if !key.is_customer_managed() {
                continue;
            }
            let e = keys.entry(key.arn.clone()).or_default();
            e.account = account.to_string();
            e.region = region.to_string();
            e.key_tag_envs = key.tags.get(tag).map(|v| env_values(v)).unwrap_or_default();
            e.tags_unread = key.tags_unread;
        }

        // Users.
        for a in &cx.snapshot.accounts {
            let account_tags = &a.tags;
            let partition = cx.account(&a.id).map_or("aws", |v| v.partition.as_str());
            for (region, data) in &a.regions {
                let mut refs: Vec<(&'static str, String, Option<&Tags>, &str)> = Vec::new();
                if let Some(b) = &data.bedrock {
                    for g in b.guardrails.iter().flatten() {
                        if let Some(k) = &g.kms_key_arn {
                            refs.push(("guardrail", g.arn.clone(), Some(&g.tags), k));
                        }
                    }
                    for m in b.custom_models.iter().flatten() {
                        if let Some(k) = &m.kms_key_arn {
                            refs.push(("custom model", m.arn.clone(), None, k));
                        }
                    }
                }
                if let Some(s3) = &data.s3 {
                    for bk in &s3.buckets {
                        if let Some(k) = bk.encryption.found().and_then(|e| e.kms_key_id.as_deref())
                        {
                            refs.push((
                                "bucket",
                                format!("arn:{partition}:s3:::{}", bk.name),
                                None,
                                k,
                            ));
                        }
                    }
                }
                if let Some(logs) = &data.logs {
                    for lg in &logs.log_groups {
                        if let Some(k) = &lg.kms_key_id {
                            refs.push((
                                "log group",
                                lg.arn.trim_end_matches(":*").to_string(),
                                None,
                                k,
                            ));
                        }
                    }
                }
                if let Some(ct) = &data.cloudtrail {
                    for t in &ct.trails {
                        if let Some(k) = &t.kms_key_id {
                            refs.push(("trail", t.arn.clone(), None, k));
                        }
                    }
                }
                for (kind, resource, own_tags, reference) in refs {
                    let k = resolve(cx, &a.id, region, reference);
                    let (arn, acct, reg) = match &k {
                        KeyRef::Collected {
                            key,
                            account,
                            region,
                        } => {
                            if !key.is_customer_managed() {
                                continue;
                            }
                            (key.arn.clone(), account.to_string(), region.to_string())
                        }
                        KeyRef::OtherAccount(arn) => {
                            let (acc, reg) = arn_region_account(arn);
                            (arn.clone(), acc, reg)
                        }
                        KeyRef::AwsManagedAlias(_) | KeyRef::Unresolved { .. } => continue,
                    };
                    let e = keys.entry(arn).or_default();
                    if e.account.is_empty() {
                        e.account = acct;
                        e.region = reg;
                    }
                    let user = User {
                        kind,
                        resource: resource.clone(),
                        account: a.id.clone(),
                        env: env_of(tag, own_tags, account_tags),
                    };
                    if !e.users.iter().any(|u| u.resource == user.resource) {
                        e.users.push(user);
                    }
                }
            }
        }

        let mut out = Vec::new();
        for (arn, mut u) in keys {
            let at = Subject::new(&u.account, Some(&u.region), &arn);
            u.users.sort_by(|a, b| a.resource.cmp(&b.resource));
            let mut envs: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for e in &u.key_tag_envs {
                envs.entry(e.clone())
                    .or_default()
                    .push(format!("key tag {tag}"));
            }
            for user in &u.users {
                if let Some((es, src)) = &user.env {
                    for e in es {
                        envs.entry(e.clone())
                            .or_default()
                            .push(format!("{} {} ({src})", user.kind, user.resource));
                    }
                }
            }
            if u.users.is_empty() && envs.len() <= 1 {
                // No user seen: a key is judged only where something uses it. Where the
                // resources that could use it were not all read, that is not known.
                let unread: Vec<&str> = USER_SERVICES
                    .iter()
                    .copied()
                    .filter(|svc| cx.has_gap(&u.account, None, svc))
                    .collect();
                if !unread.is_empty() {
                    out.push(
                        at.unknown(format!(
                            "No resource was seen using key {arn}, but {} data of the account could not all be read, so which environments it serves is not known.",
                            unread.join(", ")
                        ))
                        .evidence(json!({"key": arn, "unread_services": unread})),
                    );
                }
                continue;
            }
            let users: Vec<Value> = u
                .users
                .iter()
                .map(|x| {
                    json!({
                        "type": x.kind,
                        "resource": x.resource,
                        "account": x.account,
                        "environment": x.env.as_ref().map(|(e, _)| e.join(",")),
                        "environment_from": x.env.as_ref().map(|(_, s)| s.clone()),
                    })
                })
                .collect();
            let ev = json!({
                "environment_tag_key": tag,
                "key_environment_tag": u.key_tag_envs,
                "environments": envs,
                "users": users,
            });
            let names: Vec<&str> = envs.keys().map(String::as_str).collect();
            let d = match envs.len() {
                0 => at.unknown(format!(
                        "Key {arn} is used by {} resource(s) but neither it, they nor their accounts carry a `{tag}` tag, so the environments it serves cannot be established.",
                        u.users.len()
                    )),
                1 if u.tags_unread => at.unknown(format!(
                        "Key {arn} serves {} as far as was read, but its own tags (which may name another environment) could not be read.",
                        names[0]
                    )),
                1 => at.pass(format!("Key {arn} serves a single environment ({}).", names[0])),
                _ => at.fail(format!(
                        "Key {arn} serves more than one environment ({}), so access to one environment's data opens the others'.",
                        names.join(", ")
                    )),
            };
            out.push(d.evidence(ev));
        }
        for (account, region, key) in undescribed {
            out.push(
                Subject::new(account, Some(region), &key.arn)
                    .unknown(format!(
                        "Key {} could not be described, so whether it is a customer-managed key serving one environment is not known.",
                        key.arn
                    ))
                    .evidence(cx.gap_evidence(account, Some(region), "kms")),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::testutil::*;
    use crate::model::*;

    const KEY: &str = "arn:aws:kms:us-east-1:111122223333:key/shared";

    fn snap(key_env: Option<&str>, g1_env: Option<&str>, g2_env: Option<&str>) -> Snapshot {
        let mut a = account(ACCOUNT);
        let mut key = KmsKey {
            id: "shared".into(),
            arn: KEY.into(),
            manager: "CUSTOMER".into(),
            ..KmsKey::default()
        };
        if let Some(e) = key_env {
            key.tags.insert("environment".into(), e.into());
        }
        let g = |id: &str, env: Option<&str>| Guardrail {
            id: id.into(),
            arn: format!("arn:aws:bedrock:us-east-1:{ACCOUNT}:guardrail/{id}"),
            name: id.into(),
            kms_key_arn: Some("shared".into()),
            tags: env
                .map(|e| [("environment".to_string(), e.to_string())].into())
                .unwrap_or_default(),
            ..Guardrail::default()
        };
        a.regions.insert(
            "us-east-1".into(),
            RegionData {
                kms: Some(Kms { keys: vec![key] }),
                bedrock: Some(Bedrock {
                    guardrails: Some(vec![g("g1", g1_env), g("g2", g2_env)]),
                    ..Bedrock::all_read()
                }),
                ..RegionData::all_read()
            },
        );
        snapshot(vec![a])
    }

    #[test]
    fn users_in_two_environments_fail() {
        let f = run("KMS-003", &snap(Some("prod"), Some("prod"), Some("dev")));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Fail);
        assert_eq!(f[0].resource, KEY);
        assert!(f[0].message.contains("dev, prod"));
    }

    #[test]
    fn key_tagged_with_several_environments_fails() {
        let f = run("KMS-003", &snap(Some("dev,prod"), None, None));
        assert_eq!(f[0].status, Status::Fail);
    }

    #[test]
    fn one_environment_passes() {
        let f = run("KMS-003", &snap(Some("prod"), Some("prod"), None));
        assert_eq!(f[0].status, Status::Pass);
        assert_eq!(
            f[0].evidence.value()["environments"]["prod"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
    }

    #[test]
    fn untagged_key_and_users_are_unknown() {
        let f = run("KMS-003", &snap(None, None, None));
        assert_eq!(f[0].status, Status::Unknown);
    }

    #[test]
    fn env_values_split() {
        assert_eq!(super::env_values("Dev, prod"), vec!["dev", "prod"]);
    }
}
