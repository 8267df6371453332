//! # glair
//!
//! The Rust SDK for [GLAIR Vision]'s hosted identity sessions, starting with **passive
//! liveness**: your backend creates a session, sends the user to GLAIR's hosted page, GLAIR
//! sends the user back to your `success_url` with `?sid=…`, and your backend retrieves the
//! result by that sid and decides with its verdict: live, spoof, or inconclusive. Sessions
//! expire after 24 hours.
//!
//! ```no_run
//! use glair::{Client, CreatePassiveLivenessSession, LivenessVerdict};
//!
//! # async fn run() -> Result<(), glair::Error> {
//! let client = Client::builder()
//!     .api_key("api-key")
//!     .username("username")
//!     .password("password")
//!     .build()?;
//! let sessions = client.passive_liveness_sessions();
//!
//! // 1. Create a session and send the user to its hosted page.
//! let session = sessions
//!     .create(
//!         CreatePassiveLivenessSession::new("https://app.example/liveness/done")
//!             .cancel_url("https://app.example/liveness/cancelled"),
//!     )
//!     .await?;
//! println!("redirect the user to {}", session.url);
//!
//! // 2. GLAIR redirects the user to https://app.example/liveness/done?sid=…;
//! //    fetch the result server side, trusting nothing in that URL but the sid.
//! let finished = sessions
//!     .retrieve_from_redirect("https://app.example/liveness/done?sid=Ab3dEf9hIj1kLm5nOp7qRs2tUv4wXy6z")
//!     .await?;
//! match finished.verdict() {
//!     Some(LivenessVerdict::Live) => println!("a live person"),
//!     Some(LivenessVerdict::Spoof) => println!("a spoof: refuse"),
//!     Some(LivenessVerdict::Inconclusive(why)) => println!("no verdict ({why}): ask to retry"),
//!     Some(_) => println!("a verdict this version does not know: treat as not live"),
//!     None => println!("not finished yet"),
//! }
//! if let Some(p) = finished.result.as_ref().and_then(|r| r.spoof_probability()) {
//!     println!("spoof probability {p}"); // e.g. "2.61 %"
//! }
//! # Ok(()) }
//! ```
//!
//! ## Binding each session to its user
//! A sid in a redirect says nothing about which of your users took the check. In a web flow,
//! create with [`Sessions::create_with_ticket`] (a signed [`Ticket`] binding your user
//! reference, the kind, the sid and an expiry, under your [`TicketKeys`]) and, when the user
//! comes back, call [`Sessions::finish`] with the ticket, the redirect URL and the user logged
//! in now: it refuses another user's ticket, a forged or expired one, or a redirect naming
//! another sid ([`FinishError`], each case its own), then retrieves the session and returns
//! the verdict with a [`VerdictReceipt`] for the audit trail. See SECURITY.md for the format.
//!
//! ## Deciding
//! Decide with [`Session::verdict`], never with one field alone: a check that found no face
//! answers `spoof_percentage: 0` with the status `failed`. The passive liveness verdict follows
//! a documented [`LivenessPolicy`] — by default only `LOW` is live, `HIGH` is a spoof, and
//! `MODERATE`, a failed check, no face, several faces or an unknown level are inconclusive
//! (ask the user to try again, or review by hand). Configure it with
//! [`PassiveLivenessResult::verdict_with`]. Active liveness answers matched / not matched /
//! inconclusive ([`GestureVerdict`]); KTP and NPWP read / not read ([`ocr::OcrVerdict`]).
//!
//! ## Face, identity and OCR
//! The rest of GLAIR Vision, in namespaces that mirror the vendor's SDKs: [`Client::face`]
//! ([`Face`]: face match, passive and active liveness on an image), [`Client::identity`]
//! ([`Identity`]: Dukcapil verification, with and without a face) and [`Client::ocr`]
//! ([`Ocr`]: a named method per document and the generic [`Ocr::read`]). Each takes a request
//! builder of [`glair_types`] (or, for OCR, an [`ImageInput`]) and returns a [`Decoded`]
//! model: the typed answer, its exact JSON and GLAIR's `Request-Id`. Images come from bytes
//! ([`ImageInput::from_bytes`]) or files ([`read_image`], bounded by [`MAX_IMAGE_BYTES`]),
//! and are checked before anything is sent. These calls are billed on receipt: the SDK never
//! repeats one after it may have reached GLAIR.
//!
//! ```no_run
//! # async fn run(client: glair::Client) -> Result<(), glair::Error> {
//! use glair::{FaceMatch, IdentityVerification, read_image};
//!
//! let ktp = client.ocr().ktp(read_image("ktp.jpg")?).await?;
//! let same = client
//!     .face()
//!     .face_match(FaceMatch::new(read_image("selfie.jpg")?, read_image("ktp-photo.jpg")?))
//!     .await?;
//! let known = client
//!     .identity()
//!     .verification(IdentityVerification::new("3171234567890123", "BUDI SANTOSO", "17-08-1990"))
//!     .await?;
//! println!("{} / {} / {}", ktp.value().verdict(), same.value().verdict(), known.value().verdict());
//! # Ok(()) }
//! ```
//!
//! ## Layers
//! - [`glair_types`] (re-exported as [`types`]): sans-IO models, request builders and decoders.
//! - [`glair_core`] (re-exported as [`net`]): the [`Transport`] trait, the hyper transport,
//!   the mock transport, the call machine and its two drivers, retries and timeouts.
//! - this crate: [`Client`], [`Sessions`], [`Face`], [`Identity`], [`Ocr`], [`read_image`],
//!   one [`Error`] type; one call path for every endpoint.
//!
//! ## Features
//! - `hyper` (default): the default transport, hyper 1 on tokio with a connection pool.
//! - `rustls` (default): HTTPS for it, rustls with the webpki roots (TLS verification cannot be
//!   switched off). Proxies (`HTTPS_PROXY`, `NO_PROXY`, …) and extra PEM roots: see
//!   `glair::net::HyperTransport`, passed with [`ClientBuilder::transport`].
//! - `native-roots`: also trust the operating system's certificate store.
//! - `blocking`: `glair::blocking::Client`, the blocking client alone, for your own
//!   `BlockingTransport`; no HTTP stack.
//! - `ureq` (implies `blocking`): the blocking client's default transport, ureq 3 with
//!   rustls; no tokio, no hyper.
//! - `fetch`: on wasm32-unknown-unknown, `glair_core::FetchTransport` (the runtime's global
//!   `fetch`) and `glair_core::JsSleep` (`setTimeout`) become the default transport and timer
//!   (Node 18 or later, Deno, Cloudflare Workers, browsers; use it with
//!   `default-features = false`). Nothing there needs `Send`. Not available on that target:
//!   the `hyper`, `blocking` and `ureq` features (sockets, threads, tokio), [`read_image`] (no file
//!   system; pass [`ImageInput::from_bytes`]) and [`Client::from_env`] (no environment). The
//!   README's "wasm32 and edge runtimes" has the commands.
//! - `mock`: `glair::mock` — the mock transport, fake time, and session and error fixtures,
//!   for testing code that uses this SDK (see "Testing your code" below).
//!
//! With `default-features = false` nothing of hyper, rustls or tokio is compiled: pass your
//! own [`Transport`] to [`ClientBuilder::transport`].
//!
//! ## Retries and timeouts
//! Every call retries transient failures with exponential backoff and full jitter, honouring
//! `Retry-After`: retrieves on connection errors, timeouts, 429, 500, 502, 503 and 504; creates
//! and every face, identity and OCR call (all billed on receipt) only when the request provably
//! never reached GLAIR or GLAIR answered 429 — so a retry can never create a second session or
//! bill a second call. Defaults: 3 attempts, 10 s to connect, 30 s per attempt,
//! 60 s per call. One classifier decides all of this ([`glair::net::classify`](fn@crate::net::classify)), and
//! [`Error::is_retryable`] asks the same one.
//!
//! The retry and timeout settings are a [`Settings`], set on the [`ClientBuilder`] and, per
//! handle, with [`Sessions::with_settings`] (and `with_settings` on [`Face`], [`Identity`],
//! [`Ocr`]); they merge field by field, per call over client
//! over defaults, once, when the client or the handle is made. The connect timeout is the transport's
//! ([`ClientBuilder::connect_timeout`] for the default transport).
//!
//! ## Handling errors
//! Every call returns one [`Error`] type. Its `Display` is a message a person can act on, and
//! it answers the questions code asks: [`Error::status`] and [`Error::request_id`] (quote it to
//! GLAIR support) for API errors, [`Error::is_timeout`], and [`Error::is_retryable`] — whether
//! the same call may succeed later (the SDK has already retried what was safe; a create is
//! never repeated once it may have reached GLAIR, so never retry a create yourself after a
//! timeout without first checking for the session).
//!
//! ```no_run
//! # async fn run(client: glair::Client) {
//! match client.passive_liveness_sessions().retrieve("Ab3dEf9hIj1kLm5nOp7qRs2tUv4wXy6z").await {
//!     Ok(session) => println!("{:?}", session.verdict()),
//!     Err(e) if e.status().map(|s| s.as_u16()) == Some(404) => println!("no such session"),
//!     Err(e) if e.is_retryable() => println!("try again later: {e}"),
//!     Err(e) => println!("failed: {e} (Request-Id: {:?})", e.request_id()),
//! }
//! # }
//! ```
//!
//! ## Testing your code
//! With the `mock` feature, `glair::mock` has everything a unit test of your own code
//! needs: `MockTransport` (scripted replies, recorded requests), `FakeTime` (retries and waits
//! without waiting), and fixtures — `mock::session`, results, `mock::reply` and
//! `mock::error_reply` with [`ApiError::new`] — so a test builds a finished, live session in
//! one line and needs no JSON strings. For tests over real HTTP, `glair-emulator` serves the
//! whole API on loopback.
//!
//! ## For transport authors
//! A custom [`Transport`] needs no crates beyond this one: the request and response types come
//! from [`http`], bodies are [`bytes::Bytes`], and the trait is
//! implemented with [`#[glair::async_trait]`](crate::async_trait).
//!
//! With `default-features = false` (no `hyper` feature) there is no default timer either: give
//! the client your runtime's sleep, a `glair::net::Sleep`, with
//! [`ClientBuilder::sleep`], or turn retries and timeouts off
//! (`.retry(RetryConfig::disabled())`, `.timeouts(TimeoutConfig::none())`). Until then
//! `build()` fails with [`ConfigError::MissingTimer`]; `wait` always needs a timer.
//!
//! ```
//! use std::time::Duration;
//!
//! use glair::bytes::Bytes;
//! use glair::net::{Sleep, SleepFuture};
//! use glair::http::{Request, Response};
//! use glair::{Client, ConfigError, Error, SharedSleep, Transport, TransportError};
//!
//! /// A transport that answers every request itself (yours sends it somewhere).
//! #[derive(Debug)]
//! struct Canned;
//!
//! #[glair::async_trait]
//! impl Transport for Canned {
//!     async fn send(&self, _request: Request<Bytes>) -> Result<Response<Bytes>, TransportError> {
//!         Ok(Response::new(Bytes::from_static(
//!             br#"{"status": "PENDING", "url": "https://vision.glair.ai/passive-liveness/Ab3dEf9hIj1kLm5nOp7qRs2tUv4wXy6z", "success_url": "https://app.example/done", "result": null}"#,
//!         )))
//!     }
//! }
//!
//! /// The timer: your runtime's sleep (here tokio's, which needs its time driver).
//! #[derive(Debug)]
//! struct RuntimeSleep;
//!
//! impl Sleep for RuntimeSleep {
//!     fn sleep(&self, duration: Duration) -> SleepFuture {
//!         Box::pin(tokio::time::sleep(duration))
//!     }
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let builder = || {
//!     Client::builder()
//!         .transport(Canned)
//!         .api_key("api-key")
//!         .username("username")
//!         .password("password")
//! };
//! // Without the `hyper` feature, no timer means no client.
//! if cfg!(not(feature = "hyper")) {
//!     let refused = builder().build();
//!     assert!(matches!(refused, Err(Error::Config(ConfigError::MissingTimer { .. }))));
//! }
//! let client = builder().sleep(SharedSleep::new(RuntimeSleep)).build()?;
//!
//! let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build()?;
//! let sid = "Ab3dEf9hIj1kLm5nOp7qRs2tUv4wXy6z";
//! let session = runtime.block_on(client.passive_liveness_sessions().retrieve(sid))?;
//! assert_eq!(session.sid().as_str(), sid);
//! # Ok(()) }
//! ```
//!
//! [GLAIR Vision]: https://glair.ai

#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "blocking")]
pub mod blocking;
mod call;
mod client;
mod error;
mod files;
mod finish;
mod handle;
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub mod mock;
mod namespaces;
mod options;
mod sessions;
mod wait;

pub use client::{Client, ClientBuilder, GenericClient, env_vars};
pub use error::{ConfigError, Error, TimeoutScope};
pub use files::{FileError, FileProblem, read_image, substitute_filename};
pub use finish::{FinishError, Finished, Started};
pub use namespaces::{Face, Identity, Ocr};
pub use options::Settings;
pub use sessions::Sessions;
pub use wait::{WaitOptions, WaitOutcome, WaitProgress};

// Everything a builder method or a trait a user implements names: a user of the facade
// never has to name another crate.
pub use glair_core::{
    Clock, FixedJitter, Jitter, RandomJitter, RetryConfig, SharedClock, SharedJitter, SharedSleep,
    SharedTransport, Sleep, SleepFuture, SystemClock, TimeoutConfig, Transport, TransportError,
    TransportErrorKind,
};
pub use glair_types::{
    ActiveLiveness, ActiveLivenessResult, ApiConfig, ApiError, CheckStatus,
    CreatePassiveLivenessSession, CreateSession, Credentials, DecodeError, GestureCheck,
    GestureCode, GestureInconclusive, GestureStatus, GestureVerdict, InvalidInput, Ktp,
    LivenessInconclusive, LivenessPolicy, LivenessVerdict, Npwp, PassiveLiveness,
    PassiveLivenessResult, PassiveLivenessSession, RawResult, Session, SessionId, SessionKind,
    SessionStatus, SpoofCheck, SpoofLevel, SpoofProbability, Verdict, ocr,
};
// The uploads API: request builders, images, answers and their policies.
// Binding sessions to users, and receipts of decisions.
pub use glair_types::receipt::{ReceiptKind, VerdictReceipt};
pub use glair_types::ticket::{
    Ticket, TicketError, TicketKeys, TicketSecret, VerifiedTicket, state_from_redirect,
    success_url_with_state,
};
pub use glair_types::{
    ActiveLivenessCheck, DateOfBirth, Decoded, Detected, FaceMatch, FaceMatchEncoding,
    FaceMatchInconclusive, FaceMatchPolicy, FaceMatchResponse, FaceMatchResult, FaceMatchVerdict,
    FaceVerification, FaceVerificationResponse, FaceVerificationResult, FieldVerdicts,
    IdentityField, IdentityInconclusive, IdentityPolicy, IdentityVerdict, IdentityVerification,
    IdentityVerificationResponse, ImageFormat, ImageInput, MAX_IMAGE_BYTES, MatchStatusCode,
    NotVerifiedReason, PassiveLivenessCheck, endpoints,
};
// Tolerant decoding: what could not be read in an answer, and the trait that lists it.
pub use glair_types::{JsonKind, MAX_UNREADABLE_FIELDS, Tolerant, UnreadableField};
pub use glair_types::{receipt, ticket};

/// The sans-IO layer: models, request builders, decoders.
pub use glair_types as types;

/// The network layer, glair-core: the `Transport` trait, the transports, the call machine
/// and its two drivers, retries, timeouts. (Not named `core`, which would shadow the `core`
/// crate.)
pub use glair_core as net;

/// The `http` crate (requests, responses, headers) the [`Transport`] trait speaks, re-exported so
/// that a transport author uses the very version the SDK does.
pub use http;

/// The `bytes` crate whose [`Bytes`](bytes::Bytes) carries request and response bodies.
pub use bytes;

/// The attribute that implements [`Transport`] (an `async fn` trait object):
/// `#[glair::async_trait] impl Transport for MyTransport { … }`.
pub use async_trait::async_trait;

/// The crate's README, whose examples are compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
