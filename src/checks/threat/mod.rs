//! THR: threat signals in CloudTrail event history — who enabled model access, who
//! removed a defence, who probed and invoked models with what, and from where.
//! One file per check.
//!
//! Event history (`LookupEvents`) holds management events for 90 days per Region; Bedrock's
//! invocations (`InvokeModel*`, `Converse*`) are management events, but agents, knowledge
//! bases, flows and guardrail calls are data events it never shows, and prompts are never
//! logged. A `pass` here means "no such event in the window read", and says so; a Region
//! whose history was not read, or was cut short by the page cap, makes a `pass` unknown.

pub mod bedrock_defence_removed;
pub mod guardduty_ai_protection_off;
pub mod invocation_in_unexpected_region;
pub mod invoked_with_long_term_key;
pub mod model_access_enabled_by_non_admin;
pub mod model_recon_burst;

use serde_json::{Value, json};

use crate::checks::context::AccountView;
use crate::checks::{Draft, EvalContext};
use crate::model::{EventWindow, TrailEvent};

/// The Bedrock runtime calls that are management events (and so in event history).
pub const INVOKE_EVENTS: &[&str] = &[
    "InvokeModel",
    "InvokeModelWithResponseStream",
    "Converse",
    "ConverseStream",
];

/// Bedrock calls that are data events: a trail with data-event selectors records them,
/// event history never does.
pub const DATA_EVENTS: &[&str] = &[
    "InvokeAgent",
    "InvokeInlineAgent",
    "Retrieve",
    "RetrieveAndGenerate",
    "InvokeFlow",
    "ApplyGuardrail",
    "RenderPrompt",
    "InvokeModelWithBidirectionalStream",
    "StartAsyncInvoke",
    "GetAsyncInvoke",
];

pub fn is_invoke(ev: &TrailEvent) -> bool {
    ev.source == "bedrock.amazonaws.com" && INVOKE_EVENTS.contains(&ev.name.as_str())
}

/// One account's event history as read: the windows per Region, and where it is not whole.
#[derive(Debug)]
pub struct History<'a> {
    /// Region → its Bedrock events (only Regions whose history was read).
    pub read: Vec<(&'a str, &'a EventWindow)>,
    /// Collected Regions whose history could not be read.
    pub unread: Vec<&'a str>,
    /// Regions whose history was cut short by the page cap.
    pub capped: Vec<&'a str>,
    /// Marketplace and Organizations events (the partition's first Region); `None` when
    /// not read there (or that Region was not collected).
    pub global: Option<&'a EventWindow>,
    pub global_region: &'static str,
    pub days: u32,
}

impl<'a> History<'a> {
    pub fn of(acct: &'a AccountView<'_>) -> History<'a> {
        let global_region = crate::config::global_region(&acct.partition);
        let mut h = History {
            read: Vec::new(),
            unread: Vec::new(),
            capped: Vec::new(),
            global: None,
            global_region,
            days: 0,
        };
        for (region, data) in &acct.account.regions {
            let ct = data.cloudtrail.as_ref();
            match ct.and_then(|c| c.bedrock_events.as_ref()) {
                Some(w) => {
                    if w.capped {
                        h.capped.push(region);
                    }
                    h.days = h.days.max(w.days);
                    h.read.push((region, w));
                }
                None => h.unread.push(region),
            }
            if region == global_region {
                h.global = ct.and_then(|c| c.global_events.as_ref());
            }
        }
        h
    }

    /// Every Bedrock event read, with its Region.
    pub fn bedrock(&self) -> impl Iterator<Item = (&'a str, &'a TrailEvent)> + '_ {
        self.read
            .iter()
            .flat_map(|(r, w)| w.events.iter().map(move |e| (*r, e)))
    }

    /// Every event read: Bedrock's, then the global services'.
    pub fn all(&self) -> impl Iterator<Item = (&'a str, &'a TrailEvent)> + '_ {
        let g = self.global_region;
        self.bedrock().chain(
            self.global
                .iter()
                .flat_map(move |w| w.events.iter().map(move |e| (g, e))),
        )
    }

    /// The Bedrock history is whole: every collected Region read, none cut short.
    pub fn whole(&self) -> bool {
        self.unread.is_empty() && self.capped.is_empty() && !self.read.is_empty()
    }

    /// The global services' history is whole too.
    pub fn whole_with_global(&self) -> bool {
        self.whole() && self.global.is_some_and(|w| !w.capped)
    }

    /// What was read, as evidence.
    pub fn window(&self) -> Value {
        json!({
            "days": self.days,
            "regions_read": self.read.iter().map(|(r, w)| json!({"region": r, "events": w.events.len(), "capped": w.capped})).collect::<Vec<_>>(),
            "regions_unread": self.unread,
            "regions_cut_short": self.capped,
            "global_events": self.global.map(|w| json!({"region": self.global_region, "events": w.events.len(), "capped": w.capped})),
            "visible": "management events: Bedrock control-plane calls and InvokeModel*/Converse*",
            "not_visible": DATA_EVENTS,
        })
    }

    /// The sentence that qualifies a pass.
    pub fn scope(&self) -> String {
        let regions: Vec<&str> = self.read.iter().map(|(r, _)| *r).collect();
        format!(
            "in the last {} days of event history in {} (management events only)",
            self.days,
            regions.join(", ")
        )
    }

    /// The account-wide verdict when the history shows no `what`: a pass that states the
    /// window (`pass` completes "No ..."), or, where the window is not whole (with the
    /// global services' events when `global`), the `unknown` that names what is missing.
    pub fn none_seen(
        &self,
        cx: &EvalContext<'_>,
        acct: &AccountView<'_>,
        what: &str,
        pass: String,
        global: bool,
    ) -> Draft {
        let whole = if global {
            self.whole_with_global()
        } else {
            self.whole()
        };
        if whole {
            acct.at(None, acct.root_arn())
                .pass(pass)
                .evidence(self.window())
        } else {
            self.not_whole(cx, acct, what, global)
        }
    }

    /// The `unknown` for an account whose history is not whole and shows no failure.
    pub fn not_whole(
        &self,
        cx: &EvalContext<'_>,
        acct: &AccountView<'_>,
        what: &str,
        global: bool,
    ) -> Draft {
        let mut missing: Vec<String> = self
            .unread
            .iter()
            .map(|r| format!("{r} (not read)"))
            .collect();
        missing.extend(
            self.capped
                .iter()
                .map(|r| format!("{r} (cut short by the page cap)")),
        );
        if global && self.global.is_none_or(|w| w.capped) {
            missing.push(format!(
                "{} Marketplace/Organizations events",
                self.global_region
            ));
        }
        if self.read.is_empty() && missing.is_empty() {
            missing.push("no Region's event history".into());
        }
        let ev = cx.with_gaps(self.window(), &acct.account.id, None, "cloudtrail");
        acct.at(None, acct.root_arn())
            .unknown(format!(
                "No {what} in the event history read, but it is not whole: {}.",
                missing.join(", ")
            ))
            .evidence(ev)
    }
}

/// Who made a call, as perimeter judges principals.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The IAM user or role ARN (an assumed-role session is its role), or the ARN given.
    pub arn: String,
    pub identity_type: String,
    /// An administrator (DESIGN's definition), the account root, or the audit role;
    /// `None` when IAM was not read or the principal is not in it.
    pub admin: Option<bool>,
    /// The role perimeter audits through (its own listing calls are in the history).
    pub auditor: bool,
}

/// The actor of an event in `acct`.
pub fn actor(acct: &AccountView<'_>, ev: &TrailEvent) -> Option<Actor> {
    let kind = ev.identity_type.clone().unwrap_or_default();
    let given = ev.principal.as_deref()?;
    let arn = if kind == "AssumedRole" {
        ev.role
            .clone()
            .or_else(|| role_of_session(acct, given))
            .unwrap_or_else(|| given.to_string())
    } else {
        given.to_string()
    };
    let admin = if kind == "Root" || arn.ends_with(":root") {
        Some(true)
    } else if acct.account.iam.is_none() {
        None
    } else {
        acct.principal(&arn).map(|p| p.is_admin || p.is_audit_role)
    };
    let auditor = acct.principal(&arn).is_some_and(|p| p.is_audit_role);
    Some(Actor {
        arn,
        identity_type: kind,
        admin,
        auditor,
    })
}

/// `arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION` → the role's ARN (its path from IAM
/// when the role is known, else none).
fn role_of_session(acct: &AccountView<'_>, sts: &str) -> Option<String> {
    let (head, rest) = sts.split_once(":assumed-role/")?;
    let name = rest.split('/').next()?;
    let account = head.rsplit(':').next().unwrap_or_default();
    if let Some(p) = acct.principals.iter().find(|p| {
        p.kind == crate::checks::context::PrincipalKind::Role
            && p.name == name
            && p.arn.contains(&format!(":{account}:"))
    }) {
        return Some(p.arn.clone());
    }
    Some(format!("arn:{}:iam::{account}:role/{name}", acct.partition))
}

/// An event as evidence (its id, time, name, Region, principal, model).
pub fn event_json(ev: &TrailEvent) -> Value {
    let mut v = json!({
        "event_id": ev.id,
        "event_time": ev.time,
        "event_name": ev.name,
        "event_source": ev.source,
        "aws_region": ev.region,
        "principal": ev.principal,
        "identity_type": ev.identity_type,
    });
    if let Some(m) = &ev.model_id {
        v["model_id"] = json!(m);
    }
    if let Some(r) = &ev.inference_region {
        v["inference_region"] = json!(r);
    }
    if let Some(k) = &ev.key_kind {
        v["access_key_kind"] = json!(k);
    }
    if let Some(ip) = &ev.source_ip {
        v["source_ip"] = json!(ip);
    }
    if let Some(ua) = &ev.user_agent {
        v["user_agent"] = json!(ua);
    }
    if !ev.params.is_empty() {
        v["request_parameters"] = json!(ev.params);
    }
    v
}

/// At most this many events are quoted as evidence per finding (the count is always whole).
pub const EVIDENCE_EVENTS: usize = 20;

/// Events as evidence: the first [`EVIDENCE_EVENTS`], and how many there were.
pub fn events_json<'e>(events: impl IntoIterator<Item = &'e TrailEvent>) -> Value {
    let all: Vec<&TrailEvent> = events.into_iter().collect();
    json!({
        "count": all.len(),
        "events": all.iter().take(EVIDENCE_EVENTS).map(|e| event_json(e)).collect::<Vec<_>>(),
    })
}

/// Seconds since the epoch of an event's RFC 3339 time.
pub fn epoch(ev: &TrailEvent) -> Option<i64> {
    ev.time
        .parse::<jiff::Timestamp>()
        .ok()
        .map(|t| t.as_second())
}
