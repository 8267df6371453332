//! # glair-types
//!
//! The sans-IO bottom layer of `glair-rs`, the Rust SDK for [GLAIR Vision]'s hosted identity
//! sessions: session models, request builders and response decoders. No I/O, no async, no
//! clock, no global state — this crate turns intentions into `http::Request<Bytes>` values
//! and `http::Response<Bytes>` values back into models. Any HTTP client can carry them.
//!
//! ```
//! use bytes::Bytes;
//! use glair_types::{
//!     ApiConfig, CreatePassiveLivenessSession, Credentials, PassiveLiveness, decode_session,
//! };
//!
//! // 1. Build the request.
//! let config = ApiConfig::default();
//! let credentials = Credentials::new("api-key", "username", "password")?;
//! let request = CreatePassiveLivenessSession::new("https://app.example/done")
//!     .to_http_request(&config, &credentials)?;
//!
//! // 2. Send it by any means (here: pretend the service answered).
//! # let _ = request;
//! let response = http::Response::builder()
//!     .status(200)
//!     .body(Bytes::from_static(br#"{"status":"PENDING","expired":1678247333160,
//!         "url":"https://vision.glair.ai/passive-liveness/eyJhbgc9asdalkja",
//!         "success_url":"https://app.example/done","result":null}"#))
//!     .unwrap();
//!
//! // 3. Decode the response.
//! let session = decode_session::<PassiveLiveness>(&response).unwrap();
//! println!("send the user to {}", session.url);
//! assert_eq!(session.sid()?.as_str(), "eyJhbgc9asdalkja");
//! # Ok::<(), glair_types::InvalidInput>(())
//! ```
//!
//! The hosted session kinds share one shape, described by [`SessionKind`]: [`PassiveLiveness`],
//! [`ActiveLiveness`], [`Ktp`] and [`Npwp`]. [`Session`], [`CreateSession`] and
//! [`RetrieveSession`] are generic over the kind; the aliases
//! [`PassiveLivenessSession`], [`CreatePassiveLivenessSession`] and
//! [`RetrievePassiveLivenessSession`] name the common case.
//!
//! Forward compatibility: status and level enums keep unknown values verbatim
//! (`Unknown(String)`), unknown fields are ignored, and the exact JSON stays available through
//! [`Session::raw_json`].
//!
//! [GLAIR Vision]: https://glair.ai

mod config;
mod credentials;
mod error;
mod kind;
mod passive_liveness;
mod raw_result;
mod request;
mod response;
mod session;
mod session_id;
mod string_enum;
mod web_url;

pub use config::{ApiConfig, DEFAULT_API_VERSION, DEFAULT_BASE_URL};
pub use credentials::{Credentials, MAX_CREDENTIAL_LEN};
pub use error::{ApiError, BODY_EXCERPT_LIMIT, DecodeError, InvalidInput, ResponseError};
pub use kind::{
    ActiveLiveness, ActiveLivenessFields, Ktp, KtpFields, NoExtraFields, Npwp, PassiveLiveness,
    SessionKind,
};
pub use passive_liveness::{CheckStatus, PassiveLivenessResult, SpoofCheck, SpoofLevel};
pub use raw_result::RawResult;
pub use request::{
    API_KEY_HEADER, CreatePassiveLivenessSession, CreateSession, REQUEST_ID_HEADER,
    RetrievePassiveLivenessSession, RetrieveSession, USER_AGENT_VALUE,
};
pub use response::{api_error, check_status, decode_json, decode_session, request_id};
pub use session::{EpochMillis, JsonPathError, PassiveLivenessSession, Session, SessionStatus};
pub use session_id::{MAX_SESSION_ID_LEN, SessionId};
pub use web_url::MAX_URL_LEN;

pub use bytes;
pub use http;

/// The crate's README, whose examples are compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
