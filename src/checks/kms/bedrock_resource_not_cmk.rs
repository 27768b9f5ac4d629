//! KMS-006: a custom model, agent or prompt has no customer-managed key.
//!
//! Custom models (`kmsKeyArn`), agents and prompts (`customerEncryptionKeyArn`). A
//! knowledge base has no key of its own: its ingestion data and vector store are KMS-009's
//! and KMS-010's. Imported models are not collected yet.

use serde_json::json;

use super::cmk_draft;
use crate::checks::Subject;
use crate::checks::agents::{Item, each};
use crate::checks::{Check, Draft, EvalContext};
use crate::model::{Agent, Prompt};

#[derive(Debug)]
pub struct BedrockResourceNotCmk;

const NOT_COLLECTED: &str =
    "imported models are not collected by this version of perimeter and were not examined";

impl Check for BedrockResourceNotCmk {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            let read = acct.regions_reading(|d| d.bedrock.as_ref()?.custom_models.as_deref());
            for (region, models) in read {
                let models = match models {
                    Ok(models) => models,
                    Err(why) => {
                        let message = format!(
                            "Custom models in {region} could not be listed, so their encryption is not known."
                        );
                        let d = cx.unread_region(acct, region, why, "bedrock", message);
                        let mut ev = d.evidence.value();
                        ev["not_examined"] = json!(NOT_COLLECTED);
                        out.push(d.evidence(ev));
                        continue;
                    }
                };
                let mut ms: Vec<_> = models.iter().collect();
                ms.sort_by(|a, b| a.arn.cmp(&b.arn));
                for m in ms {
                    out.push(cmk_draft(
                        cx,
                        &Subject::new(id, Some(region), &m.arn),
                        &format!("Custom model {}", m.name),
                        m.kms_key_arn.as_deref(),
                        "its weights (trained on your data) are encrypted with an AWS-owned key you cannot control or audit",
                        json!({"model": m.name, "not_examined": NOT_COLLECTED}),
                    ));
                }
            }
            for Item { at, it, what } in each::<Agent>(cx, acct, "its encryption key", &mut out) {
                out.push(cmk_draft(cx, &at, &what, it.kms_key_arn.as_deref(),
                    "its instructions and session data are encrypted with an AWS-owned key you cannot control or audit",
                    json!({"agent_id": it.id, "name": it.name})));
            }
            for Item { at, it, what } in each::<Prompt>(cx, acct, "its encryption key", &mut out) {
                out.push(cmk_draft(
                    cx,
                    &at,
                    &what,
                    it.kms_key_arn.as_deref(),
                    "its templates are encrypted with an AWS-owned key you cannot control or audit",
                    json!({"prompt_id": it.id, "name": it.name}),
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::testutil::*;
    use crate::model::*;

    fn snap(key: Option<&str>) -> Snapshot {
        let mut a = account(ACCOUNT);
        a.regions.insert(
            "us-east-1".into(),
            RegionData {
                kms: Some(Kms {
                    keys: vec![KmsKey {
                        id: "cmk".into(),
                        arn: format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/cmk"),
                        manager: "CUSTOMER".into(),
                        aliases: vec!["alias/models".into()],
                        ..KmsKey::default()
                    }],
                }),
                bedrock: Some(Bedrock {
                    custom_models: Some(vec![CustomModel {
                        arn: format!("arn:aws:bedrock:us-east-1:{ACCOUNT}:custom-model/m1"),
                        name: "m1".into(),
                        kms_key_arn: key.map(str::to_string),
                    }]),
                    ..Bedrock::all_read()
                }),
                ..RegionData::all_read()
            },
        );
        snapshot(vec![a])
    }

    #[test]
    fn model_without_key_fails() {
        let f = run("KMS-006", &snap(None));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Fail);
        assert_eq!(
            f[0].resource,
            format!("arn:aws:bedrock:us-east-1:{ACCOUNT}:custom-model/m1")
        );
        assert!(
            f[0].evidence.value()["not_examined"]
                .as_str()
                .unwrap()
                .contains("imported models")
        );
    }

    #[test]
    fn model_with_cmk_alias_arn_passes() {
        let f = run(
            "KMS-006",
            &snap(Some(&format!(
                "arn:aws:kms:us-east-1:{ACCOUNT}:alias/models"
            ))),
        );
        assert_eq!(f[0].status, Status::Pass);
    }

    #[test]
    fn model_with_uncollected_key_is_unknown() {
        let f = run("KMS-006", &snap(Some("0000-missing")));
        assert_eq!(f[0].status, Status::Unknown);
    }
}
