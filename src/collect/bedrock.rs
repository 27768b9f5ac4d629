//! Bedrock control plane per Region: invocation logging, guardrails (full DRAFT detail,
//! published versions, tags), inference profiles, custom models, account-level enforced
//! guardrails.

use aws_sdk_bedrock::Client;
use aws_sdk_bedrock::types::InferenceProfileType;
use futures::stream::{self, StreamExt};

use super::context::CallContext;
use crate::model::{
    BatchJob, Bedrock, ContentFilter, CustomModel, EnforcedGuardrail, FilterAction,
    GroundingFilter, Guardrail, InferenceProfile, InvocationLogging, PiiEntity, Probe, RegexFilter,
    Tags, Topic,
};

const SVC: &str = "bedrock";
const FAN_OUT: usize = 6;
/// Most pages read from any one Bedrock list.
const MAX_PAGES: usize = 50;
/// Most published versions of one guardrail read in full (the newest).
const MAX_VERSIONS: usize = 5;

/// Read Bedrock's control-plane state of one Region. Never `None`: each part records
/// its own gap and stays `Unknown`/`None`.
pub async fn collect_bedrock(client: &Client, cx: &CallContext, activity_days: u32) -> Bedrock {
    let (logging, guardrails, profiles, custom, enforced, batch_jobs) = futures::join!(
        logging(client, cx),
        guardrails(client, cx),
        inference_profiles(client, cx),
        custom_models(client, cx),
        enforced_guardrails(client, cx),
        batch_jobs(client, cx, activity_days),
    );
    Bedrock {
        logging,
        guardrails,
        inference_profiles: profiles,
        custom_models: custom,
        enforced_guardrails: enforced,
        batch_jobs,
    }
}

/// Batch inference jobs submitted in the last `days` days, with where their output goes.
async fn batch_jobs(client: &Client, cx: &CallContext, days: u32) -> Option<Vec<BatchJob>> {
    let since = std::time::SystemTime::now()
        .checked_sub(std::time::Duration::from_secs(u64::from(days) * 86_400))
        .unwrap_or(std::time::UNIX_EPOCH);
    let since = aws_smithy_types::DateTime::from(since);
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = cx
            .call_or_gap(SVC, "ListModelInvocationJobs", None, || {
                client
                    .list_model_invocation_jobs()
                    .submit_time_after(since)
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        for j in page.invocation_job_summaries() {
            let s3 = j
                .output_data_config()
                .and_then(|o| o.as_s3_output_data_config().ok());
            out.push(BatchJob {
                arn: j.job_arn().to_string(),
                name: j.job_name().to_string(),
                status: j
                    .status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                submitted: super::decode::time(j.submit_time()),
                output_s3_uri: s3.map(|o| o.s3_uri().to_string()),
                output_kms_key: s3
                    .and_then(|o| o.s3_encryption_key_id())
                    .map(str::to_string),
                output_bucket_owner: s3.and_then(|o| o.s3_bucket_owner()).map(str::to_string),
            });
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    Some(out)
}

/// A guardrail's resource policy: `Absent` when it has none.
async fn guardrail_policy(
    client: &Client,
    cx: &CallContext,
    arn: &str,
) -> Probe<serde_json::Value> {
    let op = "GetResourcePolicy";
    let answer = cx
        .call(SVC, op, || {
            client.get_resource_policy().resource_arn(arn).send()
        })
        .await;
    super::decode::policy_probe(
        cx,
        (SVC, op, arn),
        "guardrail resource policy",
        "ResourceNotFoundException",
        answer
            .as_ref()
            .map(|o| o.resource_policy().map(str::trim).filter(|p| !p.is_empty())),
    )
}

async fn logging(client: &Client, cx: &CallContext) -> Probe<InvocationLogging> {
    let op = "GetModelInvocationLoggingConfiguration";
    let out = match cx
        .call(SVC, op, || {
            client.get_model_invocation_logging_configuration().send()
        })
        .await
    {
        Ok(o) => o,
        Err(e) => {
            cx.gap(SVC, op, &e, None);
            return Probe::Unknown;
        }
    };
    let Some(c) = out.logging_config() else {
        return Probe::Absent;
    };
    let cw = c.cloud_watch_config();
    let s3 = c.s3_config();
    let logging = InvocationLogging {
        cloudwatch_log_group: cw
            .map(|w| w.log_group_name().to_string())
            .filter(|s| !s.is_empty()),
        cloudwatch_role_arn: cw
            .map(|w| w.role_arn().to_string())
            .filter(|s| !s.is_empty()),
        large_data_bucket: cw
            .and_then(|w| w.large_data_delivery_s3_config())
            .map(|b| b.bucket_name().to_string())
            .filter(|s| !s.is_empty()),
        s3_bucket: s3
            .map(|b| b.bucket_name().to_string())
            .filter(|s| !s.is_empty()),
        s3_key_prefix: s3.and_then(|b| b.key_prefix()).map(str::to_string),
        text: c.text_data_delivery_enabled().unwrap_or(false),
        image: c.image_data_delivery_enabled().unwrap_or(false),
        embedding: c.embedding_data_delivery_enabled().unwrap_or(false),
        video: c.video_data_delivery_enabled().unwrap_or(false),
        audio: c.audio_data_delivery_enabled().unwrap_or(false),
    };
    if logging.cloudwatch_log_group.is_none() && logging.s3_bucket.is_none() {
        // A configuration with no destination delivers nothing.
        return Probe::Absent;
    }
    Probe::Found(logging)
}

/// One summary per guardrail (the listing without an identifier gives each DRAFT).
async fn guardrails(client: &Client, cx: &CallContext) -> Option<Vec<Guardrail>> {
    let mut summaries: Vec<(String, String, String, String)> = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = cx
            .call_or_gap(SVC, "ListGuardrails", None, || {
                client
                    .list_guardrails()
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        for g in page.guardrails() {
            if !summaries.iter().any(|s| s.0 == g.id()) {
                summaries.push((
                    g.id().to_string(),
                    g.arn().to_string(),
                    g.name().to_string(),
                    g.status().as_str().to_string(),
                ));
            }
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    let list =
        stream::iter(summaries)
            .map(|(id, arn, name, status)| async move {
                guardrail(client, cx, id, arn, name, status).await
            })
            .buffered(FAN_OUT)
            .collect::<Vec<_>>()
            .await;
    Some(list)
}

async fn guardrail(
    client: &Client,
    cx: &CallContext,
    id: String,
    arn: String,
    name: String,
    status: String,
) -> Guardrail {
    let mut g = Guardrail {
        id: id.clone(),
        arn: arn.clone(),
        name,
        status,
        detail_collected: false,
        ..Guardrail::default()
    };
    let (detail, versions, tags, policy) = futures::join!(
        cx.call_or_gap(SVC, "GetGuardrail", Some(&arn), || client
            .get_guardrail()
            .guardrail_identifier(&id)
            .guardrail_version("DRAFT")
            .send(),),
        guardrail_versions(client, cx, &id, &arn),
        tags(client, cx, &arn),
        guardrail_policy(client, cx, &arn),
    );
    g.resource_policy = policy;
    (g.versions, g.versions_unread) = versions;
    g.tags = tags;
    let Some(d) = detail else {
        return g;
    };
    fill_detail(&mut g, &d);
    // The newest published versions, each read in full: the version in use may differ
    // from the draft.
    let newest: Vec<String> = g
        .versions
        .iter()
        .rev()
        .take(MAX_VERSIONS)
        .cloned()
        .collect();
    g.version_details = stream::iter(newest)
        .map(|v| {
            let (id, arn) = (&id, &arn);
            async move {
                let out = cx
                    .call_or_gap(SVC, "GetGuardrail", Some(arn), || {
                        client
                            .get_guardrail()
                            .guardrail_identifier(id)
                            .guardrail_version(&v)
                            .send()
                    })
                    .await?;
                let mut vg = Guardrail {
                    id: id.clone(),
                    arn: arn.clone(),
                    version: Some(v),
                    ..Guardrail::default()
                };
                fill_detail(&mut vg, &out);
                Some(vg)
            }
        })
        .buffered(FAN_OUT)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .flatten()
        .collect();
    g
}

/// A guardrail's configuration from a `GetGuardrail` answer (draft or version).
fn fill_detail(
    g: &mut Guardrail,
    d: &aws_sdk_bedrock::operation::get_guardrail::GetGuardrailOutput,
) {
    g.detail_collected = true;
    if !d.guardrail_arn().is_empty() {
        g.arn = d.guardrail_arn().to_string();
    }
    g.status = d.status().as_str().to_string();
    g.kms_key_arn = d.kms_key_arn().map(str::to_string);
    if let Some(p) = d.content_policy() {
        g.content_filters = p
            .filters()
            .iter()
            .map(|f| ContentFilter {
                kind: f.r#type().as_str().to_string(),
                input_strength: f.input_strength().as_str().to_string(),
                output_strength: f.output_strength().as_str().to_string(),
                input_action: f.input_action().map(|a| a.as_str().to_string()),
                output_action: f.output_action().map(|a| a.as_str().to_string()),
                input_enabled: f.input_enabled(),
                output_enabled: f.output_enabled(),
            })
            .collect();
        for f in p.filters() {
            act(
                g,
                format!("content:{}", f.r#type().as_str()),
                f.input_action().map(|a| a.as_str()),
                f.output_action().map(|a| a.as_str()),
            );
        }
        g.content_tier = p.tier().map(|t| t.tier_name().as_str().to_string());
    }
    if let Some(p) = d.topic_policy() {
        g.topics = p
            .topics()
            .iter()
            .map(|t| Topic {
                name: t.name().to_string(),
                kind: t
                    .r#type()
                    .map(|k| k.as_str().to_string())
                    .unwrap_or_else(|| "DENY".into()),
            })
            .collect();
        for t in p.topics() {
            act(
                g,
                format!("topic:{}", t.name()),
                t.input_action().map(|a| a.as_str()),
                t.output_action().map(|a| a.as_str()),
            );
        }
    }
    if let Some(p) = d.sensitive_information_policy() {
        g.pii_entities = p
            .pii_entities()
            .iter()
            .map(|e| PiiEntity {
                kind: e.r#type().as_str().to_string(),
                action: e.action().as_str().to_string(),
            })
            .collect();
        g.regexes = p
            .regexes()
            .iter()
            .map(|r| RegexFilter {
                name: r.name().to_string(),
                action: r.action().as_str().to_string(),
            })
            .collect();
        for e in p.pii_entities() {
            act(
                g,
                format!("pii:{}", e.r#type().as_str()),
                e.input_action().map(|a| a.as_str()),
                e.output_action().map(|a| a.as_str()),
            );
        }
        for r in p.regexes() {
            act(
                g,
                format!("regex:{}", r.name()),
                r.input_action().map(|a| a.as_str()),
                r.output_action().map(|a| a.as_str()),
            );
        }
    }
    if let Some(p) = d.contextual_grounding_policy() {
        g.grounding_filters = p
            .filters()
            .iter()
            .map(|f| GroundingFilter {
                kind: f.r#type().as_str().to_string(),
                threshold: f.threshold(),
            })
            .collect();
        for f in p.filters() {
            let a = f.action().map(|a| a.as_str());
            act(g, format!("grounding:{}", f.r#type().as_str()), a, None);
        }
    }
    if let Some(p) = d.word_policy() {
        g.word_filters = (p.words().len() + p.managed_word_lists().len()) as u32;
        g.managed_word_lists = p
            .managed_word_lists()
            .iter()
            .map(|m| m.r#type().as_str().to_string())
            .collect();
        for m in p.managed_word_lists() {
            act(
                g,
                format!("word:{}", m.r#type().as_str()),
                m.input_action().map(|a| a.as_str()),
                m.output_action().map(|a| a.as_str()),
            );
        }
        for w in p.words() {
            act(
                g,
                "word:custom".into(),
                w.input_action().map(|a| a.as_str()),
                w.output_action().map(|a| a.as_str()),
            );
        }
    }
    g.automated_reasoning_policies = d
        .automated_reasoning_policy()
        .map(|a| a.policies().to_vec())
        .unwrap_or_default();
    g.cross_region_profile = d.cross_region_details().and_then(|c| {
        c.guardrail_profile_id()
            .or(c.guardrail_profile_arn())
            .map(str::to_string)
    });
}

/// Record one filter's actions (a custom word list counts once per distinct pair).
fn act(g: &mut Guardrail, filter: String, input: Option<&str>, output: Option<&str>) {
    let a = FilterAction {
        filter,
        input: input.map(str::to_string),
        output: output.map(str::to_string),
    };
    if !g.filter_actions.contains(&a) {
        g.filter_actions.push(a);
    }
}

/// Published numeric versions of one guardrail, and whether the listing failed.
async fn guardrail_versions(
    client: &Client,
    cx: &CallContext,
    id: &str,
    arn: &str,
) -> (Vec<String>, bool) {
    let mut versions = Vec::new();
    let mut unread = false;
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let Some(page) = cx
            .call_or_gap(SVC, "ListGuardrails", Some(arn), || {
                client
                    .list_guardrails()
                    .guardrail_identifier(id)
                    .set_next_token(token.clone())
                    .send()
            })
            .await
        else {
            unread = true;
            break;
        };
        for g in page.guardrails() {
            let v = g.version();
            if !v.is_empty() && v != "DRAFT" && !versions.iter().any(|x| x == v) {
                versions.push(v.to_string());
            }
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    versions.sort_by_key(|v| v.parse::<u64>().unwrap_or(u64::MAX));
    (versions, unread)
}

async fn tags(client: &Client, cx: &CallContext, arn: &str) -> Tags {
    cx.call_or_gap(SVC, "ListTagsForResource", Some(arn), || {
        client.list_tags_for_resource().resource_arn(arn).send()
    })
    .await
    .map(|out| {
        out.tags()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect()
    })
    .unwrap_or_default()
}

async fn inference_profiles(client: &Client, cx: &CallContext) -> Option<Vec<InferenceProfile>> {
    let mut out = Vec::new();
    for kind in [
        InferenceProfileType::SystemDefined,
        InferenceProfileType::Application,
    ] {
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let page = cx
                .call_or_gap(SVC, "ListInferenceProfiles", None, || {
                    client
                        .list_inference_profiles()
                        .type_equals(kind.clone())
                        .set_next_token(token.clone())
                        .send()
                })
                .await?;
            for p in page.inference_profile_summaries() {
                if out
                    .iter()
                    .any(|x: &InferenceProfile| x.arn == p.inference_profile_arn())
                {
                    continue;
                }
                out.push(InferenceProfile {
                    id: p.inference_profile_id().to_string(),
                    arn: p.inference_profile_arn().to_string(),
                    name: p.inference_profile_name().to_string(),
                    kind: p.r#type().as_str().to_string(),
                    status: p.status().as_str().to_string(),
                    models: p
                        .models()
                        .iter()
                        .filter_map(|m| m.model_arn().map(str::to_string))
                        .collect(),
                    tags: None,
                });
            }
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
    }
    // Application profiles carry the cost-allocation tags (USE-004); an unread tag list
    // stays `None`, never "untagged".
    let tagged = stream::iter(out.iter().map(|p| async move {
        if p.kind != "APPLICATION" {
            return None;
        }
        cx.call_or_gap(SVC, "ListTagsForResource", Some(&p.arn), || {
            client.list_tags_for_resource().resource_arn(&p.arn).send()
        })
        .await
        .map(|o| {
            o.tags()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string()))
                .collect::<Tags>()
        })
    }))
    .buffered(4)
    .collect::<Vec<_>>()
    .await;
    for (p, t) in out.iter_mut().zip(tagged) {
        p.tags = t;
    }
    Some(out)
}

async fn custom_models(client: &Client, cx: &CallContext) -> Option<Vec<CustomModel>> {
    let mut listed: Vec<(String, String)> = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = cx
            .call_or_gap(SVC, "ListCustomModels", None, || {
                client
                    .list_custom_models()
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        for m in page.model_summaries() {
            listed.push((m.model_arn().to_string(), m.model_name().to_string()));
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    let models = stream::iter(listed)
        .map(|(arn, name)| async move {
            let kms_key_arn = cx
                .call_or_gap(SVC, "GetCustomModel", Some(&arn), || {
                    client.get_custom_model().model_identifier(&arn).send()
                })
                .await
                .and_then(|d| d.model_kms_key_arn().map(str::to_string));
            CustomModel {
                arn,
                name,
                kms_key_arn,
            }
        })
        .buffered(FAN_OUT)
        .collect::<Vec<_>>()
        .await;
    Some(models)
}

async fn enforced_guardrails(client: &Client, cx: &CallContext) -> Option<Vec<EnforcedGuardrail>> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = cx
            .call_or_gap(SVC, "ListEnforcedGuardrailsConfiguration", None, || {
                client
                    .list_enforced_guardrails_configuration()
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        for c in page.guardrails_config() {
            let Some(identifier) = c.guardrail_arn().or(c.guardrail_id()) else {
                continue;
            };
            let enforcement = c.model_enforcement();
            // `inputTags` is deprecated in favour of `selectiveContentGuarding`, but older
            // configurations still carry it and it still decides what is checked.
            #[expect(deprecated, reason = "older configurations still set inputTags")]
            let input_tags = c.input_tags().map(|t| t.as_str().to_string());
            out.push(EnforcedGuardrail {
                guardrail_identifier: identifier.to_string(),
                version: c.guardrail_version().map(str::to_string),
                config_id: c.config_id().map(str::to_string),
                included_models: enforcement.map(|m| m.included_models().to_vec()),
                excluded_models: enforcement.map(|m| m.excluded_models().to_vec()),
                input_tags,
                selective_messages: c
                    .selective_content_guarding()
                    .and_then(|s| s.messages())
                    .map(|m| m.as_str().to_string()),
            });
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    Some(out)
}
