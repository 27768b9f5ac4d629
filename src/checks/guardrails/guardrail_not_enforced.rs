//! GRD-006: invocation is possible without a guardrail.
//!
//! Account-wide. In each Bedrock-active Region the engine asks, for every workload
//! principal, whether it can invoke some model with no `bedrock:GuardrailIdentifier` in
//! the request (other request-time keys open). Such principals are covered only if the
//! Region has an account-level enforced guardrail configuration. Organizations "Amazon
//! Bedrock policies" (guardrail enforcement at the organisation level) are not collected,
//! so they cannot clear a failure; the evidence says so.

use serde_json::{Value, json};

use crate::checks::Subject;
use crate::checks::logging::access::may_invoke_in;
use crate::checks::logging::active_reasons;
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct GuardrailNotEnforced;

const ORG_POLICY_NOTE: &str = "Organizations Amazon Bedrock policies (organisation-level guardrail enforcement) are not collected and were not considered";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Verdict {
    Pass,
    Unknown,
    Fail,
}

impl Check for GuardrailNotEnforced {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            if acct.active_regions.is_empty() {
                continue;
            }
            let id = acct.account.id.as_str();
            let root = acct.root_arn();
            let at = Subject::new(id, None, &root);
            if acct.account.iam.is_none() {
                let mut ev = cx.gap_evidence(id, None, "iam");
                ev["note"] = json!(ORG_POLICY_NOTE);
                out.push(
                    at.unknown(format!("IAM of account {id} could not be read, so whether models can be invoked without a guardrail is not known."))
                    .evidence(ev),
                );
                continue;
            }
            let workload: Vec<_> = acct.principals.iter().filter(|p| p.is_workload()).collect();
            let unparsed: Vec<&str> = workload
                .iter()
                .filter(|p| !p.unparsed.is_empty())
                .map(|p| p.arn.as_str())
                .collect();
            let mut overall = Verdict::Pass;
            let mut by_region = serde_json::Map::new();
            let mut failing_regions = Vec::new();
            let mut unknown_regions = Vec::new();
            let mut ungated_all: Vec<String> = Vec::new();
            for region in acct.active_regions.keys() {
                let mut ungated: Vec<Value> = Vec::new();
                let mut gated: Vec<&str> = Vec::new();
                for p in &workload {
                    if let Some(d) = may_invoke_in(cx, acct, p, region, true) {
                        ungated.push(json!({"principal": p.arn, "decision": d}));
                        if !ungated_all.contains(&p.arn) {
                            ungated_all.push(p.arn.clone());
                        }
                    } else if may_invoke_in(cx, acct, p, region, false).is_some() {
                        gated.push(p.arn.as_str());
                    }
                }
                let bedrock = acct
                    .account
                    .regions
                    .get(region)
                    .and_then(|d| d.bedrock.as_ref());
                let enforced = bedrock.and_then(|b| b.enforced_guardrails.as_ref());
                let verdict = if ungated.is_empty() {
                    if unparsed.is_empty() {
                        Verdict::Pass
                    } else {
                        Verdict::Unknown
                    }
                } else {
                    match enforced {
                        Some(list) if !list.is_empty() => Verdict::Pass,
                        Some(_) => Verdict::Fail,
                        None => Verdict::Unknown,
                    }
                };
                match verdict {
                    Verdict::Fail => failing_regions.push(region.clone()),
                    Verdict::Unknown => unknown_regions.push(region.clone()),
                    Verdict::Pass => {}
                }
                overall = overall.max(verdict);
                by_region.insert(
                    region.clone(),
                    json!({
                        "verdict": match verdict { Verdict::Pass => "pass", Verdict::Unknown => "unknown", Verdict::Fail => "fail" },
                        "active_region_reasons": active_reasons(acct, region),
                        "enforced_guardrails": match enforced {
                            Some(list) => json!(list.iter().map(|e| json!({"guardrail": e.guardrail_identifier, "version": e.version})).collect::<Vec<_>>()),
                            None => json!("unknown"),
                        },
                        "invokers_without_guardrail": ungated,
                        "invokers_requiring_guardrail": gated,
                    }),
                );
            }
            let mut ev = json!({
                "by_region": by_region,
                "principals_with_unparsed_policies": unparsed,
                "note": ORG_POLICY_NOTE,
            });
            let d = match overall {
                Verdict::Fail => at.fail(format!(
                        "In account {id}, {} principal(s) can invoke models without naming a guardrail, and Bedrock-active Region(s) {} have no account-level enforced guardrail.",
                        ungated_all.len(),
                        failing_regions.join(", ")
                    )),
                Verdict::Unknown => {
                    ev["gaps"] = cx.gap_evidence(id, None, "bedrock")["gaps"].clone();
                    at.unknown(format!(
                            "Whether models can be invoked without a guardrail in {} of account {id} is not known (enforced guardrail configuration or some policies could not be read).",
                            unknown_regions.join(", ")
                        ))
                }
                Verdict::Pass => at.pass(if ungated_all.is_empty() {
                        format!(
                            "No workload principal of account {id} can invoke models without naming a guardrail."
                        )
                    } else {
                        format!(
                            "Account {id} enforces a guardrail at account level in every Bedrock-active Region where principals could otherwise invoke without one."
                        )
                    }),
            };
            out.push(d.evidence(ev));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::logging::fixtures::*;
    use crate::checks::testutil::*;
    use crate::model::{EnforcedGuardrail, Iam, InlinePolicy, Role};
    use serde_json::{Value, json};

    const GARN: &str = "arn:aws:bedrock:us-east-1:111122223333:guardrail/g1:1";

    fn snap(statements: Value, enforced: Option<Vec<EnforcedGuardrail>>) -> crate::model::Snapshot {
        let mut a = account(ACCOUNT);
        let b = bedrock(&mut a, REGION);
        b.guardrails = Some(vec![guardrail(ACCOUNT, REGION, "g1")]);
        b.enforced_guardrails = enforced;
        a.iam = Some(Iam {
            roles: vec![Role {
                arn: format!("arn:aws:iam::{ACCOUNT}:role/app"),
                name: "app".into(),
                path: "/".into(),
                trust_policy: json!({}).into(),
                inline_policies: vec![InlinePolicy {
                    name: "invoke".into(),
                    document: json!({"Version": "2012-10-17", "Statement": statements}).into(),
                }],
                ..Default::default()
            }],
            ..Default::default()
        });
        snapshot(vec![a])
    }

    fn open_invoke() -> Value {
        json!([{"Sid": "Invoke", "Effect": "Allow", "Action": "bedrock:InvokeModel*", "Resource": "*"}])
    }

    #[test]
    fn ungated_invoker_without_enforcement_fails() {
        let f = run("GRD-006", &snap(open_invoke(), Some(vec![])));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Fail);
        assert_eq!(f[0].resource, format!("arn:aws:iam::{ACCOUNT}:root"));
        let ev = f[0].evidence.to_string();
        assert!(ev.contains("role/app") && ev.contains("Invoke"), "{ev}");
    }

    #[test]
    fn guardrail_condition_passes() {
        let st = json!([{"Sid": "InvokeGuarded", "Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "*",
                          "Condition": {"StringEquals": {"bedrock:GuardrailIdentifier": GARN}}}]);
        let f = run("GRD-006", &snap(st, Some(vec![])));
        assert_eq!(f[0].status, Status::Pass, "{:#?}", f[0].evidence);
        assert_eq!(
            f[0].evidence.value()["by_region"]["us-east-1"]["invokers_requiring_guardrail"][0],
            format!("arn:aws:iam::{ACCOUNT}:role/app")
        );
    }

    #[test]
    fn account_enforcement_passes() {
        let enforced = vec![EnforcedGuardrail {
            guardrail_identifier: GARN.into(),
            version: Some("1".into()),
            ..EnforcedGuardrail::default()
        }];
        let f = run("GRD-006", &snap(open_invoke(), Some(enforced)));
        assert_eq!(f[0].status, Status::Pass);
    }

    #[test]
    fn unknown_enforcement_is_unknown() {
        let f = run("GRD-006", &snap(open_invoke(), None));
        assert_eq!(f[0].status, Status::Unknown);
    }
}
