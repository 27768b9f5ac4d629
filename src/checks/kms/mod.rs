//! C3 Encryption: customer-managed keys for the data Bedrock touches. One file per check.
//!
//! Helpers shared by the KMS checks: resolving a key reference (key ARN, key id, alias
//! name or alias ARN) against the collected keys, and judging whether it is customer
//! managed.

pub mod agentcore_not_cmk;
pub mod batch_output_not_cmk;
pub mod bedrock_resource_not_cmk;
pub mod cmk_rotation_off;
pub mod flow_not_cmk;
pub mod guardrail_not_cmk;
pub mod invocation_logs_not_cmk;
pub mod kb_ingestion_not_cmk;
pub mod key_decrypt_too_broad;
pub mod key_policy_wildcard;
pub mod key_shared_across_environments;
pub mod pipeline_store_not_cmk;
pub mod vector_store_not_cmk;

use serde_json::{Value, json};

use crate::checks::{Draft, EvalContext, Subject};
use crate::model::{KmsKey, Probe};
use crate::policy::Policy;

/// What a key reference found in a resource's configuration points at.
#[derive(Debug, Clone)]
pub(crate) enum KeyRef<'a> {
    /// A key in the snapshot.
    Collected {
        key: &'a KmsKey,
        account: &'a str,
        region: &'a str,
    },
    /// An AWS-managed key named by its `alias/aws/...` alias, not itself collected.
    AwsManagedAlias(String),
    /// A key ARN in an account whose keys were not collected. AWS-managed keys cannot be
    /// used from another account, so such a key is customer managed.
    OtherAccount(String),
    /// Not matched to any collected key; `why` says what is missing.
    Unresolved { reference: String, why: String },
}

impl KeyRef<'_> {
    /// `Some(true)` customer managed, `Some(false)` AWS managed, `None` not known.
    pub(crate) fn customer_managed(&self) -> Option<bool> {
        match self {
            KeyRef::Collected { key, .. } => key.customer_managed(),
            KeyRef::AwsManagedAlias(_) => Some(false),
            KeyRef::OtherAccount(_) => Some(true),
            KeyRef::Unresolved { .. } => None,
        }
    }

    /// The key's ARN where known, else the reference as written.
    pub(crate) fn arn(&self) -> String {
        match self {
            KeyRef::Collected { key, .. } => key.arn.clone(),
            KeyRef::AwsManagedAlias(r) | KeyRef::OtherAccount(r) => r.clone(),
            KeyRef::Unresolved { reference, .. } => reference.clone(),
        }
    }

    pub(crate) fn evidence(&self) -> Value {
        match self {
            KeyRef::Collected { key, .. } => json!({
                "key_arn": key.arn,
                "manager": key.manager,
                "aliases": key.aliases,
                "state": key.state,
            }),
            KeyRef::AwsManagedAlias(r) => json!({
                "key": r,
                "manager": "AWS",
                "note": "an alias under alias/aws/ names an AWS-managed key",
            }),
            KeyRef::OtherAccount(r) => json!({
                "key_arn": r,
                "manager": "CUSTOMER (assumed)",
                "note": "the key belongs to another account whose keys were not collected; AWS-managed keys cannot be used across accounts",
            }),
            KeyRef::Unresolved { reference, why } => json!({
                "key": reference,
                "unresolved": why,
            }),
        }
    }
}

fn alias_matches(key: &KmsKey, alias: &str) -> bool {
    key.aliases
        .iter()
        .any(|a| a == alias || a.rsplit_once(':').is_some_and(|(_, tail)| tail == alias))
}

/// Resolve a key reference used by a resource of `account` in `region`.
pub(crate) fn resolve<'a>(
    cx: &EvalContext<'a>,
    account: &str,
    region: &str,
    reference: &str,
) -> KeyRef<'a> {
    let reference = reference.trim();
    let snap = cx.snapshot;
    let keys_in = |acct: &str, reg: &str| -> Option<(&'a str, &'a str, &'a [KmsKey])> {
        let a = snap.accounts.iter().find(|a| a.id == acct)?;
        let (r, data) = a.regions.get_key_value(reg)?;
        let kms = data.kms.as_ref()?;
        Some((a.id.as_str(), r.as_str(), kms.keys.as_slice()))
    };
    let (ref_account, ref_region, resource) = if let Some(rest) = reference.strip_prefix("arn:") {
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        if parts.len() != 5 || parts[1] != "kms" {
            return KeyRef::Unresolved {
                reference: reference.into(),
                why: "not a KMS key ARN".into(),
            };
        }
        (
            parts[3].to_string(),
            parts[2].to_string(),
            parts[4].to_string(),
        )
    } else if reference.starts_with("alias/") {
        (
            account.to_string(),
            region.to_string(),
            reference.to_string(),
        )
    } else {
        (
            account.to_string(),
            region.to_string(),
            format!("key/{reference}"),
        )
    };
    let found = keys_in(&ref_account, &ref_region).map(|(a, r, keys)| {
        let k = if let Some(alias) = resource.strip_prefix("alias/") {
            keys.iter()
                .find(|k| alias_matches(k, &format!("alias/{alias}")))
        } else {
            let id = resource.strip_prefix("key/").unwrap_or(&resource);
            keys.iter()
                .find(|k| k.id == id || k.arn.ends_with(&format!(":key/{id}")))
        };
        (a, r, k)
    });
    match found {
        Some((a, r, Some(key))) => KeyRef::Collected {
            key,
            account: a,
            region: r,
        },
        _ if resource.starts_with("alias/aws/") => KeyRef::AwsManagedAlias(reference.into()),
        None if ref_account != account && reference.starts_with("arn:") => {
            KeyRef::OtherAccount(reference.into())
        }
        None => KeyRef::Unresolved {
            reference: reference.into(),
            why: format!(
                "the KMS keys of account {ref_account} in {ref_region} were not collected"
            ),
        },
        Some((_, _, None)) => KeyRef::Unresolved {
            reference: reference.into(),
            why: format!(
                "no collected key of account {ref_account} in {ref_region} has this id or alias"
            ),
        },
    }
}

/// Every collected key with its account and Region, in a stable order.
pub(crate) fn all_keys<'a>(cx: &EvalContext<'a>) -> Vec<(&'a str, &'a str, &'a KmsKey)> {
    let mut out = Vec::new();
    for a in &cx.snapshot.accounts {
        for (region, data) in &a.regions {
            if let Some(kms) = &data.kms {
                let mut keys: Vec<_> = kms.keys.iter().collect();
                keys.sort_by(|x, y| x.arn.cmp(&y.arn));
                for k in keys {
                    out.push((a.id.as_str(), region.as_str(), k));
                }
            }
        }
    }
    out
}

/// The collected keys whose manager (customer or AWS) is known. A key whose manager could
/// not be read gets its `unknown` in `out` instead: whether a key-level check applies to
/// it at all is then not known.
pub(crate) fn described_keys<'a>(
    cx: &EvalContext<'a>,
    out: &mut Vec<Draft>,
) -> Vec<(&'a str, &'a str, &'a KmsKey)> {
    let mut keys = all_keys(cx);
    keys.retain(|&(account, region, key)| {
        if key.customer_managed().is_some() {
            return true;
        }
        let mut ev = cx.gap_evidence(account, Some(region), "kms");
        ev["key_id"] = json!(key.id);
        out.push(Subject::new(account, Some(region), &key.arn).unknown(format!(
            "Key {} could not be described, so whether it is customer managed (and the check applies) is not known.",
            key.id
        )).evidence(ev));
        false
    });
    keys
}

/// The customer-managed keys in use (not pending deletion), as [`described_keys`].
pub(crate) fn live_customer_keys<'a>(
    cx: &EvalContext<'a>,
    out: &mut Vec<Draft>,
) -> Vec<(&'a str, &'a str, &'a KmsKey)> {
    let mut keys = described_keys(cx, out);
    keys.retain(|(_, _, k)| {
        k.is_customer_managed() && !k.state.eq_ignore_ascii_case("PendingDeletion")
    });
    keys
}

/// How a key is named in messages: its first alias, else its id.
pub(crate) fn key_name(key: &KmsKey) -> String {
    key.aliases
        .first()
        .cloned()
        .unwrap_or_else(|| key.id.clone())
}

/// The key policy, parsed; when it cannot be used, the `unknown` saying so (`what` is the
/// question it leaves open).
pub(crate) fn key_policy(
    cx: &EvalContext<'_>,
    at: &Subject<'_>,
    key: &KmsKey,
    what: &str,
) -> Result<Policy, Box<Draft>> {
    let parsed = match &key.policy {
        Probe::Found(Value::String(s)) => Policy::parse(s).map_err(|e| e.to_string()),
        Probe::Found(v) => Policy::from_value(v).map_err(|e| e.to_string()),
        Probe::Absent => Err("the key has no policy recorded".into()),
        Probe::Unknown => Err("the key policy could not be read".into()),
    };
    parsed.map_err(|e| {
        let mut ev = cx.gap_evidence(at.account, at.region, "kms");
        ev["policy_error"] = json!(e);
        let message = format!(
            "The key policy of {} could not be read or parsed, so {what} is not known.",
            key_name(key)
        );
        Box::new(at.unknown(message).evidence(ev))
    })
}

/// The label of a key policy in evidence.
pub(crate) fn key_policy_label(key: &KmsKey) -> String {
    format!("key-policy:{}", key.arn)
}

/// The verdict on `at`, encrypted with KMS key `reference` (resolved to `k`): pass for a
/// customer-managed key, fail for an AWS-managed one (`aws_managed` says what is lost),
/// unknown when the reference matches no collected key.
pub(crate) fn key_verdict(
    at: &Subject<'_>,
    what: &str,
    reference: &str,
    k: &KeyRef<'_>,
    aws_managed: &str,
) -> Draft {
    match k.customer_managed() {
        Some(true) => at.pass(format!(
            "{what} is encrypted with customer-managed key {}.",
            k.arn()
        )),
        Some(false) => at.fail(format!(
            "{what} is encrypted with AWS-managed key {}, {aws_managed}.",
            k.arn()
        )),
        None => at.unknown(format!(
            "{what} uses KMS key {reference}, which could not be matched to a collected key."
        )),
    }
}

/// The finding for a bucket that should be encrypted with a customer-managed key, from its
/// default encryption (`what` names it, e.g. "Invocation-log bucket NAME"; `contents` says
/// what it holds).
pub(crate) fn bucket_draft(
    cx: &EvalContext<'_>,
    at: &Subject<'_>,
    what: &str,
    contents: &str,
    bucket: &crate::model::Bucket,
) -> Draft {
    let (id, region, name) = (at.account, at.region.unwrap_or_default(), &bucket.name);
    let mut lower = what.chars();
    let what_lc: String = lower
        .next()
        .map(|c| c.to_lowercase().chain(lower).collect())
        .unwrap_or_default();
    match &bucket.encryption {
        Probe::Unknown => at
            .unknown(format!("The default encryption of {what_lc} could not be read."))
            .evidence(cx.gap_evidence(id, at.region, "s3")),
        Probe::Absent => at
            .fail(format!("{what} has no default encryption configured, so S3-managed keys (SSE-S3) protect {contents}."))
            .evidence(json!({"bucket": name, "encryption": null})),
        Probe::Found(enc) => {
            let mut ev = json!({"bucket": name, "algorithm": enc.algorithm, "kms_key_id": enc.kms_key_id});
            if !enc.algorithm.starts_with("aws:kms") {
                at.fail(format!("{what} is encrypted with {} (S3-managed keys), not a customer-managed KMS key.", enc.algorithm))
            } else if let Some(key) = &enc.kms_key_id {
                let k = resolve(cx, id, region, key);
                ev["key"] = k.evidence();
                key_verdict(at, what, key, &k, "whose policy you cannot control")
            } else {
                at.fail(format!("{what} uses SSE-KMS with the AWS-managed key aws/s3, not a customer-managed key."))
            }
            .evidence(ev)
        }
    }
}

/// The finding for a resource that should be encrypted with a customer-managed key:
/// `key` is the key reference in its configuration (`None` = AWS-owned default
/// encryption, described by `default_desc`).
pub(crate) fn cmk_draft(
    cx: &EvalContext<'_>,
    at: &Subject<'_>,
    what: &str,
    key: Option<&str>,
    default_desc: &str,
    mut ev: Value,
) -> Draft {
    let region = at.region.unwrap_or_default();
    match key {
        None => {
            ev["kms_key"] = Value::Null;
            at.fail(format!(
                "{what} has no customer-managed key, so {default_desc}."
            ))
            .evidence(ev)
        }
        Some(key) => {
            let k = resolve(cx, at.account, region, key);
            ev["kms_key"] = k.evidence();
            key_verdict(at, what, key, &k, "not a customer-managed key").evidence(ev)
        }
    }
}
