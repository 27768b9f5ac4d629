//! C4 Logging: every invocation auditable, no prompts in the wrong place.
//!
//! One file per check. The helpers below are shared by the checks of this control
//! (and, for "who can invoke", by the guardrail checks).

pub mod access;
pub mod bedrock_data_events_off;
pub mod cloudtrail_bucket_unlocked;
pub mod cloudtrail_not_cmk;
pub mod cloudtrail_not_multi_region;
pub mod cloudtrail_validation_off;
pub mod invocation_log_bucket_public;
pub mod invocation_log_delivery_failing;
pub mod invocation_logging_off;
pub mod invocation_logging_text_off;
pub mod invocation_logs_readable_by_invokers;
pub mod log_retention_short;

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::checks::EvalContext;
use crate::checks::context::AccountView;
use crate::model::{
    Account, AdvancedSelector, Bucket, EventSelectors, InvocationLogging, KmsKey, LogGroup, Probe,
    Trail,
};

/// Why a Region counts as Bedrock-active, as evidence.
pub fn active_reasons(acct: &AccountView<'_>, region: &str) -> Value {
    json!(acct.active_regions.get(region).cloned().unwrap_or_default())
}

/// The invocation-logging configuration's pseudo-ARN (the configuration has no ARN of
/// its own): `arn:<partition>:bedrock:<region>:<account>:model-invocation-logging`.
pub fn logging_config_arn(acct: &AccountView<'_>, region: &str) -> String {
    format!(
        "arn:{}:bedrock:{region}:{}:model-invocation-logging",
        acct.partition, acct.account.id
    )
}

/// Every trail the account shows, once each (by ARN), with the Region it was listed in.
pub fn trails(account: &Account) -> Vec<(&str, &Trail)> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (region, data) in &account.regions {
        if let Some(ct) = &data.cloudtrail {
            for t in &ct.trails {
                if seen.insert(t.arn.as_str()) {
                    out.push((region.as_str(), t));
                }
            }
        }
    }
    out.sort_by(|a, b| a.1.arn.cmp(&b.1.arn));
    out
}

/// The trails that log an account's activity: its own, plus the organization trails of
/// its organization's management account (an organization trail logs every member account;
/// AWS shows it to members only as a "shadow" of the management account's trail).
pub fn covering_trails<'a>(
    cx: &EvalContext<'a>,
    account: &'a Account,
) -> Vec<(&'a str, &'a Trail)> {
    let mut out = trails(account);
    let Some(org) = &cx.snapshot.organization else {
        return out;
    };
    if org.management_account_id == account.id || !org.accounts.iter().any(|a| a.id == account.id) {
        return out;
    }
    if let Some(mgmt) = cx.snapshot.account(&org.management_account_id) {
        for (region, t) in trails(mgmt) {
            if t.organization_trail && !out.iter().any(|(_, o)| o.arn == t.arn) {
                out.push((region, t));
            }
        }
    }
    out.sort_by(|a, b| a.1.arn.cmp(&b.1.arn));
    out
}

/// Regions whose trails could not be listed, for a verdict about `account`'s coverage:
/// its own, and for a member, the management account's (whose organisation trails cover
/// it), named as such.
pub fn coverage_unread(cx: &EvalContext<'_>, account: &Account) -> Vec<String> {
    let mut out: Vec<String> = regions_without_cloudtrail(account)
        .into_iter()
        .map(str::to_string)
        .collect();
    if let Some(org) = &cx.snapshot.organization
        && org.management_account_id != account.id
        && org.accounts.iter().any(|a| a.id == account.id)
    {
        match cx.snapshot.account(&org.management_account_id) {
            Some(mgmt) if !mgmt.regions.is_empty() => out.extend(
                regions_without_cloudtrail(mgmt)
                    .into_iter()
                    .map(|r| format!("{r} (management account)")),
            ),
            // The management account's trails were not read at all: an organisation
            // trail there may cover this account.
            _ => out.push("the management account".to_string()),
        }
    }
    out
}

/// Regions whose trails could not be listed.
pub fn regions_without_cloudtrail(account: &Account) -> Vec<&str> {
    account
        .regions
        .iter()
        .filter(|(_, d)| d.cloudtrail.is_none())
        .map(|(r, _)| r.as_str())
        .collect()
}

/// The Region a trail's findings carry: its home Region, else where it was listed.
pub fn trail_region<'a>(listed_in: &'a str, t: &'a Trail) -> &'a str {
    if t.home_region.is_empty() {
        listed_in
    } else {
        &t.home_region
    }
}

/// A bucket by name among everything collected for the account (any Region).
pub fn find_bucket<'a>(account: &'a Account, name: &str) -> Option<(&'a str, &'a Bucket)> {
    account.regions.iter().find_map(|(region, d)| {
        d.s3.as_ref()
            .and_then(|s3| s3.buckets.iter().find(|b| b.name == name))
            .map(|b| (region.as_str(), b))
    })
}

/// True when S3 could not be read in at least one Region (a missing bucket may be there).
pub fn s3_gap(account: &Account) -> bool {
    account.regions.values().any(|d| d.s3.is_none())
}

/// A KMS key named by ARN, key id or alias ARN, if this account's snapshot holds it (by ARN, key id or alias).
pub fn resolve_key<'a>(account: &'a Account, key: &str) -> Option<&'a KmsKey> {
    let key_id = key.rsplit_once("key/").map(|(_, id)| id).unwrap_or(key);
    let alias = key
        .split_once(":alias/")
        .map(|(_, a)| format!("alias/{a}"))
        .unwrap_or_else(|| key.to_string());
    account
        .regions
        .values()
        .filter_map(|d| d.kms.as_ref())
        .flat_map(|k| k.keys.iter())
        .find(|k| k.arn == key || k.id == key_id || k.aliases.contains(&alias))
}

/// A policy document as stored in the snapshot (JSON object or, as some APIs return it,
/// a string) parsed by the engine.
pub fn parse_policy(v: &Value) -> Result<crate::policy::Policy, String> {
    match v {
        Value::String(s) => crate::policy::Policy::parse(s).map_err(|e| e.to_string()),
        Value::Null => Err("the document could not be read".into()),
        other => crate::policy::Policy::from_value(other).map_err(|e| e.to_string()),
    }
}

/// The S3 object ARN Bedrock writes invocation logs to (a representative key under
/// `<prefix>AWSLogs/<account>/BedrockModelInvocationLogs/<region>/`).
pub fn invocation_log_object_arn(
    partition: &str,
    bucket: &str,
    prefix: Option<&str>,
    account: &str,
    region: &str,
) -> String {
    let mut p = prefix.unwrap_or("").to_string();
    if !p.is_empty() && !p.ends_with('/') {
        p.push('/');
    }
    format!(
        "arn:{partition}:s3:::{bucket}/{p}AWSLogs/{account}/BedrockModelInvocationLogs/{region}/2026/01/01/00/perimeter-probe.json.gz"
    )
}

/// A log group ARN without the `:*` suffix DescribeLogGroups adds.
pub fn normalize_log_group_arn(arn: &str) -> &str {
    arn.strip_suffix(":*").unwrap_or(arn)
}

/// The log group's name in a `...:log-group:<name>[:*]` ARN.
pub fn log_group_name_from_arn(arn: &str) -> Option<&str> {
    normalize_log_group_arn(arn)
        .split_once(":log-group:")
        .map(|(_, n)| n)
}

/// The Region field of an ARN.
pub fn arn_region(arn: &str) -> Option<&str> {
    arn.split(':').nth(3).filter(|r| !r.is_empty())
}

/// A log group of the account in `region`, by name.
pub fn find_log_group<'a>(account: &'a Account, region: &str, name: &str) -> Probe<&'a LogGroup> {
    match account.regions.get(region).and_then(|d| d.logs.as_ref()) {
        None => Probe::Unknown,
        Some(logs) => match logs.log_groups.iter().find(|g| g.name == name) {
            Some(g) => Probe::Found(g),
            None => Probe::Absent,
        },
    }
}

/// The invocation-logging configurations found, by Region.
pub fn invocation_configs(account: &Account) -> Vec<(&str, &InvocationLogging)> {
    account
        .regions
        .iter()
        .filter_map(|(r, d)| {
            d.bedrock
                .as_ref()
                .and_then(|b| b.logging.found())
                .map(|l| (r.as_str(), l))
        })
        .collect()
}

/// The invocation-log buckets of a configuration (main bucket, then the large-data one).
pub fn invocation_buckets(l: &InvocationLogging) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for b in [l.s3_bucket.as_deref(), l.large_data_bucket.as_deref()]
        .into_iter()
        .flatten()
    {
        if !b.is_empty() && !out.contains(&b) {
            out.push(b);
        }
    }
    out
}

/// Does the trail record management events? `None` when its selectors are unknown.
pub fn records_management_events(t: &Trail) -> Option<bool> {
    let sel = match &t.event_selectors {
        Probe::Found(s) => s,
        Probe::Absent => return Some(true),
        Probe::Unknown => return None,
    };
    Some(selectors_default(t) || selectors_record_management(sel))
}

/// True when the trail has no event selectors of either kind, so AWS's default applies:
/// a trail logs all management events (read and write) unless selectors say otherwise
/// (CloudTrail User Guide, "Logging management events").
pub fn selectors_default(t: &Trail) -> bool {
    match &t.event_selectors {
        Probe::Found(s) => s.basic.is_empty() && s.advanced.is_empty(),
        Probe::Absent => true,
        Probe::Unknown => false,
    }
}

fn selectors_record_management(sel: &EventSelectors) -> bool {
    sel.basic.iter().any(|b| b.include_management_events)
        || sel.advanced.iter().any(|a| {
            a.field_selectors.iter().any(|f| {
                f.field.eq_ignore_ascii_case("eventCategory")
                    && f.equals
                        .iter()
                        .any(|v| v.eq_ignore_ascii_case("Management"))
            })
        })
}

/// The Bedrock data-event resource types the trail's selectors name; `None` when the
/// selectors are unknown.
pub fn bedrock_data_types(t: &Trail) -> Option<Vec<String>> {
    let sel = match &t.event_selectors {
        Probe::Found(s) => s,
        Probe::Absent => return Some(Vec::new()),
        Probe::Unknown => return None,
    };
    let mut out = BTreeSet::new();
    for b in &sel.basic {
        for d in &b.data_resources {
            if is_bedrock_type(&d.kind) {
                out.insert(d.kind.clone());
            }
        }
    }
    for a in &sel.advanced {
        out.extend(advanced_bedrock_types(a));
    }
    Some(out.into_iter().collect())
}

fn is_bedrock_type(t: &str) -> bool {
    t.get(..14)
        .is_some_and(|p| p.eq_ignore_ascii_case("AWS::Bedrock::"))
}

fn advanced_bedrock_types(a: &AdvancedSelector) -> Vec<String> {
    let mut out = Vec::new();
    for f in &a.field_selectors {
        if !f.field.eq_ignore_ascii_case("resources.type") {
            continue;
        }
        for v in &f.equals {
            if is_bedrock_type(v) {
                out.push(v.clone());
            }
        }
        for v in &f.starts_with {
            // `AWS::Bedrock::` itself, or a longer prefix of a Bedrock type.
            if is_bedrock_type(v) || (!v.is_empty() && "AWS::Bedrock::".starts_with(v.as_str())) {
                out.push(format!("{v}*"));
            }
        }
    }
    out
}

/// Builders for this control's unit tests.
#[cfg(test)]
pub(crate) mod fixtures {
    use crate::model::{
        Account, BasicSelector, Bedrock, CloudTrail, EventSelectors, Guardrail, InvocationLogging,
        Probe, RegionData, Trail,
    };

    pub const REGION: &str = "us-east-1";

    /// The Region's data, created if missing.
    pub fn region<'a>(a: &'a mut Account, r: &str) -> &'a mut RegionData {
        a.regions
            .entry(r.to_string())
            .or_insert_with(RegionData::all_read)
    }

    /// Bedrock data of the Region (empty lists), created if missing.
    pub fn bedrock<'a>(a: &'a mut Account, r: &str) -> &'a mut Bedrock {
        region(a, r).bedrock.get_or_insert_with(Bedrock::all_read)
    }

    /// Invocation logging to an S3 bucket and a log group, text on.
    pub fn logging(bucket: &str, group: &str) -> InvocationLogging {
        InvocationLogging {
            s3_bucket: Some(bucket.into()),
            s3_key_prefix: Some("bedrock/".into()),
            cloudwatch_log_group: Some(group.into()),
            cloudwatch_role_arn: Some("arn:aws:iam::111122223333:role/bedrock-logging".into()),
            text: true,
            image: true,
            embedding: true,
            ..Default::default()
        }
    }

    /// A guardrail with full detail and nothing configured.
    pub fn guardrail(account: &str, r: &str, id: &str) -> Guardrail {
        Guardrail {
            id: id.into(),
            arn: format!("arn:aws:bedrock:{r}:{account}:guardrail/{id}"),
            name: format!("{id}-name"),
            status: "READY".into(),
            versions: vec!["1".into()],
            detail_collected: true,
            ..Default::default()
        }
    }

    /// A logging multi-Region (or not) trail in us-east-1 with validation on, recording
    /// management events, writing to bucket `trail-bucket`.
    pub fn trail(name: &str, multi: bool) -> Trail {
        Trail {
            name: name.into(),
            arn: format!("arn:aws:cloudtrail:us-east-1:111122223333:trail/{name}"),
            home_region: "us-east-1".into(),
            multi_region: multi,
            log_file_validation: true,
            s3_bucket: Some("trail-bucket".into()),
            is_logging: Probe::Found(true),
            event_selectors: Probe::Found(EventSelectors {
                basic: vec![BasicSelector {
                    read_write_type: "All".into(),
                    include_management_events: true,
                    data_resources: vec![],
                }],
                advanced: vec![],
            }),
            ..Default::default()
        }
    }

    /// Put trails into the Region's CloudTrail data.
    pub fn set_trails(a: &mut Account, r: &str, trails: Vec<Trail>) {
        region(a, r).cloudtrail = Some(CloudTrail {
            trails,
            bedrock_activity: Probe::Absent,
            bedrock_events: None,
            global_events: None,
        });
    }
}
