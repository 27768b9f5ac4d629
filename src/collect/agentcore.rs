//! AgentCore control plane per Region: runtimes (network mode, resource policy),
//! gateways (inbound authorisation, error detail, key, policy engine, resource policy) and
//! memories (key, execution role). AgentCore is not offered in every Region: an endpoint
//! that does not answer is a recorded gap, asked once per Region.

use aws_sdk_bedrockagentcorecontrol::Client;
use futures::stream::{self, StreamExt};
use serde_json::Value;

use super::context::{CallContext, paginate};
use super::decode::policy_probe;
use crate::model::{AgentCore, Gateway, Memory, Probe, Runtime};

const SVC: &str = "bedrock-agentcore-control";
const FAN_OUT: usize = 4;

pub async fn collect_agentcore(client: &Client, cx: &CallContext) -> AgentCore {
    let (runtimes, gateways, memories) = futures::join!(
        runtimes(client, cx),
        gateways(client, cx),
        memories(client, cx)
    );
    AgentCore {
        runtimes,
        gateways,
        memories,
    }
}

/// A resource's policy: `Absent` when it has none (AWS answers ResourceNotFound or an
/// empty policy), `Unknown` (with a gap) when it could not be read.
async fn resource_policy(client: &Client, cx: &CallContext, arn: &str) -> Probe<Value> {
    let op = "GetResourcePolicy";
    let answer = cx
        .call(SVC, op, || {
            client.get_resource_policy().resource_arn(arn).send()
        })
        .await;
    policy_probe(
        cx,
        (SVC, op, arn),
        "resource policy",
        "ResourceNotFoundException",
        answer
            .as_ref()
            .map(|o| o.policy().map(str::trim).filter(|p| !p.is_empty())),
    )
}

async fn runtimes(client: &Client, cx: &CallContext) -> Option<Vec<Runtime>> {
    let listed = paginate(|token| async move {
        let page = cx
            .call_or_gap(SVC, "ListAgentRuntimes", None, || {
                client
                    .list_agent_runtimes()
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        let items = page
            .agent_runtimes()
            .iter()
            .map(|r| {
                (
                    r.agent_runtime_id().to_string(),
                    r.agent_runtime_arn().to_string(),
                    r.agent_runtime_name().to_string(),
                )
            })
            .collect();
        Some((items, page.next_token().map(str::to_string)))
    })
    .await?;
    Some(
        stream::iter(listed)
            .map(|(id, arn, name)| async move {
                let detail = cx.call_or_gap(SVC, "GetAgentRuntime", Some(&arn), || {
                    client.get_agent_runtime().agent_runtime_id(&id).send()
                });
                let (detail, policy) = futures::join!(detail, resource_policy(client, cx, &arn));
                let mut r = Runtime {
                    id,
                    arn,
                    name,
                    resource_policy: policy,
                    detail_collected: detail.is_some(),
                    ..Runtime::default()
                };
                if let Some(d) = detail {
                    r.role_arn = (!d.role_arn().is_empty()).then(|| d.role_arn().to_string());
                    r.network_mode = d
                        .network_configuration()
                        .map(|n| n.network_mode().as_str().to_string());
                }
                r
            })
            .buffered(FAN_OUT)
            .collect()
            .await,
    )
}

async fn gateways(client: &Client, cx: &CallContext) -> Option<Vec<Gateway>> {
    let listed = paginate(|token| async move {
        let page = cx
            .call_or_gap(SVC, "ListGateways", None, || {
                client.list_gateways().set_next_token(token.clone()).send()
            })
            .await?;
        let items = page
            .items()
            .iter()
            .map(|g| (g.gateway_id().to_string(), g.name().to_string()))
            .collect();
        Some((items, page.next_token().map(str::to_string)))
    })
    .await?;
    let region = cx.region.as_deref().unwrap_or_default();
    let partition = crate::config::region_partition(region).unwrap_or("aws");
    Some(
        stream::iter(listed)
            .map(|(id, name)| async move {
                let arn = format!(
                    "arn:{partition}:bedrock-agentcore:{region}:{}:gateway/{id}",
                    cx.account
                );
                let detail = cx.call_or_gap(SVC, "GetGateway", Some(&arn), || {
                    client.get_gateway().gateway_identifier(&id).send()
                });
                let (detail, policy) = futures::join!(detail, resource_policy(client, cx, &arn));
                let mut g = Gateway {
                    id,
                    arn,
                    name,
                    resource_policy: policy,
                    detail_collected: detail.is_some(),
                    ..Gateway::default()
                };
                if let Some(d) = detail {
                    if !d.gateway_arn().is_empty() {
                        g.arn = d.gateway_arn().to_string();
                    }
                    g.role_arn = d.role_arn().map(str::to_string);
                    g.authorizer_type = Some(d.authorizer_type().as_str().to_string());
                    g.exception_level = d.exception_level().map(|e| e.as_str().to_string());
                    g.kms_key_arn = d.kms_key_arn().map(str::to_string);
                    g.policy_engine_mode = d
                        .policy_engine_configuration()
                        .map(|p| p.mode().as_str().to_string());
                }
                g
            })
            .buffered(FAN_OUT)
            .collect()
            .await,
    )
}

async fn memories(client: &Client, cx: &CallContext) -> Option<Vec<Memory>> {
    let listed = paginate(|token| async move {
        let page = cx
            .call_or_gap(SVC, "ListMemories", None, || {
                client.list_memories().set_next_token(token.clone()).send()
            })
            .await?;
        let items = page
            .memories()
            .iter()
            .filter_map(|m| Some((m.id()?.to_string(), m.arn().unwrap_or_default().to_string())))
            .collect();
        Some((items, page.next_token().map(str::to_string)))
    })
    .await?;
    Some(
        stream::iter(listed)
            .map(|(id, arn)| async move {
                let resource = if arn.is_empty() {
                    id.clone()
                } else {
                    arn.clone()
                };
                let detail = cx
                    .call_or_gap(SVC, "GetMemory", Some(&resource), || {
                        client.get_memory().memory_id(&id).send()
                    })
                    .await;
                let mut m = Memory {
                    id: id.clone(),
                    arn: resource,
                    name: id,
                    detail_collected: false,
                    ..Memory::default()
                };
                if let Some(d) = detail.as_ref().and_then(|o| o.memory()) {
                    m.detail_collected = true;
                    m.arn = d.arn().to_string();
                    m.name = d.name().to_string();
                    m.role_arn = d.memory_execution_role_arn().map(str::to_string);
                    m.kms_key_arn = d.encryption_key_arn().map(str::to_string);
                }
                m
            })
            .buffered(FAN_OUT)
            .collect()
            .await,
    )
}
