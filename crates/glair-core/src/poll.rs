//! The polling plan: [`PollPlan`] (its docs describe the loop and its invariants).

use std::time::Duration;

use crate::time::Instant;

/// What the polling driver does next.
///
/// Non-exhaustive, as every output of a machine: a new step can be added without breaking a driver
/// written outside this crate; a driver's wildcard arm should stop polling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PollStep {
    /// Poll now; give the poll up at `deadline` (`None`: the wait has no deadline).
    Poll {
        /// The wait's deadline, which bounds the poll too.
        deadline: Option<Instant>,
    },
    /// Pause this long, then call [`PollPlan::begin_poll`].
    Pause(Duration),
    /// The wait's deadline has passed (or a pause would only reach it): stop polling.
    TimedOut,
}

/// The shortest pause between polls: 1 ms (a zero interval would spin).
pub const MIN_POLL_INTERVAL: Duration = Duration::from_millis(1);

/// A wait's polling schedule: when to poll, how long each poll may take, when to give up.
/// Sans-IO like the retry engine: it is fed each poll's outcome and the time, and answers
/// what to do next.
///
/// The plan knows nothing about what is polled. Its driver (`glair`'s `wait`) judges each
/// answer (done, or still pending) and tells the plan only what it needs:
///
/// 1. [`PollPlan::begin_poll`] answers [`PollStep::Poll`] with the poll's deadline (the
///    driver caps the poll's own deadline with it, so that a poll in flight cannot outlast the
///    wait), or [`PollStep::TimedOut`].
/// 2. After a pending answer, [`PollPlan::on_pending`] (optionally with a time by which the
///    thing polled changes on its own, such as an expiry); after a transient failure,
///    [`PollPlan::on_transient_failure`]. Either answers [`PollStep::Pause`] or
///    [`PollStep::TimedOut`].
///
/// Invariants: no poll starts at or after the deadline, no poll's deadline and no pause's end
/// is past it; pauses start at `interval` and grow by half up to `max_interval`; all
/// arithmetic saturates (any `Duration`, `Duration::MAX` included, is accepted).
///
/// ```
/// use std::time::{Duration, Instant};
/// use glair_core::{PollPlan, PollStep};
///
/// let start = Instant::now();
/// let s = Duration::from_secs;
/// let mut plan = PollPlan::new(s(2), s(15), s(5), start);
/// assert_eq!(plan.begin_poll(start), PollStep::Poll { deadline: Some(start + s(5)) });
/// assert_eq!(plan.on_pending(start, None), PollStep::Pause(s(2)));
/// assert_eq!(plan.begin_poll(start + s(2)), PollStep::Poll { deadline: Some(start + s(5)) });
/// assert_eq!(plan.on_pending(start + s(2), None), PollStep::Pause(s(3)));
/// // The pause reached the deadline: the wait is over.
/// assert_eq!(plan.begin_poll(start + s(5)), PollStep::TimedOut);
/// ```
#[derive(Clone, Debug)]
pub struct PollPlan {
    deadline: Option<Instant>,
    interval: Duration,
    max_interval: Duration,
    polls: u32,
}

impl PollPlan {
    /// A wait starting at `now`: first pause `interval` (at least [`MIN_POLL_INTERVAL`]),
    /// growing by half each poll up to `max_interval`, giving up `max_wait` after `now` (a
    /// `max_wait` too long to represent means no deadline).
    pub fn new(
        interval: Duration,
        max_interval: Duration,
        max_wait: Duration,
        now: Instant,
    ) -> Self {
        let interval = interval.max(MIN_POLL_INTERVAL);
        Self {
            deadline: now.checked_add(max_wait),
            interval,
            max_interval: max_interval.max(interval),
            polls: 0,
        }
    }

    /// The wait's deadline, if any.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// Polls started so far.
    pub fn polls(&self) -> u32 {
        self.polls
    }

    /// The pause the next pending answer would get, before capping by the deadline.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    fn time_left(&self, now: Instant) -> Option<Duration> {
        self.deadline.map(|d| d.saturating_duration_since(now))
    }

    /// Plans a poll at `now`, or says the wait has timed out.
    pub fn begin_poll(&mut self, now: Instant) -> PollStep {
        if self.time_left(now).is_some_and(|left| left.is_zero()) {
            return PollStep::TimedOut;
        }
        self.polls = self.polls.saturating_add(1);
        PollStep::Poll {
            deadline: self.deadline,
        }
    }

    /// The poll answered "pending" at `now`. `changes_within`: the time after which the polled
    /// thing changes on its own (an expiry): the pause ends no later than a millisecond after.
    pub fn on_pending(&mut self, now: Instant, changes_within: Option<Duration>) -> PollStep {
        let pause = match changes_within {
            Some(change) => self.interval.min(change.saturating_add(MIN_POLL_INTERVAL)),
            None => self.interval,
        };
        self.pause(now, pause)
    }

    /// The poll failed at `now` in a way another poll may not.
    pub fn on_transient_failure(&mut self, now: Instant) -> PollStep {
        self.pause(now, self.interval)
    }

    fn pause(&mut self, now: Instant, pause: Duration) -> PollStep {
        self.interval = next_interval(self.interval, self.max_interval);
        match self.time_left(now) {
            Some(left) if left.is_zero() => PollStep::TimedOut,
            Some(left) => PollStep::Pause(pause.min(left)),
            None => PollStep::Pause(pause),
        }
    }
}

/// Grows an interval by half, up to `max`; saturating, so no `Duration` overflows.
fn next_interval(current: Duration, max: Duration) -> Duration {
    current.saturating_add(current / 2).min(max.max(current))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn s(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    #[test]
    fn schedule_grows_by_half_to_the_max() {
        let start = Instant::now();
        let mut plan = PollPlan::new(s(2), s(5), s(600), start);
        let mut now = start;
        let mut pauses = Vec::new();
        for _ in 0..5 {
            assert!(matches!(plan.begin_poll(now), PollStep::Poll { .. }));
            let PollStep::Pause(p) = plan.on_pending(now, None) else {
                panic!()
            };
            pauses.push(p);
            now += p;
        }
        assert_eq!(
            pauses,
            vec![s(2), s(3), Duration::from_millis(4500), s(5), s(5)]
        );
        assert_eq!(plan.polls(), 5);
    }

    #[test]
    fn expiry_and_failures_and_deadline() {
        let start = Instant::now();
        let mut plan = PollPlan::new(s(10), s(10), s(60), start);
        plan.begin_poll(start);
        assert_eq!(
            plan.on_pending(start, Some(s(3))),
            PollStep::Pause(s(3) + MIN_POLL_INTERVAL)
        );
        plan.begin_poll(start);
        assert_eq!(
            plan.on_transient_failure(start + s(55)),
            PollStep::Pause(s(5))
        );
        assert_eq!(plan.begin_poll(start + s(60)), PollStep::TimedOut);
        assert_eq!(plan.on_transient_failure(start + s(61)), PollStep::TimedOut);
    }

    #[test]
    fn huge_and_zero_values_never_panic() {
        let start = Instant::now();
        let mut plan = PollPlan::new(Duration::MAX, Duration::MAX, Duration::MAX, start);
        assert_eq!(plan.begin_poll(start), PollStep::Poll { deadline: None });
        assert_eq!(
            plan.on_pending(start, Some(Duration::MAX)),
            PollStep::Pause(Duration::MAX)
        );
        assert_eq!(plan.on_pending(start, None), PollStep::Pause(Duration::MAX));
        let mut plan = PollPlan::new(Duration::ZERO, Duration::ZERO, Duration::ZERO, start);
        assert_eq!(plan.begin_poll(start), PollStep::TimedOut);
        assert_eq!(plan.polls(), 0);
        let mut plan = PollPlan::new(Duration::ZERO, Duration::ZERO, s(1), start);
        plan.begin_poll(start);
        assert_eq!(
            plan.on_pending(start, None),
            PollStep::Pause(MIN_POLL_INTERVAL)
        );
        assert_eq!(next_interval(Duration::MAX, Duration::MAX), Duration::MAX);
    }

    proptest! {
        /// A simulated wait never polls at or after its deadline and never pauses past it.
        #[test]
        fn a_wait_never_passes_max_wait(
            interval_ms in 0u64..100_000,
            max_interval_ms in 0u64..200_000,
            max_wait_ms in 0u64..1_000_000,
            poll_costs in proptest::collection::vec(0u64..50_000, 64),
            hints in proptest::collection::vec(proptest::option::of(0u64..100_000), 64),
            failures in proptest::collection::vec(any::<bool>(), 64),
        ) {
            let ms = Duration::from_millis;
            let start = Instant::now();
            let mut plan = PollPlan::new(ms(interval_ms), ms(max_interval_ms), ms(max_wait_ms), start);
            let deadline = start + ms(max_wait_ms);
            let mut now = start;
            for i in 0..64 {
                match plan.begin_poll(now) {
                    PollStep::Poll { deadline: poll_deadline } => {
                        prop_assert!(now < deadline);
                        prop_assert_eq!(poll_deadline, Some(deadline));
                        // The driver caps the poll by its deadline.
                        now = (now + ms(poll_costs[i])).min(deadline);
                        let step = if failures[i] {
                            plan.on_transient_failure(now)
                        } else {
                            plan.on_pending(now, hints[i].map(ms))
                        };
                        match step {
                            PollStep::Pause(p) => {
                                prop_assert!(p >= MIN_POLL_INTERVAL.min(deadline - now));
                                now += p;
                                prop_assert!(now <= deadline);
                            }
                            PollStep::TimedOut => { prop_assert!(now >= deadline); break; }
                            PollStep::Poll { .. } => prop_assert!(false),
                        }
                    }
                    PollStep::TimedOut => { prop_assert!(now >= deadline); break; }
                    PollStep::Pause(_) => prop_assert!(false),
                }
            }
            prop_assert!(now <= deadline);
        }
    }
}
