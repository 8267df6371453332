//! Waiting for a session to finish by polling.
//!
//! The schedule and the deadline are glair-core's sans-IO [`PollPlan`]; [`Waiting`] adds what
//! the plan does not know — how a polled session stands ([`judge`]) and the session last seen;
//! [`Wait`] nests the retrieve's [`Call`] in it, and is a [`Machine`] either driver runs.

use std::time::Duration;

use glair_core::{
    Attempt, Call, DispatchError, Instant, Machine, MaybeSend, Next, PollPlan, PollStep,
    SystemTime, UNIX_EPOCH,
};
use glair_types::{EndpointRequest, RetrieveSession, Session, SessionId, SessionKind};

use crate::error::{ConfigError, Error};
use crate::options::Resolved;

/// How [`Sessions::wait`](crate::Sessions::wait) polls.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct WaitOptions {
    /// The first pause between polls (default 2 s).
    pub interval: Duration,
    /// The longest pause between polls (default 15 s); pauses grow by half each poll.
    pub max_interval: Duration,
    /// How long to wait in all before giving up (default 10 minutes).
    pub max_wait: Duration,
}

impl Default for WaitOptions {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(2),
            max_interval: Duration::from_secs(15),
            max_wait: Duration::from_secs(600),
        }
    }
}

impl WaitOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// The first pause between polls.
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// The longest pause between polls.
    pub fn max_interval(mut self, max_interval: Duration) -> Self {
        self.max_interval = max_interval;
        self
    }

    /// How long to wait in all.
    pub fn max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait;
        self
    }
}

/// How a [`Sessions::wait`](crate::Sessions::wait) ended, with the session as last seen.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum WaitOutcome<K: SessionKind> {
    /// The user finished: `result` is set.
    Finished(Session<K>),
    /// The session expired before the user finished.
    Expired(Session<K>),
    /// `max_wait` passed first: the session as last seen (still pending), or `None` when no
    /// poll answered in time (for example a server that accepts and never answers).
    TimedOut(Option<Session<K>>),
}

impl<K: SessionKind> WaitOutcome<K> {
    /// The session as last seen; `None` only for a [`TimedOut`](WaitOutcome::TimedOut) wait
    /// in which no poll answered.
    pub fn session(&self) -> Option<&Session<K>> {
        match self {
            Self::Finished(s) | Self::Expired(s) => Some(s),
            Self::TimedOut(s) => s.as_ref(),
        }
    }

    /// The session as last seen, owned (see [`session`](WaitOutcome::session)).
    pub fn into_session(self) -> Option<Session<K>> {
        match self {
            Self::Finished(s) | Self::Expired(s) => Some(s),
            Self::TimedOut(s) => s,
        }
    }

    /// Whether the user finished.
    pub fn is_finished(&self) -> bool {
        matches!(self, Self::Finished(_))
    }

    /// `finished`, `expired` or `timed_out`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Finished(_) => "finished",
            Self::Expired(_) => "expired",
            Self::TimedOut(_) => "timed_out",
        }
    }
}

/// How one polled session stands. The one place `wait` judges a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Standing {
    Finished,
    Expired,
    /// Still pending; it expires on its own after `expires_in`, if known.
    Pending {
        expires_in: Option<Duration>,
    },
}

/// Judges `session`: expiry by the service's own clock (the response's `Date`) when it said
/// what time it was, else by `now`, the caller's wall clock. The service's clock is the one
/// that ends a session; a client clock that is off must neither end a wait early nor wait on
/// a dead session.
pub(crate) fn judge<K: SessionKind>(session: &Session<K>, now: SystemTime) -> Standing {
    // The models speak std's SystemTime (the same type on native targets).
    let now = glair_core::to_std_system_time(now);
    if session.is_finished() {
        Standing::Finished
    } else if session.is_expired(now) {
        Standing::Expired
    } else {
        Standing::Pending {
            expires_in: session.expires_in().or_else(|| {
                session
                    .expires_at()
                    .and_then(|at| at.duration_since(now).ok())
            }),
        }
    }
}

/// What a wait's driver does next.
#[derive(Debug)]
pub(crate) enum WaitStep<K: SessionKind> {
    /// Poll, giving up at this deadline.
    Poll(Option<Instant>),
    /// Pause this long, then call [`Waiting::begin_poll`].
    Pause(Duration),
    /// The wait is over.
    Done(Result<WaitOutcome<K>, Error>),
}

/// One wait's state: the plan, the session last seen and the last poll's failure. No I/O, no
/// clock.
#[derive(Debug)]
pub(crate) struct Waiting<K: SessionKind> {
    plan: PollPlan,
    started: Instant,
    last_seen: Option<Session<K>>,
    last_failure: Option<Error>,
}

/// How a wait is going, reported after each poll that leaves it waiting (see
/// [`Sessions::wait_with_progress`](crate::Sessions::wait_with_progress)).
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct WaitProgress {
    /// Polls made so far.
    pub polls: u32,
    /// Time since the wait began.
    pub elapsed: Duration,
    /// The session's status as last seen (`None` until a poll answers).
    pub status: Option<glair_types::SessionStatus>,
    /// Why the last poll failed, when it did (a transient failure; the wait goes on).
    pub failure: Option<String>,
}

impl<K: SessionKind> Waiting<K> {
    pub(crate) fn new(options: &WaitOptions, now: Instant) -> Self {
        Self {
            plan: PollPlan::new(
                options.interval,
                options.max_interval,
                options.max_wait,
                now,
            ),
            started: now,
            last_seen: None,
            last_failure: None,
        }
    }

    /// How the wait is going at `now`.
    pub(crate) fn progress(&self, now: Instant) -> WaitProgress {
        WaitProgress {
            polls: self.plan.polls(),
            elapsed: now.saturating_duration_since(self.started),
            status: self.last_seen.as_ref().map(|s| s.status.clone()),
            failure: self.last_failure.as_ref().map(ToString::to_string),
        }
    }

    /// The deadline passed. If the last poll failed for a reason other than time running out
    /// (a refused connection, a 503), that failure is the news and is returned; otherwise the
    /// wait timed out, with the session as last seen.
    fn timed_out(&mut self) -> WaitStep<K> {
        match self.last_failure.take() {
            Some(failure) if !failure.is_timeout() => WaitStep::Done(Err(failure)),
            _ => WaitStep::Done(Ok(WaitOutcome::TimedOut(self.last_seen.take()))),
        }
    }

    pub(crate) fn begin_poll(&mut self, now: Instant) -> WaitStep<K> {
        match self.plan.begin_poll(now) {
            PollStep::Poll { deadline } => WaitStep::Poll(deadline),
            _ => self.timed_out(),
        }
    }

    /// Feeds a poll's result, observed at `now` (monotonic) and `wall` (for expiry).
    pub(crate) fn on_poll(
        &mut self,
        polled: Result<Session<K>, Error>,
        now: Instant,
        wall: SystemTime,
    ) -> WaitStep<K> {
        let step = match polled {
            Ok(session) => {
                self.last_failure = None;
                match judge(&session, wall) {
                    Standing::Finished => {
                        return WaitStep::Done(Ok(WaitOutcome::Finished(session)));
                    }
                    Standing::Expired => return WaitStep::Done(Ok(WaitOutcome::Expired(session))),
                    Standing::Pending { expires_in } => {
                        tracing::trace!(poll = self.plan.polls(), status = %session.status, "session pending");
                        self.last_seen = Some(session);
                        self.plan.on_pending(now, expires_in)
                    }
                }
            }
            Err(e) if e.is_retryable() => {
                tracing::debug!(poll = self.plan.polls(), error = %e, "poll failed; will poll again");
                // A poll cut short by the deadline tells nothing new: a failure seen before it
                // (a refused connection) stays the news.
                let keep_earlier =
                    e.is_timeout() && self.last_failure.as_ref().is_some_and(|f| !f.is_timeout());
                if !keep_earlier {
                    self.last_failure = Some(e);
                }
                self.plan.on_transient_failure(now)
            }
            Err(e) => return WaitStep::Done(Err(e)),
        };
        match step {
            PollStep::Pause(pause) => WaitStep::Pause(pause),
            _ => self.timed_out(),
        }
    }
}

/// The progress callback a [`Wait`] holds: `Send` on native targets, so that the wait's future
/// is, and not on wasm32 ([`MaybeSend`]), where the client's futures are not `Send` anyway.
pub(crate) trait OnPoll: FnMut(&WaitProgress) + MaybeSend {}

impl<F: FnMut(&WaitProgress) + MaybeSend + ?Sized> OnPoll for F {}

/// A wait as a sans-IO [`Machine`]: the polling plan and `max_wait` ([`Waiting`]) around one
/// nested [`Call`] — the retrieve, built once and restarted for each poll with the poll's
/// deadline. Either driver runs it, as it runs a single call.
pub(crate) struct Wait<'a, K: SessionKind> {
    waiting: Waiting<K>,
    request: RetrieveSession<K>,
    call: Call,
    state: WaitState<K>,
    on_poll: &'a mut dyn OnPoll,
}

enum WaitState<K: SessionKind> {
    /// Ask the plan whether to poll.
    Ready,
    /// Sleep this long, then ask the plan.
    Pause(Duration),
    /// The retrieve of one poll is under way.
    Polling,
    /// Over.
    Done(Result<WaitOutcome<K>, Error>),
}

impl<'a, K: SessionKind> Wait<'a, K> {
    /// A wait for session `sid` with `resolved` settings and `options`, starting at `now`;
    /// `on_poll` is told how it goes after each poll that leaves it waiting.
    pub(crate) fn new(
        sid: SessionId,
        resolved: &Resolved,
        options: &WaitOptions,
        now: Instant,
        on_poll: &'a mut dyn OnPoll,
    ) -> Result<Self, Error> {
        let request = RetrieveSession::<K>::new(sid);
        let http_request = request.to_http_request(&resolved.config, &resolved.credentials)?;
        let call = Call::new(
            http_request,
            crate::call::replay::<RetrieveSession<K>>(),
            &resolved.retry,
            &resolved.timeouts,
            now,
        );
        Ok(Self {
            waiting: Waiting::new(options, now),
            request,
            call,
            state: WaitState::Ready,
            on_poll,
        })
    }

    /// The poll's call is over: judge what it brought, at `now` (`wall` for expiry).
    fn on_poll_done(&mut self, now: Instant, wall: SystemTime) {
        let polled = match self.call.take_result() {
            Ok(response) => self.request.decode_value(&response).map_err(Error::from),
            Err(e) => Err(e.into()),
        };
        self.state = match self.waiting.on_poll(polled, now, wall) {
            WaitStep::Pause(pause) => {
                (self.on_poll)(&self.waiting.progress(now));
                WaitState::Pause(pause)
            }
            WaitStep::Poll(_) => WaitState::Ready,
            WaitStep::Done(outcome) => WaitState::Done(outcome),
        };
    }
}

impl<K: SessionKind> Machine for Wait<'_, K> {
    type Output = Result<WaitOutcome<K>, Error>;

    fn needs_timer(&self) -> bool {
        // The pauses between polls.
        true
    }

    fn refuse(&mut self, error: DispatchError) {
        self.state = WaitState::Done(Err(match error {
            DispatchError::MissingSleep => ConfigError::MissingTimer { needed_for: "wait" }.into(),
            other => other.into(),
        }));
    }

    fn request(&mut self) -> Option<http::Request<bytes::Bytes>> {
        // The call keeps its request: every poll sends a copy of it.
        self.call.request()
    }

    fn next(&mut self, now: Instant) -> Next {
        loop {
            match self.state {
                WaitState::Done(_) => return Next::Done,
                WaitState::Pause(pause) => {
                    self.state = WaitState::Ready;
                    return Next::Sleep(pause);
                }
                WaitState::Ready => match self.waiting.begin_poll(now) {
                    WaitStep::Poll(deadline) => {
                        self.call.restart(now, deadline);
                        self.state = WaitState::Polling;
                    }
                    WaitStep::Pause(pause) => return Next::Sleep(pause),
                    WaitStep::Done(outcome) => self.state = WaitState::Done(outcome),
                },
                WaitState::Polling => match self.call.next(now) {
                    // Done without an attempt's outcome: no attempt could start in time, a
                    // failure, so the wall-clock time is not needed to judge it.
                    Next::Done => self.on_poll_done(now, UNIX_EPOCH),
                    next => return next,
                },
            }
        }
    }

    fn on_attempt(&mut self, attempt: Attempt, now: Instant, wall: SystemTime, jitter: f64) {
        if !matches!(self.state, WaitState::Polling) {
            return;
        }
        self.call.on_attempt(attempt, now, wall, jitter);
        if self.call.is_done() {
            self.on_poll_done(now, wall);
        }
    }

    fn finish(self) -> Self::Output {
        match self.state {
            WaitState::Done(outcome) => outcome,
            // Asked before the end: the wait was cut short with nothing to show.
            _ => Ok(WaitOutcome::TimedOut(None)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use glair_core::{TransportError, TransportErrorKind};
    use glair_types::PassiveLiveness;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn refused() -> Error {
        Error::Transport {
            source: TransportError::new(TransportErrorKind::Connect, "connection refused"),
            attempts: 1,
        }
    }

    fn cut_short() -> Error {
        Error::Timeout {
            scope: crate::error::TimeoutScope::Operation,
            after: ms(1),
            attempts: 1,
        }
    }

    fn waiting(start: Instant) -> Waiting<PassiveLiveness> {
        let options = WaitOptions::new().interval(ms(20)).max_wait(ms(200));
        Waiting::new(&options, start)
    }

    #[test]
    fn a_wait_ending_while_polls_fail_reports_the_failure_not_a_timeout() {
        let start = Instant::now();
        let wall = UNIX_EPOCH;
        let mut w = waiting(start);
        assert!(matches!(w.begin_poll(start), WaitStep::Poll(_)));
        assert!(matches!(
            w.on_poll(Err(refused()), start + ms(150), wall),
            WaitStep::Pause(_)
        ));
        assert!(matches!(w.begin_poll(start + ms(199)), WaitStep::Poll(_)));
        // The last poll was cut short by the deadline: the refusal is still what is reported.
        match w.on_poll(Err(cut_short()), start + ms(200), wall) {
            WaitStep::Done(Err(e)) => assert!(!e.is_timeout(), "{e}"),
            other => panic!("expected the refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_wait_whose_polls_only_time_out_times_out() {
        let start = Instant::now();
        let wall = UNIX_EPOCH;
        let mut w = waiting(start);
        assert!(matches!(w.begin_poll(start), WaitStep::Poll(_)));
        assert!(matches!(
            w.on_poll(Err(cut_short()), start + ms(200), wall),
            WaitStep::Done(Ok(WaitOutcome::TimedOut(None)))
        ));
    }

    /// A script entry: what one attempt of a poll gets, and after how long.
    #[derive(Clone, Copy, Debug)]
    enum Answer {
        Pending(u64),
        Busy(u64),
        Refused(u64),
        Hang,
    }

    fn answer() -> impl proptest::strategy::Strategy<Value = Answer> {
        use proptest::prelude::*;
        prop_oneof![
            (0u64..300).prop_map(Answer::Pending),
            (0u64..300).prop_map(Answer::Busy),
            (0u64..300).prop_map(Answer::Refused),
            Just(Answer::Hang),
        ]
    }

    const SID: &str = "Ab3dEf9hIj1kLm5nOp7qRs2tUv4wXy6z";
    const WALL_SECS: u64 = 1_700_000_000;

    fn reply(status: u16, body: String) -> Attempt {
        let mut response = http::Response::new(bytes::Bytes::from(body));
        *response.status_mut() = http::StatusCode::from_u16(status).unwrap();
        Attempt::Response(response)
    }

    fn pending_json() -> String {
        let expired_ms = (WALL_SECS + 86_400) * 1000;
        format!(
            r#"{{"status":"PENDING","expired":{expired_ms},"url":"https://vision.glair.ai/passive-liveness/{SID}","success_url":"https://app.example/done","cancel_url":"https://app.example/cancel","result":null}}"#
        )
    }

    proptest::proptest! {
        /// The Wait machine, driven as a driver would (a hung attempt given up at its
        /// deadline), never runs past `max_wait`, and ends as its polls say.
        #[test]
        fn a_wait_never_passes_max_wait(
            script in proptest::collection::vec(answer(), 0..20),
            max_wait_ms in 1u64..3_000,
            interval_ms in 1u64..400,
        ) {
            use glair_core::{RetryConfig, TimeoutConfig};
            let resolved = Resolved {
                config: glair_types::ApiConfig::default(),
                credentials: glair_types::Credentials::new("key", "user", "pass").unwrap(),
                retry: RetryConfig::default(),
                timeouts: TimeoutConfig::default(),
            };
            let options = WaitOptions::new().interval(ms(interval_ms)).max_wait(ms(max_wait_ms));
            let start = Instant::now();
            let wall = UNIX_EPOCH + Duration::from_secs(WALL_SECS);
            let mut on_poll = |_: &WaitProgress| {};
            let mut wait = Wait::<PassiveLiveness>::new(
                SessionId::new(SID).unwrap(),
                &resolved,
                &options,
                start,
                &mut on_poll,
            )
            .unwrap();
            let mut script = script.into_iter();
            let mut now = start;
            let mut sends = 0u32;
            loop {
                match wait.next(now) {
                    Next::Send(plan) => {
                        sends += 1;
                        let (attempt, took) = match script.next().unwrap_or(Answer::Hang) {
                            Answer::Pending(t) => (reply(200, pending_json()), t),
                            Answer::Busy(t) => (reply(503, "{}".to_owned()), t),
                            Answer::Refused(t) => (
                                Attempt::Failed(glair_core::TransportError::new(
                                    glair_core::TransportErrorKind::Connect,
                                    "refused",
                                )),
                                t,
                            ),
                            Answer::Hang => (Attempt::TimedOut, u64::MAX / 4),
                        };
                        let deadline = plan.deadline.expect("a wait bounds every attempt");
                        let (attempt, at) = match now.checked_add(ms(took)) {
                            Some(at) if at < deadline => (attempt, at),
                            _ => (Attempt::TimedOut, deadline),
                        };
                        now = at;
                        wait.on_attempt(attempt, now, wall, 0.5);
                    }
                    Next::Sleep(pause) => now += pause,
                    Next::Done => break,
                    other => panic!("unexpected {other:?}"),
                }
            }
            proptest::prop_assert!(now <= start + ms(max_wait_ms));
            proptest::prop_assert!(sends >= 1);
            let outcome = wait.finish();
            proptest::prop_assert!(
                !matches!(outcome, Ok(WaitOutcome::Finished(_)) | Ok(WaitOutcome::Expired(_))),
                "{outcome:?}"
            );
        }
    }
}
