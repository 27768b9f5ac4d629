//! KMS-013: a data store of the Bedrock pipeline is not encrypted with a customer-managed
//! key.
//!
//! The stores the estate names: the S3 buckets knowledge-base data sources ingest from
//! (`s3Configuration.bucketArn`) and the buckets batch jobs write to. Each is judged by its
//! default encryption (SSE-KMS with a customer-managed key passes). DynamoDB tables,
//! OpenSearch domains, action-group schema buckets and AgentCore file-system mounts are not
//! read yet; the log destinations are KMS-004's.

use super::bucket_draft;
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct PipelineStoreNotCmk;

const ROLES: [(&str, &str); 2] = [
    (
        "knowledge-base-source",
        "the documents a knowledge base ingests",
    ),
    ("batch-output", "batch inference output"),
];

impl Check for PipelineStoreNotCmk {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let part = acct.partition.as_str();
            for (region, data) in &acct.account.regions {
                // A knowledge base whose data sources (or a source's details) could not be
                // read ingests from buckets perimeter does not know: they are unknown, not
                // absent.
                let kbs = data
                    .agents
                    .as_ref()
                    .and_then(|a| a.knowledge_bases.as_ref());
                for kb in kbs.into_iter().flatten() {
                    let unread = match &kb.data_sources {
                        None => true,
                        Some(ds) => ds.iter().any(|d| !d.detail_collected),
                    };
                    if unread {
                        out.push(
                            acct.at(Some(region), kb.arn.clone())
                                .unknown(format!(
                                    "The data sources of knowledge base {} could not be read, so the buckets it ingests from (and their encryption) are not known.",
                                    kb.name
                                ))
                                .evidence(cx.gap_evidence(&acct.account.id, Some(region), "bedrock-agent")),
                        );
                    }
                }
                if data
                    .bedrock
                    .as_ref()
                    .is_some_and(|b| b.batch_jobs.is_none())
                {
                    out.push(
                        acct.at(Some(region), acct.root_arn())
                            .unknown(format!(
                                "Batch inference jobs in {region} could not be listed, so the buckets they write to (and their encryption) are not known."
                            ))
                            .evidence(cx.gap_evidence(&acct.account.id, Some(region), "bedrock")),
                    );
                }
                for b in data.s3.iter().flat_map(|s| &s.buckets) {
                    let Some((_, contents)) =
                        ROLES.iter().find(|(r, _)| b.roles.iter().any(|x| x == r))
                    else {
                        continue;
                    };
                    let at = acct.at(Some(region), format!("arn:{part}:s3:::{}", b.name));
                    out.push(bucket_draft(
                        cx,
                        &at,
                        &format!("Bucket {} (holding {contents})", b.name),
                        contents,
                        b,
                    ));
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
    fn sse_s3_source_bucket_fails_cmk_bucket_passes() {
        let f = run("KMS-013", &estate_snapshot());
        assert_eq!(status_of(&f, ":::estate-docs"), Status::Pass);
        assert_eq!(status_of(&f, ":::estate-faq"), Status::Fail);
    }
}
