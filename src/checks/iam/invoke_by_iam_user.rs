//! IAM-004 invoke-by-iam-user: an IAM user (long-term credentials) can invoke models.

use serde_json::json;

use super::{can_invoke, principal_json, scp_note};
use crate::checks::Subject;
use crate::checks::context::PrincipalKind;
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct InvokeByIamUser;

impl Check for InvokeByIamUser {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            for p in acct
                .principals
                .iter()
                .filter(|p| p.kind == PrincipalKind::User)
            {
                let at = Subject::new(id, None, &p.arn);
                match can_invoke(cx, acct, p, true) {
                    Some(probe) => out.push(
                        at.fail(format!(
                                "IAM user {} can invoke Bedrock models with long-term credentials.",
                                p.arn
                            ))
                        .evidence(json!({
                            "principal": principal_json(p),
                            "decision": probe.to_json(),
                            "scp_chain": scp_note(acct),
                        })),
                    ),
                    None if !p.unparsed.is_empty() => out.push(
                        at.unknown(format!(
                                "IAM user {} has policies perimeter could not read, so whether it can invoke models is unknown.",
                                p.arn
                            ))
                        .evidence(json!({"principal": principal_json(p), "unparsed": p.unparsed})),
                    ),
                    None => out.push(
                        at.pass(format!("IAM user {} cannot invoke Bedrock models.", p.arn))
                        .evidence(json!({"principal": principal_json(p)})),
                    ),
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
    use serde_json::json;

    #[test]
    fn invoking_user_fails_and_other_user_passes() {
        let inv = user(
            "dev",
            json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:InvokeModel*","Resource":"arn:aws:bedrock:*::foundation-model/anthropic.*"}]}),
        );
        let other = user(
            "ops",
            json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}),
        );
        let snap = snapshot(vec![with_iam(vec![], vec![inv, other], vec![])]);
        let f = run("IAM-004", &snap);
        assert_eq!(f.len(), 2);
        let dev = f.iter().find(|x| x.resource == user_arn("dev")).unwrap();
        assert_eq!(dev.status, Status::Fail);
        assert!(dev.message.contains("long-term"));
        let ops = f.iter().find(|x| x.resource == user_arn("ops")).unwrap();
        assert_eq!(ops.status, Status::Pass);
    }

    #[test]
    fn unparsed_policy_is_unknown() {
        let u = user("odd", json!("not a policy {"));
        let snap = snapshot(vec![with_iam(vec![], vec![u], vec![])]);
        let f = run("IAM-004", &snap);
        assert_eq!(f[0].status, Status::Unknown);
    }
}
