//! Closing idle connections: one mechanism for every kind of connection (HTTP/1.1 plain or
//! over TLS, HTTP/2 over TLS).
//!
//! hyper's HTTP/1.1 server has a header-read timeout but its HTTP/2 server has no idle
//! timeout at all: a client that sends the preface and SETTINGS and then nothing held its
//! connection, and its slot under `--max-connections`, for good. So every connection's service
//! counts its requests in flight, and the connection task closes the connection (gracefully:
//! a response being written is finished) once none has been in flight for the idle timeout.
//! That covers a silent HTTP/2 client, an HTTP/1.1 client between requests, and one that never
//! finishes a request's headers (hyper calls the service only once they are complete).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use tokio::time::Instant;

/// The requests in flight on one connection and when the last one ended.
#[derive(Debug)]
pub(crate) struct Activity {
    start: Instant,
    in_flight: AtomicUsize,
    /// When the connection last became idle, in milliseconds since `start`.
    idle_since_ms: AtomicU64,
}

impl Activity {
    /// A connection that is idle from now.
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Activity {
            start: Instant::now(),
            in_flight: AtomicUsize::new(0),
            idle_since_ms: AtomicU64::new(0),
        })
    }

    /// Marks a request in flight until the returned guard is dropped.
    pub(crate) fn begin(self: &Arc<Self>) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        InFlight(Arc::clone(self))
    }

    fn elapsed_ms(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// How long the connection has been idle; `None` while a request is in flight.
    fn idle_for(&self) -> Option<Duration> {
        if self.in_flight.load(Ordering::Acquire) > 0 {
            return None;
        }
        let since = self.idle_since_ms.load(Ordering::Acquire);
        Some(Duration::from_millis(
            self.elapsed_ms().saturating_sub(since),
        ))
    }

    /// Resolves once the connection has been idle for `timeout` without a break.
    pub(crate) async fn idle_for_at_least(&self, timeout: Duration) {
        loop {
            let wait = match self.idle_for() {
                Some(idle) if idle >= timeout => return,
                Some(idle) => timeout - idle,
                None => timeout,
            };
            tokio::time::sleep(wait).await;
        }
    }
}

/// A request in flight (see [`Activity::begin`]).
#[derive(Debug)]
pub(crate) struct InFlight(Arc<Activity>);

impl Drop for InFlight {
    fn drop(&mut self) {
        let activity = &self.0;
        activity
            .idle_since_ms
            .store(activity.elapsed_ms(), Ordering::Release);
        activity.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn idle_means_no_request_in_flight_for_the_whole_timeout() {
        let activity = Activity::new();
        let timeout = Duration::from_secs(30);
        tokio::time::advance(Duration::from_secs(10)).await;
        let request = activity.begin();
        assert_eq!(activity.idle_for(), None);
        // A long request keeps the connection busy past the timeout.
        tokio::time::advance(Duration::from_secs(60)).await;
        assert_eq!(activity.idle_for(), None);
        drop(request);
        assert_eq!(activity.idle_for(), Some(Duration::ZERO));
        let started = Instant::now();
        activity.idle_for_at_least(timeout).await;
        assert_eq!(started.elapsed(), timeout);
    }
}
