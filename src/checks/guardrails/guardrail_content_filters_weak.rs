//! GRD-010: a guardrail in use filters harmful content too weakly.
//!
//! For every guardrail version in use (see [`super::in_use`]): each of HATE, INSULTS,
//! SEXUAL, VIOLENCE and MISCONDUCT must be a content filter with input and output strength
//! at least the floor (`[guardrails] content_filter_floor`, default MEDIUM) and not turned
//! off (`inputEnabled`/`outputEnabled` false); and, with `require_word_filter` (default
//! true), the guardrail must filter words (the PROFANITY managed list or custom words). A
//! version whose configuration was not read is unknown.

use serde_json::json;

use super::{by_guardrail, in_use};
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct GuardrailContentFiltersWeak;

const CATEGORIES: [&str; 5] = ["HATE", "INSULTS", "SEXUAL", "VIOLENCE", "MISCONDUCT"];

fn rank(strength: &str) -> u8 {
    match strength.to_ascii_uppercase().as_str() {
        "LOW" => 1,
        "MEDIUM" => 2,
        "HIGH" => 3,
        _ => 0,
    }
}

impl Check for GuardrailContentFiltersWeak {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let floor = cx.config.content_filter_floor.as_str();
        let mut out = Vec::new();
        for acct in &cx.accounts {
            for (region, data) in &acct.account.regions {
                let uses = in_use(data);
                for (g, versions_in_use) in by_guardrail(&uses) {
                    let at = acct.at(Some(region), &g.arn);
                    let mut gaps = Vec::new();
                    let mut unread = Vec::new();
                    let mut versions = Vec::new();
                    for u in versions_in_use {
                        let Some(c) = u.config else {
                            unread.push(u.version.clone());
                            continue;
                        };
                        let mut weak = Vec::new();
                        for cat in CATEGORIES {
                            match c
                                .content_filters
                                .iter()
                                .find(|f| f.kind.eq_ignore_ascii_case(cat))
                            {
                                None => weak.push(format!("no {cat} filter")),
                                Some(f) => {
                                    if f.input_enabled == Some(false)
                                        || f.output_enabled == Some(false)
                                    {
                                        weak.push(format!("{cat} turned off on one side"));
                                    } else if rank(&f.input_strength) < rank(floor)
                                        || rank(&f.output_strength) < rank(floor)
                                    {
                                        weak.push(format!(
                                            "{cat} at {}/{} (floor {floor})",
                                            f.input_strength, f.output_strength
                                        ));
                                    }
                                }
                            }
                        }
                        if cx.config.require_word_filter && c.word_filters == 0 {
                            weak.push("no word filter (profanity list or custom words)".into());
                        }
                        versions.push(json!({"version": u.version, "in_use": u.why, "tier": c.content_tier, "gaps": weak}));
                        gaps.extend(
                            weak.into_iter()
                                .map(|w| format!("version {}: {w}", u.version)),
                        );
                    }
                    let ev =
                        json!({"versions": versions, "unread_versions": unread, "floor": floor});
                    let what = format!("Guardrail {} ({})", g.name, g.id);
                    if !gaps.is_empty() {
                        out.push(
                            at.fail(format!(
                                "{what} lets harmful content through: {}.",
                                gaps.join("; ")
                            ))
                            .evidence(ev),
                        );
                    } else if !unread.is_empty() {
                        let ev = cx.with_gaps(ev, at.account, at.region, "bedrock");
                        out.push(at.unknown(format!("{what}: the configuration of version(s) {} in use could not be read.", unread.join(", "))).evidence(ev));
                    } else {
                        out.push(at.pass(format!("{what} filters hate, insults, sexual content, violence and misconduct at {floor} or above, and words.")).evidence(ev));
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

    fn filter(kind: &str, strength: &str) -> ContentFilter {
        ContentFilter {
            kind: kind.into(),
            input_strength: strength.into(),
            output_strength: strength.into(),
            ..ContentFilter::default()
        }
    }

    #[test]
    fn weak_or_missing_categories_fail_full_set_passes() {
        let g = |id: &str, strength: &str, words: u32| Guardrail {
            id: id.into(),
            arn: format!("arn:aws:bedrock:us-east-1:{ACCOUNT}:guardrail/{id}"),
            name: id.into(),
            content_filters: ["HATE", "INSULTS", "SEXUAL", "VIOLENCE", "MISCONDUCT"]
                .iter()
                .map(|k| filter(k, strength))
                .collect(),
            word_filters: words,
            detail_collected: true,
            ..Guardrail::default()
        };
        let snap = one_region(RegionData {
            bedrock: Some(Bedrock {
                guardrails: Some(vec![
                    g("strong", "HIGH", 1),
                    g("weak", "LOW", 1),
                    g("nowords", "HIGH", 0),
                ]),
                ..Bedrock::all_read()
            }),
            ..RegionData::all_read()
        });
        let f = run("GRD-010", &snap);
        assert_eq!(status_of(&f, "guardrail/strong"), Status::Pass);
        assert_eq!(status_of(&f, "guardrail/weak"), Status::Fail);
        assert_eq!(status_of(&f, "guardrail/nowords"), Status::Fail);
    }
}
