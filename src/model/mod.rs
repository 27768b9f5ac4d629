//! The snapshot: plain serde data with no AWS SDK types.
//!
//! A [`Snapshot`] is the contract between collection and evaluation. Collectors
//! convert SDK types into these types at the edge; checks read only these types.
//! `perimeter evaluate snapshot.json` must give exactly the findings of the live run
//! that wrote the snapshot, so everything a check reads lives here.
//!
//! Conventions:
//! * A field of type [`Probe`] distinguishes "configured" (`found`), "read and not
//!   configured" (`absent`) and "could not be read" (`unknown`, with a gap recorded).
//! * An `Option<Vec<_>>` that is `None` means the list could not be collected (a gap
//!   says why); `Some(vec![])` means it was read and is empty.

pub mod arn;
pub mod estate;
pub mod json_text;
pub mod usage;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use arn::Arn;
pub use json_text::JsonText;

/// A policy document as compact JSON text (a decoded JSON object, or a JSON string when it
/// could not be decoded); `null` when it could not be read.
pub type Document = JsonText;
pub use estate::{
    Agent, AgentCore, AgentVersion, Agents, DataSource, Flow, FlowNode, FlowVersion, Gateway,
    GuardrailRef, KnowledgeBase, Memory, Prompt, Runtime, VectorStore,
};
pub use usage::{
    Alarm, AnomalyMonitor, AnomalySubscription, Billing, Budget, BudgetNotification, CostTag,
    Detector, EventWindow, Quota, TrailEvent,
};

/// The snapshot schema version this build writes and reads.
pub const SCHEMA_VERSION: &str = "1";

/// Tag map, sorted for stable output.
pub type Tags = BTreeMap<String, String>;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub schema_version: String,
    pub meta: Meta,
    #[serde(default)]
    pub organization: Option<Organization>,
    pub accounts: Vec<Account>,
    #[serde(default)]
    pub gaps: Vec<Gap>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    pub tool: ToolInfo,
    /// Who collected: the caller identity (never credentials).
    pub caller: CallerIdentity,
    /// RFC 3339 times.
    pub started: String,
    pub finished: String,
    /// Regions in scope.
    pub regions: Vec<String>,
    /// Accounts in scope.
    pub accounts: Vec<String>,
    /// `live` (collected from AWS APIs), `gaad` (built from an IAM dump), `merged`.
    pub source: String,
    /// True when collection was interrupted and the snapshot holds what was read so far.
    #[serde(default)]
    pub partial: bool,
    /// API calls made, per account, Region, service and operation.
    #[serde(default)]
    pub api_calls: Vec<ApiCallCount>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
}

impl ToolInfo {
    pub fn current() -> Self {
        ToolInfo {
            name: "perimeter".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CallerIdentity {
    pub account: String,
    pub arn: String,
    pub user_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ApiCallCount {
    pub account: String,
    pub region: String,
    pub service: String,
    pub operation: String,
    pub count: u64,
}

/// A piece of data that could not be collected. Never aborts a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Gap {
    pub account: String,
    #[serde(default)]
    pub region: Option<String>,
    pub service: String,
    pub operation: String,
    pub error: String,
    /// The resource the call was about, when it was about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
}

/// Three-state fact: configured, read-and-not-configured, or could not be read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "status", content = "value", rename_all = "snake_case")]
pub enum Probe<T> {
    Found(T),
    Absent,
    #[default]
    Unknown,
}

impl<T> Probe<T> {
    pub fn found(&self) -> Option<&T> {
        match self {
            Probe::Found(v) => Some(v),
            _ => None,
        }
    }
    pub fn is_unknown(&self) -> bool {
        matches!(self, Probe::Unknown)
    }
    pub fn is_absent(&self) -> bool {
        matches!(self, Probe::Absent)
    }
}

// ---------------------------------------------------------------- organization

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    pub id: String,
    pub arn: String,
    pub management_account_id: String,
    pub root_id: String,
    pub ous: Vec<OrgUnit>,
    pub accounts: Vec<OrgAccount>,
    /// Service control policies (and resource control policies if present).
    pub policies: Vec<OrgPolicy>,
    /// Whether the BEDROCK_POLICY type is enabled at the root; `None`: not known.
    #[serde(default)]
    pub bedrock_policy_enabled: Option<bool>,
    /// Bedrock policies with their attachments; `None`: not read (or the type is off).
    #[serde(default)]
    pub bedrock_policies: Option<Vec<OrgPolicy>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrgUnit {
    pub id: String,
    pub name: String,
    pub parent_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrgAccount {
    pub id: String,
    pub name: String,
    pub email: String,
    pub status: String,
    pub parent_id: String,
    #[serde(default)]
    pub tags: Tags,
    /// True when the account's tags could not be read.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tags_unread: bool,
    /// The account's effective Bedrock policy (`DescribeEffectivePolicy`): `Absent` when
    /// none applies, `Unknown` when it could not be read.
    #[serde(default)]
    pub effective_bedrock_policy: Probe<Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrgPolicy {
    pub id: String,
    pub name: String,
    /// `SERVICE_CONTROL_POLICY` or `RESOURCE_CONTROL_POLICY`.
    pub kind: String,
    pub aws_managed: bool,
    pub document: Document,
    /// Root, OU and account ids the policy is attached to.
    pub targets: Vec<String>,
    /// True when the attachments could not be listed: `targets` is then incomplete, and
    /// no SCP chain that could include the policy is known.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub targets_unread: bool,
}

// ---------------------------------------------------------------- account

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    /// Root first, then each OU down to the account's parent.
    #[serde(default)]
    pub ou_path: Vec<OuRef>,
    /// Account tags from Organizations (data residency and the like).
    #[serde(default)]
    pub tags: Tags,
    /// True when the account's tags could not be read (a gap says why); `tags` is then
    /// empty for want of data, not because the account has none.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tags_unread: bool,
    /// The SCP chain root → OUs → account. `None`: not governed by SCPs (or not known,
    /// in which case a gap says so).
    #[serde(default)]
    pub scps: Option<Vec<ScpLevel>>,
    /// How perimeter reached the account: `caller` or `assumed-role:<arn>`.
    #[serde(default)]
    pub access: String,
    /// `None` when IAM could not be read.
    #[serde(default)]
    pub iam: Option<Iam>,
    #[serde(default)]
    pub regions: BTreeMap<String, RegionData>,
    /// Budgets, cost-anomaly monitors and cost-allocation tags; `None`: not read.
    #[serde(default)]
    pub billing: Option<Billing>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OuRef {
    pub id: String,
    pub name: String,
}

/// One level of the SCP chain: the policies attached at the root, an OU or the account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScpLevel {
    /// `root`, `ou` or `account`.
    pub kind: String,
    pub target_id: String,
    pub target_name: String,
    pub policies: Vec<ScpRef>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScpRef {
    pub id: String,
    pub name: String,
    pub document: Document,
}

// ---------------------------------------------------------------- IAM

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Iam {
    pub roles: Vec<Role>,
    pub users: Vec<User>,
    pub groups: Vec<Group>,
    /// Managed policies attached to anything in the account (customer and AWS managed).
    pub policies: Vec<ManagedPolicy>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InlinePolicy {
    pub name: String,
    pub document: Document,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Role {
    pub arn: String,
    pub name: String,
    pub path: String,
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub created: Option<String>,
    #[serde(default)]
    pub tags: Tags,
    pub trust_policy: Document,
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
    /// ARNs of attached managed policies.
    #[serde(default)]
    pub attached_policies: Vec<String>,
    #[serde(default)]
    pub permissions_boundary: Option<String>,
    /// RFC 3339 time the role was last used, if IAM reports it.
    #[serde(default)]
    pub last_used: Option<String>,
    #[serde(default)]
    pub last_used_region: Option<String>,
}

impl Role {
    pub fn is_service_linked(&self) -> bool {
        self.path.starts_with("/aws-service-role/")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub arn: String,
    pub name: String,
    pub path: String,
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub created: Option<String>,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
    #[serde(default)]
    pub attached_policies: Vec<String>,
    /// Names of the groups the user is in.
    #[serde(default)]
    pub groups: Vec<String>,
    #[serde(default)]
    pub permissions_boundary: Option<String>,
    #[serde(default)]
    pub password_last_used: Option<String>,
    /// Service-specific credentials (Bedrock long-term API keys among them).
    /// `Unknown` when they could not be listed.
    #[serde(default)]
    pub service_credentials: Probe<Vec<ServiceCredential>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServiceCredential {
    pub id: String,
    pub service_name: String,
    pub status: String,
    #[serde(default)]
    pub created: Option<String>,
    #[serde(default)]
    pub expires: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub arn: String,
    pub name: String,
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
    #[serde(default)]
    pub attached_policies: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ManagedPolicy {
    pub arn: String,
    pub name: String,
    pub aws_managed: bool,
    #[serde(default)]
    pub version_id: String,
    /// The default version's document; `null` if it could not be read.
    pub document: Document,
}

// ---------------------------------------------------------------- per Region

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RegionData {
    #[serde(default)]
    pub kms: Option<Kms>,
    #[serde(default)]
    pub bedrock: Option<Bedrock>,
    #[serde(default)]
    pub ec2: Option<Ec2>,
    #[serde(default)]
    pub cloudtrail: Option<CloudTrail>,
    #[serde(default)]
    pub s3: Option<S3>,
    #[serde(default)]
    pub logs: Option<Logs>,
    /// Agents, knowledge bases, flows and prompts.
    #[serde(default)]
    pub agents: Option<Agents>,
    /// AgentCore runtimes, gateways and memories.
    #[serde(default)]
    pub agentcore: Option<AgentCore>,
    /// Invocation-log delivery failures from CloudWatch metrics (read only where
    /// invocation logging is configured: `Absent` elsewhere).
    #[serde(default)]
    pub delivery_failures: Probe<DeliveryFailures>,
    /// CloudWatch metric alarms.
    #[serde(default)]
    pub alarms: Option<Vec<Alarm>>,
    /// GuardDuty detectors.
    #[serde(default)]
    pub detectors: Option<Vec<Detector>>,
    /// Bedrock service quotas.
    #[serde(default)]
    pub quotas: Option<Vec<Quota>>,
}

/// Sums of Bedrock's invocation-log delivery-failure metrics over a window.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DeliveryFailures {
    pub days: u32,
    /// `ModelInvocationLogsCloudWatchDeliveryFailure`.
    pub cloudwatch: f64,
    /// `ModelInvocationLogsS3DeliveryFailure`.
    pub s3: f64,
    /// `ModelInvocationLargeDataS3DeliveryFailure`.
    pub large_data: f64,
}

impl RegionData {
    /// A Region where every service was read and nothing was found (tests and fixtures
    /// start from it; `Default` is the opposite: nothing read).
    pub fn all_read() -> RegionData {
        RegionData {
            kms: Some(Kms::default()),
            bedrock: Some(Bedrock::all_read()),
            ec2: Some(Ec2::default()),
            cloudtrail: Some(CloudTrail::all_read()),
            s3: Some(S3::default()),
            logs: Some(Logs::default()),
            agents: Some(Agents::all_read()),
            agentcore: Some(AgentCore::all_read()),
            delivery_failures: Probe::Absent,
            alarms: Some(Vec::new()),
            detectors: Some(Vec::new()),
            quotas: Some(Vec::new()),
        }
    }
}

// KMS

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Kms {
    pub keys: Vec<KmsKey>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct KmsKey {
    pub id: String,
    pub arn: String,
    #[serde(default)]
    pub description: String,
    /// `CUSTOMER` or `AWS`.
    pub manager: String,
    #[serde(default)]
    pub state: String,
    /// e.g. `SYMMETRIC_DEFAULT`.
    #[serde(default)]
    pub spec: String,
    #[serde(default)]
    pub usage: String,
    #[serde(default)]
    pub origin: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub tags: Tags,
    /// The tags could not be read (`tags` is then what was read before the failure).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tags_unread: bool,
    /// Automatic rotation on/off (`Unknown` if unreadable, `Absent` where it does not apply).
    #[serde(default)]
    pub rotation_enabled: Probe<bool>,
    #[serde(default)]
    pub policy: Probe<Value>,
}

impl KmsKey {
    /// True only for a key known to be customer managed.
    pub fn is_customer_managed(&self) -> bool {
        self.customer_managed() == Some(true)
    }

    /// `Some(true)` customer managed, `Some(false)` AWS managed, `None` when the key's
    /// manager could not be read (DescribeKey failed): never guessed.
    pub fn customer_managed(&self) -> Option<bool> {
        if self.aliases.iter().any(|a| a.starts_with("alias/aws/")) {
            Some(false)
        } else if self.manager.eq_ignore_ascii_case("CUSTOMER") {
            Some(true)
        } else if self.manager.eq_ignore_ascii_case("AWS") {
            Some(false)
        } else {
            None
        }
    }
}

// Bedrock

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Bedrock {
    /// Model invocation logging configuration.
    #[serde(default)]
    pub logging: Probe<InvocationLogging>,
    #[serde(default)]
    pub guardrails: Option<Vec<Guardrail>>,
    #[serde(default)]
    pub inference_profiles: Option<Vec<InferenceProfile>>,
    #[serde(default)]
    pub custom_models: Option<Vec<CustomModel>>,
    /// Account-level enforced guardrail configurations.
    #[serde(default)]
    pub enforced_guardrails: Option<Vec<EnforcedGuardrail>>,
    /// Batch inference jobs submitted within the activity window.
    #[serde(default)]
    pub batch_jobs: Option<Vec<BatchJob>>,
}

/// A batch inference job and where its output goes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BatchJob {
    pub arn: String,
    pub name: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub submitted: Option<String>,
    /// `outputDataConfig.s3OutputDataConfig.s3Uri`.
    #[serde(default)]
    pub output_s3_uri: Option<String>,
    /// `…s3EncryptionKeyId`: the key the job's output is written with, if any.
    #[serde(default)]
    pub output_kms_key: Option<String>,
    /// `…s3BucketOwner`: the output bucket's account, when another.
    #[serde(default)]
    pub output_bucket_owner: Option<String>,
}

impl Bedrock {
    /// Bedrock configuration read in full and empty.
    pub fn all_read() -> Bedrock {
        Bedrock {
            logging: Probe::Absent,
            guardrails: Some(Vec::new()),
            inference_profiles: Some(Vec::new()),
            custom_models: Some(Vec::new()),
            enforced_guardrails: Some(Vec::new()),
            batch_jobs: Some(Vec::new()),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InvocationLogging {
    #[serde(default)]
    pub cloudwatch_log_group: Option<String>,
    #[serde(default)]
    pub cloudwatch_role_arn: Option<String>,
    #[serde(default)]
    pub large_data_bucket: Option<String>,
    #[serde(default)]
    pub s3_bucket: Option<String>,
    #[serde(default)]
    pub s3_key_prefix: Option<String>,
    pub text: bool,
    pub image: bool,
    pub embedding: bool,
    #[serde(default)]
    pub video: bool,
    #[serde(default)]
    pub audio: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Guardrail {
    pub id: String,
    pub arn: String,
    pub name: String,
    #[serde(default)]
    pub status: String,
    /// Published numeric versions (empty: only the mutable DRAFT exists, unless
    /// `versions_unread`).
    #[serde(default)]
    pub versions: Vec<String>,
    /// The versions could not be listed: an empty `versions` says nothing.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub versions_unread: bool,
    #[serde(default)]
    pub kms_key_arn: Option<String>,
    #[serde(default)]
    pub content_filters: Vec<ContentFilter>,
    /// `CLASSIC` or `STANDARD` for the content policy tier.
    #[serde(default)]
    pub content_tier: Option<String>,
    #[serde(default)]
    pub topics: Vec<Topic>,
    #[serde(default)]
    pub pii_entities: Vec<PiiEntity>,
    #[serde(default)]
    pub regexes: Vec<RegexFilter>,
    #[serde(default)]
    pub grounding_filters: Vec<GroundingFilter>,
    #[serde(default)]
    pub word_filters: u32,
    /// Guardrail profile used for cross-Region inference, if any.
    #[serde(default)]
    pub cross_region_profile: Option<String>,
    #[serde(default)]
    pub tags: Tags,
    /// False when the guardrail's details could not be read (only its summary).
    #[serde(default = "yes")]
    pub detail_collected: bool,
    /// `wordPolicy.managedWordLists[].type` (e.g. `PROFANITY`).
    #[serde(default)]
    pub managed_word_lists: Vec<String>,
    /// Each configured filter's actions (`NONE` detects without blocking).
    #[serde(default)]
    pub filter_actions: Vec<FilterAction>,
    /// Which configuration this is: `None` for the working draft, else a published
    /// version number.
    #[serde(default)]
    pub version: Option<String>,
    /// Published versions read in full (the newest ones, up to a cap), each with its own
    /// configuration; a published version missing here was not read.
    #[serde(default)]
    pub version_details: Vec<Guardrail>,
    /// `automatedReasoningPolicy.policies`.
    #[serde(default)]
    pub automated_reasoning_policies: Vec<String>,
    /// The guardrail's resource-based policy (who else may apply it).
    #[serde(default)]
    pub resource_policy: Probe<Value>,
}

/// The actions of one configured guardrail filter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FilterAction {
    /// `content:HATE`, `topic:<name>`, `word:PROFANITY`, `word:custom`, `pii:EMAIL`,
    /// `regex:<name>`, `grounding:GROUNDING`.
    pub filter: String,
    #[serde(default)]
    pub input: Option<String>,
    #[serde(default)]
    pub output: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContentFilter {
    #[serde(rename = "type")]
    pub kind: String,
    pub input_strength: String,
    pub output_strength: String,
    #[serde(default)]
    pub input_action: Option<String>,
    #[serde(default)]
    pub output_action: Option<String>,
    #[serde(default)]
    pub input_enabled: Option<bool>,
    #[serde(default)]
    pub output_enabled: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Topic {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PiiEntity {
    #[serde(rename = "type")]
    pub kind: String,
    pub action: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RegexFilter {
    pub name: String,
    pub action: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GroundingFilter {
    #[serde(rename = "type")]
    pub kind: String,
    pub threshold: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InferenceProfile {
    pub id: String,
    pub arn: String,
    #[serde(default)]
    pub name: String,
    /// `SYSTEM_DEFINED` or `APPLICATION`.
    pub kind: String,
    #[serde(default)]
    pub status: String,
    /// `models[].modelArn` as the API returns them (a capped list).
    #[serde(default)]
    pub models: Vec<String>,
    /// Tags of an application profile; `None`: not read (system profiles are not read).
    #[serde(default)]
    pub tags: Option<Tags>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomModel {
    pub arn: String,
    pub name: String,
    #[serde(default)]
    pub kms_key_arn: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EnforcedGuardrail {
    pub guardrail_identifier: String,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub config_id: Option<String>,
    /// `modelEnforcement.includedModels` (`ALL` for every model); `None` when the
    /// configuration does not say.
    #[serde(default)]
    pub included_models: Option<Vec<String>>,
    #[serde(default)]
    pub excluded_models: Option<Vec<String>>,
    /// `inputTags`: `HONOR` checks only the tagged part of a request.
    #[serde(default)]
    pub input_tags: Option<String>,
    /// `selectiveContentGuarding.messages`.
    #[serde(default)]
    pub selective_messages: Option<String>,
}

// EC2

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Ec2 {
    pub vpcs: Vec<Vpc>,
    /// Bedrock interface endpoints (`com.amazonaws.<region>.bedrock*`).
    pub endpoints: Vec<VpcEndpoint>,
    /// Security groups attached to those endpoints.
    pub security_groups: Vec<SecurityGroup>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Vpc {
    pub id: String,
    #[serde(default)]
    pub cidr: String,
    #[serde(default)]
    pub is_default: bool,
    #[serde(default)]
    pub tags: Tags,
    /// Network interfaces in the VPC other than VPC endpoints' own (instances, Lambda
    /// functions, containers, load balancers...): `Some(0)` is an idle VPC; `None` when
    /// they could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload_interfaces: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VpcEndpoint {
    pub id: String,
    pub vpc_id: String,
    pub service_name: String,
    /// `Interface`, `Gateway`, ...
    pub endpoint_type: String,
    #[serde(default)]
    pub state: String,
    pub private_dns_enabled: bool,
    #[serde(default)]
    pub policy: Option<Value>,
    #[serde(default)]
    pub security_group_ids: Vec<String>,
    #[serde(default)]
    pub subnet_ids: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SecurityGroup {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub vpc_id: String,
    pub ingress: Vec<SgRule>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SgRule {
    /// `-1` for all protocols.
    pub protocol: String,
    #[serde(default)]
    pub from_port: Option<i32>,
    #[serde(default)]
    pub to_port: Option<i32>,
    #[serde(default)]
    pub ipv4_ranges: Vec<String>,
    #[serde(default)]
    pub ipv6_ranges: Vec<String>,
    #[serde(default)]
    pub source_groups: Vec<String>,
}

// CloudTrail

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CloudTrail {
    /// Trails whose home Region is this Region.
    pub trails: Vec<Trail>,
    /// Bedrock API activity in this Region from the event history (last 90 days).
    #[serde(default)]
    pub bedrock_activity: Probe<BedrockActivity>,
    /// The Bedrock events themselves, trimmed; `None`: not read.
    #[serde(default)]
    pub bedrock_events: Option<EventWindow>,
    /// In the partition's first Region only (us-east-1 in `aws`): Marketplace and, for
    /// the payer, Organizations events. `None` there: not read.
    #[serde(default)]
    pub global_events: Option<EventWindow>,
}

impl CloudTrail {
    /// No trails, and no Bedrock activity in the event history (both read).
    pub fn all_read() -> CloudTrail {
        CloudTrail {
            trails: Vec::new(),
            bedrock_activity: Probe::Found(BedrockActivity::default()),
            bedrock_events: Some(EventWindow::default()),
            global_events: Some(EventWindow::default()),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Trail {
    pub name: String,
    pub arn: String,
    pub home_region: String,
    pub multi_region: bool,
    #[serde(default)]
    pub organization_trail: bool,
    pub log_file_validation: bool,
    #[serde(default)]
    pub kms_key_id: Option<String>,
    #[serde(default)]
    pub s3_bucket: Option<String>,
    #[serde(default)]
    pub cloudwatch_log_group_arn: Option<String>,
    #[serde(default)]
    pub is_logging: Probe<bool>,
    #[serde(default)]
    pub event_selectors: Probe<EventSelectors>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventSelectors {
    #[serde(default)]
    pub basic: Vec<BasicSelector>,
    #[serde(default)]
    pub advanced: Vec<AdvancedSelector>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BasicSelector {
    pub read_write_type: String,
    pub include_management_events: bool,
    /// (resource type, values)
    #[serde(default)]
    pub data_resources: Vec<DataResource>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DataResource {
    #[serde(rename = "type")]
    pub kind: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AdvancedSelector {
    #[serde(default)]
    pub name: Option<String>,
    pub field_selectors: Vec<FieldSelector>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FieldSelector {
    pub field: String,
    #[serde(default)]
    pub equals: Vec<String>,
    #[serde(default)]
    pub starts_with: Vec<String>,
    #[serde(default)]
    pub ends_with: Vec<String>,
    #[serde(default)]
    pub not_equals: Vec<String>,
    #[serde(default)]
    pub not_starts_with: Vec<String>,
    #[serde(default)]
    pub not_ends_with: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BedrockActivity {
    /// Number of Bedrock events seen (capped by the collector's page limit).
    pub events: u64,
    /// Event name → count.
    #[serde(default)]
    pub by_event: BTreeMap<String, u64>,
    #[serde(default)]
    pub last_event: Option<String>,
}

// S3

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct S3 {
    /// Buckets in this Region that Bedrock logging or a trail writes to.
    pub buckets: Vec<Bucket>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    pub name: String,
    #[serde(default)]
    pub region: String,
    /// Why perimeter looked at the bucket (`invocation-logs`, `cloudtrail`).
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub encryption: Probe<BucketEncryption>,
    #[serde(default)]
    pub public_access_block: Probe<PublicAccessBlock>,
    #[serde(default)]
    pub policy: Probe<Value>,
    #[serde(default)]
    pub object_lock: Probe<ObjectLock>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BucketEncryption {
    /// `AES256`, `aws:kms`, `aws:kms:dsse`.
    pub algorithm: String,
    #[serde(default)]
    pub kms_key_id: Option<String>,
    #[serde(default)]
    pub bucket_key_enabled: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PublicAccessBlock {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    pub fn all_on(&self) -> bool {
        self.block_public_acls
            && self.ignore_public_acls
            && self.block_public_policy
            && self.restrict_public_buckets
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ObjectLock {
    pub enabled: bool,
    #[serde(default)]
    pub mode: Option<String>,
    #[serde(default)]
    pub days: Option<i32>,
    #[serde(default)]
    pub years: Option<i32>,
}

// Logs

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Logs {
    /// Log groups Bedrock logging or a trail writes to.
    pub log_groups: Vec<LogGroup>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LogGroup {
    pub name: String,
    pub arn: String,
    #[serde(default)]
    pub kms_key_id: Option<String>,
    /// `None` = never expire.
    #[serde(default)]
    pub retention_days: Option<i32>,
    #[serde(default)]
    pub roles: Vec<String>,
}

// ---------------------------------------------------------------- loading

/// Why a snapshot file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("cannot read snapshot {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("snapshot {path} is not valid JSON ({source})")]
    Json {
        path: String,
        source: serde_json::Error,
    },
    #[error(
        "snapshot {path} has schema version {found:?}; this perimeter reads version {expected}"
    )]
    Version {
        path: String,
        found: String,
        expected: &'static str,
    },
    #[error("snapshot {path} does not have the snapshot shape: {source}")]
    Shape {
        path: String,
        source: serde_json::Error,
    },
}

impl Snapshot {
    pub fn new(meta: Meta) -> Self {
        Snapshot {
            schema_version: SCHEMA_VERSION.into(),
            meta,
            organization: None,
            accounts: Vec::new(),
            gaps: Vec::new(),
        }
    }

    /// Parse a snapshot from text, checking the schema version first so that an old or
    /// foreign file gets a clear message instead of a field-level error.
    pub fn from_json(path: &str, text: &str) -> Result<Snapshot, SnapshotError> {
        /// Only the version, read without building the rest.
        #[derive(Deserialize)]
        struct Head {
            schema_version: Option<Value>,
        }
        let found = match serde_json::from_str::<Head>(text) {
            Ok(head) => head
                .schema_version
                .as_ref()
                .and_then(Value::as_str)
                .unwrap_or("(missing)")
                .to_string(),
            // Valid JSON that is not an object: no version.
            Err(e) if e.is_data() => "(missing)".to_string(),
            Err(source) => {
                return Err(SnapshotError::Json {
                    path: path.into(),
                    source,
                });
            }
        };
        let shape = |source| SnapshotError::Shape {
            path: path.into(),
            source,
        };
        if found == SCHEMA_VERSION {
            // The current version: straight into the model, without a JSON tree of the
            // whole file beside it.
            return serde_json::from_str(text).map_err(shape);
        }
        let value: Value = serde_json::from_str(text).map_err(|source| SnapshotError::Json {
            path: path.into(),
            source,
        })?;
        let value = migrate(value, &found).ok_or_else(|| SnapshotError::Version {
            path: path.into(),
            found,
            expected: SCHEMA_VERSION,
        })?;
        serde_json::from_value(value).map_err(shape)
    }

    pub fn load(path: &str) -> Result<Snapshot, SnapshotError> {
        let text = std::fs::read_to_string(path).map_err(|source| SnapshotError::Read {
            path: path.into(),
            source,
        })?;
        Snapshot::from_json(path, &text)
    }

    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.id == id)
    }

    /// Gaps recorded for an account, optionally narrowed to a Region and a service.
    pub fn gaps_for<'a>(
        &'a self,
        account: &'a str,
        region: Option<&'a str>,
        service: &'a str,
    ) -> impl Iterator<Item = &'a Gap> + 'a {
        self.gaps.iter().filter(move |g| {
            g.account == account
                && g.service == service
                && (region.is_none() || g.region.as_deref() == region || g.region.is_none())
        })
    }
}

/// Bring a snapshot written by an earlier version up to [`SCHEMA_VERSION`], one step per
/// version, so that evidence collected months ago keeps evaluating. `None` for a version
/// this build does not know (a newer perimeter's, or not a snapshot).
///
/// Version 1 is the first; every field added since has a default that means "as 0.1.0
/// collected it" (`tags_unread` and `targets_unread` default to false, as 0.1.0 never
/// recorded them), so version-1 documents need no rewriting. A change that is not
/// additive bumps the version and adds its step here, with a fixture written by the
/// version before (tests/fixtures/compat).
pub fn migrate(value: Value, version: &str) -> Option<Value> {
    match version {
        SCHEMA_VERSION => Some(value),
        _ => None,
    }
}

/// Merge snapshots (e.g. the shards of one organisation collected by separate jobs) into
/// one. Accounts must not repeat; the organisation must be the same in every input.
pub fn merge(snapshots: Vec<Snapshot>) -> Result<Snapshot, String> {
    let mut iter = snapshots.into_iter();
    let mut out = iter.next().ok_or("merge needs at least one snapshot")?;
    let mut seen: std::collections::BTreeSet<String> =
        out.accounts.iter().map(|a| a.id.clone()).collect();
    for s in iter {
        match (&out.organization, &s.organization) {
            (Some(a), Some(b)) if a.id != b.id => {
                return Err(format!(
                    "snapshots come from different organisations ({} and {})",
                    a.id, b.id
                ));
            }
            (None, Some(_)) => out.organization = s.organization.clone(),
            _ => {}
        }
        for a in s.accounts {
            if !seen.insert(a.id.clone()) {
                return Err(format!(
                    "account {} appears in more than one snapshot",
                    a.id
                ));
            }
            out.accounts.push(a);
        }
        out.gaps.extend(s.gaps);
        out.meta.api_calls.extend(s.meta.api_calls);
        if s.meta.started < out.meta.started {
            out.meta.started = s.meta.started;
        }
        if s.meta.finished > out.meta.finished {
            out.meta.finished = s.meta.finished;
        }
        out.meta.partial |= s.meta.partial;
        for r in s.meta.regions {
            if !out.meta.regions.contains(&r) {
                out.meta.regions.push(r);
            }
        }
        for a in s.meta.accounts {
            if !out.meta.accounts.contains(&a) {
                out.meta.accounts.push(a);
            }
        }
    }
    out.accounts.sort_by(|a, b| a.id.cmp(&b.id));
    out.meta.accounts.sort();
    out.meta.regions.sort();
    out.gaps.sort();
    out.meta.api_calls.sort();
    out.meta.source = "merged".into();
    Ok(out)
}
