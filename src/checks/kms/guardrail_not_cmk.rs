//! KMS-005: a guardrail is not encrypted with a customer-managed key.

use serde_json::json;

use super::cmk_draft;
use crate::checks::Subject;
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct GuardrailNotCmk;

impl Check for GuardrailNotCmk {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            let read = acct.regions_reading(|d| d.bedrock.as_ref()?.guardrails.as_deref());
            for (region, guardrails) in read {
                let guardrails = match guardrails {
                    Ok(guardrails) => guardrails,
                    Err(why) => {
                        let message = format!(
                            "Guardrails in {region} could not be listed, so their encryption is not known."
                        );
                        out.push(cx.unread_region(acct, region, why, "bedrock", message));
                        continue;
                    }
                };
                let mut gs: Vec<_> = guardrails.iter().collect();
                gs.sort_by(|a, b| a.arn.cmp(&b.arn));
                for g in gs {
                    let at = Subject::new(id, Some(region), &g.arn);
                    let what = format!("Guardrail {} ({})", g.name, g.id);
                    let ev = json!({"guardrail_id": g.id, "name": g.name});
                    if !g.detail_collected {
                        let ev = cx.with_gaps(ev, id, Some(region), "bedrock");
                        out.push(at.unknown(format!("{what} could only be listed, not read, so its encryption key is not known.")).evidence(ev));
                        continue;
                    }
                    out.push(cmk_draft(
                        cx,
                        &at,
                        &what,
                        g.kms_key_arn.as_deref(),
                        "its denied topics, word lists and messages are encrypted with an AWS-owned key you cannot control or audit",
                        ev,
                    ));
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
    use crate::model::*;

    fn guardrail(id: &str, key: Option<&str>) -> Guardrail {
        Guardrail {
            id: id.into(),
            arn: format!("arn:aws:bedrock:us-east-1:{ACCOUNT}:guardrail/{id}"),
            name: id.into(),
            kms_key_arn: key.map(str::to_string),
            detail_collected: true,
            ..Guardrail::default()
        }
    }

    fn snap(guardrails: Option<Vec<Guardrail>>) -> Snapshot {
        let mut a = account(ACCOUNT);
        a.regions.insert(
            "us-east-1".into(),
            RegionData {
                kms: Some(Kms {
                    keys: vec![KmsKey {
                        id: "cmk".into(),
                        arn: format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/cmk"),
                        manager: "CUSTOMER".into(),
                        ..KmsKey::default()
                    }],
                }),
                bedrock: Some(Bedrock {
                    guardrails,
                    ..Bedrock::all_read()
                }),
                ..RegionData::all_read()
            },
        );
        snapshot(vec![a])
    }

    #[test]
    fn guardrail_without_key_fails_and_with_cmk_passes() {
        let f = run(
            "KMS-005",
            &snap(Some(vec![
                guardrail("g-none", None),
                guardrail(
                    "g-cmk",
                    Some(&format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/cmk")),
                ),
            ])),
        );
        assert_eq!(f.len(), 2);
        let none = f.iter().find(|x| x.resource.ends_with("g-none")).unwrap();
        assert_eq!(none.status, Status::Fail);
        assert!(none.message.contains("no customer-managed key"));
        let cmk = f.iter().find(|x| x.resource.ends_with("g-cmk")).unwrap();
        assert_eq!(cmk.status, Status::Pass);
    }

    #[test]
    fn unlisted_guardrails_in_active_region_are_unknown() {
        let cfg = crate::config::Config {
            bedrock_regions: vec!["us-east-1".into()],
            ..Default::default()
        };
        let f = run_with("KMS-005", &snap(None), &cfg);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Unknown);
        assert_eq!(f[0].resource, format!("arn:aws:iam::{ACCOUNT}:root"));
    }
}
