//! AGT: agents and AgentCore — how exposed the things that run on Bedrock's behalf are.
//! One file per check.
//!
//! Helpers shared by every check about the estate (agents, knowledge bases, flows,
//! prompts, AgentCore runtimes, gateways and memories): reading a per-Region list as data
//! or an `unknown`, the service roles the estate runs as, and the resource-policy question
//! AGT-006 asks.

pub mod agent_idle_session_long;
pub mod gateway_debug_errors;
pub mod gateway_no_inbound_auth;
pub mod gateway_policy_not_enforced;
pub mod resource_policy_public;
pub mod runtime_public_network;

use std::collections::BTreeMap;

use serde_json::json;

use crate::checks::context::AccountView;
use crate::checks::{Draft, EvalContext, Subject};
use crate::model::RegionData;

/// Every item `pick` reads in each Region of `acct`, with its Region, in Region order.
/// Where an active Region's list could not be read, `out` gets the `unknown` that says so
/// (`what` names the list, `service` the API whose gaps explain it).
pub(crate) fn listed<'a, T>(
    cx: &EvalContext<'_>,
    acct: &'a AccountView<'_>,
    pick: impl Fn(&'a RegionData) -> Option<&'a Vec<T>>,
    service: &str,
    what: &str,
    out: &mut Vec<Draft>,
) -> Vec<(&'a str, &'a T)> {
    let mut items = Vec::new();
    for (region, read) in acct.regions_reading(|d| pick(d).map(Vec::as_slice)) {
        match read {
            Ok(list) => items.extend(list.iter().map(|t| (region, t))),
            Err(why) => out.push(cx.unread_region(
                acct,
                region,
                why,
                service,
                format!("The {what} in {region} could not be listed, so they are not known."),
            )),
        }
    }
    items
}

/// The `unknown` for a resource that was listed but whose details could not be read.
pub(crate) fn unread_detail(
    cx: &EvalContext<'_>,
    at: &Subject<'_>,
    what: &str,
    service: &str,
    question: &str,
) -> Draft {
    let ev = cx.with_gaps(
        json!({"resource": at.resource}),
        at.account,
        at.region,
        service,
    );
    at.unknown(format!(
        "{what} could only be listed, not read, so {question} is not known."
    ))
    .evidence(ev)
}

/// What a Bedrock service role serves: the kind of resource, its ARN and Region.
#[derive(Debug, Clone)]
pub(crate) struct RoleUse {
    pub kind: &'static str,
    pub resource: String,
    pub region: String,
}

/// The Bedrock service roles of an account (CATALOGUE-2 "Bedrock service role"): every
/// role an agent, knowledge base, flow, AgentCore runtime, gateway or memory runs as,
/// with what it serves. Roles in another account are included (the checks that judge a
/// role's policies find no principal for them and say so).
pub(crate) fn service_roles(acct: &AccountView<'_>) -> BTreeMap<String, Vec<RoleUse>> {
    let mut roles: BTreeMap<String, Vec<RoleUse>> = BTreeMap::new();
    let mut add = |role: Option<&String>, kind: &'static str, resource: &str, region: &str| {
        if let Some(role) = role.filter(|r| !r.is_empty()) {
            let uses = roles.entry(role.clone()).or_default();
            if !uses.iter().any(|u| u.resource == resource) {
                uses.push(RoleUse {
                    kind,
                    resource: resource.to_string(),
                    region: region.to_string(),
                });
            }
        }
    };
    for (region, data) in &acct.account.regions {
        if let Some(a) = &data.agents {
            for x in a.agents.iter().flatten() {
                add(x.role_arn.as_ref(), "agent", &x.arn, region);
                for v in x.routed_versions.iter().flatten() {
                    add(v.role_arn.as_ref(), "agent", &x.arn, region);
                }
            }
            for x in a.knowledge_bases.iter().flatten() {
                add(x.role_arn.as_ref(), "knowledge base", &x.arn, region);
            }
            for x in a.flows.iter().flatten() {
                add(x.role_arn.as_ref(), "flow", &x.arn, region);
            }
        }
        if let Some(c) = &data.agentcore {
            for x in c.runtimes.iter().flatten() {
                add(x.role_arn.as_ref(), "AgentCore runtime", &x.arn, region);
            }
            for x in c.gateways.iter().flatten() {
                add(x.role_arn.as_ref(), "AgentCore gateway", &x.arn, region);
            }
            for x in c.memories.iter().flatten() {
                add(x.role_arn.as_ref(), "AgentCore memory", &x.arn, region);
            }
        }
    }
    roles
}

/// Estate resources that were listed but whose details (and so their role) could not be
/// read: any of them may run as any role.
pub(crate) fn roles_unread(acct: &AccountView<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for data in acct.account.regions.values() {
        if let Some(a) = &data.agents {
            let agents = a
                .agents
                .iter()
                .flatten()
                .map(|x| (x.detail_collected, &x.arn));
            let kbs = a
                .knowledge_bases
                .iter()
                .flatten()
                .map(|x| (x.detail_collected, &x.arn));
            let flows = a
                .flows
                .iter()
                .flatten()
                .map(|x| (x.detail_collected, &x.arn));
            out.extend(
                agents
                    .chain(kbs)
                    .chain(flows)
                    .filter(|(read, _)| !read)
                    .map(|(_, arn)| arn.clone()),
            );
        }
        if let Some(c) = &data.agentcore {
            let r = c
                .runtimes
                .iter()
                .flatten()
                .map(|x| (x.detail_collected, &x.arn));
            let g = c
                .gateways
                .iter()
                .flatten()
                .map(|x| (x.detail_collected, &x.arn));
            let m = c
                .memories
                .iter()
                .flatten()
                .map(|x| (x.detail_collected, &x.arn));
            out.extend(
                r.chain(g)
                    .chain(m)
                    .filter(|(read, _)| !read)
                    .map(|(_, arn)| arn.clone()),
            );
        }
    }
    out
}

/// The service principal that assumes a role serving `kind`.
pub(crate) fn service_principal(kind: &str) -> &'static str {
    if kind.starts_with("AgentCore") {
        "bedrock-agentcore.amazonaws.com"
    } else {
        "bedrock.amazonaws.com"
    }
}

/// A kind of estate resource as the checks see it: where its per-Region list lives, how a
/// finding names it, and whether its details were read.
pub(crate) trait EstateItem: Sized {
    /// The API whose gaps explain a missing list.
    const SERVICE: &'static str;
    /// The list's name in messages ("AgentCore gateways").
    const LIST: &'static str;
    fn list(d: &RegionData) -> Option<&Vec<Self>>;
    fn arn(&self) -> &str;
    /// How a message names it ("AgentCore gateway open-gateway").
    fn what(&self) -> String;
    fn read(&self) -> bool;
}

macro_rules! estate_item {
    ($ty:ty, $svc:expr, $list:expr, |$d:ident| $pick:expr, |$s:ident| $what:expr) => {
        impl EstateItem for $ty {
            const SERVICE: &'static str = $svc;
            const LIST: &'static str = $list;
            fn list($d: &RegionData) -> Option<&Vec<Self>> {
                $pick
            }
            fn arn(&self) -> &str {
                &self.arn
            }
            fn what(&self) -> String {
                let $s = self;
                $what
            }
            fn read(&self) -> bool {
                self.detail_collected
            }
        }
    };
}

estate_item!(
    crate::model::Agent,
    "bedrock-agent",
    "agents",
    |d| d.agents.as_ref()?.agents.as_ref(),
    |s| format!("Agent {} ({})", s.name, s.id)
);
estate_item!(
    crate::model::KnowledgeBase,
    "bedrock-agent",
    "knowledge bases",
    |d| d.agents.as_ref()?.knowledge_bases.as_ref(),
    |s| format!("Knowledge base {} ({})", s.name, s.id)
);
estate_item!(
    crate::model::Flow,
    "bedrock-agent",
    "flows",
    |d| d.agents.as_ref()?.flows.as_ref(),
    |s| format!("Flow {} ({})", s.name, s.id)
);
estate_item!(
    crate::model::Prompt,
    "bedrock-agent",
    "prompts",
    |d| d.agents.as_ref()?.prompts.as_ref(),
    |s| format!("Prompt {} ({})", s.name, s.id)
);
estate_item!(
    crate::model::Runtime,
    "bedrock-agentcore-control",
    "AgentCore runtimes",
    |d| d.agentcore.as_ref()?.runtimes.as_ref(),
    |s| format!("AgentCore runtime {}", s.name)
);
estate_item!(
    crate::model::Gateway,
    "bedrock-agentcore-control",
    "AgentCore gateways",
    |d| d.agentcore.as_ref()?.gateways.as_ref(),
    |s| format!("AgentCore gateway {}", s.name)
);
estate_item!(
    crate::model::Memory,
    "bedrock-agentcore-control",
    "AgentCore memories",
    |d| d.agentcore.as_ref()?.memories.as_ref(),
    |s| format!("AgentCore memory {}", s.name)
);

/// One estate resource handed to a check: its finding's subject, the resource, and the
/// name messages use.
pub(crate) struct Item<'a, T> {
    pub at: Subject<'a>,
    pub it: &'a T,
    pub what: String,
}

/// Every `T` of `acct` whose details were read, as an [`Item`]. Lists that could not be
/// read in an active Region, and resources that were listed but not read, become the
/// `unknown`s in `out` (`question` says what is then not known: "its encryption key").
pub(crate) fn each<'a, T: EstateItem>(
    cx: &EvalContext<'_>,
    acct: &'a AccountView<'_>,
    question: &str,
    out: &mut Vec<Draft>,
) -> Vec<Item<'a, T>> {
    let mut items = Vec::new();
    for (region, it) in listed(cx, acct, T::list, T::SERVICE, T::LIST, out) {
        let at = acct.at(Some(region), it.arn());
        let what = it.what();
        if it.read() {
            items.push(Item { at, it, what });
        } else {
            out.push(unread_detail(cx, &at, &what, T::SERVICE, question));
        }
    }
    items
}
