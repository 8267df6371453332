//! The [`Dispatcher`]: the retry loop, and the only place that sleeps.

use std::future::poll_fn;
use std::task::Poll;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use tracing::field::Empty;
use tracing::{Instrument, Span};
use web_time::Instant;

use crate::engine::{Action, AttemptPlan, Finish, Operation};
use crate::error::{BuildError, DispatchError, TransportError};
use crate::jitter::{Jitter, SharedJitter};
use crate::retry::{AttemptOutcome, RetryConfig, StopReason};
use crate::time::{Clock, SharedClock, SharedSleep, Sleep, SleepFuture};
use crate::timeout::TimeoutConfig;
use crate::transport::{SharedTransport, Transport, clone_request};

/// Per-request overrides for [`Dispatcher::send_with`]; anything unset keeps the
/// dispatcher's setting.
///
/// ```
/// use glair_core::{RetryConfig, SendOptions};
///
/// let no_retries = SendOptions::new().with_retry(RetryConfig::disabled());
/// assert!(no_retries.timeouts().is_none());
/// assert_eq!(no_retries.retry(), Some(&RetryConfig::disabled()));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct SendOptions {
    retry: Option<RetryConfig>,
    timeouts: Option<TimeoutConfig>,
    deadline: Option<Instant>,
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

    /// Ends the call at `deadline` (an instant of the dispatcher's [`Clock`]) if that comes
    /// before its operation timeout; an attempt in flight then is abandoned.
    #[must_use]
    pub fn with_deadline(mut self, deadline: Instant) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// The retry override, if any.
    pub fn retry(&self) -> Option<&RetryConfig> {
        self.retry.as_ref()
    }

    /// The timeouts override, if any.
    pub fn timeouts(&self) -> Option<&TimeoutConfig> {
        self.timeouts.as_ref()
    }

    /// The deadline, if any.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
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
/// - What to do after each attempt is decided by the sans-IO retry engine, [`Operation`]
///   (the rules are in [`classify`](mod@crate::classify) and [`retry`](crate::retry): a
///   non-idempotent request is only retried when it certainly was not processed); this type
///   only does the sending and the sleeping.
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
    /// feature, `JsSleep` on wasm32 with the `fetch` feature; otherwise there is no default.
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

#[cfg(all(not(feature = "hyper"), feature = "fetch", target_arch = "wasm32"))]
fn default_sleep() -> Option<SharedSleep> {
    Some(SharedSleep::new(crate::js_time::JsSleep))
}

#[cfg(not(any(feature = "hyper", all(feature = "fetch", target_arch = "wasm32"))))]
fn default_sleep() -> Option<SharedSleep> {
    None
}

/// The result of one attempt, owned.
pub(crate) enum Attempt {
    Response(Response<Bytes>),
    Error(TransportError),
    TimedOut,
}

impl Attempt {
    pub(crate) fn outcome(&self) -> AttemptOutcome<'_> {
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
    pub fn retry(&self) -> &RetryConfig {
        &self.retry
    }

    /// The timeouts.
    pub fn timeouts(&self) -> &TimeoutConfig {
        &self.timeouts
    }

    /// The timer. Without the `hyper` feature and without a timer given to the builder, this is
    /// a placeholder whose sleeps never complete.
    pub fn sleep(&self) -> &SharedSleep {
        &self.sleep
    }

    /// Whether a timer can be used here and now: one was given or is available by default
    /// (`hyper` feature), and it says it works where this is called
    /// ([`Sleep::is_available`]: `TokioSleep` needs a tokio runtime). Without one,
    /// [`sleep`](Dispatcher::sleep) never completes, so code that sleeps on its own (such as
    /// polling) must check this first.
    pub fn has_timer(&self) -> bool {
        self.has_sleep && self.sleep.is_available()
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
    ///
    /// A thin loop over the retry engine ([`Operation`]): it sends when the engine says
    /// attempt, sleeps when it says pause, and returns when it says finish.
    pub async fn send_with(
        &self,
        request: Request<Bytes>,
        overrides: &SendOptions,
    ) -> Result<Response<Bytes>, DispatchError> {
        let retry = overrides.retry().unwrap_or(&self.retry);
        let timeouts = overrides.timeouts().unwrap_or(&self.timeouts);
        let needs_timer =
            retry.retries_enabled() || timeouts.needs_timer() || overrides.deadline().is_some();
        if needs_timer && !self.has_timer() {
            return Err(DispatchError::MissingSleep);
        }
        let mut op = Operation::new(request.method(), retry, timeouts, self.clock.now());
        if let Some(deadline) = overrides.deadline() {
            op = op.with_deadline(deadline);
        }
        let mut last: Option<(Attempt, AttemptPlan)> = None;
        let mut action = op.begin_attempt(self.clock.now());
        loop {
            action = match action {
                Action::Attempt(plan) => {
                    let (attempt, span) = self.attempt(&request, plan).await;
                    let next = op.on_outcome(
                        &attempt.outcome(),
                        self.clock.now(),
                        self.clock.system_now(),
                        self.jitter.sample(),
                    );
                    log_next(&span, &next, &attempt.outcome());
                    last = Some((attempt, plan));
                    next
                }
                Action::Pause(pause) => {
                    self.sleep.sleep(pause).await;
                    op.begin_attempt(self.clock.now())
                }
                Action::Finish(finish) => return conclude(finish, last, op.attempts()),
            };
        }
    }

    /// Makes one attempt in its `glair.attempt` span, raced against the plan's timeout.
    async fn attempt(&self, request: &Request<Bytes>, plan: AttemptPlan) -> (Attempt, Span) {
        let span = tracing::debug_span!(
            "glair.attempt",
            method = %request.method(),
            path = %request.uri().path(),
            attempt = plan.number,
            status = Empty,
            request_id = Empty,
            error = Empty,
        );
        let result = self
            .run_attempt(clone_request(request), plan.timeout)
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
            None if plan.bounded_by_operation => {
                span.record("error", "operation timeout");
                Attempt::TimedOut
            }
            None => {
                span.record("error", "attempt timeout");
                Attempt::TimedOut
            }
        };
        (attempt, span)
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

/// Logs what the engine decided after an attempt.
pub(crate) fn log_next(span: &Span, next: &Action, outcome: &AttemptOutcome<'_>) {
    match next {
        Action::Pause(delay) => tracing::debug!(
            parent: span,
            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            reason = %outcome.describe(),
            "retrying request"
        ),
        Action::Finish(Finish::Deliver(StopReason::Success)) | Action::Attempt(_) => {}
        Action::Finish(Finish::Deliver(reason)) => tracing::debug!(
            parent: span,
            stop = ?reason,
            outcome = %outcome.describe(),
            "not retrying"
        ),
        Action::Finish(Finish::OperationTimedOut { timeout }) => {
            tracing::debug!(parent: span, timeout = ?timeout, "operation timed out");
        }
    }
}

/// Turns the engine's verdict and the last attempt into the call's result.
pub(crate) fn conclude(
    finish: Finish,
    last: Option<(Attempt, AttemptPlan)>,
    attempts: u32,
) -> Result<Response<Bytes>, DispatchError> {
    match (finish, last) {
        (Finish::Deliver(_), Some((Attempt::Response(response), _))) => Ok(response),
        (Finish::Deliver(_), Some((Attempt::Error(source), _))) => {
            Err(DispatchError::Transport { source, attempts })
        }
        (Finish::Deliver(_), Some((Attempt::TimedOut, plan))) => {
            Err(DispatchError::AttemptTimeout {
                timeout: plan.timeout.unwrap_or_default(),
                attempts,
            })
        }
        (Finish::OperationTimedOut { timeout }, _) => {
            Err(DispatchError::OperationTimeout { timeout, attempts })
        }
        // The engine delivers only after an outcome; without one there is nothing to deliver
        // but the fact that no attempt could be made in time.
        (_, None) => Err(DispatchError::OperationTimeout {
            timeout: Duration::ZERO,
            attempts,
        }),
    }
}

pub(crate) fn record_response(span: &Span, response: &Response<Bytes>) {
    if span.is_disabled() {
        return;
    }
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
