//! One account: IAM and every Region's services, then the buckets and log groups the
//! Region data points at.

use std::collections::BTreeMap;

use super::clients::Clients;
use super::context::CallContext;
use super::options::CollectOptions;
use super::options::RegionSpec;
use super::s3::Location;
use super::{agentcore, agents, bedrock, cloudtrail, cloudwatch, ec2, iam, kms, logs, s3, usage};
use crate::model::{Account, LogGroup, Logs, Probe, RegionData, S3};

/// Everything known about an account before its data is read.
#[derive(Debug, Clone, Default)]
pub struct AccountPlan {
    pub id: String,
    pub name: Option<String>,
    pub ou_path: Vec<crate::model::OuRef>,
    pub tags: crate::model::Tags,
    pub tags_unread: bool,
    pub scps: Option<Vec<crate::model::ScpLevel>>,
    /// Why the SCP chain is not known (operation, reason), recorded as the account's gap.
    pub scps_unknown: Option<(&'static str, String)>,
    pub access: String,
    /// The account pays the bill (management account, or no organisation): only the
    /// payer's Cost Explorer holds the cost-allocation tags.
    pub payer: bool,
}

impl AccountPlan {
    /// The account entry with no collected data (used when it cannot be entered).
    pub fn empty(&self) -> Account {
        Account {
            billing: None,
            id: self.id.clone(),
            name: self.name.clone(),
            ou_path: self.ou_path.clone(),
            tags: self.tags.clone(),
            tags_unread: self.tags_unread,
            scps: self.scps.clone(),
            access: self.access.clone(),
            iam: None,
            regions: BTreeMap::new(),
        }
    }
}

/// The Regions to read in an account.
pub async fn resolve_regions(
    spec: &RegionSpec,
    clients: &Clients,
    cx: &CallContext,
) -> Vec<String> {
    match spec {
        RegionSpec::Default => vec![clients.default_region.clone()],
        RegionSpec::List(list) => {
            let mut l = list.clone();
            l.sort();
            l.dedup();
            l
        }
        RegionSpec::All => {
            let region = clients.default_region.clone();
            let ec2 = clients.ec2(&region);
            // `all` means the Regions enabled for the account in the caller's partition:
            // an endpoint may list Regions of other partitions, which these credentials
            // cannot reach.
            let partition = crate::config::region_partition(&region);
            let enabled = ec2::enabled_regions(&ec2, &cx.in_region(&region))
                .await
                .map(|rs| {
                    rs.into_iter()
                        .filter(|r| crate::config::region_partition(r) == partition)
                        .collect::<Vec<_>>()
                });
            match enabled {
                Some(r) if !r.is_empty() => r,
                // The gap is recorded; fall back to the configured Region.
                _ => vec![region],
            }
        }
    }
}

/// Read one account in the given Regions.
pub async fn collect_account(
    plan: &AccountPlan,
    clients: &Clients,
    cx: &CallContext,
    regions: &[String],
    opts: &CollectOptions,
) -> Account {
    let activity_days = opts.activity_days;
    let partition = crate::config::region_partition(&clients.default_region).unwrap_or("aws");
    let global = crate::config::global_region(partition);
    let iam_client = clients.iam();
    let iam_fut = iam::collect_iam(&iam_client, cx);
    // Budgets and Cost Explorer are global (and Cost Explorer is billed per request):
    // asked once per account, from the partition's first Region, never per Region.
    let billing_fut = async {
        let bcx = cx.in_region(global);
        usage::billing(
            &clients.budgets(global),
            &clients.costexplorer(global),
            &bcx,
            plan.payer,
        )
        .await
    };
    let regions_fut = futures::future::join_all(regions.iter().map(|r| async move {
        let rcx = cx.in_region(r);
        let (kms_c, bedrock_c, ec2_c, ct_c, agent_c, core_c) = (
            clients.kms(r),
            clients.bedrock(r),
            clients.ec2(r),
            clients.cloudtrail(r),
            clients.bedrock_agent(r),
            clients.agentcore(r),
        );
        // The estate's vector stores follow its knowledge bases (list first, then read only
        // what they name).
        let agents_then_stores = async {
            let mut a = agents::collect_agents(&agent_c, &rcx).await;
            if let Some(kbs) = &a.knowledge_bases {
                let stores =
                    agents::vector_stores(&clients.aoss(r), &clients.s3vectors(r), &rcx, kbs).await;
                a.vector_stores = Some(stores);
            }
            a
        };
        // Delivery-failure metrics only where invocation logging is configured.
        let bedrock_then_metrics = async {
            let b = bedrock::collect_bedrock(&bedrock_c, &rcx, activity_days).await;
            let failures = match &b.logging {
                Probe::Found(_) => {
                    cloudwatch::delivery_failures(&clients.cloudwatch(r), &rcx).await
                }
                Probe::Absent => Probe::Absent,
                Probe::Unknown => Probe::Unknown,
            };
            (b, failures)
        };
        let events = cloudtrail::EventOptions {
            days: activity_days,
            pages: opts.event_pages,
            global_region: r == global,
            payer: plan.payer,
        };
        let (cw_c, gd_c, sq_c) = (
            clients.cloudwatch(r),
            clients.guardduty(r),
            clients.servicequotas(r),
        );
        let usage_fut = async {
            futures::join!(
                usage::alarms(&cw_c, &rcx),
                usage::detectors(&gd_c, &rcx),
                usage::quotas(&sq_c, &rcx),
            )
        };
        let (
            kms,
            (bedrock, delivery_failures),
            ec2,
            cloudtrail,
            agents,
            agentcore,
            (alarms, detectors, quotas),
        ) = futures::join!(
            kms::collect_kms(&kms_c, &rcx),
            bedrock_then_metrics,
            ec2::collect_ec2(&ec2_c, &rcx),
            cloudtrail::collect_cloudtrail(&ct_c, &rcx, &events),
            agents_then_stores,
            agentcore::collect_agentcore(&core_c, &rcx),
            usage_fut,
        );
        (
            r.clone(),
            RegionData {
                kms,
                bedrock: Some(bedrock),
                ec2,
                cloudtrail,
                s3: Some(S3::default()),
                logs: Some(Logs::default()),
                agents: Some(agents),
                agentcore: Some(agentcore),
                delivery_failures,
                alarms,
                detectors,
                quotas,
            },
        )
    }));
    let (iam, region_data, billing) = futures::join!(iam_fut, regions_fut, billing_fut);
    let mut data: BTreeMap<String, RegionData> = region_data.into_iter().collect();

    attach_storage(clients, cx, &mut data).await;

    let mut account = plan.empty();
    account.iam = iam;
    account.billing = Some(billing);
    account.regions = data;
    account
}

/// A bucket or log group referenced by Region data: who references it and why.
#[derive(Debug, Default)]
struct Refs {
    /// Region of the first reference.
    from_region: String,
    roles: Vec<String>,
}

fn add_ref(map: &mut BTreeMap<String, Refs>, key: &str, region: &str, role: &str) {
    let e = map.entry(key.to_string()).or_insert_with(|| Refs {
        from_region: region.to_string(),
        roles: Vec::new(),
    });
    if !e.roles.iter().any(|r| r == role) {
        e.roles.push(role.to_string());
    }
}

/// Read the buckets and log groups that invocation logging and trails write to, and
/// place each in its own Region when that Region is in scope (else in the Region that
/// referenced it).
async fn attach_storage(
    clients: &Clients,
    cx: &CallContext,
    data: &mut BTreeMap<String, RegionData>,
) {
    let mut buckets: BTreeMap<String, Refs> = BTreeMap::new();
    // (region, name) of log groups.
    let mut groups: BTreeMap<String, Refs> = BTreeMap::new();
    let mut group_region: BTreeMap<String, String> = BTreeMap::new();
    for (region, rd) in data.iter() {
        if let Some(b) = rd.bedrock.as_ref()
            && let Probe::Found(l) = &b.logging
        {
            if let Some(bucket) = &l.s3_bucket {
                add_ref(&mut buckets, bucket, region, "invocation-logs");
            }
            if let Some(bucket) = &l.large_data_bucket {
                add_ref(&mut buckets, bucket, region, "invocation-logs-large-data");
            }
            if let Some(g) = &l.cloudwatch_log_group {
                let key = format!("{region}\u{0}{g}");
                add_ref(&mut groups, &key, region, "invocation-logs");
                group_region.insert(key, region.clone());
            }
        }
        // The estate's data stores: what knowledge bases ingest and batch jobs write.
        if let Some(a) = rd.agents.as_ref() {
            for kb in a.knowledge_bases.iter().flatten() {
                for ds in kb.data_sources.iter().flatten() {
                    if let Some(name) = ds
                        .bucket_arn
                        .as_deref()
                        .and_then(crate::model::arn::s3_bucket_of_arn)
                    {
                        add_ref(&mut buckets, name, region, "knowledge-base-source");
                    }
                }
            }
        }
        if let Some(b) = rd.bedrock.as_ref() {
            for j in b.batch_jobs.iter().flatten() {
                // A bucket in another account is not read (its owner's to judge).
                if j.output_bucket_owner
                    .as_deref()
                    .is_some_and(|o| o != cx.account)
                {
                    continue;
                }
                if let Some(name) = j
                    .output_s3_uri
                    .as_deref()
                    .and_then(crate::model::arn::s3_bucket_of_uri)
                {
                    add_ref(&mut buckets, name, region, "batch-output");
                }
            }
        }
        if let Some(ct) = rd.cloudtrail.as_ref() {
            for t in &ct.trails {
                if let Some(bucket) = &t.s3_bucket {
                    add_ref(&mut buckets, bucket, region, "cloudtrail");
                }
                if let Some((g_region, name)) = t
                    .cloudwatch_log_group_arn
                    .as_deref()
                    .and_then(super::decode::log_group_from_arn)
                {
                    let g_region = if g_region.is_empty() {
                        region.clone()
                    } else {
                        g_region
                    };
                    let key = format!("{g_region}\u{0}{name}");
                    add_ref(&mut groups, &key, region, "cloudtrail");
                    group_region.insert(key, g_region);
                }
            }
        }
    }

    // The buckets and the log groups are read side by side (neither needs the other).
    let bucket_fut =
        futures::future::join_all(buckets.into_iter().map(|(name, refs)| async move {
            let from = refs.from_region.clone();
            let rcx = cx.in_region(&from);
            let loc = s3::bucket_location(&clients.s3(&from), &rcx, &name).await;
            let (region, bucket) = match loc {
                Location::Region(r) => {
                    let bcx = cx.in_region(&r);
                    let b = s3::collect_bucket(&clients.s3(&r), &bcx, &name, &r, refs.roles).await;
                    (r, b)
                }
                Location::Unknown => {
                    let b =
                        s3::collect_bucket(&clients.s3(&from), &rcx, &name, "", refs.roles).await;
                    (from.clone(), b)
                }
                Location::Missing => (from.clone(), s3::unreadable_bucket(&name, "", refs.roles)),
            };
            (region, from, bucket)
        }));
    let group_fut = futures::future::join_all(groups.into_iter().map(|(key, refs)| {
        let region = group_region.get(&key).cloned().unwrap_or_default();
        async move {
            let name = key.split('\u{0}').nth(1).unwrap_or_default().to_string();
            let gcx = cx.in_region(&region);
            let g: Option<LogGroup> =
                logs::collect_log_group(&clients.logs(&region), &gcx, &name, refs.roles).await;
            (region, refs.from_region, g)
        }
    }));
    let (bucket_results, group_results) = futures::join!(bucket_fut, group_fut);
    for (region, from, bucket) in bucket_results {
        let target = if data.contains_key(&region) {
            region
        } else {
            from
        };
        if let Some(rd) = data.get_mut(&target) {
            rd.s3.get_or_insert_with(S3::default).buckets.push(bucket);
        }
    }

    for (region, from, group) in group_results {
        let Some(group) = group else { continue };
        let target = if data.contains_key(&region) {
            region
        } else {
            from
        };
        if let Some(rd) = data.get_mut(&target) {
            rd.logs
                .get_or_insert_with(Logs::default)
                .log_groups
                .push(group);
        }
    }
    for rd in data.values_mut() {
        if let Some(s) = rd.s3.as_mut() {
            s.buckets.sort_by(|a, b| a.name.cmp(&b.name));
        }
        if let Some(l) = rd.logs.as_mut() {
            l.log_groups.sort_by(|a, b| a.name.cmp(&b.name));
        }
    }
}
