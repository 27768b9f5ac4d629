//! Cost, abuse and residency data: budgets and cost-anomaly monitors (account-wide),
//! alarms, GuardDuty detectors, service quotas and Bedrock's event history (per Region).
//!
//! As everywhere in the snapshot, `None` means "could not be read", never "none".

use serde::{Deserialize, Serialize};

/// Account-wide billing controls.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Billing {
    #[serde(default)]
    pub budgets: Option<Vec<Budget>>,
    /// Cost Explorer anomaly monitors and subscriptions: read in the payer only (`None`
    /// in members, and where the read failed).
    #[serde(default)]
    pub anomaly_monitors: Option<Vec<AnomalyMonitor>>,
    #[serde(default)]
    pub anomaly_subscriptions: Option<Vec<AnomalySubscription>>,
    /// Cost-allocation tag keys and their status; read in the payer only (`None` in
    /// members, and where the read failed).
    #[serde(default)]
    pub cost_allocation_tags: Option<Vec<CostTag>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Budget {
    pub name: String,
    /// `COST`, `USAGE`, ...
    pub budget_type: String,
    /// Services the budget is filtered to; `None`: not filtered by service.
    #[serde(default)]
    pub services: Option<Vec<String>>,
    /// Linked accounts it is filtered to (empty: not filtered by account).
    #[serde(default)]
    pub linked_accounts: Vec<String>,
    /// Notifications with their subscriber counts; `None`: not read.
    #[serde(default)]
    pub notifications: Option<Vec<BudgetNotification>>,
    /// Budget actions that apply an IAM policy or SCP; `None`: not read.
    #[serde(default)]
    pub stopping_actions: Option<usize>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BudgetNotification {
    pub notification_type: String,
    pub threshold: f64,
    /// `None`: the subscribers could not be read.
    #[serde(default)]
    pub subscribers: Option<usize>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AnomalyMonitor {
    pub arn: String,
    pub name: String,
    /// `DIMENSIONAL` or `CUSTOM`.
    pub monitor_type: String,
    #[serde(default)]
    pub dimension: Option<String>,
    /// A CUSTOM monitor's specification, as JSON text.
    #[serde(default)]
    pub specification: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AnomalySubscription {
    pub arn: String,
    pub name: String,
    pub monitors: Vec<String>,
    /// Subscribers whose status is CONFIRMED.
    pub confirmed_subscribers: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CostTag {
    pub key: String,
    /// `Active` or `Inactive`.
    pub status: String,
}

/// A CloudWatch metric alarm, reduced to what the usage checks ask.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Alarm {
    pub name: String,
    pub arn: String,
    pub actions_enabled: bool,
    pub alarm_actions: usize,
    /// Namespaces its metric (or metric queries) read.
    #[serde(default)]
    pub namespaces: Vec<String>,
    #[serde(default)]
    pub metrics: Vec<String>,
}

/// A GuardDuty detector and its AI Protection feature.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Detector {
    pub id: String,
    /// `ENABLED` or `DISABLED`; `None`: the detector could not be read.
    #[serde(default)]
    pub status: Option<String>,
    /// The `AI_PROTECTION` feature's status, if the detector lists it.
    #[serde(default)]
    pub ai_protection: Option<String>,
}

/// A Bedrock service quota: its applied value and AWS's default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Quota {
    pub code: String,
    pub name: String,
    pub arn: String,
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    pub default: Option<f64>,
}

/// Bedrock's event history in one Region: the window read and the events, trimmed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventWindow {
    pub days: u32,
    /// The page cap stopped the read before the window's start.
    pub capped: bool,
    pub events: Vec<TrailEvent>,
}

/// One CloudTrail event, reduced to what the threat and residency checks ask.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TrailEvent {
    pub id: String,
    pub time: String,
    pub name: String,
    pub source: String,
    /// `awsRegion`: where the call was made.
    pub region: String,
    /// `additionalEventData.inferenceRegion`: where a cross-Region call was served.
    #[serde(default)]
    pub inference_region: Option<String>,
    /// `userIdentity.arn` (for an assumed role, the session's ARN).
    #[serde(default)]
    pub principal: Option<String>,
    /// For an assumed-role session, the role's ARN (`sessionContext.sessionIssuer.arn`).
    #[serde(default)]
    pub role: Option<String>,
    /// `userIdentity.type`: `IAMUser`, `AssumedRole`, ...
    #[serde(default)]
    pub identity_type: Option<String>,
    /// The access key's prefix (`AKIA` long-term, `ASIA` temporary); the key is not kept.
    #[serde(default)]
    pub key_kind: Option<String>,
    /// `requestParameters.modelId`.
    #[serde(default)]
    pub model_id: Option<String>,
    /// `sourceIPAddress` (an address, or a service name for calls AWS made).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_ip: Option<String>,
    /// `userAgent`, cut at 256 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// A few other request parameters (policy id and type, guardrail, resource ARN,
    /// Marketplace product, whether text logging stays on), each cut at 256 characters.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub params: std::collections::BTreeMap<String, String>,
}
