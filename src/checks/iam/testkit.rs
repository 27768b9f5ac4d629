//! Builders for the IAM, tenant and CRIS checks' unit tests.

use serde_json::Value;

use crate::checks::testutil::{ACCOUNT, account};
use crate::model::{Account, Iam, InlinePolicy, ManagedPolicy, Role, ScpLevel, ScpRef, Tags, User};

pub fn role_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:role/{name}")
}

pub fn user_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:user/{name}")
}

/// A role with one inline policy.
pub fn role(name: &str, policy: Value) -> Role {
    Role {
        arn: role_arn(name),
        name: name.into(),
        path: "/".into(),
        id: format!("AROA{}", name.to_uppercase()),
        created: Some("2026-01-01T00:00:00Z".into()),
        tags: Tags::new(),
        trust_policy: Value::Null.into(),
        inline_policies: vec![InlinePolicy {
            name: "p".into(),
            document: policy.into(),
        }],
        last_used: Some("2026-10-30T00:00:00Z".into()),
        ..Role::default()
    }
}

/// A role with tags.
pub fn tagged_role(name: &str, policy: Value, tags: &[(&str, &str)]) -> Role {
    let mut r = role(name, policy);
    r.tags = tags
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    r
}

/// A user with one inline policy.
pub fn user(name: &str, policy: Value) -> User {
    User {
        arn: user_arn(name),
        name: name.into(),
        path: "/".into(),
        created: Some("2026-01-01T00:00:00Z".into()),
        inline_policies: vec![InlinePolicy {
            name: "p".into(),
            document: policy.into(),
        }],
        password_last_used: Some("2026-10-30T00:00:00Z".into()),
        ..User::default()
    }
}

/// The test account holding these roles.
pub fn with_roles(roles: Vec<Role>) -> Account {
    with_iam(roles, Vec::new(), Vec::new())
}

pub fn with_iam(roles: Vec<Role>, users: Vec<User>, policies: Vec<ManagedPolicy>) -> Account {
    let mut a = account(ACCOUNT);
    a.iam = Some(Iam {
        roles,
        users,
        groups: Vec::new(),
        policies,
    });
    a
}

/// An SCP chain: root allows everything; `ou_policies` are attached at OU `Workloads`.
pub fn scp_chain(ou_policies: Vec<(&str, &str, Value)>) -> Vec<ScpLevel> {
    let full = serde_json::json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]});
    let mut ou: Vec<ScpRef> = vec![ScpRef {
        id: "p-FullAWSAccess".into(),
        name: "FullAWSAccess".into(),
        document: full.clone().into(),
    }];
    for (id, name, doc) in ou_policies {
        ou.push(ScpRef {
            id: id.into(),
            name: name.into(),
            document: doc.into(),
        });
    }
    vec![
        ScpLevel {
            kind: "root".into(),
            target_id: "r-root".into(),
            target_name: "Root".into(),
            policies: vec![ScpRef {
                id: "p-FullAWSAccess".into(),
                name: "FullAWSAccess".into(),
                document: full.clone().into(),
            }],
        },
        ScpLevel {
            kind: "ou".into(),
            target_id: "ou-work-1".into(),
            target_name: "Workloads".into(),
            policies: ou,
        },
        ScpLevel {
            kind: "account".into(),
            target_id: ACCOUNT.into(),
            target_name: "app".into(),
            policies: vec![ScpRef {
                id: "p-FullAWSAccess".into(),
                name: "FullAWSAccess".into(),
                document: full.into(),
            }],
        },
    ]
}

/// A Region-deny SCP allowing only `regions`.
pub fn region_deny(sid: &str, regions: &[&str]) -> Value {
    serde_json::json!({"Version":"2012-10-17","Statement":[{
        "Sid": sid, "Effect":"Deny",
        "NotAction":["iam:*","organizations:*","sts:*","support:*"],
        "Resource":"*",
        "Condition":{"StringNotEquals":{"aws:RequestedRegion": regions}}
    }]})
}
