//! THR-006: a Bedrock-active Region has no GuardDuty detector, a disabled one, or no
//! `AI_PROTECTION` feature enabled — so anomalous model invocation and cost harvesting
//! raise no finding there.

use serde_json::json;

use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct GuarddutyAiProtectionOff;

impl Check for GuarddutyAiProtectionOff {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            for (region, why) in &acct.active_regions {
                if !acct.account.regions.contains_key(region) {
                    continue;
                }
                let at = acct.at(Some(region), acct.root_arn());
                let Some(dets) = acct.account.regions[region].detectors.as_ref() else {
                    out.push(cx.unread_region(
                        acct,
                        region,
                        why,
                        "guardduty",
                        format!("GuardDuty detectors in {region} could not be listed."),
                    ));
                    continue;
                };
                let ev = json!({"detectors": dets, "active_region_reasons": why});
                if dets.is_empty() {
                    out.push(at.fail(format!(
                        "GuardDuty is not enabled in {region}, a Bedrock-active Region: anomalous model invocations raise no finding."
                    )).evidence(ev));
                    continue;
                }
                let on = dets.iter().any(|d| {
                    d.status.as_deref() == Some("ENABLED")
                        && d.ai_protection.as_deref() == Some("ENABLED")
                });
                let unread = dets.iter().any(|d| d.status.is_none());
                if on {
                    out.push(
                        at.pass(format!("GuardDuty AI Protection is enabled in {region}."))
                            .evidence(ev),
                    );
                } else if unread {
                    out.push(at.unknown(format!(
                        "A GuardDuty detector in {region} could not be read, and none read has AI Protection enabled."
                    )).evidence(cx.with_gaps(ev, &acct.account.id, Some(region), "guardduty")));
                } else {
                    out.push(at.fail(format!(
                        "GuardDuty in {region} has no enabled detector with AI Protection: anomalous model invocation, cost harvesting and prompt injection raise no finding."
                    )).evidence(ev));
                }
            }
        }
        out
    }
}
