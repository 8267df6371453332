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
//! assert_eq!(session.sid().as_str(), "eyJhbgc9asdalkja");
//! # Ok::<(), glair_types::InvalidInput>(())
//! ```
//!
//! The hosted session kinds share one shape, described by [`SessionKind`]: [`PassiveLiveness`],
//! [`ActiveLiveness`], [`Ktp`] and [`Npwp`]. [`Session`], [`CreateSession`] and
//! [`RetrieveSession`] are generic over the kind; the aliases
//! [`PassiveLivenessSession`], [`CreatePassiveLivenessSession`] and
//! [`RetrievePassiveLivenessSession`] name the common case.
//!
//! Deciding: every finished session answers one question through [`Session::verdict`] — for
//! passive liveness a [`LivenessVerdict`] (live, spoof, or inconclusive with the reason) by a
//! documented [`LivenessPolicy`]; for active liveness a [`GestureVerdict`]; for KTP and NPWP
//! an [`ocr::OcrVerdict`]. Decide with the verdict, not with one field: a check that found no
//! face reports a spoof probability of 0.
//!
//! Forward compatibility: status and level enums keep unknown values (`Unknown`), unknown
//! fields are ignored, and the exact JSON stays available through [`Session::raw_json`].
//!
//! Tolerant decoding: a 2xx answer that differs from the documented shape in a plausible way
//! keeps what can be read; a member that cannot be read is left out and listed by
//! [`Tolerant::unreadable_fields`], and no verdict is positive on such an answer. Numeric
//! text is read as a number; a score outside its range is kept and inconclusive. The rule
//! and its bound ([`MAX_UNREADABLE_FIELDS`]) are on [`Tolerant`].
//!
//! [GLAIR Vision]: https://glair.ai

#![cfg_attr(docsrs, feature(doc_cfg))]

mod active_liveness;
mod config;
mod credentials;
mod error;
mod kind;
pub mod ocr;
mod passive_liveness;
mod raw_result;
mod request;
mod response;
mod session;
mod session_id;
mod string_enum;
mod tolerant;
mod verdict;
mod web_url;

// Binding sessions to the app's users, and recording decisions (feature `tickets`).
#[cfg(feature = "tickets")]
#[cfg_attr(docsrs, doc(cfg(feature = "tickets")))]
pub mod receipt;
#[cfg(feature = "tickets")]
#[cfg_attr(docsrs, doc(cfg(feature = "tickets")))]
pub mod ticket;

pub use active_liveness::{
    ActiveLivenessResult, GestureCheck, GestureCode, GestureInconclusive, GestureStatus,
    GestureVerdict,
};
pub use config::{ApiConfig, DEFAULT_API_VERSION, DEFAULT_BASE_URL};
pub use credentials::{Credentials, MAX_CREDENTIAL_LEN};
pub use error::{ApiError, BODY_EXCERPT_LIMIT, DecodeError, InvalidInput, ResponseError};
pub use kind::{
    ActiveLiveness, ActiveLivenessFields, Ktp, KtpFields, NoExtraFields, Npwp, PassiveLiveness,
    SessionKind,
};
pub use passive_liveness::{
    CheckStatus, ParseSpoofLevelError, PassiveLivenessResult, SpoofCheck, SpoofLevel,
    SpoofProbability,
};
pub use raw_result::RawResult;
pub use request::{
    API_KEY_HEADER, CreatePassiveLivenessSession, CreateSession, REQUEST_ID_HEADER,
    RetrievePassiveLivenessSession, RetrieveSession, USER_AGENT_VALUE, X_REQUEST_ID_HEADER,
};
pub use response::{
    api_error, check_status, decode_json, decode_json_body, decode_retrieved_session,
    decode_session, request_id, service_date,
};
pub use session::SESSION_LIFETIME;
pub use session::{EpochMillis, JsonPathError, PassiveLivenessSession, Session, SessionStatus};
pub use session_id::{MAX_SESSION_ID_LEN, SessionId};
pub use tolerant::{JsonKind, MAX_UNREADABLE_FIELDS, Tolerant, UnreadableField};
pub use verdict::{LivenessInconclusive, LivenessPolicy, LivenessVerdict, Verdict};
pub use web_url::MAX_URL_LEN;

// The whole GLAIR Vision API: endpoint descriptions, uploads, face, identity and OCR calls.
mod endpoint;
mod face;
mod identity;
mod image;
mod multipart;
mod validate;

pub use endpoint::{
    DecodeBody, Decoded, Encoding, Endpoint, EndpointRequest, Evidence, FileField, HttpMethod,
    Repeat, RequestBody, TextField, endpoint_for,
};
pub use face::{
    ActiveLivenessCheck, FaceMatch, FaceMatchEncoding, FaceMatchInconclusive, FaceMatchPolicy,
    FaceMatchResponse, FaceMatchResult, FaceMatchVerdict, MatchStatusCode, PassiveLivenessCheck,
};
pub use identity::{
    FaceVerification, FaceVerificationResponse, FaceVerificationResult, FieldVerdicts,
    IdentityField, IdentityInconclusive, IdentityPolicy, IdentityVerdict, IdentityVerification,
    IdentityVerificationResponse, NotVerifiedReason,
};
pub use image::{Detected, ImageFormat, ImageInput, MAX_IMAGE_BYTES, sniff};
pub use multipart::{
    EncodedMultipart, MAX_FIELD_NAME_LEN, MAX_FILE_NAME_LEN, MAX_FORM_BYTES, MultipartForm, Part,
    escape_filename,
};
pub use validate::{DateOfBirth, MAX_TEXT_FIELD_LEN, MIN_BIRTH_YEAR};

/// The catalog: one [`Endpoint`] description per GLAIR Vision endpoint, and [`ALL`](endpoints::ALL).
///
/// Besides the hosted sessions, GLAIR Vision has direct endpoints that take an upload and
/// answer at once: face match, passive and active liveness, Dukcapil identity verification
/// (with and without a face) and OCR of about twenty documents. Each has a request builder
/// implementing [`EndpointRequest`]; all share one path to `http::Request<Bytes>` and one back
/// to a [`Decoded`] model (with the raw JSON and the `Request-Id`). Every one of them is a
/// `POST` that GLAIR processes and charges on receipt — see [`Repeat`].
///
/// ```
/// use bytes::Bytes;
/// use glair_types::ocr::{OcrRequest, doc};
/// use glair_types::{
///     ApiConfig, Credentials, EndpointRequest, FaceMatch, IdentityVerification, ImageInput,
///     Verdict,
/// };
///
/// let config = ApiConfig::default();
/// let credentials = Credentials::new("api-key", "username", "password")?;
/// let ktp_photo = ImageInput::from_bytes(&b"\xFF\xD8\xFF\xE0 the KTP picture"[..]);
/// let selfie = ImageInput::from_bytes(&b"\xFF\xD8\xFF\xE0 the selfie"[..]);
///
/// // Read the KTP, compare the selfie with it, check the data with Dukcapil.
/// let ktp = OcrRequest::<doc::Ktp>::new(ktp_photo.clone());
/// let requests = [
///     ktp.to_http_request(&config, &credentials)?,
///     FaceMatch::new(selfie, ktp_photo).to_http_request(&config, &credentials)?,
///     IdentityVerification::new("3171234567890123", "BUDI SANTOSO", "17-08-1990")
///         .to_http_request(&config, &credentials)?,
/// ];
/// assert!(requests.iter().all(|r| r.method() == "POST"));
///
/// // Decode an answer (here: one GLAIR could have sent for the face match).
/// let answer = http::Response::builder()
///     .status(200)
///     .body(Bytes::from_static(br#"{"status":"success","result":{"match_percentage":0.95768,
///         "match_status":"match","match_status_code":"MATCH"}}"#))
///     .unwrap();
/// let face = FaceMatch::new(ImageInput::from_bytes(Bytes::new()), ImageInput::from_bytes(Bytes::new()));
/// let matched = face.decode(&answer).unwrap();
/// assert_eq!(matched.value().verdict().label(), "matched");
/// # Ok::<(), glair_types::InvalidInput>(())
/// ```
pub mod endpoints {
    pub use crate::endpoint::catalog::*;
}

pub use bytes;
pub use http;

/// The crate's README, whose examples are compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
