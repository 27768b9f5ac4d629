//! GRD-015: the guardrail an organisation Bedrock policy sets for an account cannot work.
//!
//! For every member account, its effective Bedrock policy (`DescribeEffectivePolicy
//! PolicyType=BEDROCK_POLICY`) names a guardrail per Region
//! (`bedrock.guardrail_inference.<region>.<config>.identifier`, a guardrail ARN with its
//! version). AWS requires that guardrail to be owned by the management account, to be in
//! that Region, to exist, and to let the member's principals call `bedrock:ApplyGuardrail`
//! through its resource policy. The last is decided by the engine, for a principal of the
//! member account with `aws:PrincipalAccount` and `aws:PrincipalOrgID` set. What the
//! management account's data does not show (its guardrails in that Region not read) is
//! unknown. Accounts without an effective policy are GRD-014's concern.

use serde_json::{Value, json};

use crate::checks::network::{ALLOW_ALL_LABEL, allow_all_identity, condition_keys, open_json};
use crate::checks::{Check, Draft, EvalContext, Subject};
use crate::model::{Arn, Probe};
use crate::policy::{Context, Labeled, Policy, PolicySet, Request, UnknownKeys, evaluate_open};

#[derive(Debug)]
pub struct OrgGuardrailPolicyUnusable;

/// A value of an effective policy: plain, or still wrapped in `@@assign`.
fn value(v: &Value) -> Option<&str> {
    v.as_str()
        .or_else(|| v.get("@@assign").and_then(Value::as_str))
}

/// (Region, configuration name, identifier) of every guardrail an effective policy sets.
fn guardrails_named(doc: &Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let Some(regions) = doc
        .get("bedrock")
        .and_then(|b| b.get("guardrail_inference"))
        .and_then(Value::as_object)
    else {
        return out;
    };
    for (region, configs) in regions {
        for (name, config) in configs.as_object().into_iter().flatten() {
            if let Some(id) = config.get("identifier").and_then(value) {
                out.push((region.clone(), name.clone(), id.to_string()));
            }
        }
    }
    out
}

impl Check for OrgGuardrailPolicyUnusable {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let Some(org) = &cx.snapshot.organization else {
            return Vec::new();
        };
        let mgmt = org.management_account_id.as_str();
        let mgmt_view = cx.account(mgmt);
        let partition = mgmt_view
            .map(|a| a.partition.clone())
            .unwrap_or_else(|| "aws".into());
        let mut out = Vec::new();
        for member in org.accounts.iter().filter(|a| a.id != mgmt) {
            let at = Subject::new(&member.id, None, Arn::account_root(&partition, &member.id));
            let doc = match &member.effective_bedrock_policy {
                Probe::Absent => continue,
                Probe::Unknown => {
                    out.push(
                        at.unknown(format!(
                            "The effective Bedrock policy of account {} could not be read.",
                            member.id
                        ))
                        .evidence(cx.gap_evidence(
                            mgmt,
                            None,
                            "organizations",
                        )),
                    );
                    continue;
                }
                Probe::Found(d) => d,
            };
            let named = guardrails_named(doc);
            if named.is_empty() {
                continue;
            }
            let mut breaches = Vec::new();
            let mut undecided = Vec::new();
            let mut details = Vec::new();
            for (region, config, identifier) in &named {
                // `arn:…:guardrail/ID:VERSION`: the version follows the last colon.
                let arn_text = match identifier.rsplit_once(':') {
                    Some((a, v)) if a.contains(":guardrail/") && !v.contains('/') => a,
                    _ => identifier.as_str(),
                };
                let mut problems: Vec<String> = Vec::new();
                let mut unknown: Option<String> = None;
                match Arn::parse(arn_text) {
                    Err(_) => problems.push(format!("{identifier} is not a guardrail ARN")),
                    Ok(arn) => {
                        if arn.account != mgmt {
                            problems.push(format!(
                                "the guardrail belongs to account {}, not the management account",
                                arn.account
                            ));
                        }
                        if &arn.region != region {
                            problems
                                .push(format!("the guardrail is in {}, not {region}", arn.region));
                        }
                        let gid = arn
                            .resource
                            .rsplit('/')
                            .next()
                            .unwrap_or_default()
                            .to_string();
                        let listed = mgmt_view
                            .and_then(|v| v.account.regions.get(&arn.region))
                            .and_then(|d| d.bedrock.as_ref()?.guardrails.as_ref());
                        match listed {
                            _ if arn.account != mgmt => {}
                            None => unknown = Some(format!("the management account's guardrails in {} were not read", arn.region)),
                            Some(list) => match list.iter().find(|g| g.id == gid) {
                                None => problems.push("the guardrail does not exist".into()),
                                Some(g) => match &g.resource_policy {
                                    Probe::Absent => problems.push("the guardrail has no resource policy, so member accounts cannot apply it".into()),
                                    Probe::Unknown => unknown = Some("the guardrail's resource policy could not be read".into()),
                                    Probe::Found(p) => match Policy::from_value(p) {
                                        Err(e) => unknown = Some(format!("the guardrail's resource policy could not be parsed ({e})")),
                                        Ok(policy) => {
                                            let probe = format!("arn:{partition}:iam::{}:role/perimeter-probe", member.id);
                                            let identity = allow_all_identity();
                                            let set = PolicySet {
                                                identity: vec![Labeled::new(ALLOW_ALL_LABEL, &identity)],
                                                resource: vec![Labeled::new(format!("resource-policy:{}", g.arn), &policy)],
                                                ..Default::default()
                                            };
                                            let mut ctx = Context::new();
                                            ctx.insert("aws:PrincipalArn", probe.clone());
                                            ctx.insert("aws:PrincipalAccount", member.id.clone());
                                            ctx.insert("aws:PrincipalOrgID", org.id.clone());
                                            let mut req = Request::new(probe, "bedrock:ApplyGuardrail", g.arn.clone());
                                            req.resource_account = Some(mgmt.to_string());
                                            req.context = ctx;
                                            let set_keys = ["aws:principalarn", "aws:principalaccount", "aws:principalorgid"];
                                            let open: Vec<String> = condition_keys(&policy).into_iter().filter(|k| !set_keys.contains(&k.as_str())).collect();
                                            let d = evaluate_open(&set, &req, &UnknownKeys::Listed(open));
                                            details.push(json!({"region": region, "config": config, "apply_guardrail": open_json(&d)}));
                                            if !d.may_allow() {
                                                problems.push("its resource policy does not let this account call bedrock:ApplyGuardrail".into());
                                            }
                                        }
                                    },
                                },
                            },
                        }
                    }
                }
                details.push(json!({"region": region, "config": config, "identifier": identifier, "problems": problems, "undecided": unknown}));
                breaches.extend(
                    problems
                        .into_iter()
                        .map(|p| format!("{region} {config}: {p}")),
                );
                if let Some(u) = unknown {
                    undecided.push(format!("{region} {config}: {u}"));
                }
            }
            let ev = json!({"effective_policy": doc, "guardrails": details});
            if !breaches.is_empty() {
                out.push(
                    at.fail(format!(
                        "The organisation guardrail set for account {} cannot work: {}.",
                        member.id,
                        breaches.join("; ")
                    ))
                    .evidence(ev),
                );
            } else if !undecided.is_empty() {
                out.push(
                    at.unknown(format!(
                        "Whether the organisation guardrail works for account {} is not known: {}.",
                        member.id,
                        undecided.join("; ")
                    ))
                    .evidence(ev),
                );
            } else {
                out.push(at.pass(format!(
                    "The organisation guardrail(s) set for account {} exist in their Regions, belong to the management account and may be applied by it.", member.id
                )).evidence(ev));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::guardrails_named;
    use serde_json::json;

    #[test]
    fn reads_identifiers_plain_or_assigned() {
        let doc = json!({"bedrock": {"guardrail_inference": {"us-east-1": {
            "config_1": {"identifier": "arn:aws:bedrock:us-east-1:123456789012:guardrail/abc:1"},
            "config_2": {"identifier": {"@@assign": "arn:aws:bedrock:us-east-1:123456789012:guardrail/def:2"}}
        }}}});
        let n = guardrails_named(&doc);
        assert_eq!(n.len(), 2);
        assert!(
            n.iter()
                .any(|(_, c, i)| c == "config_2" && i.ends_with("def:2"))
        );
    }
}
