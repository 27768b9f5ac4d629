//! The rest of the Bedrock estate in one Region: agents, knowledge bases, flows and
//! prompts (the `bedrock-agent` API) and AgentCore runtimes, gateways and memories
//! (`bedrock-agentcore-control`).
//!
//! Every list is an `Option`: `None` means the list could not be read, which is not the
//! same as an empty list. A resource whose details could not be read keeps what its
//! summary said and `detail_collected = false`; fields only the details carry are then
//! `None` and the checks that need them say `unknown`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Probe;

fn yes() -> bool {
    true
}

/// The `bedrock-agent` resources of one Region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Agents {
    #[serde(default)]
    pub agents: Option<Vec<Agent>>,
    #[serde(default)]
    pub knowledge_bases: Option<Vec<KnowledgeBase>>,
    #[serde(default)]
    pub flows: Option<Vec<Flow>>,
    #[serde(default)]
    pub prompts: Option<Vec<Prompt>>,
    /// The vector stores this Region's knowledge bases name (OpenSearch Serverless
    /// collections, S3 vector buckets), with their encryption; `None`: not read.
    #[serde(default)]
    pub vector_stores: Option<Vec<VectorStore>>,
}

/// A knowledge base's vector store and how it is encrypted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VectorStore {
    pub arn: String,
    /// `OPENSEARCH_SERVERLESS` or `S3_VECTORS`.
    pub kind: String,
    /// The key named by the store (`auto` or absent: an AWS-owned key).
    #[serde(default)]
    pub kms_key_arn: Option<String>,
    /// S3 vector buckets: `AES256` or `aws:kms`.
    #[serde(default)]
    pub sse_type: Option<String>,
    /// False when the store could not be read (or was not found).
    #[serde(default = "yes")]
    pub read: bool,
}

impl Agents {
    /// Every list read, and empty.
    pub fn all_read() -> Agents {
        Agents {
            agents: Some(Vec::new()),
            knowledge_bases: Some(Vec::new()),
            flows: Some(Vec::new()),
            prompts: Some(Vec::new()),
            vector_stores: Some(Vec::new()),
        }
    }

    /// Whether the Region holds anything (counts towards Bedrock activity).
    pub fn any(&self) -> bool {
        [
            self.agents.as_ref().is_some_and(|v| !v.is_empty()),
            self.knowledge_bases.as_ref().is_some_and(|v| !v.is_empty()),
            self.flows.as_ref().is_some_and(|v| !v.is_empty()),
            self.prompts.as_ref().is_some_and(|v| !v.is_empty()),
        ]
        .into_iter()
        .any(|b| b)
    }
}

/// A guardrail named by an agent, a flow node or a prompt: identifier (id or ARN) and
/// version (`DRAFT` or a number).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GuardrailRef {
    pub identifier: String,
    #[serde(default)]
    pub version: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Agent {
    pub id: String,
    pub arn: String,
    pub name: String,
    #[serde(default)]
    pub status: String,
    /// `agentResourceRoleArn`: the service role the agent runs as.
    #[serde(default)]
    pub role_arn: Option<String>,
    /// `customerEncryptionKeyArn`.
    #[serde(default)]
    pub kms_key_arn: Option<String>,
    #[serde(default)]
    pub idle_session_ttl: Option<i64>,
    #[serde(default)]
    pub foundation_model: Option<String>,
    /// The working draft's guardrail (`GetAgent`).
    #[serde(default)]
    pub guardrail: Option<GuardrailRef>,
    /// The versions aliases route to, each with its own settings. `None`: the aliases or
    /// a routed version could not be read.
    #[serde(default)]
    pub routed_versions: Option<Vec<AgentVersion>>,
    #[serde(default = "yes")]
    pub detail_collected: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AgentVersion {
    pub version: String,
    /// The aliases that route to this version.
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub guardrail: Option<GuardrailRef>,
    #[serde(default)]
    pub idle_session_ttl: Option<i64>,
    #[serde(default)]
    pub role_arn: Option<String>,
    #[serde(default)]
    pub kms_key_arn: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct KnowledgeBase {
    pub id: String,
    pub arn: String,
    pub name: String,
    #[serde(default)]
    pub role_arn: Option<String>,
    /// `storageConfiguration.type` (OPENSEARCH_SERVERLESS, S3_VECTORS, RDS, ...).
    #[serde(default)]
    pub storage_type: Option<String>,
    /// The vector store's ARN where the configuration names one.
    #[serde(default)]
    pub storage_arn: Option<String>,
    /// `None`: the data sources could not be listed.
    #[serde(default)]
    pub data_sources: Option<Vec<DataSource>>,
    #[serde(default = "yes")]
    pub detail_collected: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DataSource {
    pub id: String,
    pub name: String,
    /// `serverSideEncryptionConfiguration.kmsKeyArn`: the key for transient ingestion data.
    #[serde(default)]
    pub kms_key_arn: Option<String>,
    /// The S3 bucket it reads, for S3 sources.
    #[serde(default)]
    pub bucket_arn: Option<String>,
    #[serde(default = "yes")]
    pub detail_collected: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Flow {
    pub id: String,
    pub arn: String,
    pub name: String,
    #[serde(default)]
    pub role_arn: Option<String>,
    #[serde(default)]
    pub kms_key_arn: Option<String>,
    /// The draft's nodes (`GetFlow`), used when no alias routes to a version.
    #[serde(default)]
    pub draft_nodes: Option<Vec<FlowNode>>,
    /// The versions aliases route to. `None`: the aliases or a version could not be read.
    #[serde(default)]
    pub routed_versions: Option<Vec<FlowVersion>>,
    #[serde(default = "yes")]
    pub detail_collected: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FlowVersion {
    pub version: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub nodes: Vec<FlowNode>,
}

/// A node of a flow definition, reduced to what guardrail checks need.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FlowNode {
    pub name: String,
    /// `Prompt`, `KnowledgeBase`, `Agent`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// Whether the node generates text with a model (a Prompt node, or a KnowledgeBase
    /// node with a `modelId`).
    pub generates: bool,
    #[serde(default)]
    pub guardrail: Option<GuardrailRef>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Prompt {
    pub id: String,
    pub arn: String,
    pub name: String,
    #[serde(default)]
    pub kms_key_arn: Option<String>,
    #[serde(default = "yes")]
    pub detail_collected: bool,
}

/// The AgentCore resources of one Region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AgentCore {
    #[serde(default)]
    pub runtimes: Option<Vec<Runtime>>,
    #[serde(default)]
    pub gateways: Option<Vec<Gateway>>,
    #[serde(default)]
    pub memories: Option<Vec<Memory>>,
}

impl AgentCore {
    pub fn all_read() -> AgentCore {
        AgentCore {
            runtimes: Some(Vec::new()),
            gateways: Some(Vec::new()),
            memories: Some(Vec::new()),
        }
    }

    pub fn any(&self) -> bool {
        self.runtimes.as_ref().is_some_and(|v| !v.is_empty())
            || self.gateways.as_ref().is_some_and(|v| !v.is_empty())
            || self.memories.as_ref().is_some_and(|v| !v.is_empty())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Runtime {
    pub id: String,
    pub arn: String,
    pub name: String,
    #[serde(default)]
    pub role_arn: Option<String>,
    /// `networkConfiguration.networkMode`: `PUBLIC` or `VPC`.
    #[serde(default)]
    pub network_mode: Option<String>,
    /// The resource-based policy: absent when there is none.
    #[serde(default)]
    pub resource_policy: Probe<Value>,
    #[serde(default = "yes")]
    pub detail_collected: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Gateway {
    pub id: String,
    pub arn: String,
    pub name: String,
    #[serde(default)]
    pub role_arn: Option<String>,
    /// `NONE`, `CUSTOM_JWT`, `AWS_IAM`, ...
    #[serde(default)]
    pub authorizer_type: Option<String>,
    /// `DEBUG` when granular errors go back to callers.
    #[serde(default)]
    pub exception_level: Option<String>,
    #[serde(default)]
    pub kms_key_arn: Option<String>,
    /// `policyEngineConfiguration.mode` (`ENFORCE`, `LOG_ONLY`); `None` when no policy
    /// engine is attached.
    #[serde(default)]
    pub policy_engine_mode: Option<String>,
    #[serde(default)]
    pub resource_policy: Probe<Value>,
    #[serde(default = "yes")]
    pub detail_collected: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Memory {
    pub id: String,
    pub arn: String,
    pub name: String,
    #[serde(default)]
    pub role_arn: Option<String>,
    #[serde(default)]
    pub kms_key_arn: Option<String>,
    #[serde(default = "yes")]
    pub detail_collected: bool,
}
