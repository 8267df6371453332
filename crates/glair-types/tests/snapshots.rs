#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Snapshot tests: every request this crate builds and the decoded model of every fixture.
//!
//! Review changes with `cargo insta review` (or run with `INSTA_UPDATE=always` and read the
//! diff); CI fails on any difference.

use bytes::Bytes;
use glair_types::{
    ActiveLiveness, ApiConfig, CreatePassiveLivenessSession, CreateSession, Credentials,
    GestureVerdict, Ktp, Npwp, PassiveLiveness, RetrievePassiveLivenessSession, RetrieveSession,
    SessionId, Verdict, decode_session, ocr::OcrVerdict,
};

const SECRETS: [&str; 3] = ["snapshot-api-key", "snapshot-user", "snapshot-password"];

fn credentials() -> Credentials {
    Credentials::new(SECRETS[0], SECRETS[1], SECRETS[2]).unwrap()
}

/// Method, URI, headers (sensitive values redacted) and body, one per line.
fn render_request(request: &http::Request<Bytes>) -> String {
    let mut out = format!("{} {}\n", request.method(), request.uri());
    let mut headers: Vec<_> = request.headers().iter().collect();
    headers.sort_by_key(|(name, _)| name.as_str());
    for (name, value) in headers {
        let shown = if value.is_sensitive() {
            "<redacted>".to_owned()
        } else {
            value.to_str().unwrap().to_owned()
        };
        out.push_str(&format!("{name}: {shown}\n"));
    }
    out.push('\n');
    out.push_str(std::str::from_utf8(request.body()).unwrap());
    for secret in SECRETS {
        assert!(!out.contains(secret), "a secret leaked into the rendering");
    }
    out
}

#[test]
fn create_requests() {
    let config = ApiConfig::default();
    let creds = credentials();
    let cases = [
        (
            "create_passive_liveness_minimal",
            CreatePassiveLivenessSession::new("https://app.example/done")
                .to_http_request(&config, &creds)
                .unwrap(),
        ),
        (
            "create_passive_liveness_with_cancel",
            CreatePassiveLivenessSession::new("https://app.example/done?state=abc#top")
                .cancel_url("https://app.example/cancel")
                .to_http_request(&config, &creds)
                .unwrap(),
        ),
        (
            "create_passive_liveness_custom_endpoint",
            CreatePassiveLivenessSession::new("http://127.0.0.1:3000/done")
                .to_http_request(
                    &ApiConfig::new("http://127.0.0.1:8080/")
                        .unwrap()
                        .with_api_version("v2")
                        .unwrap(),
                    &creds,
                )
                .unwrap(),
        ),
        (
            "create_active_liveness",
            CreateSession::<ActiveLiveness>::new("https://app.example/done")
                .number_of_gestures(3)
                .to_http_request(&config, &creds)
                .unwrap(),
        ),
        (
            "create_ktp",
            CreateSession::<Ktp>::new("https://app.example/done")
                .qualities_detector(true)
                .to_http_request(&config, &creds)
                .unwrap(),
        ),
        (
            "create_npwp",
            CreateSession::<Npwp>::new("https://app.example/done")
                .cancel_url("https://app.example/cancel")
                .to_http_request(&config, &creds)
                .unwrap(),
        ),
    ];
    for (name, request) in cases {
        insta::assert_snapshot!(name, render_request(&request));
    }
}

#[test]
fn retrieve_requests() {
    let config = ApiConfig::default();
    let creds = credentials();
    let sid = SessionId::new("Ab3dEf9hIj1kLm5nOp7qRs2tUv4wXy6z").unwrap();
    insta::assert_snapshot!(
        "retrieve_passive_liveness",
        render_request(
            &RetrievePassiveLivenessSession::new(sid.clone())
                .to_http_request(&config, &creds)
                .unwrap()
        )
    );
    insta::assert_snapshot!(
        "retrieve_ktp",
        render_request(
            &RetrieveSession::<Ktp>::new(sid)
                .to_http_request(&config, &creds)
                .unwrap()
        )
    );
}

fn response(status: u16, content_type: &str, body: &[u8]) -> http::Response<Bytes> {
    http::Response::builder()
        .status(status)
        .header("content-type", content_type)
        .header("request-id", "req-0001")
        .body(Bytes::copy_from_slice(body))
        .unwrap()
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn decoded_session_fixtures() {
    for name in [
        "seed_create_response_verbatim.json",
        "seed_create_response_without_trailing_comma.json",
        "seed_retrieve_finished.json",
        "pending_result_null.json",
        "pending_result_empty_object.json",
        "finished_spoof_status_alias.json",
        "finished_face_not_detected.json",
        "unknown_status_and_level.json",
        "spoof_percentage_out_of_range.json",
        "wrong_type_expired.json",
    ] {
        let decoded =
            decode_session::<PassiveLiveness>(&response(200, "application/json", &fixture(name)));
        let snapshot_name = format!("decode_{}", name.trim_end_matches(".json"));
        insta::assert_snapshot!(snapshot_name, format!("{decoded:#?}"));
    }
}

#[test]
fn decoded_error_fixtures() {
    for (name, status, content_type) in [
        ("error_message_403.json", 403, "application/json"),
        ("error_error_401.json", 401, "application/json"),
        ("error_status_reason_400.json", 400, "application/json"),
        ("error_html_502.html", 502, "text/html"),
    ] {
        let err =
            decode_session::<PassiveLiveness>(&response(status, content_type, &fixture(name)))
                .unwrap_err();
        let snapshot_name = format!("decode_{}", name.split('.').next().unwrap());
        insta::assert_snapshot!(snapshot_name, format!("{err}\n\n{err:#?}"));
    }
}

#[test]
fn decoded_fixtures_of_the_other_kinds() {
    fn decode<K: glair_types::SessionKind>(name: &str) -> glair_types::Session<K> {
        decode_session::<K>(&response(200, "application/json", &fixture(name)))
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    }
    let ktp = decode::<Ktp>("ktp_session_finished_with_qualities.json");
    insta::assert_snapshot!(
        "decode_ktp_session_finished_with_qualities",
        format!("{ktp:#?}")
    );
    let read = ktp.result.as_ref().and_then(|r| r.read.as_ref()).unwrap();
    assert_eq!(
        read.nik.as_ref().and_then(|f| f.text()),
        Some("3171234567890123")
    );
    assert_eq!(
        ktp.result.as_ref().unwrap().qualities.unwrap().is_ktp,
        Some(true)
    );
    assert_eq!(ktp.verdict(), Some(OcrVerdict::Read));

    let failed = decode::<Ktp>("ktp_session_failed.json");
    insta::assert_snapshot!("decode_ktp_session_failed", format!("{failed:#?}"));
    assert_eq!(failed.verdict().unwrap().label(), "not_read");

    let npwp = decode::<Npwp>("npwp_session_finished_docs_sample.json");
    insta::assert_snapshot!(
        "decode_npwp_session_finished_docs_sample",
        format!("{npwp:#?}")
    );
    let read = npwp.result.as_ref().and_then(|r| r.read.as_ref()).unwrap();
    assert_eq!(
        read.no_npwp.as_ref().and_then(|f| f.text()),
        Some("70.943.997.0-437.000")
    );
    assert_eq!(read.nik.as_ref().and_then(|f| f.text()), None);

    let matched = decode::<ActiveLiveness>("active_liveness_session_matched.json");
    insta::assert_snapshot!(
        "decode_active_liveness_session_matched",
        format!("{matched:#?}")
    );
    assert_eq!(matched.verdict(), Some(GestureVerdict::Matched));

    let no_hand = decode::<ActiveLiveness>("active_liveness_session_hand_not_detected.json");
    insta::assert_snapshot!(
        "decode_active_liveness_session_hand_not_detected",
        format!("{no_hand:#?}")
    );
    assert_eq!(no_hand.verdict().unwrap().label(), "inconclusive");
}
