//! Randomness for backoff jitter, injectable so that tests are deterministic.
//!
//! The default source is a small self-contained SplitMix64 generator seeded from the standard
//! library's randomly keyed hasher: good enough to spread retries out, never used for anything
//! secret.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A source of uniform random numbers in `[0, 1)` for backoff jitter.
pub trait Jitter: Send + Sync + fmt::Debug {
    /// Returns a number in `[0, 1)`. Values outside that range are clamped by the caller.
    fn sample(&self) -> f64;
}

/// The default jitter source: SplitMix64 seeded from [`RandomState`].
#[derive(Debug)]
pub struct RandomJitter {
    state: AtomicU64,
}

impl RandomJitter {
    /// A generator with a fresh random seed.
    pub fn new() -> Self {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(0x676c_6169_722d_7273); // "glair-rs"
        Self::with_seed(hasher.finish())
    }

    /// A generator with a fixed seed (reproducible sequence).
    pub fn with_seed(seed: u64) -> Self {
        Self {
            state: AtomicU64::new(seed),
        }
    }

    fn next_u64(&self) -> u64 {
        const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut z = self
            .state
            .fetch_add(GAMMA, Ordering::Relaxed)
            .wrapping_add(GAMMA);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl Default for RandomJitter {
    fn default() -> Self {
        Self::new()
    }
}

impl Jitter for RandomJitter {
    fn sample(&self) -> f64 {
        // The top 53 bits give every representable multiple of 2^-53 in [0, 1).
        const SCALE: f64 = 1.0 / (1u64 << 53) as f64;
        (self.next_u64() >> 11) as f64 * SCALE
    }
}

/// Always returns the same value: for tests (`FixedJitter(1.0)` gives the full backoff,
/// `FixedJitter(0.0)` none).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FixedJitter(pub f64);

impl Jitter for FixedJitter {
    fn sample(&self) -> f64 {
        self.0
    }
}

/// A shareable [`Jitter`].
#[derive(Clone, Debug)]
pub struct SharedJitter(Arc<dyn Jitter>);

impl SharedJitter {
    /// Wraps a jitter source.
    pub fn new(jitter: impl Jitter + 'static) -> Self {
        Self(Arc::new(jitter))
    }
}

impl Default for SharedJitter {
    fn default() -> Self {
        Self::new(RandomJitter::new())
    }
}

impl From<Arc<dyn Jitter>> for SharedJitter {
    fn from(jitter: Arc<dyn Jitter>) -> Self {
        Self(jitter)
    }
}

impl Jitter for SharedJitter {
    fn sample(&self) -> f64 {
        self.0.sample()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_are_in_unit_interval_and_vary() {
        let j = RandomJitter::with_seed(42);
        let samples: Vec<f64> = (0..10_000).map(|_| j.sample()).collect();
        assert!(samples.iter().all(|s| (0.0..1.0).contains(s)));
        let mean = samples.iter().sum::<f64>() / samples.len() as f64;
        assert!((0.45..0.55).contains(&mean), "mean {mean}");
        let distinct: std::collections::HashSet<u64> =
            samples.iter().map(|s| s.to_bits()).collect();
        assert!(distinct.len() > 9_990);
    }

    #[test]
    fn seeded_is_reproducible_and_fresh_seeds_differ() {
        let a = RandomJitter::with_seed(7);
        let b = RandomJitter::with_seed(7);
        assert_eq!(a.sample().to_bits(), b.sample().to_bits());
        let x = RandomJitter::new();
        let y = RandomJitter::new();
        let xs: Vec<u64> = (0..4).map(|_| x.sample().to_bits()).collect();
        let ys: Vec<u64> = (0..4).map(|_| y.sample().to_bits()).collect();
        assert_ne!(xs, ys);
    }

    #[test]
    fn fixed() {
        assert_eq!(SharedJitter::new(FixedJitter(0.25)).sample(), 0.25);
    }
}
