//! CloudTrail per Region: trails whose home is this Region (status, event selectors) and
//! Bedrock activity from the event history.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use aws_sdk_cloudtrail::Client;
use aws_sdk_cloudtrail::types::{LookupAttribute, LookupAttributeKey};
use aws_smithy_types::DateTime;

use super::context::CallContext;
use super::decode::time;
use crate::model::{
    AdvancedSelector, BasicSelector, BedrockActivity, CloudTrail, DataResource, EventSelectors,
    EventWindow, FieldSelector, Probe, Trail, TrailEvent,
};

const SVC: &str = "cloudtrail";
/// Pages of event history read per Region (the API allows 2 calls a second).
/// Most pages of Bedrock events read per Region (50 events a page): the window is cut
/// there, and the snapshot says so (`EventWindow::capped`).
const ACTIVITY_PAGES: usize = 10;
const ACTIVITY_PAGE_SIZE: i32 = 50;

/// Read the trails and Bedrock activity of one Region. `None` when trails could not be
/// listed.
pub async fn collect_cloudtrail(
    client: &Client,
    cx: &CallContext,
    activity_days: u32,
) -> Option<CloudTrail> {
    let region = cx.region.clone().unwrap_or_default();
    let (trails, (activity, events)) = futures::join!(
        trails(client, cx, &region),
        bedrock_activity(client, cx, activity_days)
    );
    Some(CloudTrail {
        trails: trails?,
        bedrock_activity: activity,
        bedrock_events: events,
    })
}

async fn trails(client: &Client, cx: &CallContext, region: &str) -> Option<Vec<Trail>> {
    // Shadow trails are included so that an organisation trail (owned by the management
    // account) is seen in member accounts; only trails homed in this Region are kept.
    let out = cx
        .call_or_gap(SVC, "DescribeTrails", None, || {
            client.describe_trails().include_shadow_trails(true).send()
        })
        .await?;
    let listed: Vec<&aws_sdk_cloudtrail::types::Trail> = out
        .trail_list()
        .iter()
        .filter(|t| t.home_region().is_none_or(|h| h == region))
        .collect();
    let trails = futures::future::join_all(listed.into_iter().map(|t| trail(client, cx, t))).await;
    Some(trails)
}

async fn trail(client: &Client, cx: &CallContext, t: &aws_sdk_cloudtrail::types::Trail) -> Trail {
    let name = t.name().unwrap_or_default().to_string();
    let arn = t.trail_arn().unwrap_or_default().to_string();
    // The ARN identifies trails of other accounts (organisation trails) too.
    let ident = if arn.is_empty() {
        name.clone()
    } else {
        arn.clone()
    };
    let (status, selectors) = futures::join!(
        cx.call(SVC, "GetTrailStatus", || client
            .get_trail_status()
            .name(&ident)
            .send()),
        cx.call(SVC, "GetEventSelectors", || client
            .get_event_selectors()
            .trail_name(&ident)
            .send()),
    );
    let is_logging = match status {
        Ok(s) => s.is_logging().map(Probe::Found).unwrap_or(Probe::Unknown),
        Err(e) => {
            cx.gap(SVC, "GetTrailStatus", &e, Some(&ident));
            Probe::Unknown
        }
    };
    let event_selectors = match selectors {
        Ok(s) => Probe::Found(EventSelectors {
            basic: s
                .event_selectors()
                .iter()
                .map(|b| BasicSelector {
                    read_write_type: b
                        .read_write_type()
                        .map(|r| r.as_str().to_string())
                        .unwrap_or_else(|| "All".into()),
                    include_management_events: b.include_management_events().unwrap_or(true),
                    data_resources: b
                        .data_resources()
                        .iter()
                        .map(|d| DataResource {
                            kind: d.r#type().unwrap_or_default().to_string(),
                            values: d.values().to_vec(),
                        })
                        .collect(),
                })
                .collect(),
            advanced: s
                .advanced_event_selectors()
                .iter()
                .map(|a| AdvancedSelector {
                    name: a.name().map(str::to_string),
                    field_selectors: a
                        .field_selectors()
                        .iter()
                        .map(|f| FieldSelector {
                            field: f.field().to_string(),
                            equals: f.equals().to_vec(),
                            starts_with: f.starts_with().to_vec(),
                            ends_with: f.ends_with().to_vec(),
                            not_equals: f.not_equals().to_vec(),
                            not_starts_with: f.not_starts_with().to_vec(),
                            not_ends_with: f.not_ends_with().to_vec(),
                        })
                        .collect(),
                })
                .collect(),
        }),
        Err(e) => {
            cx.gap(SVC, "GetEventSelectors", &e, Some(&ident));
            Probe::Unknown
        }
    };
    Trail {
        name,
        home_region: t.home_region().unwrap_or_default().to_string(),
        multi_region: t.is_multi_region_trail().unwrap_or(false),
        organization_trail: t.is_organization_trail().unwrap_or(false),
        log_file_validation: t.log_file_validation_enabled().unwrap_or(false),
        kms_key_id: t.kms_key_id().map(str::to_string),
        s3_bucket: t.s3_bucket_name().map(str::to_string),
        cloudwatch_log_group_arn: t.cloud_watch_logs_log_group_arn().map(str::to_string),
        is_logging,
        event_selectors,
        arn,
    }
}

/// One event of the history, trimmed to what the threat and residency checks read. The
/// access key itself is not kept: only whether it is long-term (`AKIA`) or temporary.
fn trail_event(ev: &aws_sdk_cloudtrail::types::Event) -> TrailEvent {
    let detail: serde_json::Value = ev
        .cloud_trail_event()
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or_default();
    let text = |v: &serde_json::Value| v.as_str().map(str::to_string);
    let identity = &detail["userIdentity"];
    TrailEvent {
        id: ev.event_id().unwrap_or_default().to_string(),
        time: ev.event_time().and_then(time).unwrap_or_default(),
        name: ev.event_name().unwrap_or_default().to_string(),
        source: ev.event_source().unwrap_or_default().to_string(),
        region: text(&detail["awsRegion"]).unwrap_or_default(),
        inference_region: text(&detail["additionalEventData"]["inferenceRegion"]),
        principal: text(&identity["arn"]),
        identity_type: text(&identity["type"]),
        key_kind: identity["accessKeyId"]
            .as_str()
            .filter(|k| k.len() >= 4)
            .map(|k| k[..4].to_string()),
        model_id: text(&detail["requestParameters"]["modelId"]),
    }
}

/// Bedrock events in the event history of the last `days` days (up to a page cap): the
/// activity summary, and the events themselves.
pub async fn bedrock_activity(
    client: &Client,
    cx: &CallContext,
    days: u32,
) -> (Probe<BedrockActivity>, Option<EventWindow>) {
    let attribute = match LookupAttribute::builder()
        .attribute_key(LookupAttributeKey::EventSource)
        .attribute_value("bedrock.amazonaws.com")
        .build()
    {
        Ok(a) => a,
        Err(e) => {
            cx.gap(SVC, "LookupEvents", e, None);
            return (Probe::Unknown, None);
        }
    };
    let start = SystemTime::now()
        .checked_sub(Duration::from_secs(u64::from(days) * 86_400))
        .unwrap_or(SystemTime::UNIX_EPOCH);
    let mut activity = BedrockActivity::default();
    let mut by_event: BTreeMap<String, u64> = BTreeMap::new();
    let mut last: Option<DateTime> = None;
    let mut token: Option<String> = None;
    let mut window = EventWindow {
        days,
        capped: false,
        events: Vec::new(),
    };
    let mut complete = true;
    for page_no in 0..ACTIVITY_PAGES {
        let page = match cx
            .call(SVC, "LookupEvents", || {
                client
                    .lookup_events()
                    .lookup_attributes(attribute.clone())
                    .start_time(DateTime::from(start))
                    .max_results(ACTIVITY_PAGE_SIZE)
                    .set_next_token(token.clone())
                    .send()
            })
            .await
        {
            Ok(p) => p,
            Err(e) => {
                cx.gap(SVC, "LookupEvents", &e, None);
                // Events already read are positive evidence of activity; none read is
                // no evidence either way. The event list is then incomplete: not read.
                if activity.events == 0 {
                    return (Probe::Unknown, None);
                }
                complete = false;
                break;
            }
        };
        for ev in page.events() {
            window.events.push(trail_event(ev));
            activity.events += 1;
            *by_event
                .entry(ev.event_name().unwrap_or("(unnamed)").to_string())
                .or_insert(0) += 1;
            if let Some(t) = ev.event_time()
                && last.is_none_or(|l| t.secs() > l.secs())
            {
                last = Some(*t);
            }
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => {
                token = Some(t.to_string());
                window.capped = page_no + 1 == ACTIVITY_PAGES;
            }
            _ => break,
        }
    }
    activity.by_event = by_event;
    activity.last_event = last.as_ref().and_then(time);
    (Probe::Found(activity), complete.then_some(window))
}
