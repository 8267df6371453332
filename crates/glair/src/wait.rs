//! Waiting for a session to finish by polling.
//!
//! The schedule and the deadline are glair-core's sans-IO [`PollPlan`]; [`Waiting`] adds what
//! the plan does not know — how a polled session stands ([`judge`]) and the session last seen
//! — and both drivers (the async [`wait_for`] here, the blocking client's) loop over it.

use std::time::{Duration, SystemTime};

use glair_core::{Clock as _, PollPlan, PollStep, Sleep as _};
use glair_types::{Session, SessionId, SessionKind};
use web_time::Instant;

use crate::error::{ConfigError, Error};
use crate::sessions::Sessions;

/// How [`Sessions::wait`] polls.
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

/// How a [`Sessions::wait`] ended, with the session as last seen.
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
    if session.is_finished() {
        Standing::Finished
    } else if session.has_expired(now) {
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

/// The async driver of a wait.
pub(crate) async fn wait_for<K: SessionKind>(
    sessions: &Sessions<K>,
    sid: &SessionId,
    options: &WaitOptions,
    on_poll: &mut impl FnMut(&WaitProgress),
) -> Result<WaitOutcome<K>, Error> {
    let dispatcher = sessions.client().dispatcher();
    if !dispatcher.has_timer() {
        return Err(ConfigError::MissingTimer { needed_for: "wait" }.into());
    }
    let clock = dispatcher.clock();
    let mut waiting = Waiting::new(options, clock.now());
    let mut step = waiting.begin_poll(clock.now());
    loop {
        step = match step {
            WaitStep::Poll(deadline) => {
                let polled = sessions.retrieve_before(sid, deadline).await;
                let now = clock.now();
                let step = waiting.on_poll(polled, now, clock.system_now());
                if matches!(step, WaitStep::Pause(_)) {
                    on_poll(&waiting.progress(now));
                }
                step
            }
            WaitStep::Pause(pause) => {
                dispatcher.sleep().sleep(pause).await;
                waiting.begin_poll(clock.now())
            }
            WaitStep::Done(outcome) => return outcome,
        };
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
        let wall = SystemTime::UNIX_EPOCH;
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
        let wall = SystemTime::UNIX_EPOCH;
        let mut w = waiting(start);
        assert!(matches!(w.begin_poll(start), WaitStep::Poll(_)));
        assert!(matches!(
            w.on_poll(Err(cut_short()), start + ms(200), wall),
            WaitStep::Done(Ok(WaitOutcome::TimedOut(None)))
        ));
    }
}
