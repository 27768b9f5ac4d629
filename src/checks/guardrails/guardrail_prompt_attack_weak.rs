//! GRD-003: a guardrail's PROMPT_ATTACK content filter is absent, below HIGH on input,
//! or set to detect without blocking.

use serde_json::json;

use super::{guardrail_ref, per_guardrail};
use crate::checks::Subject;
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct GuardrailPromptAttackWeak;

impl Check for GuardrailPromptAttackWeak {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        per_guardrail(cx, "prompt-attack filtering", |acct, region, g| {
            let id = acct.account.id.as_str();
            let at = Subject::new(id, Some(region), &g.arn);
            let filter = g
                .content_filters
                .iter()
                .find(|f| f.kind.eq_ignore_ascii_case("PROMPT_ATTACK"));
            let ev = json!({
                "guardrail": guardrail_ref(g),
                "prompt_attack_filter": filter.map(|f| json!({
                    "input_strength": f.input_strength,
                    "input_action": f.input_action,
                })),
                "content_tier": g.content_tier,
            });
            let d = match filter {
                None => at.fail(format!(
                        "Guardrail {} has no PROMPT_ATTACK content filter, so injected instructions in prompts are not screened.",
                        g.name
                    )),
                Some(f) if !f.input_strength.eq_ignore_ascii_case("HIGH") => at.fail(format!(
                        "Guardrail {} filters prompt attacks on input at strength {}, below HIGH.",
                        g.name, f.input_strength
                    )),
                Some(f)
                    if f.input_action
                        .as_deref()
                        .is_some_and(|a| a.eq_ignore_ascii_case("NONE")) =>
                {
                    at.fail(format!(
                            "Guardrail {} detects prompt attacks at HIGH but its input action is NONE, so they are not blocked.",
                            g.name
                        ))
                }
                Some(_) => at.pass(format!(
                        "Guardrail {} blocks prompt attacks at HIGH strength.",
                        g.name
                    )),
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
    use crate::model::{ContentFilter, Guardrail};

    fn snap(filters: Vec<ContentFilter>, detail: bool) -> crate::model::Snapshot {
        let mut a = account(ACCOUNT);
        let mut g: Guardrail = guardrail(ACCOUNT, REGION, "g1");
        g.content_filters = filters;
        g.detail_collected = detail;
        bedrock(&mut a, REGION).guardrails = Some(vec![g]);
        snapshot(vec![a])
    }

    fn pa(strength: &str, action: Option<&str>) -> ContentFilter {
        ContentFilter {
            kind: "PROMPT_ATTACK".into(),
            input_strength: strength.into(),
            output_strength: "NONE".into(),
            input_action: action.map(str::to_string),
            output_action: None,
            ..ContentFilter::default()
        }
    }

    #[test]
    fn high_passes() {
        let f = run("GRD-003", &snap(vec![pa("HIGH", Some("BLOCK"))], true));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Pass);
        assert!(f[0].resource.ends_with("guardrail/g1"));
    }

    #[test]
    fn medium_or_absent_or_detect_only_fails() {
        let f = run("GRD-003", &snap(vec![pa("MEDIUM", None)], true));
        assert_eq!(f[0].status, Status::Fail);
        assert!(f[0].message.contains("MEDIUM"));
        let f = run("GRD-003", &snap(vec![], true));
        assert_eq!(f[0].status, Status::Fail);
        assert!(f[0].message.contains("no PROMPT_ATTACK"));
        let f = run("GRD-003", &snap(vec![pa("HIGH", Some("NONE"))], true));
        assert_eq!(f[0].status, Status::Fail);
    }

    #[test]
    fn unreadable_is_unknown() {
        let f = run("GRD-003", &snap(vec![], false));
        assert_eq!(f[0].status, Status::Unknown);
    }
}
