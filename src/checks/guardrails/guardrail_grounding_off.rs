//! GRD-005: a guardrail has no contextual grounding or relevance check.

use serde_json::json;

use super::{guardrail_ref, per_guardrail};
use crate::checks::Subject;
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct GuardrailGroundingOff;

impl Check for GuardrailGroundingOff {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        per_guardrail(cx, "contextual grounding coverage", |acct, region, g| {
            let id = acct.account.id.as_str();
            let at = Subject::new(id, Some(region), &g.arn);
            let filters: Vec<_> = g
                .grounding_filters
                .iter()
                .filter(|f| {
                    f.kind.eq_ignore_ascii_case("GROUNDING")
                        || f.kind.eq_ignore_ascii_case("RELEVANCE")
                })
                .collect();
            // A threshold of 0 blocks nothing.
            let effective: Vec<_> = filters.iter().filter(|f| f.threshold > 0.0).collect();
            let ev = json!({
                "guardrail": guardrail_ref(g),
                "grounding_filters": filters.iter().map(|f| json!({"type": f.kind, "threshold": f.threshold})).collect::<Vec<_>>(),
            });
            let d = if !effective.is_empty() {
                at.pass(format!(
                    "Guardrail {} checks {}.",
                    g.name,
                    effective
                        .iter()
                        .map(|f| format!("{} (threshold {})", f.kind.to_lowercase(), f.threshold))
                        .collect::<Vec<_>>()
                        .join(" and ")
                ))
            } else if !filters.is_empty() {
                at.fail(format!(
                        "Guardrail {} has contextual grounding filters with threshold 0, which block nothing.",
                        g.name
                    ))
            } else {
                at.fail(format!(
                        "Guardrail {} has no contextual grounding or relevance check, so ungrounded answers are not caught.",
                        g.name
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
    use crate::model::GroundingFilter;

    fn snap(filters: Vec<GroundingFilter>) -> crate::model::Snapshot {
        let mut a = account(ACCOUNT);
        let mut g = guardrail(ACCOUNT, REGION, "g1");
        g.grounding_filters = filters;
        bedrock(&mut a, REGION).guardrails = Some(vec![g]);
        snapshot(vec![a])
    }

    fn gf(kind: &str, threshold: f64) -> GroundingFilter {
        GroundingFilter {
            kind: kind.into(),
            threshold,
        }
    }

    #[test]
    fn grounding_passes() {
        let f = run(
            "GRD-005",
            &snap(vec![gf("GROUNDING", 0.75), gf("RELEVANCE", 0.5)]),
        );
        assert_eq!(f[0].status, Status::Pass);
        assert!(f[0].message.contains("grounding (threshold 0.75)"));
    }

    #[test]
    fn missing_or_zero_fails() {
        assert_eq!(run("GRD-005", &snap(vec![]))[0].status, Status::Fail);
        let f = run("GRD-005", &snap(vec![gf("GROUNDING", 0.0)]));
        assert_eq!(f[0].status, Status::Fail);
        assert!(f[0].message.contains("threshold 0"));
    }
}
