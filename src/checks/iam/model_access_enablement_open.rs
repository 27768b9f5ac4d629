//! IAM-014: a non-administrator can enable access to new models.
//!
//! With automatic model access, `aws-marketplace:Subscribe` is the gate for third-party
//! models; `bedrock:PutUseCaseForModelAccess` and `bedrock:CreateFoundationModelAgreement`
//! accept terms on the account's behalf. The engine asks each for every
//! non-administrator (open world, SCPs included; Subscribe with a synthetic
//! `aws-marketplace:ProductId`). A grant of the retired `PutFoundationModelEntitlement`
//! alone is reported at info.

use serde_json::json;

use super::grants::{Ask, allowed, home_region, non_admin_findings};
use super::principal_json;
use crate::checks::{Check, Draft, EvalContext, Severity};

#[derive(Debug)]
pub struct ModelAccessEnablementOpen;

impl Check for ModelAccessEnablementOpen {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let region = home_region(cx, acct);
            let asks = [
                Ask::new("aws-marketplace:Subscribe", "*")
                    .with("aws-marketplace:ProductId", "prod-perimeterprobe00"),
                Ask::new("bedrock:PutUseCaseForModelAccess", "*"),
                Ask::new("bedrock:CreateFoundationModelAgreement", "*"),
            ];
            let retired = [Ask::new("bedrock:PutFoundationModelEntitlement", "*")];
            out.extend(non_admin_findings(cx, acct, |p| {
                let grants = allowed(cx, acct, p, &region, &asks);
                if grants.is_empty() {
                    let old = allowed(cx, acct, p, &region, &retired);
                    if old.is_empty() {
                        return None;
                    }
                    return Some(acct.at(None, &p.arn).fail(format!(
                        "{} is granted bedrock:PutFoundationModelEntitlement, an action AWS has retired.", p.arn
                    )).evidence(json!({"principal": principal_json(p), "grants": old})).severity(Severity::Info));
                }
                let actions: Vec<&str> = grants.iter().filter_map(|g| g["action"].as_str()).collect();
                Some(acct.at(None, &p.arn).fail(format!(
                    "{} may enable access to new models ({}): it decides which third-party models the account can run and bill.",
                    p.arn, actions.join(", ")
                )).evidence(json!({"principal": principal_json(p), "grants": grants})))
            }, "No non-administrator can subscribe to models or accept model terms."));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::testutil::*;

    #[test]
    fn marketplace_subscriber_fails() {
        let f = run("IAM-014", &estate_snapshot());
        assert_eq!(status_of(&f, "role/model-curator"), Status::Fail);
    }
}
