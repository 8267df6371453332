//! The emulator clock: the system clock plus an offset that tests can advance, bounded so
//! that every instant it shows can be written as an HTTP date.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The latest instant the clock can show: 9999-12-31T23:59:59.999Z, in epoch milliseconds.
/// HTTP dates have four-digit years (and `httpdate` panics past them); an advance that would
/// pass this instant is refused.
pub(crate) const MAX_NOW_MS: u64 = 253_402_300_799_999;

/// The emulator's notion of "now", in milliseconds since the Unix epoch.
#[derive(Debug, Default)]
pub(crate) struct Clock {
    offset_ms: AtomicU64,
}

/// An advance that would move the clock past [`MAX_NOW_MS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PastTheEnd {
    /// The most the clock can still be advanced, in milliseconds.
    pub(crate) room_ms: u64,
}

impl Clock {
    /// Now, in epoch milliseconds (never past [`MAX_NOW_MS`]).
    pub(crate) fn now_ms(&self) -> u64 {
        system_ms()
            .saturating_add(self.offset_ms.load(Ordering::Relaxed))
            .min(MAX_NOW_MS)
    }

    /// Move the clock forward by `ms`; returns the new now, or refuses (moving nothing) an
    /// advance past [`MAX_NOW_MS`].
    pub(crate) fn advance(&self, ms: u64) -> Result<u64, PastTheEnd> {
        let mut room_ms = 0;
        self.offset_ms
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |offset| {
                let now = system_ms().saturating_add(offset);
                room_ms = MAX_NOW_MS.saturating_sub(now);
                (ms <= room_ms).then(|| offset.saturating_add(ms))
            })
            .map_err(|_| PastTheEnd { room_ms })?;
        Ok(self.now_ms())
    }

    /// Moves the clock forward by `ms`, or to [`MAX_NOW_MS`] if that is sooner.
    pub(crate) fn advance_clamped(&self, ms: u64) -> u64 {
        match self.advance(ms) {
            Ok(now) => now,
            Err(PastTheEnd { room_ms }) => self.advance(room_ms).unwrap_or_else(|_| self.now_ms()),
        }
    }
}

fn system_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn advance_moves_forward() {
        let c = Clock::default();
        let before = c.now_ms();
        let after = c.advance(86_400_000).unwrap();
        assert!(after >= before + 86_400_000);
        assert!(c.now_ms() >= after);
    }

    #[test]
    fn the_clock_stops_at_the_end_of_year_9999() {
        let c = Clock::default();
        let before = c.now_ms();
        let refused = c.advance(253_402_300_800_000).unwrap_err();
        assert!(refused.room_ms < MAX_NOW_MS);
        // Nothing moved.
        assert!(c.now_ms() < before + 60_000);
        assert!(c.advance(u64::MAX).is_err());
        assert_eq!(c.advance_clamped(u64::MAX), MAX_NOW_MS);
        // Every instant it can show is an HTTP date.
        let at_end = UNIX_EPOCH + std::time::Duration::from_millis(c.now_ms());
        assert!(httpdate::fmt_http_date(at_end).contains("9999"));
        assert!(c.advance(1).is_err());
    }
}
