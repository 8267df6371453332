//! Waiting for a session to finish by polling.

use std::time::Duration;

use glair_core::Clock as _;
use glair_core::Sleep as _;
use glair_types::{Session, SessionId, SessionKind};

use crate::error::Error;
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
    /// `max_wait` passed; the session is still pending.
    TimedOut(Session<K>),
}

impl<K: SessionKind> WaitOutcome<K> {
    /// The session as last seen.
    pub fn session(&self) -> &Session<K> {
        match self {
            Self::Finished(s) | Self::Expired(s) | Self::TimedOut(s) => s,
        }
    }

    /// The session as last seen, owned.
    pub fn into_session(self) -> Session<K> {
        match self {
            Self::Finished(s) | Self::Expired(s) | Self::TimedOut(s) => s,
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

pub(crate) async fn wait_for<K: SessionKind>(
    sessions: &Sessions<K>,
    sid: &SessionId,
    options: &WaitOptions,
) -> Result<WaitOutcome<K>, Error> {
    let dispatcher = sessions.client().dispatcher();
    if !dispatcher.has_timer() {
        return Err(Error::Config(
            "wait needs a timer to pause between polls: pass one with ClientBuilder::sleep \
             (or enable the `hyper` feature)"
                .into(),
        ));
    }
    let clock = dispatcher.clock();
    let sleep = dispatcher.sleep();
    let started = clock.now();
    let mut interval = options.interval.max(Duration::from_millis(1));
    let mut polls: u32 = 0;
    loop {
        polls += 1;
        let retrieved = sessions.retrieve(sid).await;
        let elapsed = clock.now().saturating_duration_since(started);
        let session = match retrieved {
            Ok(session) => session,
            Err(e) if e.is_retryable() && elapsed < options.max_wait => {
                tracing::debug!(poll = polls, error = %e, "poll failed; will poll again");
                let pause = interval.min(options.max_wait - elapsed);
                sleep.sleep(pause).await;
                interval = next_interval(interval, options.max_interval);
                continue;
            }
            Err(e) => return Err(e),
        };
        if session.is_finished() {
            return Ok(WaitOutcome::Finished(session));
        }
        let now = clock.system_now();
        // Expiry by the service's clock (its Date header) when it said, else by ours.
        if session.has_expired(now) {
            return Ok(WaitOutcome::Expired(session));
        }
        if elapsed >= options.max_wait {
            return Ok(WaitOutcome::TimedOut(session));
        }
        // Never sleep past the deadline or (by more than a moment) past the expiry.
        let mut pause = interval.min(options.max_wait - elapsed);
        let until_expiry = session.expires_in().or_else(|| {
            session
                .expires_at()
                .and_then(|at| at.duration_since(now).ok())
        });
        if let Some(until_expiry) = until_expiry {
            pause = pause.min(until_expiry + Duration::from_millis(1));
        }
        tracing::trace!(poll = polls, ?pause, status = %session.status, "session pending");
        sleep.sleep(pause).await;
        interval = next_interval(interval, options.max_interval);
    }
}

fn next_interval(current: Duration, max: Duration) -> Duration {
    (current + current / 2).min(max.max(current))
}
