//! Cost and abuse controls: CloudWatch alarms, GuardDuty detectors and Bedrock service
//! quotas per Region; budgets and Cost Explorer anomaly monitors and cost-allocation tags
//! for the account (billing APIs are global: called once, from us-east-1). Every failed
//! read is a gap and leaves its part `None`.

use futures::stream::{self, StreamExt};

use super::context::{CallContext, paginate};
use crate::model::{
    Alarm, AnomalyMonitor, AnomalySubscription, Billing, Budget, BudgetNotification, CostTag,
    Detector, Quota,
};

const FAN_OUT: usize = 4;

/// CloudWatch metric alarms of the Region.
pub async fn alarms(client: &aws_sdk_cloudwatch::Client, cx: &CallContext) -> Option<Vec<Alarm>> {
    paginate(|token| async move {
        let page = cx
            .call_or_gap("cloudwatch", "DescribeAlarms", None, || {
                client
                    .describe_alarms()
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        let items = page
            .metric_alarms()
            .iter()
            .map(|a| {
                let mut namespaces: Vec<String> =
                    a.namespace().map(str::to_string).into_iter().collect();
                let mut metrics: Vec<String> =
                    a.metric_name().map(str::to_string).into_iter().collect();
                for q in a.metrics() {
                    if let Some(m) = q.metric_stat().and_then(|s| s.metric()) {
                        namespaces.extend(m.namespace().map(str::to_string));
                        metrics.extend(m.metric_name().map(str::to_string));
                    }
                    // Metrics Insights: `SELECT ... FROM "AWS/Bedrock" ...`.
                    if let Some(e) = q.expression().filter(|e| e.contains("AWS/Bedrock")) {
                        namespaces.push("AWS/Bedrock".into());
                        metrics.push(e.to_string());
                    }
                }
                Alarm {
                    name: a.alarm_name().unwrap_or_default().to_string(),
                    arn: a.alarm_arn().unwrap_or_default().to_string(),
                    actions_enabled: a.actions_enabled().unwrap_or(false),
                    alarm_actions: a.alarm_actions().len(),
                    namespaces,
                    metrics,
                }
            })
            .collect();
        Some((items, page.next_token().map(str::to_string)))
    })
    .await
}

/// GuardDuty detectors of the Region, each with its AI Protection feature.
pub async fn detectors(
    client: &aws_sdk_guardduty::Client,
    cx: &CallContext,
) -> Option<Vec<Detector>> {
    let ids = paginate(|token| async move {
        let page = cx
            .call_or_gap("guardduty", "ListDetectors", None, || {
                client.list_detectors().set_next_token(token.clone()).send()
            })
            .await?;
        Some((
            page.detector_ids().to_vec(),
            page.next_token().map(str::to_string),
        ))
    })
    .await?;
    Some(
        stream::iter(ids)
            .map(|id| async move {
                let got = cx
                    .call_or_gap("guardduty", "GetDetector", Some(&id), || {
                        client.get_detector().detector_id(&id).send()
                    })
                    .await;
                Detector {
                    status: got
                        .as_ref()
                        .and_then(|d| d.status())
                        .map(|s| s.as_str().to_string()),
                    ai_protection: got.as_ref().and_then(|d| {
                        d.features()
                            .iter()
                            .find(|f| f.name().is_some_and(|n| n.as_str() == "AI_PROTECTION"))
                            .and_then(|f| f.status())
                            .map(|s| s.as_str().to_string())
                    }),
                    id,
                }
            })
            .buffered(FAN_OUT)
            .collect()
            .await,
    )
}

/// Bedrock's service quotas in the Region: the applied values, each with AWS's default.
pub async fn quotas(
    client: &aws_sdk_servicequotas::Client,
    cx: &CallContext,
) -> Option<Vec<Quota>> {
    let applied = paginate(|token| async move {
        let page = cx
            .call_or_gap("service-quotas", "ListServiceQuotas", None, || {
                client
                    .list_service_quotas()
                    .service_code("bedrock")
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        Some((
            page.quotas().to_vec(),
            page.next_token().map(str::to_string),
        ))
    });
    let defaults = paginate(|token| async move {
        let page = cx
            .call_or_gap(
                "service-quotas",
                "ListAWSDefaultServiceQuotas",
                None,
                || {
                    client
                        .list_aws_default_service_quotas()
                        .service_code("bedrock")
                        .set_next_token(token.clone())
                        .send()
                },
            )
            .await?;
        Some((
            page.quotas().to_vec(),
            page.next_token().map(str::to_string),
        ))
    });
    let (applied, defaults) = futures::join!(applied, defaults);
    let applied = applied?;
    Some(
        applied
            .iter()
            .map(|q| {
                let code = q.quota_code().unwrap_or_default().to_string();
                Quota {
                    name: q.quota_name().unwrap_or_default().to_string(),
                    arn: q.quota_arn().unwrap_or_default().to_string(),
                    value: q.value(),
                    default: defaults
                        .as_ref()
                        .and_then(|d| d.iter().find(|x| x.quota_code() == Some(code.as_str())))
                        .and_then(|x| x.value()),
                    code,
                }
            })
            .collect(),
    )
}

/// The account's budgets (with notifications, subscribers and stopping actions); for the
/// payer, also Cost Explorer's anomaly monitors, subscriptions and cost-allocation tags.
pub async fn billing(
    budgets_c: &aws_sdk_budgets::Client,
    ce: &aws_sdk_costexplorer::Client,
    cx: &CallContext,
    payer: bool,
) -> Billing {
    // Cost Explorer is billed per request and its data is the payer's (the organisation's
    // anomaly monitors and cost-allocation tags live there): it is asked in the payer
    // only, once. Budgets are read in every account (a member may budget itself).
    let ce_reads = async {
        if payer {
            futures::join!(
                anomaly_monitors(ce, cx),
                anomaly_subscriptions(ce, cx),
                cost_allocation_tags(ce, cx),
            )
        } else {
            (None, None, None)
        }
    };
    let (budgets, (monitors, subscriptions, tags)) =
        futures::join!(budgets(budgets_c, cx), ce_reads);
    Billing {
        budgets,
        anomaly_monitors: monitors,
        anomaly_subscriptions: subscriptions,
        cost_allocation_tags: tags,
    }
}

async fn budgets(client: &aws_sdk_budgets::Client, cx: &CallContext) -> Option<Vec<Budget>> {
    let account = cx.account.as_str();
    let listed = paginate(|token| async move {
        let page = cx
            .call_or_gap("budgets", "DescribeBudgets", None, || {
                client
                    .describe_budgets()
                    .account_id(account)
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        Some((
            page.budgets().to_vec(),
            page.next_token().map(str::to_string),
        ))
    })
    .await?;
    Some(
        stream::iter(listed)
            .map(|b| async move {
                let name = b.budget_name().to_string();
                // `CostFilters` is deprecated for `FilterExpression`, but older budgets (and
                // the APIs' own examples) still use it; both are read.
                #[expect(deprecated, reason = "existing budgets still carry CostFilters")]
                let filters = b.cost_filters();
                let services = filters
                    .and_then(|f| f.get("Service").cloned())
                    .or_else(|| b.filter_expression().map(|e| vec![format!("{e:?}")]));
                let linked = filters
                    .and_then(|f| f.get("LinkedAccount").cloned())
                    .unwrap_or_default();
                let notes = cx
                    .call_or_gap(
                        "budgets",
                        "DescribeNotificationsForBudget",
                        Some(&name),
                        || {
                            client
                                .describe_notifications_for_budget()
                                .account_id(account)
                                .budget_name(&name)
                                .send()
                        },
                    )
                    .await;
                let notifications = match notes {
                    None => None,
                    Some(n) => Some(
                        stream::iter(n.notifications().to_vec())
                            .map(|note| {
                                let name = &name;
                                async move {
                                    let subs = cx
                                        .call_or_gap(
                                            "budgets",
                                            "DescribeSubscribersForNotification",
                                            Some(name),
                                            || {
                                                client
                                                    .describe_subscribers_for_notification()
                                                    .account_id(account)
                                                    .budget_name(name)
                                                    .notification(note.clone())
                                                    .send()
                                            },
                                        )
                                        .await;
                                    BudgetNotification {
                                        notification_type: note
                                            .notification_type()
                                            .as_str()
                                            .to_string(),
                                        threshold: note.threshold(),
                                        subscribers: subs.map(|s| s.subscribers().len()),
                                    }
                                }
                            })
                            .buffered(FAN_OUT)
                            .collect::<Vec<_>>()
                            .await,
                    ),
                };
                let actions = cx
                    .call_or_gap(
                        "budgets",
                        "DescribeBudgetActionsForBudget",
                        Some(&name),
                        || {
                            client
                                .describe_budget_actions_for_budget()
                                .account_id(account)
                                .budget_name(&name)
                                .send()
                        },
                    )
                    .await
                    .map(|a| {
                        a.actions()
                            .iter()
                            .filter(|x| {
                                matches!(
                                    x.action_type().as_str(),
                                    "APPLY_IAM_POLICY" | "APPLY_SCP_POLICY"
                                )
                            })
                            .count()
                    });
                Budget {
                    budget_type: b.budget_type().as_str().to_string(),
                    services,
                    linked_accounts: linked,
                    notifications,
                    stopping_actions: actions,
                    name,
                }
            })
            .buffered(FAN_OUT)
            .collect()
            .await,
    )
}

async fn anomaly_monitors(
    client: &aws_sdk_costexplorer::Client,
    cx: &CallContext,
) -> Option<Vec<AnomalyMonitor>> {
    paginate(|token| async move {
        let page = cx
            .call_or_gap("ce", "GetAnomalyMonitors", None, || {
                client
                    .get_anomaly_monitors()
                    .set_next_page_token(token.clone())
                    .send()
            })
            .await?;
        let items = page
            .anomaly_monitors()
            .iter()
            .map(|m| AnomalyMonitor {
                arn: m.monitor_arn().unwrap_or_default().to_string(),
                name: m.monitor_name().to_string(),
                monitor_type: m.monitor_type().as_str().to_string(),
                dimension: m.monitor_dimension().map(|d| d.as_str().to_string()),
                specification: m.monitor_specification().map(|s| format!("{s:?}")),
            })
            .collect();
        Some((items, page.next_page_token().map(str::to_string)))
    })
    .await
}

async fn anomaly_subscriptions(
    client: &aws_sdk_costexplorer::Client,
    cx: &CallContext,
) -> Option<Vec<AnomalySubscription>> {
    paginate(|token| async move {
        let page = cx
            .call_or_gap("ce", "GetAnomalySubscriptions", None, || {
                client
                    .get_anomaly_subscriptions()
                    .set_next_page_token(token.clone())
                    .send()
            })
            .await?;
        let items = page
            .anomaly_subscriptions()
            .iter()
            .map(|s| AnomalySubscription {
                arn: s.subscription_arn().unwrap_or_default().to_string(),
                name: s.subscription_name().to_string(),
                monitors: s.monitor_arn_list().to_vec(),
                confirmed_subscribers: s
                    .subscribers()
                    .iter()
                    .filter(|x| x.status().is_some_and(|st| st.as_str() == "CONFIRMED"))
                    .count(),
            })
            .collect();
        Some((items, page.next_page_token().map(str::to_string)))
    })
    .await
}

async fn cost_allocation_tags(
    client: &aws_sdk_costexplorer::Client,
    cx: &CallContext,
) -> Option<Vec<CostTag>> {
    paginate(|token| async move {
        let page = cx
            .call_or_gap("ce", "ListCostAllocationTags", None, || {
                client
                    .list_cost_allocation_tags()
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        let items = page
            .cost_allocation_tags()
            .iter()
            .map(|t| CostTag {
                key: t.tag_key().to_string(),
                status: t.status().as_str().to_string(),
            })
            .collect();
        Some((items, page.next_token().map(str::to_string)))
    })
    .await
}
