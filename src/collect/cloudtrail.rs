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
/// Events per page of event history (the API's largest page; it allows 2 calls a second).
/// The number of pages read per Region and source is `--event-pages`: the window is cut
/// there, and the snapshot says so (`EventWindow::capped`).
const ACTIVITY_PAGE_SIZE: i32 = 50;

/// Read the trails and Bedrock activity of one Region. `None` when trails could not be
/// listed.
pub async fn collect_cloudtrail(
    client: &Client,
    cx: &CallContext,
    events: &EventOptions,
) -> Option<CloudTrail> {
    let region = cx.region.clone().unwrap_or_default();
    let global = async {
        if events.global_region {
            global_events(client, cx, events.days, events.pages, events.payer).await
        } else {
            None
        }
    };
    let (trails, (activity, bedrock_events), global_events) = futures::join!(
        trails(client, cx, &region),
        bedrock_activity(client, cx, events.days, events.pages),
        global,
    );
    Some(CloudTrail {
        trails: trails?,
        bedrock_activity: activity,
        bedrock_events,
        global_events,
    })
}

/// How much event history to read in a Region, and whether it is the Region that holds
/// the global services' events.
#[derive(Debug, Clone, Copy)]
pub struct EventOptions {
    pub days: u32,
    pub pages: usize,
    pub global_region: bool,
    /// Read the Organizations events too (the payer holds them).
    pub payer: bool,
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

/// Request parameters kept from an event (the rest is dropped): what the threat checks
/// ask of defence removals and model-access changes. Values are cut at 256 characters.
const KEPT_PARAMS: &[&str] = &[
    "policyId",
    "policyType",
    "guardrailIdentifier",
    "resourceArn",
    "productId",
];

/// One event of the history, trimmed to what the threat and residency checks read. The
/// access key itself is not kept: only whether it is long-term (`AKIA`) or temporary.
fn trail_event(ev: &aws_sdk_cloudtrail::types::Event) -> TrailEvent {
    let detail: serde_json::Value = ev
        .cloud_trail_event()
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or_default();
    let text = |v: &serde_json::Value| v.as_str().map(|s| s.chars().take(256).collect::<String>());
    let identity = &detail["userIdentity"];
    let request = &detail["requestParameters"];
    let mut params: BTreeMap<String, String> = KEPT_PARAMS
        .iter()
        .filter_map(|k| text(&request[*k]).map(|v| (k.to_string(), v)))
        .collect();
    if let Some(b) = request["loggingConfig"]["textDataDeliveryEnabled"].as_bool() {
        params.insert("textDataDeliveryEnabled".into(), b.to_string());
    }
    // An assumed role's session: the role's ARN is in the session issuer.
    let role = text(&identity["sessionContext"]["sessionIssuer"]["arn"])
        .filter(|_| identity["type"].as_str() == Some("AssumedRole"));
    TrailEvent {
        id: ev.event_id().unwrap_or_default().to_string(),
        time: ev.event_time().and_then(time).unwrap_or_default(),
        name: ev.event_name().unwrap_or_default().to_string(),
        source: ev.event_source().unwrap_or_default().to_string(),
        region: text(&detail["awsRegion"]).unwrap_or_default(),
        inference_region: text(&detail["additionalEventData"]["inferenceRegion"]),
        principal: text(&identity["arn"]),
        role,
        identity_type: text(&identity["type"]),
        key_kind: identity["accessKeyId"]
            .as_str()
            .filter(|k| k.len() >= 4 && k.is_char_boundary(4))
            .map(|k| k[..4].to_string()),
        model_id: text(&request["modelId"]),
        source_ip: text(&detail["sourceIPAddress"]),
        user_agent: text(&detail["userAgent"]),
        params,
    }
}

/// Events of one event source in the last `days` days, at most `pages` pages of 50.
/// `Err` when nothing could be read; `Ok` with `complete = false` when a later page
/// failed (the events read are kept, the window is not whole).
async fn lookup(
    client: &Client,
    cx: &CallContext,
    source: &str,
    days: u32,
    pages: usize,
) -> Result<(EventWindow, bool), ()> {
    let attribute = match LookupAttribute::builder()
        .attribute_key(LookupAttributeKey::EventSource)
        .attribute_value(source)
        .build()
    {
        Ok(a) => a,
        Err(e) => {
            cx.gap(SVC, "LookupEvents", e, Some(source));
            return Err(());
        }
    };
    let start = SystemTime::now()
        .checked_sub(Duration::from_secs(u64::from(days) * 86_400))
        .unwrap_or(SystemTime::UNIX_EPOCH);
    let mut token: Option<String> = None;
    let mut window = EventWindow {
        days,
        capped: false,
        events: Vec::new(),
    };
    for page_no in 0..pages.max(1) {
        // One page at a time: it is trimmed into the window and dropped before the next.
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
                cx.gap(SVC, "LookupEvents", &e, Some(source));
                if page_no == 0 {
                    return Err(());
                }
                return Ok((window, false));
            }
        };
        window.events.extend(page.events().iter().map(trail_event));
        match page.next_token() {
            Some(t) if !t.is_empty() => {
                token = Some(t.to_string());
                window.capped = page_no + 1 == pages.max(1);
            }
            _ => break,
        }
    }
    Ok((window, true))
}

/// Bedrock events in the event history of the last `days` days (up to a page cap): the
/// activity summary, and the events themselves.
pub async fn bedrock_activity(
    client: &Client,
    cx: &CallContext,
    days: u32,
    pages: usize,
) -> (Probe<BedrockActivity>, Option<EventWindow>) {
    let (window, complete) = match lookup(client, cx, "bedrock.amazonaws.com", days, pages).await {
        Ok(w) => w,
        Err(()) => return (Probe::Unknown, None),
    };
    // Events already read are positive evidence of activity; none read (and the read
    // cut short) is no evidence either way.
    if !complete && window.events.is_empty() {
        return (Probe::Unknown, None);
    }
    let mut activity = BedrockActivity::default();
    let mut by_event: BTreeMap<String, u64> = BTreeMap::new();
    for ev in &window.events {
        activity.events += 1;
        let name = if ev.name.is_empty() {
            "(unnamed)"
        } else {
            ev.name.as_str()
        };
        *by_event.entry(name.to_string()).or_insert(0) += 1;
        if activity.last_event.as_ref().is_none_or(|l| ev.time > *l) && !ev.time.is_empty() {
            activity.last_event = Some(ev.time.clone());
        }
    }
    activity.by_event = by_event;
    (Probe::Found(activity), complete.then_some(window))
}

/// Events of the global services perimeter reads for threat signals (Marketplace
/// subscriptions; Organizations, for the payer), which CloudTrail records in the
/// partition's first Region. `None`: not read, or cut short by a failed page.
pub async fn global_events(
    client: &Client,
    cx: &CallContext,
    days: u32,
    pages: usize,
    organizations: bool,
) -> Option<EventWindow> {
    let mut sources = vec!["aws-marketplace.amazonaws.com"];
    if organizations {
        sources.push("organizations.amazonaws.com");
    }
    let reads =
        futures::future::join_all(sources.iter().map(|s| lookup(client, cx, s, days, pages))).await;
    let mut out = EventWindow {
        days,
        capped: false,
        events: Vec::new(),
    };
    for r in reads {
        let (w, complete) = r.ok()?;
        if !complete {
            return None;
        }
        out.capped |= w.capped;
        out.events.extend(w.events);
    }
    Some(out)
}
