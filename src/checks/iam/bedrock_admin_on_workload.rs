//! IAM-003 bedrock-admin-on-workload: `bedrock:*` / AmazonBedrockFullAccess on a
//! non-administrator principal.

use serde_json::json;

use super::{
    PROBE_MODEL_ID, can_invoke, fm_arn, open_effect_str, principal_json, probe_invoke,
    scope_regions,
};
use crate::checks::Subject;
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct BedrockAdminOnWorkload;

/// Actions only an administrator of Bedrock needs: deleting a guardrail and changing
/// where (or whether) invocations are logged.
const ADMIN_ACTIONS: [&str; 2] = [
    "bedrock:DeleteGuardrail",
    "bedrock:PutModelInvocationLoggingConfiguration",
];

impl Check for BedrockAdminOnWorkload {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            let region = scope_regions(cx, acct)
                .into_iter()
                .next()
                .unwrap_or_else(|| "us-east-1".into());
            for p in acct.principals.iter().filter(|p| p.is_workload()) {
                let at = Subject::new(id, None, &p.arn);
                let full_access: Vec<&str> = p
                    .identity
                    .iter()
                    .map(|n| n.label.as_str())
                    .filter(|l| l.ends_with(":policy/AmazonBedrockFullAccess"))
                    .collect();
                let set = cx.policy_set(acct, p, true);
                let mut admin = Vec::new();
                for action in ADMIN_ACTIONS {
                    let resource = if action == "bedrock:DeleteGuardrail" {
                        format!(
                            "arn:{}:bedrock:{region}:{id}:guardrail/perimeterprobe",
                            acct.partition
                        )
                    } else {
                        "*".to_string()
                    };
                    let req = cx.request(acct, p, action, &resource, Some(&region));
                    let d = cx.decide_open(&set, &req);
                    if d.may_allow() {
                        admin.push(json!({
                            "action": action,
                            "resource": resource,
                            "decision": open_effect_str(&d),
                            "reasons": d.reasons,
                        }));
                    }
                }
                let probe = probe_invoke(
                    cx,
                    acct,
                    p,
                    &set,
                    &fm_arn(&acct.partition, &region, PROBE_MODEL_ID),
                    &region,
                    &[],
                );
                let evidence = json!({
                    "principal": principal_json(p),
                    "admin_actions_allowed": admin,
                    "invoke_any_model": probe.to_json(),
                    "amazon_bedrock_full_access": full_access,
                });
                if !full_access.is_empty() || (!admin.is_empty() && probe.allowed()) {
                    let why = if !full_access.is_empty() {
                        "has AmazonBedrockFullAccess attached".to_string()
                    } else {
                        format!(
                            "may call Bedrock administrative actions ({}) as well as invoke any model",
                            admin
                                .iter()
                                .filter_map(|a| a["action"].as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    };
                    out.push(
                        at.fail(format!("Workload principal {} {why}.", p.arn))
                            .evidence(evidence),
                    );
                } else if !p.unparsed.is_empty() {
                    // An unreadable policy may be the one that grants Bedrock (or is
                    // AmazonBedrockFullAccess itself).
                    out.extend(super::undecided_invoker(cx, acct, p));
                } else if can_invoke(cx, acct, p, true).is_some() || !admin.is_empty() {
                    out.push(
                        at.pass(format!(
                                "Workload principal {} does not hold Bedrock administrative permissions together with unrestricted invocation.",
                                p.arn
                            ))
                        .evidence(evidence),
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
    use crate::checks::iam::testkit::*;
    use crate::checks::testutil::*;
    use crate::model::ManagedPolicy;
    use serde_json::json;

    #[test]
    fn bedrock_star_fails() {
        let snap = snapshot(vec![with_roles(vec![role(
            "app",
            json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:*","Resource":"*"}]}),
        )])]);
        let f = run("IAM-003", &snap);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Fail);
        assert!(
            f[0].message.contains("bedrock:DeleteGuardrail"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn full_access_attached_fails() {
        let arn = "arn:aws:iam::aws:policy/AmazonBedrockFullAccess";
        let mut r = role("app", json!({"Version":"2012-10-17","Statement":[]}));
        r.inline_policies.clear();
        r.attached_policies = vec![arn.into()];
        let mp = ManagedPolicy {
            arn: arn.into(),
            name: "AmazonBedrockFullAccess".into(),
            aws_managed: true,
            version_id: "v11".into(),
            document: json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["bedrock:*","bedrock-mantle:*"],"Resource":"*"}]}).into(),
        };
        let snap = snapshot(vec![with_iam(vec![r], vec![], vec![mp])]);
        let f = run("IAM-003", &snap);
        assert_eq!(f[0].status, Status::Fail);
        assert!(f[0].message.contains("AmazonBedrockFullAccess"));
    }

    #[test]
    fn invoke_only_passes() {
        let snap = snapshot(vec![with_roles(vec![role(
            "app",
            json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:InvokeModel","Resource":"*"}]}),
        )])]);
        let f = run("IAM-003", &snap);
        assert_eq!(f[0].status, Status::Pass);
        assert_eq!(f[0].resource, role_arn("app"));
    }
}
