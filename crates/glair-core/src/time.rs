//! Injected time: [`Sleep`] for waiting and [`Clock`] for reading the time, so that retries,
//! backoff and timeouts can be tested without real waits (see `FakeTime` with the `mock`
//! feature).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::maybe_send::{BoxFuture, MaybeSend, MaybeSync};

/// The monotonic instant the machines are fed for deadlines: [`std::time::Instant`] wherever
/// std can read it; on wasm32-unknown-unknown, where std's panics when read, web-time's
/// (the same API, read from `performance.now()`).
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub use std::time::Instant;
/// The wall-clock time the machines are fed for HTTP dates: [`std::time::SystemTime`]
/// wherever std can read it; on wasm32-unknown-unknown web-time's (from `Date.now()`).
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub use std::time::SystemTime;
/// The Unix epoch as a [`SystemTime`].
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub use std::time::UNIX_EPOCH;
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
pub use web_time::{Instant, SystemTime, UNIX_EPOCH};

/// `time` as std's [`std::time::SystemTime`] (the type HTTP dates are parsed into): the same
/// value, converted only on wasm32-unknown-unknown, where [`SystemTime`] is web-time's.
pub fn to_std_system_time(time: SystemTime) -> std::time::SystemTime {
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    {
        time
    }
    #[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
    {
        match time.duration_since(UNIX_EPOCH) {
            Ok(after) => std::time::UNIX_EPOCH + after,
            Err(before) => std::time::UNIX_EPOCH - before.duration(),
        }
    }
}

/// A std [`std::time::SystemTime`] as this crate's [`SystemTime`] (the inverse of
/// [`to_std_system_time`]).
pub fn from_std_system_time(time: std::time::SystemTime) -> SystemTime {
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    {
        time
    }
    #[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
    {
        match time.duration_since(std::time::UNIX_EPOCH) {
            Ok(after) => UNIX_EPOCH + after,
            Err(before) => UNIX_EPOCH - before.duration(),
        }
    }
}

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

/// The real clock ([`Instant::now`] and [`SystemTime::now`]: std's, or web-time's on
/// wasm32-unknown-unknown).
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn system_now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// The default timer of the hyper transport's clients, for tokio runtimes.
///
/// It sleeps on the transport's one process-wide timer thread, not on tokio's time driver: a
/// tokio runtime built without `enable_time()` would make `tokio::time::sleep` panic, and
/// this works on it all the same. That thread is woken only when a timer is due, not when one
/// is set or cancelled (so racing every attempt against its timeout costs no thread
/// wake-up). No timer ever starts a thread of its own. A sleep's duration counts from its
/// first poll, not from the call to [`sleep`](Sleep::sleep): the dispatcher polls each one
/// as soon as it is made, and the first poll reads the clock anyway.
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
pub struct TimerThreadSleep;

#[cfg(feature = "hyper")]
impl Sleep for TimerThreadSleep {
    fn sleep(&self, duration: Duration) -> SleepFuture {
        Box::pin(crate::timer_thread::Sleep::new(duration))
    }

    fn is_available(&self) -> bool {
        // A tokio task is inside a runtime: asked first because it is a thread-local read,
        // where `Handle::try_current` also clones the runtime's handle (about 40
        // instructions a call, glair-bench under callgrind).
        let in_runtime =
            tokio::task::try_id().is_some() || tokio::runtime::Handle::try_current().is_ok();
        in_runtime && crate::timer_thread::available()
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
    use super::{Clock, Instant, Sleep, SleepFuture, SystemTime};
    use std::sync::{Arc, Mutex, MutexGuard};
    use std::time::Duration;

    /// Fake time for tests: implements both [`Sleep`] and [`Clock`].
    ///
    /// Sleeping never waits: when a sleep future is first polled it advances this clock by its
    /// duration, records the duration and completes. Clones share the same state.
    ///
    /// Because a sleep completes on its first poll, a timeout raced against a transport that is
    /// not ready on its first poll fires at once; use `FakeTime` with
    /// [`MockTransport`](crate::MockTransport) (whose replies are immediate or never come), and
    /// real time ([`TimerThreadSleep`](crate::TimerThreadSleep)) with real network transports.
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
        assert!(!TimerThreadSleep.is_available());
        // Creating (and dropping) the future outside a runtime neither panics nor spawns.
        drop(TimerThreadSleep.sleep(Duration::from_secs(30)));
    }

    #[tokio::test]
    async fn tokio_sleep_inside_tokio_sleeps_at_least_as_long_as_asked() {
        let start = std::time::Instant::now();
        assert!(TimerThreadSleep.is_available());
        TimerThreadSleep.sleep(Duration::from_millis(20)).await;
        assert!(start.elapsed() >= Duration::from_millis(20));
    }

    #[test]
    fn tokio_sleep_works_on_a_runtime_without_the_time_driver() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(async {
            assert!(TimerThreadSleep.is_available());
            // tokio::time::sleep would panic here: "timers are disabled".
            TimerThreadSleep.sleep(Duration::from_millis(1)).await;
        });
    }
}
