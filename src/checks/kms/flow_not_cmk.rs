//! KMS-008: a flow is not encrypted with a customer-managed key.
//!
//! `GetFlow` → `customerEncryptionKeyArn`: without it the flow's definition (prompts,
//! node configuration, the wiring of the workload) is encrypted with an AWS-owned key.

use serde_json::json;

use super::cmk_draft;
use crate::checks::agents::{Item, each};
use crate::checks::{Check, Draft, EvalContext};
use crate::model::Flow;

#[derive(Debug)]
pub struct FlowNotCmk;

impl Check for FlowNotCmk {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            for Item { at, it: f, what } in each::<Flow>(cx, acct, "its encryption key", &mut out) {
                out.push(cmk_draft(
                    cx,
                    &at,
                    &what,
                    f.kms_key_arn.as_deref(),
                    "its definition (prompts and node configuration) is encrypted with an AWS-owned key you cannot control or audit",
                    json!({"flow_id": f.id, "name": f.name}),
                ));
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
    fn flow_without_cmk_fails() {
        let f = run("KMS-008", &estate_snapshot());
        assert_eq!(status_of(&f, "flow/FGOOD"), Status::Pass);
        assert_eq!(status_of(&f, "flow/FBAD"), Status::Fail);
    }
}
