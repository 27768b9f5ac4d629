//! KMS-005: a guardrail is not encrypted with a customer-managed key.

use serde_json::json;

use super::cmk_draft;
use crate::checks::network::account_root;
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct GuardrailNotCmk;

impl Check for GuardrailNotCmk {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            let mut regions: Vec<&String> = acct.account.regions.keys().collect();
            regions.extend(acct.active_regions.keys());
            regions.sort();
            regions.dedup();
            for region in regions {
                let guardrails = acct
                    .account
                    .regions
                    .get(region)
                    .and_then(|d| d.bedrock.as_ref())
                    .and_then(|b| b.guardrails.as_ref());
                let Some(guardrails) = guardrails else {
                    if let Some(why) = acct.active_regions.get(region) {
                        let mut ev = cx.gap_evidence(id, Some(region), "bedrock");
                        ev["active_region_reasons"] = json!(why);
                        out.push(
                            Draft::unknown(
                                id,
                                Some(region),
                                account_root(acct),
                                format!("Guardrails in {region} could not be listed, so their encryption is not known."),
                            )
                            .evidence(ev),
                        );
                    }
                    continue;
                };
                let mut gs: Vec<_> = guardrails.iter().collect();
                gs.sort_by(|a, b| a.arn.cmp(&b.arn));
                for g in gs {
                    let what = format!("Guardrail {} ({})", g.name, g.id);
                    let ev = json!({"guardrail_id": g.id, "name": g.name});
                    if !g.detail_collected {
                        let mut ev = ev;
                        ev["gaps"] = cx.gap_evidence(id, Some(region), "bedrock")["gaps"].clone();
                        out.push(
                            Draft::unknown(
                                id,
                                Some(region),
                                &g.arn,
                                format!("{what} could only be listed, not read, so its encryption key is not known."),
                            )
                            .evidence(ev),
                        );
                        continue;
                    }
                    out.push(cmk_draft(
                        cx,
                        id,
                        region,
                        g.arn.clone(),
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
                    ..Bedrock::default()
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
