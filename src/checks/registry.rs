//! The one list of checks. A code appears here and in its check's `code()`, nowhere else.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::{Check, Metadata};
#[allow(unused_imports)]
use super::{cris, guardrails, iam, kms, logging, network, tenant};

pub static CHECKS: &[&dyn Check] = &[
    // C1 IAM
    &iam::invoke_any_model::InvokeAnyModel,
    &iam::invoke_any_region::InvokeAnyRegion,
    &iam::bedrock_admin_on_workload::BedrockAdminOnWorkload,
    &iam::invoke_by_iam_user::InvokeByIamUser,
    &iam::bedrock_long_term_api_key::BedrockLongTermApiKey,
    &iam::bearer_token_unrestricted::BearerTokenUnrestricted,
    &iam::stale_invoker::StaleInvoker,
    &iam::invoke_not_tag_scoped::InvokeNotTagScoped,
    // C2 Network
    &network::runtime_endpoint_missing::RuntimeEndpointMissing,
    &network::endpoint_private_dns_off::EndpointPrivateDnsOff,
    &network::endpoint_policy_open::EndpointPolicyOpen,
    &network::endpoint_policy_region_unpinned::EndpointPolicyRegionUnpinned,
    &network::invoke_not_bound_to_endpoint::InvokeNotBoundToEndpoint,
    &network::endpoint_sg_open::EndpointSgOpen,
    // C3 KMS
    &kms::cmk_rotation_off::CmkRotationOff,
    &kms::key_policy_wildcard::KeyPolicyWildcard,
    &kms::key_shared_across_environments::KeySharedAcrossEnvironments,
    &kms::invocation_logs_not_cmk::InvocationLogsNotCmk,
    &kms::guardrail_not_cmk::GuardrailNotCmk,
    &kms::bedrock_resource_not_cmk::BedrockResourceNotCmk,
    &kms::key_decrypt_too_broad::KeyDecryptTooBroad,
    // C4 Logging
    &logging::invocation_logging_off::InvocationLoggingOff,
    &logging::invocation_logging_text_off::InvocationLoggingTextOff,
    &logging::cloudtrail_not_multi_region::CloudtrailNotMultiRegion,
    &logging::cloudtrail_validation_off::CloudtrailValidationOff,
    &logging::cloudtrail_not_cmk::CloudtrailNotCmk,
    &logging::cloudtrail_bucket_unlocked::CloudtrailBucketUnlocked,
    &logging::log_retention_short::LogRetentionShort,
    &logging::invocation_logs_readable_by_invokers::InvocationLogsReadableByInvokers,
    &logging::bedrock_data_events_off::BedrockDataEventsOff,
    &logging::invocation_log_bucket_public::InvocationLogBucketPublic,
    // C5 Guardrails
    &guardrails::guardrail_missing::GuardrailMissing,
    &guardrails::guardrail_pii_off::GuardrailPiiOff,
    &guardrails::guardrail_prompt_attack_weak::GuardrailPromptAttackWeak,
    &guardrails::guardrail_denied_topics_missing::GuardrailDeniedTopicsMissing,
    &guardrails::guardrail_grounding_off::GuardrailGroundingOff,
    &guardrails::guardrail_not_enforced::GuardrailNotEnforced,
    &guardrails::guardrail_unversioned::GuardrailUnversioned,
    // TEN
    &tenant::cross_tenant_access::CrossTenantAccess,
    &tenant::tenant_key_shared::TenantKeyShared,
    &tenant::untagged_invoker::UntaggedInvoker,
    // CRI
    &cris::scp_blocks_cris::ScpBlocksCris,
    &cris::global_cris_blocked::GlobalCrisBlocked,
    &cris::cris_iam_incomplete::CrisIamIncomplete,
    &cris::residency_breach::ResidencyBreach,
    &cris::guardrail_tier_cross_region::GuardrailTierCrossRegion,
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
pub fn find(code: &str) -> Option<&'static dyn Check> {
    CHECKS
        .iter()
        .copied()
        .find(|c| c.code().eq_ignore_ascii_case(code))
}

/// Every check's metadata, in registry order.
pub fn all() -> impl Iterator<Item = &'static Metadata> {
    CHECKS.iter().map(|c| metadata(c.code()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_parses_and_matches_code() {
        for c in CHECKS {
            let m = Metadata::parse(c.metadata_source())
                .unwrap_or_else(|e| panic!("{}: {e}", c.code()));
            assert_eq!(m.code, c.code(), "metadata code differs from the check's");
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
    fn codes_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in CHECKS {
            assert!(seen.insert(c.code()), "duplicate code {}", c.code());
        }
    }
}
