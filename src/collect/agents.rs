//! The `bedrock-agent` API per Region: agents (with the versions their aliases route
//! to), knowledge bases (with their data sources), flows (with routed versions' nodes) and
//! prompts. List first, then get only what exists; every failed call is a recorded gap and
//! leaves its part `None`, never an empty list.

use aws_sdk_bedrockagent::Client;
use aws_sdk_bedrockagent::types::{FlowDefinition, GuardrailConfiguration};
use futures::stream::{self, StreamExt};

use super::context::{CallContext, paginate};
use crate::model::{
    Agent, AgentVersion, Agents, DataSource, Flow, FlowNode, FlowVersion, GuardrailRef,
    KnowledgeBase, Prompt, VectorStore,
};

const SVC: &str = "bedrock-agent";
const FAN_OUT: usize = 4;

/// Read one Region's agents, knowledge bases, flows and prompts.
pub async fn collect_agents(client: &Client, cx: &CallContext) -> Agents {
    let (agents, knowledge_bases, flows, prompts) = futures::join!(
        agents(client, cx),
        knowledge_bases(client, cx),
        flows(client, cx),
        prompts(client, cx),
    );
    Agents {
        agents,
        knowledge_bases,
        flows,
        prompts,
        vector_stores: None,
    }
}

/// The vector stores `kbs` name, with their encryption: OpenSearch Serverless
/// collections (one `ListCollections`, which carries each collection's key) and S3 vector
/// buckets (`GetVectorBucket` each). Other store types are not read. A store that could
/// not be read, or was not found, is kept with `read = false`.
pub async fn vector_stores(
    aoss: &aws_sdk_opensearchserverless::Client,
    s3v: &aws_sdk_s3vectors::Client,
    cx: &CallContext,
    kbs: &[KnowledgeBase],
) -> Vec<VectorStore> {
    let named = |kind: &str| -> Vec<String> {
        let mut v: Vec<String> = kbs
            .iter()
            .filter(|k| k.storage_type.as_deref() == Some(kind))
            .filter_map(|k| k.storage_arn.clone())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let (collections, buckets) = (named("OPENSEARCH_SERVERLESS"), named("S3_VECTORS"));
    let mut out = Vec::new();
    if !collections.is_empty() {
        let listed = paginate(|token| async move {
            let page = cx
                .call_or_gap("aoss", "ListCollections", None, || {
                    aoss.list_collections().set_next_token(token.clone()).send()
                })
                .await?;
            let items = page
                .collection_summaries()
                .iter()
                .filter_map(|c| Some((c.arn()?.to_string(), c.kms_key_arn().map(str::to_string))))
                .collect();
            Some((items, page.next_token().map(str::to_string)))
        })
        .await;
        for arn in collections {
            let found = listed
                .as_ref()
                .and_then(|l| l.iter().find(|(a, _)| *a == arn));
            out.push(VectorStore {
                kind: "OPENSEARCH_SERVERLESS".into(),
                kms_key_arn: found.and_then(|(_, k)| k.clone()),
                sse_type: None,
                read: found.is_some(),
                arn,
            });
        }
    }
    let read = stream::iter(buckets)
        .map(|arn| async move {
            let got = cx
                .call_or_gap("s3vectors", "GetVectorBucket", Some(&arn), || {
                    s3v.get_vector_bucket().vector_bucket_arn(&arn).send()
                })
                .await;
            let enc = got
                .as_ref()
                .and_then(|g| g.vector_bucket())
                .and_then(|b| b.encryption_configuration());
            VectorStore {
                kind: "S3_VECTORS".into(),
                kms_key_arn: enc.and_then(|e| e.kms_key_arn()).map(str::to_string),
                sse_type: enc.map(|e| e.sse_type().as_str().to_string()),
                read: got.as_ref().and_then(|g| g.vector_bucket()).is_some(),
                arn,
            }
        })
        .buffered(FAN_OUT)
        .collect::<Vec<_>>()
        .await;
    out.extend(read);
    out
}

fn guardrail_ref(g: Option<&GuardrailConfiguration>) -> Option<GuardrailRef> {
    let g = g?;
    let identifier = g.guardrail_identifier().filter(|s| !s.is_empty())?;
    Some(GuardrailRef {
        identifier: identifier.to_string(),
        version: g.guardrail_version().map(str::to_string),
    })
}

fn some_text(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// The ARN AWS gives a resource of this API in the context's account and Region.
fn arn(cx: &CallContext, kind: &str, id: &str) -> String {
    let region = cx.region.as_deref().unwrap_or_default();
    let partition = crate::config::region_partition(region).unwrap_or("aws");
    format!(
        "arn:{partition}:bedrock:{region}:{}:{kind}/{id}",
        cx.account
    )
}

// ------------------------------------------------------------------ agents

async fn agents(client: &Client, cx: &CallContext) -> Option<Vec<Agent>> {
    let summaries = paginate(|token| async move {
        let page = cx
            .call_or_gap(SVC, "ListAgents", None, || {
                client.list_agents().set_next_token(token.clone()).send()
            })
            .await?;
        let items = page
            .agent_summaries()
            .iter()
            .map(|a| {
                (
                    a.agent_id().to_string(),
                    a.agent_name().to_string(),
                    a.agent_status().as_str().to_string(),
                )
            })
            .collect();
        Some((items, page.next_token().map(str::to_string)))
    })
    .await?;
    Some(
        stream::iter(summaries)
            .map(|(id, name, status)| agent(client, cx, id, name, status))
            .buffered(FAN_OUT)
            .collect()
            .await,
    )
}

async fn agent(
    client: &Client,
    cx: &CallContext,
    id: String,
    name: String,
    status: String,
) -> Agent {
    let arn = arn(cx, "agent", &id);
    let mut a = Agent {
        id: id.clone(),
        arn: arn.clone(),
        name,
        status,
        detail_collected: false,
        ..Agent::default()
    };
    let aliases = paginate(|token| {
        let (id, arn) = (&id, &arn);
        async move {
            let page = cx
                .call_or_gap(SVC, "ListAgentAliases", Some(arn), || {
                    client
                        .list_agent_aliases()
                        .agent_id(id)
                        .set_next_token(token.clone())
                        .send()
                })
                .await?;
            let items = page
                .agent_alias_summaries()
                .iter()
                .flat_map(|s| {
                    let alias = s.agent_alias_name().to_string();
                    s.routing_configuration()
                        .iter()
                        .filter_map(|r| r.agent_version())
                        .map(move |v| (v.to_string(), alias.clone()))
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>();
            Some((items, page.next_token().map(str::to_string)))
        }
    });
    let detail = cx.call_or_gap(SVC, "GetAgent", Some(&arn), || {
        client.get_agent().agent_id(&id).send()
    });
    let (detail, aliases) = futures::join!(detail, aliases);
    let draft = detail.as_ref().and_then(|d| d.agent());
    if let Some(d) = draft {
        a.detail_collected = true;
        if !d.agent_arn().is_empty() {
            a.arn = d.agent_arn().to_string();
        }
        a.role_arn = some_text(d.agent_resource_role_arn());
        a.kms_key_arn = d.customer_encryption_key_arn().map(str::to_string);
        a.idle_session_ttl = Some(i64::from(d.idle_session_ttl_in_seconds()));
        a.foundation_model = d.foundation_model().map(str::to_string);
        a.guardrail = guardrail_ref(d.guardrail_configuration());
    }
    let Some(routes) = aliases else {
        return a;
    };
    // Each version aliases route to, with the aliases that route to it.
    let mut versions: Vec<AgentVersion> = Vec::new();
    for (version, alias) in routes {
        match versions.iter_mut().find(|v| v.version == version) {
            Some(v) => v.aliases.push(alias),
            None => versions.push(AgentVersion {
                version,
                aliases: vec![alias],
                ..AgentVersion::default()
            }),
        }
    }
    let read = stream::iter(versions)
        .map(|mut v| {
            let (id, arn) = (&id, &a.arn);
            async move {
                if v.version == "DRAFT" {
                    let d = draft?;
                    v.guardrail = guardrail_ref(d.guardrail_configuration());
                    v.idle_session_ttl = Some(i64::from(d.idle_session_ttl_in_seconds()));
                    v.role_arn = some_text(d.agent_resource_role_arn());
                    v.kms_key_arn = d.customer_encryption_key_arn().map(str::to_string);
                    return Some(v);
                }
                let out = cx
                    .call_or_gap(SVC, "GetAgentVersion", Some(arn), || {
                        client
                            .get_agent_version()
                            .agent_id(id)
                            .agent_version(&v.version)
                            .send()
                    })
                    .await?;
                let d = out.agent_version()?;
                v.guardrail = guardrail_ref(d.guardrail_configuration());
                v.idle_session_ttl = Some(i64::from(d.idle_session_ttl_in_seconds()));
                v.role_arn = some_text(d.agent_resource_role_arn());
                v.kms_key_arn = d.customer_encryption_key_arn().map(str::to_string);
                Some(v)
            }
        })
        .buffered(FAN_OUT)
        .collect::<Vec<_>>()
        .await;
    // One unreadable routed version leaves the routed set unknown.
    a.routed_versions = read.into_iter().collect();
    a
}

// ------------------------------------------------------------------ knowledge bases

async fn knowledge_bases(client: &Client, cx: &CallContext) -> Option<Vec<KnowledgeBase>> {
    let summaries = paginate(|token| async move {
        let page = cx
            .call_or_gap(SVC, "ListKnowledgeBases", None, || {
                client
                    .list_knowledge_bases()
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        let items = page
            .knowledge_base_summaries()
            .iter()
            .map(|k| (k.knowledge_base_id().to_string(), k.name().to_string()))
            .collect();
        Some((items, page.next_token().map(str::to_string)))
    })
    .await?;
    Some(
        stream::iter(summaries)
            .map(|(id, name)| knowledge_base(client, cx, id, name))
            .buffered(FAN_OUT)
            .collect()
            .await,
    )
}

async fn knowledge_base(
    client: &Client,
    cx: &CallContext,
    id: String,
    name: String,
) -> KnowledgeBase {
    let arn = arn(cx, "knowledge-base", &id);
    let mut kb = KnowledgeBase {
        id: id.clone(),
        arn: arn.clone(),
        name,
        detail_collected: false,
        ..KnowledgeBase::default()
    };
    let detail = cx.call_or_gap(SVC, "GetKnowledgeBase", Some(&arn), || {
        client.get_knowledge_base().knowledge_base_id(&id).send()
    });
    let (detail, sources) = futures::join!(detail, data_sources(client, cx, &id, &arn));
    if let Some(d) = detail.as_ref().and_then(|d| d.knowledge_base()) {
        kb.detail_collected = true;
        if !d.knowledge_base_arn().is_empty() {
            kb.arn = d.knowledge_base_arn().to_string();
        }
        kb.role_arn = some_text(d.role_arn());
        if let Some(s) = d.storage_configuration() {
            kb.storage_type = Some(s.r#type().as_str().to_string());
            kb.storage_arn = s
                .opensearch_serverless_configuration()
                .map(|c| c.collection_arn().to_string())
                .or_else(|| {
                    s.opensearch_managed_cluster_configuration()
                        .map(|c| c.domain_arn().to_string())
                })
                .or_else(|| s.rds_configuration().map(|c| c.resource_arn().to_string()))
                .or_else(|| {
                    s.neptune_analytics_configuration()
                        .map(|c| c.graph_arn().to_string())
                })
                .or_else(|| {
                    s.s3_vectors_configuration()
                        .and_then(|c| c.vector_bucket_arn())
                        .map(str::to_string)
                })
                .filter(|a| !a.is_empty());
        }
    }
    kb.data_sources = sources;
    kb
}

async fn data_sources(
    client: &Client,
    cx: &CallContext,
    kb_id: &str,
    kb_arn: &str,
) -> Option<Vec<DataSource>> {
    let summaries = paginate(|token| async move {
        let page = cx
            .call_or_gap(SVC, "ListDataSources", Some(kb_arn), || {
                client
                    .list_data_sources()
                    .knowledge_base_id(kb_id)
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        let items = page
            .data_source_summaries()
            .iter()
            .map(|d| (d.data_source_id().to_string(), d.name().to_string()))
            .collect();
        Some((items, page.next_token().map(str::to_string)))
    })
    .await?;
    Some(
        stream::iter(summaries)
            .map(|(id, name)| async move {
                let mut ds = DataSource {
                    id: id.clone(),
                    name,
                    detail_collected: false,
                    ..DataSource::default()
                };
                let out = cx
                    .call_or_gap(SVC, "GetDataSource", Some(kb_arn), || {
                        client
                            .get_data_source()
                            .knowledge_base_id(kb_id)
                            .data_source_id(&id)
                            .send()
                    })
                    .await;
                if let Some(d) = out.as_ref().and_then(|o| o.data_source()) {
                    ds.detail_collected = true;
                    ds.kms_key_arn = d
                        .server_side_encryption_configuration()
                        .and_then(|s| s.kms_key_arn())
                        .map(str::to_string);
                    ds.bucket_arn = d
                        .data_source_configuration()
                        .and_then(|c| c.s3_configuration())
                        .map(|s| s.bucket_arn().to_string());
                }
                ds
            })
            .buffered(FAN_OUT)
            .collect()
            .await,
    )
}

// ------------------------------------------------------------------ flows

/// A flow definition's nodes, reduced to kind, whether they generate, and guardrail.
fn nodes(def: Option<&FlowDefinition>) -> Vec<FlowNode> {
    let Some(def) = def else {
        return Vec::new();
    };
    def.nodes()
        .iter()
        .map(|n| {
            let config = n.configuration();
            let prompt = config.and_then(|c| c.as_prompt().ok());
            let kb = config.and_then(|c| c.as_knowledge_base().ok());
            let (generates, guardrail) = match (prompt, kb) {
                (Some(p), _) => (true, guardrail_ref(p.guardrail_configuration())),
                (None, Some(k)) => (
                    k.model_id().is_some_and(|m| !m.is_empty()),
                    guardrail_ref(k.guardrail_configuration()),
                ),
                (None, None) => (false, None),
            };
            FlowNode {
                name: n.name().to_string(),
                kind: n.r#type().as_str().to_string(),
                generates,
                guardrail,
            }
        })
        .collect()
}

async fn flows(client: &Client, cx: &CallContext) -> Option<Vec<Flow>> {
    let summaries = paginate(|token| async move {
        let page = cx
            .call_or_gap(SVC, "ListFlows", None, || {
                client.list_flows().set_next_token(token.clone()).send()
            })
            .await?;
        let items = page
            .flow_summaries()
            .iter()
            .map(|f| {
                (
                    f.id().to_string(),
                    f.arn().to_string(),
                    f.name().to_string(),
                )
            })
            .collect();
        Some((items, page.next_token().map(str::to_string)))
    })
    .await?;
    Some(
        stream::iter(summaries)
            .map(|(id, arn, name)| flow(client, cx, id, arn, name))
            .buffered(FAN_OUT)
            .collect()
            .await,
    )
}

async fn flow(
    client: &Client,
    cx: &CallContext,
    id: String,
    listed_arn: String,
    name: String,
) -> Flow {
    let arn = if listed_arn.is_empty() {
        arn(cx, "flow", &id)
    } else {
        listed_arn
    };
    let mut f = Flow {
        id: id.clone(),
        arn: arn.clone(),
        name,
        detail_collected: false,
        ..Flow::default()
    };
    let detail = cx.call_or_gap(SVC, "GetFlow", Some(&arn), || {
        client.get_flow().flow_identifier(&id).send()
    });
    let aliases = paginate(|token| {
        let (id, arn) = (&id, &arn);
        async move {
            let page = cx
                .call_or_gap(SVC, "ListFlowAliases", Some(arn), || {
                    client
                        .list_flow_aliases()
                        .flow_identifier(id)
                        .set_next_token(token.clone())
                        .send()
                })
                .await?;
            let items = page
                .flow_alias_summaries()
                .iter()
                .flat_map(|s| {
                    let alias = s.name().to_string();
                    s.routing_configuration()
                        .iter()
                        .filter_map(|r| r.flow_version())
                        .map(move |v| (v.to_string(), alias.clone()))
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>();
            Some((items, page.next_token().map(str::to_string)))
        }
    });
    let (detail, aliases) = futures::join!(detail, aliases);
    if let Some(d) = &detail {
        f.detail_collected = true;
        f.role_arn = some_text(d.execution_role_arn());
        f.kms_key_arn = d.customer_encryption_key_arn().map(str::to_string);
        f.draft_nodes = Some(nodes(d.definition()));
    }
    let Some(routes) = aliases else {
        return f;
    };
    let mut versions: Vec<FlowVersion> = Vec::new();
    for (version, alias) in routes {
        match versions.iter_mut().find(|v| v.version == version) {
            Some(v) => v.aliases.push(alias),
            None => versions.push(FlowVersion {
                version,
                aliases: vec![alias],
                nodes: Vec::new(),
            }),
        }
    }
    let draft_nodes = f.draft_nodes.clone();
    let read = stream::iter(versions)
        .map(|mut v| {
            let (id, arn, draft_nodes) = (&id, &f.arn, &draft_nodes);
            async move {
                if v.version == "DRAFT" {
                    v.nodes = draft_nodes.clone()?;
                    return Some(v);
                }
                let out = cx
                    .call_or_gap(SVC, "GetFlowVersion", Some(arn), || {
                        client
                            .get_flow_version()
                            .flow_identifier(id)
                            .flow_version(&v.version)
                            .send()
                    })
                    .await?;
                v.nodes = nodes(out.definition());
                Some(v)
            }
        })
        .buffered(FAN_OUT)
        .collect::<Vec<_>>()
        .await;
    f.routed_versions = read.into_iter().collect();
    f
}

// ------------------------------------------------------------------ prompts

async fn prompts(client: &Client, cx: &CallContext) -> Option<Vec<Prompt>> {
    let summaries = paginate(|token| async move {
        let page = cx
            .call_or_gap(SVC, "ListPrompts", None, || {
                client.list_prompts().set_next_token(token.clone()).send()
            })
            .await?;
        let items = page
            .prompt_summaries()
            .iter()
            .map(|p| {
                (
                    p.id().to_string(),
                    p.arn().to_string(),
                    p.name().to_string(),
                )
            })
            .collect();
        Some((items, page.next_token().map(str::to_string)))
    })
    .await?;
    Some(
        stream::iter(summaries)
            .map(|(id, listed_arn, name)| async move {
                let arn = if listed_arn.is_empty() {
                    arn(cx, "prompt", &id)
                } else {
                    listed_arn
                };
                let out = cx
                    .call_or_gap(SVC, "GetPrompt", Some(&arn), || {
                        client.get_prompt().prompt_identifier(&id).send()
                    })
                    .await;
                Prompt {
                    id,
                    arn,
                    name,
                    kms_key_arn: out
                        .as_ref()
                        .and_then(|o| o.customer_encryption_key_arn())
                        .map(str::to_string),
                    detail_collected: out.is_some(),
                }
            })
            .buffered(FAN_OUT)
            .collect()
            .await,
    )
}
