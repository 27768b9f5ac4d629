//! TEN-003 untagged-invoker: in a multi-tenant account, a principal that can invoke has
//! no tenant tag.

use serde_json::json;

use super::{all_tenants, is_active};
use crate::checks::iam::{invokers, principal_json};
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct UntaggedInvoker;

impl Check for UntaggedInvoker {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        let tkey = &cx.config.tags.tenant;
        for acct in &cx.accounts {
            if !is_active(cx, acct) {
                out.extend(super::activity_unknown(cx, acct));
                continue;
            }
            let id = acct.account.id.as_str();
            let tenants: Vec<String> = all_tenants(cx, acct).into_iter().collect();
            for (p, probe) in invokers(cx, acct, |p| p.is_workload(), &mut out) {
                let at = acct.at(None, &p.arn);
                let evidence = json!({
                    "principal": principal_json(p),
                    "tag_key": tkey,
                    "account_tenants": tenants,
                    "invoke_decision": probe.to_json(),
                });
                match p.tags.get(tkey) {
                    Some(t) if !t.trim().is_empty() => out.push(
                        at.pass(format!(
                            "{} can invoke models and is tagged {tkey}={t}.", p.arn))
                        .evidence(evidence),
                    ),
                    _ => out.push(
                        at.fail(format!(
                            "{} can invoke models in multi-tenant account {id} but has no {tkey} tag, so its calls cannot be attributed to a tenant.",
                            p.arn))
                        .evidence(evidence),
                    ),
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::iam::testkit::*;
    use crate::checks::testutil::*;
    use serde_json::json;

    #[test]
    fn untagged_invoker_fails_tagged_passes_single_tenant_off() {
        let inv = json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:InvokeModel","Resource":"*"}]});
        let snap = snapshot(vec![with_roles(vec![
            tagged_role("a", inv.clone(), &[("tenant", "a")]),
            role("shared", inv.clone()),
        ])]);
        let f = run("TEN-003", &snap);
        let get = |n: &str| f.iter().find(|x| x.resource == role_arn(n)).unwrap();
        assert_eq!(get("a").status, Status::Pass);
        assert_eq!(get("shared").status, Status::Fail);
        assert!(get("shared").message.contains("no tenant tag"));
        let snap = snapshot(vec![with_roles(vec![role("shared", inv)])]);
        assert!(run("TEN-003", &snap).is_empty());
    }
}
