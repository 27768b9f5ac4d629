//! LOG-011: invocation logs are configured but Bedrock fails to deliver them.
//!
//! Where invocation logging is configured, CloudWatch `GetMetricData` (namespace
//! `AWS/Bedrock`, no dimension, daily sums over the last 7 days) of
//! `ModelInvocationLogsCloudWatchDeliveryFailure`, `ModelInvocationLogsS3DeliveryFailure`
//! and `ModelInvocationLargeDataS3DeliveryFailure` must be zero: every failure is an
//! invocation missing from the audit trail. Metrics that could not be read are unknown.

use serde_json::json;

use crate::checks::{Check, Draft, EvalContext};
use crate::model::Probe;

#[derive(Debug)]
pub struct InvocationLogDeliveryFailing;

impl Check for InvocationLogDeliveryFailing {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        for acct in &cx.accounts {
            let id = acct.account.id.as_str();
            for (region, data) in &acct.account.regions {
                let configured = data
                    .bedrock
                    .as_ref()
                    .is_some_and(|b| b.logging.found().is_some());
                if !configured {
                    continue;
                }
                let at = acct.at(Some(region), acct.root_arn());
                match &data.delivery_failures {
                    Probe::Found(d) => {
                        let ev = json!({"window_days": d.days, "cloudwatch_delivery_failures": d.cloudwatch, "s3_delivery_failures": d.s3, "large_data_delivery_failures": d.large_data});
                        let total = d.cloudwatch + d.s3 + d.large_data;
                        if total > 0.0 {
                            out.push(at.fail(format!(
                                "Bedrock failed to deliver invocation logs in {region} {total} time(s) in the last {} days (CloudWatch {}, S3 {}, large data {}): those invocations are missing from the audit trail.",
                                d.days, d.cloudwatch, d.s3, d.large_data
                            )).evidence(ev));
                        } else {
                            out.push(at.pass(format!("No invocation-log delivery failure in {region} in the last {} days.", d.days)).evidence(ev));
                        }
                    }
                    _ => out.push(at.unknown(format!(
                        "The delivery-failure metrics for invocation logs in {region} could not be read."
                    )).evidence(cx.gap_evidence(id, Some(region), "cloudwatch"))),
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

    fn snap(failures: Probe<DeliveryFailures>) -> Snapshot {
        one_region(RegionData {
            bedrock: Some(Bedrock {
                logging: Probe::Found(InvocationLogging {
                    s3_bucket: Some("logs".into()),
                    text: true,
                    ..InvocationLogging::default()
                }),
                ..Bedrock::all_read()
            }),
            delivery_failures: failures,
            ..RegionData::all_read()
        })
    }

    #[test]
    fn failures_fail_zero_passes_unread_is_unknown() {
        let d = |n: f64| {
            Probe::Found(DeliveryFailures {
                days: 7,
                cloudwatch: n,
                s3: 0.0,
                large_data: 0.0,
            })
        };
        assert_eq!(run("LOG-011", &snap(d(3.0)))[0].status, Status::Fail);
        assert_eq!(run("LOG-011", &snap(d(0.0)))[0].status, Status::Pass);
        assert_eq!(
            run("LOG-011", &snap(Probe::Unknown))[0].status,
            Status::Unknown
        );
    }
}
