//! The state shared by all connections of one emulator.

use tokio::sync::watch;

use crate::auth::Credentials;
use crate::clock::Clock;
use crate::config::Outcome;
use crate::faults::Faults;
use crate::ids::IdGen;
use crate::limits::Limits;
use crate::stats::{Counters, Stats};
use crate::store::{SWEEP_INTERVAL, Store};

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

    /// Move the clock forward by `ms` and evict what that expired; returns the new now.
    pub(crate) fn advance_clock(&self, ms: u64) -> u64 {
        let now = self.clock.advance(ms);
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
