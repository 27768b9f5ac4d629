//! KMS-010: a knowledge base's vector store is not encrypted with a customer-managed key.
//!
//! The store named by `GetKnowledgeBase` → `storageConfiguration`: an OpenSearch
//! Serverless collection (`ListCollections` → `kmsKeyArn`; absent or `auto` is an
//! AWS-owned key) or an S3 vector bucket (`GetVectorBucket` → `encryptionConfiguration`:
//! `AES256` fails, `aws:kms` is judged by its key). Stores outside AWS (Pinecone, Redis
//! Enterprise Cloud, MongoDB Atlas) and stores perimeter does not read yet (OpenSearch
//! managed clusters, RDS, Neptune Analytics) are unknown, at info severity for the former.

use serde_json::json;

use super::cmk_draft;
use crate::checks::agents::{listed, unread_detail};
use crate::checks::{Check, Draft, EvalContext, Severity};

#[derive(Debug)]
pub struct VectorStoreNotCmk;

const OUTSIDE_AWS: [&str; 3] = ["PINECONE", "REDIS_ENTERPRISE_CLOUD", "MONGO_DB_ATLAS"];

impl Check for VectorStoreNotCmk {
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
            let mut judged: Vec<String> = Vec::new();
            for (region, kb) in kbs {
                let stores = acct
                    .account
                    .regions
                    .get(region)
                    .and_then(|d| d.agents.as_ref()?.vector_stores.as_ref());
                let kind = kb.storage_type.as_deref();
                let Some(kind) = kind.filter(|_| kb.detail_collected) else {
                    let at = acct.at(Some(region), &kb.arn);
                    out.push(unread_detail(
                        cx,
                        &at,
                        &format!("Knowledge base {}", kb.name),
                        "bedrock-agent",
                        "its vector store",
                    ));
                    continue;
                };
                if kind != "OPENSEARCH_SERVERLESS" && kind != "S3_VECTORS" {
                    let resource = kb.storage_arn.clone().unwrap_or_else(|| kb.arn.clone());
                    if judged.contains(&resource) {
                        continue;
                    }
                    judged.push(resource.clone());
                    let at = acct.at(Some(region), resource);
                    let ev = json!({"knowledge_base": kb.arn, "storage_type": kind});
                    if OUTSIDE_AWS.contains(&kind) {
                        out.push(at.unknown(format!(
                            "Knowledge base {} stores its vectors in {kind}, outside AWS: its encryption is the provider's to show.", kb.name
                        )).evidence(ev).severity(Severity::Info));
                    } else {
                        out.push(at.unknown(format!(
                            "Knowledge base {} stores its vectors in {kind}, which this version of perimeter does not read.", kb.name
                        )).evidence(ev));
                    }
                    continue;
                }
                let Some(arn) = &kb.storage_arn else {
                    let at = acct.at(Some(region), &kb.arn);
                    out.push(at.unknown(format!(
                        "Knowledge base {} names no {kind} store ARN.",
                        kb.name
                    )));
                    continue;
                };
                if judged.contains(arn) {
                    continue;
                }
                judged.push(arn.clone());
                let at = acct.at(Some(region), arn);
                let what = format!("Vector store {arn} (knowledge base {})", kb.name);
                let Some(store) = stores
                    .and_then(|s| s.iter().find(|s| &s.arn == arn))
                    .filter(|s| s.read)
                else {
                    let ev = cx.with_gaps(
                        json!({"knowledge_base": kb.arn, "store": arn}),
                        at.account,
                        at.region,
                        if kind == "S3_VECTORS" {
                            "s3vectors"
                        } else {
                            "aoss"
                        },
                    );
                    out.push(at.unknown(format!("{what} could not be read (or was not found), so its encryption is not known.")).evidence(ev));
                    continue;
                };
                let ev = json!({"knowledge_base": kb.arn, "storage_type": kind, "kms_key_arn": store.kms_key_arn, "sse_type": store.sse_type});
                let key = store
                    .kms_key_arn
                    .as_deref()
                    .filter(|k| !k.eq_ignore_ascii_case("auto") && !k.is_empty());
                if store
                    .sse_type
                    .as_deref()
                    .is_some_and(|t| t.eq_ignore_ascii_case("AES256"))
                {
                    out.push(at.fail(format!("{what} is encrypted with S3-managed keys (AES256), not a customer-managed KMS key.")).evidence(ev));
                    continue;
                }
                out.push(cmk_draft(cx, &at, &what, key,
                    "the embeddings of your documents are encrypted with an AWS-owned key you cannot control or audit", ev));
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
    fn aws_owned_collection_and_aes256_bucket_fail_cmk_collection_passes() {
        let f = run("KMS-010", &estate_snapshot());
        assert_eq!(status_of(&f, "collection/goodcoll"), Status::Pass);
        assert_eq!(status_of(&f, "collection/badcoll"), Status::Fail);
    }
}
