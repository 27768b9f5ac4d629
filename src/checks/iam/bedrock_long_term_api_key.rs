//! IAM-005 bedrock-long-term-api-key: an active service-specific credential for Bedrock.

use serde_json::json;

use crate::checks::Subject;
use crate::checks::{Check, Draft, EvalContext};
use crate::model::Probe;

#[derive(Debug)]
pub struct BedrockLongTermApiKey;

impl Check for BedrockLongTermApiKey {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            let Some(iam) = &acct.account.iam else {
                continue;
            };
            for u in &iam.users {
                let at = Subject::new(id, None, &u.arn);
                match &u.service_credentials {
                    Probe::Unknown => out.push(
                        at.unknown(format!(
                            "The service-specific credentials of IAM user {} could not be listed.",
                            u.arn
                        ))
                        .evidence(cx.gap_evidence(id, None, "iam")),
                    ),
                    Probe::Absent => out.push(at.pass(format!(
                        "IAM user {} has no long-term Bedrock API key.",
                        u.arn
                    ))),
                    Probe::Found(creds) => {
                        let bedrock: Vec<_> = creds
                            .iter()
                            .filter(|c| c.service_name.to_ascii_lowercase().contains("bedrock"))
                            .collect();
                        let active: Vec<_> = bedrock
                            .iter()
                            .filter(|c| c.status.eq_ignore_ascii_case("active"))
                            .collect();
                        let list = |v: &[&&crate::model::ServiceCredential]| {
                            v.iter()
                                .map(|c| {
                                    json!({
                                        "credential_id": c.id,
                                        "service_name": c.service_name,
                                        "status": c.status,
                                        "created": c.created,
                                        "expires": c.expires,
                                    })
                                })
                                .collect::<Vec<_>>()
                        };
                        if active.is_empty() {
                            out.push(
                                at.pass(format!("IAM user {} has no active long-term Bedrock API key.", u.arn))
                                .evidence(json!({"inactive_keys": list(&bedrock.iter().collect::<Vec<_>>())})),
                            );
                        } else {
                            let ids: Vec<&str> = active.iter().map(|c| c.id.as_str()).collect();
                            out.push(
                                at.fail(format!(
                                    "IAM user {} has {} active long-term Bedrock API key(s): {}.",
                                    u.arn,
                                    active.len(),
                                    ids.join(", ")
                                ))
                                .evidence(json!({"active_keys": list(&active)})),
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
    use crate::checks::Status;
    use crate::checks::iam::testkit::*;
    use crate::checks::testutil::*;
    use crate::model::{Probe, ServiceCredential};
    use serde_json::json;

    fn cred(id: &str, status: &str) -> ServiceCredential {
        ServiceCredential {
            id: id.into(),
            service_name: "bedrock.amazonaws.com".into(),
            status: status.into(),
            created: Some("2026-03-01T00:00:00Z".into()),
            expires: None,
        }
    }

    #[test]
    fn active_key_fails_inactive_passes_unknown_is_unknown() {
        let empty = json!({"Version":"2012-10-17","Statement":[]});
        let mut a = user("a", empty.clone());
        a.service_credentials = Probe::Found(vec![cred("ACCA1", "Active")]);
        let mut b = user("b", empty.clone());
        b.service_credentials = Probe::Found(vec![cred("ACCB1", "Inactive")]);
        let c = user("c", empty);
        let snap = snapshot(vec![with_iam(vec![], vec![a, b, c], vec![])]);
        let f = run("IAM-005", &snap);
        let get = |n: &str| f.iter().find(|x| x.resource == user_arn(n)).unwrap();
        assert_eq!(get("a").status, Status::Fail);
        assert_eq!(
            get("a").evidence.value()["active_keys"][0]["credential_id"],
            "ACCA1"
        );
        assert_eq!(get("b").status, Status::Pass);
        assert_eq!(get("c").status, Status::Unknown);
    }
}
