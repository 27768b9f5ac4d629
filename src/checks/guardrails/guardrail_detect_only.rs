//! GRD-011: a guardrail in use only detects: a configured filter blocks nothing.
//!
//! For every guardrail version in use, any content, topic, word, PII, regex or grounding
//! filter whose input or output action is `NONE` (it is evaluated and reported, but the
//! request goes through) fails. PROMPT_ATTACK's output side is exempt (AWS applies prompt
//! attack filtering to input only). Guardrails listed in `[guardrails] on_trial` are
//! accepted. A version whose configuration was not read is unknown.

use serde_json::json;

use super::{by_guardrail, in_use};
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct GuardrailDetectOnly;

impl Check for GuardrailDetectOnly {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let trial = &cx.config.guardrails_on_trial;
        let mut out = Vec::new();
        for acct in &cx.accounts {
            for (region, data) in &acct.account.regions {
                let uses = in_use(data);
                for (g, versions_in_use) in by_guardrail(&uses) {
                    let at = acct.at(Some(region), &g.arn);
                    let what = format!("Guardrail {} ({})", g.name, g.id);
                    let mut detect_only = Vec::new();
                    let mut unread = Vec::new();
                    for u in versions_in_use {
                        let Some(c) = u.config else {
                            unread.push(u.version.clone());
                            continue;
                        };
                        for a in &c.filter_actions {
                            let none = |x: &Option<String>| {
                                x.as_deref().is_some_and(|v| v.eq_ignore_ascii_case("NONE"))
                            };
                            let prompt_attack =
                                a.filter.eq_ignore_ascii_case("content:PROMPT_ATTACK");
                            let mut sides = Vec::new();
                            if none(&a.input) {
                                sides.push("input");
                            }
                            if none(&a.output) && !prompt_attack {
                                sides.push("output");
                            }
                            if !sides.is_empty() {
                                detect_only.push(json!({"version": u.version, "filter": a.filter, "sides": sides}));
                            }
                        }
                    }
                    let ev = json!({"detect_only": detect_only, "unread_versions": unread});
                    let on_trial = trial
                        .iter()
                        .any(|t| t == &g.name || t == &g.id || t == &g.arn);
                    if !detect_only.is_empty() && !on_trial {
                        let names: Vec<String> = detect_only
                            .iter()
                            .filter_map(|d| d["filter"].as_str().map(str::to_string))
                            .collect();
                        out.push(at.fail(format!(
                            "{what} only detects with {}: matches are reported, nothing is blocked.",
                            names.join(", ")
                        )).evidence(ev));
                    } else if !unread.is_empty() {
                        let ev = cx.with_gaps(ev, at.account, at.region, "bedrock");
                        out.push(at.unknown(format!("{what}: the configuration of version(s) {} in use could not be read.", unread.join(", "))).evidence(ev));
                    } else if on_trial && !detect_only.is_empty() {
                        out.push(
                            at.pass(format!(
                                "{what} only detects with some filters, and is listed as on trial."
                            ))
                            .evidence(ev),
                        );
                    } else {
                        out.push(
                            at.pass(format!("{what} blocks with every filter it configures."))
                                .evidence(ev),
                        );
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
    use crate::checks::testutil::*;
    use crate::model::*;

    #[test]
    fn none_action_fails_block_passes_prompt_attack_output_exempt() {
        let g = |id: &str, filter: &str, input: &str, output: &str| Guardrail {
            id: id.into(),
            arn: format!("arn:aws:bedrock:us-east-1:{ACCOUNT}:guardrail/{id}"),
            name: id.into(),
            filter_actions: vec![FilterAction {
                filter: filter.into(),
                input: Some(input.into()),
                output: Some(output.into()),
            }],
            detail_collected: true,
            ..Guardrail::default()
        };
        let snap = one_region(RegionData {
            bedrock: Some(Bedrock {
                guardrails: Some(vec![
                    g("blocks", "content:HATE", "BLOCK", "BLOCK"),
                    g("detects", "content:HATE", "NONE", "BLOCK"),
                    g("attack", "content:PROMPT_ATTACK", "BLOCK", "NONE"),
                ]),
                ..Bedrock::all_read()
            }),
            ..RegionData::all_read()
        });
        let f = run("GRD-011", &snap);
        assert_eq!(status_of(&f, "guardrail/blocks"), Status::Pass);
        assert_eq!(status_of(&f, "guardrail/detects"), Status::Fail);
        assert_eq!(status_of(&f, "guardrail/attack"), Status::Pass);
    }
}
