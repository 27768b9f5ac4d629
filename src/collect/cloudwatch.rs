//! CloudWatch per Region: Bedrock's invocation-log delivery-failure metrics, read only
//! where invocation logging is configured (there is nothing to deliver elsewhere).

use aws_sdk_cloudwatch::Client;
use aws_sdk_cloudwatch::types::{Metric, MetricDataQuery, MetricStat};

use super::context::CallContext;
use crate::model::{DeliveryFailures, Probe};

const SVC: &str = "cloudwatch";
/// The window the delivery-failure sums cover.
pub const DELIVERY_WINDOW_DAYS: u32 = 7;

const METRICS: [(&str, &str); 3] = [
    ("cw", "ModelInvocationLogsCloudWatchDeliveryFailure"),
    ("s3", "ModelInvocationLogsS3DeliveryFailure"),
    ("large", "ModelInvocationLargeDataS3DeliveryFailure"),
];

/// Sums of the three delivery-failure metrics (namespace `AWS/Bedrock`, no dimension)
/// over the last [`DELIVERY_WINDOW_DAYS`] days.
pub async fn delivery_failures(client: &Client, cx: &CallContext) -> Probe<DeliveryFailures> {
    let days = DELIVERY_WINDOW_DAYS;
    let now = std::time::SystemTime::now();
    let start = now
        .checked_sub(std::time::Duration::from_secs(u64::from(days) * 86_400))
        .unwrap_or(std::time::UNIX_EPOCH);
    let queries: Vec<MetricDataQuery> = METRICS
        .iter()
        .map(|(id, name)| {
            MetricDataQuery::builder()
                .id(*id)
                .metric_stat(
                    MetricStat::builder()
                        .metric(
                            Metric::builder()
                                .namespace("AWS/Bedrock")
                                .metric_name(*name)
                                .build(),
                        )
                        .period(86_400)
                        .stat("Sum")
                        .build(),
                )
                .return_data(true)
                .build()
        })
        .collect();
    let mut sums = [0.0f64; 3];
    let mut token: Option<String> = None;
    for _ in 0..20 {
        let Some(page) = cx
            .call_or_gap(SVC, "GetMetricData", None, || {
                client
                    .get_metric_data()
                    .set_metric_data_queries(Some(queries.clone()))
                    .start_time(aws_smithy_types::DateTime::from(start))
                    .end_time(aws_smithy_types::DateTime::from(now))
                    .set_next_token(token.clone())
                    .send()
            })
            .await
        else {
            return Probe::Unknown;
        };
        for r in page.metric_data_results() {
            if let Some(i) = METRICS.iter().position(|(id, _)| Some(*id) == r.id()) {
                sums[i] += r.values().iter().sum::<f64>();
            }
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    Probe::Found(DeliveryFailures {
        days,
        cloudwatch: sums[0],
        s3: sums[1],
        large_data: sums[2],
    })
}
