//! KMS-004: the invocation-log S3 bucket or log group is not encrypted with a
//! customer-managed key.

use serde_json::json;

use super::{bucket_draft, key_verdict, resolve};
use crate::checks::Subject;
use crate::checks::{Check, Draft, EvalContext};

#[derive(Debug)]
pub struct InvocationLogsNotCmk;

const ROLE: &str = "invocation-logs";

/// The log group's ARN without the `:*` suffix DescribeLogGroups adds.
pub(crate) fn log_group_arn(
    partition: &str,
    account: &str,
    region: &str,
    name: &str,
    arn: &str,
) -> String {
    if arn.is_empty() {
        format!("arn:{partition}:logs:{region}:{account}:log-group:{name}")
    } else {
        arn.strip_suffix(":*").unwrap_or(arn).to_string()
    }
}

/// The names the logging configuration gives, with those of `collected` (name, roles)
/// the collector marked as holding invocation logs; sorted, without repeats.
fn log_destinations<'a>(
    configured: impl IntoIterator<Item = &'a String>,
    collected: impl IntoIterator<Item = (&'a String, &'a [String])>,
) -> Vec<&'a String> {
    let mut names: Vec<&String> = configured.into_iter().collect();
    names.extend(
        collected
            .into_iter()
            .filter(|(_, roles)| roles.iter().any(|r| r == ROLE))
            .map(|(name, _)| name),
    );
    names.sort();
    names.dedup();
    names
}

impl Check for InvocationLogsNotCmk {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            let part = acct.partition.as_str();
            for (region, data) in &acct.account.regions {
                let region = region.as_str();
                let logging = data.bedrock.as_ref().and_then(|b| b.logging.found());
                let buckets = data.s3.iter().flat_map(|s| &s.buckets);
                let logs = data.logs.iter().flat_map(|l| &l.log_groups);

                // Buckets: named by the logging configuration, or marked by the collector.
                let configured = logging
                    .into_iter()
                    .flat_map(|l| [&l.s3_bucket, &l.large_data_bucket]);
                let marked = buckets.clone().map(|b| (&b.name, b.roles.as_slice()));
                for name in log_destinations(configured.flatten(), marked) {
                    let at = Subject::new(id, Some(region), format!("arn:{part}:s3:::{name}"));
                    let what = format!("Invocation-log bucket {name}");
                    let Some(bucket) = buckets.clone().find(|b| &b.name == name) else {
                        out.push(
                            at.unknown(format!(
                                "{what} was not collected, so its encryption is not known."
                            ))
                            .evidence(cx.gap_evidence(
                                id,
                                Some(region),
                                "s3",
                            )),
                        );
                        continue;
                    };
                    let d = bucket_draft(cx, &at, &what, "the prompts and responses", bucket);
                    out.push(d);
                }

                // Log groups.
                let configured = logging.and_then(|l| l.cloudwatch_log_group.as_ref());
                let marked = logs.clone().map(|g| (&g.name, g.roles.as_slice()));
                for name in log_destinations(configured, marked) {
                    let what = format!("Invocation-log group {name}");
                    let Some(lg) = logs.clone().find(|g| &g.name == name) else {
                        out.push(
                            Subject::new(
                                id,
                                Some(region),
                                log_group_arn(part, id, region, name, ""),
                            )
                            .unknown(format!(
                                "{what} was not collected, so its encryption is not known."
                            ))
                            .evidence(cx.gap_evidence(
                                id,
                                Some(region),
                                "logs",
                            )),
                        );
                        continue;
                    };
                    let at = Subject::new(
                        id,
                        Some(region),
                        log_group_arn(part, id, region, name, &lg.arn),
                    );
                    let mut ev = json!({"log_group": name, "kms_key_id": lg.kms_key_id});
                    let d = match &lg.kms_key_id {
                        None => at.fail(format!(
                                "{what} has no KMS key, so CloudWatch Logs' service-managed encryption protects the prompts and responses."
                            )),
                        Some(key) => {
                            let k = resolve(cx, id, region, key);
                            ev["key"] = k.evidence();
                            key_verdict(&at, &what, key, &k, "not a customer-managed key")
                        }
                    };
                    out.push(d.evidence(ev));
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
    use crate::model::*;

    fn snap(enc: Probe<BucketEncryption>, lg_key: Option<&str>) -> Snapshot {
        let mut a = account(ACCOUNT);
        let cmk = KmsKey {
            id: "cmk-1".into(),
            arn: format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/cmk-1"),
            manager: "CUSTOMER".into(),
            aliases: vec!["alias/logs".into()],
            ..KmsKey::default()
        };
        a.regions.insert(
            "us-east-1".into(),
            RegionData {
                kms: Some(Kms { keys: vec![cmk] }),
                bedrock: Some(Bedrock {
                    logging: Probe::Found(InvocationLogging {
                        s3_bucket: Some("inv-logs".into()),
                        cloudwatch_log_group: Some("/bedrock/inv".into()),
                        text: true,
                        ..InvocationLogging::default()
                    }),
                    ..Bedrock::all_read()
                }),
                s3: Some(S3 {
                    buckets: vec![Bucket {
                        name: "inv-logs".into(),
                        region: "us-east-1".into(),
                        roles: vec!["invocation-logs".into()],
                        encryption: enc,
                        ..Bucket::default()
                    }],
                }),
                logs: Some(Logs {
                    log_groups: vec![LogGroup {
                        name: "/bedrock/inv".into(),
                        arn: format!("arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/bedrock/inv:*"),
                        kms_key_id: lg_key.map(str::to_string),
                        retention_days: None,
                        roles: vec!["invocation-logs".into()],
                    }],
                }),
                ..RegionData::all_read()
            },
        );
        snapshot(vec![a])
    }

    fn by_res<'a>(f: &'a [crate::checks::Finding], res: &str) -> &'a crate::checks::Finding {
        f.iter().find(|x| x.resource == res).unwrap()
    }

    #[test]
    fn sse_s3_bucket_and_unkeyed_log_group_fail() {
        let f = run(
            "KMS-004",
            &snap(
                Probe::Found(BucketEncryption {
                    algorithm: "AES256".into(),
                    ..Default::default()
                }),
                None,
            ),
        );
        assert_eq!(f.len(), 2);
        let b = by_res(&f, "arn:aws:s3:::inv-logs");
        assert_eq!(b.status, Status::Fail);
        assert!(b.message.contains("AES256"));
        let g = by_res(
            &f,
            &format!("arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/bedrock/inv"),
        );
        assert_eq!(g.status, Status::Fail);
    }

    #[test]
    fn cmk_by_alias_and_arn_pass() {
        let f = run(
            "KMS-004",
            &snap(
                Probe::Found(BucketEncryption {
                    algorithm: "aws:kms".into(),
                    kms_key_id: Some("alias/logs".into()),
                    bucket_key_enabled: true,
                }),
                Some(&format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/cmk-1")),
            ),
        );
        assert!(f.iter().all(|x| x.status == Status::Pass), "{f:#?}");
        assert_eq!(
            by_res(&f, "arn:aws:s3:::inv-logs").evidence.value()["key"]["key_arn"],
            format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/cmk-1")
        );
    }

    #[test]
    fn aws_managed_s3_key_fails_and_unreadable_is_unknown() {
        let f = run(
            "KMS-004",
            &snap(
                Probe::Found(BucketEncryption {
                    algorithm: "aws:kms".into(),
                    kms_key_id: Some("alias/aws/s3".into()),
                    bucket_key_enabled: false,
                }),
                Some("unknown-key-id"),
            ),
        );
        assert_eq!(by_res(&f, "arn:aws:s3:::inv-logs").status, Status::Fail);
        let g = by_res(
            &f,
            &format!("arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/bedrock/inv"),
        );
        assert_eq!(g.status, Status::Unknown);

        let f = run("KMS-004", &snap(Probe::Unknown, None));
        assert_eq!(by_res(&f, "arn:aws:s3:::inv-logs").status, Status::Unknown);
    }
}
