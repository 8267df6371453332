//! The name resolver of [`UreqTransport`](super::UreqTransport).
//!
//! Why not ureq's own: ureq resolves the host before every request, pooled connection or
//! not, and when the request has a time limit (every attempt here has one) its resolver
//! starts a thread per lookup so that the lookup can be abandoned at the deadline. That is
//! one OS thread per request — measured by `glair-bench` at about three times the CPU of the
//! same requests without a limit. This resolver keeps ureq's for real lookups and avoids the
//! rest:
//!
//! - an IP address needs no lookup at all: it is answered at once, no thread;
//! - a host name's addresses are kept for [`TTL`] after a successful lookup (failures are
//!   not kept), for at most [`MAX_HOSTS`] hosts. The addresses only matter for new
//!   connections (a pooled connection is reused whatever they are), so a change of address
//!   reaches new connections within `TTL`.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use http::Uri;
use ureq::config::Config;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// How long a host name's addresses are kept.
pub(crate) const TTL: Duration = Duration::from_secs(30);
/// How many host names are kept at most (the SDK talks to one or two).
pub(crate) const MAX_HOSTS: usize = 8;

/// See the [module docs](self).
#[derive(Default)]
pub(crate) struct CachingResolver {
    inner: DefaultResolver,
    cache: Mutex<Vec<Entry>>,
}

struct Entry {
    host_and_port: String,
    resolved_at: Instant,
    addrs: ResolvedSocketAddrs,
}

impl fmt::Debug for CachingResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachingResolver").finish_non_exhaustive()
    }
}

impl CachingResolver {
    fn cached(&self, key: &str, now: Instant) -> Option<ResolvedSocketAddrs> {
        let cache = self.cache.lock().ok()?;
        cache
            .iter()
            .find(|e| e.host_and_port == key && now.duration_since(e.resolved_at) < TTL)
            .map(|e| e.addrs.clone())
    }

    fn keep(&self, key: String, now: Instant, addrs: &ResolvedSocketAddrs) {
        let Ok(mut cache) = self.cache.lock() else {
            return;
        };
        cache.retain(|e| e.host_and_port != key && now.duration_since(e.resolved_at) < TTL);
        if cache.len() >= MAX_HOSTS {
            cache.remove(0);
        }
        cache.push(Entry {
            host_and_port: key,
            resolved_at: now,
            addrs: addrs.clone(),
        });
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
            // Not a full URI: ureq's resolver says what is wrong with it.
            return self.inner.resolve(uri, config, timeout);
        };
        let now = Instant::now();
        if let Some(addrs) = self.cached(&key, now) {
            return Ok(addrs);
        }
        let addrs = self.inner.resolve(uri, config, timeout)?;
        self.keep(key, now, &addrs);
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
    use super::*;

    fn resolve(resolver: &CachingResolver, uri: &str) -> Result<Vec<SocketAddr>, ureq::Error> {
        let uri: Uri = uri.parse().unwrap();
        let config = Config::default();
        let timeout = NextTimeout {
            after: Duration::from_secs(5).into(),
            reason: ureq::Timeout::Resolve,
            per_read: None,
            per_write: None,
        };
        resolver
            .resolve(&uri, &config, timeout)
            .map(|a| a.iter().copied().collect())
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
        // Nothing was kept: only names are.
        assert!(resolver.cache.lock().unwrap().is_empty());
    }

    #[test]
    fn names_are_looked_up_once_and_kept() {
        let resolver = CachingResolver::default();
        let first = resolve(&resolver, "http://localhost:9/").unwrap();
        assert!(!first.is_empty());
        assert_eq!(resolver.cache.lock().unwrap().len(), 1);
        assert_eq!(
            resolve(&resolver, "http://localhost:9/other").unwrap(),
            first
        );
        assert_eq!(resolver.cache.lock().unwrap().len(), 1);
    }

    #[test]
    fn the_cache_is_bounded() {
        let resolver = CachingResolver::default();
        let now = Instant::now();
        for i in 0..(MAX_HOSTS + 5) {
            resolver.keep(format!("host{i}:443"), now, &resolver.empty());
        }
        assert_eq!(resolver.cache.lock().unwrap().len(), MAX_HOSTS);
        assert!(resolver.cached("host0:443", now).is_none());
        assert!(
            resolver
                .cached(&format!("host{}:443", MAX_HOSTS + 4), now)
                .is_some()
        );
        assert!(
            resolver
                .cached(&format!("host{}:443", MAX_HOSTS + 4), now + TTL)
                .is_none()
        );
    }
}
