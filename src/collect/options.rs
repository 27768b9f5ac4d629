//! What to collect and how: built by the CLI layer, read by the collectors.

use std::time::Duration;

/// Which Regions to read in each account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionSpec {
    /// The Region of the AWS configuration (profile, `AWS_REGION`), or us-east-1.
    Default,
    /// Every Region enabled in the account (`ec2:DescribeRegions`).
    All,
    /// These Regions.
    List(Vec<String>),
}

/// A stable partition of the account list: this process handles shard `index` of `count`
/// (1-based in the CLI as `K/N`, 0-based here).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

/// Attempts per call when neither a flag, the environment nor the profile says.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;

#[derive(Debug, Clone)]
pub struct CollectOptions {
    /// Named profile of the shared AWS config files (`--profile`).
    pub profile: Option<String>,
    /// Endpoint override for every service (`--endpoint-url`; `AWS_ENDPOINT_URL` is read
    /// by the SDK itself).
    pub endpoint_url: Option<String>,
    pub regions: RegionSpec,
    /// Audit every account of the organisation (`--org`).
    pub org: bool,
    /// Role assumed in member accounts.
    pub role_name: String,
    pub external_id: Option<String>,
    /// Only these accounts (`--accounts`).
    pub accounts: Vec<String>,
    pub exclude_accounts: Vec<String>,
    /// Only accounts under these OUs (ids or names), at any depth.
    pub ous: Vec<String>,
    pub shard: Option<Shard>,
    /// Calls in flight across the whole run.
    pub concurrency: usize,
    /// Calls in flight within one account, per Region and service.
    pub account_concurrency: usize,
    pub call_timeout: Duration,
    pub account_timeout: Duration,
    /// Most attempts per call (`--max-attempts`); `None`: AWS_MAX_ATTEMPTS or the
    /// profile's `max_attempts`, else [`DEFAULT_MAX_ATTEMPTS`].
    pub max_attempts: Option<u32>,
    /// `standard` or `adaptive` (`--retry-mode`); `None`: AWS_RETRY_MODE or the profile's
    /// `retry_mode`, else standard.
    pub retry_mode: Option<String>,
    /// Days of CloudTrail event history to search for Bedrock activity.
    pub activity_days: u32,
    /// Most pages of event history read per account, Region and event source.
    pub event_pages: usize,
    /// Show a progress display on stderr (only if stderr is a terminal).
    pub progress: bool,
}

/// Defaults shared by [`CollectOptions::default`] and the command line (one place).
pub const DEFAULT_ROLE_NAME: &str = "OrganizationAccountAccessRole";
pub const DEFAULT_CONCURRENCY: usize = 64;
pub const DEFAULT_ACCOUNT_CONCURRENCY: usize = 8;
pub const DEFAULT_CALL_TIMEOUT_SECS: u64 = 30;
pub const DEFAULT_ACCOUNT_TIMEOUT_SECS: u64 = 900;
pub const DEFAULT_ACTIVITY_DAYS: u32 = 90;
pub const DEFAULT_EVENT_PAGES: usize = 10;

impl Default for CollectOptions {
    fn default() -> Self {
        CollectOptions {
            profile: None,
            endpoint_url: None,
            regions: RegionSpec::Default,
            org: false,
            role_name: DEFAULT_ROLE_NAME.into(),
            external_id: None,
            accounts: Vec::new(),
            exclude_accounts: Vec::new(),
            ous: Vec::new(),
            shard: None,
            concurrency: DEFAULT_CONCURRENCY,
            account_concurrency: DEFAULT_ACCOUNT_CONCURRENCY,
            call_timeout: Duration::from_secs(DEFAULT_CALL_TIMEOUT_SECS),
            account_timeout: Duration::from_secs(DEFAULT_ACCOUNT_TIMEOUT_SECS),
            max_attempts: None,
            retry_mode: None,
            activity_days: DEFAULT_ACTIVITY_DAYS,
            event_pages: DEFAULT_EVENT_PAGES,
            progress: true,
        }
    }
}
