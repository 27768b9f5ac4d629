//! C5 Guardrails: prompt-injection and PII defence.
//!
//! One file per check; shared helpers below.

pub mod agent_guardrail_missing;
pub mod automated_reasoning_missing;
pub mod enforced_guardrail_bypassable;
pub mod flow_node_guardrail_missing;
pub mod guardrail_content_filters_weak;
pub mod guardrail_denied_topics_missing;
pub mod guardrail_detect_only;
pub mod guardrail_grounding_off;
pub mod guardrail_missing;
pub mod guardrail_not_enforced;
pub mod guardrail_pii_off;
pub mod guardrail_prompt_attack_weak;
pub mod guardrail_unversioned;
pub mod org_guardrail_policy_missing;
pub mod org_guardrail_policy_unusable;

use serde_json::{Value, json};

use crate::checks::Subject;
use crate::checks::context::AccountView;
use crate::checks::{Draft, EvalContext};
use crate::model::{Guardrail, RegionData};

pub use crate::checks::logging::active_reasons;

/// A guardrail version in use in a Region, and why it counts as in use.
#[derive(Debug)]
pub(crate) struct InUse<'a> {
    pub guardrail: &'a Guardrail,
    /// `DRAFT` or a version number.
    pub version: String,
    /// That version's configuration; `None` when it was not read.
    pub config: Option<&'a Guardrail>,
    pub why: String,
}

fn names(g: &Guardrail, identifier: &str) -> bool {
    identifier == g.id
        || identifier == g.arn
        || identifier
            .rsplit_once('/')
            .is_some_and(|(_, id)| id == g.id && identifier.contains(":guardrail/"))
}

/// The guardrail versions in use in `region` (CATALOGUE-2 "Guardrail in use"): those an
/// enforced configuration, an agent (draft or routed version) or a flow node names. With
/// none named in the Region, every guardrail there counts at its newest published version,
/// or at DRAFT when it has none. One entry per guardrail and version.
pub(crate) fn in_use<'a>(data: &'a RegionData) -> Vec<InUse<'a>> {
    let Some(guardrails) = data.bedrock.as_ref().and_then(|b| b.guardrails.as_ref()) else {
        return Vec::new();
    };
    let mut refs: Vec<(String, String, String)> = Vec::new();
    for e in data
        .bedrock
        .iter()
        .flat_map(|b| b.enforced_guardrails.iter().flatten())
    {
        let v = e.version.clone().unwrap_or_else(|| "DRAFT".into());
        refs.push((
            e.guardrail_identifier.clone(),
            v,
            "an account-level enforced guardrail".into(),
        ));
    }
    if let Some(a) = &data.agents {
        for agent in a.agents.iter().flatten() {
            let routed = agent
                .routed_versions
                .iter()
                .flatten()
                .map(|v| v.guardrail.as_ref());
            for g in std::iter::once(agent.guardrail.as_ref())
                .chain(routed)
                .flatten()
            {
                let v = g.version.clone().unwrap_or_else(|| "DRAFT".into());
                refs.push((g.identifier.clone(), v, format!("agent {}", agent.name)));
            }
        }
        for f in a.flows.iter().flatten() {
            let versions = f
                .routed_versions
                .iter()
                .flatten()
                .flat_map(|v| v.nodes.iter());
            for n in f.draft_nodes.iter().flatten().chain(versions) {
                if let Some(g) = &n.guardrail {
                    let v = g.version.clone().unwrap_or_else(|| "DRAFT".into());
                    refs.push((g.identifier.clone(), v, format!("flow {}", f.name)));
                }
            }
        }
    }
    let config_of = |g: &'a Guardrail, version: &str| -> Option<&'a Guardrail> {
        if version.eq_ignore_ascii_case("DRAFT") {
            g.detail_collected.then_some(g)
        } else {
            g.version_details
                .iter()
                .find(|d| d.version.as_deref() == Some(version))
        }
    };
    let mut out: Vec<InUse<'a>> = Vec::new();
    let mut list: Vec<&Guardrail> = guardrails.iter().collect();
    list.sort_by(|a, b| a.arn.cmp(&b.arn));
    for g in list {
        if refs.is_empty() {
            let version = g.versions.last().cloned().unwrap_or_else(|| "DRAFT".into());
            out.push(InUse {
                guardrail: g,
                config: config_of(g, &version),
                why: "no guardrail is named in the Region, so each counts at its newest version"
                    .into(),
                version,
            });
            continue;
        }
        for (id, version, why) in &refs {
            if !names(g, id) {
                continue;
            }
            match out
                .iter_mut()
                .find(|u| std::ptr::eq(u.guardrail, g) && &u.version == version)
            {
                Some(u) => {
                    if !u.why.contains(why.as_str()) {
                        u.why = format!("{}, {why}", u.why);
                    }
                }
                None => out.push(InUse {
                    guardrail: g,
                    version: version.clone(),
                    config: config_of(g, version),
                    why: format!("named by {why}"),
                }),
            }
        }
    }
    out
}

/// The guardrails of `uses`, each with its versions in use, in the order first used.
pub(crate) fn by_guardrail<'a, 'u>(
    uses: &'u [InUse<'a>],
) -> Vec<(&'a Guardrail, Vec<&'u InUse<'a>>)> {
    let mut out: Vec<(&'a Guardrail, Vec<&'u InUse<'a>>)> = Vec::new();
    for u in uses {
        match out.iter_mut().find(|(g, _)| std::ptr::eq(*g, u.guardrail)) {
            Some((_, vs)) => vs.push(u),
            None => out.push((u.guardrail, vec![u])),
        }
    }
    out
}

/// Whether an account-level enforced guardrail configuration covers `region`.
pub(crate) fn enforced_in(acct: &AccountView<'_>, region: &str) -> bool {
    acct.account
        .regions
        .get(region)
        .and_then(|d| d.bedrock.as_ref()?.enforced_guardrails.as_ref())
        .is_some_and(|e| !e.is_empty())
}

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
