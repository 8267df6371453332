//! Injected time: [`Sleep`] for waiting and [`Clock`] for reading the time, so that retries,
//! backoff and timeouts can be tested without real waits (see `FakeTime` with the `mock`
//! feature).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

// `web_time::Instant` is `std::time::Instant` on native targets; on wasm32 it reads
// `performance.now()`, where std's `Instant::now()` panics.
use web_time::Instant;

use crate::maybe_send::{BoxFuture, MaybeSend, MaybeSync};

/// A future returned by [`Sleep::sleep`] (`Send` except on wasm32).
pub type SleepFuture = BoxFuture<'static, ()>;

/// Waits for a duration. The dispatcher uses it for retry delays and for racing attempts against
/// timeouts.
pub trait Sleep: MaybeSend + MaybeSync + fmt::Debug {
    /// Returns a future that completes after `duration`.
    ///
    /// Fake timers (such as `FakeTime`) should advance their clock only when the future is
    /// polled, because the dispatcher may create a timeout future and drop it unpolled.
    fn sleep(&self, duration: Duration) -> SleepFuture;

    /// Whether this timer works where it is called from (default: always). A timer bound to
    /// a runtime answers false outside it; drivers check this before relying on the timer and
    /// fail with a clear error instead of waiting forever.
    fn is_available(&self) -> bool {
        true
    }
}

/// Reads the time.
pub trait Clock: MaybeSend + MaybeSync + fmt::Debug {
    /// Monotonic time, for deadlines.
    fn now(&self) -> Instant;
    /// Wall-clock time, for HTTP dates (such as `Retry-After`).
    fn system_now(&self) -> SystemTime;
}

/// The real clock ([`Instant::now`] and [`SystemTime::now`]; on wasm32, where std's panic,
/// JavaScript's `performance.now()` and `Date.now()` through `web-time`).
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn system_now(&self) -> SystemTime {
        crate::js_time::system_now()
    }
}

/// The default timer of the hyper transport's clients, for tokio runtimes.
///
/// It sleeps on the transport's one process-wide timer thread, not on tokio's time driver: a
/// tokio runtime built without `enable_time()` would make `tokio::time::sleep` panic, and
/// this works on it all the same. That thread is woken only when a timer is due, not when one
/// is set or cancelled (so racing every attempt against its timeout costs no thread
/// wake-up). No timer ever starts a thread of its own.
///
/// tokio's paused test clock (`start_paused`, `tokio::time::pause`) does not drive it: to
/// test retries and waits without waiting, give the client `FakeTime` (feature `mock`).
///
/// It is [available](Sleep::is_available) only inside a tokio runtime, because the hyper
/// transport it goes with needs one; outside a runtime the dispatcher fails a call that
/// needs a timer with [`DispatchError::MissingSleep`](crate::DispatchError::MissingSleep)
/// instead of waiting. For a program without an async runtime, use the blocking driver
/// (`BlockingDispatcher`, feature `blocking`; `glair::blocking::Client`) or pass your
/// executor's own [`Sleep`].
#[cfg(feature = "hyper")]
#[cfg_attr(docsrs, doc(cfg(feature = "hyper")))]
#[derive(Clone, Copy, Debug, Default)]
pub struct TokioSleep;

#[cfg(feature = "hyper")]
impl Sleep for TokioSleep {
    fn sleep(&self, duration: Duration) -> SleepFuture {
        Box::pin(crate::timer_thread::Sleep::new(duration))
    }

    fn is_available(&self) -> bool {
        tokio::runtime::Handle::try_current().is_ok() && crate::timer_thread::available()
    }
}

/// A shareable [`Sleep`].
#[derive(Clone, Debug)]
pub struct SharedSleep(Arc<dyn Sleep>);

impl SharedSleep {
    /// Wraps a sleep implementation.
    pub fn new(sleep: impl Sleep + 'static) -> Self {
        Self(Arc::new(sleep))
    }
}

impl From<Arc<dyn Sleep>> for SharedSleep {
    fn from(sleep: Arc<dyn Sleep>) -> Self {
        Self(sleep)
    }
}

impl Sleep for SharedSleep {
    fn sleep(&self, duration: Duration) -> SleepFuture {
        self.0.sleep(duration)
    }

    fn is_available(&self) -> bool {
        self.0.is_available()
    }
}

/// A shareable [`Clock`].
#[derive(Clone, Debug)]
pub struct SharedClock(Arc<dyn Clock>);

impl SharedClock {
    /// Wraps a clock implementation.
    pub fn new(clock: impl Clock + 'static) -> Self {
        Self(Arc::new(clock))
    }
}

impl Default for SharedClock {
    fn default() -> Self {
        Self::new(SystemClock)
    }
}

impl From<Arc<dyn Clock>> for SharedClock {
    fn from(clock: Arc<dyn Clock>) -> Self {
        Self(clock)
    }
}

impl Clock for SharedClock {
    fn now(&self) -> Instant {
        self.0.now()
    }

    fn system_now(&self) -> SystemTime {
        self.0.system_now()
    }
}

#[cfg(feature = "mock")]
pub use fake::FakeTime;

#[cfg(feature = "mock")]
mod fake {
    use super::{Clock, Sleep, SleepFuture};
    use std::sync::{Arc, Mutex, MutexGuard};
    use std::time::{Duration, SystemTime};
    use web_time::Instant;

    /// Fake time for tests: implements both [`Sleep`] and [`Clock`].
    ///
    /// Sleeping never waits: when a sleep future is first polled it advances this clock by its
    /// duration, records the duration and completes. Clones share the same state.
    ///
    /// Because a sleep completes on its first poll, a timeout raced against a transport that is
    /// not ready on its first poll fires at once; use `FakeTime` with
    /// [`MockTransport`](crate::MockTransport) (whose replies are immediate or never come), and
    /// real time ([`TokioSleep`](crate::TokioSleep)) with real network transports.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use glair_core::{Clock, FakeTime, Sleep};
    ///
    /// let time = FakeTime::new(SystemTime::UNIX_EPOCH);
    /// let start = time.now();
    /// pollster::block_on(time.sleep(Duration::from_secs(5)));
    /// time.advance(Duration::from_secs(1));
    /// assert_eq!(time.now() - start, Duration::from_secs(6));
    /// assert_eq!(time.system_now(), SystemTime::UNIX_EPOCH + Duration::from_secs(6));
    /// assert_eq!(time.slept(), vec![Duration::from_secs(5)]);
    /// ```
    #[derive(Clone, Debug)]
    pub struct FakeTime {
        state: Arc<Mutex<State>>,
    }

    #[derive(Debug)]
    struct State {
        base_instant: Instant,
        base_system: SystemTime,
        elapsed: Duration,
        slept: Vec<Duration>,
    }

    impl FakeTime {
        /// Fake time starting at the wall-clock instant `start`.
        pub fn new(start: SystemTime) -> Self {
            Self {
                state: Arc::new(Mutex::new(State {
                    base_instant: Instant::now(),
                    base_system: start,
                    elapsed: Duration::ZERO,
                    slept: Vec::new(),
                })),
            }
        }

        fn lock(&self) -> MutexGuard<'_, State> {
            self.state
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
        }

        /// Moves the clock forward without recording a sleep.
        pub fn advance(&self, duration: Duration) {
            let mut state = self.lock();
            state.elapsed = state.elapsed.saturating_add(duration);
        }

        /// Every completed sleep's duration, in order.
        pub fn slept(&self) -> Vec<Duration> {
            self.lock().slept.clone()
        }

        /// The sum of all completed sleeps.
        pub fn total_slept(&self) -> Duration {
            self.lock()
                .slept
                .iter()
                .fold(Duration::ZERO, |acc, d| acc.saturating_add(*d))
        }

        /// How far the clock has moved since creation (sleeps and [`advance`](Self::advance)).
        pub fn elapsed(&self) -> Duration {
            self.lock().elapsed
        }
    }

    impl Sleep for FakeTime {
        fn sleep(&self, duration: Duration) -> SleepFuture {
            let this = self.clone();
            // An async block does nothing until polled: the clock moves on the first poll only.
            Box::pin(async move {
                let mut state = this.lock();
                state.elapsed = state.elapsed.saturating_add(duration);
                state.slept.push(duration);
            })
        }
    }

    #[cfg(feature = "blocking")]
    impl crate::blocking::BlockingSleep for FakeTime {
        fn sleep(&self, duration: Duration) {
            let mut state = self.lock();
            state.elapsed = state.elapsed.saturating_add(duration);
            state.slept.push(duration);
        }
    }

    impl Clock for FakeTime {
        fn now(&self) -> Instant {
            let state = self.lock();
            state
                .base_instant
                .checked_add(state.elapsed)
                .unwrap_or(state.base_instant)
        }

        fn system_now(&self) -> SystemTime {
            let state = self.lock();
            state
                .base_system
                .checked_add(state.elapsed)
                .unwrap_or(state.base_system)
        }
    }
}

// Two attributes rather than `all(test, …)`: the same condition, and the module reads as a
// test module to tools that look for `#[cfg(test)]`.
#[cfg(test)]
#[cfg(feature = "hyper")]
mod tests {
    use super::*;

    #[test]
    fn tokio_sleep_outside_tokio_is_unavailable_and_starts_no_thread() {
        assert!(!TokioSleep.is_available());
        // Creating (and dropping) the future outside a runtime neither panics nor spawns.
        drop(TokioSleep.sleep(Duration::from_secs(30)));
    }

    #[tokio::test]
    async fn tokio_sleep_inside_tokio_sleeps_at_least_as_long_as_asked() {
        let start = std::time::Instant::now();
        assert!(TokioSleep.is_available());
        TokioSleep.sleep(Duration::from_millis(20)).await;
        assert!(start.elapsed() >= Duration::from_millis(20));
    }

    #[test]
    fn tokio_sleep_works_on_a_runtime_without_the_time_driver() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(async {
            assert!(TokioSleep.is_available());
            // tokio::time::sleep would panic here: "timers are disabled".
            TokioSleep.sleep(Duration::from_millis(1)).await;
        });
    }
}
