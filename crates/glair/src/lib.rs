//! # glair
//!
//! The Rust SDK for [GLAIR Vision]'s hosted identity sessions, starting with **passive
//! liveness**: your backend creates a session, sends the user to GLAIR's hosted page, GLAIR
//! sends the user back to your `success_url` with `?sid=…`, and your backend retrieves the
//! result (spoof percentage and level) by that sid. Sessions expire after 24 hours.
//!
//! ```no_run
//! use glair::{Client, CreatePassiveLivenessSession, SpoofLevel};
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
//! if let Some(result) = &finished.result {
//!     let live = result.spoof_level() == Some(&SpoofLevel::Low);
//!     println!("spoof {:?}, live: {live}", result.spoof_percentage());
//! }
//! # Ok(()) }
//! ```
//!
//! ## Layers
//! - [`glair_types`] (re-exported as [`types`]): sans-IO models, request builders and decoders.
//! - [`glair_core`] (re-exported as [`core`]): the [`Transport`] trait, the hyper transport,
//!   the mock transport, retries and timeouts.
//! - this crate: [`Client`], [`Sessions`], one [`Error`] type.
//!
//! ## Features
//! - `hyper` (default): the default transport, hyper 1 on tokio with a connection pool.
//! - `rustls` (default): HTTPS for it, rustls with the webpki roots (TLS verification cannot be
//!   switched off).
//! - `blocking`: [`blocking::Client`](crate::blocking), the blocking client, with its default
//!   transport (ureq 3 with rustls); no tokio, no hyper.
//! - `blocking-client`: the blocking client alone, for your own `BlockingTransport`.
//! - `mock`: [`MockTransport`](glair_core::MockTransport) and
//!   [`FakeTime`](glair_core::FakeTime), for testing code that uses this SDK.
//!
//! With `default-features = false` nothing of hyper, rustls or tokio is compiled: pass your
//! own [`Transport`] to [`ClientBuilder::transport`].
//!
//! ## Retries and timeouts
//! Every call retries transient failures with exponential backoff and full jitter, honouring
//! `Retry-After`: retrieves on connection errors, timeouts, 429, 500, 502, 503 and 504; creates
//! only when the request provably never reached GLAIR or GLAIR answered 429 — so a retry can
//! never create a second session. Defaults: 3 attempts, 10 s to connect, 30 s per attempt,
//! 60 s per call. One classifier decides all of this ([`glair_core::classify`](mod@glair_core::classify)), and
//! [`Error::is_retryable`] asks the same one.
//!
//! The retry and timeout settings are a [`Settings`], set on the [`ClientBuilder`] and, per
//! handle, with [`Sessions::with_settings`]; they merge field by field, per call over client
//! over defaults. The connect timeout is the transport's
//! ([`ClientBuilder::connect_timeout`] for the default transport).
//!
//! [GLAIR Vision]: https://glair.ai

#[cfg(feature = "blocking-client")]
pub mod blocking;
mod client;
mod error;
mod options;
mod sessions;
mod wait;

pub use client::{Client, ClientBuilder, env_vars};
pub use error::{ConfigError, Error, TimeoutScope};
pub use options::Settings;
pub use sessions::Sessions;
pub use wait::{WaitOptions, WaitOutcome};

pub use glair_core::{
    RetryConfig, SharedClock, SharedSleep, SharedTransport, TimeoutConfig, Transport,
    TransportError, TransportErrorKind,
};
pub use glair_types::{
    ActiveLiveness, ApiConfig, ApiError, CheckStatus, CreatePassiveLivenessSession, CreateSession,
    Credentials, DecodeError, InvalidInput, Ktp, Npwp, PassiveLiveness, PassiveLivenessResult,
    PassiveLivenessSession, RawResult, Session, SessionId, SessionKind, SessionStatus, SpoofCheck,
    SpoofLevel,
};

/// The sans-IO layer: models, request builders, decoders.
pub use glair_types as types;

/// The transport layer: the `Transport` trait, transports, retries, timeouts.
pub use glair_core as core;
