//! The session store: sharded maps from sid to session, with atomic completion, a cap on the
//! number of sessions held, and eviction of expired sessions through an expiry-ordered index.
//!
//! Eviction: every shard keeps, next to its map, a min-heap of `(expired, sid)`. A sweep pops
//! only the entries that are due (`expired + retention <= now`), so its cost is proportional to
//! what it evicts, never to the size of the store. Sweeps run on every create, on every clock
//! advance and periodically (see [`SWEEP_INTERVAL`]); maps and heaps give their memory back once
//! they are mostly empty.

use std::cmp::Reverse;
use std::collections::hash_map::{Entry, RandomState};
use std::collections::{BinaryHeap, HashMap};
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::config::Outcome;
use crate::ids::IdGen;
use crate::kinds::Kind;

/// Number of independently locked shards.
const SHARDS: usize = 16;

/// Default session lifetime.
pub(crate) const SESSION_LIFETIME_MS: u64 = 24 * 60 * 60 * 1000;

/// How often the background task sweeps expired sessions out.
pub(crate) const SWEEP_INTERVAL: Duration = Duration::from_secs(1);

/// Below this capacity a map or heap is not worth shrinking.
const MIN_SHRINK_CAPACITY: usize = 64;

/// One hosted session.
#[derive(Debug)]
pub(crate) struct Session {
    pub(crate) kind: &'static Kind,
    pub(crate) url: String,
    pub(crate) success_url: String,
    pub(crate) cancel_url: Option<String>,
    /// The kind's extra create fields that were given, echoed in the session object.
    pub(crate) extras: Map<String, Value>,
    /// Expiry instant, epoch milliseconds.
    pub(crate) expired: u64,
    /// `Some` once finished.
    pub(crate) result: Option<Value>,
    /// Created by the index page's demo button: its result is shown on the index page.
    pub(crate) demo: bool,
}

/// The wire shape of a session.
#[derive(Serialize)]
struct SessionView<'a> {
    status: &'static str,
    expired: u64,
    url: &'a str,
    success_url: &'a str,
    /// `null` when unset: GLAIR echoes the key (the vendor's Java tests find it on a session
    /// created without one).
    cancel_url: Option<&'a str>,
    result: Option<&'a Value>,
    #[serde(flatten)]
    extras: &'a Map<String, Value>,
}

impl Session {
    /// Whether a result has been recorded.
    pub(crate) fn is_finished(&self) -> bool {
        self.result.is_some()
    }

    /// Whether the session has expired at `now_ms`.
    pub(crate) fn is_expired(&self, now_ms: u64) -> bool {
        now_ms >= self.expired
    }

    fn view(&self) -> SessionView<'_> {
        SessionView {
            status: if self.is_finished() {
                "FINISHED"
            } else {
                "PENDING"
            },
            expired: self.expired,
            url: &self.url,
            success_url: &self.success_url,
            cancel_url: self.cancel_url.as_deref(),
            result: self.result.as_ref(),
            extras: &self.extras,
        }
    }

    /// The session object as JSON bytes.
    pub(crate) fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(&self.view()).unwrap_or_else(|_| b"{}".to_vec())
    }

    /// The session object as a JSON value.
    pub(crate) fn to_value(&self) -> Value {
        serde_json::to_value(self.view()).unwrap_or(Value::Null)
    }
}

/// Why a session could not be completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CompleteError {
    NotFound,
    AlreadyFinished,
    Expired,
}

/// The store is full: no session could be created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StoreFull {
    /// The cap that was reached.
    pub(crate) max_sessions: usize,
    /// The earliest `expired` instant among the sessions held (room frees up then), if any.
    pub(crate) next_expiry_ms: Option<u64>,
}

/// One shard: sessions by sid, and the expiry-ordered index of the same sids.
#[derive(Debug, Default)]
struct Shard {
    sessions: HashMap<String, Session>,
    by_expiry: BinaryHeap<Reverse<(u64, String)>>,
}

impl Shard {
    /// Remove every session whose `expired` is at or before `cutoff_ms`; returns how many.
    fn evict_through(&mut self, cutoff_ms: u64) -> usize {
        let mut evicted = 0;
        while let Some(Reverse((expired, _))) = self.by_expiry.peek() {
            if *expired > cutoff_ms {
                break;
            }
            if let Some(Reverse((_, sid))) = self.by_expiry.pop() {
                if self.sessions.remove(&sid).is_some() {
                    evicted += 1;
                }
            }
        }
        if evicted > 0 {
            self.release_memory();
        }
        evicted
    }

    /// Remove the session that expires first if its `expired` is at or before `cutoff_ms`;
    /// returns whether one was removed.
    fn evict_first(&mut self, cutoff_ms: u64) -> bool {
        let due = self
            .by_expiry
            .peek()
            .is_some_and(|Reverse((expired, _))| *expired <= cutoff_ms);
        let removed = due
            && self
                .by_expiry
                .pop()
                .is_some_and(|Reverse((_, sid))| self.sessions.remove(&sid).is_some());
        if removed {
            self.release_memory();
        }
        removed
    }

    /// Give back memory once the shard is mostly empty (maps and heaps never shrink on their own).
    fn release_memory(&mut self) {
        let len = self.sessions.len();
        if self.sessions.capacity() > MIN_SHRINK_CAPACITY && len * 4 < self.sessions.capacity() {
            self.sessions.shrink_to(len * 2);
        }
        let len = self.by_expiry.len();
        if self.by_expiry.capacity() > MIN_SHRINK_CAPACITY && len * 4 < self.by_expiry.capacity() {
            self.by_expiry.shrink_to(len * 2);
        }
    }
}

/// All sessions, in memory.
#[derive(Debug)]
pub(crate) struct Store {
    shards: Box<[Mutex<Shard>]>,
    hasher: RandomState,
    /// Sessions held, all shards together.
    len: AtomicUsize,
    /// Sessions evicted since the start.
    evicted: AtomicU64,
    max_sessions: usize,
    retention_ms: u64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Store {
    /// An empty store holding at most `max_sessions` sessions, each evicted `retention_ms` after
    /// it expires.
    pub(crate) fn new(max_sessions: usize, retention_ms: u64) -> Self {
        Store {
            shards: (0..SHARDS).map(|_| Mutex::new(Shard::default())).collect(),
            hasher: RandomState::new(),
            len: AtomicUsize::new(0),
            evicted: AtomicU64::new(0),
            max_sessions,
            retention_ms,
        }
    }

    fn shard(&self, sid: &str) -> &Mutex<Shard> {
        let i = usize::try_from(self.hasher.hash_one(sid) % SHARDS as u64).unwrap_or(0);
        &self.shards[i]
    }

    /// Sessions held now.
    pub(crate) fn len(&self) -> usize {
        self.len.load(Ordering::Relaxed)
    }

    /// Sessions evicted since the start.
    pub(crate) fn evicted(&self) -> u64 {
        self.evicted.load(Ordering::Relaxed)
    }

    /// Evict every session that expired at least the retention time before `now_ms`.
    pub(crate) fn sweep(&self, now_ms: u64) {
        self.evict_through(now_ms.saturating_sub(self.retention_ms));
    }

    fn evict_through(&self, cutoff_ms: u64) {
        for shard in &self.shards {
            let n = lock(shard).evict_through(cutoff_ms);
            if n > 0 {
                self.len.fetch_sub(n, Ordering::Relaxed);
                self.evicted.fetch_add(n as u64, Ordering::Relaxed);
            }
        }
    }

    /// Evict the one session that expired first, if it expired at or before `now_ms`; returns
    /// whether one was.
    fn evict_oldest_expired(&self, now_ms: u64) -> bool {
        let oldest = self
            .shards
            .iter()
            .filter_map(|s| lock(s).by_expiry.peek().map(|Reverse((e, _))| (*e, s)))
            .min_by_key(|(expired, _)| *expired);
        let Some((expired, shard)) = oldest.filter(|(expired, _)| *expired <= now_ms) else {
            return false;
        };
        // Another create may have taken it meanwhile: then evict whatever in that shard is as
        // old, which is at most this one.
        if lock(shard).evict_first(expired) {
            self.len.fetch_sub(1, Ordering::Relaxed);
            self.evicted.fetch_add(1, Ordering::Relaxed);
            true
        } else {
            false
        }
    }

    /// Take one slot under the cap, if there is one.
    fn reserve(&self) -> bool {
        self.len
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                (n < self.max_sessions).then_some(n + 1)
            })
            .is_ok()
    }

    /// The earliest `expired` instant held.
    fn next_expiry(&self) -> Option<u64> {
        self.shards
            .iter()
            .filter_map(|s| lock(s).by_expiry.peek().map(|Reverse((e, _))| *e))
            .min()
    }

    /// Insert a new session under a fresh unique sid; `build` makes it from the sid.
    /// Returns the sid and the session object as JSON.
    ///
    /// Sweeps first. When the store is full, the session that expired first is evicted (without
    /// waiting for its retention time) to make room; if none has expired, the create fails.
    pub(crate) fn create(
        &self,
        ids: &IdGen,
        now_ms: u64,
        build: impl Fn(&str) -> Session,
    ) -> Result<(String, Vec<u8>), StoreFull> {
        self.sweep(now_ms);
        if !self.reserve() {
            self.evict_oldest_expired(now_ms);
            if !self.reserve() {
                return Err(StoreFull {
                    max_sessions: self.max_sessions,
                    next_expiry_ms: self.next_expiry(),
                });
            }
        }
        loop {
            let sid = ids.sid();
            let mut shard = lock(self.shard(&sid));
            let shard = &mut *shard;
            if let Entry::Vacant(slot) = shard.sessions.entry(sid.clone()) {
                let session = slot.insert(build(&sid));
                let json = session.to_json();
                shard
                    .by_expiry
                    .push(Reverse((session.expired, sid.clone())));
                return Ok((sid, json));
            }
            // A collision is astronomically unlikely; draw another sid.
        }
    }

    /// Look at the session `sid` of `kind`.
    pub(crate) fn with<R>(
        &self,
        kind: &Kind,
        sid: &str,
        f: impl FnOnce(&Session) -> R,
    ) -> Option<R> {
        let shard = lock(self.shard(sid));
        shard.sessions.get(sid).filter(|s| s.kind == kind).map(f)
    }

    /// Finish the pending, unexpired session `sid` of `kind` with `outcome`, atomically, and
    /// return `f` of the finished session.
    pub(crate) fn complete<R>(
        &self,
        kind: &Kind,
        sid: &str,
        now_ms: u64,
        outcome: Outcome,
        f: impl FnOnce(&Session) -> R,
    ) -> Result<R, CompleteError> {
        let mut shard = lock(self.shard(sid));
        let session = shard
            .sessions
            .get_mut(sid)
            .filter(|s| s.kind == kind)
            .ok_or(CompleteError::NotFound)?;
        if session.is_finished() {
            return Err(CompleteError::AlreadyFinished);
        }
        if session.is_expired(now_ms) {
            return Err(CompleteError::Expired);
        }
        let result = (session.kind.fixture)(outcome, &session.extras);
        session.result = Some(result);
        Ok(f(session))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::{KINDS, by_resource};

    fn session(sid: &str, expired: u64) -> Session {
        let kind = &KINDS[0];
        Session {
            kind,
            url: format!("http://x/{}/{sid}", kind.page),
            success_url: "https://a.example/".into(),
            cancel_url: None,
            extras: Map::new(),
            expired,
            result: None,
            demo: false,
        }
    }

    fn store_with_one(expired: u64) -> (Store, String) {
        let store = Store::new(10, 0);
        let ids = IdGen::new();
        let (sid, json) = store.create(&ids, 0, |sid| session(sid, expired)).unwrap();
        let v: Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(v["status"], "PENDING");
        assert!(v["result"].is_null());
        assert_eq!(v.get("cancel_url"), Some(&Value::Null));
        assert!(v.get("sid").is_none());
        (store, sid)
    }

    #[test]
    fn complete_is_once_only() {
        let (store, sid) = store_with_one(100);
        let kind = &KINDS[0];
        let other = by_resource("npwp-sessions").unwrap();
        assert_eq!(
            store.complete(other, &sid, 0, Outcome::Live, |_| ()),
            Err(CompleteError::NotFound)
        );
        let v = store
            .complete(kind, &sid, 0, Outcome::Spoof, Session::to_value)
            .unwrap();
        assert_eq!(v["status"], "FINISHED");
        assert_eq!(v["result"]["result"]["status"], "HIGH");
        assert_eq!(
            store.complete(kind, &sid, 0, Outcome::Live, |_| ()),
            Err(CompleteError::AlreadyFinished)
        );
        // Finished wins over expired.
        assert_eq!(
            store.complete(kind, &sid, 1000, Outcome::Live, |_| ()),
            Err(CompleteError::AlreadyFinished)
        );
    }

    #[test]
    fn expired_cannot_complete() {
        let (store, sid) = store_with_one(100);
        let kind = &KINDS[0];
        assert_eq!(
            store.complete(kind, &sid, 100, Outcome::Live, |_| ()),
            Err(CompleteError::Expired)
        );
        assert_eq!(store.with(kind, &sid, |s| s.is_finished()), Some(false));
        assert_eq!(store.with(kind, "nope", |_| ()), None);
    }

    #[test]
    fn sweep_evicts_only_what_is_due_and_gives_memory_back() {
        let store = Store::new(10_000, 50);
        let ids = IdGen::new();
        for i in 0..5000u64 {
            store
                .create(&ids, 0, |sid| session(sid, 100 + i % 10))
                .unwrap();
        }
        assert_eq!(store.len(), 5000);
        // Expired (now >= 109) but still within the retention time.
        store.sweep(140);
        assert_eq!(store.len(), 5000);
        // Expiry 100..=104 plus 50 of retention is due at 154.
        store.sweep(154);
        assert_eq!(store.len(), 2500);
        assert_eq!(store.evicted(), 2500);
        store.sweep(159);
        assert_eq!(store.len(), 0);
        assert_eq!(store.evicted(), 5000);
        for shard in &store.shards {
            let shard = lock(shard);
            assert!(shard.sessions.capacity() <= MIN_SHRINK_CAPACITY * 2);
            assert!(shard.by_expiry.capacity() <= MIN_SHRINK_CAPACITY * 2);
        }
    }

    #[test]
    fn a_full_store_refuses_then_makes_room_from_expired_sessions() {
        let store = Store::new(3, 1_000_000);
        let ids = IdGen::new();
        for expired in [300, 100, 200] {
            store.create(&ids, 0, |sid| session(sid, expired)).unwrap();
        }
        let full = store.create(&ids, 50, |sid| session(sid, 400)).unwrap_err();
        assert_eq!(
            full,
            StoreFull {
                max_sessions: 3,
                next_expiry_ms: Some(100)
            }
        );
        assert_eq!(store.len(), 3);
        // At 150 one session has expired: it makes room although its retention has not passed.
        store.create(&ids, 150, |sid| session(sid, 400)).unwrap();
        assert_eq!(store.len(), 3);
        assert_eq!(store.evicted(), 1);
        assert!(store.create(&ids, 150, |sid| session(sid, 400)).is_err());
    }

    #[test]
    fn at_the_cap_only_the_oldest_expired_session_is_evicted() {
        // Kept for ever after expiry (the default): nothing is swept.
        let store = Store::new(4, u64::MAX);
        let ids = IdGen::new();
        let mut sids = Vec::new();
        for expired in [300, 100, 200, 1_000] {
            let (sid, _) = store.create(&ids, 0, |sid| session(sid, expired)).unwrap();
            sids.push(sid);
        }
        let kind = &KINDS[0];
        store.sweep(u64::MAX - 1);
        assert_eq!(store.len(), 4, "no retention time ever passes");
        // Long after three have expired, a create evicts one: the one that expired first (100).
        store.create(&ids, 900, |sid| session(sid, 2_000)).unwrap();
        assert_eq!(store.len(), 4);
        assert_eq!(store.evicted(), 1);
        assert!(store.with(kind, &sids[1], |_| ()).is_none());
        for kept in [&sids[0], &sids[2], &sids[3]] {
            assert!(store.with(kind, kept, |s| s.is_expired(900)).is_some());
        }
        // Then the next oldest (200), then 300; the unexpired one stays.
        store.create(&ids, 900, |sid| session(sid, 2_000)).unwrap();
        assert!(store.with(kind, &sids[2], |_| ()).is_none());
        assert!(store.with(kind, &sids[0], |_| ()).is_some());
    }
}
