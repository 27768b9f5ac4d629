//! LOG-005: a trail is not encrypted with a customer-managed KMS key.

use serde_json::json;

use super::{resolve_key, trail_region, trails};
use crate::checks::Subject;
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct CloudtrailNotCmk;

impl Check for CloudtrailNotCmk {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            for (listed, t) in trails(acct.account) {
                let region = trail_region(listed, t);
                let arn = t.arn.clone();
                let at = Subject::new(id, Some(region), &arn);
                let d = match &t.kms_key_id {
                    None => at.fail(format!(
                            "Trail {} is not encrypted with a customer-managed KMS key (only the default SSE-S3 encryption of its bucket applies).",
                            t.name
                        ))
                    .evidence(json!({"trail": t.name, "kms_key_id": null})),
                    Some(k) => match resolve_key(acct.account, k) {
                        Some(key) if key.customer_managed().is_none() => at
                            .unknown(format!(
                                "Trail {} is encrypted with KMS key {}, which could not be described, so who manages it is not known.",
                                t.name, key.arn
                            ))
                            .evidence(cx.with_gaps(
                                json!({"trail": t.name, "kms_key_id": k}),
                                id,
                                Some(region),
                                "kms",
                            )),
                        Some(key) if !key.is_customer_managed() => at.fail(format!(
                                "Trail {} is encrypted with the AWS-managed key {}, not a customer-managed key.",
                                t.name, key.arn
                            ))
                        .evidence(json!({
                            "trail": t.name, "kms_key_id": k, "key_manager": key.manager,
                            "aliases": key.aliases,
                        })),
                        Some(key) => at.pass(format!(
                                "Trail {} is encrypted with customer-managed key {}.",
                                t.name, key.arn
                            ))
                        .evidence(json!({
                            "trail": t.name, "kms_key_id": k, "key_manager": key.manager,
                            "key_state": key.state,
                        })),
                        None => at.pass(format!("Trail {} is encrypted with KMS key {k}.", t.name))
                        .evidence(json!({
                            "trail": t.name, "kms_key_id": k,
                            "key_resolved": false,
                            "note": "the key is not in this account's snapshot (it may live in a logging account); CloudTrail accepts only customer-managed keys for SSE-KMS",
                        })),
                    },
                };
                out.push(d);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use crate::checks::Status;
    use crate::checks::testutil::*;
    use crate::model::{Kms, KmsKey};

    fn key(manager: &str, alias: &str) -> KmsKey {
        KmsKey {
            id: "k1".into(),
            arn: format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/k1"),
            manager: manager.into(),
            aliases: vec![alias.into()],
            ..Default::default()
        }
    }

    fn snap(kms_key_id: Option<&str>, key: Option<KmsKey>) -> crate::model::Snapshot {
        let mut a = account(ACCOUNT);
        let mut t = trail("main", true);
        t.kms_key_id = kms_key_id.map(str::to_string);
        set_trails(&mut a, REGION, vec![t]);
        region(&mut a, REGION).kms = Some(Kms {
            keys: key.into_iter().collect(),
        });
        snapshot(vec![a])
    }

    #[test]
    fn no_key_fails() {
        let f = run("LOG-005", &snap(None, None));
        assert_eq!(f[0].status, Status::Fail);
        assert_eq!(
            f[0].resource,
            format!("arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/main")
        );
    }

    #[test]
    fn customer_key_passes() {
        let arn = format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/k1");
        let f = run(
            "LOG-005",
            &snap(Some(&arn), Some(key("CUSTOMER", "alias/trail"))),
        );
        assert_eq!(f[0].status, Status::Pass);
        assert_eq!(f[0].evidence.value()["key_manager"], "CUSTOMER");
    }

    #[test]
    fn aws_managed_key_fails() {
        let arn = format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/k1");
        let f = run(
            "LOG-005",
            &snap(Some(&arn), Some(key("AWS", "alias/aws/s3"))),
        );
        assert_eq!(f[0].status, Status::Fail);
        assert!(f[0].message.contains("AWS-managed"));
    }

    #[test]
    fn key_in_another_account_passes_with_note() {
        let f = run(
            "LOG-005",
            &snap(Some("arn:aws:kms:us-east-1:999999999999:key/x"), None),
        );
        assert_eq!(f[0].status, Status::Pass);
        assert_eq!(f[0].evidence.value()["key_resolved"], false);
    }
}
