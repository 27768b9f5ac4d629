//! S3: only the buckets that matter (invocation logs, large-data delivery, trail buckets):
//! location, default encryption, public access block, policy, object lock.

use aws_sdk_s3::Client;

use super::context::{CallContext, CallError};
use super::decode::policy_document;
use crate::model::{Bucket, BucketEncryption, ObjectLock, Probe, PublicAccessBlock};

const SVC: &str = "s3";

/// Error codes that mean "read, and not configured".
const NO_ENCRYPTION: &[&str] = &["ServerSideEncryptionConfigurationNotFoundError"];
const NO_PAB: &[&str] = &["NoSuchPublicAccessBlockConfiguration"];
const NO_POLICY: &[&str] = &["NoSuchBucketPolicy"];
const NO_LOCK: &[&str] = &["ObjectLockConfigurationNotFoundError"];

/// Outcome of `GetBucketLocation`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Region(String),
    /// The bucket does not exist.
    Missing,
    /// The location could not be read (a gap says why).
    Unknown,
}

/// The Region of a bucket (an empty constraint means us-east-1, `EU` eu-west-1).
pub async fn bucket_location(client: &Client, cx: &CallContext, bucket: &str) -> Location {
    match cx
        .call(SVC, "GetBucketLocation", || {
            client.get_bucket_location().bucket(bucket).send()
        })
        .await
    {
        Ok(out) => {
            let c = out
                .location_constraint()
                .map(|c| c.as_str().to_string())
                .unwrap_or_default();
            Location::Region(match c.as_str() {
                "" => "us-east-1".to_string(),
                "EU" => "eu-west-1".to_string(),
                other => other.to_string(),
            })
        }
        Err(e) => {
            cx.gap(SVC, "GetBucketLocation", &e, Some(&bucket_arn(bucket)));
            if e.is(&["NoSuchBucket"]) || e.status == Some(404) {
                Location::Missing
            } else {
                Location::Unknown
            }
        }
    }
}

fn bucket_arn(bucket: &str) -> String {
    format!("arn:aws:s3:::{bucket}")
}

/// Map a call outcome into a probe: success → `f`, a "not configured" code → `Absent`,
/// anything else → a gap and `Unknown`.
fn probe<T, O>(
    cx: &CallContext,
    op: &str,
    bucket: &str,
    res: Result<O, CallError>,
    absent: &[&str],
    f: impl FnOnce(O) -> Probe<T>,
) -> Probe<T> {
    match res {
        Ok(o) => f(o),
        Err(e) if e.is(absent) => Probe::Absent,
        Err(e) => {
            cx.gap(SVC, op, &e, Some(&bucket_arn(bucket)));
            Probe::Unknown
        }
    }
}

/// Read the configuration of one bucket with a client of the bucket's Region.
pub async fn collect_bucket(
    client: &Client,
    cx: &CallContext,
    name: &str,
    region: &str,
    roles: Vec<String>,
) -> Bucket {
    let (enc, pab, pol, lock) = futures::join!(
        cx.call(SVC, "GetBucketEncryption", || client
            .get_bucket_encryption()
            .bucket(name)
            .send()),
        cx.call(SVC, "GetPublicAccessBlock", || client
            .get_public_access_block()
            .bucket(name)
            .send()),
        cx.call(SVC, "GetBucketPolicy", || client
            .get_bucket_policy()
            .bucket(name)
            .send()),
        cx.call(SVC, "GetObjectLockConfiguration", || client
            .get_object_lock_configuration()
            .bucket(name)
            .send()),
    );
    let encryption = probe(cx, "GetBucketEncryption", name, enc, NO_ENCRYPTION, |o| {
        let rule = o
            .server_side_encryption_configuration()
            .and_then(|c| c.rules().first());
        match rule.and_then(|r| r.apply_server_side_encryption_by_default()) {
            Some(d) => Probe::Found(BucketEncryption {
                algorithm: d.sse_algorithm().as_str().to_string(),
                kms_key_id: d.kms_master_key_id().map(str::to_string),
                bucket_key_enabled: rule.and_then(|r| r.bucket_key_enabled()).unwrap_or(false),
            }),
            None => Probe::Absent,
        }
    });
    let public_access_block = probe(cx, "GetPublicAccessBlock", name, pab, NO_PAB, |o| {
        match o.public_access_block_configuration() {
            Some(c) => Probe::Found(PublicAccessBlock {
                block_public_acls: c.block_public_acls().unwrap_or(false),
                ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
                block_public_policy: c.block_public_policy().unwrap_or(false),
                restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
            }),
            None => Probe::Absent,
        }
    });
    let policy = probe(cx, "GetBucketPolicy", name, pol, NO_POLICY, |o| {
        match o.policy() {
            Some(text) if !text.trim().is_empty() => match policy_document(text) {
                Ok(v) => Probe::Found(v),
                Err(e) => {
                    cx.gap(
                        SVC,
                        "GetBucketPolicy",
                        format!("bucket policy: {e}"),
                        Some(&bucket_arn(name)),
                    );
                    Probe::Unknown
                }
            },
            _ => Probe::Absent,
        }
    });
    let object_lock = probe(cx, "GetObjectLockConfiguration", name, lock, NO_LOCK, |o| {
        match o.object_lock_configuration() {
            Some(c) => {
                let retention = c.rule().and_then(|r| r.default_retention());
                Probe::Found(ObjectLock {
                    enabled: c
                        .object_lock_enabled()
                        .is_some_and(|e| e.as_str().eq_ignore_ascii_case("Enabled")),
                    mode: retention
                        .and_then(|r| r.mode())
                        .map(|m| m.as_str().to_string()),
                    // moto adds `Years: 0` next to `Days`: zero means "not set".
                    days: retention.and_then(|r| r.days()).filter(|d| *d != 0),
                    years: retention.and_then(|r| r.years()).filter(|y| *y != 0),
                })
            }
            None => Probe::Absent,
        }
    });
    Bucket {
        name: name.to_string(),
        region: region.to_string(),
        roles,
        encryption,
        public_access_block,
        policy,
        object_lock,
    }
}

/// A bucket whose configuration could not be read at all.
pub fn unreadable_bucket(name: &str, region: &str, roles: Vec<String>) -> Bucket {
    Bucket {
        name: name.to_string(),
        region: region.to_string(),
        roles,
        ..Bucket::default()
    }
}
