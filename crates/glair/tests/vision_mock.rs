//! The face, identity and OCR namespaces against the mock transport, async and blocking: the
//! requests built (path, content type, multipart parts), the answers decoded, handle settings,
//! and the rule that a call billed on receipt is never sent twice.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use glair::net::{FakeTime, FixedJitter, MockTransport, SharedJitter, TransportErrorKind};
use glair::ocr::{OcrRequest, OcrStatus, doc};
use glair::{
    ActiveLivenessCheck, Client, Credentials, Decoded, Error, FaceMatch, FaceMatchVerdict,
    FaceVerification, GestureCode, GestureVerdict, IdentityField, IdentityVerification, ImageInput,
    LivenessVerdict, PassiveLivenessCheck, Settings, TransportError,
};

const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0 a jpeg";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n a png";
const PDF: &[u8] = b"%PDF-1.7 a pdf";

const FACE_MATCH: &str = r#"{"status":"success","result":{"match_percentage":0.95768,"match_status":"match","match_status_code":"MATCH"}}"#;
const PASSIVE: &str =
    r#"{"status":"success","result":{"spoof_percentage":0.02611,"status":"LOW"}}"#;
const ACTIVE: &str =
    r#"{"status":"success","result":{"gesture_status":"MATCH","detected_gesture":"HEAD_LEFT"}}"#;
const IDENTITY: &str = r#"{"verification_status":true,"reason":"Verification Success","result":{"nik":true,"name":true,"date_of_birth":true,"mother_maiden_name":null}}"#;
const FACE_VERIFICATION: &str = r#"{"verification_status":true,"reason":"Verification Success","result":{"nik":true,"name":true,"date_of_birth":true,"face_image_percentage":82.04}}"#;
/// A successful read with one field: every OCR model decodes it (the fields are optional).
const OCR_READ: &str = r#"{"status":"SUCCESS","reason":"File Successfully Read","read":{"nama":{"value":"BUDI","confidence":99}},"extra":{"kept":true}}"#;

fn jpeg() -> ImageInput {
    ImageInput::from_bytes(JPEG).with_filename("selfie.jpg")
}

fn start() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_767_225_600)
}

fn client(mock: &MockTransport) -> Client {
    Client::builder()
        .api_key("mock-api-key")
        .username("mock-user")
        .password("mock-password")
        .transport(mock.clone())
        .time(FakeTime::new(start()))
        .jitter(SharedJitter::new(FixedJitter(0.5)))
        .build()
        .unwrap()
}

/// One part of a `multipart/form-data` body: its headers and its content.
#[derive(Debug)]
struct Part {
    headers: String,
    content: Vec<u8>,
}

/// Splits a multipart body by the boundary its content type names, keyed by part name.
fn parts(content_type: &str, body: &[u8]) -> Vec<(String, Part)> {
    let boundary = content_type
        .split("boundary=")
        .nth(1)
        .expect("a boundary")
        .trim_matches('"');
    let delimiter = format!("--{boundary}");
    let body = body.to_vec();
    let mut out = Vec::new();
    let mut rest = &body[..];
    while let Some(at) = find(rest, delimiter.as_bytes()) {
        rest = &rest[at + delimiter.len()..];
        if rest.starts_with(b"--") {
            break;
        }
        let rest_part = rest.strip_prefix(b"\r\n").unwrap_or(rest);
        let end = find(rest_part, format!("\r\n{delimiter}").as_bytes()).expect("closed part");
        let part = &rest_part[..end];
        let split = find(part, b"\r\n\r\n").expect("part headers");
        let headers = String::from_utf8(part[..split].to_vec()).unwrap();
        let name = headers
            .split("name=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_owned();
        out.push((
            name,
            Part {
                headers,
                content: part[split + 4..].to_vec(),
            },
        ));
        rest = &rest_part[end + 2..];
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The last request's path and its parts, checked to be a multipart POST with credentials.
fn last_upload(mock: &MockTransport) -> (String, Vec<(String, Part)>) {
    let request = mock.requests().pop().expect("a request");
    assert_eq!(request.method, "POST");
    assert_eq!(request.header("x-api-key"), Some("mock-api-key"));
    assert!(request.header("authorization").is_some());
    let content_type = request.header("content-type").unwrap().to_owned();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    (
        request.uri.path().to_owned(),
        parts(&content_type, &request.body),
    )
}

fn names(parts: &[(String, Part)]) -> Vec<&str> {
    parts.iter().map(|(n, _)| n.as_str()).collect()
}

#[allow(clippy::needless_pass_by_value)] // used as `.map(raw)`
fn raw<T>(decoded: Decoded<T>) -> serde_json::Value {
    decoded.raw_value().unwrap()
}

#[tokio::test]
async fn face_methods_send_multipart_and_decode_the_verdicts() {
    let mock = MockTransport::new();
    let face = client(&mock).face();

    mock.push_json(200, FACE_MATCH);
    let stored = ImageInput::from_bytes(PNG);
    let answer = face
        .face_match(FaceMatch::new(jpeg(), stored))
        .await
        .unwrap();
    assert_eq!(answer.value().verdict(), FaceMatchVerdict::Matched);
    assert_eq!(answer.value().match_percentage(), Some(0.95768));
    assert_eq!(answer.raw_json(), FACE_MATCH.as_bytes());
    let (path, parts) = last_upload(&mock);
    assert_eq!(path, "/face/v1/match");
    assert_eq!(names(&parts), ["captured_image", "stored_image"]);
    assert_eq!(parts[0].1.content, JPEG);
    assert!(parts[0].1.headers.contains("filename=\"selfie.jpg\""));
    assert!(parts[0].1.headers.contains("image/jpeg"), "{:?}", parts[0]);
    assert_eq!(parts[1].1.content, PNG);
    assert!(parts[1].1.headers.contains("image/png"));

    mock.push_json(200, PASSIVE);
    let answer = face
        .passive_liveness(PassiveLivenessCheck::new(jpeg()))
        .await
        .unwrap();
    assert_eq!(answer.value().verdict(), LivenessVerdict::Live);
    let (path, parts) = last_upload(&mock);
    assert_eq!(path, "/face/v1/passive-liveness");
    assert_eq!(names(&parts), ["image"]);

    mock.push_json(200, ACTIVE);
    let answer = face
        .active_liveness(ActiveLivenessCheck::new(jpeg(), GestureCode::HeadLeft))
        .await
        .unwrap();
    assert_eq!(answer.value().verdict(), GestureVerdict::Matched);
    let (path, parts) = last_upload(&mock);
    assert_eq!(path, "/face/v1/active-liveness");
    assert_eq!(names(&parts), ["image", "gesture-code"]);
    assert_eq!(parts[1].1.content, b"HEAD_LEFT");
}

#[tokio::test]
async fn identity_methods_send_the_fields_and_decode_the_verdicts() {
    let mock = MockTransport::new();
    let identity = client(&mock).identity();

    mock.push_json(200, IDENTITY);
    let answer = identity
        .verification(
            IdentityVerification::new("3171234567890123", "BUDI SANTOSO", "17-08-1990")
                .with(IdentityField::MotherMaidenName, "SITI"),
        )
        .await
        .unwrap();
    assert!(
        answer.value().verdict().is_verified(),
        "{}",
        answer.value().verdict()
    );
    assert_eq!(raw(answer)["reason"], "Verification Success");
    let (path, parts) = last_upload(&mock);
    assert_eq!(path, "/identity/v1/verification");
    assert_eq!(
        names(&parts),
        ["nik", "name", "date_of_birth", "mother_maiden_name"]
    );
    assert_eq!(parts[2].1.content, b"17-08-1990");

    mock.push_json(200, FACE_VERIFICATION);
    let answer = identity
        .face_verification(FaceVerification::new(
            "3171234567890123",
            "BUDI SANTOSO",
            "17-08-1990",
            jpeg(),
        ))
        .await
        .unwrap();
    assert!(answer.value().verdict().is_verified());
    let (path, parts) = last_upload(&mock);
    assert_eq!(path, "/identity/v1/face-verification");
    assert_eq!(
        names(&parts),
        ["nik", "name", "date_of_birth", "face_image"]
    );
    assert_eq!(parts[3].1.content, JPEG);
}

/// Every named OCR method, in catalog order, with the path it must call; `$($await)*` is
/// `.await` for the async client and nothing for the blocking one.
macro_rules! every_ocr_call {
    ($ocr:expr, $image:expr $(, $await:tt)*) => {
        vec![
            ("/ocr/v1/ktp", $ocr.ktp($image.clone()) $(.$await)* .map(raw)),
            ("/ocr/v1/ktp/qualities", $ocr.ktp_with_qualities($image.clone()) $(.$await)* .map(raw)),
            ("/ocr/v1/npwp", $ocr.npwp($image.clone()) $(.$await)* .map(raw)),
            ("/ocr/v1/kk", $ocr.kk($image.clone()) $(.$await)* .map(raw)),
            ("/ocr/v1/stnk", $ocr.stnk($image.clone()) $(.$await)* .map(raw)),
            ("/ocr/v1/bpkb", $ocr.bpkb($image.clone()) $(.$await)* .map(raw)),
            ("/ocr/v1/passport", $ocr.passport($image.clone()) $(.$await)* .map(raw)),
            ("/ocr/v1/plate", $ocr.plate($image.clone()) $(.$await)* .map(raw)),
            ("/ocr/v1/sim", $ocr.sim($image.clone()) $(.$await)* .map(raw)),
            ("/ocr/v1/general-document", $ocr.general_document($image.clone()) $(.$await)* .map(raw)),
            ("/ocr/v1/invoice", $ocr.invoice($image.clone()) $(.$await)* .map(raw)),
            ("/ocr/v1/receipt", $ocr.receipt($image.clone()) $(.$await)* .map(raw)),
            ("/ocr/v1/bank-statement", $ocr.bank_statement($image.clone()) $(.$await)* .map(raw)),
            ("/ocr/v1/skpr", $ocr.skpr($image.clone()) $(.$await)* .map(raw)),
            ("/ocr/v1/singapore-nric", $ocr.singapore_nric($image.clone()) $(.$await)* .map(raw)),
            ("/ocr/v1/singapore-family-pass", $ocr.singapore_family_pass($image.clone()) $(.$await)* .map(raw)),
            ("/ocr/v1/singapore-work-permit", $ocr.singapore_work_permit($image.clone()) $(.$await)* .map(raw)),
            ("/ocr/v1/kitas-kitap", $ocr.kitas_kitap($image.clone()) $(.$await)* .map(raw)),
            ("/ocr/v1/financial-statement", $ocr.financial_statement($image.clone()) $(.$await)* .map(raw)),
        ]
    };
}

/// Every call answered, each to the path listed, with one `image` part holding the JPEG; and
/// the list covers every OCR endpoint of the catalog.
fn check_every_ocr_call(
    mock: &MockTransport,
    calls: Vec<(&str, Result<serde_json::Value, Error>)>,
) {
    let catalog: Vec<String> = glair::endpoints::ALL
        .iter()
        .filter(|e| {
            e.service == "ocr" && e.path_param.is_none() && !e.resource.ends_with("-sessions")
        })
        .map(|e| e.path())
        .collect();
    let listed: Vec<&str> = calls.iter().map(|(path, _)| *path).collect();
    assert_eq!(listed, catalog);
    let requests = mock.requests();
    assert_eq!(requests.len(), calls.len());
    for ((path, answer), request) in calls.into_iter().zip(requests) {
        let answer = answer.unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(
            answer["extra"]["kept"], true,
            "{path}: the raw JSON is kept"
        );
        assert_eq!(request.uri.path(), path);
        let parts = parts(request.header("content-type").unwrap(), &request.body);
        assert_eq!(names(&parts), ["image"], "{path}");
        assert_eq!(parts[0].1.content, JPEG, "{path}");
    }
}

#[tokio::test]
async fn every_ocr_method_calls_its_endpoint_and_keeps_the_raw_json() {
    let mock = MockTransport::new();
    for _ in 0..19 {
        mock.push_json(200, OCR_READ);
    }
    let ocr = client(&mock).ocr();
    let image = jpeg();
    let calls = every_ocr_call!(ocr, image, await);
    check_every_ocr_call(&mock, calls);
}

#[tokio::test]
async fn ocr_read_sends_the_options_and_decodes_the_typed_model() {
    let mock = MockTransport::new();
    let ocr = client(&mock).ocr();

    mock.push_json(200, OCR_READ);
    let bpkb = ocr
        .read(OcrRequest::<doc::Bpkb>::new(ImageInput::from_bytes(PDF)).page(2))
        .await
        .unwrap();
    assert_eq!(bpkb.value().status, OcrStatus::Success);
    let (path, parts) = last_upload(&mock);
    assert_eq!(path, "/ocr/v1/bpkb");
    assert_eq!(names(&parts), ["image", "page"]);
    assert!(parts[0].1.headers.contains("application/pdf"));
    assert_eq!(parts[1].1.content, b"2");

    mock.push_json(200, OCR_READ);
    ocr.read(OcrRequest::<doc::GeneralDocument>::new(jpeg()).table(true))
        .await
        .unwrap();
    let (_, parts) = last_upload(&mock);
    assert_eq!(names(&parts), ["image", "table"]);
    assert_eq!(parts[1].1.content, b"true");

    mock.push_json(200, OCR_READ);
    let ktp = ocr.ktp(jpeg()).await.unwrap();
    assert!(ktp.value().verdict().is_read());
    let nama = ktp
        .value()
        .read
        .as_ref()
        .and_then(|r| r.nama.as_ref())
        .unwrap();
    assert_eq!(nama.value.as_deref(), Some("BUDI"));

    // A 200 with GLAIR's FAILED envelope is an answer, not an error: the verdict says it.
    mock.push_json(200, r#"{"status":"FAILED","reason":"Failed to read"}"#);
    let failed = ocr.npwp(jpeg()).await.unwrap();
    assert!(!failed.value().verdict().is_read());
}

#[tokio::test]
async fn invalid_input_is_refused_before_anything_is_sent() {
    let mock = MockTransport::new();
    let client = client(&mock);
    let pdf = ImageInput::from_bytes(PDF);
    let err = client.ocr().ktp(pdf).await.unwrap_err();
    assert!(err.is_invalid_input(), "{err:?}");
    assert!(err.to_string().contains("PDF"), "{err}");
    let err = client
        .face()
        .passive_liveness(PassiveLivenessCheck::new(ImageInput::from_bytes(&b""[..])))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("empty"), "{err}");
    let err = client
        .identity()
        .verification(IdentityVerification::new("317123", "BUDI", "17-08-1990"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput(e) if e.field() == "nik"),
        "{err:?}"
    );
    let err = client
        .identity()
        .verification(IdentityVerification::new(
            "3171234567890123",
            "BUDI",
            "31-02-1990",
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput(e) if e.field() == "date_of_birth"),
        "{err:?}"
    );
    let err = client
        .face()
        .active_liveness(ActiveLivenessCheck::new(jpeg(), GestureCode::from("WINK")))
        .await
        .unwrap_err();
    assert!(err.is_invalid_input());
    assert_eq!(mock.request_count(), 0);
}

#[tokio::test]
async fn calls_billed_on_receipt_are_never_repeated_once_they_may_have_arrived() {
    let mock = MockTransport::new();
    let client = client(&mock);
    let face = client.face();
    let check = || PassiveLivenessCheck::new(jpeg());

    // A hang: the attempt times out after the request was sent.
    mock.push_hang();
    let err = face.passive_liveness(check()).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(matches!(err, Error::Timeout { attempts: 1, .. }), "{err:?}");
    assert_eq!(mock.request_count(), 1);

    // A reset and a transport timeout mid-request.
    for kind in [TransportErrorKind::Io, TransportErrorKind::Timeout] {
        let before = mock.request_count();
        mock.push_error(TransportError::new(kind, "cut off after sending"));
        let err = client.ocr().ktp(jpeg()).await.unwrap_err();
        assert!(
            matches!(err, Error::Transport { attempts: 1, .. }),
            "{err:?}"
        );
        assert_eq!(mock.request_count(), before + 1, "{kind:?}");
    }

    // A 503: GLAIR may have processed it.
    let before = mock.request_count();
    mock.push_json(503, r#"{"message":"busy"}"#);
    let err = client
        .identity()
        .verification(IdentityVerification::new(
            "3171234567890123",
            "BUDI",
            "17-08-1990",
        ))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(mock.request_count(), before + 1);

    // Refused before anything was sent, and 429: repeated, then answered.
    let before = mock.request_count();
    mock.push_error(TransportError::new(TransportErrorKind::Connect, "refused"));
    mock.push_json(429, r#"{"message":"slow down"}"#);
    mock.push_json(200, PASSIVE);
    face.passive_liveness(check()).await.unwrap();
    assert_eq!(mock.request_count(), before + 3);
}

#[test]
fn the_catalog_and_the_dispatcher_agree_on_what_may_be_repeated() {
    for endpoint in glair::endpoints::ALL {
        assert_eq!(
            endpoint.repeat.may_repeat_after_send(),
            glair::net::is_idempotent(&endpoint.method.to_http()),
            "{}",
            endpoint.id
        );
    }
}

#[tokio::test]
async fn handles_take_their_own_settings() {
    let mock = MockTransport::new();
    let client = client(&mock);
    let settings = Settings::new()
        .credentials(Credentials::new("other-key", "other-user", "other-pass").unwrap())
        .base_url("http://127.0.0.1:9999")
        .max_attempts(1);
    mock.push_json(200, FACE_MATCH);
    client
        .face()
        .with_settings(settings.clone())
        .face_match(FaceMatch::new(jpeg(), jpeg()))
        .await
        .unwrap();
    mock.push_json(200, IDENTITY);
    client
        .identity()
        .with_settings(settings.clone())
        .verification(IdentityVerification::new(
            "3171234567890123",
            "BUDI",
            "17-08-1990",
        ))
        .await
        .unwrap();
    // max_attempts(1): not even a refused connection is repeated through this handle.
    mock.push_error(TransportError::new(TransportErrorKind::Connect, "refused"));
    let ocr = client.ocr().with_settings(settings);
    assert!(ocr.settings().max_attempts_set() == Some(1));
    ocr.plate(jpeg()).await.unwrap_err();
    let requests = mock.requests();
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert_eq!(request.uri.authority().unwrap().as_str(), "127.0.0.1:9999");
        assert_eq!(request.header("x-api-key"), Some("other-key"));
    }
    // Debug shows the settings without their secrets.
    let debug = format!("{ocr:?}");
    assert!(
        debug.contains("Ocr") && !debug.contains("other-pass") && !debug.contains("other-key"),
        "{debug}"
    );
}

#[tokio::test]
async fn api_errors_reach_the_caller_with_status_and_request_id() {
    let mock = MockTransport::new();
    let client = client(&mock);
    mock.push_response(
        http::Response::builder()
            .status(415)
            .header("content-type", "application/json")
            .header("request-id", "req-415")
            .body(glair::bytes::Bytes::from_static(
                br#"{"status":"FILE_INVALID_FORMAT","reason":"Wrong file type"}"#,
            ))
            .unwrap(),
    );
    let err = client.ocr().ktp(jpeg()).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(415));
    assert_eq!(err.request_id(), Some("req-415"));
    assert!(!err.is_retryable());
}

#[cfg(feature = "blocking")]
mod blocking {
    use super::*;

    fn client(mock: &MockTransport) -> glair::blocking::Client {
        let time = FakeTime::new(start());
        mock.set_hang_clock(&time);
        glair::blocking::Client::builder()
            .api_key("mock-api-key")
            .username("mock-user")
            .password("mock-password")
            .transport(mock.clone())
            .time(time)
            .jitter(SharedJitter::new(FixedJitter(0.5)))
            .build()
            .unwrap()
    }

    #[test]
    fn face_and_identity_work_as_the_async_ones() {
        let mock = MockTransport::new();
        let client = client(&mock);
        mock.push_json(200, FACE_MATCH);
        let answer = client
            .face()
            .face_match(FaceMatch::new(jpeg(), ImageInput::from_bytes(PNG)))
            .unwrap();
        assert_eq!(answer.value().verdict(), FaceMatchVerdict::Matched);
        let (path, parts) = last_upload(&mock);
        assert_eq!(path, "/face/v1/match");
        assert_eq!(names(&parts), ["captured_image", "stored_image"]);

        mock.push_json(200, ACTIVE);
        let answer = client
            .face()
            .active_liveness(ActiveLivenessCheck::new(jpeg(), GestureCode::HeadLeft))
            .unwrap();
        assert_eq!(answer.value().verdict(), GestureVerdict::Matched);
        mock.push_json(200, PASSIVE);
        client
            .face()
            .passive_liveness(PassiveLivenessCheck::new(jpeg()))
            .unwrap();
        assert_eq!(last_upload(&mock).0, "/face/v1/passive-liveness");

        mock.push_json(200, FACE_VERIFICATION);
        let answer = client
            .identity()
            .face_verification(FaceVerification::new(
                "3171234567890123",
                "BUDI",
                "17-08-1990",
                jpeg(),
            ))
            .unwrap();
        assert!(answer.value().verdict().is_verified());
        mock.push_json(200, IDENTITY);
        client
            .identity()
            .verification(IdentityVerification::new(
                "3171234567890123",
                "BUDI",
                "17-08-1990",
            ))
            .unwrap();
        assert_eq!(last_upload(&mock).0, "/identity/v1/verification");
    }

    #[test]
    fn every_ocr_method_calls_its_endpoint() {
        let mock = MockTransport::new();
        for _ in 0..19 {
            mock.push_json(200, OCR_READ);
        }
        let ocr = client(&mock).ocr();
        let image = jpeg();
        let calls = every_ocr_call!(ocr, image);
        check_every_ocr_call(&mock, calls);
        mock.push_json(200, OCR_READ);
        ocr.read(OcrRequest::<doc::Bpkb>::new(jpeg()).page(1))
            .unwrap();
        assert_eq!(names(&last_upload(&mock).1), ["image", "page"]);
    }

    #[test]
    fn calls_billed_on_receipt_are_never_repeated() {
        let mock = MockTransport::new();
        let client = client(&mock);
        mock.push_hang();
        let err = client.ocr().ktp(jpeg()).unwrap_err();
        assert!(err.is_timeout(), "{err:?}");
        assert_eq!(mock.request_count(), 1);
        mock.push_error(TransportError::new(TransportErrorKind::Io, "reset"));
        client
            .face()
            .passive_liveness(PassiveLivenessCheck::new(jpeg()))
            .unwrap_err();
        assert_eq!(mock.request_count(), 2);
        mock.push_error(TransportError::new(TransportErrorKind::Connect, "refused"));
        mock.push_json(200, PASSIVE);
        client
            .face()
            .passive_liveness(PassiveLivenessCheck::new(jpeg()))
            .unwrap();
        assert_eq!(mock.request_count(), 4);
    }
}
