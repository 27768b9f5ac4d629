//! CloudWatch Logs: the log groups Bedrock invocation logging and trails write to.

use aws_sdk_cloudwatchlogs::Client;

use super::context::CallContext;
use crate::model::LogGroup;

const SVC: &str = "logs";
const OP: &str = "DescribeLogGroups";
const MAX_PAGES: usize = 20;

/// Read one log group by exact name. `None` when it does not exist or could not be read
/// (a gap says which).
pub async fn collect_log_group(
    client: &Client,
    cx: &CallContext,
    name: &str,
    roles: Vec<String>,
) -> Option<LogGroup> {
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = cx
            .call_or_gap(SVC, OP, Some(name), || {
                client
                    .describe_log_groups()
                    .log_group_name_prefix(name)
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        if let Some(g) = page
            .log_groups()
            .iter()
            .find(|g| g.log_group_name() == Some(name))
        {
            let arn = g
                .log_group_arn()
                .map(str::to_string)
                .or_else(|| {
                    g.arn()
                        .map(|a| a.strip_suffix(":*").unwrap_or(a).to_string())
                })
                .unwrap_or_default();
            return Some(LogGroup {
                name: name.to_string(),
                arn,
                kms_key_id: g.kms_key_id().map(str::to_string),
                retention_days: g.retention_in_days(),
                roles,
            });
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    cx.gap(SVC, OP, "log group not found", Some(name));
    None
}
