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
//! The timers are kept in one slab under a mutex: adding and removing are `O(1)` and
//! allocate nothing once the slab has grown to the most timers pending at once (it never
//! shrinks: one slot of about 40 bytes per timer pending at the busiest moment). The thread
//! scans the slab when it wakes, which is only when a timer is due or an earlier one was
//! added; a `BTreeMap` here allocated and freed a node for nearly every request (a lone
//! timer's), about 600 instructions each, measured with glair-bench under callgrind. The thread is started on first use; if the OS
//! refuses to start it, [`available`] says so and no sleep is ever left hanging silently
//! (callers check it and report a missing timer instead).
//!
//! **After `fork()`** the child has no timer thread (only the forking thread is copied), yet
//! it inherits the parent's bookkeeping, whose lock the parent's thread may even have held at
//! that instant. So the thread is tied to the process that started it: every use compares
//! that process id with [`std::process::id`] (a `getpid` call, a few dozen nanoseconds), and
//! a process that finds another's thread starts its own and never touches the inherited one
//! (a sleep registered before the fork is registered again with the new thread).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::task::{Context, Poll, Waker};
use std::thread::Thread;
use std::time::{Duration, Instant};

/// Where a timer is registered: its slot, and the slot's generation then (a slot freed and
/// reused has another, so a stale key finds nothing).
type Key = (usize, u64);

struct Shared {
    state: Mutex<State>,
    thread: Thread,
    /// The process whose thread this is.
    pid: u32,
}

#[derive(Default)]
struct State {
    slots: Vec<Slot>,
    /// Indexes of the free slots.
    free: Vec<usize>,
    /// When the thread will wake on its own (`None`: only when woken).
    wakes_at: Option<Instant>,
}

/// One timer's place in the slab.
struct Slot {
    deadline: Instant,
    /// `None`: the slot is free.
    waker: Option<Waker>,
    generation: u64,
}

impl State {
    /// Registers a timer due at `deadline`, woken through `waker`.
    fn insert(&mut self, deadline: Instant, waker: Waker) -> Key {
        match self.free.pop() {
            Some(index) => {
                let slot = &mut self.slots[index];
                slot.deadline = deadline;
                slot.waker = Some(waker);
                (index, slot.generation)
            }
            None => {
                self.slots.push(Slot {
                    deadline,
                    waker: Some(waker),
                    generation: 0,
                });
                (self.slots.len() - 1, 0)
            }
        }
    }

    /// The waker of the pending timer `key`; `None` if it is no longer pending (fired).
    fn get_mut(&mut self, (index, generation): Key) -> Option<&mut Waker> {
        self.slots
            .get_mut(index)
            .filter(|slot| slot.generation == generation)
            .and_then(|slot| slot.waker.as_mut())
    }

    /// Takes timer `key` out (fired or cancelled), freeing its slot.
    fn remove(&mut self, (index, generation): Key) -> Option<Waker> {
        let slot = self
            .slots
            .get_mut(index)
            .filter(|slot| slot.generation == generation)?;
        let waker = slot.waker.take()?;
        slot.generation = slot.generation.wrapping_add(1);
        self.free.push(index);
        Some(waker)
    }

    /// Takes out every timer due at `now` into `due`; returns the earliest deadline left.
    fn take_due(&mut self, now: Instant, due: &mut Vec<Waker>) -> Option<Instant> {
        let mut next: Option<Instant> = None;
        for index in 0..self.slots.len() {
            let slot = &mut self.slots[index];
            if slot.waker.is_none() {
                continue;
            }
            if slot.deadline <= now {
                if let Some(waker) = slot.waker.take() {
                    due.push(waker);
                }
                slot.generation = slot.generation.wrapping_add(1);
                self.free.push(index);
            } else if next.is_none_or(|at| slot.deadline < at) {
                next = Some(slot.deadline);
            }
        }
        next
    }

    /// How many timers are pending (other tests' timers included).
    #[cfg(test)]
    fn pending(&self) -> usize {
        self.slots
            .iter()
            .filter(|slot| slot.waker.is_some())
            .count()
    }
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

/// The thread of the process that first used a timer (the common case, without a lock).
static SHARED: OnceLock<Option<&'static Shared>> = OnceLock::new();

/// The thread of a process forked from that one (or from a fork of it, and so on).
static FORKED: Mutex<Option<&'static Shared>> = Mutex::new(None);

/// This process's timer thread, started on first use; `None` if the OS refused to start it.
fn shared() -> Option<&'static Shared> {
    let pid = std::process::id();
    let first = *SHARED.get_or_init(|| start(pid));
    match first {
        Some(shared) if shared.pid == pid => Some(shared),
        // Refused in this very process: there is nothing to retry that would now succeed.
        None if SHARED_PID.get() == Some(&pid) => None,
        // A forked child: the thread (if any) is the parent's.
        _ => forked(pid),
    }
}

/// The process that ran [`SHARED`]'s initialiser.
static SHARED_PID: OnceLock<u32> = OnceLock::new();

/// The timer thread of forked process `pid`, started on its first use there.
fn forked(pid: u32) -> Option<&'static Shared> {
    let mut forked = FORKED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    match *forked {
        Some(shared) if shared.pid == pid => Some(shared),
        _ => {
            let started = start(pid);
            if started.is_some() {
                *forked = started;
            }
            started
        }
    }
}

/// Starts a timer thread for process `pid`; `None` if the OS refused.
fn start(pid: u32) -> Option<&'static Shared> {
    let _ = SHARED_PID.set(pid);
    let (sender, receiver) = std::sync::mpsc::channel::<&'static Shared>();
    let spawned = std::thread::Builder::new()
        .name("glair-timer".to_owned())
        .spawn(move || {
            let shared: &'static Shared = Box::leak(Box::new(Shared {
                state: Mutex::new(State::default()),
                thread: std::thread::current(),
                pid,
            }));
            if sender.send(shared).is_ok() {
                run(shared);
            }
        });
    spawned.ok()?;
    receiver.recv().ok()
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
            let next = state.take_due(now, &mut due);
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
    when: When,
    /// Where it is registered: its key, with the thread of the process that registered it.
    key: Option<(Key, &'static Shared)>,
}

/// When a [`Sleep`] completes.
#[derive(Clone, Copy)]
enum When {
    /// This long after its first poll, which reads the clock anyway: a sleep made and
    /// polled at once (an attempt's timer) then reads it once, not twice (about 45
    /// instructions per attempt, glair-bench under callgrind).
    After(Duration),
    At(Instant),
}

impl Sleep {
    /// Completes `duration` after it is first polled (a duration too long to represent never
    /// completes).
    pub(crate) fn new(duration: Duration) -> Self {
        Self {
            when: When::After(duration),
            key: None,
        }
    }

    /// Completes at `deadline`.
    pub(crate) fn until(deadline: Instant) -> Self {
        Self {
            when: When::At(deadline),
            key: None,
        }
    }

    /// The deadline, fixed at `now` if it was not yet.
    fn deadline(&mut self, now: Instant) -> Instant {
        let deadline = match self.when {
            When::At(deadline) => deadline,
            // About 30 years from now stands for "never": far beyond any wait.
            When::After(duration) => now.checked_add(duration).unwrap_or_else(far_future),
        };
        self.when = When::At(deadline);
        deadline
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
        let now = Instant::now();
        let deadline = self.deadline(now);
        if now >= deadline {
            self.cancel();
            return Poll::Ready(());
        }
        let Some(shared) = shared() else {
            // No timer thread: never completes. `available` lets callers refuse beforehand.
            return Poll::Pending;
        };
        if self
            .key
            .is_some_and(|(_, registered)| !std::ptr::eq(registered, shared))
        {
            // Registered by the parent of this forked process: forget it there (without
            // touching the parent's lock) and register it with this process's thread.
            self.key = None;
        }
        let mut state = shared.lock();
        match self.key.map(|(key, _)| key) {
            Some(key) => match state.get_mut(key) {
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
                let key = state.insert(deadline, cx.waker().clone());
                self.key = Some((key, shared));
                let sooner = state.wakes_at.is_none_or(|at| deadline < at);
                if sooner {
                    state.wakes_at = Some(deadline);
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
        if let Some((key, registered)) = self.key.take() {
            // Only in the process that registered it (see the module docs on `fork`).
            if registered.pid == std::process::id() {
                // Dropped outside the lock: a waker's drop may run arbitrary code.
                let waker = registered.lock().remove(key);
                drop(waker);
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
        let mut never = Sleep::new(Duration::MAX);
        let now = Instant::now();
        assert!(never.deadline(now) > now);
        // Fixed at the first poll: later reads keep it.
        let mut later = Sleep::new(Duration::from_secs(5));
        let fixed = later.deadline(now);
        assert_eq!(later.deadline(now + Duration::from_secs(3)), fixed);
    }

    #[test]
    fn the_slab_reuses_slots_and_a_stale_key_finds_nothing() {
        let waker = std::task::Waker::noop().clone();
        let mut state = State::default();
        let now = Instant::now();
        let a = state.insert(now + Duration::from_secs(5), waker.clone());
        let b = state.insert(now + Duration::from_secs(1), waker.clone());
        assert!(state.remove(a).is_some());
        assert!(state.remove(a).is_none(), "removed twice");
        let c = state.insert(now + Duration::from_secs(9), waker);
        assert_eq!(c.0, a.0, "the freed slot is reused");
        assert!(state.get_mut(a).is_none(), "the old key is stale");
        assert!(state.get_mut(c).is_some());
        let mut due = Vec::new();
        let next = state.take_due(now + Duration::from_secs(2), &mut due);
        assert_eq!(due.len(), 1, "only b is due");
        assert!(state.get_mut(b).is_none());
        assert_eq!(next, Some(now + Duration::from_secs(9)));
        assert_eq!(state.pending(), 1);
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
        let keys: Vec<Key> = sleeps
            .iter()
            .filter_map(|s| s.key.map(|(k, _)| k))
            .collect();
        assert_eq!(keys.len(), 100);
        let shared = shared().unwrap();
        assert!(shared.lock().pending() >= 100);
        drop(sleeps);
        let mut state = shared.lock();
        assert!(keys.iter().all(|k| state.get_mut(*k).is_none()));
    }

    /// After `fork()` the child has no timer thread: its first sleep must start its own
    /// instead of waiting for ever on the parent's (and a sleep the parent registered must
    /// still end in the child).
    #[cfg(unix)]
    #[test]
    fn a_forked_child_gets_its_own_timer_thread() {
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        // The parent's thread runs and holds a timer registered before the fork.
        let mut inherited = Box::pin(Sleep::new(Duration::from_millis(300)));
        assert!(inherited.as_mut().poll(&mut cx).is_pending());
        let parent = shared().map(|s| s as *const Shared);
        assert!(parent.is_some());
        match fork::fork().expect("fork") {
            fork::Fork::Child => {
                // A hang must fail the test, not block it.
                let _watchdog = std::thread::spawn(|| {
                    std::thread::sleep(Duration::from_secs(10));
                    std::process::exit(3);
                });
                let own = shared().map(|s| s as *const Shared);
                let code = if !available() || own.is_none() || own == parent {
                    1
                } else {
                    let started = Instant::now();
                    pollster::block_on(Sleep::new(Duration::from_millis(20)));
                    pollster::block_on(inherited);
                    // Same thread on later calls.
                    if shared().map(|s| s as *const Shared) == own
                        && started.elapsed() >= Duration::from_millis(20)
                    {
                        0
                    } else {
                        2
                    }
                };
                std::process::exit(code);
            }
            fork::Fork::Parent(child) => {
                let status = fork::waitpid(child).expect("waitpid");
                // A raw wait status of 0 is a normal exit with code 0.
                assert_eq!(
                    status,
                    0,
                    "the forked child failed: raw wait status {status:#x} (exit code {})",
                    status >> 8
                );
                // The parent's thread is untouched.
                assert_eq!(shared().map(|s| s as *const Shared), parent);
                pollster::block_on(inherited);
            }
        }
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
