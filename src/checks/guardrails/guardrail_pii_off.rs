//! GRD-002: no guardrail of a Region blocks or anonymises every required PII type
//! (`guardrails.required_pii_types`, default EMAIL, PHONE, US_BANK_ACCOUNT_NUMBER).
//!
//! One finding per Region that has guardrails, pointing at the best guardrail. A Region
//! without guardrails gets nothing here: GRD-001 already fails it.

use serde_json::json;

use super::{region_guardrails, unlisted_draft};
use crate::checks::Subject;
use crate::checks::{Check, Draft, EvalContext};
use crate::model::Guardrail;

#[derive(Debug)]
pub struct GuardrailPiiOff;

/// The required types the guardrail blocks or anonymises.
fn covered<'a>(g: &Guardrail, required: &'a [String]) -> Vec<&'a str> {
    required
        .iter()
        .filter(|t| {
            g.pii_entities.iter().any(|e| {
                e.kind.eq_ignore_ascii_case(t)
                    && (e.action.eq_ignore_ascii_case("BLOCK")
                        || e.action.eq_ignore_ascii_case("ANONYMIZE"))
            })
        })
        .map(String::as_str)
        .collect()
}

impl Check for GuardrailPiiOff {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let required = &cx.config.required_pii_types;
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            for (region, data) in &acct.account.regions {
                let Some(list) = region_guardrails(data) else {
                    if acct.is_active(region) {
                        out.push(unlisted_draft(cx, acct, region, "PII protection"));
                    }
                    continue;
                };
                if list.is_empty() {
                    continue;
                }
                let detailed: Vec<(&Guardrail, Vec<&str>)> = list
                    .iter()
                    .filter(|g| g.detail_collected)
                    .map(|g| (*g, covered(g, required)))
                    .collect();
                let undetailed: Vec<&str> = list
                    .iter()
                    .filter(|g| !g.detail_collected)
                    .map(|g| g.arn.as_str())
                    .collect();
                let coverage: Vec<_> = detailed
                    .iter()
                    .map(|(g, c)| {
                        json!({
                            "guardrail": g.arn,
                            "name": g.name,
                            "covers": c,
                            "pii_entities": g.pii_entities.iter().map(|e| json!({"type": e.kind, "action": e.action})).collect::<Vec<_>>(),
                        })
                    })
                    .collect();
                let ev = json!({
                    "required_pii_types": required,
                    "guardrails": coverage,
                    "guardrails_without_detail": undetailed,
                });
                if let Some((g, _)) = detailed.iter().find(|(_, c)| c.len() == required.len()) {
                    out.push(
                        Subject::new(id, Some(region), g.arn.clone())
                            .pass(format!(
                                "Guardrail {} blocks or anonymises every required PII type ({}).",
                                g.name,
                                required.join(", ")
                            ))
                            .evidence(ev),
                    );
                    continue;
                }
                if !undetailed.is_empty() {
                    let mut ev = ev;
                    ev["gaps"] = cx.gap_evidence(id, Some(region), "bedrock")["gaps"].clone();
                    out.push(
                        Subject::new(id, Some(region), acct.root_arn()).unknown(format!(
                                "No readable guardrail in {region} of account {id} covers every required PII type, and {} guardrail(s) could not be read.",
                                undetailed.len()
                            ))
                        .evidence(ev),
                    );
                    continue;
                }
                // The best guardrail: most types covered, then first by ARN.
                let best = detailed.iter().max_by(|a, b| {
                    a.1.len()
                        .cmp(&b.1.len())
                        .then_with(|| b.0.arn.cmp(&a.0.arn))
                });
                if let Some((g, c)) = best {
                    let missing: Vec<&str> = required
                        .iter()
                        .map(String::as_str)
                        .filter(|t| !c.contains(t))
                        .collect();
                    let mut ev = ev;
                    ev["missing_in_best"] = json!(missing);
                    out.push(
                        Subject::new(id, Some(region), g.arn.clone()).fail(format!(
                                "No guardrail in {region} blocks or anonymises all required PII types; the closest, {}, misses {}.",
                                g.name,
                                missing.join(", ")
                            ))
                        .evidence(ev),
                    );
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::logging::fixtures::*;
    use crate::checks::testutil::*;
    use crate::model::{Guardrail, PiiEntity};

    fn pii(types: &[(&str, &str)]) -> Vec<PiiEntity> {
        types
            .iter()
            .map(|(t, a)| PiiEntity {
                kind: t.to_string(),
                action: a.to_string(),
            })
            .collect()
    }

    fn snap(gs: Vec<Guardrail>) -> crate::model::Snapshot {
        let mut a = account(ACCOUNT);
        bedrock(&mut a, REGION).guardrails = Some(gs);
        snapshot(vec![a])
    }

    #[test]
    fn full_coverage_passes_on_that_guardrail() {
        let mut weak = guardrail(ACCOUNT, REGION, "a-weak");
        weak.pii_entities = pii(&[("EMAIL", "BLOCK")]);
        let mut good = guardrail(ACCOUNT, REGION, "b-good");
        good.pii_entities = pii(&[
            ("EMAIL", "ANONYMIZE"),
            ("PHONE", "BLOCK"),
            ("US_BANK_ACCOUNT_NUMBER", "BLOCK"),
        ]);
        let f = run("GRD-002", &snap(vec![weak, good]));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Pass);
        assert!(f[0].resource.ends_with("guardrail/b-good"));
    }

    #[test]
    fn partial_coverage_fails_naming_missing_types() {
        let mut g = guardrail(ACCOUNT, REGION, "g1");
        g.pii_entities = pii(&[("EMAIL", "BLOCK"), ("PHONE", "NONE")]);
        let f = run("GRD-002", &snap(vec![g]));
        assert_eq!(f[0].status, Status::Fail);
        assert!(f[0].resource.ends_with("guardrail/g1"));
        assert!(
            f[0].message.contains("PHONE, US_BANK_ACCOUNT_NUMBER"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn no_guardrail_is_left_to_grd_001() {
        assert!(run("GRD-002", &snap(vec![])).is_empty());
    }

    #[test]
    fn unreadable_guardrail_is_unknown() {
        let mut g = guardrail(ACCOUNT, REGION, "g1");
        g.detail_collected = false;
        let f = run("GRD-002", &snap(vec![g]));
        assert_eq!(f[0].status, Status::Unknown);
    }
}
