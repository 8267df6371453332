//! The name resolver of [`UreqTransport`](super::UreqTransport): bounded threads, cached
//! answers, cached failures.
//!
//! Why not ureq's own: when a request has a time limit (every attempt here has one) ureq
//! starts a thread per lookup so that it can abandon the lookup at the deadline; during a DNS
//! outage every abandoned thread stays blocked in the system resolver, so threads and file
//! descriptors grow with every request. This resolver:
//!
//! - answers an IP address at once, no lookup, no thread;
//! - keeps a host name's addresses for [`TTL`] after a successful lookup and a failure for
//!   [`FAILURE_TTL`], for at most [`MAX_HOSTS`] hosts (the addresses only matter for new
//!   connections: a pooled connection is reused whatever they are);
//! - runs each lookup on its own short-lived `glair-dns` thread, **at most [`MAX_LOOKUPS`] at
//!   once**, one per host name: callers asking for a name already being looked up wait for
//!   that lookup instead of starting another; a caller whose time runs out stops waiting
//!   (the lookup is counted as timed out) while the thread finishes on its own.
//!
//! So the threads this transport ever starts are these, and only while a lookup runs.

use std::fmt;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use http::Uri;
use ureq::config::Config;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// How long a host name's addresses are kept.
pub(crate) const TTL: Duration = Duration::from_secs(30);
/// How long a failed lookup is remembered (a name that does not resolve fails at once).
pub(crate) const FAILURE_TTL: Duration = Duration::from_secs(5);
/// How many host names are kept at most (the SDK talks to one or two).
pub(crate) const MAX_HOSTS: usize = 8;
/// Lookup threads running at once, at most.
pub(crate) const MAX_LOOKUPS: usize = 4;

/// The system lookup, injectable for tests.
type LookupFn = Arc<dyn Fn(&str) -> std::io::Result<Vec<SocketAddr>> + Send + Sync>;

/// See the [module docs](self).
#[derive(Clone)]
pub(crate) struct CachingResolver {
    shared: Arc<Shared>,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
    lookup: LookupFn,
    timed_out: AtomicU64,
    threads_started: AtomicU64,
}

#[derive(Default)]
struct State {
    cache: Vec<Entry>,
    /// `host:port` keys being looked up now, one thread each.
    pending: Vec<String>,
}

struct Entry {
    host_and_port: String,
    at: Instant,
    /// `None`: the lookup failed.
    addrs: Option<Vec<SocketAddr>>,
}

impl Entry {
    fn fresh(&self, now: Instant) -> bool {
        let ttl = if self.addrs.is_some() {
            TTL
        } else {
            FAILURE_TTL
        };
        now.saturating_duration_since(self.at) < ttl
    }
}

impl Default for CachingResolver {
    fn default() -> Self {
        Self::with_lookup(Arc::new(|host_and_port: &str| {
            host_and_port.to_socket_addrs().map(Iterator::collect)
        }))
    }
}

impl fmt::Debug for CachingResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachingResolver")
            .field("timed_out_lookups", &self.timed_out_lookups())
            .finish_non_exhaustive()
    }
}

impl CachingResolver {
    fn with_lookup(lookup: LookupFn) -> Self {
        Self {
            shared: Arc::new(Shared {
                state: Mutex::new(State::default()),
                changed: Condvar::new(),
                lookup,
                timed_out: AtomicU64::new(0),
                threads_started: AtomicU64::new(0),
            }),
        }
    }

    /// Lookups a caller stopped waiting for because its time ran out.
    pub(crate) fn timed_out_lookups(&self) -> u64 {
        self.shared.timed_out.load(Ordering::Relaxed)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the cache inconsistent (each change is
        // one push or removal): keep going with it.
        self.shared
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The addresses of `key` (`host:port`), waiting at most until `deadline`.
    fn addresses(
        &self,
        key: &str,
        deadline: Option<Instant>,
        reason: ureq::Timeout,
    ) -> Result<Vec<SocketAddr>, ureq::Error> {
        let mut state = self.lock();
        loop {
            let now = Instant::now();
            if let Some(entry) = state
                .cache
                .iter()
                .find(|e| e.host_and_port == key && e.fresh(now))
            {
                return entry.addrs.clone().ok_or(ureq::Error::HostNotFound);
            }
            if !state.pending.iter().any(|k| k == key) && state.pending.len() < MAX_LOOKUPS {
                self.start_lookup(&mut state, key)?;
            }
            state = match deadline {
                None => self
                    .shared
                    .changed
                    .wait(state)
                    .unwrap_or_else(std::sync::PoisonError::into_inner),
                Some(deadline) => {
                    let Some(left) = deadline
                        .checked_duration_since(now)
                        .filter(|d| !d.is_zero())
                    else {
                        self.shared.timed_out.fetch_add(1, Ordering::Relaxed);
                        return Err(ureq::Error::Timeout(reason));
                    };
                    self.shared
                        .changed
                        .wait_timeout(state, left)
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .0
                }
            };
        }
    }

    fn start_lookup(&self, state: &mut State, key: &str) -> Result<(), ureq::Error> {
        let shared = Arc::clone(&self.shared);
        let owned = key.to_owned();
        let spawned = std::thread::Builder::new()
            .name("glair-dns".to_owned())
            .spawn(move || {
                let result = (shared.lookup)(&owned).ok().filter(|a| !a.is_empty());
                let mut state = shared
                    .state
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                state.pending.retain(|k| *k != owned);
                let now = Instant::now();
                state
                    .cache
                    .retain(|e| e.host_and_port != owned && e.fresh(now));
                if state.cache.len() >= MAX_HOSTS {
                    state.cache.remove(0);
                }
                state.cache.push(Entry {
                    host_and_port: owned,
                    at: now,
                    addrs: result,
                });
                drop(state);
                shared.changed.notify_all();
            });
        match spawned {
            Ok(_) => {
                self.shared.threads_started.fetch_add(1, Ordering::Relaxed);
                state.pending.push(key.to_owned());
                Ok(())
            }
            Err(e) => Err(ureq::Error::Io(e)),
        }
    }
}

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        if let Some(addr) = ip_address(uri) {
            let mut addrs = self.empty();
            addrs.push(addr);
            return Ok(addrs);
        }
        let key = match (uri.scheme(), uri.authority()) {
            (Some(scheme), Some(authority)) => DefaultResolver::host_and_port(scheme, authority),
            _ => None,
        };
        let Some(key) = key else {
            // Not a full URI: ureq's resolver says what is wrong with it (no lookup).
            return DefaultResolver::default().resolve(uri, config, timeout);
        };
        let deadline = if timeout.after.is_not_happening() {
            None
        } else {
            Instant::now().checked_add(*timeout.after)
        };
        let found = self.addresses(&key, deadline, timeout.reason)?;
        let mut addrs = self.empty();
        // ureq keeps at most 16 addresses.
        for addr in found.into_iter().take(16) {
            addrs.push(addr);
        }
        Ok(addrs)
    }
}

/// The address of a URI whose host is an IP address (`http://127.0.0.1:8080`,
/// `https://[::1]`), with the scheme's default port when none is given.
fn ip_address(uri: &Uri) -> Option<SocketAddr> {
    let host = uri.host()?;
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let ip: IpAddr = host.parse().ok()?;
    let port = uri.port_u16().or_else(|| match uri.scheme_str() {
        Some("https") => Some(443),
        Some("http") => Some(80),
        _ => None,
    })?;
    Some(SocketAddr::new(ip, port))
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;

    fn resolve_within(
        resolver: &CachingResolver,
        uri: &str,
        limit: Duration,
    ) -> Result<Vec<SocketAddr>, ureq::Error> {
        let uri: Uri = uri.parse().unwrap();
        let config = Config::default();
        let timeout = NextTimeout {
            after: limit.into(),
            reason: ureq::Timeout::Resolve,
            per_read: None,
            per_write: None,
        };
        resolver
            .resolve(&uri, &config, timeout)
            .map(|a| a.iter().copied().collect())
    }

    fn resolve(resolver: &CachingResolver, uri: &str) -> Result<Vec<SocketAddr>, ureq::Error> {
        resolve_within(resolver, uri, Duration::from_secs(5))
    }

    #[test]
    fn ip_addresses_need_no_lookup() {
        let resolver = CachingResolver::default();
        assert_eq!(
            resolve(&resolver, "http://127.0.0.1:8080/x").unwrap(),
            vec!["127.0.0.1:8080".parse().unwrap()]
        );
        assert_eq!(
            resolve(&resolver, "https://[::1]/x").unwrap(),
            vec!["[::1]:443".parse().unwrap()]
        );
        assert!(resolver.lock().cache.is_empty());
        assert_eq!(resolver.shared.threads_started.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn names_are_looked_up_once_and_kept() {
        let resolver = CachingResolver::default();
        let first = resolve(&resolver, "http://localhost:9/").unwrap();
        assert!(!first.is_empty());
        assert_eq!(
            resolve(&resolver, "http://localhost:9/other").unwrap(),
            first
        );
        assert_eq!(resolver.lock().cache.len(), 1);
        assert_eq!(resolver.shared.threads_started.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn failures_are_kept_briefly() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&calls);
        let resolver = CachingResolver::with_lookup(Arc::new(move |_: &str| {
            counted.fetch_add(1, Ordering::SeqCst);
            Err(std::io::Error::other("no such host"))
        }));
        for _ in 0..20 {
            assert!(matches!(
                resolve(&resolver, "https://nowhere.test/"),
                Err(ureq::Error::HostNotFound)
            ));
        }
        assert_eq!(
            calls.load(Ordering::SeqCst),
            1,
            "one lookup, then the cached failure"
        );
    }

    /// A resolver that never answers (a DNS outage): 100 calls with short time limits start
    /// at most `MAX_LOOKUPS` threads, each call times out and is counted, nothing piles up.
    #[test]
    fn an_outage_starts_few_threads() {
        let release = Arc::new((Mutex::new(false), Condvar::new()));
        let blocked = Arc::clone(&release);
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let (r, m) = (Arc::clone(&running), Arc::clone(&most));
        let resolver = CachingResolver::with_lookup(Arc::new(move |_: &str| {
            let now = r.fetch_add(1, Ordering::SeqCst) + 1;
            m.fetch_max(now, Ordering::SeqCst);
            let (lock, cvar) = &*blocked;
            let mut done = lock.lock().unwrap();
            while !*done {
                done = cvar.wait(done).unwrap();
            }
            r.fetch_sub(1, Ordering::SeqCst);
            Err(std::io::Error::other("outage"))
        }));
        for i in 0..100 {
            // Ten host names: coalescing per name and the thread limit both count.
            let uri = format!("https://host{}.test/", i % 10);
            let err = resolve_within(&resolver, &uri, Duration::from_millis(5)).unwrap_err();
            assert!(
                matches!(err, ureq::Error::Timeout(ureq::Timeout::Resolve)),
                "{err:?}"
            );
        }
        assert_eq!(resolver.timed_out_lookups(), 100);
        let started = resolver.shared.threads_started.load(Ordering::Relaxed);
        assert!(started <= MAX_LOOKUPS as u64, "{started} threads");
        assert!(most.load(Ordering::SeqCst) <= MAX_LOOKUPS);
        assert_eq!(resolver.lock().pending.len(), MAX_LOOKUPS);
        // The outage ends: the threads finish and their failures are cached.
        *release.0.lock().unwrap() = true;
        release.1.notify_all();
        let deadline = Instant::now() + Duration::from_secs(5);
        while running.load(Ordering::SeqCst) > 0 || !resolver.lock().pending.is_empty() {
            assert!(Instant::now() < deadline, "lookup threads did not finish");
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(matches!(
            resolve(&resolver, "https://host0.test/"),
            Err(ureq::Error::HostNotFound)
        ));
    }

    #[test]
    fn the_cache_is_bounded() {
        let resolver = CachingResolver::with_lookup(Arc::new(|_: &str| {
            Ok(vec!["10.0.0.1:443".parse().unwrap()])
        }));
        for i in 0..(MAX_HOSTS + 5) {
            resolve(&resolver, &format!("https://host{i}.test/")).unwrap();
        }
        let state = resolver.lock();
        assert_eq!(state.cache.len(), MAX_HOSTS);
        assert!(
            !state
                .cache
                .iter()
                .any(|e| e.host_and_port == "host0.test:443")
        );
    }
}
