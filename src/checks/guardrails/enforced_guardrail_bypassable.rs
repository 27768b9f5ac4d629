//! GRD-013: an account-level enforced guardrail leaves a way around it.
//!
//! For each enforced configuration (`ListEnforcedGuardrailsConfiguration`): (1) it
//! excludes models (`modelEnforcement.excludedModels` non-empty); (2) it includes only
//! listed models (`includedModels` without `ALL`), so a model outside the list is not
//! guarded; (3) `inputTags = HONOR`, so only the tagged part of a request is checked;
//! (4) `selectiveContentGuarding.messages = SELECTIVE` (its exact semantics are not
//! documented; reported as such). A configuration without `modelEnforcement` applies to
//! every model. (Organization-policy guardrails are not read yet.)

use serde_json::json;

use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct EnforcedGuardrailBypassable;

impl Check for EnforcedGuardrailBypassable {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let read = acct.regions_reading(|d| d.bedrock.as_ref()?.enforced_guardrails.as_deref());
            for (region, configs) in read {
                let configs =
                    match configs {
                        Ok(c) => c,
                        Err(why) => {
                            out.push(cx.unread_region(acct, region, why, "bedrock", format!(
                            "Enforced guardrail configurations in {region} could not be listed."
                        )));
                            continue;
                        }
                    };
                for c in configs {
                    let resource = c
                        .config_id
                        .clone()
                        .unwrap_or_else(|| c.guardrail_identifier.clone());
                    let at = acct.at(Some(region), resource);
                    let mut gaps = Vec::new();
                    if let Some(ex) = c.excluded_models.as_ref().filter(|e| !e.is_empty()) {
                        gaps.push(format!("it excludes {}", ex.join(", ")));
                    }
                    if let Some(inc) = &c.included_models
                        && !inc.is_empty()
                        && !inc.iter().any(|m| m.eq_ignore_ascii_case("ALL"))
                    {
                        gaps.push(format!("it covers only {}", inc.join(", ")));
                    }
                    if c.input_tags
                        .as_deref()
                        .is_some_and(|t| t.eq_ignore_ascii_case("HONOR"))
                    {
                        gaps.push("it honours input tags, so only the tagged part of a request is checked".into());
                    }
                    if c.selective_messages
                        .as_deref()
                        .is_some_and(|t| t.eq_ignore_ascii_case("SELECTIVE"))
                    {
                        gaps.push("it guards messages selectively".into());
                    }
                    let ev = json!({
                        "guardrail": c.guardrail_identifier,
                        "version": c.version,
                        "config_id": c.config_id,
                        "included_models": c.included_models,
                        "excluded_models": c.excluded_models,
                        "input_tags": c.input_tags,
                        "selective_messages": c.selective_messages,
                    });
                    let what = format!(
                        "The enforced guardrail configuration on {}",
                        c.guardrail_identifier
                    );
                    if gaps.is_empty() {
                        out.push(
                            at.pass(format!(
                                "{what} applies to every model and the whole request."
                            ))
                            .evidence(ev),
                        );
                    } else {
                        out.push(
                            at.fail(format!("{what} can be bypassed: {}.", gaps.join("; ")))
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
    fn excluded_models_fail_all_models_pass() {
        let e = |id: &str, excluded: Vec<String>| EnforcedGuardrail {
            guardrail_identifier: format!("arn:aws:bedrock:us-east-1:{ACCOUNT}:guardrail/g1"),
            version: Some("1".into()),
            config_id: Some(id.into()),
            included_models: Some(vec!["ALL".into()]),
            excluded_models: Some(excluded),
            ..EnforcedGuardrail::default()
        };
        let snap = one_region(RegionData {
            bedrock: Some(Bedrock {
                enforced_guardrails: Some(vec![
                    e("cfg-ok", vec![]),
                    e("cfg-bad", vec!["anthropic.claude".into()]),
                ]),
                ..Bedrock::all_read()
            }),
            ..RegionData::all_read()
        });
        let f = run("GRD-013", &snap);
        assert_eq!(status_of(&f, "cfg-ok"), Status::Pass);
        assert_eq!(status_of(&f, "cfg-bad"), Status::Fail);
    }
}
