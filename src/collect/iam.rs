//! IAM (global, once per account): `GetAccountAuthorizationDetails` for roles, users,
//! groups and customer-managed policies; the attached AWS-managed policies' default
//! documents (cached run-wide); each user's service-specific credentials.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_iam::Client;
use aws_sdk_iam::types::{EntityType, PolicyDetail, Tag};
use futures::stream::{self, StreamExt};

use super::context::CallContext;
use super::decode::{opt_time, policy_text};
use crate::model::{
    Document, Group, Iam, InlinePolicy, ManagedPolicy, Probe, Role, ServiceCredential, Tags, User,
};

const SVC: &str = "iam";
const GAAD: &str = "GetAccountAuthorizationDetails";
/// Most per-user or per-policy calls in flight at once within one account.
const FAN_OUT: usize = 8;

/// Read IAM of one account. `None` when the authorization details could not be read
/// (a gap says why).
pub async fn collect_iam(client: &Client, cx: &CallContext) -> Option<Iam> {
    let cx = cx.global();
    let mut iam = Iam::default();
    let mut marker: Option<String> = None;
    loop {
        let page = cx
            .call(SVC, GAAD, || {
                client
                    .get_account_authorization_details()
                    .set_filter(Some(vec![
                        EntityType::Role,
                        EntityType::User,
                        EntityType::Group,
                        EntityType::LocalManagedPolicy,
                    ]))
                    .set_marker(marker.clone())
                    .send()
            })
            .await;
        let page = match page {
            Ok(p) => p,
            Err(e) => {
                cx.gap(SVC, GAAD, &e, None);
                return None;
            }
        };
        for r in page.role_detail_list() {
            iam.roles.push(convert_role(r, &cx));
        }
        for u in page.user_detail_list() {
            iam.users.push(convert_user(u, &cx));
        }
        for g in page.group_detail_list() {
            iam.groups.push(convert_group(g, &cx));
        }
        for p in page.policies() {
            iam.policies.push(convert_local_policy(p, &cx));
        }
        match page.marker() {
            Some(m) if page.is_truncated() && !m.is_empty() => marker = Some(m.to_string()),
            _ => break,
        }
    }

    // AWS-managed policies attached to something (or used as a boundary).
    let known: BTreeSet<String> = iam.policies.iter().map(|p| p.arn.clone()).collect();
    let mut referenced: BTreeSet<String> = BTreeSet::new();
    for r in &iam.roles {
        referenced.extend(r.attached_policies.iter().cloned());
        referenced.extend(r.permissions_boundary.iter().cloned());
    }
    for u in &iam.users {
        referenced.extend(u.attached_policies.iter().cloned());
        referenced.extend(u.permissions_boundary.iter().cloned());
    }
    for g in &iam.groups {
        referenced.extend(g.attached_policies.iter().cloned());
    }
    let missing: Vec<String> = referenced.difference(&known).cloned().collect();
    let fetched: Vec<ManagedPolicy> = stream::iter(missing)
        .map(|arn| {
            let cx = cx.clone();
            async move { aws_managed_policy(client, &cx, arn).await }
        })
        .buffered(FAN_OUT)
        .collect()
        .await;
    iam.policies.extend(fetched);
    iam.policies.sort_by(|a, b| a.arn.cmp(&b.arn));

    // Password last used (not in the authorization details).
    if !iam.users.is_empty() {
        password_last_used(client, &cx, &mut iam.users).await;
    }

    // Service-specific credentials (Bedrock long-term API keys among them).
    let creds: Vec<Probe<Vec<ServiceCredential>>> = stream::iter(iam.users.iter())
        .map(|u| {
            let cx = cx.clone();
            let name = u.name.clone();
            let arn = u.arn.clone();
            async move { service_credentials(client, &cx, &name, &arn).await }
        })
        .buffered(FAN_OUT)
        .collect()
        .await;
    for (u, c) in iam.users.iter_mut().zip(creds) {
        u.service_credentials = c;
    }
    Some(iam)
}

fn tags(list: &[Tag]) -> Tags {
    list.iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect()
}

/// Decode a document or record why it could not be, giving `null`.
fn document(cx: &CallContext, text: Option<&str>, what: &str, resource: &str) -> Document {
    match text {
        None => Document::null(),
        Some(t) => match policy_text(t) {
            Ok(v) => v,
            Err(e) => {
                cx.gap(SVC, GAAD, format!("{what}: {e}"), Some(resource));
                Document::null()
            }
        },
    }
}

fn inline(cx: &CallContext, list: &[PolicyDetail], owner: &str) -> Vec<InlinePolicy> {
    list.iter()
        .map(|p| {
            let name = p.policy_name().unwrap_or_default().to_string();
            InlinePolicy {
                document: document(
                    cx,
                    p.policy_document(),
                    &format!("inline policy {name}"),
                    owner,
                ),
                name,
            }
        })
        .collect()
}

fn attached(list: &[aws_sdk_iam::types::AttachedPolicy]) -> Vec<String> {
    list.iter()
        .filter_map(|p| p.policy_arn().map(str::to_string))
        .collect()
}

fn convert_role(r: &aws_sdk_iam::types::RoleDetail, cx: &CallContext) -> Role {
    let arn = r.arn().unwrap_or_default().to_string();
    Role {
        name: r.role_name().unwrap_or_default().to_string(),
        path: r.path().unwrap_or("/").to_string(),
        id: r.role_id().unwrap_or_default().to_string(),
        created: opt_time(r.create_date()),
        tags: tags(r.tags()),
        trust_policy: document(cx, r.assume_role_policy_document(), "trust policy", &arn),
        inline_policies: inline(cx, r.role_policy_list(), &arn),
        attached_policies: attached(r.attached_managed_policies()),
        permissions_boundary: r
            .permissions_boundary()
            .and_then(|b| b.permissions_boundary_arn())
            .map(str::to_string),
        last_used: r
            .role_last_used()
            .and_then(|u| opt_time(u.last_used_date())),
        last_used_region: r
            .role_last_used()
            .and_then(|u| u.region())
            .map(str::to_string),
        arn,
    }
}

fn convert_user(u: &aws_sdk_iam::types::UserDetail, cx: &CallContext) -> User {
    let arn = u.arn().unwrap_or_default().to_string();
    User {
        name: u.user_name().unwrap_or_default().to_string(),
        path: u.path().unwrap_or("/").to_string(),
        id: u.user_id().unwrap_or_default().to_string(),
        created: opt_time(u.create_date()),
        tags: tags(u.tags()),
        inline_policies: inline(cx, u.user_policy_list(), &arn),
        attached_policies: attached(u.attached_managed_policies()),
        groups: u.group_list().to_vec(),
        permissions_boundary: u
            .permissions_boundary()
            .and_then(|b| b.permissions_boundary_arn())
            .map(str::to_string),
        password_last_used: None,
        service_credentials: Probe::Unknown,
        arn,
    }
}

fn convert_group(g: &aws_sdk_iam::types::GroupDetail, cx: &CallContext) -> Group {
    let arn = g.arn().unwrap_or_default().to_string();
    Group {
        name: g.group_name().unwrap_or_default().to_string(),
        inline_policies: inline(cx, g.group_policy_list(), &arn),
        attached_policies: attached(g.attached_managed_policies()),
        arn,
    }
}

/// Name of a policy from its ARN (`arn:aws:iam::1:policy/path/name` → `name`).
fn name_from_arn(arn: &str) -> String {
    arn.rsplit('/').next().unwrap_or(arn).to_string()
}

fn convert_local_policy(
    p: &aws_sdk_iam::types::ManagedPolicyDetail,
    cx: &CallContext,
) -> ManagedPolicy {
    let arn = p.arn().unwrap_or_default().to_string();
    let name = p
        .policy_name()
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| name_from_arn(&arn));
    let default_id = p.default_version_id().map(str::to_string);
    let version = p.policy_version_list().iter().find(|v| {
        v.is_default_version() || (default_id.is_some() && v.version_id() == default_id.as_deref())
    });
    let document = document(
        cx,
        version.and_then(|v| v.document()),
        "default policy version",
        &arn,
    );
    if version.is_none() {
        cx.gap(
            SVC,
            GAAD,
            "the default version of the policy was not returned",
            Some(&arn),
        );
    }
    ManagedPolicy {
        aws_managed: arn.contains(":aws:policy/"),
        version_id: version
            .and_then(|v| v.version_id())
            .map(str::to_string)
            .or(default_id)
            .unwrap_or_default(),
        name,
        document,
        arn,
    }
}

/// An AWS-managed (or otherwise unlisted) policy: default version id by `GetPolicy`, its
/// document by `GetPolicyVersion`, both cached for the run.
async fn aws_managed_policy(client: &Client, cx: &CallContext, arn: String) -> ManagedPolicy {
    let aws_managed = arn.contains(":aws:policy/");
    let cell = cx.run().policy_cell(&arn);
    let fetched = cell
        .get_or_try_init(|| async {
            let pol = cx
                .call(SVC, "GetPolicy", || {
                    client.get_policy().policy_arn(&arn).send()
                })
                .await
                .map_err(|e| ("GetPolicy", e.to_string()))?;
            let version = pol
                .policy()
                .and_then(|p| p.default_version_id())
                .ok_or(("GetPolicy", "no default version id returned".to_string()))?
                .to_string();
            let ver = cx
                .call(SVC, "GetPolicyVersion", || {
                    client
                        .get_policy_version()
                        .policy_arn(&arn)
                        .version_id(&version)
                        .send()
                })
                .await
                .map_err(|e| ("GetPolicyVersion", e.to_string()))?;
            let text = ver
                .policy_version()
                .and_then(|v| v.document())
                .ok_or(("GetPolicyVersion", "no document returned".to_string()))?;
            let doc = policy_text(text).map_err(|e| ("GetPolicyVersion", e))?;
            Ok::<_, (&str, String)>((version, doc))
        })
        .await;
    match fetched {
        Ok((version, doc)) => ManagedPolicy {
            name: name_from_arn(&arn),
            aws_managed,
            version_id: version.clone(),
            document: doc.clone(),
            arn,
        },
        Err((op, e)) => {
            cx.gap(SVC, op, e, Some(&arn));
            ManagedPolicy {
                name: name_from_arn(&arn),
                aws_managed,
                version_id: String::new(),
                document: Document::null(),
                arn,
            }
        }
    }
}

async fn password_last_used(client: &Client, cx: &CallContext, users: &mut [User]) {
    let mut found: BTreeMap<String, String> = BTreeMap::new();
    let mut marker: Option<String> = None;
    loop {
        let Some(page) = cx
            .call_or_gap(SVC, "ListUsers", None, || {
                client.list_users().set_marker(marker.clone()).send()
            })
            .await
        else {
            return;
        };
        for u in page.users() {
            if let Some(t) = opt_time(u.password_last_used()) {
                found.insert(u.arn().to_string(), t);
            }
        }
        match page.marker() {
            Some(m) if page.is_truncated() && !m.is_empty() => marker = Some(m.to_string()),
            _ => break,
        }
    }
    for u in users {
        u.password_last_used = found.get(&u.arn).cloned();
    }
}

async fn service_credentials(
    client: &Client,
    cx: &CallContext,
    user: &str,
    arn: &str,
) -> Probe<Vec<ServiceCredential>> {
    match cx
        .call(SVC, "ListServiceSpecificCredentials", || {
            client
                .list_service_specific_credentials()
                .user_name(user)
                .send()
        })
        .await
    {
        Ok(out) => Probe::Found(
            out.service_specific_credentials()
                .iter()
                .map(|c| ServiceCredential {
                    id: c.service_specific_credential_id().to_string(),
                    service_name: c.service_name().to_string(),
                    status: c.status().as_str().to_string(),
                    created: super::decode::time(c.create_date()),
                    expires: opt_time(c.expiration_date()),
                })
                .collect(),
        ),
        Err(e) => {
            cx.gap(SVC, "ListServiceSpecificCredentials", &e, Some(arn));
            Probe::Unknown
        }
    }
}
