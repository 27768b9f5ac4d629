//! KMS-012: an AgentCore gateway or memory is not encrypted with a customer-managed key.
//!
//! `GetGateway` → `kmsKeyArn` and `GetMemory` → `memory.encryptionKeyArn`. A memory holds
//! what users told the agent across sessions; a gateway holds its targets' credentials
//! configuration.

use serde_json::json;

use super::cmk_draft;
use crate::checks::agents::{listed, unread_detail};
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct AgentcoreNotCmk;

impl Check for AgentcoreNotCmk {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        const SVC: &str = "bedrock-agentcore-control";
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let gateways = listed(
                cx,
                acct,
                |d| d.agentcore.as_ref()?.gateways.as_ref(),
                SVC,
                "AgentCore gateways",
                &mut out,
            );
            for (region, g) in gateways {
                let at = acct.at(Some(region), &g.arn);
                let what = format!("AgentCore gateway {}", g.name);
                if !g.detail_collected {
                    out.push(unread_detail(cx, &at, &what, SVC, "its encryption key"));
                    continue;
                }
                out.push(cmk_draft(cx, &at, &what, g.kms_key_arn.as_deref(),
                    "its configuration is encrypted with an AWS-owned key you cannot control or audit",
                    json!({"gateway_id": g.id})));
            }
            let memories = listed(
                cx,
                acct,
                |d| d.agentcore.as_ref()?.memories.as_ref(),
                SVC,
                "AgentCore memories",
                &mut out,
            );
            for (region, m) in memories {
                let at = acct.at(Some(region), &m.arn);
                let what = format!("AgentCore memory {}", m.name);
                if !m.detail_collected {
                    out.push(unread_detail(cx, &at, &what, SVC, "its encryption key"));
                    continue;
                }
                out.push(cmk_draft(cx, &at, &what, m.kms_key_arn.as_deref(),
                    "what users told the agent is stored under an AWS-owned key you cannot control or audit",
                    json!({"memory_id": m.id})));
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
    fn gateways_and_memories_without_cmk_fail() {
        let f = run("KMS-012", &estate_snapshot());
        assert_eq!(status_of(&f, "gateway/secure"), Status::Pass);
        assert_eq!(status_of(&f, "gateway/open"), Status::Fail);
        assert_eq!(status_of(&f, "memory/chat"), Status::Pass);
        assert_eq!(status_of(&f, "memory/scratch"), Status::Fail);
    }
}
