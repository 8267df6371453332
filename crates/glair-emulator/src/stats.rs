//! Counters of sessions and API requests, and their public snapshot [`Stats`].

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use http::Method;
use serde::{Deserialize, Serialize};

use crate::kinds::{KINDS, Kind};
use crate::vision::table::ROUTES;

/// A snapshot of the emulator's counters, as served by `GET /_emulator/stats`.
///
/// Only API requests are counted (every one that reached routing, including faulted, failed
/// and unauthenticated ones); control and hosted-page requests are not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Sessions created, all kinds together.
    pub sessions_created: u64,
    /// Sessions created per API resource name (e.g. `"passive-liveness-sessions"`); every kind
    /// is listed, with 0 when none were created.
    pub sessions_by_kind: BTreeMap<String, u64>,
    /// Sessions held in memory now: pending, finished, and expired ones still within their
    /// retention time. 0 once every session has expired and been evicted.
    #[serde(default)]
    pub sessions_stored: u64,
    /// Sessions evicted (dropped from memory after expiring) since the start.
    #[serde(default)]
    pub sessions_evicted: u64,
    /// API requests, all routes together.
    pub requests_total: u64,
    /// API requests per `"METHOD route template"`, e.g.
    /// `"POST /face/v1/passive-liveness-sessions"`,
    /// `"GET /face/v1/passive-liveness-sessions/{sid}"`, or `"GET (unknown)"` for requests that
    /// matched no route. Non-standard methods are counted as `OTHER`.
    pub requests: BTreeMap<String, u64>,
    /// Vision calls (face match, liveness, identity, OCR) answered with a fixture (`200`), per
    /// catalog endpoint id (e.g. `"F1"`, `"O6"`); every Vision endpoint is listed, with 0 when
    /// none was answered. Refused calls (`4xx`) are counted in [`requests`](Self::requests)
    /// only.
    #[serde(default)]
    pub vision_answered: BTreeMap<String, u64>,
}

/// Which route an API request matched, for counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum RouteKey {
    /// `/{service}/v1/{resource}` of the kind with this resource name.
    Collection(&'static str),
    /// `/{service}/v1/{resource}/{sid}`.
    Item(&'static str),
    /// The Vision endpoint with this catalog id (e.g. `F1`, `O6`).
    Vision(&'static str),
    /// Nothing matched (including unsupported versions).
    Unknown,
}

impl RouteKey {
    /// The route template, e.g. `/face/v1/passive-liveness-sessions/{sid}`.
    pub(crate) fn template(self) -> Option<String> {
        match self {
            RouteKey::Collection(r) => crate::kinds::by_resource(r).map(Kind::api_path),
            RouteKey::Item(r) => {
                crate::kinds::by_resource(r).map(|k| format!("{}/{{sid}}", k.api_path()))
            }
            RouteKey::Vision(id) => crate::vision::table::by_id(id).map(|r| r.endpoint.path()),
            RouteKey::Unknown => None,
        }
    }
}

/// The counting name of a method.
pub(crate) fn method_name(m: &Method) -> &'static str {
    const STANDARD: [(Method, &str); 9] = [
        (Method::GET, "GET"),
        (Method::POST, "POST"),
        (Method::PUT, "PUT"),
        (Method::DELETE, "DELETE"),
        (Method::PATCH, "PATCH"),
        (Method::HEAD, "HEAD"),
        (Method::OPTIONS, "OPTIONS"),
        (Method::TRACE, "TRACE"),
        (Method::CONNECT, "CONNECT"),
    ];
    STANDARD
        .iter()
        .find(|(std, _)| std == m)
        .map_or("OTHER", |(_, name)| name)
}

/// Live counters.
#[derive(Debug)]
pub(crate) struct Counters {
    sessions_created: AtomicU64,
    by_kind: Box<[AtomicU64]>,
    requests_total: AtomicU64,
    vision_answered: Box<[AtomicU64]>,
    requests: Mutex<HashMap<(&'static str, RouteKey), u64>>,
}

impl Counters {
    pub(crate) fn new() -> Self {
        Counters {
            sessions_created: AtomicU64::new(0),
            by_kind: KINDS.iter().map(|_| AtomicU64::new(0)).collect(),
            requests_total: AtomicU64::new(0),
            vision_answered: ROUTES.iter().map(|_| AtomicU64::new(0)).collect(),
            requests: Mutex::new(HashMap::new()),
        }
    }

    /// Count one API request.
    pub(crate) fn request(&self, method: &Method, route: RouteKey) {
        self.requests_total.fetch_add(1, Ordering::Relaxed);
        let mut map = self.requests.lock().unwrap_or_else(PoisonError::into_inner);
        *map.entry((method_name(method), route)).or_insert(0) += 1;
    }

    /// Count one created session.
    pub(crate) fn session_created(&self, kind: &Kind) {
        self.sessions_created.fetch_add(1, Ordering::Relaxed);
        if let Some(i) = KINDS.iter().position(|k| k.resource == kind.resource) {
            if let Some(c) = self.by_kind.get(i) {
                c.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Count one Vision call answered with a fixture.
    pub(crate) fn vision_answered(&self, id: &str) {
        if let Some(i) = ROUTES.iter().position(|r| r.endpoint.id == id) {
            if let Some(c) = self.vision_answered.get(i) {
                c.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// A consistent-enough snapshot (the store's figures left at 0).
    pub(crate) fn snapshot(&self) -> Stats {
        let requests_map = self
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let mut requests = BTreeMap::new();
        for ((method, route), n) in requests_map {
            let key = match route.template() {
                Some(t) => format!("{method} {t}"),
                None => format!("{method} (unknown)"),
            };
            *requests.entry(key).or_insert(0) += n;
        }
        Stats {
            sessions_created: self.sessions_created.load(Ordering::Relaxed),
            sessions_by_kind: KINDS
                .iter()
                .zip(self.by_kind.iter())
                .map(|(k, c)| (k.resource.to_owned(), c.load(Ordering::Relaxed)))
                .collect(),
            sessions_stored: 0,
            sessions_evicted: 0,
            requests_total: self.requests_total.load(Ordering::Relaxed),
            requests,
            vision_answered: ROUTES
                .iter()
                .zip(self.vision_answered.iter())
                .map(|(r, c)| (r.endpoint.id.to_owned(), c.load(Ordering::Relaxed)))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_names() {
        let c = Counters::new();
        c.request(&Method::POST, RouteKey::Collection("ktp-sessions"));
        c.request(&Method::POST, RouteKey::Collection("ktp-sessions"));
        c.request(&Method::GET, RouteKey::Item("ktp-sessions"));
        c.request(&Method::from_bytes(b"BREW").unwrap(), RouteKey::Unknown);
        c.session_created(crate::kinds::by_resource("ktp-sessions").unwrap());
        let s = c.snapshot();
        assert_eq!(s.requests_total, 4);
        assert_eq!(s.requests["POST /ocr/v1/ktp-sessions"], 2);
        assert_eq!(s.requests["GET /ocr/v1/ktp-sessions/{sid}"], 1);
        assert_eq!(s.requests["OTHER (unknown)"], 1);
        assert_eq!(s.sessions_created, 1);
        assert_eq!(s.sessions_by_kind["ktp-sessions"], 1);
        assert_eq!(s.sessions_by_kind["npwp-sessions"], 0);
        assert_eq!(s.sessions_by_kind.len(), KINDS.len());
        c.request(&Method::POST, RouteKey::Vision("O2"));
        c.vision_answered("O2");
        let s = c.snapshot();
        assert_eq!(s.requests["POST /ocr/v1/ktp/qualities"], 1);
        assert_eq!(s.vision_answered["O2"], 1);
        assert_eq!(s.vision_answered["F1"], 0);
        assert_eq!(s.vision_answered.len(), ROUTES.len());
    }
}
