//! KMS-009: a knowledge base's data source does not encrypt transient ingestion data with
//! a customer-managed key.
//!
//! `GetDataSource` → `serverSideEncryptionConfiguration.kmsKeyArn` is the key for the
//! documents Bedrock holds while it chunks and embeds them. One finding per knowledge
//! base: it fails when any data source lacks a customer-managed key (the data sources are
//! in the evidence).

use serde_json::{Value, json};

use super::{KeyRef, resolve};
use crate::checks::agents::{listed, unread_detail};
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct KbIngestionNotCmk;

impl Check for KbIngestionNotCmk {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let kbs = listed(
                cx,
                acct,
                |d| d.agents.as_ref()?.knowledge_bases.as_ref(),
                "bedrock-agent",
                "knowledge bases",
                &mut out,
            );
            for (region, kb) in kbs {
                let at = acct.at(Some(region), &kb.arn);
                let what = format!("Knowledge base {} ({})", kb.name, kb.id);
                let Some(sources) = &kb.data_sources else {
                    out.push(unread_detail(
                        cx,
                        &at,
                        &what,
                        "bedrock-agent",
                        "how its data sources encrypt ingestion data",
                    ));
                    continue;
                };
                let mut bad = Vec::new();
                let mut undecided = Vec::new();
                let mut ev_sources = Vec::new();
                for ds in sources {
                    let verdict: Option<bool> = if !ds.detail_collected {
                        None
                    } else {
                        match ds.kms_key_arn.as_deref() {
                            None => Some(false),
                            Some(k) => resolve(cx, at.account, region, k).customer_managed(),
                        }
                    };
                    let key: Value = match ds.kms_key_arn.as_deref() {
                        Some(k) => {
                            let r: KeyRef<'_> = resolve(cx, at.account, region, k);
                            r.evidence()
                        }
                        None => Value::Null,
                    };
                    ev_sources.push(json!({"data_source_id": ds.id, "name": ds.name, "kms_key": key, "read": ds.detail_collected}));
                    match verdict {
                        Some(true) => {}
                        Some(false) => bad.push(format!("{} ({})", ds.name, ds.id)),
                        None => undecided.push(format!("{} ({})", ds.name, ds.id)),
                    }
                }
                let ev = json!({"data_sources": ev_sources});
                if !bad.is_empty() {
                    out.push(at.fail(format!(
                        "{what} ingests through data source(s) without a customer-managed key ({}): documents in flight are encrypted with a key you cannot control.",
                        bad.join(", ")
                    )).evidence(ev));
                } else if !undecided.is_empty() {
                    let ev = cx.with_gaps(ev, at.account, at.region, "bedrock-agent");
                    out.push(
                        at.unknown(format!(
                            "{what}: the key of data source(s) {} is not known.",
                            undecided.join(", ")
                        ))
                        .evidence(ev),
                    );
                } else if sources.is_empty() {
                    out.push(
                        at.pass(format!(
                            "{what} has no data source, so nothing is ingested."
                        ))
                        .evidence(ev),
                    );
                } else {
                    out.push(at.pass(format!(
                        "{what} encrypts ingestion data with a customer-managed key in all {} data source(s).",
                        sources.len()
                    )).evidence(ev));
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

    #[test]
    fn data_source_without_key_fails_its_knowledge_base() {
        let f = run("KMS-009", &estate_snapshot());
        assert_eq!(status_of(&f, "knowledge-base/KGOOD"), Status::Pass);
        assert_eq!(status_of(&f, "knowledge-base/KBAD"), Status::Fail);
    }
}
