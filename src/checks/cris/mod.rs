//! Checks of this control, one file per check.
//!
//! Shared here: which inference profiles an account can use, their destination Regions,
//! the account's residency requirement, and the per-destination SCP decision that
//! CRI-001, CRI-002 and `perimeter cris explain` report.

pub mod cris_iam_incomplete;
pub mod explain;
pub mod geographies;
pub mod global_cris_blocked;
pub mod guardrail_tier_cross_region;
pub mod residency_breach;
pub mod scp_blocks_cris;

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::checks::EvalContext;
use crate::checks::context::{AccountView, PrincipalView};
use crate::checks::iam::{PROBE_MODEL_ID, fm_arn, scope_regions};
use crate::model::ScpLevel;
use crate::policy::{Context, Labeled, RegionVerdict, ResourceSpec, scp_denied_regions};

pub use geographies::Geographies;

/// The Region value a global cross-Region inference call carries.
pub const UNSPECIFIED: &str = "unspecified";

/// An inference profile an account can use: listed by the API, named in its policies,
/// or both.
#[derive(Debug, Clone, PartialEq)]
pub struct UsableProfile {
    pub arn: String,
    pub id: String,
    /// The Region in the profile ARN (where calls originate).
    pub source_region: Option<String>,
    /// `SYSTEM_DEFINED`, `APPLICATION`, or `NAMED` (only seen in a policy).
    pub kind: String,
    /// The geography prefix (`us`, `eu`, `global`, ...), if the id has a known one.
    pub geography: Option<String>,
    /// `models[].modelArn` from the API.
    pub models: Vec<String>,
    /// Why perimeter considers it usable.
    pub origin: Vec<String>,
}

impl UsableProfile {
    pub fn is_global(&self) -> bool {
        self.geography.as_deref() == Some(geographies::GLOBAL)
    }

    /// The foundation-model id the profile serves: from `models[]`, else the id without
    /// its geography prefix.
    pub fn model_id(&self) -> Option<String> {
        if let Some(m) = self.models.iter().find_map(|a| {
            a.split_once("foundation-model/")
                .map(|(_, id)| id.to_string())
        }) {
            return Some(m);
        }
        match &self.geography {
            Some(g) => self.id.strip_prefix(&format!("{g}.")).map(str::to_string),
            None => None,
        }
    }
}

/// One destination Region and where perimeter learned it.
#[derive(Debug, Clone, PartialEq)]
pub struct Destination {
    pub region: String,
    pub sources: Vec<String>,
}

fn region_of_arn(arn: &str) -> Option<String> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    (parts.len() == 6 && !parts[3].is_empty()).then(|| parts[3].to_string())
}

fn profile_id_of_arn(arn: &str) -> Option<&str> {
    arn.split_once(":inference-profile/")
        .or_else(|| arn.split_once(":application-inference-profile/"))
        .map(|(_, id)| id)
}

/// The profiles an account can use: those `ListInferenceProfiles` returned in each
/// Region, plus the profile ARNs named in its identity policies (resources and
/// `bedrock:InferenceProfileArn` condition values). Sorted by ARN.
pub fn usable_profiles(cx: &EvalContext<'_>, acct: &AccountView<'_>) -> Vec<UsableProfile> {
    let geos = Geographies::new(cx.config);
    let mut by_arn: BTreeMap<String, UsableProfile> = BTreeMap::new();
    for (region, data) in &acct.account.regions {
        let Some(list) = data
            .bedrock
            .as_ref()
            .and_then(|b| b.inference_profiles.as_ref())
        else {
            continue;
        };
        for p in list {
            let e = by_arn
                .entry(p.arn.clone())
                .or_insert_with(|| UsableProfile {
                    arn: p.arn.clone(),
                    id: p.id.clone(),
                    source_region: region_of_arn(&p.arn).or_else(|| Some(region.clone())),
                    kind: p.kind.clone(),
                    geography: geos.of_profile_id(&p.id).map(str::to_string),
                    models: p.models.clone(),
                    origin: Vec::new(),
                });
            e.origin
                .push(format!("listed by ListInferenceProfiles in {region}"));
        }
    }
    let regions = scope_regions(cx, acct);
    for pr in &acct.principals {
        for n in &pr.identity {
            for st in n.policy.statements() {
                if st.effect != crate::policy::Effect::Allow {
                    continue;
                }
                let mut raws: Vec<String> = Vec::new();
                if let Some(ResourceSpec::Resource(pats)) = &st.resource {
                    raws.extend(pats.iter().map(|p| p.raw.clone()));
                }
                for c in &st.condition {
                    if c.key.eq_ignore_ascii_case("bedrock:InferenceProfileArn") {
                        raws.extend(c.values.iter().map(|v| v.raw.clone()));
                    }
                }
                for raw in raws {
                    let Some(id) = profile_id_of_arn(&raw) else {
                        continue;
                    };
                    if id.is_empty() || id.contains(['*', '?', '$']) {
                        continue;
                    }
                    let parts: Vec<&str> = raw.splitn(6, ':').collect();
                    if parts.len() != 6 || parts[0] != "arn" {
                        continue;
                    }
                    let geo = geos.of_profile_id(id).map(str::to_string);
                    let account = if parts[4].contains(['*', '?']) {
                        acct.account.id.as_str()
                    } else {
                        parts[4]
                    };
                    let partition = if parts[1].contains(['*', '?']) {
                        acct.partition.as_str()
                    } else {
                        parts[1]
                    };
                    let kind_seg = if raw.contains(":application-inference-profile/") {
                        "application-inference-profile"
                    } else {
                        "inference-profile"
                    };
                    let rs: Vec<String> = if parts[3].contains(['*', '?']) || parts[3].is_empty() {
                        // the same id listed by the API covers it
                        if by_arn.values().any(|p| p.id == id) {
                            for p in by_arn.values_mut().filter(|p| p.id == id) {
                                let why = format!("named by {}", n.label);
                                if !p.origin.contains(&why) {
                                    p.origin.push(why);
                                }
                            }
                            continue;
                        }
                        regions
                            .iter()
                            .filter(|r| {
                                crate::policy::wildcard_match(parts[3], r)
                                    && geo.as_deref().is_none_or(|g| geos.contains(g, r))
                            })
                            .cloned()
                            .collect()
                    } else {
                        vec![parts[3].to_string()]
                    };
                    for r in rs {
                        let arn = format!("arn:{partition}:bedrock:{r}:{account}:{kind_seg}/{id}");
                        let key = by_arn
                            .values()
                            .find(|p| p.id == id && p.source_region.as_deref() == Some(r.as_str()))
                            .map(|p| p.arn.clone())
                            .unwrap_or(arn.clone());
                        let e = by_arn.entry(key).or_insert_with(|| UsableProfile {
                            arn: arn.clone(),
                            id: id.to_string(),
                            source_region: Some(r.clone()),
                            kind: "NAMED".into(),
                            geography: geo.clone(),
                            models: Vec::new(),
                            origin: Vec::new(),
                        });
                        let why = format!("named by {}", n.label);
                        if !e.origin.contains(&why) {
                            e.origin.push(why);
                        }
                    }
                }
            }
        }
    }
    by_arn.into_values().collect()
}

/// The most `models[]` entries `GetInferenceProfile`/`ListInferenceProfiles` return for a
/// profile (botocore's service model: 1 to 5).
pub const MODELS_CAP: usize = 5;

/// Destination Regions of a profile: the Regions of its `models[]` ARNs where the API
/// lists them (they decide), else the geography table's row (each destination then says
/// it came from the table), else the profile's own Region. Empty for global profiles
/// (they use `unspecified`).
pub fn destinations(geos: &Geographies, p: &UsableProfile) -> Vec<Destination> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if p.is_global() {
        return Vec::new();
    }
    for m in &p.models {
        if let Some(r) = region_of_arn(m) {
            out.entry(r)
                .or_default()
                .push("models[] of the profile".to_string());
        }
    }
    // The API's list decides, unless it is as long as the API ever makes it: then the
    // rest of the destinations may be missing from it, and the table fills them in.
    let capped = p.models.len() >= MODELS_CAP;
    if (out.is_empty() || capped)
        && let Some(g) = &p.geography
        && let Some(rs) = geos.regions(g)
    {
        let why = if capped {
            format!(
                "{} (models[] lists {MODELS_CAP} entries, the API's maximum, so it may be incomplete)",
                geos.source(g)
            )
        } else {
            geos.source(g)
        };
        for r in rs {
            out.entry(r.clone()).or_default().push(why.clone());
        }
    }
    if out.is_empty()
        && let Some(r) = &p.source_region
    {
        out.entry(r.clone())
            .or_default()
            .push("the profile's own Region".to_string());
    }
    out.into_iter()
        .map(|(region, sources)| Destination { region, sources })
        .collect()
}

/// The account's residency requirement (a geography) and where it comes from: the config
/// by account id, then by OU id or name (nearest OU first), then the account's
/// data-residency tag.
pub fn residency(cx: &EvalContext<'_>, acct: &AccountView<'_>) -> Option<(String, String)> {
    let a = acct.account;
    if let Some(g) = cx.config.residency.get(&a.id) {
        return Some((
            g.to_lowercase(),
            format!("perimeter.toml [residency] {}", a.id),
        ));
    }
    for ou in a.ou_path.iter().rev() {
        for key in [&ou.id, &ou.name] {
            if let Some(g) = cx.config.residency.get(key.as_str()) {
                return Some((
                    g.to_lowercase(),
                    format!("perimeter.toml [residency] {key}"),
                ));
            }
        }
    }
    let tag = &cx.config.tags.data_residency;
    let tags = a.tags.get(tag).cloned().or_else(|| {
        cx.snapshot
            .organization
            .as_ref()
            .and_then(|o| o.accounts.iter().find(|x| x.id == a.id))
            .and_then(|x| x.tags.get(tag).cloned())
    });
    tags.filter(|v| !v.trim().is_empty())
        .map(|v| (v.trim().to_lowercase(), format!("account tag {tag}")))
}

/// The SCP that decided a denied hop.
#[derive(Debug, Clone, PartialEq)]
pub struct Blocker {
    pub scp_id: String,
    pub scp_name: String,
    pub level: usize,
    pub target_kind: String,
    pub target_id: String,
    pub target_name: String,
    pub statement: Option<usize>,
    pub sid: Option<String>,
    /// `Deny` (an explicit deny) or `ImplicitDeny` (no statement at that level allows).
    pub effect: String,
    pub control_tower: bool,
}

impl Blocker {
    pub fn to_json(&self) -> Value {
        json!({
            "scp_id": self.scp_id,
            "scp_name": self.scp_name,
            "level": self.level,
            "target_kind": self.target_kind,
            "target_id": self.target_id,
            "target_name": self.target_name,
            "statement": self.statement,
            "sid": self.sid,
            "effect": self.effect,
            "control_tower_managed": self.control_tower,
        })
    }

    /// `SCP aws-guardrails-x (p-1) at ou Sandbox (ou-1), statement 0 (Sid GRREGIONDENY)`.
    pub fn describe(&self) -> String {
        let st = match (&self.statement, &self.sid) {
            (Some(i), Some(s)) => format!(", statement {i} (Sid {s})"),
            (Some(i), None) => format!(", statement {i}"),
            (None, _) => ", no statement allows it".to_string(),
        };
        format!(
            "SCP {} ({}) at {} {} ({}){st}",
            self.scp_name, self.scp_id, self.target_kind, self.target_name, self.target_id
        )
    }
}

/// True for SCPs AWS Control Tower manages: the landing-zone Region deny (GRREGIONDENY),
/// `aws-guardrails-*` policies and the CT.MULTISERVICE.PV.1 OU control.
pub fn looks_control_tower(name: &str, sid: Option<&str>) -> bool {
    let n = name.to_ascii_lowercase();
    let s = sid.unwrap_or("").to_ascii_uppercase();
    n.starts_with("aws-guardrails-")
        || n.contains("grregiondeny")
        || n.contains("multiservice.pv.1")
        || n.contains("multiservicepv1")
        || s.contains("GRREGIONDENY")
        || s.contains("MULTISERVICE")
        || s.contains("CTMULTISERVICEPV1")
}

/// One destination hop through the SCP chain.
#[derive(Debug, Clone)]
pub struct Hop {
    /// The destination Region, or `unspecified` for the Region-less global hop.
    pub region: String,
    pub resource: String,
    pub sources: Vec<String>,
    pub verdict: RegionVerdict,
    pub blocker: Option<Blocker>,
}

impl Hop {
    pub fn to_json(&self) -> Value {
        json!({
            "region": self.region,
            "resource": self.resource,
            "sources": self.sources,
            "decision": self.verdict.effect.as_str(),
            "denied": self.verdict.denied,
            "blocked_by": self.blocker.as_ref().map(Blocker::to_json),
            "reasons": self.verdict.reasons,
        })
    }
}

/// The SCP chain as engine input; `None` when the account is not governed or is the
/// management account.
pub fn scp_levels<'a>(
    cx: &EvalContext<'_>,
    acct: &'a AccountView<'_>,
) -> Option<Vec<Vec<Labeled<'a>>>> {
    crate::checks::iam::scp_levels(cx, acct)
}

fn blocker_of(levels: Option<&Vec<ScpLevel>>, v: &RegionVerdict) -> Option<Blocker> {
    if !v.denied {
        return None;
    }
    let level = v.level?;
    let layer = format!("scp level {level}");
    let reason = v
        .reasons
        .iter()
        .find(|r| r.layer == layer && r.effect == "Deny")
        .or_else(|| v.reasons.iter().find(|r| r.layer == layer))?;
    let lv = levels.and_then(|l| l.get(level));
    let scp = lv.and_then(|l| {
        l.policies
            .iter()
            .find(|p| reason.policy.starts_with(&format!("scp:{} (", p.id)))
    });
    let (scp_id, scp_name) = match scp {
        Some(p) => (p.id.clone(), p.name.clone()),
        None => (reason.policy.clone(), reason.policy.clone()),
    };
    Some(Blocker {
        control_tower: looks_control_tower(&scp_name, reason.sid.as_deref()),
        scp_id,
        scp_name,
        level,
        target_kind: lv.map(|l| l.kind.clone()).unwrap_or_default(),
        target_id: lv.map(|l| l.target_id.clone()).unwrap_or_default(),
        target_name: lv.map(|l| l.target_name.clone()).unwrap_or_default(),
        statement: reason.statement,
        sid: reason.sid.clone(),
        effect: if reason.effect == "Deny" {
            "Deny".to_string()
        } else {
            "ImplicitDeny".to_string()
        },
    })
}

/// Evaluates `bedrock:InvokeModel` on the destination foundation-model ARN of each hop
/// of `profile`, with `aws:RequestedRegion` = the destination and
/// `bedrock:InferenceProfileArn` = the profile, through the SCP chain only. A global
/// profile has two hops: its source Region and the Region-less `unspecified` hop.
/// `principal` adds that principal's context (ARN, tags) for SCPs that exempt roles.
pub fn scp_hops(
    cx: &EvalContext<'_>,
    acct: &AccountView<'_>,
    levels: &[Vec<Labeled<'_>>],
    profile: &UsableProfile,
    principal: Option<&PrincipalView>,
) -> Vec<Hop> {
    let geos = Geographies::new(cx.config);
    let model = profile
        .model_id()
        .unwrap_or_else(|| PROBE_MODEL_ID.to_string());
    let mut hops: Vec<(String, Vec<String>)> = if profile.is_global() {
        let mut v = Vec::new();
        if let Some(r) = &profile.source_region {
            v.push((r.clone(), vec!["the profile's source Region".to_string()]));
        }
        v.push((
            UNSPECIFIED.to_string(),
            vec!["global profile: Region-less model ARN".to_string()],
        ));
        v
    } else {
        destinations(&geos, profile)
            .into_iter()
            .map(|d| (d.region, d.sources))
            .collect()
    };
    hops.dedup_by(|a, b| a.0 == b.0);
    let mut ctx = match principal {
        Some(p) => {
            let mut c = cx
                .request(acct, p, "bedrock:InvokeModel", &profile.arn, None)
                .context;
            c.remove("aws:RequestedRegion");
            c
        }
        None => Context::new(),
    };
    ctx.insert("bedrock:InferenceProfileArn", profile.arn.clone());
    let regions: Vec<&str> = hops.iter().map(|(r, _)| r.as_str()).collect();
    let partition = acct.partition.clone();
    let verdicts = scp_denied_regions(
        levels,
        "bedrock:InvokeModel",
        |r| {
            if r == UNSPECIFIED {
                fm_arn(&partition, "", &model)
            } else {
                fm_arn(&partition, r, &model)
            }
        },
        &regions,
        &ctx,
    );
    hops.into_iter()
        .zip(verdicts)
        .map(|((region, sources), verdict)| {
            let resource = if region == UNSPECIFIED {
                fm_arn(&partition, "", &model)
            } else {
                fm_arn(&partition, &region, &model)
            };
            Hop {
                blocker: blocker_of(acct.account.scps.as_ref(), &verdict),
                region,
                resource,
                sources,
                verdict,
            }
        })
        .collect()
}

/// The remediation for blocked hops, following seed 003: the Control Tower routes when
/// the blocking SCP is Control Tower's, otherwise the AWS-documented SCP change.
pub fn fix_for(blocked: &[&Hop], global: bool) -> String {
    let named: Vec<&str> = blocked
        .iter()
        .map(|h| h.region.as_str())
        .filter(|r| *r != UNSPECIFIED)
        .collect();
    let regions = named.join(", ");
    let unspecified = global && blocked.iter().any(|h| h.region == UNSPECIFIED);
    let Some(b) = blocked.iter().find_map(|h| h.blocker.as_ref()) else {
        return "Allow bedrock:InvokeModel for the blocked destinations in the SCP chain."
            .to_string();
    };
    let exempt = "ArnNotLike bedrock:InferenceProfileArn [\"arn:aws:bedrock:*:*:inference-profile/*\", \"arn:aws:bedrock:*:*:application-inference-profile/*\"]";
    let mut parts = Vec::new();
    if b.control_tower {
        parts.push(format!(
            "{} is managed by AWS Control Tower: do not edit it (that causes drift).",
            b.describe()
        ));
        if !named.is_empty() {
            parts.push(format!(
                "Either (1) add {regions} to the governed Regions in the landing-zone settings and enable CT.MULTISERVICE.PV.1 on OU {} ({}) with your allowed Regions, bedrock:Invoke* as an exempted action and the Bedrock role as an exempted principal; or (2) govern {regions} in the landing zone and attach a separate SCP (e.g. through Customizations for Control Tower) that denies {regions} except Bedrock inference through the inference profile.",
                b.target_name, b.target_id
            ));
        }
        if unspecified {
            parts.push(format!(
                "Global profiles are authorised with aws:RequestedRegion = \"unspecified\", which no governed-Region list contains: exempt bedrock:Invoke* through CT.MULTISERVICE.PV.1 on OU {} ({}) (exempted action, with the Bedrock role as exempted principal), or use a geographic profile whose destination Regions you govern.",
                b.target_name, b.target_id
            ));
        }
    } else {
        if !named.is_empty() {
            parts.push(format!(
                "Edit {}: add bedrock:* (or bedrock:InvokeModel*) to the statement's NotAction, or add the condition {exempt} so inference routed through a profile to {regions} is exempt (AWS Knowledge Center: bedrock-access-denied-exception).",
                b.describe()
            ));
        }
        if unspecified {
            parts.push(format!(
                "Edit {}: global profiles call with aws:RequestedRegion = \"unspecified\"; add \"unspecified\" to the allowed Regions of that statement, or exempt profile calls with the condition {exempt} (unless residency rules out global inference).",
                b.describe()
            ));
        }
    }
    parts.join(" ")
}

/// A hop's Region for messages (`unspecified (global)` for the Region-less hop).
pub fn hop_label(region: &str) -> String {
    if region == UNSPECIFIED {
        "\"unspecified\" (global)".to_string()
    } else {
        region.to_string()
    }
}

#[cfg(test)]
pub(crate) mod testkit {
    //! Builders for the CRIS checks' tests.
    pub use crate::checks::iam::testkit::*;
    use crate::model::{Bedrock, InferenceProfile, RegionData};

    pub const HAIKU: &str = "anthropic.claude-3-5-haiku-20241022-v1:0";

    pub fn us_profile() -> InferenceProfile {
        InferenceProfile {
            id: format!("us.{HAIKU}"),
            arn: format!(
                "arn:aws:bedrock:us-east-1:{}:inference-profile/us.{HAIKU}",
                crate::checks::testutil::ACCOUNT
            ),
            name: "US Claude 3.5 Haiku".into(),
            kind: "SYSTEM_DEFINED".into(),
            status: "ACTIVE".into(),
            models: ["us-east-1", "us-east-2", "us-west-2"]
                .iter()
                .map(|r| format!("arn:aws:bedrock:{r}::foundation-model/{HAIKU}"))
                .collect(),
            tags: None,
        }
    }

    pub fn global_profile() -> InferenceProfile {
        InferenceProfile {
            id: format!("global.{HAIKU}"),
            arn: format!(
                "arn:aws:bedrock:us-east-1:{}:inference-profile/global.{HAIKU}",
                crate::checks::testutil::ACCOUNT
            ),
            name: "Global Claude 3.5 Haiku".into(),
            kind: "SYSTEM_DEFINED".into(),
            status: "ACTIVE".into(),
            models: vec![format!("arn:aws:bedrock:::foundation-model/{HAIKU}")],
            tags: None,
        }
    }

    pub fn with_profiles(
        mut a: crate::model::Account,
        region: &str,
        profiles: Vec<InferenceProfile>,
    ) -> crate::model::Account {
        a.regions.insert(
            region.into(),
            RegionData {
                bedrock: Some(Bedrock {
                    inference_profiles: Some(profiles),
                    ..Bedrock::all_read()
                }),
                ..RegionData::all_read()
            },
        );
        a
    }
}

#[cfg(test)]
mod tests {
    use super::testkit::*;
    use super::*;
    use crate::checks::testutil::*;
    use crate::config::Config;

    #[test]
    fn usable_profiles_union_listed_and_named() {
        let pol = serde_json::json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:InvokeModel",
            "Resource":["arn:aws:bedrock:eu-west-1:*:inference-profile/eu.amazon.nova-lite-v1:0"]}]});
        let a = with_profiles(
            with_roles(vec![role("app", pol)]),
            "us-east-1",
            vec![us_profile()],
        );
        let snap = snapshot(vec![a]);
        let cfg = Config::default();
        let cx = EvalContext::new(&snap, &cfg);
        let ps = usable_profiles(&cx, &cx.accounts[0]);
        assert_eq!(ps.len(), 2);
        let eu = ps.iter().find(|p| p.id.starts_with("eu.")).unwrap();
        assert_eq!(eu.kind, "NAMED");
        assert_eq!(eu.model_id().as_deref(), Some("amazon.nova-lite-v1:0"));
        let us = ps.iter().find(|p| p.id.starts_with("us.")).unwrap();
        let d = destinations(&Geographies::new(&cfg), us);
        let rs: Vec<&str> = d.iter().map(|d| d.region.as_str()).collect();
        // The API's models[] list decides; the table is not added to it.
        assert_eq!(rs, ["us-east-1", "us-east-2", "us-west-2"]);
        assert!(d.iter().all(|x| x.sources == ["models[] of the profile"]));
        // A profile the API does not describe takes the table's row, and says so.
        let named = destinations(&Geographies::new(&cfg), eu);
        assert!(named.iter().any(|x| x.region == "il-central-1"));
        assert!(named.iter().all(|x| x.sources[0].contains("table")));
    }

    /// A models[] list as long as the API's maximum may be cut short: the table's row
    /// fills in, and says why.
    #[test]
    fn a_full_models_list_is_completed_from_the_table() {
        let cfg = Config::default();
        let geos = Geographies::new(&cfg);
        let regions = [
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-south-1",
            "ap-southeast-1",
            "ap-southeast-2",
        ];
        let p = UsableProfile {
            id: "apac.anthropic.claude-sonnet-4-20250514-v1:0".into(),
            arn: "arn:aws:bedrock:ap-northeast-1:111122223333:inference-profile/apac.anthropic.claude-sonnet-4-20250514-v1:0".into(),
            kind: "SYSTEM_DEFINED".into(),
            source_region: Some("ap-northeast-1".into()),
            geography: Some("apac".into()),
            models: regions
                .iter()
                .map(|r| format!("arn:aws:bedrock:{r}::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0"))
                .collect(),
            origin: Vec::new(),
        };
        let d = destinations(&geos, &p);
        assert!(
            d.iter()
                .any(|x| x.region == "me-central-1" && x.sources[0].contains("may be incomplete"))
        );
        let mut short = p.clone();
        short.models.truncate(4);
        assert_eq!(
            destinations(&geos, &short).len(),
            4,
            "a list under the cap decides"
        );
    }

    #[test]
    fn residency_from_config_ou_and_tag() {
        let mut a = account(ACCOUNT);
        a.ou_path = vec![crate::model::OuRef {
            id: "ou-eu-1".into(),
            name: "EU".into(),
        }];
        let snap = snapshot(vec![a.clone()]);
        let mut cfg = Config::default();
        cfg.residency.insert("EU".into(), "eu".into());
        let cx = EvalContext::new(&snap, &cfg);
        assert_eq!(residency(&cx, &cx.accounts[0]).unwrap().0, "eu");
        a.ou_path.clear();
        a.tags.insert("data-residency".into(), "AU".into());
        let snap = snapshot(vec![a]);
        let cfg = Config::default();
        let cx = EvalContext::new(&snap, &cfg);
        assert_eq!(residency(&cx, &cx.accounts[0]).unwrap().0, "au");
    }
}
