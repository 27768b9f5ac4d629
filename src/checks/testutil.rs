//! Helpers for the checks' unit tests: small snapshots built in code.

use crate::config::Config;
use crate::model::{Account, CallerIdentity, Meta, Snapshot, ToolInfo};

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
