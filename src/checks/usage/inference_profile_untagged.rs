//! USE-004: an application inference profile lacks the workload tag (and the tenant tag
//! where tenants are tagged in the account), so its spend cannot be attributed.

use serde_json::json;

use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct InferenceProfileUntagged;

impl Check for InferenceProfileUntagged {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        let workload = cx.config.tags.workload.as_str();
        let tenant = cx.config.tags.tenant.as_str();
        for acct in &cx.accounts {
            let tenants = crate::checks::tenant::is_active(cx, acct);
            for (region, read) in
                acct.regions_reading(|d| d.bedrock.as_ref()?.inference_profiles.as_ref())
            {
                let Ok(profiles) = read else {
                    continue;
                };
                for p in profiles.iter().filter(|p| p.kind == "APPLICATION") {
                    let at = acct.at(Some(region), p.arn.clone());
                    let Some(tags) = &p.tags else {
                        out.push(
                            at.unknown(format!(
                                "The tags of application inference profile {} could not be read.",
                                p.name
                            ))
                            .evidence(cx.with_gaps(
                                json!({"profile": p.arn}),
                                &acct.account.id,
                                Some(region),
                                "bedrock",
                            )),
                        );
                        continue;
                    };
                    let mut need = vec![workload];
                    if tenants {
                        need.push(tenant);
                    }
                    let missing: Vec<&str> = need
                        .iter()
                        .copied()
                        .filter(|k| !tags.contains_key(*k))
                        .collect();
                    let ev = json!({"profile": p.arn, "tags": tags, "required_keys": need});
                    if missing.is_empty() {
                        out.push(
                            at.pass(format!(
                                "Application inference profile {} carries {}.",
                                p.name,
                                need.join(" and ")
                            ))
                            .evidence(ev),
                        );
                    } else {
                        out.push(at.fail(format!(
                            "Application inference profile {} has no {} tag: its Bedrock spend cannot be attributed to a workload{}.",
                            p.name,
                            missing.join(" or "),
                            if tenants { " or tenant" } else { "" }
                        )).evidence(ev));
                    }
                }
            }
        }
        out
    }
}
