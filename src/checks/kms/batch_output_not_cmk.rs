//! KMS-011: a batch inference job writes its output without a customer-managed key.
//!
//! For every job submitted in the activity window (`ListModelInvocationJobs
//! submitTimeAfter`): the job's `s3EncryptionKeyId` decides when set; otherwise the output
//! bucket's default encryption does (as for KMS-004's buckets). A bucket owned by another
//! account (`s3BucketOwner`) is not read: unknown.

use serde_json::json;

use super::{bucket_draft, cmk_draft};
use crate::checks::logging::find_bucket;
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct BatchOutputNotCmk;

impl Check for BatchOutputNotCmk {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            let read = acct.regions_reading(|d| d.bedrock.as_ref()?.batch_jobs.as_deref());
            for (region, jobs) in read {
                let jobs = match jobs {
                    Ok(j) => j,
                    Err(why) => {
                        out.push(cx.unread_region(
                            acct,
                            region,
                            why,
                            "bedrock",
                            format!("Batch inference jobs in {region} could not be listed."),
                        ));
                        continue;
                    }
                };
                for j in jobs {
                    let at = acct.at(Some(region), &j.arn);
                    let what = format!("Batch job {}", j.name);
                    let ev = json!({"job": j.name, "output": j.output_s3_uri, "s3_encryption_key_id": j.output_kms_key, "submitted": j.submitted});
                    if j.output_kms_key.is_some() {
                        out.push(cmk_draft(
                            cx,
                            &at,
                            &what,
                            j.output_kms_key.as_deref(),
                            "its output is encrypted with a key you do not control",
                            ev,
                        ));
                        continue;
                    }
                    if let Some(owner) = j.output_bucket_owner.as_deref().filter(|o| *o != id) {
                        out.push(at.unknown(format!(
                            "{what} sets no key and writes to a bucket of account {owner}, whose encryption perimeter does not read."
                        )).evidence(ev));
                        continue;
                    }
                    let bucket = j
                        .output_s3_uri
                        .as_deref()
                        .and_then(crate::model::arn::s3_bucket_of_uri)
                        .and_then(|name| find_bucket(acct.account, name));
                    match bucket {
                        Some((_, b)) => {
                            let d = bucket_draft(cx, &at, &format!("{what} sets no key, and its output bucket {}", b.name), "the batch output", b);
                            out.push(d);
                        }
                        None => out.push(at.unknown(format!(
                            "{what} sets no key and its output bucket was not read, so how its output is encrypted is not known."
                        )).evidence(cx.with_gaps(ev, id, Some(region), "s3"))),
                    }
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
    fn job_with_key_passes_job_into_sse_s3_bucket_fails() {
        let f = run("KMS-011", &estate_snapshot());
        assert_eq!(status_of(&f, "model-invocation-job/keyed"), Status::Pass);
        assert_eq!(status_of(&f, "model-invocation-job/plain"), Status::Fail);
    }
}
