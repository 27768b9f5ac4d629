//! IAM-009: a Bedrock service role may do more than run its resource.
//!
//! For every role an agent, knowledge base, flow or AgentCore resource runs as, the engine
//! asks (identity policies, boundary, SCPs; open world) whether it may: pass a role it does
//! not name (`iam:PassRole` on a synthetic role); read or write a bucket it does not name
//! (`s3:GetObject`/`s3:PutObject` on a synthetic bucket); invoke a function it does not
//! name; read any secret or decrypt with any key (`secretsmanager:GetSecretValue`,
//! `kms:Decrypt` on synthetic ARNs only a wildcard matches); reach every OpenSearch
//! Serverless collection (`aoss:APIAccessAll`); or call any Bedrock action
//! (`bedrock:*`, probed with an action no policy names). Invoking any model is IAM-001's.

use serde_json::json;

use super::grants::{Ask, allowed};
use crate::checks::agents::service_roles;
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct ServiceRoleOverbroad;

impl Check for ServiceRoleOverbroad {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            let part = acct.partition.as_str();
            for (role, uses) in service_roles(acct) {
                let Some(first) = uses.first() else { continue };
                let region = first.region.as_str();
                let at = acct.at(None, &role);
                let used_by: Vec<_> = uses
                    .iter()
                    .map(|u| json!({"kind": u.kind, "resource": u.resource}))
                    .collect();
                let Some(p) = acct.principal(&role) else {
                    out.push(at.unknown(format!(
                        "Service role {role} is not among the account's collected roles (another account, or deleted), so what it may do is not known."
                    )).evidence(json!({"used_by": used_by})));
                    continue;
                };
                let asks = [
                    Ask::new(
                        "iam:PassRole",
                        format!("arn:{part}:iam::{id}:role/perimeter-probe-unnamed-role"),
                    ),
                    Ask::new(
                        "s3:GetObject",
                        format!("arn:{part}:s3:::perimeter-probe-unnamed-bucket/object"),
                    ),
                    Ask::new(
                        "s3:PutObject",
                        format!("arn:{part}:s3:::perimeter-probe-unnamed-bucket/object"),
                    ),
                    Ask::new(
                        "lambda:InvokeFunction",
                        format!("arn:{part}:lambda:{region}:{id}:function:perimeter-probe-unnamed"),
                    ),
                    Ask::new(
                        "secretsmanager:GetSecretValue",
                        format!(
                            "arn:{part}:secretsmanager:{region}:{id}:secret:perimeter-probe-unnamed-AbCdEf"
                        ),
                    ),
                    Ask::new(
                        "kms:Decrypt",
                        format!(
                            "arn:{part}:kms:{region}:{id}:key/00000000-0000-4000-8000-perimeterprobe"
                        ),
                    ),
                    Ask::new(
                        "aoss:APIAccessAll",
                        format!("arn:{part}:aoss:{region}:{id}:collection/perimeterprobeunnamed"),
                    ),
                    Ask::new("bedrock:PerimeterProbeAction", "*"),
                ];
                let grants = allowed(cx, acct, p, region, &asks);
                let ev = json!({"used_by": used_by, "overbroad_grants": grants});
                if !grants.is_empty() {
                    let actions: Vec<&str> = grants
                        .iter()
                        .filter_map(|g| g["action"].as_str())
                        .map(|a| {
                            if a == "bedrock:PerimeterProbeAction" {
                                "bedrock:*"
                            } else {
                                a
                            }
                        })
                        .collect();
                    out.push(at.fail(format!(
                        "Service role {} may {} on resources it does not name: whoever steers the {} it runs gets that reach.",
                        p.name, actions.join(", "), first.kind
                    )).evidence(ev));
                } else if !p.unparsed.is_empty() {
                    out.push(at.unknown(format!("Some policies of service role {} could not be read, so its reach is not known.", p.name)).evidence(ev));
                } else {
                    out.push(
                        at.pass(format!(
                            "Service role {} is scoped to the resources it names.",
                            p.name
                        ))
                        .evidence(ev),
                    );
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
    fn wildcard_service_role_fails_scoped_passes() {
        let f = run("IAM-009", &estate_snapshot());
        assert_eq!(status_of(&f, "role/good-agent-role"), Status::Pass);
        assert_eq!(status_of(&f, "role/ops-agent-role"), Status::Fail);
    }
}
