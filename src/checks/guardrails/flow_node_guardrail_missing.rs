//! GRD-009: a flow generates text in a node without a guardrail.
//!
//! In the versions flow aliases route to (the draft when no alias exists), a node that
//! calls a model — a Prompt node, or a KnowledgeBase node with a `modelId` — must name a
//! guardrail. The GRD-008 downgrade applies where an enforced guardrail covers the Region.

use serde_json::json;

use super::enforced_in;
use crate::checks::agents::{Item, each, unread_detail};
use crate::checks::{Check, Draft, EvalContext, Severity};
use crate::model::Flow;

#[derive(Debug)]
pub struct FlowNodeGuardrailMissing;

impl Check for FlowNodeGuardrailMissing {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            const Q: &str = "whether its generating nodes have a guardrail";
            for Item { at, it: f, what } in each::<Flow>(cx, acct, Q, &mut out) {
                let region = at.region.unwrap_or_default();
                let versions: Vec<(String, &Vec<crate::model::FlowNode>)> =
                    match (&f.routed_versions, &f.draft_nodes) {
                        (Some(r), _) if !r.is_empty() => {
                            r.iter().map(|v| (v.version.clone(), &v.nodes)).collect()
                        }
                        (Some(_), Some(draft)) => vec![("DRAFT".into(), draft)],
                        _ => {
                            out.push(unread_detail(cx, &at, &what, "bedrock-agent", Q));
                            continue;
                        }
                    };
                let mut missing = Vec::new();
                let mut nodes_ev = Vec::new();
                for (version, nodes) in &versions {
                    for n in nodes.iter().filter(|n| n.generates) {
                        nodes_ev.push(json!({"version": version, "node": n.name, "type": n.kind, "guardrail": n.guardrail}));
                        if n.guardrail.is_none() {
                            missing.push(format!("{} ({}, version {version})", n.name, n.kind));
                        }
                    }
                }
                let ev = json!({"generating_nodes": nodes_ev});
                if missing.is_empty() {
                    out.push(
                        at.pass(format!(
                            "{what}: every node that calls a model applies a guardrail."
                        ))
                        .evidence(ev),
                    );
                    continue;
                }
                let enforced = enforced_in(acct, region);
                let mut d = at
                    .fail(format!(
                        "{what} calls a model without a guardrail in node(s) {}.",
                        missing.join(", ")
                    ))
                    .evidence(ev);
                if enforced {
                    d = d.severity(Severity::Low);
                }
                out.push(d);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::testutil::*;

    #[test]
    fn generating_node_without_guardrail_fails() {
        let f = run("GRD-009", &estate_snapshot());
        assert_eq!(status_of(&f, "flow/FGOOD"), Status::Pass);
        assert_eq!(status_of(&f, "flow/FBAD"), Status::Fail);
    }
}
