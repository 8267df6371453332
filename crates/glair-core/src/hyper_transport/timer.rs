//! A [`hyper::rt::Timer`] that needs no runtime: the crate's one timer thread.
//!
//! hyper-util's `TokioTimer` (and `HttpConnector`'s own connect timeout) call
//! `tokio::time::sleep`, which panics on a tokio runtime built without the time driver, and
//! tokio offers no way to ask whether the driver is there. Timing the transport's connect and
//! its pool's idle reaper on the crate's own timer thread (see `timer_thread`) instead works
//! on every runtime, with or without tokio's timer. Should the OS refuse to start that
//! thread, the dispatcher reports a missing timer before sending.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use crate::timer_thread::Sleep as Delay;

/// The timer given to hyper-util's connection pool.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct ThreadTimer;

impl hyper::rt::Timer for ThreadTimer {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn hyper::rt::Sleep>> {
        Box::pin(ThreadSleep(Delay::new(duration)))
    }

    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn hyper::rt::Sleep>> {
        Box::pin(ThreadSleep(Delay::until(deadline)))
    }

    fn reset(&self, sleep: &mut Pin<Box<dyn hyper::rt::Sleep>>, new_deadline: Instant) {
        *sleep = self.sleep_until(new_deadline);
    }
}

struct ThreadSleep(Delay);

impl Future for ThreadSleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.0).poll(cx)
    }
}

impl hyper::rt::Sleep for ThreadSleep {}

/// Runs `future` for at most `limit`; `None` when the time ran out first.
pub(crate) async fn within<F: Future>(limit: Duration, future: F) -> Option<F::Output> {
    let mut future = std::pin::pin!(future);
    let mut delay = Delay::new(limit);
    std::future::poll_fn(|cx| {
        if let Poll::Ready(output) = future.as_mut().poll(cx) {
            return Poll::Ready(Some(output));
        }
        match Pin::new(&mut delay).poll(cx) {
            Poll::Ready(()) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_without_any_runtime() {
        let quick = pollster::block_on(within(Duration::from_secs(5), async { 7 }));
        assert_eq!(quick, Some(7));
        let slow = pollster::block_on(within(
            Duration::from_millis(20),
            std::future::pending::<()>(),
        ));
        assert_eq!(slow, None);
    }
}
