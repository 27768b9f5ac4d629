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
