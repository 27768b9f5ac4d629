//! What a check reads, and the rule that keeps a verdict honest about it.
//!
//! Every check declares the snapshot data its verdicts rest on ([`Needs`]). The runner
//! applies one rule to every check, so no check can turn data that was never read into
//! "nothing there":
//!
//! * a `pass` or `fail` about an account, or a Region of it, whose needed data was not
//!   read becomes `unknown`, with the gaps and the verdict it would have had as evidence;
//!   for an account-wide verdict built from per-Region data, a `fail` needs every Region
//!   read (the missing one may hold what would pass) and a `pass` at least one;
//! * an account (or, for per-Region checks, a Region) whose needed data was not read and
//!   about which the check said nothing gets one `unknown` finding, so a failed call never
//!   makes a finding vanish.
//!
//! "Read" is the snapshot's own three-way distinction: `None` / `Probe::Unknown` is a gap,
//! an empty list is an answer.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::context::{AccountView, EvalContext};
use super::{Draft, Status};
use crate::checks::Subject;
use crate::model::{Account, Probe};

/// A piece of snapshot data a check can depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Data {
    /// The account's IAM principals and policies.
    Iam,
    /// The SCP chain that governs the account (the management account and accounts outside
    /// an organisation have nothing to read).
    Scps,
    /// The account's tags from Organizations (data residency).
    AccountTags,
    /// The organisation's Bedrock policies and the account's effective one.
    BedrockPolicies,
    /// Per Region: KMS keys.
    Kms,
    /// Per Region: Bedrock configuration (logging, guardrails, profiles, models).
    Bedrock,
    /// Per Region: VPCs, Bedrock endpoints and their security groups.
    Ec2,
    /// Per Region: trails and the Bedrock activity in the event history.
    CloudTrail,
    /// Per Region: the buckets and log groups that logging and trails write to.
    Storage,
    /// Per Region: whether the Region is Bedrock-active (every signal read, or one positive).
    Activity,
    /// Per Region: the agents list (`bedrock-agent`).
    AgentList,
    /// Per Region: the knowledge bases list.
    KnowledgeBases,
    /// Per Region: the flows list.
    Flows,
    /// Per Region: the prompts list.
    Prompts,
    /// Per Region: AgentCore runtimes.
    Runtimes,
    /// Per Region: AgentCore gateways.
    Gateways,
    /// Per Region: AgentCore memories.
    Memories,
    /// The account's budgets (a member's may also be covered from the management account).
    Budgets,
    /// The payer's Cost Anomaly Detection monitors and subscriptions (only the payer reads
    /// them).
    AnomalyMonitors,
    /// The payer's cost-allocation tags (only the payer reads them).
    CostTags,
    /// Per Region: CloudWatch metric alarms.
    Alarms,
    /// Per Region: GuardDuty detectors.
    Detectors,
    /// Per Region: Bedrock service quotas.
    Quotas,
    /// Per Region: Bedrock's event history, read whole over the window (not cut short).
    Events,
    /// Marketplace and Organizations events, in the partition's first Region.
    GlobalEvents,
}

impl Data {
    fn regional(self) -> bool {
        !matches!(
            self,
            Data::Iam
                | Data::Scps
                | Data::AccountTags
                | Data::BedrockPolicies
                | Data::Budgets
                | Data::AnomalyMonitors
                | Data::CostTags
                | Data::GlobalEvents
        )
    }

    fn as_str(self) -> &'static str {
        match self {
            Data::Iam => "IAM",
            Data::Scps => "the SCP chain",
            Data::AccountTags => "the account's tags",
            Data::BedrockPolicies => "the organisation's Bedrock policies",
            Data::Kms => "KMS keys",
            Data::Bedrock => "Bedrock configuration",
            Data::Ec2 => "VPCs and endpoints",
            Data::CloudTrail => "CloudTrail",
            Data::Storage => "log buckets and log groups",
            Data::Activity => "Bedrock activity",
            Data::AgentList => "Bedrock agents",
            Data::KnowledgeBases => "knowledge bases",
            Data::Flows => "flows",
            Data::Prompts => "prompts",
            Data::Runtimes => "AgentCore runtimes",
            Data::Gateways => "AgentCore gateways",
            Data::Memories => "AgentCore memories",
            Data::Budgets => "budgets",
            Data::AnomalyMonitors => "cost anomaly monitors",
            Data::CostTags => "the payer's cost-allocation tags",
            Data::Alarms => "CloudWatch alarms",
            Data::Detectors => "GuardDuty detectors",
            Data::Quotas => "Bedrock service quotas",
            Data::Events => "the whole event-history window",
            Data::GlobalEvents => "Marketplace and Organizations events",
        }
    }

    /// The collector services whose gaps explain this data's absence.
    fn services(self) -> &'static [&'static str] {
        match self {
            Data::Iam => &["iam"],
            Data::Scps | Data::AccountTags | Data::BedrockPolicies => &["organizations"],
            Data::Kms => &["kms"],
            Data::Bedrock => &["bedrock"],
            Data::Ec2 => &["ec2"],
            Data::CloudTrail => &["cloudtrail"],
            Data::Storage => &["s3", "logs"],
            Data::Activity => &["cloudtrail", "bedrock", "ec2"],
            Data::AgentList | Data::KnowledgeBases | Data::Flows | Data::Prompts => {
                &["bedrock-agent"]
            }
            Data::Runtimes | Data::Gateways | Data::Memories => &["bedrock-agentcore-control"],
            Data::Budgets => &["budgets"],
            Data::AnomalyMonitors | Data::CostTags => &["ce"],
            Data::Alarms => &["cloudwatch"],
            Data::Detectors => &["guardduty"],
            Data::Quotas => &["service-quotas"],
            Data::Events | Data::GlobalEvents => &["cloudtrail"],
        }
    }
}

/// How a check's findings are laid out: one per account-wide fact or principal, or per
/// Region (and per resource in a Region).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Per {
    Account,
    Region,
}

/// The data a check's verdicts rest on.
#[derive(Debug, Clone, Copy)]
pub struct Needs {
    /// Needed for a `pass`.
    pub pass: &'static [Data],
    /// Needed for a `fail`.
    pub fail: &'static [Data],
    pub per: Per,
    /// An account-wide `pass` says something was found nowhere (e.g. "this role serves
    /// one resource"), so it needs its regional data read in every Region, not just one.
    pub pass_needs_every_region: bool,
    /// Which Regions are Bedrock-active decides what the check looks at: a `pass` needs
    /// that known, and a Region (or account) whose activity could not be read, and of
    /// which the check said nothing, is `unknown` rather than passed over.
    pub follows_activity: bool,
}

impl Needs {
    /// The same data decides a pass and a fail.
    pub const fn both(data: &'static [Data], per: Per) -> Needs {
        Needs {
            pass: data,
            fail: data,
            per,
            pass_needs_every_region: false,
            follows_activity: false,
        }
    }

    /// The same needs, for a check that looks only where Bedrock is active.
    pub const fn follows_activity(mut self) -> Needs {
        self.follows_activity = true;
        self
    }

    /// The same needs, with an account-wide `pass` needing every Region read.
    pub const fn pass_needs_every_region(mut self) -> Needs {
        self.pass_needs_every_region = true;
        self
    }

    fn all(&self) -> BTreeSet<Data> {
        let mut all: BTreeSet<Data> = self.pass.iter().chain(self.fail).copied().collect();
        if self.follows_activity {
            all.insert(Data::Activity);
        }
        all
    }

    /// What a `pass` needs read.
    fn for_pass(&self) -> Vec<Data> {
        let mut v = self.pass.to_vec();
        if self.follows_activity && !v.contains(&Data::Activity) {
            v.push(Data::Activity);
        }
        v
    }
}

/// What of one account was read, per kind of data.
struct Coverage {
    /// Account-level data not read.
    missing: BTreeSet<Data>,
    /// Region → regional data not read there.
    missing_in: BTreeMap<String, BTreeSet<Data>>,
    /// Regions in scope.
    regions: Vec<String>,
    /// Nothing at all was read (the account could not be entered).
    nothing: bool,
}

impl Coverage {
    fn of(cx: &EvalContext<'_>, acct: &AccountView<'_>) -> Coverage {
        let a = acct.account;
        let mut missing = BTreeSet::new();
        if a.iam.is_none() {
            missing.insert(Data::Iam);
        }
        let management = cx
            .snapshot
            .organization
            .as_ref()
            .is_some_and(|o| o.management_account_id == a.id);
        if !management && a.scps.is_none() && !acct.scps_known {
            missing.insert(Data::Scps);
        }
        if a.tags_unread {
            missing.insert(Data::AccountTags);
        }
        // The organisation's Bedrock policies: not read when the organisation itself
        // could not be read (a standalone account has nothing to read), or when its
        // policies or this account's effective policy could not be.
        let org_unread = match &cx.snapshot.organization {
            None => cx.has_gap(&a.id, None, "organizations"),
            Some(o) => {
                o.bedrock_policies
                    .as_ref()
                    .is_none_or(|ps| ps.iter().any(|p| p.targets_unread || p.document.is_null()))
                    || o.accounts
                        .iter()
                        .find(|x| x.id == a.id)
                        .is_some_and(|x| x.effective_bedrock_policy.is_unknown())
            }
        };
        if org_unread {
            missing.insert(Data::BedrockPolicies);
        }
        let billing = a.billing.as_ref();
        if billing.is_none_or(|b| b.budgets.is_none()) {
            missing.insert(Data::Budgets);
        }
        // Cost Explorer is read in the payer only (the management account, or an account
        // in no organisation): a member has nothing of its own to read there.
        let payer = match &cx.snapshot.organization {
            Some(o) => o.management_account_id == a.id,
            None => true,
        };
        if payer
            && billing
                .is_none_or(|b| b.anomaly_monitors.is_none() || b.anomaly_subscriptions.is_none())
        {
            missing.insert(Data::AnomalyMonitors);
        }
        if payer && billing.is_none_or(|b| b.cost_allocation_tags.is_none()) {
            missing.insert(Data::CostTags);
        }
        let global = crate::config::global_region(&acct.partition);
        let global_read = a
            .regions
            .get(global)
            .and_then(|r| r.cloudtrail.as_ref())
            .and_then(|c| c.global_events.as_ref())
            .is_some_and(|w| !w.capped);
        if !global_read {
            missing.insert(Data::GlobalEvents);
        }
        // The Regions the account was read in; for an account not entered at all, the
        // Regions the run meant to read. (With `--regions all` each account reads the
        // Regions enabled for it, so another account's opt-in Region is not a gap here.)
        let regions: BTreeSet<String> = if a.regions.is_empty() {
            cx.snapshot
                .meta
                .regions
                .iter()
                .filter(|r| crate::config::is_region_name(r))
                .cloned()
                .collect()
        } else {
            a.regions.keys().cloned().collect()
        };
        let mut missing_in = BTreeMap::new();
        for r in &regions {
            let m = regional_missing(acct, a, r);
            if !m.is_empty() {
                missing_in.insert(r.clone(), m);
            }
        }
        Coverage {
            missing,
            missing_in,
            regions: regions.into_iter().collect(),
            nothing: a.iam.is_none() && a.regions.is_empty(),
        }
    }

    /// Data of `needs` not read for a verdict about `region` (`None`: the whole account).
    /// For an account-wide verdict, regional data counts as missing when it is missing in
    /// `any` Region (`true`) or in every Region (`false`).
    fn unread(&self, needs: &[Data], region: Option<&str>, any: bool) -> Vec<Data> {
        let mut out = Vec::new();
        for &d in needs {
            let gone = if !d.regional() {
                self.missing.contains(&d)
            } else if let Some(r) = region {
                self.missing_in.get(r).is_some_and(|m| m.contains(&d))
                    || !self.regions.iter().any(|x| x == r)
            } else if self.regions.is_empty() {
                // No Region in scope (an IAM dump): there is no activity to follow.
                d != Data::Activity
            } else {
                let hit = |r: &String| self.missing_in.get(r).is_some_and(|m| m.contains(&d));
                if any {
                    self.regions.iter().any(hit)
                } else {
                    self.regions.iter().all(hit)
                }
            };
            if gone {
                out.push(d);
            }
        }
        out
    }
}

/// The estate's per-Region lists.
const ESTATE: [Data; 7] = [
    Data::AgentList,
    Data::KnowledgeBases,
    Data::Flows,
    Data::Prompts,
    Data::Runtimes,
    Data::Gateways,
    Data::Memories,
];

fn regional_missing(acct: &AccountView<'_>, a: &Account, region: &str) -> BTreeSet<Data> {
    let mut m = BTreeSet::new();
    let Some(rd) = a.regions.get(region) else {
        m.extend([
            Data::Kms,
            Data::Bedrock,
            Data::Ec2,
            Data::CloudTrail,
            Data::Storage,
        ]);
        m.extend(ESTATE);
        m.extend([Data::Alarms, Data::Detectors, Data::Quotas, Data::Events]);
        if !acct.is_active(region) {
            m.insert(Data::Activity);
        }
        return m;
    };
    if rd.kms.is_none() {
        m.insert(Data::Kms);
    }
    // Bedrock's configuration counts as read only when all of it was: a check that reads
    // the logging configuration, the guardrails or the profiles must not take a part that
    // failed for "none there".
    let bedrock_whole = rd.bedrock.as_ref().is_some_and(|b| {
        !b.logging.is_unknown()
            && b.guardrails.is_some()
            && b.inference_profiles.is_some()
            && b.custom_models.is_some()
            && b.enforced_guardrails.is_some()
    });
    if !bedrock_whole {
        m.insert(Data::Bedrock);
    }
    if rd.ec2.is_none() {
        m.insert(Data::Ec2);
    }
    if rd.cloudtrail.is_none() {
        m.insert(Data::CloudTrail);
    }
    if rd.s3.is_none() || rd.logs.is_none() {
        m.insert(Data::Storage);
    }
    for (d, read) in [
        (Data::Alarms, rd.alarms.is_some()),
        (Data::Detectors, rd.detectors.is_some()),
        (Data::Quotas, rd.quotas.is_some()),
        (
            Data::Events,
            rd.cloudtrail
                .as_ref()
                .and_then(|c| c.bedrock_events.as_ref())
                .is_some_and(|w| !w.capped),
        ),
    ] {
        if !read {
            m.insert(d);
        }
    }
    let agents = rd.agents.as_ref();
    let core = rd.agentcore.as_ref();
    for (d, read) in [
        (Data::AgentList, agents.is_some_and(|a| a.agents.is_some())),
        (
            Data::KnowledgeBases,
            agents.is_some_and(|a| a.knowledge_bases.is_some()),
        ),
        (Data::Flows, agents.is_some_and(|a| a.flows.is_some())),
        (Data::Prompts, agents.is_some_and(|a| a.prompts.is_some())),
        (Data::Runtimes, core.is_some_and(|c| c.runtimes.is_some())),
        (Data::Gateways, core.is_some_and(|c| c.gateways.is_some())),
        (Data::Memories, core.is_some_and(|c| c.memories.is_some())),
    ] {
        if !read {
            m.insert(d);
        }
    }
    // Activity: one positive signal decides; "inactive" needs every signal read. (Agents
    // and AgentCore resources count when present, but their lists are not required: they
    // are not offered in every Region, and Bedrock's own signals already cover one that
    // is in use.)
    if !acct.is_active(region) {
        let trail_read = rd
            .cloudtrail
            .as_ref()
            .is_some_and(|c| !c.bedrock_activity.is_unknown());
        let bedrock_read = rd.bedrock.as_ref().is_some_and(|b| {
            !matches!(b.logging, Probe::Unknown)
                && b.guardrails.is_some()
                && b.inference_profiles.is_some()
                && b.custom_models.is_some()
        });
        // Identity policies naming the Region are a signal too, but a weak one: an IAM
        // gap is reported by every IAM check and does not make Regions unknown here.
        if !trail_read || !bedrock_read || rd.ec2.is_none() {
            m.insert(Data::Activity);
        }
    }
    m
}

fn names(data: &[Data]) -> String {
    let v: Vec<&str> = data.iter().map(|d| d.as_str()).collect();
    v.join(", ")
}

fn gaps_json(cx: &EvalContext<'_>, account: &str, region: Option<&str>, data: &[Data]) -> Value {
    let services: BTreeSet<&str> = data
        .iter()
        .flat_map(|d| d.services().iter().copied())
        .chain(["sts", "perimeter"])
        .collect();
    let gaps: Vec<Value> = cx
        .snapshot
        .gaps
        .iter()
        .filter(|g| {
            g.account == account
                && services.contains(g.service.as_str())
                && (region.is_none() || g.region.is_none() || g.region.as_deref() == region)
        })
        .take(20)
        .map(|g| json!({"service": g.service, "operation": g.operation, "region": g.region, "error": g.error}))
        .collect();
    Value::Array(gaps)
}

fn where_(account: &str, region: Option<&str>) -> String {
    match region {
        Some(r) => format!("account {account} in {r}"),
        None => format!("account {account}"),
    }
}

/// Apply the rule to one check's drafts.
pub(crate) fn enforce(cx: &EvalContext<'_>, needs: Needs, drafts: Vec<Draft>) -> Vec<Draft> {
    let all_needs: Vec<Data> = needs.all().into_iter().collect();
    let pass_needs = needs.for_pass();
    let mut by_account: BTreeMap<String, Vec<Draft>> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for d in drafts {
        if !by_account.contains_key(&d.account) {
            order.push(d.account.clone());
        }
        by_account.entry(d.account.clone()).or_default().push(d);
    }
    let mut out = Vec::new();
    for acct in &cx.accounts {
        let id = acct.account.id.as_str();
        let cov = Coverage::of(cx, acct);
        let mut mine = by_account.remove(id).unwrap_or_default();
        for d in &mut mine {
            let (list, any) = match d.status {
                Status::Pass => (pass_needs.as_slice(), needs.pass_needs_every_region),
                Status::Fail => (needs.fail, true),
                _ => continue,
            };
            let unread = cov.unread(list, d.region.as_deref(), any);
            if unread.is_empty() {
                continue;
            }
            let was = d.status;
            d.status = Status::Unknown;
            let original = std::mem::take(&mut d.message);
            d.message = format!(
                "Not decided: {} of {} could not be read; on what was read: {original}",
                names(&unread),
                where_(id, d.region.as_deref()),
            );
            let prior = std::mem::take(&mut d.evidence).value();
            d.evidence = crate::catalogue::Evidence::from(json!({
                "undecided": {
                    "would_be": was.as_str(),
                    "unread": unread.iter().map(|x| x.as_str()).collect::<Vec<_>>(),
                    "gaps": gaps_json(cx, id, d.region.as_deref(), &unread),
                },
                "evidence": prior,
            }));
        }
        let root = acct.root_arn();
        let per_region = needs.per == Per::Region && !cov.nothing && !cov.regions.is_empty();
        // An account-wide check that spoke of the account, while some Region's data it
        // rests on was not read: what it would have said there is missing, so it says so
        // once for the account.
        if !mine.is_empty() && needs.per == Per::Account && !cov.nothing {
            let regional: Vec<Data> = all_needs.iter().copied().filter(|d| d.regional()).collect();
            let regions: Vec<&String> = cov
                .regions
                .iter()
                .filter(|r| !cov.unread(&regional, Some(r), true).is_empty())
                .collect();
            let said = mine
                .iter()
                .any(|d| d.status == Status::Unknown && d.region.is_none() && d.resource == root);
            if !regions.is_empty() && !said {
                let unread: BTreeSet<Data> = regions
                    .iter()
                    .flat_map(|r| cov.unread(&regional, Some(r), true))
                    .collect();
                let unread: Vec<Data> = unread.into_iter().collect();
                mine.push(
                    Subject::new(id, None, &root)
                        .unknown(format!(
                            "Not decided for {}: {} could not be read there; findings that would rest on them are not shown.",
                            regions.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", "),
                            names(&unread)
                        ))
                        .evidence(json!({
                            "regions": regions,
                            "unread": unread.iter().map(|x| x.as_str()).collect::<Vec<_>>(),
                            "gaps": gaps_json(cx, id, None, &unread),
                        })),
                );
            }
        }
        if mine.is_empty() && !per_region {
            let unread = cov.unread(&all_needs, None, true);
            if !unread.is_empty() {
                mine.push(
                    Subject::new(id, None, &root)
                        .unknown(format!(
                            "Not evaluated: {} of {} could not be read.",
                            names(&unread),
                            where_(id, None)
                        ))
                        .evidence(json!({
                            "unread": unread.iter().map(|x| x.as_str()).collect::<Vec<_>>(),
                            "gaps": gaps_json(cx, id, None, &unread),
                        })),
                );
            }
        } else if per_region {
            let seen: BTreeSet<Option<String>> = mine.iter().map(|d| d.region.clone()).collect();
            for r in &cov.regions {
                if seen.contains(&Some(r.clone())) {
                    continue;
                }
                let unread = cov.unread(&all_needs, Some(r), true);
                if unread.is_empty() {
                    continue;
                }
                mine.push(
                    Subject::new(id, Some(r), &root)
                        .unknown(format!(
                            "Not evaluated: {} of {} could not be read.",
                            names(&unread),
                            where_(id, Some(r))
                        ))
                        .evidence(json!({
                            "unread": unread.iter().map(|x| x.as_str()).collect::<Vec<_>>(),
                            "gaps": gaps_json(cx, id, Some(r), &unread),
                        })),
                );
            }
        }
        out.extend(mine);
    }
    // Drafts about accounts outside the snapshot's list (none expected) pass through.
    for a in order {
        if let Some(rest) = by_account.remove(&a) {
            out.extend(rest);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::{account, snapshot};
    use crate::checks::{registry, run_checks};
    use crate::config::Config;
    use crate::model::{Gap, RegionData};

    fn gap(account: &str, region: Option<&str>, service: &str, op: &str) -> Gap {
        Gap {
            account: account.into(),
            region: region.map(str::to_string),
            service: service.into(),
            operation: op.into(),
            error: "AccessDenied (HTTP 403): not authorised".into(),
            resource: None,
        }
    }

    /// Accounts in every shape of "nothing read": not entered at all, and entered with
    /// every Region's every service in a gap.
    fn all_gaps() -> crate::model::Snapshot {
        let unreachable = account("111111111111");
        let mut blind = account("222222222222");
        for r in ["us-east-1", "eu-west-1"] {
            blind.regions.insert(r.into(), RegionData::default());
        }
        let mut s = snapshot(vec![unreachable, blind]);
        s.meta.regions = vec!["eu-west-1".into(), "us-east-1".into()];
        s.gaps.push(gap("111111111111", None, "sts", "AssumeRole"));
        for acct in ["111111111111", "222222222222"] {
            s.gaps
                .push(gap(acct, None, "organizations", "DescribeOrganization"));
        }
        s.gaps.push(gap(
            "222222222222",
            None,
            "iam",
            "GetAccountAuthorizationDetails",
        ));
        for r in ["us-east-1", "eu-west-1"] {
            for (svc, op) in [
                ("kms", "ListKeys"),
                ("bedrock", "GetModelInvocationLoggingConfiguration"),
                ("ec2", "DescribeVpcs"),
                ("cloudtrail", "DescribeTrails"),
            ] {
                s.gaps.push(gap("222222222222", Some(r), svc, op));
            }
        }
        s
    }

    #[test]
    fn no_check_passes_or_fails_on_data_that_was_not_read() {
        let snap = all_gaps();
        let findings = run_checks(&snap, &Config::default(), &|_| true);
        for f in &findings {
            assert!(
                f.status == Status::Unknown,
                "{} said {} for {} with nothing read: {}",
                f.check,
                f.status,
                f.account,
                f.message
            );
        }
        // And nothing vanishes: every check says `unknown` about every account.
        for meta in registry::all() {
            for acct in ["111111111111", "222222222222"] {
                assert!(
                    findings
                        .iter()
                        .any(|f| f.check == meta.code && f.account == acct),
                    "{} said nothing about account {acct}, whose data was not read",
                    meta.code
                );
            }
        }
    }

    #[test]
    fn a_region_in_a_gap_is_unknown_not_inactive() {
        // us-east-1 read and quiet; eu-west-1's activity signal (LookupEvents) failed.
        let mut a = account("333333333333");
        a.iam = Some(crate::model::Iam::default());
        a.regions.insert("us-east-1".into(), RegionData::all_read());
        let mut eu = RegionData::all_read();
        if let Some(ct) = eu.cloudtrail.as_mut() {
            ct.bedrock_activity = Probe::Unknown;
        }
        a.regions.insert("eu-west-1".into(), eu);
        let snap = snapshot(vec![a]);
        for code in ["NET-001", "LOG-001", "GRD-001"] {
            let f = run_checks(&snap, &Config::default(), &|m| m.code == code);
            assert!(
                f.iter().all(|x| x.region.as_deref() != Some("us-east-1")),
                "{code}: an inactive, fully read Region raises nothing"
            );
            assert!(
                f.iter().any(
                    |x| x.region.as_deref() == Some("eu-west-1") && x.status == Status::Unknown
                ),
                "{code}: a Region whose activity could not be read is unknown"
            );
        }
    }
}
