//! LOG-001: a Bedrock-active Region has no model invocation logging configuration.

use serde_json::json;

use super::active_reasons;
use crate::checks::Subject;
use crate::checks::{Check, Draft, EvalContext};
use crate::model::Probe;

#[derive(Debug)]
pub struct InvocationLoggingOff;

impl Check for InvocationLoggingOff {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            for (region, data) in &acct.account.regions {
                if !acct.is_active(region) {
                    continue;
                }
                let why = active_reasons(acct, region);
                let root = acct.root_arn();
                let at = Subject::new(id, Some(region), &root);
                let logging = data.bedrock.as_ref().map(|b| &b.logging);
                let d = match logging {
                    Some(Probe::Found(l)) => at.pass(format!(
                            "Model invocation logging is configured in {region} of account {id}."
                        ))
                    .evidence(json!({
                        "active_region_reasons": why,
                        "logging": {
                            "s3_bucket": l.s3_bucket,
                            "s3_key_prefix": l.s3_key_prefix,
                            "cloudwatch_log_group": l.cloudwatch_log_group,
                            "text": l.text, "image": l.image, "embedding": l.embedding,
                            "video": l.video, "audio": l.audio,
                        },
                    })),
                    Some(Probe::Absent) => at.fail(format!(
                            "Bedrock-active Region {region} of account {id} has no model invocation logging configuration, so prompts and responses are not recorded."
                        ))
                    .evidence(json!({
                        "active_region_reasons": why,
                        "logging": "not configured",
                    })),
                    Some(Probe::Unknown) | None => {
                        let mut ev = cx.gap_evidence(id, Some(region), "bedrock");
                        ev["active_region_reasons"] = why;
                        at.unknown(format!(
                                "The model invocation logging configuration of {region} in account {id} could not be read."
                            ))
                        .evidence(ev)
                    }
                };
                out.push(d);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::testutil::*;
    use crate::model::{Bedrock, Gap, InvocationLogging, Probe, RegionData};

    fn with_logging(logging: Probe<InvocationLogging>, active: bool) -> crate::model::Snapshot {
        let mut a = account(ACCOUNT);
        let bedrock = Bedrock {
            logging,
            guardrails: Some(if active {
                vec![crate::model::Guardrail {
                    id: "g1".into(),
                    arn: format!("arn:aws:bedrock:us-east-1:{ACCOUNT}:guardrail/g1"),
                    name: "g1".into(),
                    ..Default::default()
                }]
            } else {
                vec![]
            }),
            ..Bedrock::all_read()
        };
        a.regions.insert(
            "us-east-1".into(),
            RegionData {
                bedrock: Some(bedrock),
                ..RegionData::all_read()
            },
        );
        snapshot(vec![a])
    }

    #[test]
    fn absent_in_active_region_fails() {
        let f = run("LOG-001", &with_logging(Probe::Absent, true));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Fail);
        assert_eq!(f[0].region.as_deref(), Some("us-east-1"));
        assert_eq!(f[0].resource, format!("arn:aws:iam::{ACCOUNT}:root"));
        assert!(f[0].message.contains("no model invocation logging"));
    }

    #[test]
    fn configured_passes() {
        let l = InvocationLogging {
            s3_bucket: Some("logs".into()),
            text: true,
            ..Default::default()
        };
        let f = run("LOG-001", &with_logging(Probe::Found(l), false));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Pass);
        assert_eq!(f[0].evidence.value()["logging"]["s3_bucket"], "logs");
    }

    #[test]
    fn inactive_region_is_silent() {
        let f = run("LOG-001", &with_logging(Probe::Absent, false));
        assert!(f.is_empty());
    }

    #[test]
    fn unreadable_is_unknown_with_gap() {
        let mut s = with_logging(Probe::Unknown, true);
        s.gaps.push(Gap {
            account: ACCOUNT.into(),
            region: Some("us-east-1".into()),
            service: "bedrock".into(),
            operation: "GetModelInvocationLoggingConfiguration".into(),
            error: "AccessDenied".into(),
            resource: None,
        });
        let f = run("LOG-001", &s);
        assert_eq!(f[0].status, Status::Unknown);
        assert_eq!(f[0].evidence.value()["gaps"][0]["error"], "AccessDenied");
    }
}
