//! The [`Dispatcher`]: the async driver of the sans-IO machines ([`Call`], and any
//! [`Machine`]), and the only async code that sleeps.

use std::future::poll_fn;
use std::task::Poll;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use tracing::Span;
use tracing::field::Empty;

use crate::call::Call;
use crate::classify::Replay;
use crate::engine::AttemptPlan;
use crate::error::{BuildError, DispatchError, TransportError};
use crate::jitter::{Jitter, SharedJitter};
use crate::machine::{Attempt, Machine, Next};
use crate::retry::RetryConfig;
use crate::time::{Clock, Instant, SharedClock, SharedSleep, Sleep, SleepFuture};
use crate::timeout::TimeoutConfig;
use crate::transport::{SharedTransport, Transport};

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

    /// A [`Call`] of `request` starting at `now`, with these overrides over `retry` and
    /// `timeouts`, retried as its method allows.
    pub(crate) fn call(
        &self,
        request: Request<Bytes>,
        retry: &RetryConfig,
        timeouts: &TimeoutConfig,
        now: Instant,
    ) -> Call {
        let replay = Replay::of_method(request.method());
        Call::new(
            request,
            replay,
            self.retry.as_ref().unwrap_or(retry),
            self.timeouts.as_ref().unwrap_or(timeouts),
            now,
        )
        .with_deadline(self.deadline)
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
/// - Each attempt sends a copy of the request (cheap: the body is [`Bytes`], shared).
/// - What to do after each attempt is decided by the sans-IO retry engine, [`Operation`](crate::Operation)
///   (the rules are in [`classify`](fn@crate::classify) and [`decide`](crate::decide): a
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

    /// The timer used for retry delays and timeouts. Default: `TimerThreadSleep` with the `hyper`
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
    Some(SharedSleep::new(crate::time::TimerThreadSleep))
}

#[cfg(all(not(feature = "hyper"), feature = "fetch", target_arch = "wasm32"))]
fn default_sleep() -> Option<SharedSleep> {
    Some(SharedSleep::new(crate::js_time::JsSleep))
}

#[cfg(not(any(feature = "hyper", all(feature = "fetch", target_arch = "wasm32"))))]
fn default_sleep() -> Option<SharedSleep> {
    None
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
    /// ([`Sleep::is_available`]: `TimerThreadSleep` needs a tokio runtime). Without one,
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

    /// Sends `request` with the dispatcher's retry and timeout settings, retried as its
    /// method allows ([`Replay::of_method`]).
    pub async fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, DispatchError> {
        self.send_with(request, &SendOptions::default()).await
    }

    /// Sends `request` with per-request overrides: a [`Call`] made here and [run](Dispatcher::run).
    pub async fn send_with(
        &self,
        request: Request<Bytes>,
        overrides: &SendOptions,
    ) -> Result<Response<Bytes>, DispatchError> {
        let call = overrides.call(request, &self.retry, &self.timeouts, self.clock.now());
        self.run(call).await
    }

    /// Runs `machine` to its end: the async driver. It sends when the machine says send
    /// (racing the attempt against its time limit on the [`Sleep`]), sleeps when it says
    /// sleep, and feeds every outcome back with the [`Clock`]'s time; the machine decides
    /// everything else. A machine that needs a timer where none works is
    /// [refused](Machine::refuse) with [`DispatchError::MissingSleep`].
    pub async fn run<M: Machine>(&self, machine: M) -> M::Output {
        self.run_in(Span::none(), machine).await
    }

    /// [`run`](Dispatcher::run) in `span`: the span is entered for each step of the machine
    /// and each poll of an attempt (whose own `glair.attempt` span is its child), as
    /// `run(machine).instrument(span)` would, but with no `Instrument` layer around the
    /// whole run, which moved its output once more (glair-bench under callgrind).
    pub async fn run_in<M: Machine>(&self, span: Span, mut machine: M) -> M::Output {
        if machine.needs_timer() && !self.has_timer() {
            within(&span, || machine.refuse(DispatchError::MissingSleep));
        }
        // One clock read per step: the time an attempt ended is also when the next step is
        // asked for.
        let mut now = self.clock.now();
        loop {
            match within(&span, || machine.next(now)) {
                Next::Send(plan) => {
                    let Some((attempt_span, send)) = within(&span, || {
                        let request = machine.request()?;
                        Some((attempt_span(&request, &plan), self.transport.send(request)))
                    }) else {
                        continue;
                    };
                    let timer = plan.timeout.map(|t| self.sleep.sleep(t));
                    let attempt = race(&span, &attempt_span, send, timer).await;
                    record_attempt(&attempt_span, &attempt, &plan);
                    now = self.clock.now();
                    within(&span, || {
                        within(&attempt_span, || {
                            machine.on_attempt(
                                attempt,
                                now,
                                self.clock.system_now(),
                                self.jitter.sample(),
                            );
                        });
                    });
                }
                Next::Sleep(pause) => {
                    self.sleep.sleep(pause).await;
                    now = self.clock.now();
                }
                Next::Done => return within(&span, || machine.finish()),
            }
        }
    }
}

/// Runs `f` in `span`, with nothing to enter or leave when the span is disabled (no
/// subscriber listens): `Span::in_scope` is a call either way, and a disabled span made by a
/// macro still carries its metadata (so `is_none` would be false for it).
#[inline]
fn within<T>(span: &Span, f: impl FnOnce() -> T) -> T {
    if span.is_disabled() {
        f()
    } else {
        span.in_scope(f)
    }
}

/// Runs one attempt in its spans (the call's, then the attempt's), raced against `timer`.
/// The attempt is polled first: a reply that is ready wins over a timer that is too. The
/// spans are entered at each poll here rather than through `Instrument`, whose layer moved
/// the attempt's outcome once more (about 100 instructions per call, glair-bench under
/// callgrind).
fn race<'a>(
    call_span: &'a Span,
    attempt_span: &'a Span,
    mut send: crate::transport::SendFuture<'a>,
    mut timer: Option<SleepFuture>,
) -> impl Future<Output = Attempt> + 'a {
    poll_fn(move |cx| {
        let _call = call_span.enter();
        let _attempt = attempt_span.enter();
        if let Poll::Ready(result) = send.as_mut().poll(cx) {
            return Poll::Ready(to_attempt(result));
        }
        if let Some(timer) = &mut timer {
            if timer.as_mut().poll(cx).is_ready() {
                return Poll::Ready(Attempt::TimedOut);
            }
        }
        Poll::Pending
    })
}

fn to_attempt(result: Result<Response<Bytes>, TransportError>) -> Attempt {
    match result {
        Ok(response) => Attempt::Response(response),
        Err(error) => Attempt::Failed(error),
    }
}

/// The `glair.attempt` span of one attempt (both drivers).
pub(crate) fn attempt_span(request: &Request<Bytes>, plan: &AttemptPlan) -> Span {
    tracing::debug_span!(
        "glair.attempt",
        method = %request.method(),
        path = %request.uri().path(),
        attempt = plan.number,
        status = Empty,
        request_id = Empty,
        error = Empty,
    )
}

/// Records what became of an attempt in its span (both drivers).
pub(crate) fn record_attempt(span: &Span, attempt: &Attempt, plan: &AttemptPlan) {
    if span.is_disabled() {
        return;
    }
    match attempt {
        Attempt::Response(response) => record_response(span, response),
        Attempt::Failed(error) => {
            span.record("error", tracing::field::display(error.kind()));
        }
        Attempt::TimedOut if plan.bounded_by_operation => {
            span.record("error", "operation timeout");
        }
        Attempt::TimedOut => {
            span.record("error", "attempt timeout");
        }
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
