//! [`UriCache`]: the request URIs of an [`ApiConfig`](super::ApiConfig)'s collection
//! endpoints (those without a path parameter), each built and parsed once.
//!
//! A session create sends the same URI every time; building its path and parsing it again
//! cost about 900 instructions per create (glair-bench under callgrind), more than anything
//! else left in building the request. A cached URI is cloned instead: two reference-count
//! increments.
//!
//! Bounds: at most [`SLOTS`] URIs per configuration (one per endpoint ever called, a few
//! hundred bytes each); none is ever evicted, and an endpoint that finds every slot taken
//! is built as before. Lock-free: each slot is set once, and a reader takes one atomic load
//! per slot it looks at.

use std::sync::{Arc, OnceLock};

use http::Uri;

/// How many URIs one configuration keeps: the catalog has fewer endpoints without a path
/// parameter than this.
pub(super) const SLOTS: usize = 32;

/// One cached URI and the endpoint it is for.
type Entry = (&'static str, &'static str, Uri);

/// Shared by the clones of one configuration (they send to the same URIs); a changed
/// configuration gets a new, empty one. It never makes two configurations unequal.
#[derive(Clone)]
pub(super) struct UriCache(Arc<[OnceLock<Entry>; SLOTS]>);

impl Default for UriCache {
    fn default() -> Self {
        Self(Arc::new([const { OnceLock::new() }; SLOTS]))
    }
}

impl PartialEq for UriCache {
    fn eq(&self, _: &Self) -> bool {
        // A cache of what the rest of the configuration determines.
        true
    }
}

impl Eq for UriCache {}

/// The same `&'static str`: most often the very same pointer, else the same text.
fn same(a: &'static str, b: &'static str) -> bool {
    a.len() == b.len() && (std::ptr::eq(a.as_ptr(), b.as_ptr()) || a == b)
}

impl UriCache {
    /// The URI of `service`/`resource`: the cached one, else `build`'s (kept when a slot is
    /// free). Probing starts at a slot picked from the names' lengths, so that a client
    /// using a handful of endpoints nearly always finds its URI at the first slot it reads.
    pub(super) fn get_or_build<E>(
        &self,
        service: &'static str,
        resource: &'static str,
        build: impl FnOnce() -> Result<Uri, E>,
    ) -> Result<Uri, E> {
        let start = (service.len() * 7 + resource.len()) % SLOTS;
        for probe in 0..SLOTS {
            let Some(slot) = self.0.get((start + probe) % SLOTS) else {
                break;
            };
            match slot.get() {
                Some((s, r, uri)) if same(s, service) && same(r, resource) => {
                    return Ok(uri.clone());
                }
                Some(_) => {}
                None => {
                    let uri = build()?;
                    // Another thread may fill the slot first (with this URI or another
                    // endpoint's): then this one is cached at a later call.
                    let _ = slot.set((service, resource, uri.clone()));
                    return Ok(uri);
                }
            }
        }
        build()
    }

    /// How many URIs are cached.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.0.iter().filter(|slot| slot.get().is_some()).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(n: usize) -> Result<Uri, ()> {
        Uri::try_from(format!("https://a.example/{n}")).map_err(|_| ())
    }

    #[test]
    fn each_endpoint_is_built_once_and_a_full_cache_still_answers() {
        let cache = UriCache::default();
        let names: Vec<&'static str> = (0..SLOTS + 5)
            .map(|n| &*Box::leak(format!("r{n}").into_boxed_str()))
            .collect();
        let mut builds = 0;
        for round in 0..3 {
            for (n, name) in names.iter().enumerate() {
                let got = cache.get_or_build("face", name, || {
                    builds += 1;
                    uri(n)
                });
                assert_eq!(got, uri(n), "round {round}, endpoint {n}");
            }
        }
        assert_eq!(cache.len(), SLOTS);
        // Every slot built once, then the 5 that found no slot built every round.
        assert_eq!(builds, SLOTS + 5 * 3);
        // The same names at other addresses find the same entries.
        let copy: &'static str = Box::leak(String::from("r0").into_boxed_str());
        assert_eq!(
            cache.get_or_build("face", copy, || Err(())),
            uri(0),
            "found by its text, not built again"
        );
    }

    #[test]
    fn a_failed_build_caches_nothing() {
        let cache = UriCache::default();
        assert_eq!(cache.get_or_build("face", "x", || Err("bad")), Err("bad"));
        assert_eq!(cache.len(), 0);
    }
}
