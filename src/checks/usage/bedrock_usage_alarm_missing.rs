//! USE-003: a Bedrock-active Region has no CloudWatch alarm on Bedrock usage — actions
//! enabled, an alarm action, namespace `AWS/Bedrock` and one of `[usage] alarm_metrics`.

use serde_json::json;

use crate::checks::{Check, Draft, EvalContext};
use crate::model::Alarm;

fn watches(a: &Alarm, metrics: &[String]) -> bool {
    a.actions_enabled
        && a.alarm_actions > 0
        && a.namespaces.iter().any(|n| n == "AWS/Bedrock")
        && a.metrics.iter().any(|m| {
            metrics
                .iter()
                .any(|want| m == want || (m.contains(' ') && m.contains(want.as_str())))
        })
}

#[derive(Debug)]
pub struct BedrockUsageAlarmMissing;

impl Check for BedrockUsageAlarmMissing {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = Vec::new();
        let metrics = &cx.config.usage.alarm_metrics;
        for acct in &cx.accounts {
            for (region, why) in &acct.active_regions {
                let Some(data) = acct.account.regions.get(region) else {
                    continue;
                };
                let at = acct.at(Some(region), acct.root_arn());
                let Some(alarms) = data.alarms.as_ref() else {
                    out.push(cx.unread_region(
                        acct,
                        region,
                        why,
                        "cloudwatch",
                        format!("CloudWatch alarms in {region} could not be read."),
                    ));
                    continue;
                };
                let bedrock: Vec<&Alarm> = alarms
                    .iter()
                    .filter(|a| a.namespaces.iter().any(|n| n == "AWS/Bedrock"))
                    .collect();
                let good: Vec<&str> = bedrock
                    .iter()
                    .filter(|a| watches(a, metrics))
                    .map(|a| a.name.as_str())
                    .collect();
                let ev = json!({"bedrock_alarms": bedrock, "alarms_in_region": alarms.len(), "metrics": metrics, "active_region_reasons": why});
                if let Some(first) = good.first() {
                    out.push(
                        at.pass(format!(
                            "Alarm {first} watches Bedrock usage in {region} and notifies."
                        ))
                        .evidence(ev),
                    );
                } else {
                    out.push(at.fail(format!(
                        "No CloudWatch alarm with an action watches Bedrock usage ({}) in {region}: a spike in tokens or invocations goes unnoticed.",
                        metrics.join(", ")
                    )).evidence(ev));
                }
            }
        }
        out
    }
}
