//! Every hosted session kind on the one generic mechanism: snapshots of decoded sessions and
//! properties of their create requests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bytes::Bytes;
use glair_types::{
    ActiveLiveness, ApiConfig, CreateSession, Credentials, EndpointRequest, Ktp, KtpFields, Npwp,
    PassiveLiveness, RetrieveSession, SessionId, SessionKind, SessionStatus, Verdict,
    decode_session,
};
use proptest::prelude::*;

fn ok(body: String) -> http::Response<Bytes> {
    http::Response::builder()
        .status(200)
        .body(Bytes::from(body))
        .unwrap()
}

fn finished_body(page: &str, result: &str) -> String {
    format!(
        r#"{{"status":"FINISHED","expired":1678247333160,"url":"https://vision.glair.ai/{page}/Ab3dEf9hIj1kLm5nOp7qRs2tUv4wXy6z","success_url":"https://app.example/done","result":{result}}}"#
    )
}

#[test]
fn pending_sessions_of_every_kind_have_no_result_and_no_verdict() {
    for pending in [r#"null"#, r#"{}"#] {
        let body = finished_body("ktp", pending).replace("FINISHED", "PENDING");
        let s = decode_session::<Ktp>(&ok(body)).unwrap();
        assert!(s.result.is_none(), "{pending}");
        assert!(s.verdict().is_none(), "{pending}");
        let body = finished_body("active-liveness", pending).replace("FINISHED", "PENDING");
        assert!(
            decode_session::<ActiveLiveness>(&ok(body))
                .unwrap()
                .verdict()
                .is_none()
        );
    }
}

#[test]
fn a_finished_session_without_a_result_is_never_positive() {
    fn check<K: SessionKind>(page: &str) {
        let session = decode_session::<K>(&ok(finished_body(page, "null"))).unwrap();
        let verdict = session.verdict().expect("finished sessions have a verdict");
        assert!(!verdict.is_positive(), "{page}: {verdict}");
        assert!(verdict.reason().is_some(), "{page}: {verdict}");
    }
    check::<PassiveLiveness>("passive-liveness");
    check::<ActiveLiveness>("active-liveness");
    check::<Ktp>("ktp");
    check::<Npwp>("npwp");
}

fn path_of<K: SessionKind>() -> String {
    let sid = SessionId::new("abc").unwrap();
    RetrieveSession::<K>::new(sid)
        .to_http_request(
            &ApiConfig::default(),
            &Credentials::new("k", "u", "p").unwrap(),
        )
        .unwrap()
        .uri()
        .path()
        .to_owned()
}

#[test]
fn each_kind_has_its_documented_path() {
    assert_eq!(
        path_of::<PassiveLiveness>(),
        "/face/v1/passive-liveness-sessions/abc"
    );
    assert_eq!(
        path_of::<ActiveLiveness>(),
        "/face/v1/active-liveness-sessions/abc"
    );
    assert_eq!(path_of::<Ktp>(), "/ocr/v1/ktp-sessions/abc");
    assert_eq!(path_of::<Npwp>(), "/ocr/v1/npwp-sessions/abc");
}

#[test]
fn create_fields_are_set_and_read_through_methods() {
    let mut active = CreateSession::<ActiveLiveness>::new("https://app.example/done");
    assert_eq!(active.fields_mut().number_of_gestures(), None);
    active.fields_mut().set_number_of_gestures(Some(2));
    assert_eq!(active.fields_mut().number_of_gestures(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&active.to_json().unwrap()).unwrap();
    assert_eq!(json["number_of_gestures"], 2);
    active.fields_mut().set_number_of_gestures(None);
    let json: serde_json::Value = serde_json::from_slice(&active.to_json().unwrap()).unwrap();
    assert!(json.get("number_of_gestures").is_none(), "{json}");

    let mut ktp = CreateSession::<Ktp>::new("https://app.example/done");
    *ktp.fields_mut() = KtpFields::new();
    ktp.fields_mut().set_qualities_detector(Some(true));
    assert_eq!(ktp.fields_mut().qualities_detector(), Some(true));
    let json: serde_json::Value = serde_json::from_slice(&ktp.to_json().unwrap()).unwrap();
    assert_eq!(json["qualities_detector"], true);
    assert_eq!(
        ktp,
        CreateSession::<Ktp>::new("https://app.example/done").qualities_detector(true)
    );
}

#[test]
fn number_of_gestures_must_be_positive() {
    let err = CreateSession::<ActiveLiveness>::new("https://app.example/done")
        .number_of_gestures(0)
        .validate()
        .unwrap_err();
    assert_eq!(err.field(), "number_of_gestures");
    assert!(err.to_string().contains("positive"));
}

proptest! {
    #[test]
    fn active_liveness_create_bodies(n in 0u32..1000, cancel in any::<bool>()) {
        let mut create = CreateSession::<ActiveLiveness>::new("https://app.example/done").number_of_gestures(n);
        if cancel {
            create = create.cancel_url("https://app.example/cancel");
        }
        match create.to_json() {
            Ok(body) => {
                prop_assert!(n > 0);
                let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
                prop_assert_eq!(json["number_of_gestures"].as_u64(), Some(u64::from(n)));
                prop_assert_eq!(json.get("cancel_url").is_some(), cancel);
            }
            Err(e) => {
                prop_assert_eq!(n, 0);
                prop_assert_eq!(e.field(), "number_of_gestures");
            }
        }
    }

    /// The create body is written member by member (not through serde's flatten); whatever
    /// the URLs hold and whichever fields are set, it is exactly the object serde would make.
    #[test]
    fn create_bodies_are_exactly_the_expected_object(
        path in "[a-zA-Z0-9/'()*!$._~-]{0,40}",
        cancel in proptest::option::of("[a-z0-9/?=&]{0,20}"),
        flag in proptest::option::of(any::<bool>()),
    ) {
        let success = format!("https://app.example/{path}");
        let mut expected = serde_json::json!({"success_url": success});
        let mut passive = CreateSession::<glair_types::PassiveLiveness>::new(success.clone());
        let mut ktp = CreateSession::<Ktp>::new(success);
        if let Some(cancel) = &cancel {
            let cancel = format!("https://app.example/{cancel}");
            expected["cancel_url"] = cancel.clone().into();
            passive = passive.cancel_url(cancel.clone());
            ktp = ktp.cancel_url(cancel);
        }
        let json: serde_json::Value = serde_json::from_slice(&passive.to_json().unwrap()).unwrap();
        prop_assert_eq!(&json, &expected);
        if let Some(flag) = flag {
            ktp = ktp.qualities_detector(flag);
            expected["qualities_detector"] = flag.into();
        }
        let json: serde_json::Value = serde_json::from_slice(&ktp.to_json().unwrap()).unwrap();
        prop_assert_eq!(json, expected);
    }

    #[test]
    fn ktp_create_bodies(flag in proptest::option::of(any::<bool>())) {
        let mut create = CreateSession::<Ktp>::new("https://app.example/done");
        if let Some(flag) = flag {
            create = create.qualities_detector(flag);
        }
        let json: serde_json::Value = serde_json::from_slice(&create.to_json().unwrap()).unwrap();
        prop_assert_eq!(json.get("qualities_detector").and_then(|v| v.as_bool()), flag);
    }

    #[test]
    fn ocr_results_round_trip(value in "[ -~]{0,20}", confidence in 0u8..=100, unknown in "[a-z_]{1,10}") {
        let unknown = format!("x_{unknown}");
        let result = serde_json::json!({
            "status": "SUCCESS",
            "reason": "File Successfully Read",
            "read": {"noNpwp": {"value": value, "confidence": confidence}, "nama": {"value": "X", "confidence": 1}},
            unknown.clone(): {"ignored": true},
        });
        let body = finished_body("npwp", &result.to_string());
        let session = decode_session::<Npwp>(&ok(body)).unwrap();
        prop_assert_eq!(&session.status, &SessionStatus::Finished);
        let read = session.result.as_ref().and_then(|r| r.read.as_ref()).unwrap();
        prop_assert_eq!(read.no_npwp.as_ref().and_then(|f| f.value.as_deref()), Some(value.as_str()));
        prop_assert_eq!(read.no_npwp.as_ref().and_then(|f| f.confidence), Some(f64::from(confidence)));
        // The unknown key is tolerated on decode and kept in the raw JSON.
        let raw: serde_json::Value = serde_json::from_slice(session.raw_json()).unwrap();
        prop_assert!(raw["result"].get(&unknown).is_some());
        let again = glair_types::Session::<Npwp>::from_json(serde_json::to_vec(&session).unwrap()).unwrap();
        prop_assert_eq!(again, session);
    }
}

/// A session call's model alone (`decode_value`) is the model its whole decode holds, and
/// a refused call is the same error either way.
#[test]
fn the_model_alone_is_the_model_of_the_whole_decode() {
    fn check<K: SessionKind>(page: &str) {
        let create = CreateSession::<K>::new("https://app.example/done");
        let response = ok(finished_body(page, "null"));
        let whole = create.decode(&response).unwrap();
        assert_eq!(create.decode_value(&response).unwrap(), *whole.value());

        let sid = SessionId::new("AskedFor123").unwrap();
        let retrieve = RetrieveSession::<K>::new(sid.clone());
        let alone = retrieve.decode_value(&response).unwrap();
        assert_eq!(alone, *retrieve.decode(&response).unwrap().value());
        assert_eq!(
            alone.sid(),
            &sid,
            "a retrieved session keeps the sid asked for"
        );

        let refused = http::Response::builder()
            .status(401)
            .header("Request-Id", "req-9")
            .body(Bytes::from_static(br#"{"message":"Unauthorized"}"#))
            .unwrap();
        let whole = retrieve.decode(&refused).unwrap_err();
        let alone = retrieve.decode_value(&refused).unwrap_err();
        assert_eq!(alone.to_string(), whole.to_string());
        assert_eq!(alone.request_id(), Some("req-9"));
    }
    check::<PassiveLiveness>("passive-liveness");
    check::<ActiveLiveness>("active-liveness");
    check::<Ktp>("ktp");
    check::<Npwp>("npwp");
}
