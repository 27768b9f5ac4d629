//! Helpers for the checks' unit tests: small snapshots built in code.

use crate::config::Config;
use crate::model::{
    Account, CallerIdentity, Ec2, Meta, RegionData, Snapshot, ToolInfo, VpcEndpoint,
};

use super::{Finding, registry, run_checks};

pub const ACCOUNT: &str = "111122223333";

/// A snapshot holding the given accounts, taken "now" = 2026-11-01.
pub fn snapshot(accounts: Vec<Account>) -> Snapshot {
    let mut s = Snapshot::new(Meta {
        tool: ToolInfo::current(),
        caller: CallerIdentity {
            account: ACCOUNT.into(),
            arn: format!("arn:aws:iam::{ACCOUNT}:user/auditor"),
            user_id: "AIDAEXAMPLE".into(),
        },
        started: "2026-11-01T00:00:00Z".into(),
        finished: "2026-11-01T00:05:00Z".into(),
        regions: {
            let mut r: Vec<String> = accounts
                .iter()
                .flat_map(|a| a.regions.keys().cloned())
                .collect();
            r.sort();
            r.dedup();
            if r.is_empty() {
                r.push("us-east-1".into());
            }
            r
        },
        accounts: accounts.iter().map(|a| a.id.clone()).collect(),
        source: "live".into(),
        partial: false,
        api_calls: Vec::new(),
    });
    s.accounts = accounts;
    s
}

/// An empty account with the given id.
pub fn account(id: &str) -> Account {
    Account {
        id: id.into(),
        access: "caller".into(),
        ..Account::default()
    }
}

/// Run one check over a snapshot with a config.
pub fn run_with(code: &str, snap: &Snapshot, config: &Config) -> Vec<Finding> {
    assert!(registry::find(code).is_some(), "{code} is not registered");
    run_checks(snap, config, &|m| m.code == code)
}

/// Run one check with the default config.
pub fn run(code: &str, snap: &Snapshot) -> Vec<Finding> {
    run_with(code, snap, &Config::default())
}

/// A snapshot of account [`ACCOUNT`] with `data` as its us-east-1.
pub fn one_region(data: RegionData) -> Snapshot {
    let mut a = account(ACCOUNT);
    a.regions.insert("us-east-1".into(), data);
    snapshot(vec![a])
}

/// An available Bedrock Runtime interface endpoint `vpce-1` of `vpc-1` in us-east-1,
/// private DNS on.
pub fn runtime_endpoint() -> VpcEndpoint {
    VpcEndpoint {
        id: "vpce-1".into(),
        vpc_id: "vpc-1".into(),
        service_name: "com.amazonaws.us-east-1.bedrock-runtime".into(),
        endpoint_type: "Interface".into(),
        state: "available".into(),
        private_dns_enabled: true,
        ..VpcEndpoint::default()
    }
}

/// EC2 data holding only `endpoint`.
pub fn ec2_with(endpoint: VpcEndpoint) -> Ec2 {
    Ec2 {
        vpcs: Vec::new(),
        endpoints: vec![endpoint],
        security_groups: Vec::new(),
    }
}
