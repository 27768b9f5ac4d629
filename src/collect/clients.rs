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

use super::options::CollectOptions;

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

/// Load the caller's configuration: profile, endpoint, adaptive retries, call timeout.
pub async fn load_base(opts: &CollectOptions) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::adaptive().with_max_attempts(opts.max_attempts.max(1)))
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

    /// STS with few attempts: used for the first call, which must fail fast.
    pub fn sts_quick(&self) -> aws_sdk_sts::Client {
        aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::config::Builder::from(&self.conf)
                .retry_config(RetryConfig::standard().with_max_attempts(2))
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
