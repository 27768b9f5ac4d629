//! GRD-014: an organisation with several Bedrock-active accounts sets no guardrail
//! through an organisation Bedrock policy.
//!
//! From the management account: the root's `PolicyTypes` must show BEDROCK_POLICY
//! enabled, and at least one Bedrock policy must be attached (`ListPolicies
//! Filter=BEDROCK_POLICY`, `ListTargetsForPolicy`), once at least
//! `[guardrails] org_policy_min_accounts` (default 2) accounts are Bedrock-active.
//! Without the organisation's structure (a member account audited alone) nothing is said.

use serde_json::json;

use crate::checks::{Check, Draft, EvalContext, Subject};

#[derive(Debug)]
pub struct OrgGuardrailPolicyMissing;

impl Check for OrgGuardrailPolicyMissing {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let Some(org) = &cx.snapshot.organization else {
            return Vec::new();
        };
        let mgmt = org.management_account_id.as_str();
        let partition = cx
            .account(mgmt)
            .map(|a| a.partition.clone())
            .unwrap_or_else(|| "aws".into());
        let root = format!(
            "arn:{partition}:organizations::{mgmt}:root/{}/{}",
            org.id, org.root_id
        );
        let at = Subject::new(mgmt, None, root);
        let active: Vec<&str> = cx
            .accounts
            .iter()
            .filter(|a| !a.active_regions.is_empty())
            .map(|a| a.account.id.as_str())
            .collect();
        let min = cx.config.org_policy_min_accounts;
        // A policy whose attachments could not be read may be attached anywhere.
        let readable = org
            .bedrock_policies
            .as_ref()
            .filter(|ps| !ps.iter().any(|p| p.targets_unread));
        let attached: Option<Vec<_>> = readable.map(|ps| {
            ps.iter()
                .filter(|p| !p.targets.is_empty())
                .map(|p| json!({"policy": p.name, "id": p.id, "targets": p.targets}))
                .collect()
        });
        let ev = json!({"bedrock_policy_enabled": org.bedrock_policy_enabled, "attached": attached, "active_accounts": active, "threshold": min});
        let d = match (org.bedrock_policy_enabled, &attached) {
            _ if active.len() < min => at.pass(format!(
                "Only {} account(s) are Bedrock-active (threshold {min}): an organisation guardrail policy is not required yet.", active.len()
            )),
            (Some(false), _) => at.fail(format!(
                "{} accounts use Bedrock but the BEDROCK_POLICY type is not enabled: no guardrail is set for the organisation as a whole.", active.len()
            )),
            (Some(true), Some(a)) if a.is_empty() => at.fail(format!(
                "{} accounts use Bedrock but no Bedrock policy is attached anywhere in the organisation.", active.len()
            )),
            (Some(true), Some(a)) => at.pass(format!("{} Bedrock polic(ies) set guardrails across the organisation.", a.len())),
            _ => at.unknown("The organisation's Bedrock policies could not be read.".to_string())
                .evidence(cx.gap_evidence(mgmt, None, "organizations")),
        };
        let d = if d.status == crate::checks::Status::Unknown {
            d
        } else {
            d.evidence(ev)
        };
        vec![d]
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::testutil::*;
    use crate::model::*;

    fn org(enabled: bool, attached: bool) -> Snapshot {
        let mut s = estate_fixture();
        for a in &mut s.accounts {
            a.regions.entry("us-east-1".into()).or_default();
        }
        s.organization = Some(Organization {
            id: "o-example".into(),
            management_account_id: ACCOUNT.into(),
            root_id: "r-root".into(),
            bedrock_policy_enabled: Some(enabled),
            bedrock_policies: Some(vec![OrgPolicy {
                id: "p-1".into(),
                name: "guardrails".into(),
                kind: "BEDROCK_POLICY".into(),
                document: serde_json::json!({"bedrock": {}}).into(),
                targets: if attached {
                    vec!["r-root".into()]
                } else {
                    vec![]
                },
                ..OrgPolicy::default()
            }]),
            ..Organization::default()
        });
        s
    }

    #[test]
    fn enabled_and_attached_passes_otherwise_fails() {
        let cfg = crate::config::Config {
            bedrock_regions: vec!["us-east-1".into()],
            ..Default::default()
        };
        assert_eq!(
            run_with("GRD-014", &org(true, true), &cfg)[0].status,
            Status::Pass
        );
        assert_eq!(
            run_with("GRD-014", &org(true, false), &cfg)[0].status,
            Status::Fail
        );
        assert_eq!(
            run_with("GRD-014", &org(false, false), &cfg)[0].status,
            Status::Fail
        );
    }
}
