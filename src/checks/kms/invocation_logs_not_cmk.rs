//! KMS-004: the invocation-log S3 bucket or log group is not encrypted with a
//! customer-managed key.

use serde_json::json;

use super::resolve;
use crate::checks::{Check, Draft, EvalContext};
use crate::model::Probe;

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

impl Check for InvocationLogsNotCmk {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            let part = acct.partition.as_str();
            for (region, data) in &acct.account.regions {
                let region = region.as_str();
                let logging = data.bedrock.as_ref().and_then(|b| b.logging.found());

                // Buckets: named by the logging configuration, or marked by the collector.
                let mut buckets: Vec<String> = Vec::new();
                if let Some(l) = logging {
                    buckets.extend(l.s3_bucket.iter().cloned());
                    buckets.extend(l.large_data_bucket.iter().cloned());
                }
                if let Some(s3) = &data.s3 {
                    buckets.extend(
                        s3.buckets
                            .iter()
                            .filter(|b| b.roles.iter().any(|r| r == ROLE))
                            .map(|b| b.name.clone()),
                    );
                }
                buckets.sort();
                buckets.dedup();
                for name in &buckets {
                    let arn = format!("arn:{part}:s3:::{name}");
                    let bucket = data
                        .s3
                        .as_ref()
                        .and_then(|s| s.buckets.iter().find(|b| &b.name == name));
                    let Some(bucket) = bucket else {
                        out.push(
                            Draft::unknown(
                                id,
                                Some(region),
                                arn,
                                format!("Invocation-log bucket {name} was not collected, so its encryption is not known."),
                            )
                            .evidence(cx.gap_evidence(id, Some(region), "s3")),
                        );
                        continue;
                    };
                    let d = match &bucket.encryption {
                        Probe::Unknown => Draft::unknown(
                            id,
                            Some(region),
                            arn,
                            format!("The default encryption of invocation-log bucket {name} could not be read."),
                        )
                        .evidence(cx.gap_evidence(id, Some(region), "s3")),
                        Probe::Absent => Draft::fail(
                            id,
                            Some(region),
                            arn,
                            format!("Invocation-log bucket {name} has no default encryption configured, so S3-managed keys (SSE-S3) protect the prompts and responses."),
                        )
                        .evidence(json!({"bucket": name, "encryption": null})),
                        Probe::Found(enc) => {
                            let ev = json!({"bucket": name, "algorithm": enc.algorithm, "kms_key_id": enc.kms_key_id});
                            if !enc.algorithm.starts_with("aws:kms") {
                                Draft::fail(
                                    id,
                                    Some(region),
                                    arn,
                                    format!("Invocation-log bucket {name} is encrypted with {} (S3-managed keys), not a customer-managed KMS key.", enc.algorithm),
                                )
                                .evidence(ev)
                            } else if let Some(key) = &enc.kms_key_id {
                                let k = resolve(cx, id, region, key);
                                let mut ev = ev;
                                ev["key"] = k.evidence();
                                match k.customer_managed() {
                                    Some(true) => Draft::pass(
                                        id,
                                        Some(region),
                                        arn,
                                        format!("Invocation-log bucket {name} is encrypted with customer-managed key {}.", k.arn()),
                                    ),
                                    Some(false) => Draft::fail(
                                        id,
                                        Some(region),
                                        arn,
                                        format!("Invocation-log bucket {name} is encrypted with AWS-managed key {}, whose policy you cannot control.", k.arn()),
                                    ),
                                    None => Draft::unknown(
                                        id,
                                        Some(region),
                                        arn,
                                        format!("Invocation-log bucket {name} uses KMS key {key}, which could not be matched to a collected key."),
                                    ),
                                }
                                .evidence(ev)
                            } else {
                                Draft::fail(
                                    id,
                                    Some(region),
                                    arn,
                                    format!("Invocation-log bucket {name} uses SSE-KMS with the AWS-managed key aws/s3, not a customer-managed key."),
                                )
                                .evidence(ev)
                            }
                        }
                    };
                    out.push(d);
                }

                // Log groups.
                let mut groups: Vec<String> = Vec::new();
                if let Some(g) = logging.and_then(|l| l.cloudwatch_log_group.clone()) {
                    groups.push(g);
                }
                if let Some(logs) = &data.logs {
                    groups.extend(
                        logs.log_groups
                            .iter()
                            .filter(|g| g.roles.iter().any(|r| r == ROLE))
                            .map(|g| g.name.clone()),
                    );
                }
                groups.sort();
                groups.dedup();
                for name in &groups {
                    let lg = data
                        .logs
                        .as_ref()
                        .and_then(|l| l.log_groups.iter().find(|g| &g.name == name));
                    let Some(lg) = lg else {
                        out.push(
                            Draft::unknown(
                                id,
                                Some(region),
                                log_group_arn(part, id, region, name, ""),
                                format!("Invocation-log group {name} was not collected, so its encryption is not known."),
                            )
                            .evidence(cx.gap_evidence(id, Some(region), "logs")),
                        );
                        continue;
                    };
                    let arn = log_group_arn(part, id, region, name, &lg.arn);
                    let mut ev = json!({"log_group": name, "kms_key_id": lg.kms_key_id});
                    let d = match &lg.kms_key_id {
                        None => Draft::fail(
                            id,
                            Some(region),
                            arn,
                            format!(
                                "Invocation-log group {name} has no KMS key, so CloudWatch Logs' service-managed encryption protects the prompts and responses."
                            ),
                        ),
                        Some(key) => {
                            let k = resolve(cx, id, region, key);
                            ev["key"] = k.evidence();
                            match k.customer_managed() {
                                Some(true) => Draft::pass(
                                    id,
                                    Some(region),
                                    arn,
                                    format!(
                                        "Invocation-log group {name} is encrypted with customer-managed key {}.",
                                        k.arn()
                                    ),
                                ),
                                Some(false) => Draft::fail(
                                    id,
                                    Some(region),
                                    arn,
                                    format!(
                                        "Invocation-log group {name} is encrypted with AWS-managed key {}, not a customer-managed key.",
                                        k.arn()
                                    ),
                                ),
                                None => Draft::unknown(
                                    id,
                                    Some(region),
                                    arn,
                                    format!(
                                        "Invocation-log group {name} uses KMS key {key}, which could not be matched to a collected key."
                                    ),
                                ),
                            }
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
                    ..Bedrock::default()
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
            by_res(&f, "arn:aws:s3:::inv-logs").evidence["key"]["key_arn"],
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
