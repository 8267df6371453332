//! The transport layer of `glair-rs`, a Rust SDK for GLAIR Vision's hosted identity sessions.
//!
//! # Layering
//!
//! - `glair-types` builds `http::Request<Bytes>` values and decodes `http::Response<Bytes>`
//!   values. It does no I/O.
//! - **`glair-core`** (this crate) moves them over the network: a pluggable [`Transport`]
//!   (one attempt), and a [`Dispatcher`] that adds retries, timeouts and tracing on top of any
//!   transport. It knows nothing about GLAIR's models and does not depend on `glair-types`.
//! - `glair` is the facade that joins the two.
//!
//! # The machine and its two drivers
//!
//! Retries, deadlines and polling are sans-IO state machines, in the manner of quinn-proto:
//! they do no I/O and read no clock; each step is fed what happened and the time, and answers
//! what to do next.
//!
//! - [`Call`] (module `call`): one call. It owns the request, built once: kept and copied
//!   for each attempt (the copy shares the body), or, after [`Call::lend`], handed itself to
//!   the first attempt, with the machine around it making it again for a retry (what glair's
//!   API calls do: most calls are one attempt, and then nothing is copied). It owns the
//!   settings it was made with, the retry engine and the last outcome,
//!   and implements [`Machine`]: [`next`](Machine::next) answers [`Next::Send`] (send
//!   [`Machine::request`] with this attempt's time limit), [`Next::Sleep`] or [`Next::Done`];
//!   [`on_attempt`](Machine::on_attempt) is fed each [`Attempt`] with the time. Whether the
//!   request may be sent again once it may have been received is a [`Replay`], given by the
//!   caller from the endpoint's description (the facade takes it from the catalog), or taken
//!   from the method for a bare request.
//! - [`Operation`]: the retry engine inside a call — attempts, pauses,
//!   deadlines; [`deadline_fired`] is the one place that decides whether an attempt's
//!   deadline fired, whichever driver saw it.
//! - [`classify`](fn@classify): the one retry classifier (what is transient, and whether a
//!   retry is safe for a [`Replay`]); `glair::Error::is_retryable` asks it too.
//! - [`PollPlan`]: a wait's polls, pauses and deadline; the facade's wait is
//!   a [`Machine`] that nests a [`Call`] in it.
//! - Exactly two drivers, a screenful each: [`Dispatcher::run`] (async: a [`Transport`], a
//!   [`Sleep`] raced against each attempt, a [`Clock`]) and `BlockingDispatcher::run`
//!   (feature `blocking`: a `BlockingTransport` told each attempt's time limit, a
//!   `BlockingSleep`, a [`Clock`]). They run any [`Machine`], so both clients behave the same.
//!
//! Invariants, each checked by a property test (in `engine`, `call` and `poll`):
//! - never more attempts than [`RetryConfig::max_attempts`];
//! - no attempt starts at or after the call's deadline, no pause ends at or after it, and an
//!   attempt's deadline is never later than the call's;
//! - a request that may not be replayed ([`Replay::OnlyIfUnprocessed`]: a POST charged on
//!   receipt) is sent again only after an outcome that proves it was not processed (a refused
//!   connection, a connect timeout, a 429);
//! - no poll starts at or after a wait's deadline, and no poll outlasts it.
//!
//! # Time
//!
//! The machines take the time they are given: an [`Instant`] for deadlines and a
//! [`SystemTime`] for HTTP dates, read by the driver from its [`Clock`] ([`SystemClock`] by
//! default; `FakeTime` in tests). The machines never read a clock themselves.
//!
//! [`Instant`] and [`SystemTime`] are std's on every target where std can read them, so on
//! native targets they *are* `std::time::Instant` and `std::time::SystemTime`. On
//! wasm32-unknown-unknown, where std's panic when read ("time not implemented on this
//! platform"), they are the `web-time` crate's (the same API, read from the browser's
//! `performance.now()` and `Date.now()`), so the default [`SystemClock`] works there too and
//! no path of the SDK reads a clock that panics. HTTP dates are parsed into std's
//! `SystemTime` (a type that exists everywhere; only reading it panics) and converted with
//! [`from_std_system_time`] / [`to_std_system_time`], identities on native targets.
//!
//! # Retry rules
//!
//! A retry must never create a second session, so whether an outcome is retried depends on
//! the method:
//!
//! | outcome of the attempt | GET, HEAD, OPTIONS, PUT, DELETE | POST, PATCH, anything else |
//! |---|---|---|
//! | connect error (the request never left) | retry | retry |
//! | 429 Too Many Requests (refused unprocessed) | retry | retry |
//! | 500, 502, 503, 504 | retry | **no** |
//! | transport timeout, I/O error, attempt timeout | retry | **no** |
//! | anything else | no | no |
//!
//! The delay before a retry is the response's `Retry-After` (seconds or HTTP date, clamped to
//! [`RetryConfig::max_retry_after`], 30 s by default) or else a truncated exponential backoff
//! with full jitter ([`backoff_delay`]: uniform in `[0, min(10 s, 200 ms × 2^(n−1))]` by
//! default). At most [`RetryConfig::max_attempts`] attempts are made (3 by default, counting
//! the first), and no retry is made whose delay would run past the operation deadline.
//!
//! When a retryable status persists until the attempts run out, the dispatcher returns that
//! last response as `Ok`: every HTTP response is `Ok`, and only transport failures and
//! timeouts are a [`DispatchError`].
//!
//! # Timeouts
//!
//! [`TimeoutConfig`] has two, enforced by the engine for any transport:
//!
//! - `attempt` (30 s): each attempt, from sending to having read the whole body;
//! - `operation` (60 s): the whole call, all attempts and the pauses between them; an attempt
//!   in flight when it passes is abandoned.
//!
//! The connect timeout is a transport setting (`HyperTransport`'s builder, 10 s by default),
//! because connections are made there. The async dispatcher races each attempt against an
//! injected [`Sleep`]; time is read from an injected [`Clock`]. With the `mock` feature,
//! `FakeTime` provides both, so that retries and timeouts are tested without real waits.
//! No timer starts an OS thread of its own: `TimerThreadSleep` sleeps on one process-wide
//! timer thread, which is woken only when a timer is due (so a tokio runtime without its time driver works too) and is available
//! inside a tokio runtime; a call that needs a timer where none works fails with
//! [`DispatchError::MissingSleep`].
//!
//! # Secrets
//!
//! Requests carry `Authorization` and `x-api-key` headers. Nothing in this crate logs header
//! values or puts them in `Debug` output or error messages: the `glair.attempt` tracing span
//! records the method, the URI path (without the query), the attempt number, the status and the
//! `Request-Id` response header.
//!
//! # Features
//!
//! - `hyper` (default): `HyperTransport` over plain HTTP, and `TimerThreadSleep`, the default
//!   timer.
//! - `rustls` (default, implies `hyper`): HTTPS for `HyperTransport` with rustls (ring) and
//!   the webpki root certificates; add your own roots on its builder.
//! - `native-roots` (implies `rustls`): also trust the operating system's certificate store
//!   (read with rustls-native-certs when the transport is built). Chosen over
//!   rustls-platform-verifier because it feeds the same rustls verifier as the other roots:
//!   added PEM roots, webpki roots and system roots combine in one store and behave the same
//!   on every platform, with a small dependency tree.
//! - `mock`: `MockTransport` and `FakeTime`, for tests; needs no async runtime.
//! - `blocking`: the blocking driver, `BlockingDispatcher`, and the `BlockingTransport` trait;
//!   no dependency.
//! - `ureq` (implies `blocking`): `UreqTransport`, a blocking transport on ureq 3 with rustls.
//! - `fetch`: on wasm32-unknown-unknown only (nothing elsewhere), `FetchTransport` on the
//!   JavaScript runtime's global `fetch` and `JsSleep` on its `setTimeout`, which become the
//!   dispatcher's default timer there. They work in Node 18 or later, Deno, Cloudflare
//!   Workers and browsers (the global scope, never `window`). `HyperTransport`, `TimerThreadSleep`,
//!   the blocking driver and `UreqTransport` do not work on that target (no sockets, threads
//!   or tokio).
//!
//! Without default features this crate pulls in no hyper, rustls or tokio: bring your own
//! [`Transport`] and [`Sleep`].
//!
//! # wasm32
//!
//! On `wasm32` the traits [`Transport`], [`Sleep`] and [`Clock`] require neither `Send` nor
//! `Sync`, their futures are not `Send`, and so neither are the dispatcher's: JavaScript
//! values (promises, timers) are neither, and there is one thread. [`MaybeSend`],
//! [`MaybeSync`] and [`BoxFuture`] are that one switch (`Send`, `Sync` and a `Send` future on
//! every other target). Implement [`Transport`] there with `#[async_trait::async_trait(?Send)]`.
//! Time there is [`Instant`] and [`SystemTime`] as everywhere (web-time's on
//! wasm32-unknown-unknown; see "Time" above).
//!
//! # Testing your own code with `MockTransport`
//!
//! ```
//! # #[cfg(feature = "mock")]
//! # {
//! use std::time::{Duration, SystemTime};
//! use bytes::Bytes;
//! use glair_core::{DispatchError, Dispatcher, FakeTime, MockTransport, SharedTransport};
//!
//! /// Your code: fetches a session's status, treating anything but 200 as "unknown".
//! async fn session_status(dispatcher: &Dispatcher, sid: &str) -> Result<String, DispatchError> {
//!     let uri = format!("https://api.vision.glair.ai/face/v1/passive-liveness-sessions/{sid}");
//!     let request = http::Request::get(uri)
//!         .header("x-api-key", "test-key")
//!         .body(Bytes::new())
//!         .expect("valid request");
//!     let response = dispatcher.send(request).await?;
//!     if response.status() != 200 {
//!         return Ok("unknown".to_owned());
//!     }
//!     let body = String::from_utf8_lossy(response.body());
//!     Ok(if body.contains("FINISHED") { "finished" } else { "pending" }.to_owned())
//! }
//!
//! // The test: a 502 from a gateway, then the real answer.
//! let mock = MockTransport::new();
//! mock.push_response(
//!     http::Response::builder().status(502).body(Bytes::from_static(b"<html>Bad Gateway</html>")).unwrap(),
//! )
//! .push_json(200, r#"{"status":"FINISHED","result":null}"#);
//!
//! let time = FakeTime::new(SystemTime::UNIX_EPOCH);
//! let dispatcher = Dispatcher::builder(SharedTransport::new(mock.clone()))
//!     .time(time.clone()) // no real waiting
//!     .build()
//!     .unwrap();
//!
//! let status = pollster::block_on(session_status(&dispatcher, "abc123")).unwrap();
//! assert_eq!(status, "finished");
//! assert_eq!(mock.request_count(), 2);
//! assert_eq!(mock.requests()[1].uri.path(), "/face/v1/passive-liveness-sessions/abc123");
//! assert!(time.total_slept() <= Duration::from_millis(200));
//! # }
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "blocking")]
mod blocking;
mod call;
mod classify;
mod dispatcher;
mod engine;
mod error;
#[cfg(all(feature = "fetch", target_arch = "wasm32"))]
mod fetch_transport;
#[cfg(feature = "hyper")]
mod hyper_transport;
mod jitter;
#[cfg(all(feature = "fetch", target_arch = "wasm32"))]
mod js_time;
mod machine;
mod maybe_send;
#[cfg(feature = "mock")]
mod mock;
mod poll;
#[cfg(any(feature = "hyper", feature = "ureq"))]
mod proxy;
mod redact;
mod retry;
mod time;
mod timeout;
#[cfg(feature = "hyper")]
mod timer_thread;
mod transport;
#[cfg(feature = "ureq")]
mod ureq_transport;

#[cfg(feature = "blocking")]
pub use blocking::{
    BlockingDispatcher, BlockingDispatcherBuilder, BlockingSleep, BlockingTransport,
    SharedBlockingSleep, SharedBlockingTransport, ThreadSleep,
};
pub use call::Call;
pub use classify::{
    Classification, Replay, classify, classify_status, classify_transport_error, is_idempotent,
};
pub use dispatcher::{Dispatcher, DispatcherBuilder, SendOptions};
pub use engine::{Action, AttemptPlan, Finish, Operation, deadline_fired};
pub use error::{BuildError, DispatchError, TransportError, TransportErrorKind};
#[cfg(all(feature = "fetch", target_arch = "wasm32"))]
#[cfg_attr(docsrs, doc(cfg(all(feature = "fetch", target_arch = "wasm32"))))]
pub use fetch_transport::FetchTransport;
#[cfg(feature = "hyper")]
#[cfg_attr(docsrs, doc(cfg(feature = "hyper")))]
pub use hyper_transport::{HyperTransport, HyperTransportBuilder};
pub use jitter::{FixedJitter, Jitter, RandomJitter, SharedJitter};
#[cfg(all(feature = "fetch", target_arch = "wasm32"))]
#[cfg_attr(docsrs, doc(cfg(all(feature = "fetch", target_arch = "wasm32"))))]
pub use js_time::JsSleep;
pub use machine::{Attempt, Machine, Next};
pub use maybe_send::{BoxFuture, MaybeSend, MaybeSync};
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub use mock::{MockReply, MockTransport, RecordedRequest};
pub use poll::{MIN_POLL_INTERVAL, PollPlan, PollStep};
pub use redact::redact_userinfo;
pub use retry::{
    AttemptOutcome, RetryConfig, RetryDecision, StopReason, backoff_delay, decide,
    parse_retry_after,
};
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub use time::FakeTime;
#[cfg(feature = "hyper")]
#[cfg_attr(docsrs, doc(cfg(feature = "hyper")))]
#[allow(deprecated)]
pub use time::TimerThreadSleep;
pub use time::{
    Clock, Instant, SharedClock, SharedSleep, Sleep, SleepFuture, SystemClock, SystemTime,
    UNIX_EPOCH, from_std_system_time, to_std_system_time,
};
pub use timeout::TimeoutConfig;
pub use transport::{SharedTransport, Transport};
#[cfg(feature = "ureq")]
pub use ureq_transport::{UreqTransport, UreqTransportBuilder};

/// The rustls this crate was built with, for [`HyperTransportBuilder::tls_config`].
#[cfg(feature = "rustls")]
pub use rustls;
/// The crate's README, whose examples are compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
