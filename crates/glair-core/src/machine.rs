//! [`Machine`]: what a driver runs (see the trait's docs).

use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};

use crate::engine::AttemptPlan;
use crate::error::{DispatchError, TransportError};
use crate::retry::AttemptOutcome;
use crate::time::{Instant, SystemTime};

#[cfg(doc)]
use crate::call::Call;

/// What a machine asks its driver to do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Next {
    /// Send [`Machine::request`] once, as this plan says (its number and time limit: give up
    /// after `plan.timeout`); then feed the result to [`Machine::on_attempt`].
    Send(AttemptPlan),
    /// Sleep this long, then ask again.
    Sleep(Duration),
    /// The machine is done: call [`Machine::finish`].
    Done,
}

/// What became of one attempt, as the driver saw it.
#[derive(Debug)]
#[non_exhaustive]
pub enum Attempt {
    /// A response arrived, whole (any status).
    Response(Response<Bytes>),
    /// The transport failed (a blocking transport's own timeout included: the machine judges
    /// whether that was the attempt's deadline firing).
    Failed(TransportError),
    /// The driver's timer fired before the transport answered; the attempt was abandoned.
    TimedOut,
}

impl Attempt {
    /// The outcome as the retry engine reads it.
    pub fn outcome(&self) -> AttemptOutcome<'_> {
        match self {
            Self::Response(response) => AttemptOutcome::Response {
                status: response.status(),
                // Read only where the engine reads it: a success is never retried.
                retry_after: if response.status().is_success() {
                    None
                } else {
                    response.headers().get(http::header::RETRY_AFTER)
                },
            },
            Self::Failed(error) => AttemptOutcome::TransportError(error),
            Self::TimedOut => AttemptOutcome::AttemptTimedOut,
        }
    }
}

/// [`Machine`]: what a driver runs. The protocol between the sans-IO machines ([`Call`],
/// and machines that nest one, such as the facade's wait) and the two drivers
/// ([`Dispatcher`](crate::Dispatcher), async; `BlockingDispatcher`, feature `blocking`).
///
/// The driver's whole job, in both flavours:
///
/// ```text
/// loop {
///     match machine.next(clock.now()) {
///         Next::Send(plan) => {
///             let Some(request) = machine.request() else { continue };
///             let attempt = send `request`, giving up after `plan.timeout`;
///             machine.on_attempt(attempt, clock.now(), clock.system_now(), jitter.sample());
///         }
///         Next::Sleep(pause) => sleep `pause`,
///         Next::Done => return machine.finish(),
///     }
/// }
/// ```
///
/// A machine does no I/O and reads no clock: everything it knows of time is what the driver
/// feeds it, which is how `FakeTime` tests every retry, timeout and wait without waiting.
pub trait Machine {
    /// What the machine ends with.
    type Output;

    /// Whether running this machine needs a timer (a retry pause, an attempt deadline, a poll
    /// interval). A driver without a working timer then calls [`refuse`](Machine::refuse)
    /// instead of running it.
    fn needs_timer(&self) -> bool;

    /// The driver cannot run this machine (no timer where one is needed): the machine ends
    /// with this error, made into its output.
    fn refuse(&mut self, error: DispatchError);

    /// What to do next, at `now` (monotonic).
    fn next(&mut self, now: Instant) -> Next;

    /// The request to send, once [`next`](Machine::next) has answered [`Next::Send`]: owned,
    /// since every transport consumes it. A request is built once per call; a machine hands
    /// that very request to the first attempt when it can make it again for a later one
    /// ([`Call::lend`]), and otherwise a copy ([`Call::new`]: the body is [`Bytes`], shared,
    /// not copied).
    ///
    /// `None` when the machine could not make the request again: it has recorded why, and its
    /// next answer is [`Next::Done`] with that error.
    fn request(&mut self) -> Option<Request<Bytes>>;

    /// Feeds the result of the attempt last asked for with [`Next::Send`], observed at `now`
    /// (`wall` is the wall-clock time, for `Retry-After` dates and expiry; `jitter` a sample
    /// in `[0, 1)` for backoff).
    fn on_attempt(&mut self, attempt: Attempt, now: Instant, wall: SystemTime, jitter: f64);

    /// The output, once [`next`](Machine::next) has answered [`Next::Done`].
    fn finish(self) -> Self::Output;
}

/// A boxed machine runs as the machine itself: a driver's future then holds a pointer, not
/// the machine, so moving the future (each `.await` of a caller does) copies 8 bytes instead
/// of a call's several hundred (the facade boxes its calls for this; glair-bench's callgrind
/// counts showed the copies costing more than the allocation).
impl<M: Machine> Machine for Box<M> {
    type Output = M::Output;

    fn needs_timer(&self) -> bool {
        (**self).needs_timer()
    }

    fn refuse(&mut self, error: DispatchError) {
        (**self).refuse(error);
    }

    fn next(&mut self, now: Instant) -> Next {
        (**self).next(now)
    }

    fn request(&mut self) -> Option<Request<Bytes>> {
        (**self).request()
    }

    fn on_attempt(&mut self, attempt: Attempt, now: Instant, wall: SystemTime, jitter: f64) {
        (**self).on_attempt(attempt, now, wall, jitter);
    }

    fn finish(self) -> Self::Output {
        (*self).finish()
    }
}
