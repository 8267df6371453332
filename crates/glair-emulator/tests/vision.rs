//! The direct Vision endpoints (face, identity, OCR) over real loopback HTTP: every endpoint ×
//! outcome built by the SDK's own request builders (glair-types) and decoded by its models;
//! the documented errors; limits; outcome selection; JSON-base64 face match; faults; stats.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::net::SocketAddr;

use base64::Engine as _;
use bytes::Bytes;
use common::{Resp, api, auth, send};
use glair_emulator::{Emulator, EmulatorConfig};
use glair_types::ocr::{OcrDocument, OcrRequest, doc};
use glair_types::{
    ActiveLivenessCheck, ApiConfig, Credentials, EndpointRequest, FaceMatch, FaceMatchEncoding,
    FaceVerification, GestureCode, IdentityVerification, ImageInput, PassiveLivenessCheck,
    endpoints,
};
use serde::Serialize;
use serde_json::{Value, json};

const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00 a tiny jpeg";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n a tiny png";
const PDF: &[u8] = b"%PDF-1.7 a tiny pdf";

async fn start() -> Emulator {
    Emulator::start(EmulatorConfig::new()).await.unwrap()
}

fn jpeg() -> ImageInput {
    ImageInput::from_bytes(JPEG)
}

/// What a decoded answer says to the caller's yes/no question, by the SDK's default policy.
trait Judge {
    fn positive(&self) -> bool;
}

impl Judge for glair_types::FaceMatchResponse {
    fn positive(&self) -> bool {
        self.verdict().is_matched()
    }
}
impl Judge for glair_types::PassiveLivenessResult {
    fn positive(&self) -> bool {
        self.verdict().is_live()
    }
}
impl Judge for glair_types::ActiveLivenessResult {
    fn positive(&self) -> bool {
        self.verdict() == glair_types::GestureVerdict::Matched
    }
}
impl Judge for glair_types::IdentityVerificationResponse {
    fn positive(&self) -> bool {
        self.verdict().is_verified()
    }
}
impl Judge for glair_types::FaceVerificationResponse {
    fn positive(&self) -> bool {
        self.verdict().is_verified()
    }
}
impl<R: Serialize> Judge for glair_types::ocr::OcrResult<R> {
    fn positive(&self) -> bool {
        self.verdict().is_read()
    }
}
impl Judge for glair_types::ocr::KtpOcr {
    fn positive(&self) -> bool {
        self.verdict().is_read()
    }
}
impl Judge for glair_types::ocr::SimOcr {
    fn positive(&self) -> bool {
        self.verdict().is_read()
    }
}

/// The outcomes whose answer says yes (matched, live, verified, read).
const POSITIVE: [&str; 5] = ["match", "live", "verified", "success", "low-confidence"];

/// Decodes an answer with an endpoint's model: the model re-serialized, and its verdict.
type Decoder = Box<dyn Fn(&http::Response<Bytes>) -> (Value, bool)>;

/// A request of the SDK, as sent to the emulator, and how to decode its answer.
struct Case {
    request: http::Request<Bytes>,
    /// Decodes with the endpoint's model; returns the model re-serialized and its verdict.
    decode: Decoder,
}

fn case<R>(request: R, config: &ApiConfig) -> Case
where
    R: EndpointRequest + 'static,
    R::Response: Serialize + Judge,
{
    let credentials = Credentials::new(
        glair_emulator::DEFAULT_API_KEY,
        glair_emulator::DEFAULT_USERNAME,
        glair_emulator::DEFAULT_PASSWORD,
    )
    .unwrap();
    let http_request = request.to_http_request(config, &credentials).unwrap();
    Case {
        request: http_request,
        decode: Box::new(move |response| {
            let decoded = request
                .decode(response)
                .unwrap_or_else(|e| panic!("{}: {e}", R::ENDPOINT.id));
            (
                serde_json::to_value(decoded.value()).unwrap(),
                decoded.value().positive(),
            )
        }),
    }
}

fn ocr<D: OcrDocument>(config: &ApiConfig, image: &[u8]) -> Case
where
    D::Response: Serialize + Judge,
{
    case(
        OcrRequest::<D>::new(ImageInput::from_bytes(image.to_vec())),
        config,
    )
}

/// The SDK's request for every Vision endpoint id, with its decoder.
fn case_for(id: &str, config: &ApiConfig) -> Case {
    match id {
        "F1" => case(FaceMatch::new(jpeg(), ImageInput::from_bytes(PNG)), config),
        "F2" => case(PassiveLivenessCheck::new(jpeg()), config),
        "F3" => case(
            ActiveLivenessCheck::new(jpeg(), GestureCode::Hand01100),
            config,
        ),
        "I1" => case(
            IdentityVerification::new("3171011708900001", "BUDI SANTOSO", "17-08-1990"),
            config,
        ),
        "I2" => case(
            FaceVerification::new("3171011708900001", "BUDI SANTOSO", "17-08-1990", jpeg()),
            config,
        ),
        "O1" => ocr::<doc::Ktp>(config, JPEG),
        "O2" => ocr::<doc::KtpWithQualities>(config, JPEG),
        "O3" => ocr::<doc::Npwp>(config, PDF),
        "O4" => ocr::<doc::Kk>(config, JPEG),
        "O5" => ocr::<doc::Stnk>(config, JPEG),
        "O6" => case(
            OcrRequest::<doc::Bpkb>::new(ImageInput::from_bytes(PDF)),
            config,
        ),
        "O7" => ocr::<doc::Passport>(config, JPEG),
        "O8" => ocr::<doc::Plate>(config, PNG),
        "O9" => ocr::<doc::Sim>(config, JPEG),
        "O10" => case(
            OcrRequest::<doc::GeneralDocument>::new(ImageInput::from_bytes(PDF)).table(true),
            config,
        ),
        "O11" => ocr::<doc::Invoice>(config, PDF),
        "O12" => ocr::<doc::Receipt>(config, JPEG),
        "O13" => ocr::<doc::BankStatement>(config, PDF),
        "O14" => ocr::<doc::Skpr>(config, PDF),
        "O15" => ocr::<doc::SingaporeNric>(config, JPEG),
        "O16" => ocr::<doc::SingaporeFamilyPass>(config, JPEG),
        "O17" => ocr::<doc::SingaporeWorkPermit>(config, JPEG),
        "O18" => ocr::<doc::KitasKitap>(config, JPEG),
        "O19" => ocr::<doc::FinancialStatement>(config, PDF),
        other => panic!("no SDK request for {other}: add it here"),
    }
}

/// Send an `http::Request` built by the SDK to the emulator, with extra headers.
async fn send_sdk(
    addr: SocketAddr,
    request: &http::Request<Bytes>,
    extra: &[(&str, &str)],
) -> http::Response<Bytes> {
    let mut headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap().to_owned()))
        .collect();
    headers.extend(
        extra
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    let path = request.uri().path();
    let resp = send(
        addr,
        request.method().as_str(),
        path,
        &headers,
        request.body().clone(),
    )
    .await;
    let mut builder = http::Response::builder().status(resp.status);
    for (k, v) in &resp.headers {
        builder = builder.header(k, v);
    }
    builder.body(resp.body).unwrap()
}

/// Every key path of `value` with a non-null value. Array positions are left out, so a single
/// object that a model reads as a one-item list (SKPR's detail blocks) keeps its paths.
fn key_paths(value: &Value, prefix: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if v.is_null() {
                    continue;
                }
                let path = format!("{prefix}/{k}");
                out.push(path.clone());
                key_paths(v, &path, out);
            }
        }
        Value::Array(items) => {
            for v in items {
                key_paths(v, prefix, out);
            }
        }
        _ => {}
    }
}

/// Paths under which a model keeps raw JSON on purpose (weak evidence, undocumented tables).
fn is_raw(id: &str, path: &str) -> bool {
    matches!(id, "O15" | "O16" | "O17" | "O18" | "O19")
        && (path.starts_with("/read/") || path.starts_with("/images"))
        || path.starts_with("/read/tables/")
}

#[tokio::test]
async fn every_endpoint_and_outcome_decodes_with_its_sdk_model() {
    let emulator = start().await;
    let config = ApiConfig::new(&emulator.base_url()).unwrap();
    let (_, listing) = {
        let r = api(&emulator, "GET", "/_emulator/outcomes", None).await;
        (r.status, r.json())
    };
    let listing = listing.as_object().unwrap().clone();
    let vision: Vec<_> = endpoints::ALL
        .iter()
        .filter(|e| e.encoding == glair_types::Encoding::Multipart)
        .collect();
    assert_eq!(
        listing.len(),
        vision.len(),
        "every Vision endpoint is listed"
    );
    let mut answered = 0;
    for endpoint in vision {
        let outcomes = listing[endpoint.id]["outcomes"].as_array().unwrap();
        assert!(!outcomes.is_empty());
        for outcome in outcomes {
            let outcome = outcome.as_str().unwrap();
            let case = case_for(endpoint.id, &config);
            let response = send_sdk(
                emulator.local_addr(),
                &case.request,
                &[("x-emulator-outcome", outcome)],
            )
            .await;
            assert_eq!(
                response.status(),
                200,
                "{} {outcome}: {:?}",
                endpoint.id,
                response.body()
            );
            let (model, positive) = (case.decode)(&response);
            assert_eq!(
                positive,
                POSITIVE.contains(&outcome),
                "{} {outcome}: the SDK's verdict",
                endpoint.id
            );
            // Every key the emulator sends is one the model knows (nothing is dropped).
            let sent: Value = serde_json::from_slice(response.body()).unwrap();
            let (mut sent_paths, mut kept_paths) = (Vec::new(), Vec::new());
            key_paths(&sent, "", &mut sent_paths);
            key_paths(&model, "", &mut kept_paths);
            for path in sent_paths.iter().filter(|p| !is_raw(endpoint.id, p)) {
                assert!(
                    kept_paths.contains(path),
                    "{} {outcome}: {path} is not in the {} model",
                    endpoint.id,
                    endpoint.response
                );
            }
            answered += 1;
        }
    }
    let stats = emulator.stats();
    assert_eq!(stats.vision_answered.values().sum::<u64>(), answered);
    assert!(stats.vision_answered.values().all(|n| *n > 0));
    assert_eq!(stats.requests["POST /ocr/v1/ktp/qualities"], 4);
}

fn upload_headers(emulator: &Emulator, content_type: &str) -> Vec<(String, String)> {
    let mut h = auth(emulator);
    h.push(("content-type".into(), content_type.into()));
    h
}

/// A hand-written multipart body (boundary `B0undary`) of `(name, filename, bytes)` parts.
fn form(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, filename, bytes) in parts {
        body.extend_from_slice(b"--B0undary\r\nContent-Disposition: form-data; name=\"");
        body.extend_from_slice(name.as_bytes());
        body.push(b'"');
        if let Some(f) = filename {
            body.extend_from_slice(
                format!("; filename=\"{f}\"\r\nContent-Type: application/octet-stream").as_bytes(),
            );
        }
        body.extend_from_slice(b"\r\n\r\n");
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"--B0undary--\r\n");
    body
}

const FORM: &str = "multipart/form-data; boundary=B0undary";

async fn post(emulator: &Emulator, path: &str, content_type: &str, body: Vec<u8>) -> Resp {
    send(
        emulator.local_addr(),
        "POST",
        path,
        &upload_headers(emulator, content_type),
        body,
    )
    .await
}

#[tokio::test]
async fn documented_errors() {
    let emulator = start().await;
    // No file part: 400 NO_FILE (the documented OCR answer).
    let r = post(
        &emulator,
        "/ocr/v1/plate",
        FORM,
        form(&[("other", None, b"x")]),
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["status"], "NO_FILE");
    assert!(
        r.json()["reason"]
            .as_str()
            .unwrap()
            .starts_with("No file in request body")
    );
    r.assert_request_id();
    // One of two files missing.
    let r = post(
        &emulator,
        "/face/v1/match",
        FORM,
        form(&[("captured_image", Some("blob"), JPEG)]),
    )
    .await;
    assert_eq!(
        (r.status, r.json()["status"].as_str()),
        (400, Some("NO_FILE"))
    );
    assert!(r.text().contains("stored_image"));
    // Not an accepted format: 415 FILE_INVALID_FORMAT, naming what the bytes are.
    let r = post(
        &emulator,
        "/ocr/v1/ktp",
        FORM,
        form(&[("image", Some("ktp.jpg"), PDF)]),
    )
    .await;
    assert_eq!(r.status, 415);
    assert_eq!(r.json()["status"], "FILE_INVALID_FORMAT");
    assert!(r.text().contains("PDF"), "{}", r.text());
    // ... while the NPWP endpoint takes a PDF.
    let r = post(
        &emulator,
        "/ocr/v1/npwp",
        FORM,
        form(&[("image", Some("npwp.pdf"), PDF)]),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = post(
        &emulator,
        "/face/v1/passive-liveness",
        FORM,
        form(&[("image", Some("a.gif"), b"GIF89a....")]),
    )
    .await;
    assert_eq!(
        (r.status, r.json()["status"].as_str()),
        (415, Some("FILE_INVALID_FORMAT"))
    );
    // A missing required text field.
    let r = post(
        &emulator,
        "/identity/v1/verification",
        FORM,
        form(&[("nik", None, b"3171011708900001"), ("name", None, b"BUDI")]),
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(r.message().contains("date_of_birth"), "{}", r.message());
    let r = post(
        &emulator,
        "/face/v1/active-liveness",
        FORM,
        form(&[
            ("image", Some("blob"), JPEG),
            ("gesture-code", None, b"WAVE"),
        ]),
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(r.message().contains("gesture"));
    // Malformed multipart.
    for (content_type, body) in [
        (
            FORM,
            b"--B0undary\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\nno end".to_vec(),
        ),
        (FORM, b"nothing like multipart".to_vec()),
        (
            "multipart/form-data",
            form(&[("image", Some("blob"), JPEG)]),
        ),
    ] {
        let r = post(&emulator, "/ocr/v1/ktp", content_type, body).await;
        assert_eq!(r.status, 400, "{}", r.text());
        assert!(!r.message().is_empty());
    }
    // Not multipart at all.
    let r = post(&emulator, "/ocr/v1/ktp", "application/json", b"{}".to_vec()).await;
    assert_eq!(r.status, 415);
    assert!(r.message().contains("multipart/form-data"));
    // Wrong method, wrong version.
    let r = api(&emulator, "GET", "/face/v1/match", None).await;
    assert_eq!((r.status, r.header("allow")), (405, Some("POST")));
    let r = post(&emulator, "/face/v2/match", FORM, form(&[])).await;
    assert_eq!(r.status, 404);
    assert!(r.message().contains("version"));
}

#[tokio::test]
async fn credentials_are_checked_first() {
    let emulator = start().await;
    let body = form(&[("image", Some("blob"), JPEG)]);
    for headers in [vec![("content-type".to_owned(), FORM.to_owned())], {
        let mut h = common::basic_headers("wrong-key", emulator.username(), emulator.password());
        h.push(("content-type".into(), FORM.into()));
        h
    }] {
        let r = send(
            emulator.local_addr(),
            "POST",
            "/ocr/v1/ktp",
            &headers,
            body.clone(),
        )
        .await;
        assert_eq!(r.status, 401);
        assert!(!r.auth_problem().is_empty());
    }
    let stats = emulator.stats();
    assert_eq!(stats.requests["POST /ocr/v1/ktp"], 2);
    assert_eq!(stats.vision_answered["O1"], 0);
}

#[tokio::test]
async fn limits_are_enforced() {
    let emulator = start().await;
    // A file part over 10 MiB: 413.
    let mut big = JPEG.to_vec();
    big.resize(glair_types::MAX_IMAGE_BYTES + 1, b'x');
    let r = post(
        &emulator,
        "/face/v1/passive-liveness",
        FORM,
        form(&[("image", Some("blob"), &big)]),
    )
    .await;
    assert_eq!(r.status, 413, "{}", r.text());
    // Exactly 10 MiB is fine.
    big.truncate(glair_types::MAX_IMAGE_BYTES);
    let r = post(
        &emulator,
        "/face/v1/passive-liveness",
        FORM,
        form(&[("image", Some("blob"), &big)]),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    // A text part over 8 KiB: 413.
    let long = vec![b'A'; 8 * 1024 + 1];
    let r = post(
        &emulator,
        "/identity/v1/verification",
        FORM,
        form(&[
            ("nik", None, b"1"),
            ("name", None, &long),
            ("date_of_birth", None, b"17-08-1990"),
        ]),
    )
    .await;
    assert_eq!(r.status, 413);
    // A whole body over 32 MiB: 413 from its Content-Length, before reading it.
    let huge = vec![b'x'; 32 * 1024 * 1024 + 1];
    let r = post(&emulator, "/ocr/v1/ktp", FORM, huge).await;
    assert_eq!(r.status, 413);
    // Too many parts: 400.
    let names: Vec<String> = (0..65).map(|i| format!("f{i}")).collect();
    let parts: Vec<(&str, Option<&str>, &[u8])> = names
        .iter()
        .map(|n| (n.as_str(), None, &b"x"[..]))
        .collect();
    let r = post(&emulator, "/ocr/v1/ktp", FORM, form(&parts)).await;
    assert_eq!(r.status, 400);
    assert!(r.message().contains("too many parts"));
    // A non-UTF-8 field name and text value: 400, no panic.
    let mut body = b"--B0undary\r\nContent-Disposition: form-data; name=\"\xff\xfe\"\r\n\r\nx\r\n--B0undary--\r\n".to_vec();
    let r = post(&emulator, "/ocr/v1/ktp", FORM, body.clone()).await;
    assert_eq!(r.status, 400);
    body = form(&[
        ("nik", None, b"\xff\xfe"),
        ("name", None, b"A"),
        ("date_of_birth", None, b"1"),
    ]);
    let r = post(&emulator, "/identity/v1/verification", FORM, body).await;
    assert_eq!(r.status, 400);
    // The emulator still answers.
    let r = post(
        &emulator,
        "/ocr/v1/ktp",
        FORM,
        form(&[("image", Some("blob"), JPEG)]),
    )
    .await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn outcome_selection_by_header_and_control_endpoint() {
    let emulator = start().await;
    let body = || {
        form(&[
            ("captured_image", Some("blob"), JPEG),
            ("stored_image", Some("blob"), PNG),
        ])
    };
    let code = |r: &Resp| {
        r.json()["result"]["match_status_code"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    // The default: the first outcome.
    let r = post(&emulator, "/face/v1/match", FORM, body()).await;
    assert_eq!(code(&r), "MATCH");
    // The header, for one request.
    let mut headers = upload_headers(&emulator, FORM);
    headers.push(("x-emulator-outcome".into(), "no-face-stored".into()));
    let r = send(
        emulator.local_addr(),
        "POST",
        "/face/v1/match",
        &headers,
        body(),
    )
    .await;
    assert_eq!(code(&r), "NO_FACE_STORED_IMG");
    assert_eq!(r.json()["status"], "failed");
    // An unknown outcome: 400 listing the valid ones (and nothing counted as answered).
    headers.pop();
    headers.push(("x-emulator-outcome".into(), "spoof".into()));
    let r = send(
        emulator.local_addr(),
        "POST",
        "/face/v1/match",
        &headers,
        body(),
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(r.message().contains("not-match"), "{}", r.message());
    // The control endpoint sets the default for unchanged clients.
    let r = api(
        &emulator,
        "POST",
        "/_emulator/outcomes/F1",
        Some(json!({"outcome": "not-match"})),
    )
    .await;
    assert_eq!(r.json(), json!({"endpoint": "F1", "outcome": "not-match"}));
    let r = post(&emulator, "/face/v1/match", FORM, body()).await;
    assert_eq!(code(&r), "NOT_MATCH");
    let listing = api(&emulator, "GET", "/_emulator/outcomes", None)
        .await
        .json();
    assert_eq!(listing["F1"]["default"], "not-match");
    assert_eq!(listing["O1"]["default"], "success");
    for (path, body, status) in [
        ("/_emulator/outcomes/F1", json!({"outcome": "live"}), 400),
        (
            "/_emulator/outcomes/F1",
            json!({"outcome": "match", "extra": 1}),
            400,
        ),
        ("/_emulator/outcomes/Z9", json!({"outcome": "match"}), 404),
    ] {
        assert_eq!(
            api(&emulator, "POST", path, Some(body)).await.status,
            status,
            "{path}"
        );
    }
    let r = api(&emulator, "DELETE", "/_emulator/outcomes", None).await;
    assert_eq!(r.json(), json!({"reset": 1}));
    let r = post(&emulator, "/face/v1/match", FORM, body()).await;
    assert_eq!(code(&r), "MATCH");
    // Identity answers only for the fields sent, and an OCR failure is FAILED.
    let mut headers = upload_headers(&emulator, FORM);
    headers.push(("x-emulator-outcome".into(), "not-verified".into()));
    let r = send(
        emulator.local_addr(),
        "POST",
        "/identity/v1/verification",
        &headers,
        form(&[
            ("nik", None, b"3171011708900001"),
            ("name", None, b"BUDI"),
            ("date_of_birth", None, b"17-08-1990"),
            ("no_kk", None, b"3171010101230001"),
        ]),
    )
    .await;
    assert_eq!(
        r.json(),
        json!({"verification_status": false,
        "reason": "Verification Failed: some fields do not match",
        "result": {"nik": true, "name": false, "date_of_birth": true, "no_kk": true}})
    );
    headers.pop();
    headers.push(("x-emulator-outcome".into(), "failed".into()));
    let r = send(
        emulator.local_addr(),
        "POST",
        "/ocr/v1/kk",
        &headers,
        form(&[("image", Some("kk.png"), PNG)]),
    )
    .await;
    assert_eq!(r.json()["status"], "FAILED");
    // Active liveness detects the gesture it was asked for.
    let r = post(
        &emulator,
        "/face/v1/active-liveness",
        FORM,
        form(&[
            ("image", Some("blob"), JPEG),
            ("gesture-code", None, b"HEAD_UP"),
        ]),
    )
    .await;
    assert_eq!(
        r.json()["result"],
        json!({"gesture_status": "MATCH", "detected_gesture": "HEAD_UP"})
    );
}

#[tokio::test]
async fn face_match_as_json_base64() {
    let emulator = start().await;
    let config = ApiConfig::new(&emulator.base_url()).unwrap();
    let case = case(
        FaceMatch::new(jpeg(), ImageInput::from_bytes(PNG)).encoding(FaceMatchEncoding::JsonBase64),
        &config,
    );
    assert!(
        case.request.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let response = send_sdk(emulator.local_addr(), &case.request, &[]).await;
    assert_eq!(response.status(), 200);
    assert!((case.decode)(&response).1);
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    for (body, status, what) in [
        (json!({"captured_image": b64(JPEG)}), 400, "NO_FILE"),
        (
            json!({"captured_image": b64(JPEG), "stored_image": b64(b"GIF89a")}),
            415,
            "FILE_INVALID_FORMAT",
        ),
        (
            json!({"captured_image": format!("data:image/jpeg;base64,{}", b64(JPEG)), "stored_image": b64(JPEG)}),
            400,
            "base64",
        ),
        (
            json!({"captured_image": "%%%", "stored_image": b64(JPEG)}),
            400,
            "base64",
        ),
        (json!([1, 2]), 400, "object"),
    ] {
        let r = post(
            &emulator,
            "/face/v1/match",
            "application/json",
            body.to_string().into_bytes(),
        )
        .await;
        assert_eq!(r.status, status, "{}", r.text());
        assert!(r.text().contains(what), "{}", r.text());
    }
    // Other endpoints take no JSON.
    let r = post(
        &emulator,
        "/face/v1/passive-liveness",
        "application/json",
        b"{}".to_vec(),
    )
    .await;
    assert_eq!(r.status, 415);
}

#[tokio::test]
async fn faults_and_stats_apply_to_vision_routes() {
    let emulator = start().await;
    let body = || form(&[("image", Some("blob"), JPEG)]);
    let r = api(
        &emulator,
        "POST",
        "/_emulator/faults",
        Some(json!({"kind": "status", "status": 503, "route": "/ocr/v1/ktp/qualities"})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    // Another Vision route is not affected.
    assert_eq!(
        post(&emulator, "/ocr/v1/ktp", FORM, body()).await.status,
        200
    );
    assert_eq!(
        post(&emulator, "/ocr/v1/ktp/qualities", FORM, body())
            .await
            .status,
        503
    );
    assert_eq!(
        post(&emulator, "/ocr/v1/ktp/qualities", FORM, body())
            .await
            .status,
        200
    );
    // "vision" matches any Vision route, "phase": "after" processes the request first.
    api(
        &emulator,
        "POST",
        "/_emulator/faults",
        Some(json!({"kind": "malformed", "route": "vision", "phase": "after"})),
    )
    .await;
    let r = post(&emulator, "/face/v1/passive-liveness", FORM, body()).await;
    assert_eq!((r.status, r.text().as_str()), (200, "{\"status\":\"PEND"));
    let stats = emulator.stats();
    assert_eq!(stats.requests["POST /ocr/v1/ktp/qualities"], 2);
    assert_eq!(stats.requests["POST /ocr/v1/ktp"], 1);
    assert_eq!(stats.vision_answered["O2"], 1);
    // The faulted-after call was processed, so it counts as answered.
    assert_eq!(stats.vision_answered["F2"], 1);
    assert_eq!(stats.requests_total, 4);
}
