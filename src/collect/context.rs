//! The context every AWS call goes through: it bounds concurrency (a run-wide semaphore
//! and one per account, Region and service), counts calls per account/Region/service/operation,
//! turns SDK errors into [`CallError`]s and records collection gaps.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use tokio::sync::{OnceCell, Semaphore};

use crate::model::{ApiCallCount, Gap};

/// Error codes AWS uses when a call was throttled.
const THROTTLE_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "SlowDown",
];

/// Why one AWS call failed, reduced to what a gap records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallError {
    /// The AWS error code (`AccessDenied`, `NoSuchBucketPolicy`, ...), when the service
    /// answered with one.
    pub code: Option<String>,
    pub message: String,
    /// HTTP status of the answer, when there was one.
    pub status: Option<u16>,
    pub kind: CallErrorKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallErrorKind {
    /// The service answered with an error.
    Service,
    /// The call (with its retries) ran out of time.
    Timeout,
    /// The request could not be sent (connection refused, DNS, TLS...).
    Dispatch,
    /// The request could not be built (missing credentials, bad input).
    Construction,
    /// The answer could not be read.
    Response,
}

impl CallError {
    pub fn from_sdk<E>(err: &SdkError<E, HttpResponse>) -> CallError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let status = err.raw_response().map(|r| r.status().as_u16());
        let (kind, code, message) = match err {
            SdkError::ServiceError(se) => {
                let e = se.err();
                let code = e.code().map(str::to_string);
                let message = e
                    .message()
                    .map(str::to_string)
                    .unwrap_or_else(|| DisplayErrorContext(e).to_string());
                (CallErrorKind::Service, code, message)
            }
            SdkError::TimeoutError(_) => (
                CallErrorKind::Timeout,
                None,
                "the call timed out".to_string(),
            ),
            SdkError::DispatchFailure(_) => (
                CallErrorKind::Dispatch,
                None,
                DisplayErrorContext(err).to_string(),
            ),
            SdkError::ConstructionFailure(_) => (
                CallErrorKind::Construction,
                None,
                DisplayErrorContext(err).to_string(),
            ),
            _ => (
                CallErrorKind::Response,
                None,
                DisplayErrorContext(err).to_string(),
            ),
        };
        // Drop the Debug dump the SDK appends to dispatch and construction failures.
        let message = [
            "(DispatchFailure(",
            "(ConstructionFailure(",
            "(ResponseError(",
        ]
        .iter()
        .filter_map(|m| message.find(m))
        .min()
        .map(|i| message[..i].trim_end().to_string())
        .unwrap_or(message);
        CallError {
            code,
            message: one_line(&message),
            status,
            kind,
        }
    }

    /// True when the error code is one of `codes`.
    pub fn is(&self, codes: &[&str]) -> bool {
        self.code.as_deref().is_some_and(|c| codes.contains(&c))
    }

    pub fn is_throttle(&self) -> bool {
        self.is(THROTTLE_CODES) || self.status == Some(429)
    }

    /// Worth another attempt: throttling, a server error that may pass (500, 502, 503,
    /// 504, and the codes AWS uses for them), a call that timed out, or a request that
    /// never got an answer (connection refused or dropped).
    pub fn is_retryable(&self) -> bool {
        self.is_throttle()
            || matches!(self.status, Some(500 | 502 | 503 | 504))
            || self.is(&[
                "InternalError",
                "InternalFailure",
                "InternalServerError",
                "InternalServerException",
                "ServiceUnavailable",
                "ServiceUnavailableException",
                "RequestTimeout",
                "RequestTimeoutException",
            ])
            || matches!(
                self.kind,
                CallErrorKind::Timeout | CallErrorKind::Dispatch | CallErrorKind::Response
            ) && self.status.is_none_or(|s| s >= 500)
    }

    /// The endpoint does not offer this operation (in this Region): the answer will be
    /// the same for every resource, so it is asked once. A service with no endpoint in a
    /// Region (AgentCore is not in every Region) answers with a name that does not resolve.
    pub fn is_unavailable(&self) -> bool {
        let no_endpoint = self.kind == CallErrorKind::Dispatch && {
            let m = self.message.to_ascii_lowercase();
            m.contains("dns error") || m.contains("failed to lookup address")
        };
        no_endpoint
            || self.status == Some(501)
            || self.is(&[
                "UnknownOperationException",
                "UnknownOperation",
                "NotImplemented",
                "InvalidAction",
                "UnsupportedOperation",
                "UnsupportedOperationException",
            ])
    }

    /// True for errors that mean "the caller is not allowed".
    pub fn is_access_denied(&self) -> bool {
        self.code
            .as_deref()
            .is_some_and(|c| c.contains("AccessDenied") || c == "UnauthorizedOperation")
            || self.status == Some(403)
    }
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.code, self.status) {
            (Some(code), Some(status)) => write!(f, "{code} (HTTP {status}): {}", self.message),
            (Some(code), None) => write!(f, "{code}: {}", self.message),
            (None, Some(status)) => write!(f, "HTTP {status}: {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for CallError {}

fn one_line(s: &str) -> String {
    let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if joined.chars().count() > 600 {
        let mut cut: String = joined.chars().take(600).collect();
        cut.push('…');
        cut
    } else {
        joined
    }
}

type CallKey = (String, String, String, String);

/// Gaps and call counts of one account, flushed into the snapshot when the account is done.
#[derive(Debug, Default)]
pub struct AccountLog {
    gaps: Mutex<Vec<Gap>>,
    calls: Mutex<BTreeMap<CallKey, u64>>,
    /// Adaptive mode: no new attempt in this account before this instant (set when the
    /// account is throttled), and how many throttles in a row led to it.
    pause: Mutex<(Option<Instant>, u32)>,
}

impl AccountLog {
    pub fn take_gaps(&self) -> Vec<Gap> {
        std::mem::take(&mut *lock(&self.gaps))
    }
    pub fn take_calls(&self) -> Vec<ApiCallCount> {
        std::mem::take(&mut *lock(&self.calls))
            .into_iter()
            .map(
                |((account, region, service, operation), count)| ApiCallCount {
                    account,
                    region,
                    service,
                    operation,
                    count,
                },
            )
            .collect()
    }
}

/// A cached AWS-managed policy: default version id and document.
pub type PolicyCell = Arc<OnceCell<(String, crate::model::Document)>>;

/// How failed calls are retried (perimeter retries itself, so that a call waiting in
/// backoff holds no concurrency slot and delays nothing else).
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts per call, the first included.
    pub max_attempts: u32,
    /// Adaptive mode: throttling in an account also slows that account's next calls.
    pub adaptive: bool,
    /// First backoff for throttling; doubles per attempt (full jitter), capped.
    pub throttle_base: Duration,
    /// First backoff for server errors and dropped connections.
    pub transient_base: Duration,
    pub max_backoff: Duration,
}

impl RetryPolicy {
    /// One attempt, no retries (unit tests with mocked clients).
    pub const NONE: RetryPolicy = RetryPolicy {
        max_attempts: 1,
        adaptive: false,
        throttle_base: Duration::from_millis(500),
        transient_base: Duration::from_millis(100),
        max_backoff: Duration::from_secs(20),
    };

    pub fn standard(max_attempts: u32, adaptive: bool) -> RetryPolicy {
        RetryPolicy {
            max_attempts: max_attempts.max(1),
            adaptive,
            ..RetryPolicy::NONE
        }
    }
}

/// State shared by the whole run.
#[derive(Debug)]
pub struct RunShared {
    global: Arc<Semaphore>,
    pub calls: AtomicU64,
    pub gaps: AtomicU64,
    pub throttles: AtomicU64,
    /// Attempts made by the SDK, counted by an interceptor.
    pub attempts: Arc<AtomicU64>,
    /// Retries made (attempts after the first).
    pub retries: AtomicU64,
    pub retry: RetryPolicy,
    /// Operations a Region answered as not implemented or not available: asked once per
    /// (service, Region, operation), then answered from here.
    unavailable: Mutex<HashMap<(String, String, String), CallError>>,
    /// AWS-managed policy documents by ARN (their default version is the same in every
    /// account, so an organisation run reads each once).
    policy_cache: Mutex<HashMap<String, PolicyCell>>,
}

impl RunShared {
    /// A run without retries (unit tests).
    pub fn new(concurrency: usize) -> Arc<RunShared> {
        RunShared::with_retry(concurrency, RetryPolicy::NONE)
    }

    pub fn with_retry(concurrency: usize, retry: RetryPolicy) -> Arc<RunShared> {
        Arc::new(RunShared {
            global: Arc::new(Semaphore::new(concurrency.max(1))),
            calls: AtomicU64::new(0),
            gaps: AtomicU64::new(0),
            throttles: AtomicU64::new(0),
            attempts: Arc::new(AtomicU64::new(0)),
            retries: AtomicU64::new(0),
            retry,
            unavailable: Mutex::new(HashMap::new()),
            policy_cache: Mutex::new(HashMap::new()),
        })
    }

    /// The per-run retry budget: retries may add at most half the calls made (plus a
    /// floor of 100), so a failing endpoint cannot multiply a run's traffic.
    fn may_retry(&self) -> bool {
        let calls = self.calls.load(Ordering::Relaxed);
        self.retries.load(Ordering::Relaxed) < calls / 2 + 100
    }

    pub fn policy_cell(&self, arn: &str) -> PolicyCell {
        lock(&self.policy_cache)
            .entry(arn.to_string())
            .or_default()
            .clone()
    }
}

/// Where and on whose behalf calls are made. Cheap to clone.
#[derive(Debug, Clone)]
pub struct CallContext {
    pub account: String,
    /// `None` for global services (IAM, Organizations, STS).
    pub region: Option<String>,
    log: Arc<AccountLog>,
    run: Arc<RunShared>,
    limits: Arc<RegionLimits>,
}

/// One account's concurrency limits: a semaphore per Region and service ("global" for
/// IAM, Organizations and STS). AWS throttles an account's calls per service and Region,
/// so calls to one service never wait behind another service's or another Region's; the
/// run-wide limit bounds the total.
#[derive(Debug)]
struct RegionLimits {
    per_service: usize,
    by_service: Mutex<HashMap<(String, String), Arc<Semaphore>>>,
}

impl RegionLimits {
    fn new(per_service: usize) -> RegionLimits {
        RegionLimits {
            per_service: per_service.max(1),
            by_service: Mutex::new(HashMap::new()),
        }
    }

    fn of(&self, region: &str, service: &str) -> Arc<Semaphore> {
        lock(&self.by_service)
            .entry((region.to_string(), service.to_string()))
            .or_insert_with(|| Arc::new(Semaphore::new(self.per_service)))
            .clone()
    }
}

impl CallContext {
    /// A standalone context (its own log, generous limits): for tests and one-off use.
    pub fn new(account: impl Into<String>, region: Option<&str>) -> CallContext {
        CallContext::with_run(account, region, RunShared::new(64), 16)
    }

    pub fn with_run(
        account: impl Into<String>,
        region: Option<&str>,
        run: Arc<RunShared>,
        account_concurrency: usize,
    ) -> CallContext {
        CallContext {
            account: account.into(),
            region: region.map(str::to_string),
            log: Arc::new(AccountLog::default()),
            run,
            limits: Arc::new(RegionLimits::new(account_concurrency)),
        }
    }

    /// The same account, another Region.
    pub fn in_region(&self, region: &str) -> CallContext {
        CallContext {
            region: Some(region.to_string()),
            ..self.clone()
        }
    }

    /// The same account, no Region (global services).
    pub fn global(&self) -> CallContext {
        CallContext {
            region: None,
            ..self.clone()
        }
    }

    pub fn run(&self) -> &Arc<RunShared> {
        &self.run
    }

    pub fn log(&self) -> &Arc<AccountLog> {
        &self.log
    }

    /// Gaps recorded so far (not removed).
    pub fn gaps(&self) -> Vec<Gap> {
        lock(&self.log.gaps).clone()
    }

    /// Call counts so far (not removed).
    pub fn api_calls(&self) -> Vec<ApiCallCount> {
        lock(&self.log.calls)
            .iter()
            .map(
                |((account, region, service, operation), count)| ApiCallCount {
                    account: account.clone(),
                    region: region.clone(),
                    service: service.clone(),
                    operation: operation.clone(),
                    count: *count,
                },
            )
            .collect()
    }

    /// Run one AWS call with the run's retry policy: each attempt waits for a run-wide and
    /// a per-account-and-Region slot and gives them back before any backoff, so a call asleep in
    /// backoff never holds up calls to other services, Regions or accounts.
    pub async fn call<T, E, F, M>(
        &self,
        service: &str,
        operation: &str,
        make: M,
    ) -> Result<T, CallError>
    where
        M: Fn() -> F,
        F: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        self.call_attempts(self.run.retry.max_attempts, service, operation, make)
            .await
    }

    /// A call whose failure ends the run (the organisation's structure): twice the usual
    /// attempts, at least 8, unless the user asked for no retries at all.
    pub async fn call_critical<T, E, F, M>(
        &self,
        service: &str,
        operation: &str,
        make: M,
    ) -> Result<T, CallError>
    where
        M: Fn() -> F,
        F: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let n = self.run.retry.max_attempts;
        let attempts = if n <= 1 { 1 } else { (2 * n).max(8) };
        self.call_attempts(attempts, service, operation, make).await
    }

    /// [`CallContext::call`] with its own attempt limit (the first call of a run, which
    /// must fail fast).
    pub async fn call_attempts<T, E, F, M>(
        &self,
        max_attempts: u32,
        service: &str,
        operation: &str,
        make: M,
    ) -> Result<T, CallError>
    where
        M: Fn() -> F,
        F: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let region = self.region.clone().unwrap_or_else(|| "global".into());
        let limit = self.limits.of(&region, service);
        let key = (service.to_string(), region, operation.to_string());
        if let Some(e) = lock(&self.run.unavailable).get(&key) {
            return Err(e.clone());
        }
        let policy = self.run.retry;
        let mut attempt = 1u32;
        loop {
            if policy.adaptive {
                let until = lock(&self.log.pause).0;
                if let Some(t) = until {
                    tokio::time::sleep_until(t.into()).await;
                }
            }
            let result = {
                let _global = self.run.global.acquire().await;
                let _account = limit.acquire().await;
                if attempt == 1 {
                    self.count(service, operation);
                }
                tracing::debug!(
                    account = %self.account,
                    region = self.region.as_deref().unwrap_or("global"),
                    attempt,
                    "{service}:{operation}"
                );
                make().await
            };
            let err = match result {
                Ok(v) => {
                    if policy.adaptive {
                        lock(&self.log.pause).1 = 0;
                    }
                    return Ok(v);
                }
                Err(e) => CallError::from_sdk(&e),
            };
            let throttled = err.is_throttle();
            if throttled {
                self.run.throttles.fetch_add(1, Ordering::Relaxed);
            }
            tracing::debug!(account = %self.account, attempt, "{service}:{operation} failed: {err}");
            if err.is_unavailable() {
                lock(&self.run.unavailable).insert(key, err.clone());
                return Err(err);
            }
            if !err.is_retryable() || attempt >= max_attempts || !self.run.may_retry() {
                return Err(err);
            }
            self.run.retries.fetch_add(1, Ordering::Relaxed);
            let base = if throttled {
                policy.throttle_base
            } else {
                policy.transient_base
            };
            let cap = base
                .saturating_mul(1u32 << (attempt - 1).min(16))
                .min(policy.max_backoff);
            let wait = cap.mul_f64(jitter());
            if throttled && policy.adaptive {
                let mut p = lock(&self.log.pause);
                p.1 = p.1.saturating_add(1);
                let pause = policy
                    .throttle_base
                    .saturating_mul(p.1.min(8))
                    .min(policy.max_backoff);
                p.0 = Some(Instant::now() + pause);
            }
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    pub(crate) fn count(&self, service: &str, operation: &str) {
        self.run.calls.fetch_add(1, Ordering::Relaxed);
        let key = (
            self.account.clone(),
            self.region.clone().unwrap_or_else(|| "global".into()),
            service.to_string(),
            operation.to_string(),
        );
        *lock(&self.log.calls).entry(key).or_insert(0) += 1;
    }

    /// Record a collection gap for this account and Region.
    pub fn gap(
        &self,
        service: &str,
        operation: &str,
        error: impl fmt::Display,
        resource: Option<&str>,
    ) {
        self.run.gaps.fetch_add(1, Ordering::Relaxed);
        let gap = Gap {
            account: self.account.clone(),
            region: self.region.clone(),
            service: service.to_string(),
            operation: operation.to_string(),
            error: error.to_string(),
            resource: resource.map(str::to_string),
        };
        tracing::debug!(?gap, "collection gap");
        lock(&self.log.gaps).push(gap);
    }

    /// Run a call and record a gap if it fails; `None` then.
    pub async fn call_or_gap<T, E, F, M>(
        &self,
        service: &str,
        operation: &str,
        resource: Option<&str>,
        make: M,
    ) -> Option<T>
    where
        M: Fn() -> F,
        F: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        match self.call(service, operation, make).await {
            Ok(v) => Some(v),
            Err(e) => {
                self.gap(service, operation, &e, resource);
                None
            }
        }
    }
}

/// Most pages [`paginate`] reads from any one list.
const PAGINATE_MAX_PAGES: usize = 50;

/// Every item of a paginated list; `None` when a page could not be read. `fetch` asks for
/// the page after a token and answers its items and the next token.
pub async fn paginate<T, F, Fut>(mut fetch: F) -> Option<Vec<T>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Option<(Vec<T>, Option<String>)>>,
{
    let mut all = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..PAGINATE_MAX_PAGES {
        let (mut items, next) = fetch(token.take()).await?;
        all.append(&mut items);
        match next {
            Some(t) if !t.is_empty() => token = Some(t),
            _ => break,
        }
    }
    Some(all)
}

/// A uniform draw in [0, 1) for backoff jitter (not security relevant).
fn jitter() -> f64 {
    let mut b = [0u8; 8];
    if getrandom::fill(&mut b).is_err() {
        return 0.5;
    }
    (u64::from_le_bytes(b) >> 11) as f64 / (1u64 << 53) as f64
}

/// Lock a std mutex, recovering the data if another thread panicked while holding it.
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::{CallError, CallErrorKind};

    fn dispatch(message: &str) -> CallError {
        CallError {
            code: None,
            message: message.into(),
            status: None,
            kind: CallErrorKind::Dispatch,
        }
    }

    #[test]
    fn an_endpoint_that_does_not_resolve_is_unavailable_a_dropped_connection_is_retried() {
        let dns = dispatch(
            "dispatch failure: io error: client error (Connect): dns error: failed to lookup address information: Name or service not known",
        );
        assert!(dns.is_unavailable());
        let reset = dispatch("dispatch failure: io error: connection reset by peer");
        assert!(!reset.is_unavailable());
        assert!(reset.is_retryable());
    }
}
