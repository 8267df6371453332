//! The timer where tokio and threads are missing: wasm32 with a JavaScript runtime (feature
//! `fetch`). [`JsSleep`] waits on the global `setTimeout`; the clock it checks against is
//! [`crate::Instant`] (web-time's `performance.now()` on wasm32-unknown-unknown, where std's
//! `Instant::now()` panics).

#[cfg(all(feature = "fetch", target_arch = "wasm32"))]
pub use sleep::JsSleep;

#[cfg(all(feature = "fetch", target_arch = "wasm32"))]
mod sleep {
    use std::cell::RefCell;
    use std::future::Future;
    use std::pin::Pin;
    use std::rc::Rc;
    use std::task::{Context, Poll, Waker};
    use std::time::Duration;

    use crate::time::{Instant, Sleep, SleepFuture};
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};

    /// The longest delay `setTimeout` takes as given: 2³¹ − 1 ms (about 24.8 days). Longer
    /// delays are clamped to 1 ms by every runtime, so a longer sleep waits in steps.
    const MAX_TIMEOUT_MS: f64 = 2_147_483_647.0;

    /// The timer for wasm32 (feature `fetch`): the global `setTimeout` and `clearTimeout`
    /// of whatever JavaScript runtime runs the module (Node, Deno, Workers, browsers; no
    /// `window` needed).
    ///
    /// A sleep starts its timer when first polled and clears it when dropped, so a timeout
    /// that loses its race costs nothing. It ends when the clock (`performance.now()`) has
    /// reached its deadline: a timer that fires early is set again for the rest, and sleeps
    /// longer than `setTimeout`'s limit (2³¹ − 1 ms) wait in steps.
    ///
    /// [Available](Sleep::is_available) where the global scope has `setTimeout`.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct JsSleep;

    impl Sleep for JsSleep {
        fn sleep(&self, duration: Duration) -> SleepFuture {
            Box::pin(Timer {
                duration,
                deadline: None,
                armed: None,
                shared: Rc::new(RefCell::new(Shared::default())),
            })
        }

        fn is_available(&self) -> bool {
            global_function("setTimeout").is_some() && global_function("clearTimeout").is_some()
        }
    }

    /// What the timer's callback and the future share.
    #[derive(Default)]
    struct Shared {
        fired: bool,
        waker: Option<Waker>,
    }

    /// A `setTimeout` in progress: its handle (a number in browsers, an object in Node) and
    /// the callback, which must live until the timer fires or is cleared.
    struct Armed {
        handle: JsValue,
        _callback: Closure<dyn FnMut()>,
    }

    struct Timer {
        duration: Duration,
        /// Set on the first poll; `None` before it, and for a sleep too long to represent.
        deadline: Option<Option<Instant>>,
        armed: Option<Armed>,
        shared: Rc<RefCell<Shared>>,
    }

    impl Future for Timer {
        type Output = ();

        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            let this = self.get_mut();
            let now = Instant::now();
            let deadline = *this
                .deadline
                .get_or_insert_with(|| now.checked_add(this.duration));
            let left = match deadline {
                Some(deadline) if now >= deadline => {
                    this.disarm();
                    return Poll::Ready(());
                }
                Some(deadline) => deadline.saturating_duration_since(now),
                None => Duration::MAX,
            };
            let fired = {
                let mut shared = this.shared.borrow_mut();
                shared.waker = Some(cx.waker().clone());
                std::mem::take(&mut shared.fired)
            };
            if this.armed.is_none() || fired {
                this.armed = None;
                this.arm(left);
            }
            Poll::Pending
        }
    }

    impl Timer {
        /// Sets a timer for `left` (rounded up to whole milliseconds, at most the limit).
        fn arm(&mut self, left: Duration) {
            let Some(set_timeout) = global_function("setTimeout") else {
                // No timer in this runtime: the dispatcher checks `is_available` before it
                // relies on one, so nobody waits here.
                return;
            };
            let shared = Rc::clone(&self.shared);
            let callback = Closure::<dyn FnMut()>::new(move || {
                let waker = {
                    let mut shared = shared.borrow_mut();
                    shared.fired = true;
                    shared.waker.take()
                };
                if let Some(waker) = waker {
                    waker.wake();
                }
            });
            let ms = (left.as_secs_f64() * 1000.0)
                .ceil()
                .clamp(0.0, MAX_TIMEOUT_MS);
            if let Ok(handle) = set_timeout.call2(
                &js_sys::global(),
                callback.as_ref().unchecked_ref(),
                &JsValue::from_f64(ms),
            ) {
                self.armed = Some(Armed {
                    handle,
                    _callback: callback,
                });
            }
        }

        fn disarm(&mut self) {
            if let Some(armed) = self.armed.take() {
                if let Some(clear_timeout) = global_function("clearTimeout") {
                    let _ = clear_timeout.call1(&js_sys::global(), &armed.handle);
                }
            }
        }
    }

    impl Drop for Timer {
        fn drop(&mut self) {
            self.disarm();
        }
    }

    /// The global scope's function `name`, if it has one.
    pub(crate) fn global_function(name: &str) -> Option<js_sys::Function> {
        js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str(name))
            .ok()
            .and_then(|value| value.dyn_into::<js_sys::Function>().ok())
    }
}

#[cfg(all(feature = "fetch", target_arch = "wasm32"))]
pub(crate) use sleep::global_function;
