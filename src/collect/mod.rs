//! Collection: AWS APIs → [`crate::model::Snapshot`]. Read-only calls only.
//!
//! [`collect`] reads the caller's account, or with `--org` every account of the
//! organisation, and pushes each account into the shared snapshot as soon as it is
//! complete. Failures become [`crate::model::Gap`]s; only the failures listed in
//! [`CollectError`] stop a run.
//!
//! Each service's collector takes an injected SDK client and a [`CallContext`], so that
//! tests can drive it with mocked clients: [`iam::collect_iam`], [`kms::collect_kms`],
//! [`bedrock::collect_bedrock`], [`ec2::collect_ec2`], [`cloudtrail::collect_cloudtrail`],
//! [`s3::collect_bucket`], [`logs::collect_log_group`], [`org::read_organization`].

pub mod account;
pub mod agentcore;
pub mod agents;
pub mod bedrock;
pub mod clients;
pub mod cloudtrail;
pub mod cloudwatch;
pub mod context;
pub mod decode;
pub mod ec2;
pub mod iam;
pub mod kms;
pub mod logs;
pub mod options;
pub mod org;
pub mod permissions;
mod progress;
pub mod s3;
pub mod usage;

use std::collections::BTreeSet;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use futures::stream::{self, StreamExt};

pub use context::{CallContext, CallError, CallErrorKind, RunShared};
pub use options::{CollectOptions, RegionSpec, Shard};

use account::AccountPlan;
use clients::Clients;
use context::lock;
use org::{Membership, OrgRead};

use crate::model::{Account, CallerIdentity, Snapshot};

/// Session name perimeter uses when it assumes a role in a member account.
pub const SESSION_NAME: &str = "perimeter-audit";

/// Failures that stop a collection. Everything else is a gap.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error("no AWS credentials found ({profile}): {detail}")]
    NoCredentials { profile: String, detail: String },
    #[error("cannot reach AWS at {endpoint}: {reason}")]
    Unreachable { endpoint: String, reason: String },
    #[error("sts:GetCallerIdentity failed at {endpoint}: {reason}")]
    Identity { endpoint: String, reason: String },
    #[error("--org was given but account {account} is not in an AWS Organization")]
    NotInOrganization { account: String },
    #[error(
        "--org needs the management account or a delegated administrator, and account {account} cannot read organization {organization}: {reason}"
    )]
    NotManagement {
        account: String,
        organization: String,
        reason: String,
    },
    #[error("cannot read the organization from account {account}: {reason}")]
    Organization { account: String, reason: String },
    #[error(
        "{filters} matched no active account of organization {organization}; nothing would be audited"
    )]
    EmptyScope {
        filters: String,
        organization: String,
    },
}

/// FNV-1a (64-bit) of the account id: the stable hash behind `--shard`.
fn fnv1a(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// True when `account` belongs to `shard`: FNV-1a 64 of the account id, modulo the shard
/// count. Depends only on the id, so shards agree even if their account lists differ.
pub fn in_shard(account: &str, shard: Shard) -> bool {
    if shard.count <= 1 {
        return true;
    }
    fnv1a(account) % u64::from(shard.count) == u64::from(shard.index)
}

fn profile_text(opts: &CollectOptions) -> String {
    match &opts.profile {
        Some(p) => format!("profile {p}"),
        None => match std::env::var("AWS_PROFILE") {
            Ok(p) if !p.is_empty() => format!("profile {p} from AWS_PROFILE"),
            _ => "default credential chain".to_string(),
        },
    }
}

/// Read the caller identity; its failure is fatal.
async fn caller_identity(
    opts: &CollectOptions,
    clients: &Clients,
    run: &Arc<RunShared>,
) -> Result<(CallerIdentity, CallContext), CollectError> {
    let probe_cx = CallContext::with_run("", None, run.clone(), opts.account_concurrency);
    let endpoint = clients::endpoint_description(opts, &clients.conf, "STS");
    let sts = clients.sts();
    let mut res = probe_cx
        .call_attempts(2, "sts", "GetCallerIdentity", || {
            sts.get_caller_identity().send()
        })
        .await;
    // Fail fast only where nothing answers (no endpoint, connection refused, no reply in
    // time): an endpoint that answers with throttling or a server error, or drops a
    // connection it accepted, is asked again as patiently as the organisation's reads.
    if let Err(e) = &res {
        let lower = e.message.to_ascii_lowercase();
        let nobody_there =
            e.kind == CallErrorKind::Timeout || e.is_unavailable() || lower.contains("refused");
        if e.is_retryable() && !nobody_there {
            res = probe_cx
                .call_critical("sts", "GetCallerIdentity", || {
                    sts.get_caller_identity().send()
                })
                .await;
        }
    }
    match res {
        Ok(out) => {
            let caller = CallerIdentity {
                account: out.account().unwrap_or_default().to_string(),
                arn: out.arn().unwrap_or_default().to_string(),
                user_id: out.user_id().unwrap_or_default().to_string(),
            };
            let cx = CallContext::with_run(
                caller.account.clone(),
                None,
                run.clone(),
                opts.account_concurrency,
            );
            cx.count("sts", "GetCallerIdentity");
            Ok((caller, cx))
        }
        Err(e) => {
            let lower = e.message.to_ascii_lowercase();
            let no_creds = clients.conf.credentials_provider().is_none()
                || (e.kind != CallErrorKind::Service
                    && (lower.contains("credential") || lower.contains("no providers in chain")));
            Err(if no_creds {
                CollectError::NoCredentials {
                    profile: profile_text(opts),
                    detail: e.message.clone(),
                }
            } else if matches!(e.kind, CallErrorKind::Dispatch | CallErrorKind::Timeout) {
                CollectError::Unreachable {
                    endpoint,
                    reason: e.message.clone(),
                }
            } else {
                CollectError::Identity {
                    endpoint,
                    reason: e.to_string(),
                }
            })
        }
    }
}

/// Collect into `out`: the caller's account, or with `opts.org` the organisation's
/// accounts. Each account is pushed into `out` when it is complete.
pub async fn collect(opts: &CollectOptions, out: Arc<Mutex<Snapshot>>) -> Result<(), CollectError> {
    let run = RunShared::with_retry(opts.concurrency, clients::retry_policy(opts).await);
    let base = clients::load_base(opts).await;
    let path_style = clients::endpoint_overridden(opts, &base);
    let caller_clients = Clients::new(base.clone(), path_style, run.attempts.clone());

    let (caller, ccx) = caller_identity(opts, &caller_clients, &run).await?;
    let partition = caller
        .arn
        .split(':')
        .nth(1)
        .filter(|p| !p.is_empty())
        .unwrap_or("aws")
        .to_string();
    lock(&out).meta.caller = caller.clone();

    // The organisation.
    let orgs = caller_clients.organizations();
    let membership = org::membership(&orgs, &ccx).await;
    let mut org_read: Option<OrgRead> = None;
    match (&membership, opts.org) {
        (
            Ok(Membership::Member {
                id,
                arn,
                management,
            }),
            true,
        ) => match org::read_organization(&orgs, &ccx, id, arn, management).await {
            Ok(r) => org_read = Some(r),
            Err(e) if e.is_access_denied() || e.is(&["AWSOrganizationsNotInUseException"]) => {
                return Err(CollectError::NotManagement {
                    account: caller.account.clone(),
                    organization: id.clone(),
                    reason: e.to_string(),
                });
            }
            Err(e) => {
                return Err(CollectError::Organization {
                    account: caller.account.clone(),
                    reason: e.to_string(),
                });
            }
        },
        (Ok(Membership::None), true) => {
            return Err(CollectError::NotInOrganization {
                account: caller.account.clone(),
            });
        }
        (Err(e), true) => {
            return Err(CollectError::Organization {
                account: caller.account.clone(),
                reason: e.to_string(),
            });
        }
        (
            Ok(Membership::Member {
                id,
                arn,
                management,
            }),
            false,
        ) => {
            if *management == caller.account {
                match org::read_organization(&orgs, &ccx, id, arn, management).await {
                    Ok(r) => org_read = Some(r),
                    Err(e) => ccx.gap("organizations", "ListRoots", &e, None),
                }
            } else {
                ccx.gap(
                    "organizations",
                    "ListPolicies",
                    format!(
                        "account {} is a member of organization {id} (management account {management}); its SCP chain can only be read from the management account or a delegated administrator",
                        caller.account
                    ),
                    None,
                );
            }
        }
        (Ok(Membership::None), false) => {}
        (Err(e), false) => ccx.gap("organizations", "DescribeOrganization", e, None),
    }

    // The accounts to audit.
    let mut plans: Vec<AccountPlan> = Vec::new();
    // The payer (whose Cost Explorer holds the organisation's cost-allocation tags): the
    // management account, or an account in no organisation.
    let payer_id: Option<String> = match &membership {
        Ok(Membership::Member { management, .. }) => Some(management.clone()),
        Ok(Membership::None) => Some(caller.account.clone()),
        Err(_) => None,
    };
    let plan_for = |id: &str, r: Option<&OrgRead>| -> AccountPlan {
        let acct = r.and_then(|r| r.org.accounts.iter().find(|a| a.id == id));
        AccountPlan {
            payer: payer_id.as_deref() == Some(id),
            id: id.to_string(),
            name: acct.map(|a| a.name.clone()),
            ou_path: r.map(|r| r.ou_path(id)).unwrap_or_default(),
            tags: acct.map(|a| a.tags.clone()).unwrap_or_default(),
            tags_unread: acct.is_some_and(|a| a.tags_unread),
            scps: r.and_then(|r| r.scp_chain(id)),
            scps_unknown: r.and_then(|r| r.scp_chain_unknown(id)),
            access: String::new(),
        }
    };
    if opts.org {
        let Some(r) = org_read.as_ref() else {
            return Err(CollectError::Organization {
                account: caller.account.clone(),
                reason: "the organisation was not read".into(),
            });
        };
        let mut ids: Vec<&crate::model::OrgAccount> = r.org.accounts.iter().collect();
        ids.sort_by(|a, b| a.id.cmp(&b.id));
        let mut in_filters = 0usize;
        for a in ids {
            if !opts.accounts.is_empty() && !opts.accounts.iter().any(|x| x == &a.id) {
                continue;
            }
            if opts.exclude_accounts.iter().any(|x| x == &a.id) {
                continue;
            }
            if !opts.ous.is_empty() {
                let path = r.ou_path(&a.id);
                let hit = opts.ous.iter().any(|want| {
                    path.iter()
                        .any(|o| o.id == *want || o.name.eq_ignore_ascii_case(want))
                });
                if !hit {
                    continue;
                }
            }
            in_filters += 1;
            if let Some(shard) = opts.shard
                && !in_shard(&a.id, shard)
            {
                continue;
            }
            if !a.status.eq_ignore_ascii_case("ACTIVE") {
                ccx.gap(
                    "organizations",
                    "ListAccountsForParent",
                    format!(
                        "account {} is {} and was not audited",
                        a.id,
                        if a.status.is_empty() {
                            "of unknown status"
                        } else {
                            &a.status
                        }
                    ),
                    Some(&a.id),
                );
                continue;
            }
            plans.push(plan_for(&a.id, Some(r)));
        }
        // An empty shard of a non-empty scope is normal (few accounts, many shards):
        // its snapshot is simply empty, and `merge` puts the shards back together.
        if in_filters == 0 {
            let mut filters = Vec::new();
            if !opts.accounts.is_empty() {
                filters.push(format!("--accounts {}", opts.accounts.join(",")));
            }
            if !opts.exclude_accounts.is_empty() {
                filters.push(format!(
                    "--exclude-accounts {}",
                    opts.exclude_accounts.join(",")
                ));
            }
            if !opts.ous.is_empty() {
                filters.push(format!("--ous {}", opts.ous.join(",")));
            }
            if filters.is_empty() {
                filters.push("--org".into());
            }
            return Err(CollectError::EmptyScope {
                filters: filters.join(" "),
                organization: r.org.id.clone(),
            });
        }
    } else {
        let mut p = plan_for(&caller.account, org_read.as_ref());
        if org_read.is_none() {
            p.scps = None;
        }
        plans.push(p);
    }

    {
        let mut snap = lock(&out);
        snap.meta.accounts = plans.iter().map(|p| p.id.clone()).collect();
        if let RegionSpec::List(l) = &opts.regions {
            let set: BTreeSet<String> = l.iter().cloned().collect();
            snap.meta.regions = set.into_iter().collect();
        } else if opts.regions == RegionSpec::Default {
            snap.meta.regions = vec![caller_clients.default_region.clone()];
        }
        snap.organization = org_read.as_ref().map(|r| r.org.clone());
        snap.gaps.extend(ccx.log().take_gaps());
        snap.meta.api_calls.extend(ccx.log().take_calls());
    }

    let progress = progress::Progress::start(opts.progress, plans.len() as u64, run.clone());
    let caller_sts = caller_clients.sts();
    let in_flight = (opts.concurrency / opts.account_concurrency.max(1)).max(1) + 1;
    let done: Vec<()> = stream::iter(plans)
        .map(|mut plan| {
            let run = run.clone();
            let out = out.clone();
            let base = base.clone();
            let caller_clients = caller_clients.clone();
            let caller_sts = caller_sts.clone();
            let partition = partition.clone();
            let caller_account = caller.account.clone();
            let progress = progress.clone();
            async move {
                let cx = CallContext::with_run(
                    plan.id.clone(),
                    None,
                    run.clone(),
                    opts.account_concurrency,
                );
                if let Some((op, why)) = &plan.scps_unknown {
                    cx.gap("organizations", op, why.as_str(), None);
                }
                if plan.tags_unread {
                    cx.gap(
                        "organizations",
                        "ListTagsForResource",
                        "the account's tags could not be read",
                        Some(&plan.id),
                    );
                }
                let account = if plan.id == caller_account {
                    plan.access = "caller".into();
                    audit(opts, &plan, &caller_clients, &cx).await
                } else {
                    let role_arn =
                        format!("arn:{partition}:iam::{}:role/{}", plan.id, opts.role_name);
                    match cx
                        .call("sts", "AssumeRole", || {
                            caller_sts
                                .assume_role()
                                .role_arn(&role_arn)
                                .role_session_name(SESSION_NAME)
                                .set_external_id(opts.external_id.clone())
                                .send()
                        })
                        .await
                    {
                        Ok(assumed) => match assumed.credentials() {
                            Some(creds) => {
                                plan.access = format!("assumed-role:{role_arn}");
                                let conf = clients::with_credentials(&base, creds);
                                let member = Clients::new(conf, path_style, run.attempts.clone());
                                audit(opts, &plan, &member, &cx).await
                            }
                            None => {
                                cx.gap(
                                    "sts",
                                    "AssumeRole",
                                    "no credentials returned",
                                    Some(&role_arn),
                                );
                                plan.access = format!(
                                    "unreachable: cannot assume {role_arn}: no credentials returned"
                                );
                                plan.empty()
                            }
                        },
                        Err(e) => {
                            cx.gap("sts", "AssumeRole", &e, Some(&role_arn));
                            plan.access = format!("unreachable: cannot assume {role_arn}: {e}");
                            plan.empty()
                        }
                    }
                };
                {
                    let mut snap = lock(&out);
                    for r in account.regions.keys() {
                        if !snap.meta.regions.contains(r) {
                            snap.meta.regions.push(r.clone());
                            snap.meta.regions.sort();
                        }
                    }
                    snap.accounts.push(account);
                    snap.accounts.sort_by(|a, b| a.id.cmp(&b.id));
                    snap.gaps.extend(cx.log().take_gaps());
                    snap.meta.api_calls.extend(cx.log().take_calls());
                }
                progress.account_done();
            }
        })
        .buffer_unordered(in_flight)
        .collect()
        .await;
    drop(done);
    progress.finish();
    tracing::info!(
        calls = run.calls.load(Ordering::Relaxed),
        attempts = run.attempts.load(Ordering::Relaxed),
        gaps = run.gaps.load(Ordering::Relaxed),
        "collection finished"
    );
    let mut snap = lock(&out);
    snap.meta.api_calls.sort();
    Ok(())
}

/// Read one entered account, within the per-account time limit.
async fn audit(
    opts: &CollectOptions,
    plan: &AccountPlan,
    clients: &Clients,
    cx: &CallContext,
) -> Account {
    let work = async {
        let regions = account::resolve_regions(&opts.regions, clients, cx).await;
        account::collect_account(plan, clients, cx, &regions, opts).await
    };
    match tokio::time::timeout(opts.account_timeout, work).await {
        Ok(a) => a,
        Err(_) => {
            cx.gap(
                "perimeter",
                "CollectAccount",
                format!(
                    "collection of the account did not finish within {} s; its data was dropped",
                    opts.account_timeout.as_secs()
                ),
                None,
            );
            plan.empty()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_accounts() {
        let ids: Vec<String> = (0..200)
            .map(|i| format!("{:012}", 111_111_111_111u64 + i * 7919))
            .collect();
        for count in 1..6u32 {
            for id in &ids {
                let hits = (0..count)
                    .filter(|&index| in_shard(id, Shard { index, count }))
                    .count();
                assert_eq!(hits, 1, "{id} in {hits} of {count} shards");
            }
        }
    }
}
