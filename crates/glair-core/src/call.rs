//! [`Call`]: one HTTP call as a sans-IO machine (see the type's docs).

use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};

use crate::classify::Replay;
use crate::engine::{self, Action, AttemptPlan, Finish, Operation};
use crate::error::DispatchError;
use crate::machine::{Attempt, Machine, Next};
use crate::retry::{AttemptOutcome, RetryConfig, StopReason};
use crate::time::{Instant, SystemTime, UNIX_EPOCH};
use crate::timeout::TimeoutConfig;

/// [`Call`]: one HTTP call — its attempts, pauses, deadlines and result — as a sans-IO
/// [`Machine`].
///
/// A `Call` owns the request, built once (kept and copied for each attempt, the copy sharing
/// the body; or, after [`lend`](Call::lend), handed itself to the first attempt), the retry
/// engine ([`Operation`]) with the settings it was made with, and the last attempt's outcome.
/// It answers one question, [`next`](Machine::next): send the request with this attempt
/// deadline, sleep this long, or done; and it is fed each attempt's outcome with the time.
///
/// Invariants (the engine's, each a property test of [`Operation`](crate::Operation), and the
/// call's own, property tests below):
/// - never more attempts than [`RetryConfig::max_attempts`];
/// - no attempt starts at or after the call's deadline, and no pause ends at or after it;
/// - a request that may not be replayed ([`Replay::OnlyIfUnprocessed`]) is sent again only
///   after an outcome that proves the server did not act on it;
/// - whether the deadline fired is decided in one place
///   ([`deadline_fired`](crate::deadline_fired)), whichever driver observed it;
/// - the result is the last attempt's: its response (any status), its transport error, or a
///   timeout.
///
/// ```
/// use std::time::{Duration, Instant, SystemTime};
/// use bytes::Bytes;
/// use glair_core::{Attempt, Call, Machine, Next, Replay, RetryConfig, TimeoutConfig};
///
/// let request = http::Request::get("https://api.vision.glair.ai/x").body(Bytes::new())?;
/// let start = Instant::now();
/// let mut call = Call::new(request, Replay::Safe, &RetryConfig::default(), &TimeoutConfig::default(), start);
/// let Next::Send(plan) = call.next(start) else { unreachable!() };
/// assert_eq!(plan.number, 1);
/// let busy = http::Response::builder().status(503).body(Bytes::new())?;
/// call.on_attempt(Attempt::Response(busy), start, SystemTime::UNIX_EPOCH, 1.0);
/// assert!(matches!(call.next(start), Next::Sleep(pause) if pause == Duration::from_millis(200)));
/// let later = start + Duration::from_millis(200);
/// assert!(matches!(call.next(later), Next::Send(_)));
/// let ok = http::Response::new(Bytes::from_static(b"{}"));
/// call.on_attempt(Attempt::Response(ok), later, SystemTime::UNIX_EPOCH, 0.0);
/// assert!(matches!(call.next(later), Next::Done));
/// assert_eq!(call.finish()?.status(), 200);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Call {
    /// The request: kept (each attempt is sent a copy; a wait's poll sends one request many
    /// times), or lent to the first attempt itself (`None` after it), when `keep` is false.
    request: Option<Request<Bytes>>,
    /// Whether attempts get a copy of `request` rather than `request` itself. Lending is a
    /// flag, not a move into another variant: a `Request` is 256 bytes, and moving it once
    /// more per call showed in glair-bench's callgrind counts.
    keep: bool,
    timeouts: TimeoutConfig,
    op: Operation,
    state: State,
    last: Option<(Attempt, AttemptPlan)>,
    refused: Option<DispatchError>,
}

#[derive(Clone, Copy, Debug)]
enum State {
    /// Plan an attempt at the next `next`.
    Ready,
    /// Sleep this long at the next `next`, then plan an attempt.
    Pause(Duration),
    /// An attempt was handed out and its outcome not yet fed.
    InFlight(AttemptPlan),
    /// Over.
    Done(Finish),
}

impl Call {
    /// A call of `request` starting at `now`, retried as `replay` allows within `retry`, and
    /// bounded by `timeouts`.
    pub fn new(
        request: Request<Bytes>,
        replay: Replay,
        retry: &RetryConfig,
        timeouts: &TimeoutConfig,
        now: Instant,
    ) -> Self {
        Self {
            op: Operation::new(replay, retry, timeouts, now),
            request: Some(request),
            keep: true,
            timeouts: *timeouts,
            state: State::Ready,
            last: None,
            refused: None,
        }
    }

    /// Lends the request to the first attempt instead of copying it: the machine around the
    /// call must make the request again for any later attempt, when
    /// [`take_request`](Call::take_request) answers `None` (glair's API call rebuilds it from
    /// the endpoint request). Alone, a lending call fails a later attempt instead.
    pub fn lend(&mut self) {
        // Copying every request for the sake of rare retries cost about 1,000 instructions
        // per call (glair-bench under callgrind).
        self.keep = false;
    }

    /// The request for the attempt [`next`](Machine::next) asked for: a copy of the kept
    /// request, or the lent one itself the first time (`None` after that: see
    /// [`lend`](Call::lend)).
    pub fn take_request(&mut self) -> Option<Request<Bytes>> {
        if self.keep {
            self.request.clone()
        } else {
            self.request.take()
        }
    }

    /// Ends the call with `error` instead of the attempt it asked for (the machine around it
    /// could not make the request).
    pub fn abandon(&mut self, error: DispatchError) {
        self.refused = Some(error);
    }

    /// Also ends the call at `deadline` if that comes before its operation timeout.
    #[must_use]
    #[inline]
    pub fn with_deadline(mut self, deadline: Option<Instant>) -> Self {
        self.limit_to(deadline);
        self
    }

    /// Ends the call at `deadline` too, if one is given and it comes before the operation
    /// timeout (in place: [`with_deadline`](Call::with_deadline) by value).
    pub fn limit_to(&mut self, deadline: Option<Instant>) {
        if let Some(deadline) = deadline {
            self.op.limit_to(deadline);
        }
    }

    /// Starts the same request afresh at `now` (capped by `deadline`): a poll of a wait
    /// sends one request many times without building it again (a kept request; a lent one
    /// must be made again by the machine around the call).
    pub fn restart(&mut self, now: Instant, deadline: Option<Instant>) {
        let replay = self.op.replay();
        self.op = Operation::new(replay, self.op.retry(), &self.timeouts, now);
        self.limit_to(deadline);
        self.state = State::Ready;
        self.last = None;
        self.refused = None;
    }

    /// Attempts started so far.
    pub fn attempts(&self) -> u32 {
        self.op.attempts()
    }

    /// Whether the call is over.
    pub fn is_done(&self) -> bool {
        self.refused.is_some() || matches!(self.state, State::Done(_))
    }

    /// The result, taken out (the call is then empty: a second take answers an operation
    /// timeout with no attempt). Before the call is over, the result is that of an operation
    /// that made no attempt in time.
    pub fn take_result(&mut self) -> Result<Response<Bytes>, DispatchError> {
        if let Some(error) = self.refused.take() {
            return Err(error);
        }
        let finish = match self.state {
            State::Done(finish) => finish,
            _ => Finish::OperationTimedOut {
                timeout: Duration::ZERO,
            },
        };
        conclude(finish, self.last.take(), self.op.attempts())
    }
}

impl Machine for Call {
    type Output = Result<Response<Bytes>, DispatchError>;

    fn needs_timer(&self) -> bool {
        self.op.retry().retries_enabled()
            || self.timeouts.needs_timer()
            || self.op.deadline().is_some()
    }

    fn refuse(&mut self, error: DispatchError) {
        self.refused = Some(error);
    }

    fn request(&mut self) -> Option<Request<Bytes>> {
        let request = self.take_request();
        if request.is_none() {
            // Lent away with nothing around the call to make it again.
            self.refused = Some(DispatchError::Transport {
                source: crate::error::TransportError::new(
                    crate::error::TransportErrorKind::Other,
                    "the request was lent to an earlier attempt and cannot be sent again",
                ),
                attempts: self.op.attempts(),
            });
        }
        request
    }

    fn next(&mut self, now: Instant) -> Next {
        if self.refused.is_some() {
            return Next::Done;
        }
        match self.state {
            State::Done(_) => Next::Done,
            State::Pause(pause) => {
                self.state = State::Ready;
                Next::Sleep(pause)
            }
            State::InFlight(_) => {
                // Asked again without an outcome: the attempt was abandoned. It counts as
                // timed out, so that a request that may not be replayed is not sent twice.
                self.on_attempt(Attempt::TimedOut, now, UNIX_EPOCH, 0.0);
                self.next(now)
            }
            State::Ready => match self.op.begin_attempt(now) {
                Action::Attempt(plan) => {
                    self.state = State::InFlight(plan);
                    Next::Send(plan)
                }
                Action::Pause(pause) => Next::Sleep(pause),
                Action::Finish(finish) => {
                    self.state = State::Done(finish);
                    Next::Done
                }
            },
        }
    }

    fn on_attempt(&mut self, attempt: Attempt, now: Instant, wall: SystemTime, jitter: f64) {
        let State::InFlight(plan) = self.state else {
            return;
        };
        let attempt = match attempt {
            Attempt::Failed(error)
                if engine::deadline_fired(&plan, &AttemptOutcome::TransportError(&error), now) =>
            {
                Attempt::TimedOut
            }
            other => other,
        };
        let outcome = attempt.outcome();
        let next = self.op.on_outcome(&outcome, now, wall, jitter);
        log_next(&next, &outcome);
        self.state = match next {
            Action::Pause(pause) => State::Pause(pause),
            Action::Finish(finish) => State::Done(finish),
            Action::Attempt(_) => State::Ready,
        };
        self.last = Some((attempt, plan));
    }

    fn finish(mut self) -> Self::Output {
        self.take_result()
    }
}

/// Logs what the engine decided after an attempt (in the driver's attempt span).
fn log_next(next: &Action, outcome: &AttemptOutcome<'_>) {
    match next {
        Action::Pause(delay) => tracing::debug!(
            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            reason = %outcome.describe(),
            "retrying request"
        ),
        Action::Finish(Finish::Deliver(StopReason::Success)) | Action::Attempt(_) => {}
        Action::Finish(Finish::Deliver(reason)) => tracing::debug!(
            stop = ?reason,
            outcome = %outcome.describe(),
            "not retrying"
        ),
        Action::Finish(Finish::OperationTimedOut { timeout }) => {
            tracing::debug!(timeout = ?timeout, "operation timed out");
        }
    }
}

/// Turns the engine's verdict and the last attempt into the call's result.
fn conclude(
    finish: Finish,
    last: Option<(Attempt, AttemptPlan)>,
    attempts: u32,
) -> Result<Response<Bytes>, DispatchError> {
    match (finish, last) {
        (Finish::Deliver(_), Some((Attempt::Response(response), _))) => Ok(response),
        (Finish::Deliver(_), Some((Attempt::Failed(source), _))) => {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{TransportError, TransportErrorKind};
    use http::StatusCode;
    use proptest::prelude::*;

    const WALL: SystemTime = UNIX_EPOCH;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn post() -> Request<Bytes> {
        Request::post("https://api.vision.glair.ai/ocr/v1/ktp")
            .body(Bytes::from_static(b"{}"))
            .unwrap()
    }

    /// One outcome of an attempt, as a driver might report it.
    #[derive(Clone, Copy, Debug)]
    enum Seen {
        Status(u16),
        Refused,
        Reset,
        TransportTimeout,
        ConnectTimeout,
        DriverTimeout,
    }

    impl Seen {
        fn attempt(self) -> Attempt {
            match self {
                Seen::Status(code) => {
                    let mut response = Response::new(Bytes::new());
                    *response.status_mut() = StatusCode::from_u16(code).unwrap();
                    Attempt::Response(response)
                }
                Seen::Refused => {
                    Attempt::Failed(TransportError::new(TransportErrorKind::Connect, "refused"))
                }
                Seen::Reset => {
                    Attempt::Failed(TransportError::new(TransportErrorKind::Io, "reset"))
                }
                Seen::TransportTimeout => Attempt::Failed(TransportError::new(
                    TransportErrorKind::Timeout,
                    "timed out",
                )),
                Seen::ConnectTimeout => {
                    Attempt::Failed(TransportError::connect_timeout("connect timed out"))
                }
                Seen::DriverTimeout => Attempt::TimedOut,
            }
        }

        /// Whether this outcome proves the server did not act on the request.
        fn proves_unprocessed(self) -> bool {
            matches!(
                self,
                Seen::Status(429) | Seen::Refused | Seen::ConnectTimeout
            )
        }
    }

    fn seen() -> impl Strategy<Value = Seen> {
        prop_oneof![
            prop::sample::select(vec![200u16, 201, 400, 404, 429, 500, 502, 503, 504])
                .prop_map(Seen::Status),
            Just(Seen::Refused),
            Just(Seen::Reset),
            Just(Seen::TransportTimeout),
            Just(Seen::ConnectTimeout),
            Just(Seen::DriverTimeout),
        ]
    }

    /// Runs a call against scripted outcomes, each taking `took` ms; returns the outcomes that
    /// led to a resend, the sleeps, the times attempts started, and the result.
    fn run(
        replay: Replay,
        script: &[(Seen, u64)],
        timeouts: TimeoutConfig,
    ) -> (Vec<Seen>, Vec<Instant>, Instant, Option<Instant>, u32) {
        let start = Instant::now();
        let retry = RetryConfig::default().with_max_attempts(5);
        let mut call = Call::new(post(), replay, &retry, &timeouts, start);
        let deadline = call.op.deadline();
        let mut now = start;
        let mut resent_after = Vec::new();
        let mut starts = Vec::new();
        let mut script = script.iter().copied();
        let mut previous = None;
        loop {
            match call.next(now) {
                Next::Send(plan) => {
                    assert_eq!(call.request().unwrap().method(), http::Method::POST);
                    if let Some(seen) = previous {
                        resent_after.push(seen);
                    }
                    starts.push(now);
                    let (seen, took) = script.next().unwrap_or((Seen::Status(200), 1));
                    now += ms(took);
                    // A driver gives up at the plan's deadline.
                    let seen = match plan.deadline {
                        Some(d) if now >= d => {
                            now = d;
                            Seen::DriverTimeout
                        }
                        _ => seen,
                    };
                    previous = Some(seen);
                    call.on_attempt(seen.attempt(), now, WALL, 0.5);
                }
                Next::Sleep(pause) => now += pause,
                Next::Done => break,
            }
        }
        let attempts = call.attempts();
        let _ = call.finish();
        (resent_after, starts, now, deadline, attempts)
    }

    proptest! {
        #[test]
        fn a_request_that_may_not_be_replayed_is_resent_only_when_unprocessed(
            script in prop::collection::vec((seen(), 0u64..400), 0..8),
        ) {
            let (resent_after, _, _, _, attempts) =
                run(Replay::OnlyIfUnprocessed, &script, TimeoutConfig::default());
            prop_assert!(attempts <= 5);
            for seen in resent_after {
                prop_assert!(seen.proves_unprocessed(), "resent after {seen:?}");
            }
        }

        #[test]
        fn no_attempt_starts_at_or_after_the_deadline(
            script in prop::collection::vec((seen(), 0u64..400), 0..8),
            attempt_ms in 1u64..500,
            operation_ms in 1u64..1_000,
        ) {
            let timeouts = TimeoutConfig::default()
                .with_attempt(Some(ms(attempt_ms)))
                .with_operation(Some(ms(operation_ms)));
            let (_, starts, end, deadline, _) = run(Replay::Safe, &script, timeouts);
            let deadline = deadline.unwrap();
            for start in starts {
                prop_assert!(start < deadline);
            }
            prop_assert!(end <= deadline);
        }
    }

    #[test]
    fn a_transport_timeout_at_the_deadline_is_the_deadline_firing() {
        let start = Instant::now();
        let timeouts = TimeoutConfig::default().with_attempt(Some(ms(100)));
        let mut call = Call::new(
            post(),
            Replay::Safe,
            &RetryConfig::disabled(),
            &timeouts,
            start,
        );
        assert!(matches!(call.next(start), Next::Send(_)));
        call.on_attempt(Seen::TransportTimeout.attempt(), start + ms(100), WALL, 0.0);
        assert!(matches!(call.next(start + ms(100)), Next::Done));
        assert!(matches!(
            call.finish(),
            Err(DispatchError::AttemptTimeout { timeout, attempts: 1 }) if timeout == ms(100)
        ));
    }

    #[test]
    fn a_refused_call_is_done_with_the_refusal() {
        let mut call = Call::new(
            post(),
            Replay::Safe,
            &RetryConfig::default(),
            &TimeoutConfig::default(),
            Instant::now(),
        );
        assert!(call.needs_timer());
        call.refuse(DispatchError::MissingSleep);
        assert!(matches!(call.next(Instant::now()), Next::Done));
        assert!(matches!(call.finish(), Err(DispatchError::MissingSleep)));
    }

    #[test]
    fn an_abandoned_attempt_counts_as_timed_out() {
        let start = Instant::now();
        let mut call = Call::new(
            post(),
            Replay::OnlyIfUnprocessed,
            &RetryConfig::default(),
            &TimeoutConfig::default(),
            start,
        );
        assert!(matches!(call.next(start), Next::Send(_)));
        // Asked again without an outcome: the POST is not sent a second time.
        assert!(matches!(call.next(start), Next::Done));
        assert_eq!(call.attempts(), 1);
    }

    #[test]
    fn restart_sends_the_same_request_afresh() {
        let start = Instant::now();
        let mut call = Call::new(
            post(),
            Replay::Safe,
            &RetryConfig::disabled(),
            &TimeoutConfig::default(),
            start,
        );
        assert!(matches!(call.next(start), Next::Send(_)));
        call.on_attempt(Seen::Status(200).attempt(), start, WALL, 0.0);
        assert!(matches!(call.next(start), Next::Done));
        assert_eq!(call.take_result().unwrap().status(), 200);
        call.restart(start + ms(5), Some(start + ms(10)));
        let Next::Send(plan) = call.next(start + ms(5)) else {
            panic!("expected a send")
        };
        assert_eq!(plan.number, 1);
        assert_eq!(plan.deadline, Some(start + ms(10)));
    }
}
