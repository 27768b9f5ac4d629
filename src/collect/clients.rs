//! AWS SDK configuration and per-service clients.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use aws_config::{BehaviorVersion, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use aws_types::region::Region;

use super::options::{CollectOptions, DEFAULT_MAX_ATTEMPTS};

/// Region used when the configuration names none.
pub const FALLBACK_REGION: &str = "us-east-1";

/// Counts every attempt the SDK makes (retries included).
#[derive(Debug, Clone)]
struct AttemptCounter(Arc<AtomicU64>);

impl Intercept for AttemptCounter {
    fn name(&self) -> &'static str {
        "perimeter-attempt-counter"
    }
    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// The retry configuration, as every AWS tool decides it: the flags win, then
/// `AWS_MAX_ATTEMPTS` / `AWS_RETRY_MODE`, then the profile's `max_attempts` / `retry_mode`
/// (both read by the SDK's own provider), then perimeter's defaults (standard mode,
/// [`DEFAULT_MAX_ATTEMPTS`] attempts). Standard mode retries throttling, server errors
/// and dropped connections with jittered exponential backoff; only adaptive mode adds a
/// client-side rate limiter, so it is never chosen for the user.
pub async fn retry_policy(opts: &CollectOptions) -> super::context::RetryPolicy {
    let c = retry_config(opts).await;
    super::context::RetryPolicy::standard(
        c.max_attempts(),
        c.mode() == aws_smithy_types::retry::RetryMode::Adaptive,
    )
}

/// The retry configuration the environment and flags ask for (see [`retry_policy`]).
async fn retry_config(opts: &CollectOptions) -> RetryConfig {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    let mut provider = aws_config::default_provider::retry_config::default_provider();
    if let Some(p) = &opts.profile {
        provider = provider.profile_name(p);
    }
    let loaded = provider.retry_config().await;
    let env_or_profile_attempts =
        env("AWS_MAX_ATTEMPTS").is_some() || profile_sets(opts, "max_attempts");
    let env_or_profile_mode = env("AWS_RETRY_MODE").is_some() || profile_sets(opts, "retry_mode");
    let adaptive = match opts.retry_mode.as_deref() {
        Some(m) => m == "adaptive",
        None if env_or_profile_mode => {
            loaded.mode() == aws_smithy_types::retry::RetryMode::Adaptive
        }
        None => false,
    };
    let attempts = match opts.max_attempts {
        Some(n) => n,
        None if env_or_profile_attempts => loaded.max_attempts(),
        None => DEFAULT_MAX_ATTEMPTS,
    }
    .max(1);
    let base = if adaptive {
        RetryConfig::adaptive()
    } else {
        RetryConfig::standard()
    };
    base.with_max_attempts(attempts)
        .with_initial_backoff(loaded.initial_backoff())
        .with_max_backoff(loaded.max_backoff())
}

/// The shared config and credentials files, as every AWS tool finds them.
fn shared_files() -> [(String, bool); 2] {
    let home = std::env::var("HOME").unwrap_or_default();
    [
        (
            std::env::var("AWS_CONFIG_FILE").unwrap_or_else(|_| format!("{home}/.aws/config")),
            true,
        ),
        (
            std::env::var("AWS_SHARED_CREDENTIALS_FILE")
                .unwrap_or_else(|_| format!("{home}/.aws/credentials")),
            false,
        ),
    ]
}

/// The `key = value` lines of `profile`'s section in one shared file (config files name
/// sections `[profile NAME]`, except `[default]`; credentials files `[NAME]`).
fn profile_section(path: &str, is_config: bool, profile: &str) -> Option<Vec<(String, String)>> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut wanted = vec![format!("[{profile}]")];
    if is_config {
        wanted.push(format!("[profile {profile}]"));
    }
    let mut found = None;
    let mut inside = false;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            let name = t.split_whitespace().collect::<Vec<_>>().join(" ");
            inside = wanted.contains(&name);
            if inside {
                found.get_or_insert_with(Vec::new);
            }
            continue;
        }
        if inside && let Some((k, v)) = t.split_once('=') {
            found
                .get_or_insert_with(Vec::new)
                .push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    found
}

/// Whether a named profile exists in the shared config or credentials file, and where
/// perimeter looked (for the error message).
pub fn profile_exists(profile: &str) -> (bool, Vec<String>) {
    let files = shared_files();
    let exists = files
        .iter()
        .any(|(path, is_config)| profile_section(path, *is_config, profile).is_some());
    (exists, files.into_iter().map(|(p, _)| p).collect())
}

/// True when the selected profile of the shared config file sets `key` (a cheap textual
/// read: the SDK's provider has already parsed and validated the value).
fn profile_sets(opts: &CollectOptions, key: &str) -> bool {
    let profile = opts
        .profile
        .clone()
        .or_else(|| std::env::var("AWS_PROFILE").ok())
        .unwrap_or_else(|| "default".into());
    let [(config, _), _] = shared_files();
    profile_section(&config, true, &profile).is_some_and(|kv| kv.iter().any(|(k, _)| k == key))
}

/// Load the caller's configuration: profile, endpoint, call timeout. The SDK makes one
/// attempt per call; [`super::CallContext::call`] retries (see [`retry_policy`]), so that
/// a call waiting to retry holds no concurrency slot. The timeout bounds each attempt.
pub async fn load_base(opts: &CollectOptions) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::disabled())
        .timeout_config(
            TimeoutConfig::builder()
                .operation_timeout(opts.call_timeout)
                .build(),
        );
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    if let Some(u) = &opts.endpoint_url {
        loader = loader.endpoint_url(u);
    }
    let conf = loader.load().await;
    if conf.region().is_none() {
        conf.into_builder()
            .region(Region::new(FALLBACK_REGION))
            .build()
    } else {
        conf
    }
}

/// Where requests go, for error messages: the override, or the service's default.
pub fn endpoint_description(opts: &CollectOptions, conf: &SdkConfig, service_env: &str) -> String {
    if let Some(u) = &opts.endpoint_url {
        return u.clone();
    }
    for var in [
        format!("AWS_ENDPOINT_URL_{service_env}"),
        "AWS_ENDPOINT_URL".to_string(),
    ] {
        if let Ok(v) = std::env::var(&var)
            && !v.trim().is_empty()
        {
            return v;
        }
    }
    if let Some(u) = conf.endpoint_url() {
        return u.to_string();
    }
    let region = conf.region().map(|r| r.to_string()).unwrap_or_default();
    format!(
        "the default {} endpoint of {region}",
        service_env.to_ascii_lowercase()
    )
}

/// True when requests go to an endpoint override (path-style S3 addressing then).
pub fn endpoint_overridden(opts: &CollectOptions, conf: &SdkConfig) -> bool {
    opts.endpoint_url.is_some()
        || conf.endpoint_url().is_some()
        || ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"]
            .iter()
            .any(|v| std::env::var(v).is_ok_and(|s| !s.trim().is_empty()))
}

/// A configuration for the same endpoint and settings with other credentials.
pub fn with_credentials(base: &SdkConfig, creds: &aws_sdk_sts::types::Credentials) -> SdkConfig {
    let expiry = SystemTime::try_from(*creds.expiration()).ok();
    let provider = Credentials::new(
        creds.access_key_id(),
        creds.secret_access_key(),
        Some(creds.session_token().to_string()),
        expiry,
        "perimeter-assume-role",
    );
    base.to_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .build()
}

/// Clients of one account, each Region on demand.
#[derive(Debug, Clone)]
pub struct Clients {
    pub conf: SdkConfig,
    pub default_region: String,
    pub path_style: bool,
    attempts: Arc<AtomicU64>,
}

macro_rules! regional {
    ($name:ident, $krate:ident) => {
        pub fn $name(&self, region: &str) -> $krate::Client {
            $krate::Client::from_conf(
                $krate::config::Builder::from(&self.conf)
                    .region(Region::new(region.to_string()))
                    .interceptor(AttemptCounter(self.attempts.clone()))
                    .build(),
            )
        }
    };
}

impl Clients {
    pub fn new(conf: SdkConfig, path_style: bool, attempts: Arc<AtomicU64>) -> Clients {
        let default_region = conf
            .region()
            .map(|r| r.to_string())
            .unwrap_or_else(|| FALLBACK_REGION.to_string());
        Clients {
            conf,
            default_region,
            path_style,
            attempts,
        }
    }

    regional!(kms, aws_sdk_kms);
    regional!(bedrock, aws_sdk_bedrock);
    regional!(bedrock_agent, aws_sdk_bedrockagent);
    regional!(agentcore, aws_sdk_bedrockagentcorecontrol);
    regional!(aoss, aws_sdk_opensearchserverless);
    regional!(s3vectors, aws_sdk_s3vectors);
    regional!(cloudwatch, aws_sdk_cloudwatch);
    regional!(guardduty, aws_sdk_guardduty);
    regional!(servicequotas, aws_sdk_servicequotas);
    regional!(budgets, aws_sdk_budgets);
    regional!(costexplorer, aws_sdk_costexplorer);
    regional!(ec2, aws_sdk_ec2);
    regional!(cloudtrail, aws_sdk_cloudtrail);
    regional!(logs, aws_sdk_cloudwatchlogs);

    pub fn iam(&self) -> aws_sdk_iam::Client {
        aws_sdk_iam::Client::from_conf(
            aws_sdk_iam::config::Builder::from(&self.conf)
                .interceptor(AttemptCounter(self.attempts.clone()))
                .build(),
        )
    }

    pub fn organizations(&self) -> aws_sdk_organizations::Client {
        aws_sdk_organizations::Client::from_conf(
            aws_sdk_organizations::config::Builder::from(&self.conf)
                .interceptor(AttemptCounter(self.attempts.clone()))
                .build(),
        )
    }

    pub fn sts(&self) -> aws_sdk_sts::Client {
        aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::config::Builder::from(&self.conf)
                .interceptor(AttemptCounter(self.attempts.clone()))
                .build(),
        )
    }

    pub fn s3(&self, region: &str) -> aws_sdk_s3::Client {
        aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&self.conf)
                .region(Region::new(region.to_string()))
                .force_path_style(self.path_style)
                .interceptor(AttemptCounter(self.attempts.clone()))
                .build(),
        )
    }
}
