//! KMS-012: an AgentCore gateway or memory is not encrypted with a customer-managed key.
//!
//! `GetGateway` → `kmsKeyArn` and `GetMemory` → `memory.encryptionKeyArn`. A memory holds
//! what users told the agent across sessions; a gateway holds its targets' credentials
//! configuration.

use serde_json::json;

use super::cmk_draft;
use crate::checks::agents::{Item, each};
use crate::checks::{Check, Draft, EvalContext};
use crate::model::{Gateway, Memory};

#[derive(Debug)]
pub struct AgentcoreNotCmk;

impl Check for AgentcoreNotCmk {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            for Item { at, it: g, what } in
                each::<Gateway>(cx, acct, "its encryption key", &mut out)
            {
                out.push(cmk_draft(cx, &at, &what, g.kms_key_arn.as_deref(),
                    "its configuration is encrypted with an AWS-owned key you cannot control or audit",
                    json!({"gateway_id": g.id})));
            }
            for Item { at, it: m, what } in each::<Memory>(cx, acct, "its encryption key", &mut out)
            {
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
