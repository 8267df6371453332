//! The session store: sharded maps from sid to session, with atomic completion.

use std::collections::HashMap;
use std::collections::hash_map::{Entry, RandomState};
use std::hash::BuildHasher;
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::config::Outcome;
use crate::ids::IdGen;
use crate::kinds::Kind;

/// Number of independently locked shards.
const SHARDS: usize = 16;

/// Default session lifetime.
pub(crate) const SESSION_LIFETIME_MS: u64 = 24 * 60 * 60 * 1000;

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

/// All sessions, in memory.
#[derive(Debug)]
pub(crate) struct Store {
    shards: Box<[Mutex<HashMap<String, Session>>]>,
    hasher: RandomState,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Store {
    pub(crate) fn new() -> Self {
        Store {
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
            hasher: RandomState::new(),
        }
    }

    fn shard(&self, sid: &str) -> &Mutex<HashMap<String, Session>> {
        let i = usize::try_from(self.hasher.hash_one(sid) % SHARDS as u64).unwrap_or(0);
        &self.shards[i]
    }

    /// Insert a new session under a fresh unique sid; `build` makes it from the sid.
    /// Returns the sid and the session object as JSON.
    pub(crate) fn create(&self, ids: &IdGen, build: impl Fn(&str) -> Session) -> (String, Vec<u8>) {
        loop {
            let sid = ids.sid();
            let mut shard = lock(self.shard(&sid));
            if let Entry::Vacant(slot) = shard.entry(sid.clone()) {
                let session = slot.insert(build(&sid));
                let json = session.to_json();
                return (sid, json);
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
        shard.get(sid).filter(|s| s.kind == kind).map(f)
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

    fn store_with_one(expired: u64) -> (Store, String) {
        let store = Store::new();
        let ids = IdGen::new();
        let kind = &KINDS[0];
        let (sid, json) = store.create(&ids, |sid| Session {
            kind,
            url: format!("http://x/{}/{sid}", kind.page),
            success_url: "https://a.example/".into(),
            cancel_url: None,
            extras: Map::new(),
            expired,
            result: None,
        });
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
}
