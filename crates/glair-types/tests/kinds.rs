//! Every hosted session kind on the one generic mechanism: snapshots of decoded sessions and
//! properties of their create requests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bytes::Bytes;
use glair_types::{
    ActiveLiveness, ApiConfig, CreateSession, Credentials, Ktp, Npwp, PassiveLiveness,
    RetrieveSession, SessionId, SessionKind, SessionStatus, decode_session,
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
fn decoded_sessions_of_every_kind() {
    let active = decode_session::<ActiveLiveness>(&ok(finished_body(
        "active-liveness",
        r#"{"status":"success","result":{"gestures_passed":3,"gestures_total":3,"status":"PASSED"}}"#,
    )))
    .unwrap();
    insta::assert_snapshot!("decode_active_liveness", format!("{active:#?}"));

    let npwp = decode_session::<Npwp>(&ok(finished_body(
        "npwp",
        r#"{"status":"success","result":{"npwp":"01.234.567.8-901.000","nama":"BUDI SANTOSO"}}"#,
    )))
    .unwrap();
    insta::assert_snapshot!("decode_npwp", format!("{npwp:#?}"));
    assert_eq!(
        npwp.result.unwrap().as_json()["result"]["npwp"],
        "01.234.567.8-901.000"
    );

    for pending in [r#"null"#, r#"{}"#] {
        let s = decode_session::<Ktp>(&ok(finished_body("ktp", pending))).unwrap();
        assert!(s.result.is_none(), "{pending}");
    }
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
    fn raw_results_round_trip(key in "[a-z_]{1,10}", value in "[ -~]{0,20}", number in any::<i32>()) {
        let result = serde_json::json!({"status": "success", "result": {key: value, "n": number}});
        let body = finished_body("npwp", &result.to_string());
        let session = decode_session::<Npwp>(&ok(body)).unwrap();
        prop_assert_eq!(&session.status, &SessionStatus::Finished);
        let decoded = session.result.clone().unwrap();
        prop_assert_eq!(decoded.as_json(), &result);
        let again = glair_types::Session::<Npwp>::from_json(serde_json::to_vec(&session).unwrap()).unwrap();
        prop_assert_eq!(again, session);
    }
}
