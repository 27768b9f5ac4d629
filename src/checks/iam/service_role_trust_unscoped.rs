//! IAM-010: a Bedrock service role trusts the service without naming the account or the
//! resource.
//!
//! The engine evaluates the role's trust policy (trust-policy semantics) for
//! `sts:AssumeRole` by the service principal (`bedrock.amazonaws.com`, or
//! `bedrock-agentcore.amazonaws.com` for AgentCore) on behalf of a resource in an
//! unrelated account: `aws:SourceAccount` and `aws:SourceArn` name that account. If the
//! service may assume the role then, any account's agent could be made to run as it (the
//! confused deputy). AWS's own agent trust policy sets both keys.

use serde_json::json;

use crate::checks::agents::{service_principal, service_roles};
use crate::checks::context::allowed as decided_allow;
use crate::checks::network::OUTSIDER_ACCOUNT;
use crate::checks::{Check, Draft, EvalContext};
use crate::policy::{Context, Labeled, PolicySet, Request, ServiceSemantics, evaluate};

#[derive(Debug)]
pub struct ServiceRoleTrustUnscoped;

impl Check for ServiceRoleTrustUnscoped {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let part = acct.partition.as_str();
            let roles = acct.account.iam.as_ref().map(|i| &i.roles);
            for (role, uses) in service_roles(acct) {
                let Some(first) = uses.first() else { continue };
                let at = acct.at(None, &role);
                let Some(r) = roles.and_then(|rs| rs.iter().find(|r| r.arn == role)) else {
                    out.push(at.unknown(format!(
                        "Service role {role} is not among the account's collected roles, so its trust policy is not known."
                    )));
                    continue;
                };
                let trust = match crate::checks::context::parse_doc(&r.trust_policy) {
                    Ok(p) => p,
                    Err(e) => {
                        out.push(at.unknown(format!(
                            "The trust policy of {} could not be parsed ({e}).",
                            r.name
                        )));
                        continue;
                    }
                };
                let mut questions = Vec::new();
                let mut open = Vec::new();
                for u in &uses {
                    let principal = service_principal(u.kind);
                    let source_arn = if principal.starts_with("bedrock-agentcore") {
                        format!(
                            "arn:{part}:bedrock-agentcore:{}:{OUTSIDER_ACCOUNT}:runtime/perimeter_probe-AbCdEf1234",
                            u.region
                        )
                    } else {
                        format!(
                            "arn:{part}:bedrock:{}:{OUTSIDER_ACCOUNT}:agent/PERIMETERP",
                            u.region
                        )
                    };
                    if questions
                        .iter()
                        .any(|(p, _): &(&str, String)| *p == principal)
                    {
                        continue;
                    }
                    let mut ctx = Context::new();
                    ctx.insert("aws:SourceAccount", OUTSIDER_ACCOUNT);
                    ctx.insert("aws:SourceArn", source_arn.clone());
                    let mut req = Request::new(principal, "sts:AssumeRole", role.clone());
                    req.resource_account = Some(acct.account.id.clone());
                    req.context = ctx;
                    let set = PolicySet {
                        resource: vec![Labeled::new(format!("trust-policy:{}", r.name), &trust)],
                        semantics: Some(ServiceSemantics::IamRoleTrustPolicy),
                        ..Default::default()
                    };
                    let d = evaluate(&set, &req);
                    if decided_allow(&d) {
                        open.push(json!({"service": principal, "source_account": OUTSIDER_ACCOUNT, "source_arn": source_arn, "reasons": crate::checks::context::reasons_json(&d)}));
                    }
                    questions.push((principal, source_arn));
                }
                let ev = json!({"trust_policy": r.trust_policy, "used_by": uses.iter().map(|u| json!({"kind": u.kind, "resource": u.resource})).collect::<Vec<_>>(), "allowed_for_other_account": open});
                if open.is_empty() {
                    out.push(at.pass(format!(
                        "Role {} lets the service assume it only for its own account's resources.",
                        r.name
                    )).evidence(ev));
                } else {
                    out.push(at.fail(format!(
                        "Role {} lets the service assume it on behalf of another account's {} (no aws:SourceAccount/aws:SourceArn limit).",
                        r.name, first.kind
                    )).evidence(ev));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::testutil::*;

    #[test]
    fn unconditioned_trust_fails_scoped_trust_passes() {
        let f = run("IAM-010", &estate_snapshot());
        assert_eq!(status_of(&f, "role/good-agent-role"), Status::Pass);
        assert_eq!(status_of(&f, "role/ops-agent-role"), Status::Fail);
    }
}
