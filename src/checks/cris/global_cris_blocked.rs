//! CRI-002 global-cris-blocked: an SCP blocks `aws:RequestedRegion = "unspecified"`.

use serde_json::json;

use super::scp_blocks_cris::blockers_json;
use super::{UNSPECIFIED, UsableProfile, residency, scp_hops, scp_levels, usable_profiles};
use crate::checks::Subject;
use crate::checks::iam::is_management;
use crate::checks::iam::{PROBE_MODEL_ID, scope_regions};
use crate::checks::{Check, Draft, EvalContext, Severity};

#[derive(Debug)]
pub struct GlobalCrisBlocked;

impl Check for GlobalCrisBlocked {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            let root = acct.root_arn();
            let at = Subject::new(id, None, &root);
            let Some(levels) = scp_levels(cx, acct) else {
                if is_management(cx, id) || acct.scps_known {
                    let why = if is_management(cx, id) {
                        "SCPs do not apply to the management account"
                    } else {
                        "the account is not governed by SCPs"
                    };
                    out.push(
                        at.pass(format!(
                            "Account {id}: no SCP blocks global cross-Region inference ({why})."
                        ))
                        .evidence(json!({"note": why})),
                    );
                } else {
                    out.push(
                        at.unknown(format!(
                            "Account {id}: whether an SCP blocks global cross-Region inference is unknown: the SCP chain could not be read."))
                        .evidence(cx.gap_evidence(id, None, "organizations")),
                    );
                }
                continue;
            };
            let profile = usable_profiles(cx, acct)
                .into_iter()
                .find(UsableProfile::is_global)
                .unwrap_or_else(|| {
                    let r = scope_regions(cx, acct)
                        .into_iter()
                        .next()
                        .unwrap_or_else(|| "us-east-1".into());
                    UsableProfile {
                        arn: format!(
                            "arn:{}:bedrock:{r}:{id}:inference-profile/global.{PROBE_MODEL_ID}",
                            acct.partition
                        ),
                        id: format!("global.{PROBE_MODEL_ID}"),
                        source_region: Some(r),
                        kind: "PROBE".into(),
                        geography: Some("global".into()),
                        models: Vec::new(),
                        origin: vec!["probe: no global profile is listed or named".into()],
                    }
                });
            let hops = scp_hops(cx, acct, &levels, &profile, None);
            let Some(hop) = hops.iter().find(|h| h.region == UNSPECIFIED) else {
                continue;
            };
            let res = residency(cx, acct);
            let evidence = json!({
                "profile": profile.arn,
                "requested_region": UNSPECIFIED,
                "resource": hop.resource,
                "decision": hop.verdict.effect.as_str(),
                "blocked_by": blockers_json(&[hop]),
                "reasons": hop.verdict.reasons,
                "residency": res.as_ref().map(|(g, src)| json!({"geography": g, "source": src})),
            });
            if hop.verdict.denied {
                let by = hop
                    .blocker
                    .as_ref()
                    .map(|b| b.describe())
                    .unwrap_or_else(|| "the SCP chain".into());
                let d = at.fail(format!(
                    "Account {id}: {by} denies aws:RequestedRegion = \"unspecified\", so every global inference profile fails with AccessDenied{}.",
                    if res.is_some() { " (intended where residency is required)" } else { "" }))
                .evidence(evidence);
                out.push(if res.is_some() {
                    d.severity(Severity::Info)
                } else {
                    d
                });
            } else {
                out.push(
                    at.pass(format!(
                        "Account {id}: the SCP chain allows global cross-Region inference (aws:RequestedRegion = \"unspecified\")."))
                    .evidence(evidence),
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::Severity;
    use crate::checks::Status;
    use crate::checks::cris::testkit::*;
    use crate::checks::testutil::*;
    use crate::config::Config;

    #[test]
    fn region_list_blocks_global_and_residency_makes_it_info() {
        let mut a = with_roles(vec![]);
        a.scps = Some(scp_chain(vec![(
            "p-rd",
            "region-deny",
            region_deny("DenyOthers", &["eu-west-1"]),
        )]));
        let snap = snapshot(vec![a]);
        let f = run("CRI-002", &snap);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Fail);
        assert_eq!(f[0].resource, format!("arn:aws:iam::{ACCOUNT}:root"));
        assert!(f[0].message.contains("p-rd"));
        assert_eq!(f[0].severity, Severity::Low);
        let mut cfg = Config::default();
        cfg.residency.insert(ACCOUNT.into(), "eu".into());
        let f = run_with("CRI-002", &snap, &cfg);
        assert_eq!(f[0].severity, Severity::Info);
    }

    #[test]
    fn unspecified_allowed_passes() {
        let mut a = with_roles(vec![]);
        a.scps = Some(scp_chain(vec![(
            "p-rd",
            "region-deny",
            region_deny("DenyOthers", &["eu-west-1", "unspecified"]),
        )]));
        let f = run("CRI-002", &snapshot(vec![a]));
        assert_eq!(f[0].status, Status::Pass);
    }
}
