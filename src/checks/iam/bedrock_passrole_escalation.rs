//! IAM-012: a non-administrator can make Bedrock run code or an agent as a role it
//! chooses.
//!
//! Two legs, both decided by the engine (open world, SCPs included): (1) `iam:PassRole`
//! on a role the principal does not name — a synthetic role, and each administrator role
//! of the account — with `iam:PassedToService` = `bedrock-agentcore.amazonaws.com` or
//! `bedrock.amazonaws.com`; (2) creating or updating what runs as that role:
//! `bedrock-agentcore:CreateAgentRuntime`, `UpdateAgentRuntime`, `CreateGateway`,
//! `CreateCodeInterpreter`, or `bedrock:CreateAgent`, `UpdateAgent`. With both, the
//! principal gets the passed role's permissions (privilege escalation).

use serde_json::json;

use super::grants::{Ask, allowed, first_allowed, home_region, non_admin_findings};
use super::principal_json;
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct BedrockPassroleEscalation;

impl Check for BedrockPassroleEscalation {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            let part = acct.partition.as_str();
            let region = home_region(cx, acct);
            let mut targets = vec![format!(
                "arn:{part}:iam::{id}:role/perimeter-probe-unnamed-role"
            )];
            targets.extend(
                acct.principals
                    .iter()
                    .filter(|p| p.is_admin && p.arn.contains(":role/"))
                    .map(|p| p.arn.clone()),
            );
            let mut pass_asks = Vec::new();
            for t in &targets {
                for svc in ["bedrock-agentcore.amazonaws.com", "bedrock.amazonaws.com"] {
                    pass_asks
                        .push(Ask::new("iam:PassRole", t.clone()).with("iam:PassedToService", svc));
                }
            }
            let runtime = format!(
                "arn:{part}:bedrock-agentcore:{region}:{id}:runtime/perimeter_probe-AbCdEf1234"
            );
            let create_asks = [
                Ask::new("bedrock-agentcore:CreateAgentRuntime", runtime.clone()),
                Ask::new("bedrock-agentcore:UpdateAgentRuntime", runtime),
                Ask::new(
                    "bedrock-agentcore:CreateGateway",
                    format!(
                        "arn:{part}:bedrock-agentcore:{region}:{id}:gateway/perimeter-probe-abcdefghij"
                    ),
                ),
                Ask::new(
                    "bedrock-agentcore:CreateCodeInterpreter",
                    format!(
                        "arn:{part}:bedrock-agentcore:{region}:{id}:code-interpreter-custom/perimeter_probe-AbCdEf1234"
                    ),
                ),
                Ask::new(
                    "bedrock:CreateAgent",
                    format!("arn:{part}:bedrock:{region}:{id}:agent/PERIMETERP"),
                ),
                Ask::new(
                    "bedrock:UpdateAgent",
                    format!("arn:{part}:bedrock:{region}:{id}:agent/PERIMETERP"),
                ),
            ];
            out.extend(non_admin_findings(cx, acct, |p| {
                // The create leg first: it is six questions, where the pass leg is two per
                // administrator role. Without it there is nothing to escalate through.
                let creates = allowed(cx, acct, p, &region, &create_asks);
                if creates.is_empty() {
                    return None;
                }
                // One role the principal may pass is enough to show the leg.
                let passes = first_allowed(cx, acct, p, &region, &pass_asks);
                if passes.is_empty() {
                    return None;
                }
                let ev = json!({"principal": principal_json(p), "pass_role": passes, "create": creates});
                Some(acct.at(None, &p.arn).fail(format!(
                    "{} may pass a role it does not name to Bedrock and create or update an agent or AgentCore runtime that runs as it: it can take on that role's permissions.",
                    p.arn
                )).evidence(ev))
            }, "No non-administrator can both pass an unnamed role to Bedrock and create what runs as it."));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::testutil::*;

    #[test]
    fn pass_role_plus_create_runtime_fails() {
        let f = run("IAM-012", &estate_snapshot());
        assert_eq!(status_of(&f, "role/agent-builder"), Status::Fail);
        assert!(
            f.iter()
                .all(|x| !x.resource.ends_with("role/good-agent-role"))
        );
    }
}
