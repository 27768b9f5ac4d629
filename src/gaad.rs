//! Offline IAM input: a snapshot built from an `aws iam get-account-authorization-details`
//! dump, for engagements where a client hands over the dump rather than access.
//!
//! Only IAM is in such a dump: every other service is recorded as a gap so that the
//! checks needing it say `unknown`.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::model::{
    Account, CallerIdentity, Document, Gap, Group, Iam, InlinePolicy, JsonText, ManagedPolicy,
    Meta, Probe, Role, Snapshot, Tags, ToolInfo, User,
};

#[derive(Debug, thiserror::Error)]
pub enum GaadError {
    #[error("cannot read IAM dump {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("IAM dump {path} is not valid JSON ({source})")]
    Json {
        path: String,
        source: serde_json::Error,
    },
    #[error(
        "IAM dump {path} does not look like get-account-authorization-details output: {reason}"
    )]
    Shape { path: String, reason: String },
}

#[derive(Debug, Default)]
struct Dump {
    user_detail_list: Vec<UserDetail>,
    group_detail_list: Vec<GroupDetail>,
    role_detail_list: Vec<RoleDetail>,
    policies: Vec<PolicyDetail>,
    /// Whether any of the four lists was present (an empty list is still present).
    any_list: bool,
}

impl<'de> Deserialize<'de> for Dump {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "PascalCase")]
        struct Raw {
            user_detail_list: Option<Vec<UserDetail>>,
            group_detail_list: Option<Vec<GroupDetail>>,
            role_detail_list: Option<Vec<RoleDetail>>,
            policies: Option<Vec<PolicyDetail>>,
        }
        let r = Raw::deserialize(d)?;
        let any_list = r.user_detail_list.is_some()
            || r.group_detail_list.is_some()
            || r.role_detail_list.is_some()
            || r.policies.is_some();
        Ok(Dump {
            user_detail_list: r.user_detail_list.unwrap_or_default(),
            group_detail_list: r.group_detail_list.unwrap_or_default(),
            role_detail_list: r.role_detail_list.unwrap_or_default(),
            policies: r.policies.unwrap_or_default(),
            any_list,
        })
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct NamedDoc {
    policy_name: String,
    policy_document: JsonText,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct Attached {
    policy_arn: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct Boundary {
    permissions_boundary_arn: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct Tag {
    key: String,
    value: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct UserDetail {
    path: String,
    user_name: String,
    user_id: String,
    arn: String,
    create_date: Option<String>,
    user_policy_list: Vec<NamedDoc>,
    group_list: Vec<String>,
    attached_managed_policies: Vec<Attached>,
    permissions_boundary: Option<Boundary>,
    tags: Vec<Tag>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct GroupDetail {
    group_name: String,
    arn: String,
    group_policy_list: Vec<NamedDoc>,
    attached_managed_policies: Vec<Attached>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct LastUsed {
    last_used_date: Option<String>,
    region: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct RoleDetail {
    path: String,
    role_name: String,
    role_id: String,
    arn: String,
    create_date: Option<String>,
    assume_role_policy_document: JsonText,
    role_policy_list: Vec<NamedDoc>,
    attached_managed_policies: Vec<Attached>,
    permissions_boundary: Option<Boundary>,
    tags: Vec<Tag>,
    role_last_used: Option<LastUsed>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct PolicyVersion {
    document: JsonText,
    version_id: String,
    is_default_version: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct PolicyDetail {
    policy_name: String,
    arn: String,
    default_version_id: String,
    policy_version_list: Vec<PolicyVersion>,
}

/// Policy documents arrive as objects (AWS CLI output) or URL-encoded strings (raw API).
/// A string that does not decode to JSON is kept as it is: the checks that read it say why
/// it could not be parsed.
fn document(d: JsonText) -> Document {
    match d.as_json_string() {
        Some(s) => crate::collect::decode::policy_text(&s).unwrap_or(d),
        None => d,
    }
}

fn tags(t: Vec<Tag>) -> Tags {
    t.into_iter().map(|t| (t.key, t.value)).collect()
}

fn inline(list: Vec<NamedDoc>) -> Vec<InlinePolicy> {
    list.into_iter()
        .map(|d| InlinePolicy {
            name: d.policy_name,
            document: document(d.policy_document),
        })
        .collect()
}

fn account_of(arn: &str) -> Option<&str> {
    arn.split(':')
        .nth(4)
        .filter(|a| !a.is_empty() && *a != "aws")
}

/// Build a snapshot from the dump's text. `account_id` overrides the account taken from
/// the ARNs in the dump.
pub fn snapshot_from_gaad(
    path: &str,
    text: &str,
    account_id: Option<&str>,
    now: &str,
) -> Result<Snapshot, GaadError> {
    // Straight into the typed dump: the text is not also held as a JSON tree.
    let dump: Dump = serde_json::from_str(text).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => GaadError::Shape {
            path: path.into(),
            reason: if text.trim_start().starts_with('{') {
                e.to_string()
            } else {
                "the top level is not an object".into()
            },
        },
        _ => GaadError::Json {
            path: path.into(),
            source: e,
        },
    })?;
    if !dump.any_list {
        return Err(GaadError::Shape {
            path: path.into(),
            reason:
                "none of UserDetailList, GroupDetailList, RoleDetailList or Policies is present"
                    .into(),
        });
    }
    let mut dump = dump;
    let account = match account_id {
        Some(a) => a.to_string(),
        None => dump
            .role_detail_list
            .iter()
            .map(|r| r.arn.as_str())
            .chain(dump.user_detail_list.iter().map(|u| u.arn.as_str()))
            .chain(dump.group_detail_list.iter().map(|g| g.arn.as_str()))
            .find_map(account_of)
            .map(str::to_string)
            .ok_or_else(|| GaadError::Shape {
                path: path.into(),
                reason: "no ARN names the account; pass --account-id".into(),
            })?,
    };

    let mut policies = Vec::with_capacity(dump.policies.len());
    for mut p in std::mem::take(&mut dump.policies) {
        let at = p
            .policy_version_list
            .iter()
            .position(|v| v.is_default_version || v.version_id == p.default_version_id);
        let version = at.map(|i| p.policy_version_list.swap_remove(i));
        let name = if p.policy_name.is_empty() {
            p.arn.rsplit('/').next().unwrap_or_default().to_string()
        } else {
            p.policy_name
        };
        policies.push(ManagedPolicy {
            aws_managed: p.arn.contains(":iam::aws:policy/"),
            name,
            version_id: version
                .as_ref()
                .map(|v| v.version_id.clone())
                .unwrap_or_default(),
            document: version.map(|v| document(v.document)).unwrap_or_default(),
            arn: p.arn,
        });
    }

    let iam = Iam {
        roles: dump
            .role_detail_list
            .into_iter()
            .map(|r| Role {
                arn: r.arn,
                name: r.role_name,
                path: r.path,
                id: r.role_id,
                created: r.create_date,
                tags: tags(r.tags),
                trust_policy: document(r.assume_role_policy_document),
                inline_policies: inline(r.role_policy_list),
                attached_policies: r
                    .attached_managed_policies
                    .into_iter()
                    .map(|a| a.policy_arn)
                    .collect(),
                permissions_boundary: r.permissions_boundary.map(|b| b.permissions_boundary_arn),
                last_used: r
                    .role_last_used
                    .as_ref()
                    .and_then(|l| l.last_used_date.clone()),
                last_used_region: r.role_last_used.and_then(|l| l.region),
            })
            .collect(),
        users: dump
            .user_detail_list
            .into_iter()
            .map(|u| User {
                arn: u.arn,
                name: u.user_name,
                path: u.path,
                id: u.user_id,
                created: u.create_date,
                tags: tags(u.tags),
                inline_policies: inline(u.user_policy_list),
                attached_policies: u
                    .attached_managed_policies
                    .into_iter()
                    .map(|a| a.policy_arn)
                    .collect(),
                groups: u.group_list,
                permissions_boundary: u.permissions_boundary.map(|b| b.permissions_boundary_arn),
                password_last_used: None,
                service_credentials: Probe::Unknown,
            })
            .collect(),
        groups: dump
            .group_detail_list
            .into_iter()
            .map(|g| Group {
                arn: g.arn,
                name: g.group_name,
                inline_policies: inline(g.group_policy_list),
                attached_policies: g
                    .attached_managed_policies
                    .into_iter()
                    .map(|a| a.policy_arn)
                    .collect(),
            })
            .collect(),
        policies,
    };

    let mut snapshot = Snapshot::new(Meta {
        tool: ToolInfo::current(),
        caller: CallerIdentity {
            account: account.clone(),
            arn: format!("file:{path}"),
            user_id: String::new(),
        },
        started: now.into(),
        finished: now.into(),
        regions: Vec::new(),
        accounts: vec![account.clone()],
        source: "gaad".into(),
        partial: false,
        api_calls: Vec::new(),
    });
    snapshot.accounts.push(Account {
        id: account.clone(),
        access: format!("iam dump {path}"),
        iam: Some(iam),
        regions: BTreeMap::new(),
        ..Account::default()
    });
    for (service, what) in [
        ("organizations", "SCP chain"),
        ("kms", "keys"),
        ("bedrock", "Bedrock configuration"),
        ("ec2", "VPC endpoints"),
        ("cloudtrail", "trails and activity"),
        ("s3", "log buckets"),
        ("logs", "log groups"),
        ("iam", "service-specific credentials"),
    ] {
        snapshot.gaps.push(Gap {
            account: account.clone(),
            region: None,
            service: service.into(),
            operation: "(offline IAM dump)".into(),
            error: format!("{what} are not part of an IAM authorization-details dump"),
            resource: None,
        });
    }
    Ok(snapshot)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DUMP: &str = r#"{
      "RoleDetailList": [{
        "Path": "/", "RoleName": "app", "RoleId": "AROA1", "Arn": "arn:aws:iam::111122223333:role/app",
        "AssumeRolePolicyDocument": "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D",
        "RolePolicyList": [{"PolicyName": "invoke", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "*"}]}}],
        "AttachedManagedPolicies": [{"PolicyName": "AmazonBedrockFullAccess", "PolicyArn": "arn:aws:iam::aws:policy/AmazonBedrockFullAccess"}],
        "Tags": [{"Key": "tenant", "Value": "acme"}],
        "RoleLastUsed": {"LastUsedDate": "2026-01-01T00:00:00Z", "Region": "eu-west-1"}
      }],
      "Policies": [{"PolicyName": "AmazonBedrockFullAccess", "Arn": "arn:aws:iam::aws:policy/AmazonBedrockFullAccess",
        "DefaultVersionId": "v2", "PolicyVersionList": [{"Document": {"Version": "2012-10-17", "Statement": []}, "VersionId": "v2", "IsDefaultVersion": true}]}]
    }"#;

    #[test]
    fn converts_a_dump() {
        let s = snapshot_from_gaad("d.json", DUMP, None, "2026-11-01T00:00:00Z").unwrap();
        assert_eq!(s.meta.source, "gaad");
        let a = &s.accounts[0];
        assert_eq!(a.id, "111122223333");
        let iam = a.iam.as_ref().unwrap();
        let r = &iam.roles[0];
        assert_eq!(r.trust_policy.value()["Version"], "2012-10-17");
        // Decoded into compact text, whatever form the dump gave.
        assert_eq!(
            r.trust_policy.as_str(),
            r#"{"Version":"2012-10-17","Statement":[]}"#
        );
        assert_eq!(
            r.inline_policies[0].document.value()["Statement"][0]["Action"],
            "bedrock:InvokeModel"
        );
        assert_eq!(r.tags["tenant"], "acme");
        assert_eq!(r.last_used.as_deref(), Some("2026-01-01T00:00:00Z"));
        assert!(iam.policies[0].aws_managed);
        assert!(s.gaps.iter().any(|g| g.service == "kms"));
    }

    #[test]
    fn url_encoded_documents_keep_plus_signs() {
        // A '+' in a policy is sent as %2B and a space as %20 (RFC 3986); decoding must not
        // turn either into the other.
        let dump = r#"{"RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::111122223333:role/r",
            "AssumeRolePolicyDocument": "%7B%22Statement%22%3A%5B%7B%22Sid%22%3A%22a%20b%22%2C%22Resource%22%3A%22arn%3Aaws%3As3%3A%3A%3Ax%2By%22%7D%5D%7D",
            "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": "%7Bnot json"}]}]}"#;
        let s = snapshot_from_gaad("d.json", dump, None, "t").unwrap();
        let r = &s.accounts[0].iam.as_ref().unwrap().roles[0];
        let st = &r.trust_policy.value()["Statement"][0];
        assert_eq!(st["Sid"], "a b");
        assert_eq!(st["Resource"], "arn:aws:s3:::x+y");
        // Undecodable: kept as the string it was, so a check can say why it is unreadable.
        assert_eq!(
            r.inline_policies[0].document.as_json_string().as_deref(),
            Some("%7Bnot json")
        );
    }

    #[test]
    fn rejects_other_json() {
        let e = snapshot_from_gaad("d.json", "{\"Foo\": 1}", None, "t").unwrap_err();
        assert!(e.to_string().contains("does not look like"), "{e}");
        assert!(snapshot_from_gaad("d.json", "[1,", None, "t").is_err());
    }
}
