//! USE-006: a Bedrock service quota raised above AWS's default — a higher ceiling for a
//! stolen key to burn. Quotas can only be raised, so "at default" is the floor; a raised
//! quota is reported at `info`, and at `low` above `[usage] quota_ceilings`.

use serde_json::json;

use crate::catalogue::Severity;
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct TokenQuotaRaised;

impl Check for TokenQuotaRaised {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        let ceilings = &cx.config.usage.quota_ceilings;
        for acct in &cx.accounts {
            for (region, read) in acct.regions_reading(|d| d.quotas.as_ref()) {
                let Ok(quotas) = read else { continue };
                let mut at_default = 0usize;
                let mut unknown = Vec::new();
                for q in quotas {
                    let at = acct.at(Some(region), q.arn.clone());
                    match (q.value, q.default) {
                        (Some(v), Some(d)) if v > d => {
                            let ceiling = ceilings.get(&q.code).copied();
                            let ev = json!({"quota_code": q.code, "name": q.name, "applied": v, "aws_default": d, "ceiling": ceiling});
                            let mut f = at.fail(format!(
                                "Bedrock quota {} ({}) in {region} is raised to {v} from AWS's default {d}{}: more for a stolen key to spend.",
                                q.name, q.code,
                                ceiling.filter(|c| v > *c).map(|c| format!(", above the configured ceiling {c}")).unwrap_or_default()
                            )).evidence(ev);
                            if ceiling.is_some_and(|c| v > c) {
                                f = f.severity(Severity::Low);
                            }
                            out.push(f);
                        }
                        (Some(_), Some(_)) => at_default += 1,
                        _ => unknown.push(q),
                    }
                }
                for q in &unknown {
                    out.push(acct.at(Some(region), q.arn.clone()).unknown(format!(
                        "Bedrock quota {} ({}) in {region}: its applied value or AWS's default could not be read.", q.name, q.code
                    )).evidence(cx.with_gaps(json!({"quota_code": q.code, "applied": q.value, "aws_default": q.default}), &acct.account.id, Some(region), "service-quotas")));
                }
                if at_default > 0 && at_default == quotas.len() {
                    out.push(acct.at(Some(region), acct.root_arn()).pass(format!(
                        "All {at_default} Bedrock quota(s) listed in {region} are at AWS's default."
                    )).evidence(json!({"quotas_at_default": at_default})));
                }
            }
        }
        out
    }
}
