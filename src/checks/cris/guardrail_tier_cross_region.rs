//! CRI-005 guardrail-tier-cross-region: a STANDARD-tier (cross-Region) guardrail in an
//! account with a residency requirement.

use serde_json::json;

use super::{Geographies, residency};
use crate::checks::Subject;
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct GuardrailTierCrossRegion;

impl Check for GuardrailTierCrossRegion {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        let geos = Geographies::new(cx.config);
        for acct in &cx.accounts {
            let Some((geo, source)) = residency(cx, acct) else {
                continue;
            };
            let id = acct.account.id.as_str();
            for (region, data) in &acct.account.regions {
                let Some(b) = &data.bedrock else { continue };
                let Some(guardrails) = &b.guardrails else {
                    out.push(
                        Subject::new(id, Some(region), acct.root_arn()).unknown(format!(
                            "Account {id} must keep data in {geo}, but the guardrails of {region} could not be listed."))
                        .evidence(cx.gap_evidence(id, Some(region), "bedrock")),
                    );
                    continue;
                };
                for g in guardrails {
                    let at = Subject::new(id, Some(region), &g.arn);
                    let standard = g
                        .content_tier
                        .as_deref()
                        .is_some_and(|t| t.eq_ignore_ascii_case("STANDARD"));
                    let profile_geo = g
                        .cross_region_profile
                        .as_deref()
                        .and_then(|p| p.rsplit('/').next())
                        .and_then(|id| id.split_once('.').map(|(g, _)| g.to_string()));
                    let evidence = json!({
                        "guardrail": g.arn,
                        "content_tier": g.content_tier,
                        "cross_region_profile": g.cross_region_profile,
                        "profile_geography": profile_geo,
                        "profile_within_required_geography": profile_geo.as_deref().map(|pg| pg == geo || geos.regions(pg).is_some_and(|rs| !rs.is_empty() && rs.iter().all(|r| geos.contains(&geo, r)))),
                        "residency": {"geography": geo, "source": source},
                    });
                    if !g.detail_collected
                        && g.content_tier.is_none()
                        && g.cross_region_profile.is_none()
                    {
                        out.push(
                            at.unknown(format!(
                                "The tier of guardrail {} could not be read.",
                                g.name
                            ))
                            .evidence(evidence),
                        );
                    } else if standard || g.cross_region_profile.is_some() {
                        let via = g
                            .cross_region_profile
                            .as_deref()
                            .map(|p| format!(" through guardrail profile {p}"))
                            .unwrap_or_default();
                        out.push(
                            at.fail(format!(
                                "Guardrail {} uses cross-Region processing{via} although account {id} must keep data in {geo}.", g.name))
                            .evidence(evidence),
                        );
                    } else {
                        out.push(
                            at.pass(format!(
                                "Guardrail {} processes content in its own Region (CLASSIC tier, no guardrail profile).", g.name))
                            .evidence(evidence),
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
    use crate::config::Config;
    use crate::model::{Bedrock, Guardrail, RegionData};

    fn gr(name: &str, tier: Option<&str>, profile: Option<&str>) -> Guardrail {
        Guardrail {
            id: name.into(),
            arn: format!("arn:aws:bedrock:eu-west-1:{ACCOUNT}:guardrail/{name}"),
            name: name.into(),
            content_tier: tier.map(str::to_string),
            cross_region_profile: profile.map(str::to_string),
            detail_collected: true,
            ..Guardrail::default()
        }
    }

    #[test]
    fn standard_tier_fails_classic_passes_unlisted_unknown() {
        let mut a = account(ACCOUNT);
        a.regions.insert(
            "eu-west-1".into(),
            RegionData {
                bedrock: Some(Bedrock {
                    guardrails: Some(vec![
                        gr("std", Some("STANDARD"), Some("us.guardrail.v1:0")),
                        gr("classic", Some("CLASSIC"), None),
                    ]),
                    ..Bedrock::all_read()
                }),
                ..RegionData::all_read()
            },
        );
        a.regions.insert(
            "eu-central-1".into(),
            RegionData {
                bedrock: Some(Bedrock::default()),
                ..RegionData::all_read()
            },
        );
        let snap = snapshot(vec![a]);
        let mut cfg = Config::default();
        cfg.residency.insert(ACCOUNT.into(), "eu".into());
        let f = run_with("CRI-005", &snap, &cfg);
        let get = |n: &str| f.iter().find(|x| x.resource.ends_with(n)).unwrap();
        assert_eq!(get("guardrail/std").status, Status::Fail);
        assert!(get("guardrail/std").message.contains("us.guardrail.v1:0"));
        assert_eq!(get("guardrail/classic").status, Status::Pass);
        assert!(f.iter().any(|x| x.status == Status::Unknown && x.region.as_deref() == Some("eu-central-1")));
        // Without a requirement it judges nothing (the unread Region stays unknown).
        assert!(
            run("CRI-005", &snap)
                .iter()
                .all(|x| x.status == Status::Unknown)
        );
    }
}
