#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Property tests: round trips of the models, decoders that never panic, and session ids that
//! can never redirect a request to another resource.

use bytes::Bytes;
use glair_types::{
    ApiConfig, CheckStatus, CreatePassiveLivenessSession, Credentials, EpochMillis, Ktp,
    PassiveLiveness, PassiveLivenessResult, PassiveLivenessSession, RetrievePassiveLivenessSession,
    SessionId, SessionStatus, SpoofCheck, SpoofLevel, Tolerant, decode_session,
};
use proptest::prelude::*;

fn status() -> impl Strategy<Value = SessionStatus> {
    prop_oneof![
        Just(SessionStatus::Pending),
        Just(SessionStatus::Finished),
        "[A-Z_]{1,12}".prop_map(|s| SessionStatus::from(s.as_str())),
    ]
}

fn level() -> impl Strategy<Value = SpoofLevel> {
    prop_oneof![
        Just(SpoofLevel::High),
        Just(SpoofLevel::Moderate),
        Just(SpoofLevel::Low),
        Just(SpoofLevel::FaceNotDetected),
        Just(SpoofLevel::TooManyFacesDetected),
        ".{0,20}".prop_map(|s| SpoofLevel::from_wire(&s)),
    ]
}

fn result() -> impl Strategy<Value = Option<PassiveLivenessResult>> {
    let check = (proptest::option::of(0.0f64..=1.0), level())
        .prop_map(|(p, level)| SpoofCheck::new(p, level));
    let outer = prop_oneof![
        Just(CheckStatus::Success),
        Just(CheckStatus::Failed),
        "[a-z]{1,10}".prop_map(|s| CheckStatus::from(s.as_str())),
    ];
    proptest::option::of(
        (outer, proptest::option::of(check))
            .prop_map(|(status, check)| PassiveLivenessResult::new(status, check)),
    )
}

fn session_json() -> impl Strategy<Value = serde_json::Value> {
    (
        status(),
        proptest::option::of(any::<i64>()),
        "[A-Za-z0-9]{32}",
        proptest::option::of("https://[a-z]{1,10}\\.example/[a-z?=&]{0,20}"),
        result(),
    )
        .prop_map(|(status, expired, sid, cancel_url, result)| {
            let mut json = serde_json::json!({
                "status": status,
                "url": format!("https://vision.glair.ai/passive-liveness/{sid}"),
                "success_url": "https://app.example/done?x=1",
                "result": result,
            });
            if let Some(expired) = expired {
                json["expired"] = EpochMillis(expired).as_millis().into();
            }
            if let Some(cancel_url) = cancel_url {
                json["cancel_url"] = cancel_url.into();
            }
            json
        })
}

fn ok_response(body: Vec<u8>) -> http::Response<Bytes> {
    http::Response::builder()
        .status(200)
        .body(Bytes::from(body))
        .unwrap()
}

fn arbitrary_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        ".{0,12}".prop_map(serde_json::Value::from),
        prop_oneof![
            Just("PENDING"),
            Just("FINISHED"),
            Just("HIGH"),
            Just("success"),
            Just("https://x.example/p/abc"),
        ]
        .prop_map(serde_json::Value::from),
    ];
    let keys = prop_oneof![
        Just("status".to_owned()),
        Just("expired".to_owned()),
        Just("url".to_owned()),
        Just("success_url".to_owned()),
        Just("cancel_url".to_owned()),
        Just("result".to_owned()),
        Just("spoof_percentage".to_owned()),
        Just("spoof_status".to_owned()),
        "[a-z]{1,6}",
    ];
    leaf.prop_recursive(4, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            prop::collection::btree_map(keys.clone(), inner, 0..8)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn sessions_round_trip(json in session_json()) {
        let body = serde_json::to_vec(&json).unwrap();
        let decoded = PassiveLivenessSession::from_json(body).unwrap();
        let again = PassiveLivenessSession::from_json(serde_json::to_vec(&decoded).unwrap()).unwrap();
        prop_assert_eq!(&decoded, &again);
        prop_assert_eq!(serde_json::to_value(&again).unwrap()["status"].clone(), json["status"].clone());
    }

    #[test]
    fn decoding_arbitrary_bytes_never_panics(status in 100u16..600, body in prop::collection::vec(any::<u8>(), 0..512)) {
        let response = http::Response::builder().status(status).body(Bytes::from(body)).unwrap();
        let _ = decode_session::<PassiveLiveness>(&response);
        let _ = decode_session::<Ktp>(&response);
    }

    #[test]
    fn decoding_arbitrary_json_never_panics(json in arbitrary_json()) {
        let body = serde_json::to_vec(&json).unwrap();
        let _ = decode_session::<PassiveLiveness>(&ok_response(body.clone()));
        let _ = decode_session::<Ktp>(&ok_response(body));
    }

    #[test]
    fn sids_either_refused_or_confined_to_one_path_segment(raw in ".{0,200}") {
        let Ok(sid) = SessionId::new(raw.clone()) else { return Ok(()) };
        let creds = Credentials::new("k", "u", "p").unwrap();
        let request = RetrievePassiveLivenessSession::new(sid)
            .to_http_request(&ApiConfig::default(), &creds)
            .unwrap();
        let segments: Vec<&str> = request.uri().path().split('/').collect();
        prop_assert_eq!(segments.len(), 5);
        prop_assert_eq!(&segments[..4], &["", "face", "v1", "passive-liveness-sessions"]);
        prop_assert_eq!(segments[4], raw.as_str());
        prop_assert!(request.uri().query().is_none());
        prop_assert_eq!(request.uri().host(), Some("api.vision.glair.ai"));
    }

    #[test]
    fn sids_from_hostile_characters_are_refused(prefix in "[a-z]{0,5}", bad in prop_oneof![Just("/"), Just(".."), Just("%2F"), Just("?"), Just("#"), Just("é"), Just(" ")], suffix in "[a-z]{0,5}") {
        let candidate = format!("{prefix}{bad}{suffix}");
        prop_assert!(SessionId::new(candidate).is_err());
    }

    #[test]
    fn redirect_parsing_never_panics_and_only_yields_valid_sids(url in ".{0,200}") {
        if let Ok(sid) = SessionId::from_redirect_url(&url) {
            prop_assert!(SessionId::new(sid.as_str()).is_ok());
        }
        if let Ok(sid) = SessionId::from_session_url(&url) {
            prop_assert!(SessionId::new(sid.as_str()).is_ok());
        }
    }

    #[test]
    fn url_validation_never_panics_and_accepts_only_absolute_http(url in ".{0,300}") {
        if CreatePassiveLivenessSession::new(url.clone()).validate().is_ok() {
            let lower = url.to_ascii_lowercase();
            prop_assert!(lower.starts_with("http://") || lower.starts_with("https://"));
            prop_assert!(!url.chars().any(|c| c.is_control() || c.is_whitespace()));
        }
    }

    #[test]
    fn accepted_urls_are_sent_verbatim(path in "[a-zA-Z0-9/_.~-]{0,40}", query in "[a-z0-9=&]{0,20}") {
        let url = format!("https://app.example/{path}?{query}");
        let creds = Credentials::new("k", "u", "p").unwrap();
        let request = CreatePassiveLivenessSession::new(url.clone())
            .to_http_request(&ApiConfig::default(), &creds)
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
        prop_assert_eq!(body["success_url"].as_str(), Some(url.as_str()));
        prop_assert!(body.get("cancel_url").is_none());
    }
}

#[test]
fn deeply_nested_json_is_an_error_not_a_stack_overflow() {
    let depth = 100_000;
    let body = format!(
        r#"{{"status":"FINISHED","url":"https://x.example/p/a","success_url":"https://x.example/","unknown_field":{}{}}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    // Unknown fields are skipped without recursion: this decodes, and must not overflow.
    let session = decode_session::<PassiveLiveness>(&ok_response(body.into_bytes())).unwrap();
    assert!(session.result.is_none());
    let err = decode_session::<Ktp>(&ok_response(
        format!(r#"{{"status":"FINISHED","url":"https://x.example/p/a","success_url":"https://x.example/","result":{{"a":{}1{}}}}}"#, "[".repeat(depth), "]".repeat(depth)).into_bytes(),
    ))
    .unwrap();
    // The typed KTP result skips the unknown deep value without recursing; its missing
    // `status` reads as unknown (not read): never a stack overflow.
    assert!(!err.verdict().unwrap().is_read());
    // A deep value where the model reads one is unreadable; tolerant decoding's tree is
    // bounded by serde_json's recursion limit: an error, never a stack overflow.
    let err = decode_session::<Ktp>(&ok_response(
        format!(r#"{{"status":"FINISHED","url":"https://x.example/p/a","success_url":"https://x.example/","result":{{"status":{}1{}}}}}"#, "[".repeat(depth), "]".repeat(depth)).into_bytes(),
    ))
    .unwrap_err();
    assert!(err.to_string().contains("recursion"), "{err}");
}

#[test]
fn duplicate_keys_are_a_decode_error_naming_the_field() {
    let body = br#"{"status":"PENDING","status":"FINISHED","url":"https://x.example/p/a","success_url":"https://x.example/"}"#;
    let err = decode_session::<PassiveLiveness>(&ok_response(body.to_vec())).unwrap_err();
    assert!(
        err.to_string().contains("duplicate field `status`"),
        "{err}"
    );
}

#[test]
fn huge_and_negative_expiry_values_never_panic() {
    for expired in ["-1", "9223372036854775807", "-9223372036854775808"] {
        let body = format!(
            r#"{{"status":"PENDING","expired":{expired},"url":"https://x.example/p/a","success_url":"https://x.example/"}}"#
        );
        let session = PassiveLivenessSession::from_json(body.into_bytes()).unwrap();
        let _ = session.expires_at();
        let _ = session.is_expired_at(std::time::SystemTime::now());
    }
    let body = br#"{"status":"PENDING","expired":1e300,"url":"https://x.example/p/a","success_url":"https://x.example/"}"#;
    // Beyond the i64 range: unreadable, so the expiry is unknown; the session still decodes.
    let session = PassiveLivenessSession::from_json(&body[..]).unwrap();
    assert_eq!(session.expired, None);
    assert_eq!(session.unreadable_fields()[0].path(), "expired");
}
