//! The one table of checks. A code is written once, here: its row names the check's
//! type, its metadata file (`checks/<control>/<CODE>.toml`, embedded at build time) follows
//! from the code, and the data its verdicts rest on ([`Needs`]) sits beside it. Everything
//! else (the runner, compliance lookups, `checks list|explain`, reports) reads this table.
//!
//! Adding a check touches two places: its file (the decision) and its row (with its
//! metadata TOML). The meta-tests below keep the table honest.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::coverage::{Data, Needs, Per};
use super::{Check, Draft, EvalContext, Metadata};
use super::{
    agents, cris, guardrails, iam, kms, logging, network, residency, tenant, threat, usage,
};

/// One row of the catalogue.
#[derive(Clone, Copy)]
pub struct Entry {
    code: &'static str,
    control_dir: &'static str,
    check: &'static dyn Check,
    needs: Needs,
    metadata_source: &'static str,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("code", &self.code)
            .finish_non_exhaustive()
    }
}

impl Entry {
    /// The catalogue code, e.g. `IAM-001`.
    pub fn code(&self) -> &'static str {
        self.code
    }
    /// The data its verdicts rest on.
    pub fn needs(&self) -> Needs {
        self.needs
    }
    /// The metadata file's text.
    pub fn metadata_source(&self) -> &'static str {
        self.metadata_source
    }
    /// The metadata file's path in the source tree.
    pub fn metadata_path(&self) -> String {
        format!("checks/{}/{}.toml", self.control_dir, self.code)
    }
    /// Evaluate the snapshot.
    pub fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        self.check.run(cx)
    }
}

/// A row: code, control folder, check type, needs. The metadata path derives from the
/// first two.
macro_rules! row {
    ($code:literal, $dir:literal, $check:path, $needs:expr) => {
        Entry {
            code: $code,
            control_dir: $dir,
            check: &$check,
            needs: $needs,
            metadata_source: include_str!(concat!("../../checks/", $dir, "/", $code, ".toml")),
        }
    };
}

pub static CHECKS: &[Entry] = &[
    // C1 IAM
    row!(
        "IAM-001",
        "iam",
        iam::invoke_any_model::InvokeAnyModel,
        Needs::both(&[Data::Iam], Per::Account)
    ),
    row!(
        "IAM-002",
        "iam",
        iam::invoke_any_region::InvokeAnyRegion,
        Needs {
            pass: &[Data::Iam],
            fail: &[Data::Iam, Data::Scps],
            per: Per::Account,
            pass_needs_every_region: false,
            follows_activity: false,
        }
    ),
    row!(
        "IAM-003",
        "iam",
        iam::bedrock_admin_on_workload::BedrockAdminOnWorkload,
        Needs::both(&[Data::Iam], Per::Account)
    ),
    row!(
        "IAM-004",
        "iam",
        iam::invoke_by_iam_user::InvokeByIamUser,
        Needs::both(&[Data::Iam], Per::Account)
    ),
    row!(
        "IAM-005",
        "iam",
        iam::bedrock_long_term_api_key::BedrockLongTermApiKey,
        Needs::both(&[Data::Iam], Per::Account)
    ),
    row!(
        "IAM-006",
        "iam",
        iam::bearer_token_unrestricted::BearerTokenUnrestricted,
        Needs {
            pass: &[Data::Iam],
            fail: &[Data::Iam, Data::Scps],
            per: Per::Account,
            pass_needs_every_region: false,
            follows_activity: false,
        }
    ),
    row!(
        "IAM-007",
        "iam",
        iam::stale_invoker::StaleInvoker,
        Needs::both(&[Data::Iam], Per::Account)
    ),
    row!(
        "IAM-008",
        "iam",
        iam::invoke_not_tag_scoped::InvokeNotTagScoped,
        Needs::both(&[Data::Iam], Per::Account)
    ),
    row!(
        "IAM-009",
        "iam",
        iam::service_role_overbroad::ServiceRoleOverbroad,
        Needs {
            pass: &[
                Data::Iam,
                Data::AgentList,
                Data::KnowledgeBases,
                Data::Flows,
                Data::Runtimes,
                Data::Gateways,
                Data::Memories,
            ],
            fail: &[Data::Iam],
            per: Per::Account,
            pass_needs_every_region: false,
            follows_activity: false,
        }
    ),
    row!(
        "IAM-010",
        "iam",
        iam::service_role_trust_unscoped::ServiceRoleTrustUnscoped,
        Needs {
            pass: &[
                Data::Iam,
                Data::AgentList,
                Data::KnowledgeBases,
                Data::Flows,
                Data::Runtimes,
                Data::Gateways,
                Data::Memories,
            ],
            fail: &[Data::Iam],
            per: Per::Account,
            pass_needs_every_region: false,
            follows_activity: false,
        }
    ),
    row!(
        "IAM-011",
        "iam",
        iam::service_role_shared::ServiceRoleShared,
        Needs {
            pass: &[
                Data::Iam,
                Data::AgentList,
                Data::KnowledgeBases,
                Data::Flows,
                Data::Runtimes,
                Data::Gateways,
                Data::Memories
            ],
            fail: &[Data::Iam],
            per: Per::Account,
            pass_needs_every_region: true,
            follows_activity: false,
        }
    ),
    row!(
        "IAM-012",
        "iam",
        iam::bedrock_passrole_escalation::BedrockPassroleEscalation,
        Needs::both(&[Data::Iam], Per::Account)
    ),
    row!(
        "IAM-013",
        "iam",
        iam::workload_token_any_identity::WorkloadTokenAnyIdentity,
        Needs {
            pass: &[Data::Iam],
            fail: &[Data::Iam, Data::Runtimes, Data::Gateways],
            per: Per::Account,
            pass_needs_every_region: false,
            follows_activity: false,
        }
    ),
    row!(
        "IAM-014",
        "iam",
        iam::model_access_enablement_open::ModelAccessEnablementOpen,
        Needs::both(&[Data::Iam], Per::Account)
    ),
    // C2 Network
    row!(
        "NET-001",
        "network",
        network::runtime_endpoint_missing::RuntimeEndpointMissing,
        Needs::both(&[Data::Ec2, Data::Activity], Per::Region)
    ),
    row!(
        "NET-002",
        "network",
        network::endpoint_private_dns_off::EndpointPrivateDnsOff,
        Needs::both(&[Data::Ec2], Per::Region)
    ),
    row!(
        "NET-003",
        "network",
        network::endpoint_policy_open::EndpointPolicyOpen,
        Needs::both(&[Data::Ec2], Per::Region)
    ),
    row!(
        "NET-004",
        "network",
        network::endpoint_policy_region_unpinned::EndpointPolicyRegionUnpinned,
        Needs::both(&[Data::Ec2], Per::Region)
    ),
    row!(
        "NET-005",
        "network",
        network::invoke_not_bound_to_endpoint::InvokeNotBoundToEndpoint,
        Needs::both(&[Data::Iam], Per::Account).follows_activity()
    ),
    row!(
        "NET-006",
        "network",
        network::endpoint_sg_open::EndpointSgOpen,
        Needs::both(&[Data::Ec2], Per::Region)
    ),
    // C3 KMS
    row!(
        "KMS-001",
        "kms",
        kms::cmk_rotation_off::CmkRotationOff,
        Needs::both(&[Data::Kms], Per::Region)
    ),
    row!(
        "KMS-002",
        "kms",
        kms::key_policy_wildcard::KeyPolicyWildcard,
        Needs::both(&[Data::Kms], Per::Region)
    ),
    row!(
        "KMS-003",
        "kms",
        kms::key_shared_across_environments::KeySharedAcrossEnvironments,
        Needs {
            pass: &[Data::Kms, Data::Bedrock, Data::CloudTrail, Data::Storage],
            fail: &[Data::Kms],
            per: Per::Region,
            pass_needs_every_region: false,
            follows_activity: false,
        }
    ),
    row!(
        "KMS-004",
        "kms",
        kms::invocation_logs_not_cmk::InvocationLogsNotCmk,
        Needs::both(&[Data::Bedrock, Data::Storage], Per::Region)
    ),
    row!(
        "KMS-005",
        "kms",
        kms::guardrail_not_cmk::GuardrailNotCmk,
        Needs::both(&[Data::Bedrock], Per::Region).follows_activity()
    ),
    row!(
        "KMS-006",
        "kms",
        kms::bedrock_resource_not_cmk::BedrockResourceNotCmk,
        Needs::both(&[Data::Bedrock], Per::Region).follows_activity()
    ),
    row!(
        "KMS-007",
        "kms",
        kms::key_decrypt_too_broad::KeyDecryptTooBroad,
        Needs::both(&[Data::Kms, Data::Iam], Per::Region)
    ),
    row!(
        "KMS-008",
        "kms",
        kms::flow_not_cmk::FlowNotCmk,
        Needs::both(&[Data::Flows], Per::Region)
    ),
    row!(
        "KMS-009",
        "kms",
        kms::kb_ingestion_not_cmk::KbIngestionNotCmk,
        Needs::both(&[Data::KnowledgeBases], Per::Region)
    ),
    row!(
        "KMS-012",
        "kms",
        kms::agentcore_not_cmk::AgentcoreNotCmk,
        Needs::both(&[Data::Gateways, Data::Memories], Per::Region)
    ),
    row!(
        "KMS-010",
        "kms",
        kms::vector_store_not_cmk::VectorStoreNotCmk,
        Needs::both(&[Data::KnowledgeBases], Per::Region)
    ),
    row!(
        "KMS-011",
        "kms",
        kms::batch_output_not_cmk::BatchOutputNotCmk,
        Needs::both(&[Data::Bedrock], Per::Region).follows_activity()
    ),
    row!(
        "KMS-013",
        "kms",
        kms::pipeline_store_not_cmk::PipelineStoreNotCmk,
        Needs::both(&[Data::Storage, Data::KnowledgeBases], Per::Region)
    ),
    // C4 Logging
    row!(
        "LOG-001",
        "logging",
        logging::invocation_logging_off::InvocationLoggingOff,
        Needs::both(&[Data::Bedrock, Data::Activity], Per::Region)
    ),
    row!(
        "LOG-002",
        "logging",
        logging::invocation_logging_text_off::InvocationLoggingTextOff,
        Needs::both(&[Data::Bedrock], Per::Region).follows_activity()
    ),
    row!(
        "LOG-003",
        "logging",
        logging::cloudtrail_not_multi_region::CloudtrailNotMultiRegion,
        Needs::both(&[Data::CloudTrail], Per::Account)
    ),
    row!(
        "LOG-004",
        "logging",
        logging::cloudtrail_validation_off::CloudtrailValidationOff,
        Needs::both(&[Data::CloudTrail], Per::Region)
    ),
    row!(
        "LOG-005",
        "logging",
        logging::cloudtrail_not_cmk::CloudtrailNotCmk,
        Needs::both(&[Data::CloudTrail], Per::Region)
    ),
    row!(
        "LOG-006",
        "logging",
        logging::cloudtrail_bucket_unlocked::CloudtrailBucketUnlocked,
        Needs::both(&[Data::CloudTrail], Per::Region).follows_activity()
    ),
    row!(
        "LOG-007",
        "logging",
        logging::log_retention_short::LogRetentionShort,
        Needs::both(
            &[Data::Bedrock, Data::CloudTrail, Data::Storage],
            Per::Region,
        )
    ),
    row!(
        "LOG-008",
        "logging",
        logging::invocation_logs_readable_by_invokers::InvocationLogsReadableByInvokers,
        Needs::both(&[Data::Iam, Data::Bedrock], Per::Account).follows_activity()
    ),
    row!(
        "LOG-009",
        "logging",
        logging::bedrock_data_events_off::BedrockDataEventsOff,
        Needs::both(&[Data::CloudTrail], Per::Account).follows_activity()
    ),
    row!(
        "LOG-010",
        "logging",
        logging::invocation_log_bucket_public::InvocationLogBucketPublic,
        Needs::both(&[Data::Bedrock, Data::Storage], Per::Region)
    ),
    row!(
        "LOG-011",
        "logging",
        logging::invocation_log_delivery_failing::InvocationLogDeliveryFailing,
        Needs::both(&[Data::Bedrock], Per::Region)
    ),
    // C5 Guardrails
    row!(
        "GRD-001",
        "guardrails",
        guardrails::guardrail_missing::GuardrailMissing,
        Needs::both(&[Data::Bedrock, Data::Activity], Per::Region)
    ),
    row!(
        "GRD-002",
        "guardrails",
        guardrails::guardrail_pii_off::GuardrailPiiOff,
        Needs::both(&[Data::Bedrock, Data::Activity], Per::Region)
    ),
    row!(
        "GRD-003",
        "guardrails",
        guardrails::guardrail_prompt_attack_weak::GuardrailPromptAttackWeak,
        Needs::both(&[Data::Bedrock], Per::Region)
    ),
    row!(
        "GRD-004",
        "guardrails",
        guardrails::guardrail_denied_topics_missing::GuardrailDeniedTopicsMissing,
        Needs::both(&[Data::Bedrock, Data::Activity], Per::Region)
    ),
    row!(
        "GRD-005",
        "guardrails",
        guardrails::guardrail_grounding_off::GuardrailGroundingOff,
        Needs::both(&[Data::Bedrock, Data::Activity], Per::Region)
    ),
    row!(
        "GRD-006",
        "guardrails",
        guardrails::guardrail_not_enforced::GuardrailNotEnforced,
        Needs {
            pass: &[Data::Iam, Data::Bedrock],
            // A failure names the Regions read where an invoker may skip a guardrail; an
            // unread Region's configuration does not undo it.
            fail: &[Data::Iam, Data::Scps],
            per: Per::Account,
            pass_needs_every_region: false,
            follows_activity: true,
        }
    ),
    row!(
        "GRD-007",
        "guardrails",
        guardrails::guardrail_unversioned::GuardrailUnversioned,
        Needs::both(&[Data::Bedrock], Per::Region).follows_activity()
    ),
    row!(
        "GRD-008",
        "guardrails",
        guardrails::agent_guardrail_missing::AgentGuardrailMissing,
        Needs::both(&[Data::AgentList], Per::Region)
    ),
    row!(
        "GRD-009",
        "guardrails",
        guardrails::flow_node_guardrail_missing::FlowNodeGuardrailMissing,
        Needs::both(&[Data::Flows], Per::Region)
    ),
    row!(
        "GRD-012",
        "guardrails",
        guardrails::automated_reasoning_missing::AutomatedReasoningMissing,
        Needs::both(&[Data::Bedrock], Per::Region).follows_activity()
    ),
    row!(
        "GRD-010",
        "guardrails",
        guardrails::guardrail_content_filters_weak::GuardrailContentFiltersWeak,
        Needs {
            pass: &[Data::Bedrock, Data::AgentList, Data::Flows],
            fail: &[Data::Bedrock],
            per: Per::Region,
            pass_needs_every_region: false,
            follows_activity: false,
        }
    ),
    row!(
        "GRD-011",
        "guardrails",
        guardrails::guardrail_detect_only::GuardrailDetectOnly,
        Needs {
            pass: &[Data::Bedrock, Data::AgentList, Data::Flows],
            fail: &[Data::Bedrock],
            per: Per::Region,
            pass_needs_every_region: false,
            follows_activity: false,
        }
    ),
    row!(
        "GRD-013",
        "guardrails",
        guardrails::enforced_guardrail_bypassable::EnforcedGuardrailBypassable,
        Needs::both(&[Data::Bedrock], Per::Region).follows_activity()
    ),
    row!(
        "GRD-014",
        "guardrails",
        guardrails::org_guardrail_policy_missing::OrgGuardrailPolicyMissing,
        Needs::both(&[Data::BedrockPolicies], Per::Account).follows_activity()
    ),
    row!(
        "GRD-015",
        "guardrails",
        guardrails::org_guardrail_policy_unusable::OrgGuardrailPolicyUnusable,
        Needs::both(&[Data::BedrockPolicies], Per::Account)
    ),
    // TEN
    row!(
        "TEN-001",
        "tenant",
        tenant::cross_tenant_access::CrossTenantAccess,
        Needs::both(&[Data::Iam, Data::Kms], Per::Account)
    ),
    row!(
        "TEN-002",
        "tenant",
        tenant::tenant_key_shared::TenantKeyShared,
        Needs::both(&[Data::Kms], Per::Account).follows_activity()
    ),
    row!(
        "TEN-003",
        "tenant",
        tenant::untagged_invoker::UntaggedInvoker,
        Needs::both(&[Data::Iam], Per::Account)
    ),
    // CRI
    row!(
        "CRI-001",
        "cris",
        cris::scp_blocks_cris::ScpBlocksCris,
        Needs {
            pass: &[Data::Iam, Data::Scps, Data::Bedrock],
            fail: &[Data::Iam, Data::Scps],
            per: Per::Account,
            pass_needs_every_region: true,
            follows_activity: false,
        }
    ),
    row!(
        "CRI-002",
        "cris",
        cris::global_cris_blocked::GlobalCrisBlocked,
        Needs::both(&[Data::Scps], Per::Account)
    ),
    row!(
        "CRI-003",
        "cris",
        cris::cris_iam_incomplete::CrisIamIncomplete,
        Needs::both(&[Data::Iam, Data::Bedrock], Per::Account)
    ),
    row!(
        "CRI-004",
        "cris",
        cris::residency_breach::ResidencyBreach,
        Needs {
            pass: &[Data::Iam, Data::Scps, Data::Bedrock, Data::AccountTags],
            fail: &[Data::Iam, Data::Scps, Data::AccountTags],
            per: Per::Account,
            pass_needs_every_region: false,
            follows_activity: false,
        }
    ),
    row!(
        "CRI-005",
        "cris",
        cris::guardrail_tier_cross_region::GuardrailTierCrossRegion,
        Needs::both(&[Data::Bedrock, Data::AccountTags], Per::Region)
    ),
    // AGT agents and AgentCore
    row!(
        "AGT-001",
        "agents",
        agents::agent_idle_session_long::AgentIdleSessionLong,
        Needs::both(&[Data::AgentList], Per::Region)
    ),
    row!(
        "AGT-002",
        "agents",
        agents::runtime_public_network::RuntimePublicNetwork,
        Needs::both(&[Data::Runtimes], Per::Region)
    ),
    row!(
        "AGT-003",
        "agents",
        agents::gateway_no_inbound_auth::GatewayNoInboundAuth,
        Needs::both(&[Data::Gateways], Per::Region)
    ),
    row!(
        "AGT-004",
        "agents",
        agents::gateway_debug_errors::GatewayDebugErrors,
        Needs::both(&[Data::Gateways], Per::Region)
    ),
    row!(
        "AGT-005",
        "agents",
        agents::gateway_policy_not_enforced::GatewayPolicyNotEnforced,
        Needs::both(&[Data::Gateways], Per::Region)
    ),
    row!(
        "AGT-006",
        "agents",
        agents::resource_policy_public::ResourcePolicyPublic,
        Needs::both(&[Data::Runtimes, Data::Gateways], Per::Region)
    ),
    // USE cost and abuse
    row!(
        "USE-001",
        "usage",
        usage::bedrock_budget_missing::BedrockBudgetMissing,
        Needs {
            pass: &[],
            fail: &[Data::Budgets],
            per: Per::Account,
            pass_needs_every_region: false,
            follows_activity: true,
        }
    ),
    row!(
        "USE-002",
        "usage",
        usage::cost_anomaly_monitor_missing::CostAnomalyMonitorMissing,
        Needs {
            pass: &[],
            fail: &[Data::AnomalyMonitors],
            per: Per::Account,
            pass_needs_every_region: false,
            follows_activity: true,
        }
    ),
    row!(
        "USE-003",
        "usage",
        usage::bedrock_usage_alarm_missing::BedrockUsageAlarmMissing,
        Needs::both(&[Data::Alarms, Data::Activity], Per::Region)
    ),
    row!(
        "USE-004",
        "usage",
        usage::inference_profile_untagged::InferenceProfileUntagged,
        // A pass also rests on knowing whether tenants are tagged (principals and keys).
        Needs {
            pass: &[Data::Bedrock, Data::Iam, Data::Kms],
            fail: &[Data::Bedrock],
            per: Per::Region,
            pass_needs_every_region: false,
            follows_activity: false,
        }
    ),
    row!(
        "USE-005",
        "usage",
        usage::cost_allocation_tag_inactive::CostAllocationTagInactive,
        Needs::both(&[Data::CostTags], Per::Account)
    ),
    row!(
        "USE-006",
        "usage",
        usage::token_quota_raised::TokenQuotaRaised,
        Needs::both(&[Data::Quotas], Per::Region).follows_activity()
    ),
    // THR threat signals (a failure is an event seen: it needs nothing more; "no such
    // event" needs the whole window, which each check also states)
    row!(
        "THR-001",
        "threat",
        threat::model_access_enabled_by_non_admin::ModelAccessEnabledByNonAdmin,
        Needs {
            pass: &[Data::Events, Data::GlobalEvents, Data::Iam],
            fail: &[Data::Iam],
            per: Per::Account,
            pass_needs_every_region: false,
            follows_activity: false,
        }
    ),
    row!(
        "THR-002",
        "threat",
        threat::model_recon_burst::ModelReconBurst,
        Needs {
            pass: &[Data::Events],
            fail: &[],
            per: Per::Account,
            pass_needs_every_region: false,
            follows_activity: false,
        }
    ),
    row!(
        "THR-003",
        "threat",
        threat::bedrock_defence_removed::BedrockDefenceRemoved,
        Needs {
            pass: &[Data::Events],
            fail: &[],
            per: Per::Region,
            pass_needs_every_region: false,
            follows_activity: false,
        }
    ),
    row!(
        "THR-004",
        "threat",
        threat::invoked_with_long_term_key::InvokedWithLongTermKey,
        Needs {
            pass: &[Data::Events],
            fail: &[],
            per: Per::Account,
            pass_needs_every_region: false,
            follows_activity: false,
        }
    ),
    row!(
        "THR-005",
        "threat",
        threat::invocation_in_unexpected_region::InvocationInUnexpectedRegion,
        // "Unexpected" rests on every other sign of Bedrock in the Region being read.
        Needs {
            pass: &[Data::Events],
            fail: &[
                Data::Bedrock,
                Data::Ec2,
                Data::AgentList,
                Data::KnowledgeBases,
                Data::Iam
            ],
            per: Per::Region,
            pass_needs_every_region: false,
            follows_activity: false,
        }
    ),
    row!(
        "THR-006",
        "threat",
        threat::guardduty_ai_protection_off::GuarddutyAiProtectionOff,
        Needs::both(&[Data::Detectors, Data::Activity], Per::Region)
    ),
    // RES residency evidence (only accounts with a requirement; each check states its own
    // unread Regions, so no account without one gets an unknown)
    row!(
        "RES-001",
        "residency",
        residency::inference_served_outside_geography::InferenceServedOutsideGeography,
        Needs::both(&[], Per::Account)
    ),
    row!(
        "RES-002",
        "residency",
        residency::residency_profile_invoked::ResidencyProfileInvoked,
        Needs::both(&[], Per::Account)
    ),
];

fn table() -> &'static HashMap<&'static str, Metadata> {
    static TABLE: OnceLock<HashMap<&'static str, Metadata>> = OnceLock::new();
    TABLE.get_or_init(|| {
        CHECKS
            .iter()
            .map(|c| {
                let meta = Metadata::parse(c.metadata_source()).unwrap_or_else(|e| {
                    // Shipped metadata is validated by the registry tests; reaching this
                    // means the binary was built from a broken tree.
                    panic!("metadata of {} does not parse: {e}", c.code())
                });
                (c.code(), meta)
            })
            .collect()
    })
}

/// The metadata of a registered check.
pub fn metadata(code: &str) -> &'static Metadata {
    &table()[code]
}

/// The check with this code (case-insensitive), if registered.
pub fn find(code: &str) -> Option<&'static Entry> {
    CHECKS.iter().find(|c| c.code().eq_ignore_ascii_case(code))
}

/// Every check's metadata, in registry order.
pub fn all() -> impl Iterator<Item = &'static Metadata> {
    CHECKS.iter().map(|c| metadata(c.code()))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::*;

    #[test]
    fn every_row_has_metadata_that_matches_it() {
        for c in CHECKS {
            let m = Metadata::parse(c.metadata_source())
                .unwrap_or_else(|e| panic!("{}: {e}", c.code()));
            assert_eq!(
                m.code,
                c.code(),
                "{}: metadata code differs",
                c.metadata_path()
            );
            assert_eq!(
                m.control.as_str(),
                c.control_dir,
                "{}: the metadata's control is not its folder",
                c.code()
            );
            assert!(!m.title.trim().is_empty(), "{}: empty title", c.code());
            assert!(
                !m.rationale.trim().is_empty(),
                "{}: empty rationale",
                c.code()
            );
            assert!(
                !m.remediation.console.trim().is_empty(),
                "{}: empty remediation",
                c.code()
            );
        }
    }

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = BTreeSet::new();
        for c in CHECKS {
            assert!(seen.insert(c.code()), "duplicate code {}", c.code());
            assert!(
                crate::catalogue::CheckCode::parse(c.code()).is_ok_and(|k| k == c.code()),
                "{} is not a canonical code",
                c.code()
            );
        }
    }

    /// Slugs name the bad state, as ruff's rule names do: kebab-case, and never advice
    /// ("use-…", "enable-…", "avoid-…").
    #[test]
    fn slugs_name_the_bad_state() {
        let mut seen = BTreeSet::new();
        for m in all() {
            assert!(seen.insert(m.slug.clone()), "slug {} is used twice", m.slug);
            assert!(
                m.slug
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    && !m.slug.starts_with('-')
                    && !m.slug.ends_with('-'),
                "{}: slug {} is not kebab-case",
                m.code,
                m.slug
            );
            for advice in [
                "use-", "enable-", "avoid-", "prefer-", "ensure-", "require-",
            ] {
                assert!(
                    !m.slug.starts_with(advice),
                    "{}: slug {} gives advice instead of naming the bad state",
                    m.code,
                    m.slug
                );
            }
        }
    }

    #[test]
    fn every_check_is_mapped_to_a_compliance_requirement() {
        let mapped: BTreeSet<String> = crate::compliance::frameworks()
            .iter()
            .flat_map(|f| f.requirements.iter().flat_map(|r| r.checks.iter().cloned()))
            .collect();
        for c in CHECKS {
            assert!(
                mapped.contains(c.code()),
                "{} evidences no requirement of any framework",
                c.code()
            );
        }
    }

    /// No metadata file without a row: a TOML nobody registered would be documentation of
    /// a check that does not run.
    #[test]
    fn no_metadata_file_is_orphaned() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("checks");
        let registered: BTreeSet<String> = CHECKS.iter().map(|c| c.metadata_path()).collect();
        for dir in std::fs::read_dir(&root).unwrap() {
            let dir = dir.unwrap().path();
            if !dir.is_dir() || dir.ends_with("compliance") {
                continue;
            }
            for f in std::fs::read_dir(&dir).unwrap() {
                let p = f.unwrap().path();
                if p.extension().is_some_and(|e| e == "toml") {
                    let rel = p.strip_prefix(root.parent().unwrap()).unwrap();
                    let rel = rel.to_string_lossy().replace('\\', "/");
                    assert!(registered.contains(&rel), "{rel} has no registry row");
                }
            }
        }
    }

    /// Every check has a fixture in which it both passes and fails somewhere (the
    /// per-control snapshot fixtures under tests/fixtures/snapshots/).
    #[test]
    fn every_check_passes_and_fails_in_its_fixture() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/snapshots");
        // GRD-012 only speaks for accounts the configuration names.
        let config = crate::config::Config {
            require_automated_reasoning: vec!["*".into()],
            ..crate::config::Config::default()
        };
        // The estate (agents, knowledge bases, flows, AgentCore) has one fixture of its
        // own, read for every control it touches.
        for (control, files) in [
            (crate::checks::Control::Iam, &["iam", "estate"][..]),
            (crate::checks::Control::Network, &["network"]),
            (crate::checks::Control::Kms, &["kms", "estate"]),
            (crate::checks::Control::Logging, &["logging", "estate"]),
            (
                crate::checks::Control::Guardrails,
                &["guardrails", "estate"],
            ),
            (crate::checks::Control::Tenant, &["tenant"]),
            (crate::checks::Control::Cris, &["cris"]),
            (crate::checks::Control::Agents, &["estate"]),
            (crate::checks::Control::Usage, &["usage", "usage-solo"]),
            (crate::checks::Control::Threat, &["usage"]),
            (crate::checks::Control::Residency, &["usage"]),
        ] {
            let mut found = Vec::new();
            for file in files {
                let snap = crate::model::Snapshot::load(
                    &fixtures.join(format!("{file}.json")).to_string_lossy(),
                )
                .unwrap();
                found.extend(crate::checks::run_checks(&snap, &config, &|m| {
                    m.control == control
                }));
            }
            let file = files.join(".json, ");
            for m in all().filter(|m| m.control == control) {
                for status in [crate::checks::Status::Pass, crate::checks::Status::Fail] {
                    assert!(
                        found
                            .iter()
                            .any(|f| f.check == m.code && f.status == status),
                        "{} has no {status} finding in tests/fixtures/snapshots/{file}.json",
                        m.code
                    );
                }
            }
        }
    }
}
