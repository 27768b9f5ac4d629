//! The cost, abuse and residency fixtures (`tests/fixtures/snapshots/usage.json` and
//! `usage-solo.json`): every USE, THR and RES check passes and fails somewhere in them.

use serde_json::json;

use crate::checks::testutil::{ACCOUNT, account, snapshot};
use crate::model::*;

pub const MEMBER: &str = "444455556666";
const DAYS: u32 = 90;

fn window(events: Vec<TrailEvent>) -> Option<EventWindow> {
    Some(EventWindow {
        days: DAYS,
        capped: false,
        events,
    })
}

fn event(id: &str, name: &str, time: &str, region: &str) -> TrailEvent {
    TrailEvent {
        id: id.into(),
        time: time.into(),
        name: name.into(),
        source: "bedrock.amazonaws.com".into(),
        region: region.into(),
        ..TrailEvent::default()
    }
}

fn by_role(mut e: TrailEvent, account: &str, role: &str) -> TrailEvent {
    e.principal = Some(format!("arn:aws:sts::{account}:assumed-role/{role}/s"));
    e.role = Some(format!("arn:aws:iam::{account}:role/{role}"));
    e.identity_type = Some("AssumedRole".into());
    e.key_kind = Some("ASIA".into());
    e
}

fn by_user(mut e: TrailEvent, account: &str, user: &str) -> TrailEvent {
    e.principal = Some(format!("arn:aws:iam::{account}:user/{user}"));
    e.identity_type = Some("IAMUser".into());
    e.key_kind = Some("AKIA".into());
    e
}

fn invoke(id: &str, time: &str, region: &str, model: &str, served: Option<&str>) -> TrailEvent {
    let mut e = event(id, "InvokeModel", time, region);
    e.model_id = Some(model.into());
    e.inference_region = served.map(str::to_string);
    e
}

fn role(account: &str, name: &str, action: &str, tags: &[(&str, &str)]) -> Role {
    Role {
        arn: format!("arn:aws:iam::{account}:role/{name}"),
        name: name.into(),
        path: "/".into(),
        trust_policy: json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{account}:root")}, "Action": "sts:AssumeRole"}]}).into(),
        inline_policies: vec![InlinePolicy {
            name: "p".into(),
            document: json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]}).into(),
        }],
        tags: tags
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Default::default()
    }
}

fn budget(name: &str, linked: &[&str], subscribers: usize) -> Budget {
    Budget {
        name: name.into(),
        budget_type: "COST".into(),
        services: Some(vec!["Amazon Bedrock".into()]),
        linked_accounts: linked.iter().map(|s| s.to_string()).collect(),
        notifications: Some(vec![BudgetNotification {
            notification_type: "ACTUAL".into(),
            threshold: 80.0,
            subscribers: Some(subscribers),
        }]),
        stopping_actions: Some(0),
    }
}

fn quota(region: &str, account: &str, code: &str, value: f64, default: f64) -> Quota {
    Quota {
        code: code.into(),
        name: format!("quota {code}"),
        arn: format!("arn:aws:servicequotas:{region}:{account}:bedrock/{code}"),
        value: Some(value),
        default: Some(default),
    }
}

fn logging_on() -> Probe<InvocationLogging> {
    Probe::Found(InvocationLogging {
        s3_bucket: Some("logs".into()),
        text: true,
        ..InvocationLogging::default()
    })
}

/// The management account: budgets, monitors, alarms, tags, quotas and GuardDuty, and an
/// event history with a model-access change, a discovery burst, long-term-key
/// invocations and a defence removed in a Region nobody uses.
fn management() -> Account {
    let a = ACCOUNT;
    let mut m = account(a);
    m.name = Some("management".into());
    m.iam = Some(Iam {
        roles: vec![
            role(a, "admin", "*", &[]),
            role(
                a,
                "curator",
                "bedrock:ListFoundationModels",
                &[("tenant", "acme")],
            ),
        ],
        users: vec![User {
            arn: format!("arn:aws:iam::{a}:user/alice"),
            name: "alice".into(),
            path: "/".into(),
            ..Default::default()
        }],
        ..Default::default()
    });
    m.billing = Some(Billing {
        budgets: Some(vec![budget("bedrock-monthly", &[a], 1)]),
        anomaly_monitors: Some(vec![AnomalyMonitor {
            arn: format!("arn:aws:ce::{a}:anomalymonitor/m1"),
            name: "management-only".into(),
            monitor_type: "CUSTOM".into(),
            dimension: None,
            specification: Some(format!(
                "{{\"Dimensions\":{{\"Key\":\"LINKED_ACCOUNT\",\"Values\":[\"{a}\"]}}}}"
            )),
        }]),
        anomaly_subscriptions: Some(vec![AnomalySubscription {
            arn: format!("arn:aws:ce::{a}:anomalysubscription/s1"),
            name: "alerts".into(),
            monitors: vec![format!("arn:aws:ce::{a}:anomalymonitor/m1")],
            confirmed_subscribers: 1,
        }]),
        cost_allocation_tags: Some(vec![
            CostTag {
                key: "workload".into(),
                status: "Active".into(),
            },
            CostTag {
                key: "tenant".into(),
                status: "Inactive".into(),
            },
        ]),
    });
    // us-east-1: logging on, a usage alarm, two application profiles, a raised quota,
    // AI Protection on, and the burst, the model-access change and the key invocations.
    let mut us = RegionData::all_read();
    let b = us.bedrock.as_mut().unwrap();
    b.logging = logging_on();
    let profile = |name: &str, tags: &[(&str, &str)]| InferenceProfile {
        id: name.into(),
        arn: format!("arn:aws:bedrock:us-east-1:{a}:application-inference-profile/{name}"),
        name: name.into(),
        kind: "APPLICATION".into(),
        status: "ACTIVE".into(),
        models: vec!["arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude".into()],
        tags: Some(
            tags.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        ),
    };
    b.inference_profiles = Some(vec![
        profile("tagged", &[("workload", "chat"), ("tenant", "acme")]),
        profile("untagged", &[]),
    ]);
    us.alarms = Some(vec![Alarm {
        name: "bedrock-invocations".into(),
        arn: format!("arn:aws:cloudwatch:us-east-1:{a}:alarm:bedrock-invocations"),
        actions_enabled: true,
        alarm_actions: 1,
        namespaces: vec!["AWS/Bedrock".into()],
        metrics: vec!["Invocations".into()],
    }]);
    us.quotas = Some(vec![
        quota("us-east-1", a, "L-TOKENS", 2_000_000.0, 400_000.0),
        quota("us-east-1", a, "L-REQUESTS", 200.0, 200.0),
    ]);
    us.detectors = Some(vec![Detector {
        id: "d-us".into(),
        status: Some("ENABLED".into()),
        ai_protection: Some("ENABLED".into()),
    }]);
    let mut events = vec![by_role(
        event(
            "e-access",
            "PutUseCaseForModelAccess",
            "2026-10-20T10:00:00Z",
            "us-east-1",
        ),
        a,
        "curator",
    )];
    for i in 0..21 {
        events.push(by_user(
            event(
                &format!("e-list-{i}"),
                "ListFoundationModels",
                &format!("2026-10-25T10:{i:02}:00Z"),
                "us-east-1",
            ),
            a,
            "alice",
        ));
    }
    events.push(by_user(
        invoke(
            "e-inv-us",
            "2026-10-25T10:40:00Z",
            "us-east-1",
            "anthropic.claude",
            None,
        ),
        a,
        "alice",
    ));
    us.cloudtrail.as_mut().unwrap().bedrock_events = window(events);
    us.cloudtrail.as_mut().unwrap().global_events = window(Vec::new());
    // eu-west-1: a guardrail (active), an alarm without actions, quotas at default, no
    // detector, no events.
    let mut eu = RegionData::all_read();
    eu.bedrock.as_mut().unwrap().guardrails = Some(vec![Guardrail {
        id: "g-eu".into(),
        arn: format!("arn:aws:bedrock:eu-west-1:{a}:guardrail/g-eu"),
        name: "eu".into(),
        ..Default::default()
    }]);
    eu.alarms = Some(vec![Alarm {
        name: "muted".into(),
        arn: format!("arn:aws:cloudwatch:eu-west-1:{a}:alarm:muted"),
        actions_enabled: false,
        alarm_actions: 0,
        namespaces: vec!["AWS/Bedrock".into()],
        metrics: vec!["Invocations".into()],
    }]);
    eu.quotas = Some(vec![quota(
        "eu-west-1",
        a,
        "L-TOKENS",
        400_000.0,
        400_000.0,
    )]);
    eu.cloudtrail.as_mut().unwrap().bedrock_events = window(Vec::new());
    // ap-northeast-1: nothing but events — invocations with the stolen key, and a
    // guardrail deleted by a non-administrator.
    let mut ap = RegionData::all_read();
    ap.cloudtrail.as_mut().unwrap().bedrock_events = window(vec![
        by_user(
            invoke(
                "e-inv-ap",
                "2026-10-25T11:00:00Z",
                "ap-northeast-1",
                "anthropic.claude",
                None,
            ),
            a,
            "alice",
        ),
        by_role(
            event(
                "e-del",
                "DeleteGuardrail",
                "2026-10-26T09:00:00Z",
                "ap-northeast-1",
            ),
            a,
            "curator",
        ),
    ]);
    m.regions.insert("us-east-1".into(), us);
    m.regions.insert("eu-west-1".into(), eu);
    m.regions.insert("ap-northeast-1".into(), ap);
    m
}

/// A member with an EU residency requirement (account tag): its calls on the EU profile
/// stay in the EU, those on a global profile were served in the US. It sets up no
/// budget or monitor of its own, and its history is clean of threat signals.
fn member() -> Account {
    let a = MEMBER;
    let mut p = account(a);
    p.name = Some("payments".into());
    p.tags.insert("data-residency".into(), "eu".into());
    p.iam = Some(Iam {
        roles: vec![role(a, "chat", "bedrock:InvokeModel", &[])],
        ..Default::default()
    });
    p.billing = Some(Billing {
        budgets: Some(Vec::new()),
        anomaly_monitors: None,
        anomaly_subscriptions: None,
        cost_allocation_tags: None,
    });
    let eu_prof = format!("arn:aws:bedrock:eu-west-1:{a}:inference-profile/eu.anthropic.claude");
    let global = format!("arn:aws:bedrock:eu-west-1:{a}:inference-profile/global.anthropic.claude");
    let mut eu = RegionData::all_read();
    eu.bedrock.as_mut().unwrap().logging = logging_on();
    eu.cloudtrail.as_mut().unwrap().bedrock_events = window(vec![
        by_role(
            invoke(
                "r-1",
                "2026-10-27T10:00:00Z",
                "eu-west-1",
                &eu_prof,
                Some("eu-central-1"),
            ),
            a,
            "chat",
        ),
        by_role(
            invoke(
                "r-2",
                "2026-10-27T11:00:00Z",
                "eu-west-1",
                &global,
                Some("us-east-2"),
            ),
            a,
            "chat",
        ),
    ]);
    let mut fra = RegionData::all_read();
    fra.bedrock.as_mut().unwrap().logging = logging_on();
    fra.cloudtrail.as_mut().unwrap().bedrock_events = window(vec![by_role(
        invoke(
            "r-3",
            "2026-10-28T10:00:00Z",
            "eu-central-1",
            "anthropic.claude",
            None,
        ),
        a,
        "chat",
    )]);
    let mut us = RegionData::all_read();
    us.cloudtrail.as_mut().unwrap().bedrock_events = window(Vec::new());
    us.cloudtrail.as_mut().unwrap().global_events = window(Vec::new());
    p.regions.insert("eu-west-1".into(), eu);
    p.regions.insert("eu-central-1".into(), fra);
    p.regions.insert("us-east-1".into(), us);
    p
}

/// `usage.json`: an organisation of the management account and one member.
pub fn usage_fixture() -> Snapshot {
    let mut s = snapshot(vec![management(), member()]);
    s.organization = Some(Organization {
        id: "o-usage".into(),
        arn: format!("arn:aws:organizations::{ACCOUNT}:organization/o-usage"),
        management_account_id: ACCOUNT.into(),
        root_id: "r-usage".into(),
        accounts: [ACCOUNT, MEMBER]
            .iter()
            .map(|id| OrgAccount {
                id: id.to_string(),
                name: id.to_string(),
                status: "ACTIVE".into(),
                parent_id: "r-usage".into(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    });
    s
}

/// `usage-solo.json`: an account in no organisation whose workload tag is active (and
/// whose tenant tag is unused), so it pays its own bill and can split it.
pub fn usage_solo_fixture() -> Snapshot {
    let a = "999988887777";
    let mut solo = account(a);
    solo.iam = Some(Iam {
        roles: vec![role(
            a,
            "app",
            "bedrock:InvokeModel",
            &[("workload", "chat")],
        )],
        ..Default::default()
    });
    solo.billing = Some(Billing {
        budgets: Some(Vec::new()),
        anomaly_monitors: Some(Vec::new()),
        anomaly_subscriptions: Some(Vec::new()),
        cost_allocation_tags: Some(vec![CostTag {
            key: "workload".into(),
            status: "Active".into(),
        }]),
    });
    let mut us = RegionData::all_read();
    us.bedrock.as_mut().unwrap().logging = logging_on();
    us.cloudtrail.as_mut().unwrap().bedrock_events = window(Vec::new());
    us.cloudtrail.as_mut().unwrap().global_events = window(Vec::new());
    solo.regions.insert("us-east-1".into(), us);
    snapshot(vec![solo])
}

#[cfg(test)]
mod tests {
    /// The fixtures on disk are what the builders make. Run with
    /// `PERIMETER_WRITE_FIXTURES=1` to rewrite them after changing a builder.
    #[test]
    fn usage_fixtures_are_current() {
        for (file, snap) in [
            ("usage.json", super::usage_fixture()),
            ("usage-solo.json", super::usage_solo_fixture()),
        ] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/snapshots")
                .join(file);
            let mut built = serde_json::to_string_pretty(&snap).unwrap();
            built.push('\n');
            if std::env::var_os("PERIMETER_WRITE_FIXTURES").is_some() {
                std::fs::write(&path, &built).unwrap();
            }
            let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
            assert_eq!(on_disk, built, "tests/fixtures/snapshots/{file} is stale");
        }
    }
}

/// What the checks say when part of the data is missing: never a pass (or a fail) that the
/// missing part could overturn.
#[cfg(test)]
mod missing_data {
    use super::*;
    use crate::checks::Status;
    use crate::checks::testutil::run;

    fn status(snap: &Snapshot, code: &str, account: &str, region: Option<&str>) -> Vec<Status> {
        run(code, snap)
            .into_iter()
            .filter(|f| f.account == account && f.region.as_deref() == region)
            .map(|f| f.status)
            .collect()
    }

    fn window_mut<'a>(
        s: &'a mut Snapshot,
        account: &str,
        region: &str,
    ) -> &'a mut Option<EventWindow> {
        let a = s.accounts.iter_mut().find(|a| a.id == account).unwrap();
        &mut a
            .regions
            .get_mut(region)
            .unwrap()
            .cloudtrail
            .as_mut()
            .unwrap()
            .bedrock_events
    }

    #[test]
    fn a_window_cut_short_makes_no_such_event_unknown_but_keeps_what_was_seen() {
        let mut s = usage_fixture();
        assert_eq!(status(&s, "THR-004", MEMBER, None), vec![Status::Pass]);
        window_mut(&mut s, MEMBER, "us-east-1")
            .as_mut()
            .unwrap()
            .capped = true;
        assert_eq!(status(&s, "THR-004", MEMBER, None), vec![Status::Unknown]);
        // The management account's failures stand on the events read.
        window_mut(&mut s, ACCOUNT, "ap-northeast-1")
            .as_mut()
            .unwrap()
            .capped = true;
        assert_eq!(
            status(&s, "THR-003", ACCOUNT, Some("ap-northeast-1")),
            vec![Status::Fail]
        );
    }

    #[test]
    fn unread_history_leaves_residency_undecided() {
        let mut s = usage_fixture();
        assert_eq!(
            status(&s, "RES-001", MEMBER, Some("eu-central-1")),
            vec![Status::Pass]
        );
        *window_mut(&mut s, MEMBER, "eu-central-1") = None;
        assert_eq!(
            status(&s, "RES-001", MEMBER, Some("eu-central-1")),
            vec![Status::Unknown]
        );
        // The breach elsewhere is still a breach.
        assert_eq!(
            status(&s, "RES-001", MEMBER, Some("eu-west-1")),
            vec![Status::Fail]
        );
    }

    #[test]
    fn a_member_without_its_payers_budgets_is_unknown_not_failed() {
        let mut s = usage_fixture();
        assert_eq!(status(&s, "USE-001", MEMBER, None), vec![Status::Fail]);
        s.accounts
            .iter_mut()
            .find(|a| a.id == ACCOUNT)
            .unwrap()
            .billing = None;
        assert_eq!(status(&s, "USE-001", MEMBER, None), vec![Status::Unknown]);
        assert_eq!(status(&s, "USE-002", MEMBER, None), vec![Status::Unknown]);
        assert_eq!(status(&s, "USE-005", ACCOUNT, None), vec![Status::Unknown]);
    }

    #[test]
    fn unread_bedrock_configuration_never_makes_a_region_unexpected() {
        let mut s = usage_fixture();
        assert_eq!(
            status(&s, "THR-005", MEMBER, Some("eu-central-1")),
            vec![Status::Pass]
        );
        // Without its logging configuration, eu-central-1's only visible evidence is the
        // events; that it is unexpected is then not decided.
        let m = s.accounts.iter_mut().find(|a| a.id == MEMBER).unwrap();
        m.regions.get_mut("eu-central-1").unwrap().bedrock = None;
        assert_eq!(
            status(&s, "THR-005", MEMBER, Some("eu-central-1")),
            vec![Status::Unknown]
        );
    }
}

#[cfg(test)]
mod auditor {
    use super::*;
    use crate::checks::testutil::run;

    /// perimeter's own listing calls, through the audit role, are a burst by the letter of
    /// THR-002: reported, but at info.
    #[test]
    fn the_audit_roles_own_listing_is_at_most_info() {
        let mut s = usage_fixture();
        let m = s.accounts.iter_mut().find(|a| a.id == ACCOUNT).unwrap();
        m.iam.as_mut().unwrap().roles.push(role(
            ACCOUNT,
            "OrganizationAccountAccessRole",
            "*",
            &[],
        ));
        let w = m
            .regions
            .get_mut("us-east-1")
            .unwrap()
            .cloudtrail
            .as_mut()
            .unwrap();
        let events = &mut w.bedrock_events.as_mut().unwrap().events;
        for i in 0..30 {
            events.push(by_role(
                event(
                    &format!("aud-{i}"),
                    "ListInferenceProfiles",
                    &format!("2026-10-29T03:{i:02}:00Z"),
                    "us-east-1",
                ),
                ACCOUNT,
                "OrganizationAccountAccessRole",
            ));
        }
        let f: Vec<_> = run("THR-002", &s)
            .into_iter()
            .filter(|f| f.resource.ends_with("role/OrganizationAccountAccessRole"))
            .collect();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, crate::checks::Status::Fail);
        assert_eq!(f[0].severity, crate::catalogue::Severity::Info);
    }
}
