//! One process-wide timer thread for the sleeps of the hyper transport's clients
//! ([`TimerThreadSleep`](crate::TimerThreadSleep)) and of the transport itself (connect timeout, pool
//! reaper), which must work on every tokio runtime — also one built without the time driver,
//! where `tokio::time::sleep` panics (and tokio offers no way to ask whether the driver is
//! there).
//!
//! Why not futures-timer, which does the same: it wakes its thread on every timer created and
//! again on every timer dropped. Every attempt races a timer against its request, and nearly
//! every attempt ends long before its deadline, so that meant two thread wake-ups (a futex
//! call and a context switch each) per request: `glair-bench` measured the facade's client
//! CPU per request at about twice raw hyper's with it. Here:
//!
//! - a new timer wakes the thread only when it is due before the thread would wake anyway
//!   (timers are mostly added in deadline order, so almost never);
//! - a timer dropped before it fires is removed without waking anyone;
//! - the thread sleeps until the earliest deadline and wakes the timers that are due.
//!
//! The timers are kept in one `BTreeMap` under a mutex: adding and removing are `O(log n)`,
//! memory is one entry per pending timer. The thread is started on first use; if the OS
//! refuses to start it, [`available`] says so and no sleep is ever left hanging silently
//! (callers check it and report a missing timer instead).

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::task::{Context, Poll, Waker};
use std::thread::Thread;
use std::time::{Duration, Instant};

/// The pending timers, by deadline (and a sequence number, so that equal deadlines differ).
type Key = (Instant, u64);

struct Shared {
    state: Mutex<State>,
    thread: Thread,
}

#[derive(Default)]
struct State {
    timers: BTreeMap<Key, Waker>,
    next_id: u64,
    /// When the thread will wake on its own (`None`: only when woken).
    wakes_at: Option<Instant>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the map inconsistent (no code here
        // panics between its steps), so a poisoned lock is still usable.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

static SHARED: OnceLock<Option<&'static Shared>> = OnceLock::new();

/// The timer thread, started on first use; `None` if the OS refused to start it.
fn shared() -> Option<&'static Shared> {
    *SHARED.get_or_init(|| {
        let (sender, receiver) = std::sync::mpsc::channel::<&'static Shared>();
        let spawned = std::thread::Builder::new()
            .name("glair-timer".to_owned())
            .spawn(move || {
                let shared: &'static Shared = Box::leak(Box::new(Shared {
                    state: Mutex::new(State::default()),
                    thread: std::thread::current(),
                }));
                if sender.send(shared).is_ok() {
                    run(shared);
                }
            });
        spawned.ok()?;
        receiver.recv().ok()
    })
}

/// Whether timers work in this process (the thread could be started).
pub(crate) fn available() -> bool {
    shared().is_some()
}

/// The thread: wake what is due, then sleep until the next deadline.
fn run(shared: &'static Shared) {
    let mut due = Vec::new();
    loop {
        let now = Instant::now();
        let next = {
            let mut state = shared.lock();
            while let Some(entry) = state.timers.first_entry() {
                if entry.key().0 > now {
                    break;
                }
                due.push(entry.remove());
            }
            let next = state.timers.keys().next().map(|key| key.0);
            state.wakes_at = next;
            next
        };
        for waker in due.drain(..) {
            waker.wake();
        }
        match next {
            Some(deadline) => std::thread::park_timeout(deadline.saturating_duration_since(now)),
            None => std::thread::park(),
        }
    }
}

/// A future that completes at a deadline, on the timer thread. Dropping it cancels it.
pub(crate) struct Sleep {
    deadline: Instant,
    key: Option<Key>,
}

impl Sleep {
    /// Completes `duration` from now (a duration too long to represent never completes).
    pub(crate) fn new(duration: Duration) -> Self {
        let deadline = Instant::now().checked_add(duration);
        Self {
            // About 30 years from now stands for "never": far beyond any wait.
            deadline: deadline.unwrap_or_else(far_future),
            key: None,
        }
    }

    /// Completes at `deadline`.
    pub(crate) fn until(deadline: Instant) -> Self {
        Self {
            deadline,
            key: None,
        }
    }
}

fn far_future() -> Instant {
    let now = Instant::now();
    now.checked_add(Duration::from_secs(30 * 365 * 24 * 3600))
        .unwrap_or(now)
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if Instant::now() >= self.deadline {
            self.cancel();
            return Poll::Ready(());
        }
        let Some(shared) = shared() else {
            // No timer thread: never completes. `available` lets callers refuse beforehand.
            return Poll::Pending;
        };
        let mut state = shared.lock();
        match self.key {
            Some(key) => match state.timers.get_mut(&key) {
                Some(waker) => {
                    if !waker.will_wake(cx.waker()) {
                        waker.clone_from(cx.waker());
                    }
                }
                // The thread took it out: it is due.
                None => {
                    drop(state);
                    self.key = None;
                    return Poll::Ready(());
                }
            },
            None => {
                let key = (self.deadline, state.next_id);
                state.next_id = state.next_id.wrapping_add(1);
                state.timers.insert(key, cx.waker().clone());
                self.key = Some(key);
                let sooner = state.wakes_at.is_none_or(|at| self.deadline < at);
                if sooner {
                    state.wakes_at = Some(self.deadline);
                    drop(state);
                    shared.thread.unpark();
                }
            }
        }
        Poll::Pending
    }
}

impl Sleep {
    fn cancel(&mut self) {
        // A sleep that was never registered has nothing to remove (and must not start the
        // thread just to find that out).
        if let Some(key) = self.key.take() {
            if let Some(shared) = shared() {
                shared.lock().timers.remove(&key);
            }
        }
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        self.cancel();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sleeps_end_in_deadline_order_without_any_runtime() {
        assert!(available());
        let started = Instant::now();
        pollster::block_on(Sleep::new(Duration::from_millis(30)));
        assert!(started.elapsed() >= Duration::from_millis(30));
        // A zero sleep is ready at once; a huge one does not overflow.
        pollster::block_on(Sleep::new(Duration::ZERO));
        let never = Sleep::new(Duration::MAX);
        assert!(never.deadline > Instant::now());
    }

    #[test]
    fn dropped_timers_leave_nothing_behind() {
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        let mut sleeps: Vec<_> = (0..100)
            .map(|i| Box::pin(Sleep::new(Duration::from_secs(60 + i))))
            .collect();
        for s in &mut sleeps {
            assert!(s.as_mut().poll(&mut cx).is_pending());
        }
        let keys: Vec<Key> = sleeps.iter().filter_map(|s| s.key).collect();
        assert_eq!(keys.len(), 100);
        drop(sleeps);
        let shared = shared().unwrap();
        let state = shared.lock();
        assert!(keys.iter().all(|k| !state.timers.contains_key(k)));
    }

    #[test]
    fn an_earlier_timer_wakes_the_thread_sooner() {
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        // A late timer first, so the thread plans to sleep long; then a short one must still
        // end on time.
        let mut late = Box::pin(Sleep::new(Duration::from_secs(120)));
        assert!(late.as_mut().poll(&mut cx).is_pending());
        let started = Instant::now();
        pollster::block_on(Sleep::new(Duration::from_millis(20)));
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
