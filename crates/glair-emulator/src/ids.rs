//! Identifiers: session ids (random, 32 alphanumeric characters) and `Request-Id` values.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};

const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Length of a session id.
pub(crate) const SID_LEN: usize = 32;

/// Generates ids. Session ids come from SipHash keyed with per-process random keys over a
/// counter (unpredictable, ~190 bits); request ids are a bijective mix of a counter (unique).
#[derive(Debug)]
pub(crate) struct IdGen {
    keys: RandomState,
    sid_counter: AtomicU64,
    request_counter: AtomicU64,
    request_seed: u64,
}

impl IdGen {
    pub(crate) fn new() -> Self {
        let keys = RandomState::new();
        let request_seed = keys.hash_one("request-id-seed");
        IdGen {
            keys,
            sid_counter: AtomicU64::new(0),
            request_counter: AtomicU64::new(0),
            request_seed,
        }
    }

    /// A fresh random 32-character alphanumeric session id.
    pub(crate) fn sid(&self) -> String {
        let n = self.sid_counter.fetch_add(1, Ordering::Relaxed);
        let mut out = String::with_capacity(SID_LEN);
        let mut word = 0u64;
        let mut left = 0;
        let mut round = 0u64;
        while out.len() < SID_LEN {
            if left == 0 {
                word = self.keys.hash_one((n, round));
                round += 1;
                // 62^10 < 2^64: ten digits per word are close enough to uniform.
                left = 10;
            }
            let digit = usize::try_from(word % 62).unwrap_or(0);
            out.push(char::from(ALPHABET[digit]));
            word /= 62;
            left -= 1;
        }
        out
    }

    /// A unique 16-hex-digit request id.
    pub(crate) fn request_id(&self) -> String {
        let n = self.request_counter.fetch_add(1, Ordering::Relaxed);
        format!("{:016x}", splitmix64(self.request_seed.wrapping_add(n)))
    }
}

/// The SplitMix64 finalizer: a bijection on `u64`, so distinct inputs give distinct ids.
fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Whether `s` looks like a session id (any length up to 64, alphanumeric).
pub(crate) fn plausible_sid(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn sids_are_32_alphanumeric_and_distinct() {
        let ids = IdGen::new();
        let mut seen = HashSet::new();
        for _ in 0..10_000 {
            let sid = ids.sid();
            assert_eq!(sid.len(), SID_LEN);
            assert!(sid.bytes().all(|b| b.is_ascii_alphanumeric()));
            assert!(seen.insert(sid));
        }
    }

    #[test]
    fn request_ids_are_16_hex_and_distinct() {
        let ids = IdGen::new();
        let mut seen = HashSet::new();
        for _ in 0..10_000 {
            let id = ids.request_id();
            assert_eq!(id.len(), 16);
            assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
            assert!(seen.insert(id));
        }
    }
}
