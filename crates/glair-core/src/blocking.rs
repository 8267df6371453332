//! The blocking driver: the same retry engine for programs without an async runtime.
//!
//! [`BlockingDispatcher`] is the blocking twin of [`Dispatcher`](crate::Dispatcher): it runs
//! the same sans-IO machines ([`Call`](crate::Call), any [`Machine`]), sending through a [`BlockingTransport`], pauses with a
//! [`BlockingSleep`] and reads a [`Clock`]. Deadlines are real: each attempt is handed the
//! time it may take ([`AttemptPlan::timeout`](crate::AttemptPlan::timeout), the attempt
//! timeout capped by what is left of the operation's), and the transport must give up by then
//! with a [`TransportErrorKind::Timeout`] error, which the engine reads as the deadline
//! firing.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};

#[cfg(doc)]
use crate::call::Call;
use crate::dispatcher::{SendOptions, attempt_span, record_attempt};
#[cfg(doc)]
use crate::error::TransportErrorKind;
use crate::error::{DispatchError, TransportError};
use crate::jitter::{Jitter, SharedJitter};
use crate::machine::{Attempt, Machine, Next};
use crate::retry::RetryConfig;
use crate::time::{Clock, SharedClock};
use crate::timeout::TimeoutConfig;

/// Sends one HTTP request and blocks until the whole response is read.
///
/// Like [`Transport`](crate::Transport), one attempt, no retries, and never a header value in
/// a log or an error. Unlike it, the transport itself enforces the attempt's time limit: it
/// must return by `timeout` after it was called (a [`TransportErrorKind::Timeout`] error once
/// the time is up; a connect that did not finish in time may say
/// [`TransportError::connect_timeout`]). Over `std::net` that means setting the socket's
/// read and write timeouts to the time left before each read and write.
///
/// ```
/// use std::time::Duration;
/// use bytes::Bytes;
/// use glair_core::{BlockingTransport, TransportError};
///
/// /// Answers every request with an empty 204.
/// #[derive(Debug)]
/// struct NoContent;
///
/// impl BlockingTransport for NoContent {
///     fn send(
///         &self,
///         _request: http::Request<Bytes>,
///         _timeout: Option<Duration>,
///     ) -> Result<http::Response<Bytes>, TransportError> {
///         let mut response = http::Response::new(Bytes::new());
///         *response.status_mut() = http::StatusCode::NO_CONTENT;
///         Ok(response)
///     }
/// }
///
/// let response = NoContent.send(http::Request::new(Bytes::new()), None).unwrap();
/// assert_eq!(response.status(), 204);
/// ```
pub trait BlockingTransport: Send + Sync + fmt::Debug {
    /// Sends one request and returns the whole response, giving up after `timeout` (`None`:
    /// no limit but the transport's own).
    fn send(
        &self,
        request: Request<Bytes>,
        timeout: Option<Duration>,
    ) -> Result<Response<Bytes>, TransportError>;
}

/// A cheaply cloneable, shareable [`BlockingTransport`].
#[derive(Clone, Debug)]
pub struct SharedBlockingTransport(Arc<dyn BlockingTransport>);

impl SharedBlockingTransport {
    /// Wraps a transport.
    pub fn new(transport: impl BlockingTransport + 'static) -> Self {
        Self(Arc::new(transport))
    }
}

impl From<Arc<dyn BlockingTransport>> for SharedBlockingTransport {
    fn from(transport: Arc<dyn BlockingTransport>) -> Self {
        Self(transport)
    }
}

impl BlockingTransport for SharedBlockingTransport {
    fn send(
        &self,
        request: Request<Bytes>,
        timeout: Option<Duration>,
    ) -> Result<Response<Bytes>, TransportError> {
        self.0.send(request, timeout)
    }
}

/// Blocks the calling thread for a duration: the pauses between retries and between polls.
pub trait BlockingSleep: Send + Sync + fmt::Debug {
    /// Returns after `duration`.
    fn sleep(&self, duration: Duration);
}

/// [`std::thread::sleep`]: the default [`BlockingSleep`]. It blocks the calling thread and
/// starts none.
#[derive(Clone, Copy, Debug, Default)]
pub struct ThreadSleep;

impl BlockingSleep for ThreadSleep {
    fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }
}

/// A shareable [`BlockingSleep`].
#[derive(Clone, Debug)]
pub struct SharedBlockingSleep(Arc<dyn BlockingSleep>);

impl SharedBlockingSleep {
    /// Wraps a sleep implementation.
    pub fn new(sleep: impl BlockingSleep + 'static) -> Self {
        Self(Arc::new(sleep))
    }
}

impl Default for SharedBlockingSleep {
    fn default() -> Self {
        Self::new(ThreadSleep)
    }
}

impl BlockingSleep for SharedBlockingSleep {
    fn sleep(&self, duration: Duration) {
        self.0.sleep(duration);
    }
}

/// Sends requests through a [`BlockingTransport`] with retries and timeouts: the same
/// engine, rules and results as [`Dispatcher`](crate::Dispatcher), on the calling thread.
///
/// ```
/// # #[cfg(feature = "mock")]
/// # {
/// use std::time::{Duration, SystemTime};
/// use bytes::Bytes;
/// use glair_core::{BlockingDispatcher, FakeTime, FixedJitter, MockTransport, SharedBlockingTransport, SharedJitter};
///
/// let mock = MockTransport::new();
/// mock.push_json(503, r#"{"message":"busy"}"#).push_json(200, r#"{"status":"PENDING"}"#);
/// let time = FakeTime::new(SystemTime::UNIX_EPOCH);
/// let dispatcher = BlockingDispatcher::builder(SharedBlockingTransport::new(mock.clone()))
///     .time(time.clone())
///     .jitter(SharedJitter::new(FixedJitter(1.0)))
///     .build();
/// let request = http::Request::get("https://api.vision.glair.ai/face/v1/passive-liveness-sessions/abc")
///     .body(Bytes::new())
///     .unwrap();
/// let response = dispatcher.send(request).unwrap();
/// assert_eq!(response.status(), 200);
/// assert_eq!(time.slept(), vec![Duration::from_millis(200)]);
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct BlockingDispatcher {
    transport: SharedBlockingTransport,
    retry: RetryConfig,
    timeouts: TimeoutConfig,
    sleep: SharedBlockingSleep,
    clock: SharedClock,
    jitter: SharedJitter,
}

/// Builds a [`BlockingDispatcher`]; see [`BlockingDispatcher::builder`].
#[derive(Debug)]
pub struct BlockingDispatcherBuilder {
    dispatcher: BlockingDispatcher,
}

impl BlockingDispatcherBuilder {
    /// Retry settings (default [`RetryConfig::default`]: 3 attempts).
    #[must_use]
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.dispatcher.retry = retry;
        self
    }

    /// Timeouts (default [`TimeoutConfig::default`]: 30 s per attempt, 60 s per operation).
    #[must_use]
    pub fn timeouts(mut self, timeouts: TimeoutConfig) -> Self {
        self.dispatcher.timeouts = timeouts;
        self
    }

    /// The pause between retries (default [`ThreadSleep`]).
    #[must_use]
    pub fn sleep(mut self, sleep: SharedBlockingSleep) -> Self {
        self.dispatcher.sleep = sleep;
        self
    }

    /// The clock for deadlines and `Retry-After` dates (default [`SystemClock`](crate::SystemClock)).
    #[must_use]
    pub fn clock(mut self, clock: SharedClock) -> Self {
        self.dispatcher.clock = clock;
        self
    }

    /// Sets both the pause and the clock from one time source (such as `FakeTime`).
    #[must_use]
    pub fn time<T>(self, time: T) -> Self
    where
        T: BlockingSleep + Clock + Clone + 'static,
    {
        self.sleep(SharedBlockingSleep::new(time.clone()))
            .clock(SharedClock::new(time))
    }

    /// The jitter source for backoff (default [`RandomJitter`](crate::RandomJitter)).
    #[must_use]
    pub fn jitter(mut self, jitter: SharedJitter) -> Self {
        self.dispatcher.jitter = jitter;
        self
    }

    /// Builds the dispatcher. A blocking dispatcher always has a timer (the thread's own), so
    /// this cannot fail.
    pub fn build(self) -> BlockingDispatcher {
        self.dispatcher
    }
}

impl BlockingDispatcher {
    /// Starts building a dispatcher around `transport`.
    pub fn builder(transport: SharedBlockingTransport) -> BlockingDispatcherBuilder {
        BlockingDispatcherBuilder {
            dispatcher: Self {
                transport,
                retry: RetryConfig::default(),
                timeouts: TimeoutConfig::default(),
                sleep: SharedBlockingSleep::default(),
                clock: SharedClock::default(),
                jitter: SharedJitter::default(),
            },
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

    /// The pause.
    pub fn sleep(&self) -> &SharedBlockingSleep {
        &self.sleep
    }

    /// The clock.
    pub fn clock(&self) -> &SharedClock {
        &self.clock
    }

    /// The transport.
    pub fn transport(&self) -> &SharedBlockingTransport {
        &self.transport
    }

    /// Sends `request` with the dispatcher's retry and timeout settings.
    pub fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, DispatchError> {
        self.send_with(request, &SendOptions::default())
    }

    /// Sends `request` with per-request overrides: a [`Call`] made here and
    /// [run](BlockingDispatcher::run).
    // By value, like `Dispatcher::send_with`: the two drivers take the same arguments.
    #[allow(clippy::needless_pass_by_value)]
    pub fn send_with(
        &self,
        request: Request<Bytes>,
        overrides: &SendOptions,
    ) -> Result<Response<Bytes>, DispatchError> {
        let call = overrides.call(request, &self.retry, &self.timeouts, self.clock.now());
        self.run(call)
    }

    /// Runs `machine` to its end on the calling thread: the blocking driver, the twin of
    /// [`Dispatcher::run`](crate::Dispatcher::run). Each attempt is handed its time limit and
    /// the transport gives up by then; whether that was the deadline firing is the
    /// machine's to judge.
    pub fn run<M: Machine>(&self, mut machine: M) -> M::Output {
        // One clock read per step: the time an attempt ended is also when the next step is
        // asked for.
        let mut now = self.clock.now();
        loop {
            match machine.next(now) {
                Next::Send(plan) => {
                    let Some(request) = machine.request() else {
                        continue;
                    };
                    let span = attempt_span(&request, &plan);
                    let attempt = match span.in_scope(|| self.transport.send(request, plan.timeout))
                    {
                        Ok(response) => Attempt::Response(response),
                        Err(error) => Attempt::Failed(error),
                    };
                    record_attempt(&span, &attempt, &plan);
                    now = self.clock.now();
                    span.in_scope(|| {
                        machine.on_attempt(
                            attempt,
                            now,
                            self.clock.system_now(),
                            self.jitter.sample(),
                        );
                    });
                }
                Next::Sleep(pause) => {
                    self.sleep.sleep(pause);
                    now = self.clock.now();
                }
                Next::Done => return machine.finish(),
            }
        }
    }
}
