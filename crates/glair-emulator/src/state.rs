//! The state shared by all connections of one emulator.

use tokio::sync::watch;

use crate::auth::Credentials;
use crate::clock::Clock;
use crate::config::Outcome;
use crate::faults::Faults;
use crate::ids::IdGen;
use crate::stats::Counters;
use crate::store::Store;

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
    /// Becomes `true` when the server shuts down.
    pub(crate) shutdown: watch::Receiver<bool>,
}

impl State {
    /// Resolves when the server starts shutting down (or its handle is gone).
    pub(crate) async fn shutting_down(&self) {
        let mut rx = self.shutdown.clone();
        let _ = rx.wait_for(|stop| *stop).await;
    }
}
