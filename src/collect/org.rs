//! Organizations: the OU tree, accounts with status and tags, SCPs and RCPs with their
//! attachments, and each account's SCP chain root → OUs → account.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_organizations::Client;
use aws_sdk_organizations::types::PolicyType;
use futures::stream::{self, StreamExt};
use serde_json::Value;

use super::context::{CallContext, CallError};
use super::decode::policy_text;
use crate::model::JsonText;
use crate::model::{
    OrgAccount, OrgPolicy, OrgUnit, Organization, OuRef, Probe, ScpLevel, ScpRef, Tags,
};

const SVC: &str = "organizations";
const FAN_OUT: usize = 8;
const MAX_PAGES: usize = 1000;

pub const SCP: &str = "SERVICE_CONTROL_POLICY";
pub const BEDROCK: &str = "BEDROCK_POLICY";
pub const RCP: &str = "RESOURCE_CONTROL_POLICY";

/// What `DescribeOrganization` says about the caller's organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Membership {
    /// The account is in no organisation.
    None,
    /// In an organisation; `management` is the management account's id.
    Member {
        id: String,
        arn: String,
        management: String,
    },
}

pub async fn membership(client: &Client, cx: &CallContext) -> Result<Membership, CallError> {
    match cx
        .call_critical(SVC, "DescribeOrganization", || {
            client.describe_organization().send()
        })
        .await
    {
        Ok(out) => {
            let o = out.organization();
            Ok(Membership::Member {
                id: o.and_then(|o| o.id()).unwrap_or_default().to_string(),
                arn: o.and_then(|o| o.arn()).unwrap_or_default().to_string(),
                management: o
                    .and_then(|o| o.master_account_id())
                    .unwrap_or_default()
                    .to_string(),
            })
        }
        Err(e) if e.is(&["AWSOrganizationsNotInUseException"]) => Ok(Membership::None),
        Err(e) => Err(e),
    }
}

/// The organisation as read, plus what the SCP chain needs beyond the model.
#[derive(Debug, Clone, Default)]
pub struct OrgRead {
    pub org: Organization,
    pub root_name: String,
    /// False when the root reports SCPs as not enabled (then nothing is governed by SCPs).
    pub scps_enabled: bool,
    /// False when the SCPs could not be listed (chains are unknown, a gap says why).
    pub scps_read: bool,
}

/// Read the organisation. Errors on the calls without which there is no organisation to
/// speak of (`ListRoots`, the OU tree); everything else becomes gaps.
pub async fn read_organization(
    client: &Client,
    cx: &CallContext,
    id: &str,
    arn: &str,
    management: &str,
) -> Result<OrgRead, CallError> {
    let roots = cx
        .call_critical(SVC, "ListRoots", || client.list_roots().send())
        .await?;
    let root = roots.roots().first().ok_or_else(|| CallError {
        code: None,
        message: "the organisation has no root".into(),
        status: None,
        kind: super::context::CallErrorKind::Response,
    })?;
    let root_id = root.id().unwrap_or_default().to_string();
    let root_name = root.name().unwrap_or("Root").to_string();
    let types = root.policy_types();
    let type_enabled = |t: &str| {
        types.is_empty()
            || types.iter().any(|p| {
                p.r#type().is_some_and(|x| x.as_str() == t)
                    && p.status().is_some_and(|s| s.as_str() == "ENABLED")
            })
    };
    let scps_enabled = type_enabled(SCP);
    let rcps_enabled = !types.is_empty() && type_enabled(RCP);
    let bedrock_enabled = !types.is_empty() && type_enabled(BEDROCK);

    // The OU tree with its accounts and their tags, and the policies with documents and
    // attachments: independent of each other, so read side by side.
    let structure = async {
        // OU tree, breadth first; accounts of each parent on the way.
        let mut ous: Vec<OrgUnit> = Vec::new();
        let mut accounts: Vec<OrgAccount> = Vec::new();
        let mut level = vec![root_id.clone()];
        while !level.is_empty() {
            let results = stream::iter(level.clone())
                .map(|parent| async move {
                    let (ous, accts) = futures::join!(
                        children_ous(client, cx, &parent),
                        children_accounts(client, cx, &parent)
                    );
                    (parent, ous, accts)
                })
                .buffered(FAN_OUT)
                .collect::<Vec<_>>()
                .await;
            let mut next = Vec::new();
            for (parent, child_ous, child_accounts) in results {
                for (ou_id, name) in child_ous? {
                    next.push(ou_id.clone());
                    ous.push(OrgUnit {
                        id: ou_id,
                        name,
                        parent_id: parent.clone(),
                    });
                }
                accounts.extend(child_accounts?);
            }
            level = next;
        }
        accounts.sort_by(|a, b| a.id.cmp(&b.id));

        // Account tags.
        let tags: Vec<Option<Tags>> = stream::iter(accounts.iter().map(|a| a.id.clone()))
            .map(|id| async move { resource_tags(client, cx, &id).await })
            .buffered(FAN_OUT)
            .collect()
            .await;
        for (a, t) in accounts.iter_mut().zip(tags) {
            match t {
                Some(t) => a.tags = t,
                None => a.tags_unread = true,
            }
        }
        // Each account's effective Bedrock policy, when the type is enabled.
        if bedrock_enabled {
            let effective: Vec<Probe<Value>> = stream::iter(accounts.iter().map(|a| a.id.clone()))
                .map(|id| async move { effective_bedrock_policy(client, cx, &id).await })
                .buffered(FAN_OUT)
                .collect()
                .await;
            for (a, e) in accounts.iter_mut().zip(effective) {
                a.effective_bedrock_policy = e;
            }
        } else {
            for a in accounts.iter_mut() {
                a.effective_bedrock_policy = Probe::Absent;
            }
        }

        Ok::<_, CallError>((ous, accounts))
    };
    let policies = async {
        let mut policies = Vec::new();
        let mut scps_read = true;
        let mut kinds = vec![(PolicyType::ServiceControlPolicy, SCP)];
        if rcps_enabled {
            kinds.push((PolicyType::ResourceControlPolicy, RCP));
        }
        for (kind, name) in kinds {
            match list_policies(client, cx, kind, name).await {
                Some(mut p) => policies.append(&mut p),
                None if name == SCP => scps_read = false,
                None => {}
            }
        }

        let bedrock = if bedrock_enabled {
            list_policies(client, cx, PolicyType::BedrockPolicy, BEDROCK).await
        } else {
            Some(Vec::new())
        };
        (policies, scps_read, bedrock)
    };
    let (structure, (policies, scps_read, bedrock_policies)) = futures::join!(structure, policies);
    let (ous, accounts) = structure?;

    Ok(OrgRead {
        org: Organization {
            id: id.to_string(),
            arn: arn.to_string(),
            management_account_id: management.to_string(),
            root_id,
            ous,
            accounts,
            policies,
            bedrock_policy_enabled: Some(bedrock_enabled),
            bedrock_policies,
        },
        root_name,
        scps_enabled,
        scps_read,
    })
}

async fn children_ous(
    client: &Client,
    cx: &CallContext,
    parent: &str,
) -> Result<Vec<(String, String)>, CallError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = cx
            .call_critical(SVC, "ListOrganizationalUnitsForParent", || {
                client
                    .list_organizational_units_for_parent()
                    .parent_id(parent)
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        for ou in page.organizational_units() {
            if let Some(id) = ou.id() {
                out.push((id.to_string(), ou.name().unwrap_or_default().to_string()));
            }
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    Ok(out)
}

async fn children_accounts(
    client: &Client,
    cx: &CallContext,
    parent: &str,
) -> Result<Vec<OrgAccount>, CallError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = cx
            .call_critical(SVC, "ListAccountsForParent", || {
                client
                    .list_accounts_for_parent()
                    .parent_id(parent)
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        for a in page.accounts() {
            let Some(id) = a.id() else { continue };
            let status = a
                .state()
                .map(|s| s.as_str().to_string())
                .or_else(|| a.status().map(|s| s.as_str().to_string()))
                .unwrap_or_default();
            out.push(OrgAccount {
                id: id.to_string(),
                name: a.name().unwrap_or_default().to_string(),
                email: a.email().unwrap_or_default().to_string(),
                status,
                parent_id: parent.to_string(),
                tags: Tags::new(),
                tags_unread: false,
                effective_bedrock_policy: Probe::Unknown,
            });
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    Ok(out)
}

/// The account's tags; `None` (with a gap) when they could not be read in full.
async fn resource_tags(client: &Client, cx: &CallContext, id: &str) -> Option<Tags> {
    let mut tags = Tags::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = cx
            .call_or_gap(SVC, "ListTagsForResource", Some(id), || {
                client
                    .list_tags_for_resource()
                    .resource_id(id)
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        for t in page.tags() {
            tags.insert(t.key().to_string(), t.value().to_string());
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    Some(tags)
}

/// An account's effective Bedrock policy: `Absent` when none applies
/// (`EffectivePolicyNotFoundException`), `Unknown` (a gap) when it could not be read.
async fn effective_bedrock_policy(
    client: &Client,
    cx: &CallContext,
    account: &str,
) -> Probe<Value> {
    let op = "DescribeEffectivePolicy";
    let answer = cx
        .call(SVC, op, || {
            client
                .describe_effective_policy()
                .policy_type(aws_sdk_organizations::types::EffectivePolicyType::BedrockPolicy)
                .target_id(account)
                .send()
        })
        .await;
    super::decode::policy_probe(
        cx,
        (SVC, op, account),
        "effective Bedrock policy",
        "EffectivePolicyNotFoundException",
        answer
            .as_ref()
            .map(|o| o.effective_policy().and_then(|e| e.policy_content())),
    )
}

async fn list_policies(
    client: &Client,
    cx: &CallContext,
    kind: PolicyType,
    kind_name: &str,
) -> Option<Vec<OrgPolicy>> {
    let mut summaries: Vec<(String, String, bool)> = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = cx
            .call_or_gap(SVC, "ListPolicies", None, || {
                client
                    .list_policies()
                    .filter(kind.clone())
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        for p in page.policies() {
            if let Some(id) = p.id() {
                summaries.push((
                    id.to_string(),
                    p.name().unwrap_or_default().to_string(),
                    p.aws_managed(),
                ));
            }
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    let policies = stream::iter(summaries)
        .map(|(id, name, aws_managed)| async move {
            let (doc, targets) = futures::join!(
                policy_content(client, cx, &id),
                policy_targets(client, cx, &id)
            );
            OrgPolicy {
                id,
                name,
                kind: kind_name.to_string(),
                aws_managed,
                document: doc,
                targets_unread: targets.is_none(),
                targets: targets.unwrap_or_default(),
            }
        })
        .buffered(FAN_OUT)
        .collect::<Vec<_>>()
        .await;
    Some(policies)
}

async fn policy_content(client: &Client, cx: &CallContext, id: &str) -> JsonText {
    let Some(out) = cx
        .call_or_gap(SVC, "DescribePolicy", Some(id), || {
            client.describe_policy().policy_id(id).send()
        })
        .await
    else {
        return JsonText::null();
    };
    match out.policy().and_then(|p| p.content()) {
        Some(text) => match policy_text(text) {
            Ok(v) => v,
            Err(e) => {
                cx.gap(
                    SVC,
                    "DescribePolicy",
                    format!("policy content: {e}"),
                    Some(id),
                );
                JsonText::null()
            }
        },
        None => {
            cx.gap(
                SVC,
                "DescribePolicy",
                "no policy content returned",
                Some(id),
            );
            JsonText::null()
        }
    }
}

/// The policy's attachments; `None` (with a gap) when they could not be listed in full.
async fn policy_targets(client: &Client, cx: &CallContext, id: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = cx
            .call_or_gap(SVC, "ListTargetsForPolicy", Some(id), || {
                client
                    .list_targets_for_policy()
                    .policy_id(id)
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        out.extend(
            page.targets()
                .iter()
                .filter_map(|t| t.target_id().map(str::to_string)),
        );
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    out.sort();
    out.dedup();
    Some(out)
}

impl OrgRead {
    /// Parent ids from the root down to the account's parent (root first).
    fn ancestry(&self, account: &str) -> Vec<String> {
        let parents: BTreeMap<&str, &str> = self
            .org
            .ous
            .iter()
            .map(|o| (o.id.as_str(), o.parent_id.as_str()))
            .collect();
        let Some(acct) = self.org.accounts.iter().find(|a| a.id == account) else {
            return Vec::new();
        };
        let mut chain = vec![acct.parent_id.clone()];
        let mut seen = BTreeSet::new();
        while let Some(p) = parents.get(chain.last().map(String::as_str).unwrap_or_default()) {
            if !seen.insert(p.to_string()) {
                break;
            }
            chain.push(p.to_string());
        }
        chain.reverse();
        chain
    }

    fn name_of(&self, id: &str) -> String {
        if id == self.org.root_id {
            return self.root_name.clone();
        }
        self.org
            .ous
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.name.clone())
            .unwrap_or_default()
    }

    /// Root first, then each OU down to the account's parent.
    pub fn ou_path(&self, account: &str) -> Vec<OuRef> {
        self.ancestry(account)
            .into_iter()
            .map(|id| OuRef {
                name: self.name_of(&id),
                id,
            })
            .collect()
    }

    /// Why the account's SCP chain is not known, if it is not: the SCPs could not be
    /// listed, a policy's attachments could not be listed (it may sit anywhere in the
    /// chain), or the document of a policy attached in the chain could not be read.
    pub fn scp_chain_unknown(&self, account: &str) -> Option<(&'static str, String)> {
        if account == self.org.management_account_id || !self.scps_enabled {
            return None;
        }
        if !self.scps_read {
            return Some((
                "ListPolicies",
                "the organisation's SCPs could not be listed, so the account's SCP chain is not known".into(),
            ));
        }
        if let Some(p) = self
            .org
            .policies
            .iter()
            .find(|p| p.kind == SCP && p.targets_unread)
        {
            return Some((
                "ListTargetsForPolicy",
                format!(
                    "the attachments of SCP {} ({}) could not be listed, so whether it governs the account is not known",
                    p.id, p.name
                ),
            ));
        }
        let mut in_chain = self.ancestry(account);
        in_chain.push(account.to_string());
        if let Some(p) = self.org.policies.iter().find(|p| {
            p.kind == SCP && p.document.is_null() && p.targets.iter().any(|t| in_chain.contains(t))
        }) {
            return Some((
                "DescribePolicy",
                format!(
                    "the document of SCP {} ({}), attached in the account's chain, could not be read",
                    p.id, p.name
                ),
            ));
        }
        None
    }

    /// The SCP chain root → OUs → account. `None` for the management account (never
    /// governed by SCPs), when SCPs are disabled, or when the chain is not known (see
    /// [`OrgRead::scp_chain_unknown`]).
    pub fn scp_chain(&self, account: &str) -> Option<Vec<ScpLevel>> {
        if account == self.org.management_account_id
            || !self.scps_enabled
            || self.scp_chain_unknown(account).is_some()
        {
            return None;
        }
        let acct = self.org.accounts.iter().find(|a| a.id == account)?;
        let mut levels: Vec<ScpLevel> = self
            .ancestry(account)
            .into_iter()
            .map(|id| ScpLevel {
                kind: if id == self.org.root_id { "root" } else { "ou" }.to_string(),
                target_name: self.name_of(&id),
                policies: self.scps_at(&id),
                target_id: id,
            })
            .collect();
        levels.push(ScpLevel {
            kind: "account".into(),
            target_id: account.to_string(),
            target_name: acct.name.clone(),
            policies: self.scps_at(account),
        });
        Some(levels)
    }

    fn scps_at(&self, target: &str) -> Vec<ScpRef> {
        self.org
            .policies
            .iter()
            .filter(|p| p.kind == SCP && p.targets.iter().any(|t| t == target))
            .map(|p| ScpRef {
                id: p.id.clone(),
                name: p.name.clone(),
                document: p.document.clone(),
            })
            .collect()
    }

    /// Ids of the OUs (and root) the account sits under, at any depth.
    pub fn under(&self, account: &str) -> Vec<OuRef> {
        self.ou_path(account)
    }
}
