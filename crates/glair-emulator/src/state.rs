//! The state shared by all connections of one emulator.

use tokio::sync::watch;

use crate::auth::Credentials;
use crate::clock::Clock;
use crate::config::Outcome;
use crate::faults::Faults;
use crate::ids::IdGen;
use crate::kinds::Kind;
use crate::limits::Limits;
use crate::stats::{Counters, Stats};
use crate::store::{SWEEP_INTERVAL, Session, Store, StoreFull};
use serde_json::{Map, Value};

/// Everything a request handler needs.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) credentials: Credentials,
    pub(crate) outcome: Outcome,
    /// Base of the sessions' `url`, without a trailing `/`.
    pub(crate) public_base: String,
    /// How long new sessions live, in milliseconds.
    pub(crate) session_lifetime_ms: u64,
    pub(crate) clock: Clock,
    pub(crate) store: Store,
    pub(crate) faults: Faults,
    /// The default outcome of each Vision endpoint.
    pub(crate) vision_outcomes: crate::vision::outcomes::Outcomes,
    pub(crate) stats: Counters,
    pub(crate) ids: IdGen,
    pub(crate) limits: Limits,
    /// Becomes `true` when the server shuts down.
    pub(crate) shutdown: watch::Receiver<bool>,
}

impl State {
    /// Resolves when the server starts shutting down (or its handle is gone).
    pub(crate) async fn shutting_down(&self) {
        let mut rx = self.shutdown.clone();
        let _ = rx.wait_for(|stop| *stop).await;
    }

    /// The counters, with the store's figures.
    pub(crate) fn stats(&self) -> Stats {
        let mut stats = self.stats.snapshot();
        stats.sessions_stored = u64::try_from(self.store.len()).unwrap_or(u64::MAX);
        stats.sessions_evicted = self.store.evicted();
        stats
    }

    /// Create a pending session of `kind` (the API's create and the index page's demo share
    /// this); returns its sid and its session object as JSON, counted in the stats.
    pub(crate) fn create_session(
        &self,
        kind: &'static Kind,
        success_url: &str,
        cancel_url: Option<&str>,
        extras: &Map<String, Value>,
        demo: bool,
    ) -> Result<(String, Vec<u8>), StoreFull> {
        let now = self.clock.now_ms();
        let expired = now.saturating_add(self.session_lifetime_ms);
        let created = self.store.create(&self.ids, now, |sid| Session {
            kind,
            url: format!("{}/{}/{}", self.public_base, kind.page, sid),
            success_url: success_url.to_owned(),
            cancel_url: cancel_url.map(str::to_owned),
            extras: extras.clone(),
            expired,
            result: None,
            demo,
        })?;
        self.stats.session_created(kind);
        Ok(created)
    }

    /// Move the clock forward by `ms` and evict what that expired; returns the new now, or
    /// refuses an advance past the clock's end (year 9999) without moving it.
    pub(crate) fn advance_clock(&self, ms: u64) -> Result<u64, crate::clock::PastTheEnd> {
        let now = self.clock.advance(ms)?;
        self.store.sweep(now);
        Ok(now)
    }

    /// Like [`State::advance_clock`], but an advance past the end stops the clock there.
    pub(crate) fn advance_clock_clamped(&self, ms: u64) -> u64 {
        let now = self.clock.advance_clamped(ms);
        self.store.sweep(now);
        now
    }
}

/// Sweep expired sessions out every [`SWEEP_INTERVAL`] until the server shuts down, so that
/// memory returns to idle without any request arriving.
pub(crate) async fn sweep_periodically(state: std::sync::Arc<State>) {
    let mut ticks = tokio::time::interval(SWEEP_INTERVAL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticks.tick() => state.store.sweep(state.clock.now_ms()),
            () = state.shutting_down() => return,
        }
    }
}
