//! The emulator clock: the system clock plus an offset that tests can advance.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The emulator's notion of "now", in milliseconds since the Unix epoch.
#[derive(Debug, Default)]
pub(crate) struct Clock {
    offset_ms: AtomicU64,
}

impl Clock {
    /// Now, in epoch milliseconds.
    pub(crate) fn now_ms(&self) -> u64 {
        system_ms().saturating_add(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Move the clock forward by `ms`; returns the new now.
    pub(crate) fn advance(&self, ms: u64) -> u64 {
        // fetch_update never fails with a closure that always returns Some.
        let _ = self
            .offset_ms
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |o| {
                Some(o.saturating_add(ms))
            });
        self.now_ms()
    }
}

fn system_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_moves_forward() {
        let c = Clock::default();
        let before = c.now_ms();
        let after = c.advance(86_400_000);
        assert!(after >= before + 86_400_000);
        assert!(c.now_ms() >= after);
    }
}
