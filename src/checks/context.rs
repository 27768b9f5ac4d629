//! What every check shares: the snapshot, the config, parsed policies per principal,
//! each account's SCP chain, and each account's Bedrock-active Regions.
//!
//! Everything here is computed once per evaluation, so checks stay simple and the
//! policy documents are parsed once.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde_json::{Value, json};

use crate::checks::{Draft, Subject};
use crate::config::Config;
use crate::model::{Account, RegionData, Snapshot, Tags};
use crate::policy::{
    Context, Decision, DecisionEffect, Labeled, OpenDecision, Policy, PolicySet, Request,
    UnknownKeys, evaluate, evaluate_open,
};

/// A parsed policy with the label that names it in evidence.
#[derive(Debug, Clone)]
pub struct NamedPolicy {
    pub label: String,
    pub policy: Arc<Policy>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    Role,
    User,
}

/// An IAM role or user with everything that decides what it may do.
#[derive(Debug, Clone)]
pub struct PrincipalView<'s> {
    pub arn: String,
    pub name: String,
    pub kind: PrincipalKind,
    /// The snapshot's tags of the principal.
    pub tags: &'s Tags,
    /// Identity policies: inline, attached managed, and (for users) their groups'.
    pub identity: Vec<NamedPolicy>,
    pub boundary: Option<Vec<NamedPolicy>>,
    /// Allowed `*` on `*`, or `iam:*` together with `sts:AssumeRole` on `*`.
    pub is_admin: bool,
    /// The role perimeter audits through (reported at most as info).
    pub is_audit_role: bool,
    pub is_service_linked: bool,
    pub last_used: Option<String>,
    pub created: Option<String>,
    /// Policies that could not be parsed (label, error): decisions about this principal
    /// are then incomplete.
    pub unparsed: Vec<(String, String)>,
}

impl PrincipalView<'_> {
    /// A workload principal: what the checks about invokers look at.
    pub fn is_workload(&self) -> bool {
        !self.is_admin && !self.is_audit_role && !self.is_service_linked
    }
}

/// One account, prepared for the checks.
#[derive(Debug)]
pub struct AccountView<'s> {
    pub account: &'s Account,
    pub partition: String,
    pub principals: Vec<PrincipalView<'s>>,
    /// The SCP chain root → OUs → account; `None` when not governed (or unknown: see
    /// `scps_known`).
    pub scps: Option<Vec<Vec<NamedPolicy>>>,
    /// False when the chain could not be read (a member account audited on its own).
    pub scps_known: bool,
    /// Region → why it counts as Bedrock-active.
    pub active_regions: BTreeMap<String, Vec<String>>,
    /// SCP documents that could not be parsed.
    pub scp_errors: Vec<(String, String)>,
}

impl AccountView<'_> {
    pub fn principal(&self, arn: &str) -> Option<&PrincipalView<'_>> {
        self.principals.iter().find(|p| p.arn == arn)
    }
    pub fn is_active(&self, region: &str) -> bool {
        self.active_regions.contains_key(region)
    }
    /// The subject of a finding about `resource` of this account (in `region`, if given).
    pub fn at<'a>(&'a self, region: Option<&'a str>, resource: impl Into<String>) -> Subject<'a> {
        Subject::new(&self.account.id, region, resource)
    }
    /// The account root ARN, the resource of account-wide and Region-wide findings.
    pub fn root_arn(&self) -> String {
        crate::model::Arn::account_root(&self.partition, &self.account.id)
    }
    /// Every Region collected or Bedrock-active, sorted, with what `pick` reads there:
    /// `Ok(data)`, or `Err(why the Region is active)` where it was not read in an active
    /// Region. Regions neither read nor active are left out.
    pub fn regions_reading<'a, T: ?Sized>(
        &'a self,
        pick: impl Fn(&'a RegionData) -> Option<&'a T>,
    ) -> Vec<(&'a str, Result<&'a T, &'a [String]>)> {
        let mut regions: Vec<&String> = self.account.regions.keys().collect();
        regions.extend(self.active_regions.keys());
        regions.sort();
        regions.dedup();
        regions
            .into_iter()
            .filter_map(|r| match self.account.regions.get(r).and_then(&pick) {
                Some(data) => Some((r.as_str(), Ok(data))),
                None => self
                    .active_regions
                    .get(r)
                    .map(|why| (r.as_str(), Err(why.as_slice()))),
            })
            .collect()
    }
}

#[derive(Debug)]
pub struct EvalContext<'s> {
    pub snapshot: &'s Snapshot,
    pub config: &'s Config,
    /// "Now" for age-based checks: the snapshot's finish time, so evaluating a saved
    /// snapshot later gives the same findings.
    pub now: Option<jiff::Timestamp>,
    pub accounts: Vec<AccountView<'s>>,
    /// Answers to "can this principal invoke a model?" (account, principal, with SCPs):
    /// several checks ask it of every principal, and it is asked of the engine once.
    pub(crate) invoke_answers: InvokeAnswers,
}

/// See [`EvalContext::invoke_answers`]. Keyed by the identity of the account's and the
/// principal's views (their addresses, stable while the context lives; never
/// dereferenced) and whether SCPs count; the answer is the index of the first invoke
/// candidate allowed (`None`: none is).
pub(crate) type InvokeAnswers = std::sync::Mutex<HashMap<(usize, usize, bool), Option<u32>>>;

/// A snapshot's policy document in the engine's form.
pub(crate) fn parse_doc(d: &crate::model::Document) -> Result<Policy, String> {
    if d.is_null() {
        return Err("the document could not be read".into());
    }
    match d.as_json_string() {
        // Kept as a string when the collector could not decode it: try again, and say why.
        Some(s) => Policy::parse(&s),
        None => Policy::parse(d.as_str()),
    }
    .map_err(|e| e.to_string())
}

/// The account's partition, from the data: its principals' ARNs, then the organisation's
/// and the caller's ARNs, then the partition of its Regions' names. Never from a file name
/// or any other string that is not an ARN.
fn account_partition(snapshot: &Snapshot, account: &Account) -> String {
    let from_arn = |s: &str| crate::model::Arn::parse(s).ok().map(|a| a.partition);
    let iam_arns = account.iam.iter().flat_map(|i| {
        i.roles
            .iter()
            .map(|r| r.arn.as_str())
            .chain(i.users.iter().map(|u| u.arn.as_str()))
            .chain(i.groups.iter().map(|g| g.arn.as_str()))
    });
    let org_arn = snapshot.organization.iter().map(|o| o.arn.as_str());
    let caller = std::iter::once(snapshot.meta.caller.arn.as_str());
    if let Some(p) = iam_arns.chain(org_arn).chain(caller).find_map(from_arn) {
        return p;
    }
    account
        .regions
        .keys()
        .chain(snapshot.meta.regions.iter())
        .find_map(|r| crate::config::region_partition(r))
        .unwrap_or("aws")
        .to_string()
}

impl<'s> EvalContext<'s> {
    pub fn new(snapshot: &'s Snapshot, config: &'s Config) -> EvalContext<'s> {
        let now = snapshot
            .meta
            .finished
            .parse::<jiff::Timestamp>()
            .ok()
            .or_else(|| snapshot.meta.started.parse::<jiff::Timestamp>().ok());
        let accounts = snapshot
            .accounts
            .iter()
            .map(|a| build_account(snapshot, config, a))
            .collect();
        EvalContext {
            snapshot,
            config,
            now,
            accounts,
            invoke_answers: InvokeAnswers::default(),
        }
    }

    pub fn account(&self, id: &str) -> Option<&AccountView<'s>> {
        self.accounts.iter().find(|a| a.account.id == id)
    }

    /// The policy set that decides a request by `p` in `acct` (identity, boundary and,
    /// if `with_scps`, the SCP chain). Resource and endpoint policies are added by the
    /// caller when the question involves them.
    pub fn policy_set<'a>(
        &self,
        acct: &'a AccountView<'_>,
        p: &'a PrincipalView,
        with_scps: bool,
    ) -> PolicySet<'a> {
        let mut set = identity_set(p);
        if with_scps {
            set.scp = acct.scps.as_ref().map(|levels| {
                levels
                    .iter()
                    .map(|l| l.iter().map(labeled).collect())
                    .collect()
            });
        }
        set
    }

    /// A request by `p`, with the context AWS would supply for it: principal ARN,
    /// account and tags, user name for users, and the Region when given.
    pub fn request(
        &self,
        acct: &AccountView<'_>,
        p: &PrincipalView,
        action: &str,
        resource: &str,
        region: Option<&str>,
    ) -> Request {
        let mut ctx = Context::new();
        ctx.insert("aws:PrincipalArn", p.arn.clone());
        ctx.insert("aws:PrincipalAccount", acct.account.id.clone());
        ctx.insert(
            "aws:PrincipalType",
            match p.kind {
                PrincipalKind::Role => "AssumedRole",
                PrincipalKind::User => "User",
            },
        );
        if p.kind == PrincipalKind::User {
            ctx.insert("aws:username", p.name.clone());
        }
        for (k, v) in p.tags {
            ctx.insert(&format!("aws:PrincipalTag/{k}"), v.clone());
        }
        if !p.tags.is_empty() {
            ctx.insert_multi(
                "aws:PrincipalTagKeys",
                p.tags.keys().cloned().collect::<Vec<_>>(),
            );
        }
        if let Some(r) = region {
            ctx.insert("aws:RequestedRegion", r);
        }
        let mut req = Request::new(p.arn.clone(), action, resource);
        req.resource_account = Some(acct.account.id.clone());
        req.context = ctx;
        req.principal_is_service_linked_role = p.is_service_linked;
        req
    }

    /// Closed-world decision: the context is exactly what `request` built.
    pub fn decide(&self, set: &PolicySet<'_>, req: &Request) -> Decision {
        evaluate(set, req)
    }

    /// Open-world decision: keys absent from the context could take any value.
    pub fn decide_open(&self, set: &PolicySet<'_>, req: &Request) -> OpenDecision {
        evaluate_open(set, req, &UnknownKeys::AllMissing)
    }

    /// Open-world decision where only `keys` are unknown; everything else is as given.
    pub fn decide_open_keys(
        &self,
        set: &PolicySet<'_>,
        req: &Request,
        keys: &[&str],
    ) -> OpenDecision {
        evaluate_open(
            set,
            req,
            &UnknownKeys::Listed(keys.iter().map(|k| k.to_string()).collect()),
        )
    }

    /// True when a gap covers `service` for this account (and Region, if given).
    pub fn has_gap(&self, account: &str, region: Option<&str>, service: &str) -> bool {
        self.snapshot
            .gaps_for(account, region, service)
            .next()
            .is_some()
    }

    /// The gaps behind an `unknown`, as evidence.
    pub fn gap_evidence(&self, account: &str, region: Option<&str>, service: &str) -> Value {
        let gaps: Vec<Value> = self
            .snapshot
            .gaps_for(account, region, service)
            .map(|g| json!({"operation": g.operation, "error": g.error, "region": g.region}))
            .collect();
        json!({ "gaps": gaps })
    }

    /// The `unknown` for a Bedrock-active Region (active because of `why`) whose `service`
    /// data could not be read; it names the account root.
    pub fn unread_region(
        &self,
        acct: &AccountView<'_>,
        region: &str,
        why: &[String],
        service: &str,
        message: String,
    ) -> Draft {
        let id = acct.account.id.as_str();
        let mut ev = self.gap_evidence(id, Some(region), service);
        ev["active_region_reasons"] = json!(why);
        Subject::new(id, Some(region), acct.root_arn())
            .unknown(message)
            .evidence(ev)
    }

    /// `ev` with the gaps behind an `unknown` added under `gaps`.
    pub fn with_gaps(
        &self,
        mut ev: Value,
        account: &str,
        region: Option<&str>,
        service: &str,
    ) -> Value {
        ev["gaps"] = self.gap_evidence(account, region, service)["gaps"].clone();
        ev
    }

    /// Days since an RFC 3339 time, relative to the snapshot's time.
    pub fn days_since(&self, when: &str) -> Option<i64> {
        let now = self.now?;
        let then: jiff::Timestamp = when.parse().ok()?;
        Some((now.as_second() - then.as_second()) / 86_400)
    }
}

fn labeled(n: &NamedPolicy) -> Labeled<'_> {
    Labeled {
        label: n.label.clone(),
        policy: &n.policy,
    }
}

/// A principal's identity policies and boundary, without SCPs or resource policies.
fn identity_set<'a>(p: &'a PrincipalView<'_>) -> PolicySet<'a> {
    PolicySet {
        identity: p.identity.iter().map(labeled).collect(),
        permissions_boundary: p.boundary.as_ref().map(|b| b.iter().map(labeled).collect()),
        ..PolicySet::default()
    }
}

/// Decision reasons as evidence.
pub fn reasons_json(d: &Decision) -> Value {
    serde_json::to_value(&d.reasons).unwrap_or(Value::Null)
}

/// True when the decision is an unconditional allow.
pub fn allowed(d: &Decision) -> bool {
    d.effect == DecisionEffect::Allow
}

fn build_account<'s>(
    snapshot: &Snapshot,
    config: &Config,
    account: &'s Account,
) -> AccountView<'s> {
    let caller_role = snapshot
        .meta
        .caller
        .arn
        .split(":assumed-role/")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .map(str::to_string);
    let partition = account_partition(snapshot, account);

    let mut principals = Vec::new();
    if let Some(iam) = &account.iam {
        let mut managed: HashMap<&str, Result<Arc<Policy>, String>> = HashMap::new();
        for mp in &iam.policies {
            managed.insert(mp.arn.as_str(), parse_doc(&mp.document).map(Arc::new));
        }
        let attach = |arns: &[String],
                      out: &mut Vec<NamedPolicy>,
                      bad: &mut Vec<(String, String)>| {
            for arn in arns {
                match managed.get(arn.as_str()) {
                    Some(Ok(p)) => out.push(NamedPolicy {
                        label: arn.clone(),
                        policy: p.clone(),
                    }),
                    Some(Err(e)) => bad.push((arn.clone(), e.clone())),
                    None => bad.push((arn.clone(), "the policy document was not collected".into())),
                }
            }
        };
        // Inline documents are often the same text in many principals (stamped by the
        // same template): each distinct text is parsed once and its policy shared.
        let mut parsed: HashMap<&str, Result<Arc<Policy>, String>> = HashMap::new();
        let mut inline = |owner: &str,
                          docs: &'s [crate::model::InlinePolicy],
                          out: &mut Vec<NamedPolicy>,
                          bad: &mut Vec<(String, String)>| {
            for d in docs {
                let label = format!("{owner}#inline/{}", d.name);
                let policy = parsed
                    .entry(d.document.as_str())
                    .or_insert_with(|| parse_doc(&d.document).map(Arc::new));
                match policy {
                    Ok(p) => out.push(NamedPolicy {
                        label,
                        policy: p.clone(),
                    }),
                    Err(e) => bad.push((label, e.clone())),
                }
            }
        };
        let boundary = |arn: &Option<String>, bad: &mut Vec<(String, String)>| {
            arn.as_ref().map(|a| {
                let mut v = Vec::new();
                attach(std::slice::from_ref(a), &mut v, bad);
                v
            })
        };
        for r in &iam.roles {
            let mut identity = Vec::new();
            let mut unparsed = Vec::new();
            inline(&r.arn, &r.inline_policies, &mut identity, &mut unparsed);
            attach(&r.attached_policies, &mut identity, &mut unparsed);
            let b = boundary(&r.permissions_boundary, &mut unparsed);
            let is_audit_role = config.audit_role_names.iter().any(|n| n == &r.name)
                || caller_role.as_deref() == Some(r.name.as_str());
            principals.push(PrincipalView {
                arn: r.arn.clone(),
                name: r.name.clone(),
                kind: PrincipalKind::Role,
                tags: &r.tags,
                identity,
                boundary: b,
                is_admin: false,
                is_audit_role,
                is_service_linked: r.is_service_linked(),
                last_used: r.last_used.clone(),
                created: r.created.clone(),
                unparsed,
            });
        }
        for u in &iam.users {
            let mut identity = Vec::new();
            let mut unparsed = Vec::new();
            inline(&u.arn, &u.inline_policies, &mut identity, &mut unparsed);
            attach(&u.attached_policies, &mut identity, &mut unparsed);
            for gname in &u.groups {
                if let Some(g) = iam.groups.iter().find(|g| &g.name == gname) {
                    inline(&g.arn, &g.inline_policies, &mut identity, &mut unparsed);
                    attach(&g.attached_policies, &mut identity, &mut unparsed);
                }
            }
            let b = boundary(&u.permissions_boundary, &mut unparsed);
            principals.push(PrincipalView {
                arn: u.arn.clone(),
                name: u.name.clone(),
                kind: PrincipalKind::User,
                tags: &u.tags,
                identity,
                boundary: b,
                is_admin: false,
                is_audit_role: false,
                is_service_linked: false,
                last_used: u.password_last_used.clone(),
                created: u.created.clone(),
                unparsed,
            });
        }
    }

    let mut scp_errors = Vec::new();
    let scps = account.scps.as_ref().map(|levels| {
        levels
            .iter()
            .map(|level| {
                level
                    .policies
                    .iter()
                    .filter_map(|p| {
                        let label = format!(
                            "scp:{} ({}) at {} {}",
                            p.id, p.name, level.kind, level.target_name
                        );
                        match parse_doc(&p.document) {
                            Ok(pol) => Some(NamedPolicy {
                                label,
                                policy: Arc::new(pol),
                            }),
                            Err(e) => {
                                scp_errors.push((label, e));
                                None
                            }
                        }
                    })
                    .collect()
            })
            .collect()
    });
    let mut scps_known = account.scps.is_some()
        || !snapshot
            .gaps_for(&account.id, None, "organizations")
            .any(|g| g.operation != "ListTagsForResource");
    // A chain with a policy that cannot be read or parsed is not a chain without it: the
    // missing policy may be the one that denies. The chain is then unknown.
    let scps = if scp_errors.is_empty() {
        scps
    } else {
        scps_known = false;
        None
    };

    let mut view = AccountView {
        account,
        partition,
        principals,
        scps,
        scps_known,
        active_regions: BTreeMap::new(),
        scp_errors,
    };
    mark_admins(&mut view);
    view.active_regions = active_regions(config, &view);
    view
}

/// Administrators, decided by the engine on identity policies (and boundary) alone.
fn mark_admins(view: &mut AccountView<'_>) {
    let account = view.account.id.clone();
    let probe_resource = "arn:aws:perimeterprobe:us-east-1:000000000000:probe/any";
    let mut admins = Vec::new();
    for p in &view.principals {
        let set = identity_set(p);
        let ask = |action: &str, resource: &str| {
            let mut r = Request::new(p.arn.clone(), action, resource);
            r.resource_account = Some(account.clone());
            evaluate_open(&set, &r, &UnknownKeys::AllMissing).is_allowed_unconditionally()
        };
        let star = ask("perimeterprobe:AnyAction", probe_resource);
        let iam_and_assume = ask("iam:PerimeterProbeAction", "*") && ask("sts:AssumeRole", "*");
        admins.push(star || iam_and_assume);
    }
    for (p, a) in view.principals.iter_mut().zip(admins) {
        p.is_admin = a;
    }
}

/// Bedrock-active Regions of an account, with the reasons (DESIGN.md conventions).
fn active_regions(config: &Config, view: &AccountView<'_>) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut add = |region: &str, why: String| {
        out.entry(region.to_string()).or_default().push(why);
    };
    for r in &config.bedrock_regions {
        add(r, "listed under bedrock_regions in the config".into());
    }
    for (region, data) in &view.account.regions {
        if let Some(ct) = &data.cloudtrail
            && let Some(act) = ct.bedrock_activity.found()
            && act.events > 0
        {
            add(
                region,
                format!(
                    "{} Bedrock API events in CloudTrail event history",
                    act.events
                ),
            );
        }
        if let Some(b) = &data.bedrock {
            if b.logging.found().is_some() {
                add(region, "model invocation logging is configured".into());
            }
            if let Some(g) = &b.guardrails
                && !g.is_empty()
            {
                add(region, format!("{} guardrail(s)", g.len()));
            }
            if let Some(p) = &b.inference_profiles {
                let apps = p.iter().filter(|p| p.kind == "APPLICATION").count();
                if apps > 0 {
                    add(region, format!("{apps} application inference profile(s)"));
                }
            }
            if let Some(m) = &b.custom_models
                && !m.is_empty()
            {
                add(region, format!("{} custom model(s)", m.len()));
            }
        }
        if let Some(ec2) = &data.ec2
            && !ec2.endpoints.is_empty()
        {
            add(region, "a Bedrock VPC endpoint".into());
        }
        let count =
            |v: Option<usize>, what: &str| v.filter(|n| *n > 0).map(|n| format!("{n} {what}"));
        let agents = data.agents.as_ref();
        let core = data.agentcore.as_ref();
        for why in [
            count(
                agents.and_then(|a| a.agents.as_ref()).map(Vec::len),
                "agent(s)",
            ),
            count(
                agents
                    .and_then(|a| a.knowledge_bases.as_ref())
                    .map(Vec::len),
                "knowledge base(s)",
            ),
            count(
                agents.and_then(|a| a.flows.as_ref()).map(Vec::len),
                "flow(s)",
            ),
            count(
                agents.and_then(|a| a.prompts.as_ref()).map(Vec::len),
                "prompt(s)",
            ),
            count(
                core.and_then(|c| c.runtimes.as_ref()).map(Vec::len),
                "AgentCore runtime(s)",
            ),
            count(
                core.and_then(|c| c.gateways.as_ref()).map(Vec::len),
                "AgentCore gateway(s)",
            ),
            count(
                core.and_then(|c| c.memories.as_ref()).map(Vec::len),
                "AgentCore memory store(s)",
            ),
        ]
        .into_iter()
        .flatten()
        {
            add(region, why);
        }
    }
    // Identity policies naming a model or profile ARN in a concrete Region.
    let in_scope = |r: &str| view.account.regions.contains_key(r);
    for p in &view.principals {
        for n in &p.identity {
            for region in named_bedrock_regions(&n.policy) {
                // Regions outside the collection scope cannot be evaluated; they are not
                // reported as active (and so never as unknown).
                if !in_scope(&region) {
                    continue;
                }
                let why = format!("{} names Bedrock resources in the Region", n.label);
                let entry = out.entry(region).or_default();
                if !entry.contains(&why) && entry.len() < 8 {
                    entry.push(why);
                }
            }
        }
    }
    out
}

/// The strings found at `path` (e.g. `["Resource"]`, `["Principal", "AWS"]`) in the Allow
/// statements of a policy's normalised form. For choosing which concrete requests to put
/// to the engine, never for deciding access.
pub fn allow_statement_strings(policy: &Policy, path: &[&str]) -> Vec<String> {
    fn strings(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) => out.push(s.clone()),
            Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
            _ => {}
        }
    }
    let doc = policy.to_value();
    let stmts: Vec<&Value> = match doc.get("Statement") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    for st in stmts {
        if st.get("Effect").and_then(Value::as_str) != Some("Allow") {
            continue;
        }
        let mut v = Some(st);
        for key in path {
            v = v.and_then(|x| x.get(*key));
        }
        if let Some(v) = v {
            strings(v, &mut out);
        }
    }
    out
}

/// Regions named explicitly (no wildcard) by Bedrock foundation-model or inference-profile
/// ARNs in a policy's Allow statements.
pub fn named_bedrock_regions(policy: &Policy) -> Vec<String> {
    let arns = allow_statement_strings(policy, &["Resource"]);
    let mut regions: Vec<String> = arns
        .iter()
        .filter_map(|a| {
            let parts: Vec<&str> = a.splitn(6, ':').collect();
            if parts.len() == 6
                && parts[2] == "bedrock"
                && (parts[5].starts_with("foundation-model/")
                    || parts[5].starts_with("inference-profile/")
                    || parts[5].starts_with("application-inference-profile/"))
                && crate::config::is_region_name(parts[3])
            {
                Some(parts[3].to_string())
            } else {
                None
            }
        })
        .collect();
    regions.sort();
    regions.dedup();
    regions
}
