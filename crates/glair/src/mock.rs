//! Testing code that uses the SDK (feature `mock`): the mock transport, fake time, and
//! fixtures for sessions and errors, so a test needs no JSON strings and no network.
//!
//! ```
//! use glair::mock::{self, MockTransport};
//! use glair::{Client, LivenessVerdict, PassiveLiveness, PassiveLivenessResult};
//!
//! # pollster::block_on(async {
//! let transport = MockTransport::new();
//! // GLAIR answers the retrieve with a finished, live session.
//! let session = mock::session::<PassiveLiveness>("Ab3dEf9hIj1kLm5nOp7qRs2tUv4wXy6z")?
//!     .with_result(mock::passive_liveness_result(glair::SpoofLevel::Low, 0.02611));
//! transport.push(mock::reply(&session));
//!
//! let client = Client::builder()
//!     .api_key("k").username("u").password("p")
//!     .transport(transport.clone())
//!     .time(mock::FakeTime::new(std::time::UNIX_EPOCH))
//!     .build()?;
//! let got = client.passive_liveness_sessions().retrieve(session.sid()).await?;
//! assert_eq!(got.verdict(), Some(LivenessVerdict::Live));
//! assert_eq!(transport.request_count(), 1);
//! # Ok::<(), glair::Error>(())
//! # }).unwrap();
//! ```

use glair_types::{
    ApiError, CheckStatus, InvalidInput, PassiveLivenessResult, Session, SessionId, SessionKind,
    SessionStatus, SpoofCheck, SpoofLevel,
};

pub use glair_core::{FakeTime, MockReply, MockTransport, RecordedRequest};

/// The host of fixture URLs: `.invalid` is reserved, so a fixture can never reach anything.
const FIXTURE_HOST: &str = "https://glair.invalid";

/// A pending session of kind `K` with this sid, as a create would return it: its `url` is
/// `https://glair.invalid/{resource}/{sid}`, its `success_url` `https://app.invalid/done`.
/// Chain [`Session::with_result`], [`Session::with_expiry`], [`Session::with_cancel_url`].
/// Fails as [`SessionId::new`] does for a sid that is not one.
pub fn session<K: SessionKind>(sid: &str) -> Result<Session<K>, InvalidInput> {
    let sid = SessionId::new(sid)?;
    let url = format!("{FIXTURE_HOST}/{}/{}", K::RESOURCE, sid.as_str());
    Ok(Session::new(
        sid,
        SessionStatus::Pending,
        url,
        "https://app.invalid/done",
    ))
}

/// A passive liveness result of a check that ran: `status: success`, this level and spoof
/// probability (in `[0, 1]`; 0.02611 is 2.6 %).
pub fn passive_liveness_result(level: SpoofLevel, spoof_probability: f64) -> PassiveLivenessResult {
    PassiveLivenessResult::new(
        CheckStatus::Success,
        Some(SpoofCheck::new(Some(spoof_probability), level)),
    )
}

/// The result of a check that found no face, as GLAIR sends it: `status: failed`, level
/// `face not detected`, and a spoof percentage of 0 that means nothing.
pub fn passive_liveness_no_face() -> PassiveLivenessResult {
    PassiveLivenessResult::new(
        CheckStatus::Failed,
        Some(SpoofCheck::new(Some(0.0), SpoofLevel::FaceNotDetected)),
    )
}

/// A `200` reply carrying `session` as GLAIR would send it.
pub fn reply<K: SessionKind>(session: &Session<K>) -> MockReply {
    json_reply(200, session.to_json())
}

/// A reply carrying `error` as GLAIR would: its status, `{"message": …}`, and its
/// `Request-Id` header when it has one.
pub fn error_reply(error: &ApiError) -> MockReply {
    let body = serde_json::json!({ "message": error.message() }).to_string();
    let mut builder = http::Response::builder()
        .status(error.status())
        .header(http::header::CONTENT_TYPE, "application/json");
    if let Some(id) = error.request_id() {
        builder = builder.header("request-id", id);
    }
    response_reply(builder, body.into_bytes())
}

fn json_reply(status: u16, body: Vec<u8>) -> MockReply {
    let builder = http::Response::builder()
        .status(status)
        .header(http::header::CONTENT_TYPE, "application/json");
    response_reply(builder, body)
}

fn response_reply(builder: http::response::Builder, body: Vec<u8>) -> MockReply {
    match builder.body(bytes::Bytes::from(body)) {
        Ok(response) => MockReply::from(response),
        // Only a header value could be refused, and a request id from `ApiError` is printable.
        Err(_) => MockReply::from(
            http::Response::builder()
                .status(500)
                .body(bytes::Bytes::new())
                .unwrap_or_default(),
        ),
    }
}
