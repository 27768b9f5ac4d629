//! IAM-013: a principal other than an AgentCore runtime's or gateway's own role can mint
//! workload access tokens.
//!
//! The engine asks whether `bedrock-agentcore:GetWorkloadAccessToken`, `…ForJWT` or
//! `…ForUserId` is allowed on a synthetic workload identity
//! (`workload-identity-directory/default/workload-identity/…`). `…ForUserId` is critical:
//! AWS does not verify the user id, so any user's token — and the OAuth credentials stored
//! for that user — can be had.

use serde_json::json;

use super::grants::{Ask, allowed, home_region, non_admin_findings};
use super::principal_json;
use crate::checks::agents::service_roles;
use crate::checks::{Check, Draft, EvalContext, Severity};

#[derive(Debug)]
pub struct WorkloadTokenAnyIdentity;

impl Check for WorkloadTokenAnyIdentity {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            let part = acct.partition.as_str();
            let region = home_region(cx, acct);
            let own: Vec<String> = service_roles(acct)
                .into_iter()
                .filter(|(_, uses)| {
                    uses.iter()
                        .any(|u| u.kind == "AgentCore runtime" || u.kind == "AgentCore gateway")
                })
                .map(|(r, _)| r)
                .collect();
            let identity = format!(
                "arn:{part}:bedrock-agentcore:{region}:{id}:workload-identity-directory/default/workload-identity/perimeter-probe"
            );
            let asks = [
                Ask::new("bedrock-agentcore:GetWorkloadAccessToken", identity.clone()),
                Ask::new(
                    "bedrock-agentcore:GetWorkloadAccessTokenForJWT",
                    identity.clone(),
                ),
                Ask::new(
                    "bedrock-agentcore:GetWorkloadAccessTokenForUserId",
                    identity,
                ),
            ];
            out.extend(non_admin_findings(cx, acct, |p| {
                if own.contains(&p.arn) {
                    return None;
                }
                let grants = allowed(cx, acct, p, &region, &asks);
                if grants.is_empty() {
                    return None;
                }
                let for_user = grants.iter().any(|g| g["action"].as_str().is_some_and(|a| a.ends_with("ForUserId")));
                let d = acct.at(None, &p.arn).fail(format!(
                    "{} may mint AgentCore workload access tokens for identities that are not its own{}.",
                    p.arn,
                    if for_user { ", including for any user id (AWS does not verify it)" } else { "" }
                )).evidence(json!({"principal": principal_json(p), "grants": grants}));
                Some(if for_user { d.severity(Severity::Critical) } else { d })
            }, "Only AgentCore runtimes' and gateways' own roles can mint workload access tokens."));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::testutil::*;

    #[test]
    fn token_broker_fails() {
        let f = run("IAM-013", &estate_snapshot());
        let d = f
            .iter()
            .find(|x| x.resource.ends_with("role/token-broker"))
            .unwrap();
        assert_eq!(d.status, Status::Fail);
        assert_eq!(d.severity, crate::checks::Severity::Critical);
    }
}
