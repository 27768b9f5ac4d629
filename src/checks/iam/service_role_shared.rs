//! IAM-011: one service role serves several agents, or several kinds of resource.
//!
//! A role shared by two agents, or by an agent and a knowledge base, carries the union of
//! what each needs, and a flaw in one reaches the other's data. One role per resource keeps
//! each blast radius to itself.

use std::collections::BTreeSet;

use serde_json::json;

use crate::checks::agents::service_roles;
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct ServiceRoleShared;

impl Check for ServiceRoleShared {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let unread = crate::checks::agents::roles_unread(acct);
            for (role, uses) in service_roles(acct) {
                let at = acct.at(None, &role);
                let kinds: BTreeSet<&str> = uses.iter().map(|u| u.kind).collect();
                let agents = uses.iter().filter(|u| u.kind == "agent").count();
                let ev = json!({"used_by": uses.iter().map(|u| json!({"kind": u.kind, "resource": u.resource, "region": u.region})).collect::<Vec<_>>()});
                let name = role.rsplit('/').next().unwrap_or(&role);
                if kinds.len() > 1 || agents > 1 {
                    out.push(at.fail(format!(
                        "Role {name} serves {} resources ({}): each carries the others' permissions.",
                        uses.len(),
                        kinds.into_iter().collect::<Vec<_>>().join(", ")
                    )).evidence(ev));
                } else if !unread.is_empty() {
                    // One of the resources whose details were not read may run as it too.
                    out.push(
                        at.unknown(format!(
                            "Role {name} serves one {} among the resources read; {} more could not be read.",
                            uses.first().map(|u| u.kind).unwrap_or("resource"),
                            unread.len()
                        ))
                        .evidence(json!({"used_by": ev["used_by"], "details_unread": unread})),
                    );
                } else {
                    out.push(
                        at.pass(format!(
                            "Role {name} serves one {}.",
                            uses.first().map(|u| u.kind).unwrap_or("resource")
                        ))
                        .evidence(ev),
                    );
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

    /// Every estate resource's details read.
    fn all_details_read(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(d) = m.get_mut("detail_collected") {
                    *d = serde_json::Value::Bool(true);
                }
                m.values_mut().for_each(all_details_read);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(all_details_read),
            _ => {}
        }
    }

    #[test]
    fn role_shared_by_agent_and_knowledge_base_fails() {
        let mut v = serde_json::to_value(estate_snapshot()).unwrap();
        all_details_read(&mut v);
        let whole: crate::model::Snapshot = serde_json::from_value(v).unwrap();
        let f = run("IAM-011", &whole);
        assert_eq!(status_of(&f, "role/good-agent-role"), Status::Pass);
        assert_eq!(status_of(&f, "role/ops-agent-role"), Status::Fail);
        // With a resource whose details (its role) were not read, "serves one" is not
        // known; "serves several" still is.
        let f = run("IAM-011", &estate_snapshot());
        assert_eq!(status_of(&f, "role/good-agent-role"), Status::Unknown);
        assert_eq!(status_of(&f, "role/ops-agent-role"), Status::Fail);
    }
}
