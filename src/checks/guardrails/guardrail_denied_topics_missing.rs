//! GRD-004: a guardrail has no denied topics.

use serde_json::json;

use super::{guardrail_ref, per_guardrail};
use crate::checks::Subject;
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct GuardrailDeniedTopicsMissing;

impl Check for GuardrailDeniedTopicsMissing {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        per_guardrail(cx, "denied-topic coverage", |acct, region, g| {
            let id = acct.account.id.as_str();
            let at = Subject::new(id, Some(region), &g.arn);
            let denied: Vec<&str> = g
                .topics
                .iter()
                .filter(|t| t.kind.eq_ignore_ascii_case("DENY"))
                .map(|t| t.name.as_str())
                .collect();
            let ev = json!({"guardrail": guardrail_ref(g), "denied_topics": denied});
            let d = if denied.is_empty() {
                at.fail(format!(
                        "Guardrail {} has no denied topics, so requests outside the workload's mandate are not refused.",
                        g.name
                    ))
            } else {
                at.pass(format!(
                    "Guardrail {} denies {} topic(s).",
                    g.name,
                    denied.len()
                ))
            };
            d.evidence(ev)
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::logging::fixtures::*;
    use crate::checks::testutil::*;
    use crate::model::Topic;

    fn snap(topics: Vec<Topic>) -> crate::model::Snapshot {
        let mut a = account(ACCOUNT);
        let mut g = guardrail(ACCOUNT, REGION, "g1");
        g.topics = topics;
        bedrock(&mut a, REGION).guardrails = Some(vec![g]);
        snapshot(vec![a])
    }

    #[test]
    fn denied_topic_passes() {
        let f = run(
            "GRD-004",
            &snap(vec![Topic {
                name: "investment-advice".into(),
                kind: "DENY".into(),
            }]),
        );
        assert_eq!(f[0].status, Status::Pass);
        assert_eq!(
            f[0].evidence.value()["denied_topics"][0],
            "investment-advice"
        );
    }

    #[test]
    fn none_fails() {
        let f = run("GRD-004", &snap(vec![]));
        assert_eq!(f[0].status, Status::Fail);
        assert!(f[0].resource.ends_with("guardrail/g1"));
    }

    #[test]
    fn unlisted_active_region_is_unknown() {
        let mut a = account(ACCOUNT);
        let b = bedrock(&mut a, REGION);
        b.guardrails = None;
        b.logging = crate::model::Probe::Found(logging("b", "g"));
        let f = run("GRD-004", &snapshot(vec![a]));
        assert_eq!(f[0].status, Status::Unknown);
    }
}
