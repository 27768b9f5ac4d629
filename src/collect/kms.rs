//! KMS per Region: keys with metadata, aliases, rotation, key policy and tags.

use std::collections::BTreeMap;

use aws_sdk_kms::Client;
use futures::stream::{self, StreamExt};

use super::context::CallContext;
use super::decode::policy_document;
use crate::model::{Kms, KmsKey, Probe};

const SVC: &str = "kms";
const FAN_OUT: usize = 8;

/// Read the KMS keys of one Region. `None` when the keys could not be listed.
pub async fn collect_kms(client: &Client, cx: &CallContext) -> Option<Kms> {
    // Keys and aliases (once for the Region) are listed side by side.
    let (listed, aliases) = futures::join!(list_keys(client, cx), list_aliases(client, cx));
    let listed = listed?;

    let keys = stream::iter(listed)
        .map(|(id, arn)| {
            let names = aliases.get(&id).cloned().unwrap_or_default();
            async move { key(client, cx, id, arn, names).await }
        })
        .buffered(FAN_OUT)
        .collect::<Vec<_>>()
        .await;
    Some(Kms { keys })
}

/// Every key id and ARN in the Region; `None` when the keys could not be listed.
async fn list_keys(client: &Client, cx: &CallContext) -> Option<Vec<(String, String)>> {
    let mut listed: Vec<(String, String)> = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let page = cx
            .call_or_gap(SVC, "ListKeys", None, || {
                client.list_keys().set_marker(marker.clone()).send()
            })
            .await?;
        for k in page.keys() {
            if let Some(id) = k.key_id() {
                listed.push((id.to_string(), k.key_arn().unwrap_or_default().to_string()));
            }
        }
        match page.next_marker() {
            Some(m) if page.truncated() && !m.is_empty() => marker = Some(m.to_string()),
            _ => break,
        }
    }

    Some(listed)
}

/// Alias names by target key id. Unreadable aliases leave AWS-managed detection to
/// `KeyManager`.
async fn list_aliases(client: &Client, cx: &CallContext) -> BTreeMap<String, Vec<String>> {
    let mut aliases: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut marker: Option<String> = None;
    let mut aliases_read = true;
    loop {
        let Some(page) = cx
            .call_or_gap(SVC, "ListAliases", None, || {
                client.list_aliases().set_marker(marker.clone()).send()
            })
            .await
        else {
            aliases_read = false;
            break;
        };
        for a in page.aliases() {
            if let (Some(target), Some(name)) = (a.target_key_id(), a.alias_name()) {
                aliases
                    .entry(target.to_string())
                    .or_default()
                    .push(name.to_string());
            }
        }
        match page.next_marker() {
            Some(m) if page.truncated() && !m.is_empty() => marker = Some(m.to_string()),
            _ => break,
        }
    }
    if !aliases_read {
        tracing::debug!(account = %cx.account, "KMS aliases unreadable; AWS-managed detection relies on KeyManager");
    }

    aliases
}

async fn key(
    client: &Client,
    cx: &CallContext,
    id: String,
    listed_arn: String,
    mut aliases: Vec<String>,
) -> KmsKey {
    aliases.sort();
    let mut key = KmsKey {
        id: id.clone(),
        arn: listed_arn,
        manager: "UNKNOWN".into(),
        aliases,
        ..KmsKey::default()
    };
    let resource = if key.arn.is_empty() {
        id.clone()
    } else {
        key.arn.clone()
    };
    let Some(described) = cx
        .call_or_gap(SVC, "DescribeKey", Some(&resource), || {
            client.describe_key().key_id(&id).send()
        })
        .await
    else {
        return key;
    };
    if let Some(m) = described.key_metadata() {
        if let Some(arn) = m.arn() {
            key.arn = arn.to_string();
        }
        key.description = m.description().unwrap_or_default().to_string();
        key.manager = m
            .key_manager()
            .map(|k| k.as_str().to_string())
            .unwrap_or_else(|| "UNKNOWN".into());
        key.state = m
            .key_state()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default();
        key.spec = m
            .key_spec()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default();
        key.usage = m
            .key_usage()
            .map(|u| u.as_str().to_string())
            .unwrap_or_default();
        key.origin = m
            .origin()
            .map(|o| o.as_str().to_string())
            .unwrap_or_default();
    }
    let resource = if key.arn.is_empty() {
        id.clone()
    } else {
        key.arn.clone()
    };
    // An `alias/aws/...` alias marks an AWS-managed key whatever KeyManager says.
    if key.aliases.iter().any(|a| a.starts_with("alias/aws/")) {
        key.manager = "AWS".into();
    }
    let customer = key.manager.eq_ignore_ascii_case("CUSTOMER");
    let pending = key.state.starts_with("Pending") || key.state == "Unavailable";

    // Rotation applies to customer-managed symmetric keys with KMS key material.
    let rotation = async {
        if customer
            && key.spec == "SYMMETRIC_DEFAULT"
            && (key.origin.is_empty() || key.origin == "AWS_KMS")
            && !pending
        {
            match cx
                .call(SVC, "GetKeyRotationStatus", || {
                    client.get_key_rotation_status().key_id(&id).send()
                })
                .await
            {
                Ok(r) => Probe::Found(r.key_rotation_enabled()),
                Err(e) => {
                    cx.gap(SVC, "GetKeyRotationStatus", &e, Some(&resource));
                    Probe::Unknown
                }
            }
        } else {
            Probe::Absent
        }
    };

    let policy = async {
        match cx
            .call(SVC, "GetKeyPolicy", || {
                client
                    .get_key_policy()
                    .key_id(&id)
                    .policy_name("default")
                    .send()
            })
            .await
        {
            Ok(p) => match p.policy() {
                Some(text) => match policy_document(text) {
                    Ok(v) => Probe::Found(v),
                    Err(e) => {
                        cx.gap(
                            SVC,
                            "GetKeyPolicy",
                            format!("key policy: {e}"),
                            Some(&resource),
                        );
                        Probe::Unknown
                    }
                },
                None => Probe::Absent,
            },
            Err(e) => {
                cx.gap(SVC, "GetKeyPolicy", &e, Some(&resource));
                Probe::Unknown
            }
        }
    };

    let tags = async {
        let mut tags = BTreeMap::new();
        let mut unread = false;
        if customer {
            let mut marker: Option<String> = None;
            loop {
                let Some(page) = cx
                    .call_or_gap(SVC, "ListResourceTags", Some(&resource), || {
                        client
                            .list_resource_tags()
                            .key_id(&id)
                            .set_marker(marker.clone())
                            .send()
                    })
                    .await
                else {
                    unread = true;
                    break;
                };
                for t in page.tags() {
                    tags.insert(t.tag_key().to_string(), t.tag_value().to_string());
                }
                match page.next_marker() {
                    Some(m) if page.truncated() && !m.is_empty() => marker = Some(m.to_string()),
                    _ => break,
                }
            }
        }
        (tags, unread)
    };

    // Rotation, policy and tags depend only on DescribeKey: read side by side.
    let (rotation, policy, (tags, tags_unread)) = futures::join!(rotation, policy, tags);
    key.rotation_enabled = rotation;
    key.policy = policy;
    key.tags = tags;
    key.tags_unread = tags_unread;
    key
}
