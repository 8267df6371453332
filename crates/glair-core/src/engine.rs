//! The retry engine: [`Operation`] (its docs describe the loop and its invariants).

use std::time::Duration;

use crate::classify::Replay;
use crate::retry::{AttemptOutcome, RetryConfig, RetryDecision, StopReason, decide};
use crate::time::{Instant, SystemTime};
use crate::timeout::TimeoutConfig;

/// What the driver does next.
///
/// Non-exhaustive, as every output of a machine: a new action can be added without breaking a
/// driver written outside this crate; a driver's wildcard arm should end the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// Send the request once, as this plan says.
    Attempt(AttemptPlan),
    /// Wait this long, then call [`Operation::begin_attempt`].
    Pause(Duration),
    /// The call is over.
    Finish(Finish),
}

/// One attempt, as planned by [`Operation::begin_attempt`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AttemptPlan {
    /// The attempt's number, from 1.
    pub number: u32,
    /// How long the attempt may take (`None`: no limit).
    pub timeout: Option<Duration>,
    /// When the attempt must be given up (`None`: no limit); `timeout` after it was planned.
    pub deadline: Option<Instant>,
    /// Whether `deadline` is the operation's deadline (then its passing ends the call).
    pub bounded_by_operation: bool,
}

/// How a call ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Finish {
    /// Hand the last attempt's outcome to the caller as it is: the response (any status), the
    /// transport error, or the attempt timeout. The reason says why no further attempt is made.
    Deliver(StopReason),
    /// The operation deadline passed: an attempt in flight was abandoned, or no attempt could
    /// start in the time left.
    OperationTimedOut {
        /// The operation's time limit (the operation timeout, or less if a deadline given
        /// with [`Operation::with_deadline`] came first).
        timeout: Duration,
    },
}

/// One call's retry state, the retry engine: its attempts, pauses and deadlines as a sans-IO
/// state machine.
///
/// An [`Operation`] does no I/O and reads no clock. A driver (the async
/// [`Dispatcher`](crate::Dispatcher), the blocking
/// `BlockingDispatcher` (feature `blocking`), or your own) runs this loop:
///
/// 1. [`Operation::begin_attempt`] with the current time answers [`Action::Attempt`] (send the
///    request, give up on it at the plan's deadline) or [`Action::Finish`].
/// 2. The driver sends, racing the attempt against its deadline, and feeds what happened to
///    [`Operation::on_outcome`] with the time, the wall-clock time (for `Retry-After` dates) and
///    a jitter sample in `[0, 1)`. The answer is [`Action::Pause`] (sleep this long, then go to
///    step 1) or [`Action::Finish`].
///
/// Invariants (each a property test below):
/// - never more attempts than [`RetryConfig::max_attempts`];
/// - no attempt starts at or after the operation deadline, no pause ends at or after it, and an
///   attempt's deadline is never later than the operation's: a driver that honours the plans
///   finishes by the deadline;
/// - a request whose bytes may have reached the server is repeated only if its method is
///   idempotent (the rule is the classifier's, [`Classification::permits_retry_of`](crate::Classification::permits_retry_of)).
///
/// ```
/// use std::time::{Duration, Instant, SystemTime};
/// use glair_core::{Action, AttemptOutcome, Finish, Operation, RetryConfig, StopReason, TimeoutConfig};
/// use http::{Method, StatusCode};
///
/// let start = Instant::now();
/// let mut op = Operation::new(&Method::GET, &RetryConfig::default(), &TimeoutConfig::default(), start);
/// let Action::Attempt(plan) = op.begin_attempt(start) else { unreachable!() };
/// assert_eq!(plan.timeout, Some(Duration::from_secs(30)));
///
/// let busy = AttemptOutcome::Response { status: StatusCode::SERVICE_UNAVAILABLE, retry_after: None };
/// let later = start + Duration::from_millis(50);
/// assert_eq!(op.on_outcome(&busy, later, SystemTime::UNIX_EPOCH, 1.0), Action::Pause(Duration::from_millis(200)));
///
/// let resumed = later + Duration::from_millis(200);
/// let Action::Attempt(plan) = op.begin_attempt(resumed) else { unreachable!() };
/// assert_eq!(plan.number, 2);
/// let ok = AttemptOutcome::Response { status: StatusCode::OK, retry_after: None };
/// assert_eq!(op.on_outcome(&ok, resumed, SystemTime::UNIX_EPOCH, 0.0), Action::Finish(Finish::Deliver(StopReason::Success)));
/// ```
#[derive(Clone, Debug)]
pub struct Operation {
    replay: Replay,
    retry: RetryConfig,
    attempt_timeout: Option<Duration>,
    started: Instant,
    deadline: Option<Instant>,
    attempts: u32,
    in_flight: Option<AttemptPlan>,
    finished: Option<Finish>,
}

impl Operation {
    /// A call starting at `now`, with these settings; `replay` says whether the request may
    /// be sent again once it may have been received (a [`Replay`], or the request's `&Method`
    /// for the method-based rule).
    pub fn new(
        replay: impl Into<Replay>,
        retry: &RetryConfig,
        timeouts: &TimeoutConfig,
        now: Instant,
    ) -> Self {
        Self {
            replay: replay.into(),
            retry: retry.clone(),
            attempt_timeout: timeouts.attempt(),
            started: now,
            // A deadline too far away to represent is no deadline.
            deadline: timeouts.operation().and_then(|t| now.checked_add(t)),
            attempts: 0,
            in_flight: None,
            finished: None,
        }
    }

    /// Also ends the call at `deadline` if that comes before the operation timeout (a wait
    /// caps each poll by the time it has left this way).
    #[must_use]
    pub fn with_deadline(mut self, deadline: Instant) -> Self {
        self.limit_to(deadline);
        self
    }

    /// As [`with_deadline`](Operation::with_deadline), in place.
    pub fn limit_to(&mut self, deadline: Instant) {
        self.deadline = Some(match self.deadline {
            Some(own) => own.min(deadline),
            None => deadline,
        });
    }

    /// Whether the request may be sent again once it may have been received.
    pub fn replay(&self) -> Replay {
        self.replay
    }

    /// The retry settings the operation was made with.
    pub fn retry(&self) -> &RetryConfig {
        &self.retry
    }

    /// Attempts made (started) so far.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The operation deadline, if any.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// How the call ended, once it has.
    pub fn finished(&self) -> Option<Finish> {
        self.finished
    }

    fn finish(&mut self, finish: Finish) -> Action {
        self.in_flight = None;
        self.finished = Some(finish);
        Action::Finish(finish)
    }

    fn operation_timed_out(&mut self) -> Action {
        let timeout = self.deadline.map_or(Duration::ZERO, |d| {
            d.saturating_duration_since(self.started)
        });
        self.finish(Finish::OperationTimedOut { timeout })
    }

    /// Plans the next attempt at `now`: [`Action::Attempt`], or [`Action::Finish`] when the
    /// operation deadline has passed (or the call is already over).
    pub fn begin_attempt(&mut self, now: Instant) -> Action {
        if let Some(finish) = self.finished {
            return Action::Finish(finish);
        }
        let left = self.deadline.map(|d| d.saturating_duration_since(now));
        if left.is_some_and(|left| left.is_zero()) {
            // After a failed attempt the engine only pauses when the pause ends before the
            // deadline; if the timer woke late, the news is still that attempt's failure (as
            // when a pause would have reached the deadline), not a timeout.
            if self.attempts > 0 {
                return self.finish(Finish::Deliver(StopReason::BudgetExhausted));
            }
            return self.operation_timed_out();
        }
        // The attempt's limit is its own timeout or the time left, whichever is shorter; when
        // they are equal the operation's bounds it (its passing ends the call).
        let (timeout, bounded_by_operation) = match (self.attempt_timeout, left) {
            (Some(attempt), Some(left)) if left <= attempt => (Some(left), true),
            (None, Some(left)) => (Some(left), true),
            (attempt, _) => (attempt, false),
        };
        let plan = AttemptPlan {
            number: self.attempts.saturating_add(1),
            timeout,
            deadline: timeout.and_then(|t| now.checked_add(t)),
            bounded_by_operation,
        };
        self.attempts = plan.number;
        self.in_flight = Some(plan);
        Action::Attempt(plan)
    }

    /// Feeds the outcome of the attempt in flight, observed at `now` (`wall` is the wall-clock
    /// time for `Retry-After` dates, `jitter` a sample in `[0, 1)`), and says what comes next.
    ///
    /// A transport timeout reported at or after the attempt's deadline counts as that deadline
    /// firing (a blocking transport told its deadline reports it that way).
    pub fn on_outcome(
        &mut self,
        outcome: &AttemptOutcome<'_>,
        now: Instant,
        wall: SystemTime,
        jitter: f64,
    ) -> Action {
        if let Some(finish) = self.finished {
            return Action::Finish(finish);
        }
        let plan = self.in_flight.take();
        let deadline_fired = plan.is_some_and(|plan| deadline_fired(&plan, outcome, now));
        if deadline_fired && plan.is_some_and(|p| p.bounded_by_operation) {
            return self.operation_timed_out();
        }
        let remaining = self.deadline.map(|d| d.saturating_duration_since(now));
        let outcome = if deadline_fired {
            AttemptOutcome::AttemptTimedOut
        } else {
            *outcome
        };
        match decide(
            self.replay,
            &outcome,
            self.attempts.max(1),
            remaining,
            &self.retry,
            wall,
            jitter,
        ) {
            RetryDecision::RetryAfter(pause) => Action::Pause(pause),
            RetryDecision::Stop(reason) => self.finish(Finish::Deliver(reason)),
        }
    }
}

/// Whether `outcome` of the attempt planned as `plan`, observed at `now`, is that attempt's
/// deadline firing: the one place this is decided, for every driver.
///
/// An async driver that raced the attempt against its timer reports
/// [`AttemptOutcome::AttemptTimedOut`]. A blocking transport, told its time limit, gives up by
/// itself with a timeout error; a timeout error seen at or after the deadline is that deadline
/// firing, except a connect timeout (it says the request never left, which keeps a retry safe).
pub fn deadline_fired(plan: &AttemptPlan, outcome: &AttemptOutcome<'_>, now: Instant) -> bool {
    match outcome {
        AttemptOutcome::AttemptTimedOut => true,
        AttemptOutcome::TransportError(e) => {
            e.is_timeout() && !e.is_connect() && plan.deadline.is_some_and(|d| now >= d)
        }
        AttemptOutcome::Response { .. } => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{TransportError, TransportErrorKind};
    use http::Method;
    use http::StatusCode;
    use proptest::prelude::*;

    const WALL: SystemTime = SystemTime::UNIX_EPOCH;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn status(code: u16) -> AttemptOutcome<'static> {
        AttemptOutcome::Response {
            status: StatusCode::from_u16(code).unwrap(),
            retry_after: None,
        }
    }

    fn attempt(op: &mut Operation, now: Instant) -> AttemptPlan {
        match op.begin_attempt(now) {
            Action::Attempt(plan) => plan,
            other => panic!("expected an attempt, got {other:?}"),
        }
    }

    /// Table: (method, outcomes of successive attempts, expected final action).
    #[test]
    fn decision_table() {
        let io = TransportError::new(TransportErrorKind::Io, "reset");
        let refused = TransportError::new(TransportErrorKind::Connect, "refused");
        let tls = TransportError::new(TransportErrorKind::Tls, "bad cert");
        let deliver = |r| Action::Finish(Finish::Deliver(r));
        let table: Vec<(Method, Vec<AttemptOutcome<'_>>, Action)> = vec![
            (Method::GET, vec![status(200)], deliver(StopReason::Success)),
            (
                Method::GET,
                vec![status(503), status(200)],
                deliver(StopReason::Success),
            ),
            (
                Method::GET,
                vec![status(503), status(502), status(500)],
                deliver(StopReason::AttemptsExhausted),
            ),
            (
                Method::GET,
                vec![status(404)],
                deliver(StopReason::NotRetryable),
            ),
            (
                Method::GET,
                vec![AttemptOutcome::TransportError(&tls)],
                deliver(StopReason::NotRetryable),
            ),
            (
                Method::GET,
                vec![
                    AttemptOutcome::TransportError(&io),
                    AttemptOutcome::AttemptTimedOut,
                    status(201),
                ],
                deliver(StopReason::Success),
            ),
            (
                Method::POST,
                vec![status(503)],
                deliver(StopReason::MayHaveBeenProcessed),
            ),
            (
                Method::POST,
                vec![AttemptOutcome::TransportError(&io)],
                deliver(StopReason::MayHaveBeenProcessed),
            ),
            (
                Method::POST,
                vec![AttemptOutcome::AttemptTimedOut],
                deliver(StopReason::MayHaveBeenProcessed),
            ),
            (
                Method::POST,
                vec![
                    status(429),
                    AttemptOutcome::TransportError(&refused),
                    status(201),
                ],
                deliver(StopReason::Success),
            ),
        ];
        for (method, outcomes, expected) in table {
            let start = Instant::now();
            let mut op = Operation::new(
                &method,
                &RetryConfig::default(),
                &TimeoutConfig::default(),
                start,
            );
            let mut now = start;
            let mut last = None;
            for (i, outcome) in outcomes.iter().enumerate() {
                let plan = attempt(&mut op, now);
                assert_eq!(plan.number as usize, i + 1);
                now += ms(10);
                let action = op.on_outcome(outcome, now, WALL, 0.5);
                if let Action::Pause(p) = action {
                    now += p;
                    assert!(
                        i + 1 < outcomes.len(),
                        "{method} {outcomes:?}: paused after the last"
                    );
                } else {
                    assert_eq!(
                        i + 1,
                        outcomes.len(),
                        "{method} {outcomes:?}: stopped early"
                    );
                }
                last = Some(action);
            }
            assert_eq!(last, Some(expected), "{method} {outcomes:?}");
            assert_eq!(op.finished().map(Action::Finish), Some(expected));
        }
    }

    #[test]
    fn attempt_limit_is_the_shorter_of_attempt_timeout_and_time_left() {
        let start = Instant::now();
        let timeouts = TimeoutConfig::default()
            .with_attempt(Some(ms(300)))
            .with_operation(Some(ms(500)));
        let mut op = Operation::new(&Method::GET, &RetryConfig::default(), &timeouts, start);
        let plan = attempt(&mut op, start);
        assert_eq!(
            (plan.timeout, plan.bounded_by_operation),
            (Some(ms(300)), false)
        );
        assert_eq!(plan.deadline, Some(start + ms(300)));
        // The attempt timed out at 300 ms: retried after a pause, bounded by the 200 ms left.
        let Action::Pause(pause) =
            op.on_outcome(&AttemptOutcome::AttemptTimedOut, start + ms(300), WALL, 0.0)
        else {
            panic!("expected a pause")
        };
        assert_eq!(pause, Duration::ZERO);
        let plan = attempt(&mut op, start + ms(300));
        assert_eq!(
            (plan.timeout, plan.bounded_by_operation),
            (Some(ms(200)), true)
        );
        // Its firing ends the call with an operation timeout.
        assert_eq!(
            op.on_outcome(&AttemptOutcome::AttemptTimedOut, start + ms(500), WALL, 0.0),
            Action::Finish(Finish::OperationTimedOut { timeout: ms(500) })
        );
        assert_eq!(
            op.begin_attempt(start + ms(600)),
            Action::Finish(Finish::OperationTimedOut { timeout: ms(500) })
        );
    }

    #[test]
    fn a_pause_that_overruns_the_deadline_delivers_the_last_failure() {
        let start = Instant::now();
        let timeouts = TimeoutConfig::default().with_operation(Some(ms(500)));
        let mut op = Operation::new(&Method::GET, &RetryConfig::default(), &timeouts, start);
        attempt(&mut op, start);
        let refused = TransportError::new(TransportErrorKind::Connect, "connection refused");
        let Action::Pause(pause) = op.on_outcome(
            &AttemptOutcome::TransportError(&refused),
            start + ms(10),
            WALL,
            1.0,
        ) else {
            panic!("expected a pause")
        };
        assert!(start + ms(10) + pause < start + ms(500));
        // The timer woke late, past the deadline: the refusal is the news, not a timeout.
        assert_eq!(
            op.begin_attempt(start + ms(501)),
            Action::Finish(Finish::Deliver(StopReason::BudgetExhausted))
        );
        assert_eq!(op.attempts(), 1);
    }

    #[test]
    fn a_cap_shortens_the_deadline_and_a_transport_timeout_at_the_deadline_is_the_deadline() {
        let start = Instant::now();
        let mut op = Operation::new(
            &Method::GET,
            &RetryConfig::default(),
            &TimeoutConfig::default(),
            start,
        )
        .with_deadline(start + ms(2000));
        assert_eq!(op.deadline(), Some(start + ms(2000)));
        let plan = attempt(&mut op, start);
        assert_eq!(
            (plan.timeout, plan.bounded_by_operation),
            (Some(ms(2000)), true)
        );
        let timeout = TransportError::new(TransportErrorKind::Timeout, "read timed out");
        assert_eq!(
            op.on_outcome(
                &AttemptOutcome::TransportError(&timeout),
                start + ms(2000),
                WALL,
                0.0
            ),
            Action::Finish(Finish::OperationTimedOut { timeout: ms(2000) })
        );
        // Before the deadline a transport timeout is just a retryable failure.
        let mut op = Operation::new(
            &Method::GET,
            &RetryConfig::default(),
            &TimeoutConfig::default(),
            start,
        );
        attempt(&mut op, start);
        assert!(matches!(
            op.on_outcome(
                &AttemptOutcome::TransportError(&timeout),
                start + ms(5),
                WALL,
                0.0
            ),
            Action::Pause(_)
        ));
    }

    #[test]
    fn no_timeouts_no_deadlines_and_zero_budget_times_out_at_once() {
        let start = Instant::now();
        let mut op = Operation::new(
            &Method::GET,
            &RetryConfig::default(),
            &TimeoutConfig::none(),
            start,
        );
        let plan = attempt(&mut op, start);
        assert_eq!((plan.timeout, plan.deadline), (None, None));
        let zero = TimeoutConfig::none().with_operation(Some(Duration::ZERO));
        let mut op = Operation::new(&Method::GET, &RetryConfig::default(), &zero, start);
        assert_eq!(
            op.begin_attempt(start),
            Action::Finish(Finish::OperationTimedOut {
                timeout: Duration::ZERO
            })
        );
        assert_eq!(op.attempts(), 0);
        // Unrepresentable deadlines are no deadlines, never a panic.
        let huge = TimeoutConfig::none()
            .with_operation(Some(Duration::MAX))
            .with_attempt(Some(Duration::MAX));
        let mut op = Operation::new(&Method::GET, &RetryConfig::default(), &huge, start);
        let plan = attempt(&mut op, start);
        assert_eq!(plan.deadline, None);
    }

    fn any_method() -> impl Strategy<Value = Method> {
        prop_oneof![
            Just(Method::GET),
            Just(Method::PUT),
            Just(Method::DELETE),
            Just(Method::POST),
            Just(Method::PATCH),
        ]
    }

    #[derive(Clone, Debug)]
    enum Sim {
        Status(u16, Option<u64>),
        Error(TransportErrorKind),
        Hang,
    }

    fn any_sim() -> impl Strategy<Value = Sim> {
        prop_oneof![
            (
                prop_oneof![
                    Just(200u16),
                    Just(201),
                    Just(400),
                    Just(429),
                    Just(500),
                    Just(503),
                    Just(504)
                ],
                proptest::option::of(0u64..120)
            )
                .prop_map(|(s, r)| Sim::Status(s, r)),
            prop_oneof![
                Just(TransportErrorKind::Connect),
                Just(TransportErrorKind::Timeout),
                Just(TransportErrorKind::Io),
                Just(TransportErrorKind::Tls),
            ]
            .prop_map(Sim::Error),
            Just(Sim::Hang),
        ]
    }

    fn may_have_been_processed(sim: &Sim) -> bool {
        match sim {
            Sim::Status(code, _) => (500..600).contains(code) || (200..300).contains(code),
            Sim::Error(kind) => *kind != TransportErrorKind::Connect,
            Sim::Hang => true,
        }
    }

    proptest! {
        /// Whole calls driven by a simulated driver that honours each plan's deadline.
        #[test]
        fn calls_keep_the_invariants(
            method in any_method(),
            sims in proptest::collection::vec(any_sim(), 1..16),
            costs in proptest::collection::vec(0u64..40_000, 16),
            max_attempts in 0u32..8,
            attempt_ms in proptest::option::of(1u64..40_000),
            operation_ms in proptest::option::of(0u64..100_000),
            cap_ms in proptest::option::of(0u64..100_000),
            jitter in 0f64..1.0,
        ) {
            let start = Instant::now();
            let retry = RetryConfig::default().with_max_attempts(max_attempts);
            let timeouts = TimeoutConfig::none()
                .with_attempt(attempt_ms.map(ms))
                .with_operation(operation_ms.map(ms));
            let mut op = Operation::new(&method, &retry, &timeouts, start);
            if let Some(cap) = cap_ms {
                op = op.with_deadline(start + ms(cap));
            }
            let deadline = op.deadline();
            let mut now = start;
            let mut made = 0u32;
            let mut previous_may_have_been_processed = false;
            let mut steps = 0;
            loop {
                steps += 1;
                prop_assert!(steps < 100, "no progress");
                match op.begin_attempt(now) {
                    Action::Attempt(plan) => {
                        made += 1;
                        prop_assert_eq!(plan.number, made);
                        prop_assert!(made <= retry.max_attempts());
                        if let Some(d) = deadline {
                            prop_assert!(now < d, "attempt started at the deadline");
                            prop_assert!(plan.deadline.is_some_and(|p| p <= d));
                        }
                        if previous_may_have_been_processed {
                            prop_assert!(crate::classify::is_idempotent(&method), "{method} repeated");
                        }
                        let i = (made - 1) as usize % sims.len();
                        let sim = &sims[i];
                        let cost = ms(costs[i]);
                        let fires = plan.timeout.filter(|t| matches!(sim, Sim::Hang) || cost >= *t);
                        let header;
                        let error;
                        let outcome = match (fires, sim) {
                            (Some(t), _) => { now += t; AttemptOutcome::AttemptTimedOut }
                            // Without a deadline a hang would last forever: model it as a
                            // connection broken after `cost`.
                            (None, Sim::Hang) => {
                                now += cost;
                                error = TransportError::new(TransportErrorKind::Io, "x");
                                AttemptOutcome::TransportError(&error)
                            }
                            (None, Sim::Status(code, retry_after)) => {
                                now += cost;
                                header = retry_after.map(http::HeaderValue::from);
                                AttemptOutcome::Response { status: StatusCode::from_u16(*code).unwrap(), retry_after: header.as_ref() }
                            }
                            (None, Sim::Error(kind)) => {
                                now += cost;
                                error = TransportError::new(*kind, "x");
                                AttemptOutcome::TransportError(&error)
                            }
                        };
                        previous_may_have_been_processed = fires.is_some() || may_have_been_processed(sim);
                        match op.on_outcome(&outcome, now, WALL, jitter) {
                            Action::Pause(p) => {
                                now += p;
                                if let Some(d) = deadline { prop_assert!(now < d, "pause ran to the deadline"); }
                            }
                            Action::Finish(_) => break,
                            Action::Attempt(_) => prop_assert!(false, "on_outcome planned an attempt"),
                        }
                    }
                    Action::Finish(_) => break,
                    Action::Pause(_) => prop_assert!(false, "begin_attempt paused"),
                }
            }
            if let Some(d) = deadline {
                prop_assert!(now <= d, "finished {:?} past the deadline", now - d);
            }
            prop_assert!(op.finished().is_some());
        }
    }
}
