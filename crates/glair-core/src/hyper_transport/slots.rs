//! [`Slots`]: the limit on requests in flight through one transport.
//!
//! Nearly every request finds a free slot, so that path is two atomic operations (taking
//! and giving back) with no lock: tokio's `Semaphore` took a mutex to give a permit back
//! even with nobody waiting (about 100 instructions per request, glair-bench under
//! callgrind, and a lock every request shares under load). Only a request that finds every
//! slot taken waits, on a [`Notify`].
//!
//! No wake-up is lost: a waiter counts itself in `waiting` before it looks for a slot (after
//! arming its wake-up), and a request giving a slot back frees it before it looks at
//! `waiting`; with every one of these four steps sequentially consistent, either the giver
//! sees the waiter (and wakes one) or the waiter sees the freed slot. A waiter woken but
//! beaten to the slot waits again; a waiter that is dropped passes its wake-up on (tokio's
//! `Notified`). Waiters are not served in order of arrival.

use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::SeqCst;

use tokio::sync::Notify;

/// At most `max` slots taken at once.
#[derive(Debug)]
pub(super) struct Slots {
    max: usize,
    taken: AtomicUsize,
    /// Requests waiting for a slot.
    waiting: AtomicUsize,
    freed: Notify,
}

/// A slot, given back when dropped.
#[derive(Debug)]
pub(super) struct Slot<'a>(&'a Slots);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.give_back();
    }
}

/// Counts a waiter for as long as it waits (also when its future is dropped).
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, SeqCst);
    }
}

impl Slots {
    /// `max` slots (at least one).
    pub(super) fn new(max: usize) -> Self {
        Self {
            max: max.max(1),
            taken: AtomicUsize::new(0),
            waiting: AtomicUsize::new(0),
            freed: Notify::new(),
        }
    }

    /// A slot, waiting for one to be given back when all are taken.
    pub(super) async fn take(&self) -> Slot<'_> {
        if self.try_take() {
            return Slot(self);
        }
        self.waiting.fetch_add(1, SeqCst);
        let _waiting = Waiting(&self.waiting);
        loop {
            let freed = self.freed.notified();
            let mut freed = std::pin::pin!(freed);
            // Armed before looking, so that a slot given back after the look wakes it.
            freed.as_mut().enable();
            if self.try_take() {
                return Slot(self);
            }
            freed.await;
        }
    }

    fn try_take(&self) -> bool {
        let mut taken = self.taken.load(SeqCst);
        while taken < self.max {
            match self
                .taken
                .compare_exchange_weak(taken, taken + 1, SeqCst, SeqCst)
            {
                Ok(_) => return true,
                Err(now) => taken = now,
            }
        }
        false
    }

    fn give_back(&self) {
        self.taken.fetch_sub(1, SeqCst);
        if self.waiting.load(SeqCst) > 0 {
            self.freed.notify_one();
        }
    }

    /// Slots taken now.
    #[cfg(test)]
    fn taken(&self) -> usize {
        self.taken.load(SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::Arc;
    use std::task::{Context, Waker};
    use std::time::Duration;

    use super::*;

    /// Polls `future` once: whether it is still pending.
    fn is_pending<F: Future>(future: Pin<&mut F>) -> bool {
        future
            .poll(&mut Context::from_waker(Waker::noop()))
            .is_pending()
    }

    #[tokio::test]
    async fn a_full_set_makes_the_next_wait_until_one_is_given_back() {
        let slots = Slots::new(2);
        let a = slots.take().await;
        let _b = slots.take().await;
        let mut third = Box::pin(slots.take());
        assert!(is_pending(third.as_mut()), "all taken: waits");
        drop(a);
        let _c = third.await;
        assert_eq!(slots.taken(), 2);
    }

    #[tokio::test]
    async fn a_dropped_waiter_leaves_nothing_taken_and_passes_its_turn_on() {
        let slots = Slots::new(1);
        let held = slots.take().await;
        let mut first = Box::pin(slots.take());
        let mut second = Box::pin(slots.take());
        assert!(is_pending(first.as_mut()));
        assert!(is_pending(second.as_mut()));
        drop(held);
        drop(first);
        let _slot = tokio::time::timeout(Duration::from_secs(5), second)
            .await
            .expect("the dropped waiter's wake-up reached the other one");
        assert_eq!(slots.taken(), 1);
        assert_eq!(slots.waiting.load(SeqCst), 0);
    }

    /// Many tasks on several threads, each holding a slot a moment: never more than `max`
    /// at once, and every task gets through (no lost wake-up).
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn never_more_than_max_and_nobody_is_left_waiting() {
        let slots = Arc::new(Slots::new(3));
        let peak = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..64 {
            let slots = Arc::clone(&slots);
            let peak = Arc::clone(&peak);
            tasks.push(tokio::spawn(async move {
                for _ in 0..50 {
                    let _slot = slots.take().await;
                    peak.fetch_max(slots.taken(), SeqCst);
                    tokio::task::yield_now().await;
                }
            }));
        }
        for task in tasks {
            tokio::time::timeout(Duration::from_secs(30), task)
                .await
                .expect("no task is left waiting")
                .expect("no task panicked");
        }
        assert!(peak.load(SeqCst) <= 3, "peak {}", peak.load(SeqCst));
        assert_eq!(slots.taken(), 0);
    }
}
