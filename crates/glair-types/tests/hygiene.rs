//! Input hygiene at the decoding edge: bounded error messages, request ids, sids and the
//! service's clock.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, UNIX_EPOCH};

use bytes::Bytes;
use glair_types::{
    BODY_EXCERPT_LIMIT, CreatePassiveLivenessSession, PassiveLiveness, ResponseError, SessionId,
    Tolerant, decode_retrieved_session, decode_session,
};

fn response(
    status: u16,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
) -> http::Response<Bytes> {
    let mut builder = http::Response::builder().status(status);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(body.into()).unwrap()
}

const SESSION: &str = r#"{"status":"PENDING","expired":1678247333160,"url":"https://vision.glair.ai/passive-liveness/Ab3dEf9hIj1kLm5nOp7qRs2tUv4wXy6z","success_url":"https://app.example/done","cancel_url":null,"result":null}"#;

#[test]
fn a_huge_field_value_is_quoted_at_most_512_bytes() {
    let huge = "x".repeat(4 * 1024 * 1024);
    let body = format!(
        r#"{{"status":"PENDING","url":"https://v.example/p/abc","success_url":"https://a.example/","expired":"{huge}"}}"#
    );
    // An unreadable `expired` no longer fails the session: it is listed, bounded.
    let session = decode_session::<PassiveLiveness>(&response(200, &[], body.clone())).unwrap();
    assert_eq!(session.expired, None);
    assert_eq!(session.unreadable_fields()[0].path(), "expired");
    assert!(format!("{session:?}").len() < 4 * BODY_EXCERPT_LIMIT);
    // A body that cannot be decoded at all still fails, quoting at most 512 bytes.
    let body = body.replace("\"expired\":", "\"expired\":\"x\",\"expired\":");
    let err = decode_session::<PassiveLiveness>(&response(200, &[], body)).unwrap_err();
    let ResponseError::Decode(err) = &err else {
        panic!("{err:?}")
    };
    assert!(err.message().contains("duplicate field `expired`"), "{err}");
    assert!(
        err.message().len() <= BODY_EXCERPT_LIMIT + 3,
        "{}",
        err.message().len()
    );
    assert!(err.to_string().len() < 3 * BODY_EXCERPT_LIMIT);
    assert!(format!("{err:?}").len() < 4 * BODY_EXCERPT_LIMIT);

    let long_url = format!("https://a.example/{}", "y".repeat(1_000_000));
    let input = CreatePassiveLivenessSession::new(long_url)
        .validate()
        .unwrap_err();
    assert!(input.to_string().len() < 2 * BODY_EXCERPT_LIMIT);
}

#[test]
fn request_id_falls_back_to_x_request_id() {
    let err = |headers: &[(&str, &str)]| {
        decode_session::<PassiveLiveness>(&response(500, headers, "oops")).unwrap_err()
    };
    assert_eq!(
        err(&[("Request-Id", "a"), ("x-request-id", "b")]).request_id(),
        Some("a")
    );
    assert_eq!(err(&[("x-request-id", "b")]).request_id(), Some("b"));
    assert_eq!(err(&[]).request_id(), None);
}

#[test]
fn a_created_session_must_carry_its_sid_in_its_url() {
    let body = SESSION.replace("/passive-liveness/Ab3dEf9hIj1kLm5nOp7qRs2tUv4wXy6z", "/");
    let err = decode_session::<PassiveLiveness>(&response(200, &[], body.clone())).unwrap_err();
    let ResponseError::Decode(decode) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(decode.path(), "url");
    assert!(decode.message().contains("session id"), "{err}");

    // A retrieved session keeps the sid it was fetched by, whatever its url says.
    let sid = SessionId::new("Requested123").unwrap();
    let session =
        decode_retrieved_session::<PassiveLiveness>(&response(200, &[], body), &sid).unwrap();
    assert_eq!(session.sid(), &sid);
    let session =
        decode_retrieved_session::<PassiveLiveness>(&response(200, &[], SESSION), &sid).unwrap();
    assert_eq!(session.sid().as_str(), "Requested123");
}

#[test]
fn expiry_is_judged_by_the_services_clock() {
    // expired = 1678247333160 ms; the service says it is 10 minutes before that.
    let date = httpdate_of(1_678_247_333 - 600);
    let session =
        decode_session::<PassiveLiveness>(&response(200, &[("Date", &date)], SESSION)).unwrap();
    assert_eq!(session.expires_in(), Some(Duration::from_millis(600_160)));
    assert_eq!(session.is_expired_by_service_clock(), Some(false));
    // The caller's clock is a day late: the service's clock still decides.
    let far_future = UNIX_EPOCH + Duration::from_secs(1_678_247_333 + 86_400);
    assert!(!session.is_expired(far_future));
    assert!(session.is_expired_at(far_future));

    let after = httpdate_of(1_678_247_334);
    let session =
        decode_session::<PassiveLiveness>(&response(200, &[("Date", &after)], SESSION)).unwrap();
    assert_eq!(session.expires_in(), Some(Duration::ZERO));
    assert!(session.is_expired(UNIX_EPOCH));

    // Without a Date header (or with a bad one), the caller's clock is used.
    for headers in [&[][..], &[("Date", "yesterday")][..]] {
        let session = decode_session::<PassiveLiveness>(&response(200, headers, SESSION)).unwrap();
        assert_eq!(session.expires_in(), None);
        assert!(session.is_expired(far_future));
        assert!(!session.is_expired(UNIX_EPOCH));
    }
}

fn httpdate_of(secs: u64) -> String {
    httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(secs))
}

/// `expires_in` never reports more than a session can live (#23: right after a create it read
/// 86,400.694 s, the `Date` header having whole seconds), and a service clock that is wildly
/// behind cannot promise more either.
#[test]
fn expires_in_never_exceeds_the_session_lifetime() {
    use glair_types::SESSION_LIFETIME;
    assert_eq!(SESSION_LIFETIME, Duration::from_secs(86_400));
    // Created at 1678160933.160 (24 h before `expired`); the Date truncates to .000.
    let date = httpdate_of(1_678_247_333 - 86_400);
    let session =
        decode_session::<PassiveLiveness>(&response(200, &[("Date", &date)], SESSION)).unwrap();
    assert_eq!(session.expires_in(), Some(SESSION_LIFETIME));
    // A service clock in 1970.
    let date = httpdate_of(0);
    let session =
        decode_session::<PassiveLiveness>(&response(200, &[("Date", &date)], SESSION)).unwrap();
    assert_eq!(session.expires_in(), Some(SESSION_LIFETIME));
    assert_eq!(session.is_expired_by_service_clock(), Some(false));
    // One a minute before expiry still reads exactly.
    let date = httpdate_of(1_678_247_333 - 60);
    let session =
        decode_session::<PassiveLiveness>(&response(200, &[("Date", &date)], SESSION)).unwrap();
    assert_eq!(session.expires_in(), Some(Duration::from_millis(60_160)));
}
