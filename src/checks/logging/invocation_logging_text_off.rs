//! LOG-002: invocation logging is on but text data delivery is off.
//!
//! The configuration has no ARN of its own; findings point at the pseudo-ARN
//! `arn:<partition>:bedrock:<region>:<account>:model-invocation-logging`.

use serde_json::json;

use super::{active_reasons, logging_config_arn};
use crate::checks::Subject;
use crate::checks::{Check, Draft, EvalContext};
use crate::model::Probe;

#[derive(Debug)]
pub struct InvocationLoggingTextOff;

impl Check for InvocationLoggingTextOff {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            for (region, data) in &acct.account.regions {
                let arn = logging_config_arn(acct, region);
                let at = Subject::new(id, Some(region), &arn);
                match data.bedrock.as_ref().map(|b| &b.logging) {
                    Some(Probe::Found(l)) => {
                        let ev = json!({
                            "text": l.text, "image": l.image, "embedding": l.embedding,
                            "video": l.video, "audio": l.audio,
                            "s3_bucket": l.s3_bucket,
                            "cloudwatch_log_group": l.cloudwatch_log_group,
                            "active_region_reasons": active_reasons(acct, region),
                        });
                        let d = if l.text {
                            at.pass(format!(
                                    "Model invocation logging in {region} of account {id} delivers text prompts and responses."
                                ))
                        } else {
                            at.fail(format!(
                                    "Model invocation logging in {region} of account {id} is on but text data delivery is off, so text prompts and responses are not recorded."
                                ))
                        };
                        out.push(d.evidence(ev));
                    }
                    Some(Probe::Absent) => {}
                    Some(Probe::Unknown) | None => {
                        // Only where it matters: LOG-001 covers the rest.
                        if acct.is_active(region) {
                            let mut ev = cx.gap_evidence(id, Some(region), "bedrock");
                            ev["active_region_reasons"] = active_reasons(acct, region);
                            out.push(
                                at.unknown(format!(
                                        "The model invocation logging configuration of {region} in account {id} could not be read, so text delivery is not known."
                                    ))
                                .evidence(ev),
                            );
                        }
                    }
                }
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
    use crate::model::Probe;

    fn snap(text: bool) -> crate::model::Snapshot {
        let mut a = account(ACCOUNT);
        let mut l = logging("inv-logs", "/aws/bedrock/invocations");
        l.text = text;
        bedrock(&mut a, REGION).logging = Probe::Found(l);
        snapshot(vec![a])
    }

    #[test]
    fn text_off_fails_on_the_configuration() {
        let f = run("LOG-002", &snap(false));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Fail);
        assert_eq!(
            f[0].resource,
            format!("arn:aws:bedrock:us-east-1:{ACCOUNT}:model-invocation-logging")
        );
        assert!(f[0].message.contains("text data delivery is off"));
        assert_eq!(f[0].evidence.value()["text"], false);
    }

    #[test]
    fn text_on_passes() {
        let f = run("LOG-002", &snap(true));
        assert_eq!(f[0].status, Status::Pass);
    }

    #[test]
    fn absent_logging_is_left_to_log_001() {
        let mut a = account(ACCOUNT);
        bedrock(&mut a, REGION).logging = Probe::Absent;
        assert!(run("LOG-002", &snapshot(vec![a])).is_empty());
    }

    #[test]
    fn unknown_in_active_region_is_unknown() {
        let mut a = account(ACCOUNT);
        let b = bedrock(&mut a, REGION);
        b.logging = Probe::Unknown;
        b.guardrails = Some(vec![guardrail(ACCOUNT, REGION, "g1")]);
        let f = run("LOG-002", &snapshot(vec![a]));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Unknown);
    }
}
