//! The [`Dispatcher`]: the retry loop, and the only place that sleeps.

use std::future::poll_fn;
use std::task::Poll;
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, Response};
use tracing::field::Empty;
use tracing::{Instrument, Span};

use crate::error::{BuildError, DispatchError, TransportError};
use crate::jitter::{Jitter, SharedJitter};
use crate::retry::{AttemptOutcome, RetryConfig, RetryDecision, StopReason, decide};
use crate::time::{Clock, SharedClock, SharedSleep, Sleep, SleepFuture};
use crate::timeout::TimeoutConfig;
use crate::transport::{SharedTransport, Transport, clone_request};

/// Per-request overrides for [`Dispatcher::send_with`]. `None` keeps the dispatcher's setting.
///
/// ```
/// use glair_core::{RetryConfig, SendOptions};
///
/// let no_retries = SendOptions::new().with_retry(RetryConfig::disabled());
/// assert!(no_retries.timeouts.is_none());
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SendOptions {
    /// Retry settings for this request.
    pub retry: Option<RetryConfig>,
    /// Timeouts for this request (the connect timeout is a transport setting and is ignored
    /// here).
    pub timeouts: Option<TimeoutConfig>,
}

impl SendOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// Overrides the retry settings.
    #[must_use]
    pub fn with_retry(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Overrides the timeouts.
    #[must_use]
    pub fn with_timeouts(mut self, timeouts: TimeoutConfig) -> Self {
        self.timeouts = Some(timeouts);
        self
    }
}

/// Stands in when no timer exists (no `hyper` feature and none given): it never completes.
/// The dispatcher never uses it: a request that needs a timer fails with
/// [`DispatchError::MissingSleep`] instead.
#[derive(Debug)]
struct NoSleep;

impl Sleep for NoSleep {
    fn sleep(&self, _duration: Duration) -> SleepFuture {
        Box::pin(std::future::pending())
    }
}

/// Sends requests through a [`Transport`] with retries and timeouts.
///
/// - Each attempt sends a clone of the request (cheap: the body is [`Bytes`]).
/// - Whether to retry is decided by [`decide`](crate::decide) (see [`retry`](crate::retry) for
///   the rules: a non-idempotent request is only retried when it certainly was not processed).
/// - Every HTTP response is returned as `Ok`, including 4xx and 5xx: when a retryable status
///   persists until the attempts run out, the last response is returned. Only transport
///   failures and timeouts are errors.
/// - Each attempt is raced against the per-attempt timeout, capped by what is left of the
///   operation timeout; a retry delay that would not end before the operation deadline is not
///   taken.
///
/// Each attempt runs in a `tracing` span named `glair.attempt` with the fields `method`, `path`
/// (without the query string), `attempt`, and, once known, `status`, `request_id` (the
/// `Request-Id` response header) and `error` (the transport error's kind). Header values are
/// never logged.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use bytes::Bytes;
/// use glair_core::{Dispatcher, FakeTime, FixedJitter, MockTransport, SharedJitter, SharedTransport};
///
/// let mock = MockTransport::new();
/// mock.push_json(503, r#"{"message":"busy"}"#).push_json(200, r#"{"status":"PENDING"}"#);
/// let time = FakeTime::new(SystemTime::UNIX_EPOCH);
/// let dispatcher = Dispatcher::builder(SharedTransport::new(mock.clone()))
///     .time(time.clone())
///     .jitter(SharedJitter::new(FixedJitter(1.0)))
///     .build()?;
///
/// let request = http::Request::get("https://api.vision.glair.ai/face/v1/passive-liveness-sessions/abc")
///     .body(Bytes::new())?;
/// let response = pollster::block_on(dispatcher.send(request))?;
/// assert_eq!(response.status(), 200);
/// assert_eq!(mock.request_count(), 2);
/// assert_eq!(time.slept(), vec![Duration::from_millis(200)]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Dispatcher {
    transport: SharedTransport,
    retry: RetryConfig,
    timeouts: TimeoutConfig,
    sleep: SharedSleep,
    has_sleep: bool,
    clock: SharedClock,
    jitter: SharedJitter,
}

/// Builds a [`Dispatcher`]; see [`Dispatcher::builder`].
#[derive(Debug)]
pub struct DispatcherBuilder {
    transport: SharedTransport,
    retry: RetryConfig,
    timeouts: TimeoutConfig,
    sleep: Option<SharedSleep>,
    clock: Option<SharedClock>,
    jitter: Option<SharedJitter>,
}

impl DispatcherBuilder {
    /// Retry settings (default [`RetryConfig::default`]: 3 attempts).
    #[must_use]
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// Timeouts (default [`TimeoutConfig::default`]: 30 s per attempt, 60 s per operation).
    #[must_use]
    pub fn timeouts(mut self, timeouts: TimeoutConfig) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// The timer used for retry delays and timeouts. Default: `TokioSleep` with the `hyper`
    /// feature; without it there is no default.
    #[must_use]
    pub fn sleep(mut self, sleep: SharedSleep) -> Self {
        self.sleep = Some(sleep);
        self
    }

    /// The clock used for deadlines and `Retry-After` dates (default [`SystemClock`](crate::SystemClock)).
    #[must_use]
    pub fn clock(mut self, clock: SharedClock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Sets both the timer and the clock from one time source (such as `FakeTime`).
    #[must_use]
    pub fn time<T>(self, time: T) -> Self
    where
        T: Sleep + Clock + Clone + 'static,
    {
        self.sleep(SharedSleep::new(time.clone()))
            .clock(SharedClock::new(time))
    }

    /// The jitter source for backoff (default [`RandomJitter`](crate::RandomJitter)).
    #[must_use]
    pub fn jitter(mut self, jitter: SharedJitter) -> Self {
        self.jitter = Some(jitter);
        self
    }

    /// Builds the dispatcher.
    ///
    /// Without the `hyper` feature there is no default timer: if none was given, this fails
    /// with [`BuildError::MissingSleep`] when retries or an attempt/operation timeout are
    /// configured. A dispatcher built without a timer (retries disabled, no timeouts) fails any
    /// request whose [`SendOptions`] need one with [`DispatchError::MissingSleep`].
    pub fn build(self) -> Result<Dispatcher, BuildError> {
        let sleep = match self.sleep {
            Some(sleep) => Some(sleep),
            None => default_sleep(),
        };
        let has_sleep = sleep.is_some();
        if !has_sleep {
            if self.retry.retries_enabled() {
                return Err(BuildError::MissingSleep {
                    needed_for: "retries",
                });
            }
            if self.timeouts.needs_timer() {
                return Err(BuildError::MissingSleep {
                    needed_for: "timeouts",
                });
            }
        }
        Ok(Dispatcher {
            transport: self.transport,
            retry: self.retry,
            timeouts: self.timeouts,
            sleep: sleep.unwrap_or_else(|| SharedSleep::new(NoSleep)),
            has_sleep,
            clock: self.clock.unwrap_or_default(),
            jitter: self.jitter.unwrap_or_default(),
        })
    }
}

#[cfg(feature = "hyper")]
fn default_sleep() -> Option<SharedSleep> {
    Some(SharedSleep::new(crate::time::TokioSleep))
}

#[cfg(not(feature = "hyper"))]
fn default_sleep() -> Option<SharedSleep> {
    None
}

/// The result of one attempt, owned.
enum Attempt {
    Response(Response<Bytes>),
    Error(TransportError),
    TimedOut,
}

impl Attempt {
    fn outcome(&self) -> AttemptOutcome<'_> {
        match self {
            Self::Response(response) => AttemptOutcome::Response {
                status: response.status(),
                retry_after: response.headers().get(http::header::RETRY_AFTER),
            },
            Self::Error(error) => AttemptOutcome::TransportError(error),
            Self::TimedOut => AttemptOutcome::AttemptTimedOut,
        }
    }
}

/// The longest `Request-Id` value copied into a span.
const MAX_REQUEST_ID_LEN: usize = 128;

impl Dispatcher {
    /// Starts building a dispatcher around `transport`.
    pub fn builder(transport: SharedTransport) -> DispatcherBuilder {
        DispatcherBuilder {
            transport,
            retry: RetryConfig::default(),
            timeouts: TimeoutConfig::default(),
            sleep: None,
            clock: None,
            jitter: None,
        }
    }

    /// The retry settings.
    pub fn retry_config(&self) -> &RetryConfig {
        &self.retry
    }

    /// The timeouts.
    pub fn timeout_config(&self) -> &TimeoutConfig {
        &self.timeouts
    }

    /// The timer. Without the `hyper` feature and without a timer given to the builder, this is
    /// a placeholder whose sleeps never complete.
    pub fn sleep(&self) -> &SharedSleep {
        &self.sleep
    }

    /// Whether a real timer was given or is available by default (`hyper` feature). Without
    /// one, [`sleep`](Dispatcher::sleep) is a placeholder that never completes, so code that
    /// sleeps on its own (such as polling) must check this first.
    pub fn has_timer(&self) -> bool {
        self.has_sleep
    }

    /// The clock.
    pub fn clock(&self) -> &SharedClock {
        &self.clock
    }

    /// The transport.
    pub fn transport(&self) -> &SharedTransport {
        &self.transport
    }

    /// Sends `request` with the dispatcher's retry and timeout settings.
    pub async fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, DispatchError> {
        self.send_with(request, &SendOptions::default()).await
    }

    /// Sends `request` with per-request overrides.
    pub async fn send_with(
        &self,
        request: Request<Bytes>,
        overrides: &SendOptions,
    ) -> Result<Response<Bytes>, DispatchError> {
        let retry = overrides.retry.as_ref().unwrap_or(&self.retry);
        let timeouts = overrides.timeouts.as_ref().unwrap_or(&self.timeouts);
        if !self.has_sleep && (retry.retries_enabled() || timeouts.needs_timer()) {
            return Err(DispatchError::MissingSleep);
        }

        let method: Method = request.method().clone();
        let start = self.clock.now();
        let mut attempts: u32 = 0;
        loop {
            attempts = attempts.saturating_add(1);
            let elapsed = self.clock.now().saturating_duration_since(start);
            let remaining = timeouts.operation.map(|op| op.saturating_sub(elapsed));
            // The attempt's time limit, and the operation timeout if that is what bounds it.
            let (limit, operation_bound) = match (timeouts.attempt, remaining, timeouts.operation) {
                (Some(attempt), Some(left), Some(op)) if left <= attempt => (Some(left), Some(op)),
                (None, Some(left), Some(op)) => (Some(left), Some(op)),
                (attempt, _, _) => (attempt, None),
            };

            let span = tracing::debug_span!(
                "glair.attempt",
                method = %method,
                path = %request.uri().path(),
                attempt = attempts,
                status = Empty,
                request_id = Empty,
                error = Empty,
            );
            let result = self
                .run_attempt(clone_request(&request), limit)
                .instrument(span.clone())
                .await;

            let attempt = match result {
                Some(Ok(response)) => {
                    record_response(&span, &response);
                    Attempt::Response(response)
                }
                Some(Err(error)) => {
                    span.record("error", tracing::field::display(error.kind()));
                    Attempt::Error(error)
                }
                None => {
                    if let Some(op) = operation_bound {
                        span.record("error", "operation timeout");
                        tracing::debug!(parent: &span, timeout = ?op, "operation timed out");
                        return Err(DispatchError::OperationTimeout {
                            timeout: op,
                            attempts,
                        });
                    }
                    span.record("error", "attempt timeout");
                    Attempt::TimedOut
                }
            };

            let elapsed = self.clock.now().saturating_duration_since(start);
            let remaining = timeouts.operation.map(|op| op.saturating_sub(elapsed));
            let outcome = attempt.outcome();
            let decision = decide(
                &method,
                &outcome,
                attempts,
                remaining,
                retry,
                self.clock.system_now(),
                self.jitter.sample(),
            );
            match decision {
                RetryDecision::RetryAfter(delay) => {
                    tracing::debug!(
                        parent: &span,
                        delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                        reason = %outcome.describe(),
                        "retrying request"
                    );
                    self.sleep.sleep(delay).await;
                }
                RetryDecision::Stop(reason) => {
                    if reason != StopReason::Success {
                        tracing::debug!(
                            parent: &span,
                            stop = ?reason,
                            outcome = %outcome.describe(),
                            "not retrying"
                        );
                    }
                    return match attempt {
                        Attempt::Response(response) => Ok(response),
                        Attempt::Error(source) => {
                            Err(DispatchError::Transport { source, attempts })
                        }
                        Attempt::TimedOut => Err(DispatchError::AttemptTimeout {
                            timeout: limit.unwrap_or_default(),
                            attempts,
                        }),
                    };
                }
            }
        }
    }

    /// Runs one attempt, raced against `limit`. `None` means the limit fired first.
    async fn run_attempt(
        &self,
        request: Request<Bytes>,
        limit: Option<Duration>,
    ) -> Option<Result<Response<Bytes>, TransportError>> {
        let mut send = self.transport.send(request);
        let Some(limit) = limit else {
            return Some(send.await);
        };
        let mut timer = self.sleep.sleep(limit);
        // The attempt is polled first: a reply that is ready wins over a timer that is too.
        poll_fn(move |cx| {
            if let Poll::Ready(result) = send.as_mut().poll(cx) {
                return Poll::Ready(Some(result));
            }
            if timer.as_mut().poll(cx).is_ready() {
                return Poll::Ready(None);
            }
            Poll::Pending
        })
        .await
    }
}

fn record_response(span: &Span, response: &Response<Bytes>) {
    span.record("status", response.status().as_u16());
    if let Some(id) = response
        .headers()
        .get("request-id")
        .and_then(|value| value.to_str().ok())
    {
        let id = match id.char_indices().nth(MAX_REQUEST_ID_LEN) {
            Some((cut, _)) => &id[..cut],
            None => id,
        };
        span.record("request_id", id);
    }
}
