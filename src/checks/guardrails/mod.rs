//! C5 Guardrails: prompt-injection and PII defence.
//!
//! One file per check; shared helpers below.

pub mod guardrail_denied_topics_missing;
pub mod guardrail_grounding_off;
pub mod guardrail_missing;
pub mod guardrail_not_enforced;
pub mod guardrail_pii_off;
pub mod guardrail_prompt_attack_weak;
pub mod guardrail_unversioned;

use serde_json::{Value, json};

use crate::checks::Subject;
use crate::checks::context::AccountView;
use crate::checks::{Draft, EvalContext};
use crate::model::{Guardrail, RegionData};

pub use crate::checks::logging::active_reasons;

/// The guardrails of a Region, sorted by ARN; `None` when they could not be listed
/// (or Bedrock could not be read at all).
pub fn region_guardrails(data: &RegionData) -> Option<Vec<&Guardrail>> {
    let list = data.bedrock.as_ref()?.guardrails.as_ref()?;
    let mut v: Vec<&Guardrail> = list.iter().collect();
    v.sort_by(|a, b| a.arn.cmp(&b.arn));
    Some(v)
}

/// An `unknown` for an active Region whose guardrails could not be listed (per-guardrail
/// checks have nothing to point at, so it names the account and the Region).
pub fn unlisted_draft(
    cx: &EvalContext<'_>,
    acct: &AccountView<'_>,
    region: &str,
    what: &str,
) -> Draft {
    let id = &acct.account.id;
    let mut ev = cx.gap_evidence(id, Some(region), "bedrock");
    ev["active_region_reasons"] = active_reasons(acct, region);
    Subject::new(id, Some(region), acct.root_arn())
        .unknown(format!(
            "Guardrails of {region} in account {id} could not be listed, so {what} is not known."
        ))
        .evidence(ev)
}

/// An `unknown` for a guardrail whose details could not be read.
pub fn no_detail_draft(
    cx: &EvalContext<'_>,
    acct: &AccountView<'_>,
    region: &str,
    g: &Guardrail,
    what: &str,
) -> Draft {
    let id = &acct.account.id;
    let mut ev = cx.gap_evidence(id, Some(region), "bedrock");
    ev["guardrail"] = guardrail_ref(g);
    Subject::new(id, Some(region), g.arn.clone())
        .unknown(format!(
            "The configuration of guardrail {} could not be read, so {what} is not known.",
            g.name
        ))
        .evidence(ev)
}

/// How a guardrail is named in evidence.
pub fn guardrail_ref(g: &Guardrail) -> Value {
    json!({"id": g.id, "name": g.name, "arn": g.arn, "versions": g.versions})
}

/// Run `f` over every guardrail of the account, Region by Region; active Regions whose
/// guardrails could not be listed get one `unknown`, and guardrails without details one
/// `unknown` each.
pub fn per_guardrail(
    cx: &EvalContext<'_>,
    what: &str,
    mut f: impl FnMut(&AccountView<'_>, &str, &Guardrail) -> Draft,
) -> Vec<Draft> {
    let mut out = Vec::new();
    for acct in &cx.accounts {
        for (region, data) in &acct.account.regions {
            match region_guardrails(data) {
                None => {
                    if acct.is_active(region) {
                        out.push(unlisted_draft(cx, acct, region, what));
                    }
                }
                Some(list) => {
                    for g in list {
                        if g.detail_collected {
                            out.push(f(acct, region, g));
                        } else {
                            out.push(no_detail_draft(cx, acct, region, g, what));
                        }
                    }
                }
            }
        }
    }
    out
}
