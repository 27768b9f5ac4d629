//! KMS-007: principals beyond the key's intended roles can `kms:Decrypt`.
//!
//! For each customer-managed key and each non-administrator workload principal of the
//! key's account, the engine decides (key-policy semantics, SCPs and boundaries
//! included) whether the principal may decrypt with the key. It fails on the key when a
//! principal may, although the key policy alone would not let it (it is not one of the
//! key's intended roles, so it comes in through the root delegation) and its identity
//! policies would also decrypt with a key they do not name (a `*` or `key/*` grant).

use serde_json::{Value, json};

use super::key_policy_wildcard::key_decision;
use super::{key_name, key_policy, key_policy_label, live_customer_keys};
use crate::checks::Subject;
use crate::checks::network::open_json;
use crate::checks::{Check, Draft, EvalContext};
use crate::policy::{Labeled, Policy, ServiceSemantics};

#[derive(Debug)]
pub struct KeyDecryptTooBroad;

impl Check for KeyDecryptTooBroad {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for (account, region, key) in live_customer_keys(cx, &mut out) {
            let Some(view) = cx.account(account) else {
                continue;
            };
            let at = Subject::new(account, Some(region), &key.arn);
            let name = key_name(key);
            if view.account.iam.is_none() {
                out.push(
                    at.unknown(format!("IAM of account {account} could not be read, so who can decrypt with {name} is not known."))
                    .evidence(cx.gap_evidence(account, None, "iam")),
                );
                continue;
            }
            let policy = match key_policy(cx, &at, key, "who can decrypt with it") {
                Ok(p) => p,
                Err(unknown) => {
                    out.push(*unknown);
                    continue;
                }
            };
            let label = key_policy_label(key);
            // A key the identity policies do not name, whose policy delegates to the root:
            // if a principal may decrypt with it, its grant is a wildcard.
            let probe_key = format!(
                "arn:{}:kms:{region}:{account}:key/00000000-0000-0000-0000-perimeterprobe",
                view.partition
            );
            #[expect(clippy::expect_used, reason = "a constant policy document")]
            let delegating = Policy::from_value(&json!({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"AWS": view.root_arn()}, "Action": "kms:*", "Resource": "*"}]
            }))
            .expect("the probe key policy parses");

            let mut broad: Vec<Value> = Vec::new();
            let mut incomplete: Vec<&str> = Vec::new();
            for p in view.principals.iter().filter(|p| p.is_workload()) {
                let set = cx.policy_set(view, p, true);
                let mut req = cx.request(view, p, "kms:Decrypt", &key.arn, Some(region));
                req.resource_account = Some(account.to_string());
                req.context.insert("kms:CallerAccount", account);
                let mut full_set = set.clone();
                full_set.resource = vec![Labeled::new(label.clone(), &policy)];
                full_set.semantics = Some(ServiceSemantics::KmsKeyPolicy);
                let full = cx.decide_open(&full_set, &req);
                if !full.is_allowed_unconditionally() {
                    if !p.unparsed.is_empty() {
                        incomplete.push(&p.arn);
                    }
                    continue;
                }
                let named = key_decision(Vec::new(), &policy, &label, req.clone());
                if named.may_allow() {
                    continue; // an intended role: the key policy names it
                }
                let mut wreq = cx.request(view, p, "kms:Decrypt", &probe_key, Some(region));
                wreq.resource_account = Some(account.to_string());
                let wild = key_decision(
                    set.identity.clone(),
                    &delegating,
                    "perimeter:probe-key-policy (root delegation)",
                    wreq,
                );
                if !wild.is_allowed_unconditionally() {
                    continue; // the identity grant names this key
                }
                broad.push(json!({
                    "principal": p.arn,
                    "decision": open_json(&full),
                    "wildcard_grant": open_json(&wild),
                }));
            }
            let ev = json!({
                "key_id": key.id,
                "aliases": key.aliases,
                "principals": broad,
                "principals_with_unparsed_policies": incomplete,
            });
            let d = if !broad.is_empty() {
                let names: Vec<&str> = broad
                    .iter()
                    .filter_map(|b| b["principal"].as_str())
                    .collect();
                at.fail(format!(
                        "Key {name} can be used to decrypt by {} through the root delegation and a wildcard kms:Decrypt grant the key policy does not name.",
                        names.join(", ")
                    ))
            } else if !incomplete.is_empty() {
                at.unknown(format!(
                        "Some principals' policies could not be parsed, so whether they can decrypt with {name} is not known."
                    ))
            } else {
                at.pass(format!(
                        "No non-administrator principal can decrypt with {name} through the root delegation and a wildcard kms:Decrypt grant."
                    ))
            };
            out.push(d.evidence(ev));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::checks::Status;
    use crate::checks::kms::key_policy_wildcard::tests::key_snapshot;
    use crate::checks::testutil::*;
    use crate::model::*;

    fn role(name: &str, doc: Value) -> Role {
        Role {
            arn: format!("arn:aws:iam::{ACCOUNT}:role/{name}"),
            name: name.into(),
            path: "/".into(),
            trust_policy: Value::Null.into(),
            inline_policies: vec![InlinePolicy {
                name: "kms".into(),
                document: doc.into(),
            }],
            ..Role::default()
        }
    }

    fn key_policy(named: Option<&str>) -> Value {
        let mut st = vec![
            json!({"Sid":"Root","Effect":"Allow","Principal":{"AWS":format!("arn:aws:iam::{ACCOUNT}:root")},"Action":"kms:*","Resource":"*"}),
        ];
        if let Some(n) = named {
            st.push(json!({"Sid":"Use","Effect":"Allow","Principal":{"AWS":format!("arn:aws:iam::{ACCOUNT}:role/{n}")},"Action":"kms:Decrypt","Resource":"*"}));
        }
        json!({"Version":"2012-10-17","Statement":st})
    }

    fn decrypt(resource: &str) -> Value {
        json!({"Version":"2012-10-17","Statement":[{"Sid":"Dec","Effect":"Allow","Action":"kms:Decrypt","Resource":resource}]})
    }

    #[test]
    fn wildcard_grant_through_root_delegation_fails() {
        let s = key_snapshot(
            key_policy(Some("intended")),
            vec![role("intended", decrypt("*")), role("other", decrypt("*"))],
            Vec::new(),
        );
        let f = run("KMS-007", &s);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Fail, "{:#}", f[0].evidence);
        assert_eq!(
            f[0].resource,
            format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/k1")
        );
        let ev = f[0].evidence.value();
        let ps = ev["principals"].as_array().unwrap();
        assert_eq!(ps.len(), 1);
        assert_eq!(
            ps[0]["principal"],
            format!("arn:aws:iam::{ACCOUNT}:role/other")
        );
    }

    #[test]
    fn key_specific_grant_or_no_delegation_passes() {
        let k = format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/k1");
        let s = key_snapshot(key_policy(None), vec![role("app", decrypt(&k))], Vec::new());
        let f = run("KMS-007", &s);
        assert_eq!(f[0].status, Status::Pass, "{:#}", f[0].evidence);

        let p = json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":format!("arn:aws:iam::{ACCOUNT}:role/admin")},"Action":"kms:*","Resource":"*"}]});
        let s = key_snapshot(p, vec![role("app", decrypt("*"))], Vec::new());
        let f = run("KMS-007", &s);
        assert_eq!(f[0].status, Status::Pass, "{:#}", f[0].evidence);
    }

    #[test]
    fn unreadable_iam_is_unknown() {
        let mut s = key_snapshot(key_policy(None), Vec::new(), Vec::new());
        s.accounts[0].iam = None;
        let f = run("KMS-007", &s);
        assert_eq!(f[0].status, Status::Unknown);
    }
}
