#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Every GLAIR Vision endpoint through the one description mechanism: snapshots of every
//! request built, of every refusal, and of every response decoded.
//!
//! Response fixtures live in `tests/fixtures/endpoints/`: `docs_*` are verbatim samples from
//! the vendor's documentation (as quoted in the wire facts), `java_*` the live-tested error
//! body; `keys_*` are **built from the documented key sets** (the values are fixture data,
//! not samples) because no sample of that response could be retrieved.

use bytes::Bytes;
use glair_types::ocr::{self, OcrRequest, doc};
use glair_types::{
    ActiveLiveness, ActiveLivenessCheck, ActiveLivenessResult, ApiConfig, CreateSession,
    Credentials, DecodeBody, Decoded, EndpointRequest, FaceMatch, FaceMatchEncoding,
    FaceMatchResponse, FaceVerification, FaceVerificationResponse, GestureCode, IdentityField,
    IdentityVerification, IdentityVerificationResponse, ImageInput, Ktp, MAX_IMAGE_BYTES, Npwp,
    PassiveLiveness, PassiveLivenessCheck, PassiveLivenessResult, RetrieveSession, SessionId,
    Verdict, endpoints,
};

const SECRETS: [&str; 3] = ["snapshot-api-key", "snapshot-user", "snapshot-password"];

fn credentials() -> Credentials {
    Credentials::new(SECRETS[0], SECRETS[1], SECRETS[2]).unwrap()
}

const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00 fake jpeg";
const PNG: &[u8] = b"\x89PNG\r\n\x1A\n fake png";
const PDF: &[u8] = b"%PDF-1.7\n% fake pdf\n";
const TIFF: &[u8] = b"II*\x00\x08\x00\x00\x00 fake tiff";

fn jpeg() -> ImageInput {
    ImageInput::from_bytes(JPEG)
}

/// Bytes as text: printable ASCII as is, `\r` and other bytes escaped, `\n` kept as a line
/// break, so binary multipart bodies snapshot exactly and readably.
fn render_bytes(bytes: &[u8]) -> String {
    let mut out = String::new();
    for &b in bytes {
        match b {
            b'\n' => out.push('\n'),
            b'\r' => out.push_str("\\r"),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(char::from(b)),
            other => out.push_str(&format!("\\x{other:02X}")),
        }
    }
    out
}

/// Method, URI, headers (sensitive values redacted) and body.
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
    out.push_str(&render_bytes(request.body()));
    for secret in SECRETS {
        assert!(!out.contains(secret), "a secret leaked into the rendering");
    }
    out
}

fn build<R: EndpointRequest>(request: &R) -> http::Request<Bytes> {
    let built = request
        .to_http_request(&ApiConfig::default(), &credentials())
        .unwrap_or_else(|e| panic!("{}: {e}", R::ENDPOINT.id));
    assert_eq!(built.method(), R::ENDPOINT.method.to_http());
    assert!(built.uri().path().starts_with(&format!(
        "/{}/v1/{}",
        R::ENDPOINT.service,
        R::ENDPOINT.resource
    )));
    built
}

fn ocr_request<D: ocr::OcrDocument>(image: &[u8]) -> http::Request<Bytes> {
    build(&OcrRequest::<D>::new(ImageInput::from_bytes(
        Bytes::copy_from_slice(image),
    )))
}

#[test]
fn requests_of_every_endpoint() {
    let cases: Vec<(&str, http::Request<Bytes>)> = vec![
        (
            "f1_face_match_multipart",
            build(&FaceMatch::new(
                jpeg(),
                ImageInput::from_bytes(PNG).with_filename("ktp-photo.png"),
            )),
        ),
        (
            "f1_face_match_json_base64",
            build(
                &FaceMatch::new(jpeg(), ImageInput::from_bytes(PNG))
                    .encoding(FaceMatchEncoding::JsonBase64),
            ),
        ),
        (
            "f2_passive_liveness",
            build(&PassiveLivenessCheck::new(jpeg())),
        ),
        (
            "f3_active_liveness",
            build(&ActiveLivenessCheck::new(jpeg(), GestureCode::Hand01100)),
        ),
        (
            "i1_identity_verification",
            build(&IdentityVerification::new(
                "3171234567890123",
                "BUDI SANTOSO",
                "17-08-1990",
            )),
        ),
        (
            "i1_identity_verification_optional_fields",
            build(
                &IdentityVerification::new("3171234567890123", "BUDI SANTOSO", "17-08-1990")
                    .with(IdentityField::Rw, "002")
                    .with(IdentityField::NoKk, "3171234567890001")
                    .with(IdentityField::MotherMaidenName, "SITI AMINAH"),
            ),
        ),
        (
            "i2_identity_face_verification",
            build(&FaceVerification::new(
                "3171234567890123",
                "BUDI SANTOSO",
                "17-08-1990",
                ImageInput::from_bytes(PNG).with_filename("/home/user/selfie.png"),
            )),
        ),
        ("o1_ktp", ocr_request::<doc::Ktp>(JPEG)),
        (
            "o2_ktp_qualities",
            ocr_request::<doc::KtpWithQualities>(PNG),
        ),
        ("o3_npwp_tiff", ocr_request::<doc::Npwp>(TIFF)),
        ("o4_kk", ocr_request::<doc::Kk>(JPEG)),
        ("o5_stnk", ocr_request::<doc::Stnk>(JPEG)),
        (
            "o6_bpkb_page_2",
            build(&OcrRequest::<doc::Bpkb>::new(ImageInput::from_bytes(PDF)).page(2)),
        ),
        ("o7_passport", ocr_request::<doc::Passport>(JPEG)),
        ("o8_plate", ocr_request::<doc::Plate>(JPEG)),
        ("o9_sim", ocr_request::<doc::Sim>(JPEG)),
        (
            "o10_general_document_tables",
            build(
                &OcrRequest::<doc::GeneralDocument>::new(ImageInput::from_bytes(TIFF)).table(true),
            ),
        ),
        ("o11_invoice", ocr_request::<doc::Invoice>(PDF)),
        ("o12_receipt", ocr_request::<doc::Receipt>(JPEG)),
        ("o13_bank_statement", ocr_request::<doc::BankStatement>(PDF)),
        ("o14_skpr", ocr_request::<doc::Skpr>(PDF)),
        (
            "o15_singapore_nric",
            ocr_request::<doc::SingaporeNric>(JPEG),
        ),
        (
            "o16_singapore_family_pass",
            ocr_request::<doc::SingaporeFamilyPass>(JPEG),
        ),
        (
            "o17_singapore_work_permit",
            ocr_request::<doc::SingaporeWorkPermit>(JPEG),
        ),
        ("o18_kitas_kitap", ocr_request::<doc::KitasKitap>(JPEG)),
        (
            "o19_financial_statement",
            ocr_request::<doc::FinancialStatement>(PDF),
        ),
    ];
    let mut ids: Vec<&str> = cases
        .iter()
        .map(|(name, _)| name.split('_').next().unwrap())
        .collect();
    ids.dedup();
    assert_eq!(
        ids.len(),
        24,
        "every F, I and O endpoint has a request snapshot"
    );
    for (name, request) in cases {
        insta::assert_snapshot!(format!("request_{name}"), render_request(&request));
    }
}

#[test]
fn session_endpoints_build_the_same_requests_as_the_session_builders() {
    let config = ApiConfig::default();
    let creds = credentials();
    let create =
        CreateSession::<ActiveLiveness>::new("https://app.example/done").number_of_gestures(3);
    let by_trait = EndpointRequest::to_http_request(&create, &config, &creds).unwrap();
    let by_builder = create.to_http_request(&config, &creds).unwrap();
    assert_eq!(render_request(&by_trait), render_request(&by_builder));
    assert_eq!(
        <CreateSession<ActiveLiveness> as EndpointRequest>::ENDPOINT.id,
        "S3"
    );

    let sid = SessionId::new("Ab3dEf9hIj1kLm5nOp7qRs2tUv4wXy6z").unwrap();
    let retrieve = RetrieveSession::<Ktp>::new(sid.clone());
    let by_trait = EndpointRequest::to_http_request(&retrieve, &config, &creds).unwrap();
    let by_builder = retrieve.to_http_request(&config, &creds).unwrap();
    assert_eq!(render_request(&by_trait), render_request(&by_builder));
    assert_eq!(<RetrieveSession<Ktp> as EndpointRequest>::ENDPOINT.id, "S6");
    assert!(
        <RetrieveSession<Ktp> as EndpointRequest>::ENDPOINT
            .repeat
            .may_repeat_after_send()
    );
    assert!(
        !<CreateSession<Npwp> as EndpointRequest>::ENDPOINT
            .repeat
            .may_repeat_after_send()
    );

    // Decoding a retrieve through the trait keeps the requested sid.
    let body = r#"{"status":"PENDING","url":"https://vision.glair.ai/ktp/other","success_url":"https://app.example/done","result":null}"#;
    let response = http::Response::builder()
        .status(200)
        .body(Bytes::from(body))
        .unwrap();
    let session = retrieve.decode(&response).unwrap();
    assert_eq!(session.value().sid(), &sid);
    assert_eq!(session.raw_json(), body.as_bytes());
    let _ = CreateSession::<PassiveLiveness>::new("https://app.example/done");
}

#[test]
fn refusals_name_the_endpoint_field_and_problem() {
    let nik = "3171234567890123";
    let huge = ImageInput::from_bytes(vec![0xFF; MAX_IMAGE_BYTES + 1]);
    let mut huge_jpeg = vec![0xFF, 0xD8, 0xFF];
    huge_jpeg.resize(MAX_IMAGE_BYTES + 1, 0);
    let cases: Vec<(&str, Result<(), glair_types::InvalidInput>)> = vec![
        (
            "empty captured image",
            FaceMatch::new(ImageInput::from_bytes(Bytes::new()), jpeg()).validate(),
        ),
        (
            "GIF stored image",
            FaceMatch::new(jpeg(), ImageInput::from_bytes(&b"GIF89a...."[..])).validate(),
        ),
        (
            "PDF for passive liveness",
            PassiveLivenessCheck::new(ImageInput::from_bytes(PDF)).validate(),
        ),
        (
            "unrecognised bytes for active liveness",
            ActiveLivenessCheck::new(ImageInput::from_bytes(&b"hello"[..]), GestureCode::HeadUp)
                .validate(),
        ),
        (
            "oversized JPEG",
            PassiveLivenessCheck::new(ImageInput::from_bytes(huge_jpeg)).validate(),
        ),
        (
            "oversized unknown bytes",
            OcrRequest::<doc::Invoice>::new(huge).validate(),
        ),
        (
            "unknown gesture",
            ActiveLivenessCheck::new(jpeg(), GestureCode::from("HAND_22222")).validate(),
        ),
        (
            "NIK with 15 digits",
            IdentityVerification::new("317123456789012", "BUDI", "17-08-1990").validate(),
        ),
        (
            "NIK with letters",
            IdentityVerification::new("31712345678901ab", "BUDI", "17-08-1990").validate(),
        ),
        (
            "blank name",
            IdentityVerification::new(nik, "   ", "17-08-1990").validate(),
        ),
        (
            "date in ISO order",
            IdentityVerification::new(nik, "BUDI", "1990-08-17").validate(),
        ),
        (
            "31 April",
            IdentityVerification::new(nik, "BUDI", "31-04-1990").validate(),
        ),
        (
            "29 February of a common year",
            FaceVerification::new(nik, "BUDI", "29-02-2023", jpeg()).validate(),
        ),
        (
            "KK number too short",
            IdentityVerification::new(nik, "BUDI", "17-08-1990")
                .with(IdentityField::NoKk, "123")
                .validate(),
        ),
        (
            "NIK set as an optional field",
            IdentityVerification::new(nik, "BUDI", "17-08-1990")
                .with(IdentityField::Nik, nik)
                .validate(),
        ),
        (
            "control character in an address",
            IdentityVerification::new(nik, "BUDI", "17-08-1990")
                .with(IdentityField::Address, "JL.\u{0}1")
                .validate(),
        ),
        (
            "TIFF face image",
            FaceVerification::new(nik, "BUDI", "17-08-1990", ImageInput::from_bytes(TIFF))
                .validate(),
        ),
        (
            "PDF KTP",
            OcrRequest::<doc::Ktp>::new(ImageInput::from_bytes(PDF)).validate(),
        ),
        (
            "TIFF invoice",
            OcrRequest::<doc::Invoice>::new(ImageInput::from_bytes(TIFF)).validate(),
        ),
        (
            "BPKB page 0",
            OcrRequest::<doc::Bpkb>::new(jpeg()).page(0).validate(),
        ),
        (
            "BPKB page 5",
            OcrRequest::<doc::Bpkb>::new(jpeg()).page(5).validate(),
        ),
    ];
    let mut out = String::new();
    for (case, result) in cases {
        let err = result.expect_err(case);
        assert!(
            !err.to_string().contains(nik),
            "{case}: the NIK leaked into the error"
        );
        out.push_str(&format!("{case}\n  field: {}\n  {err}\n", err.field()));
    }
    insta::assert_snapshot!("refusals", out);

    // And what is accepted: TIFF where the endpoint takes it, the largest allowed file.
    let mut largest = vec![0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1A, b'\n'];
    largest.resize(MAX_IMAGE_BYTES, 0);
    assert!(
        PassiveLivenessCheck::new(ImageInput::from_bytes(largest))
            .validate()
            .is_ok()
    );
    assert!(
        OcrRequest::<doc::Npwp>::new(ImageInput::from_bytes(TIFF))
            .validate()
            .is_ok()
    );
    assert!(
        OcrRequest::<doc::Bpkb>::new(ImageInput::from_bytes(TIFF))
            .page(4)
            .validate()
            .is_ok()
    );
    assert!(
        IdentityVerification::new(nik, "BUDI", "29-02-2000")
            .validate()
            .is_ok()
    );
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/endpoints/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn response(status: u16, name: &str) -> http::Response<Bytes> {
    http::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("request-id", "req-0001")
        .body(Bytes::from(fixture(name)))
        .unwrap()
}

fn decode<T: DecodeBody + std::fmt::Debug>(name: &str) -> Decoded<T> {
    let decoded =
        Decoded::<T>::from_response(&response(200, name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        decoded.raw_json(),
        fixture(name).as_slice(),
        "{name}: the raw JSON is kept"
    );
    assert_eq!(decoded.request_id(), Some("req-0001"));
    insta::assert_snapshot!(
        format!("response_{}", name.trim_end_matches(".json")),
        format!("{:#?}", decoded.value())
    );
    decoded
}

#[test]
fn face_responses() {
    let matched = decode::<FaceMatchResponse>("docs_face_match.json");
    assert_eq!(matched.value().verdict().label(), "matched");
    assert_eq!(matched.value().match_percentage(), Some(0.95768));
    let no_face = decode::<FaceMatchResponse>("keys_face_match_no_face.json");
    assert_eq!(
        no_face.value().verdict().to_string(),
        "inconclusive: match_status_code \"NO_FACE_CAPTURED_IMG\""
    );
    let failed = decode::<FaceMatchResponse>("keys_face_match_failed.json");
    assert_eq!(failed.value().verdict().label(), "inconclusive");

    for (name, label) in [
        ("docs_passive_liveness_low.json", "live"),
        ("docs_passive_liveness_high.json", "spoof"),
        ("docs_passive_liveness_moderate.json", "inconclusive"),
        (
            "keys_passive_liveness_face_not_detected.json",
            "inconclusive",
        ),
    ] {
        let result = decode::<PassiveLivenessResult>(name);
        assert_eq!(result.value().verdict().label(), label, "{name}");
    }
    let active = decode::<ActiveLivenessResult>("keys_active_liveness_match.json");
    assert_eq!(active.value().verdict().label(), "matched");
    let no_hand = decode::<ActiveLivenessResult>("keys_active_liveness_hand_not_detected.json");
    assert_eq!(no_hand.value().verdict().label(), "inconclusive");
}

#[test]
fn identity_responses() {
    let verified = decode::<IdentityVerificationResponse>("keys_identity_verification.json");
    assert!(verified.value().verdict().is_verified());
    let go = decode::<IdentityVerificationResponse>("keys_identity_verification_go_spelling.json");
    assert_eq!(go.value().verification_status, Some(false));
    assert_eq!(go.value().result.as_ref().unwrap().name, Some(false));
    assert_eq!(
        go.value().verdict().to_string(),
        "not verified: verification_status is false (Data not match)"
    );

    let face = decode::<FaceVerificationResponse>("docs_identity_face_verification.json");
    assert_eq!(
        face.value().result.as_ref().unwrap().face_image_percentage,
        Some(82.04)
    );
    assert!(face.value().verdict().is_verified());
    let strict = glair_types::IdentityPolicy::default()
        .min_face_image_percentage(90.0)
        .unwrap();
    assert_eq!(face.value().verdict_with(&strict).label(), "not_verified");
    let null_score =
        decode::<FaceVerificationResponse>("keys_identity_face_verification_null_score.json");
    assert_eq!(null_score.value().verdict().label(), "not_verified");
}

#[test]
fn ocr_responses() {
    let ktp = decode::<ocr::KtpOcr>("keys_ktp_qualities.json");
    assert!(ktp.value().verdict().is_read());
    assert_eq!(
        ktp.value()
            .read
            .as_ref()
            .unwrap()
            .berlaku_hingga
            .as_ref()
            .unwrap()
            .text(),
        Some("SEUMUR HIDUP")
    );
    assert_eq!(ktp.value().qualities.unwrap().is_cropped, Some(false));
    let failed = decode::<ocr::KtpOcr>("keys_ktp_failed.json");
    assert_eq!(failed.value().verdict().label(), "not_read");

    let npwp = decode::<ocr::NpwpOcr>("docs_npwp.json");
    assert_eq!(
        npwp.value()
            .read
            .as_ref()
            .unwrap()
            .nik
            .as_ref()
            .unwrap()
            .text(),
        None
    );

    let kk = decode::<ocr::KkOcr>("keys_kk_docs_shape.json");
    assert_eq!(
        kk.value()
            .read
            .as_ref()
            .unwrap()
            .table
            .as_ref()
            .unwrap()
            .len(),
        2
    );
    let kk_go = decode::<ocr::KkOcr>("keys_kk_go_shape.json");
    let members = kk_go.value().read.as_ref().unwrap().table.as_ref().unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(
        members[0].nama_lengkap.as_ref().unwrap().text(),
        Some("BUDI SANTOSO")
    );
    assert_eq!(members[0].nama_lengkap.as_ref().unwrap().confidence, None);

    let stnk = decode::<ocr::StnkOcr>("keys_stnk.json");
    assert_eq!(
        stnk.value()
            .read
            .as_ref()
            .unwrap()
            .isi_silinder
            .as_ref()
            .unwrap()
            .text(),
        Some("1500")
    );

    let bpkb = decode::<ocr::BpkbOcr>("keys_bpkb.json");
    assert!(
        bpkb.value()
            .read
            .as_ref()
            .unwrap()
            .halaman_terakhir
            .is_some()
    );
    let page1 = decode::<ocr::BpkbOcr>("keys_bpkb_page1_go_spelling.json");
    let owner = page1
        .value()
        .read
        .as_ref()
        .unwrap()
        .identitas_pemilik
        .as_ref()
        .unwrap();
    assert_eq!(
        owner.no_ktp_tdp.as_ref().unwrap().text(),
        Some("3171234567890123")
    );

    decode::<ocr::PassportOcr>("keys_passport.json");
    let plate = decode::<ocr::PlateOcr>("docs_plate.json");
    assert_eq!(
        plate.value().read.as_ref().unwrap().plates[0]
            .text
            .as_deref(),
        Some("KH 8041 GG")
    );
    let wrong = decode::<ocr::PlateOcr>("keys_ocr_success_wrong_document.json");
    // SUCCESS with no field read (GLAIR's answer to a picture of another document) is not
    // a reading.
    assert!(
        !wrong.value().verdict().is_read(),
        "{:?}",
        wrong.value().verdict()
    );
    assert!(plate.value().verdict().is_read());

    let sim = decode::<ocr::SimOcr>("keys_sim_go_shape.json");
    assert_eq!(
        sim.value()
            .read
            .as_ref()
            .unwrap()
            .tanggal_lahir
            .as_ref()
            .unwrap()
            .text(),
        Some("17-08-1990")
    );
    assert!(sim.value().images.as_ref().unwrap().photo.is_some());

    let general = decode::<ocr::GeneralDocumentOcr>("keys_general_document.json");
    assert_eq!(
        general.value().read.as_ref().unwrap().text(),
        "THE QUICK BROWN FOX\nJUMPS OVER THE LAZY DOG"
    );

    let invoice = decode::<ocr::InvoiceOcr>("keys_invoice.json");
    let total = invoice
        .value()
        .read
        .as_ref()
        .unwrap()
        .invoice_total
        .as_ref()
        .unwrap();
    assert_eq!(total.value().and_then(ocr::Amount::as_f64), Some(111_000.0));
    let java = decode::<ocr::InvoiceOcr>("keys_invoice_java_subset_text_amount.json");
    let total = java
        .value()
        .read
        .as_ref()
        .unwrap()
        .invoice_total
        .as_ref()
        .unwrap();
    assert_eq!(total.value(), Some(&ocr::Amount::Text("111.000".into())));

    decode::<ocr::ReceiptOcr>("keys_receipt.json");
    let statement = decode::<ocr::BankStatementOcr>("keys_bank_statement.json");
    assert_eq!(
        statement
            .value()
            .read
            .as_ref()
            .unwrap()
            .transactions
            .as_ref()
            .unwrap()
            .len(),
        2
    );
    let skpr = decode::<ocr::SkprOcr>("keys_skpr_go_shape.json");
    assert_eq!(
        skpr.value()
            .read
            .as_ref()
            .unwrap()
            .policy_details
            .as_ref()
            .unwrap()
            .len(),
        1
    );
    let skpr = decode::<ocr::SkprOcr>("keys_skpr_array_shape.json");
    assert_eq!(
        skpr.value()
            .read
            .as_ref()
            .unwrap()
            .policy_details
            .as_ref()
            .unwrap()
            .len(),
        2
    );

    let nric = decode::<ocr::RawOcr>("keys_singapore_nric_old_docs.json");
    assert_eq!(nric.value().status, ocr::OcrStatus::Success);
    assert!(nric.raw_value().unwrap().pointer("/images/photo").is_some());
}

#[test]
fn error_responses_of_the_endpoints() {
    let mut out = String::new();
    for (status, name) in [
        (400, "docs_ocr_no_file_400.json"),
        (401, "java_auth_failure.json"),
    ] {
        let err = Decoded::<ocr::KtpOcr>::from_response(&response(status, name)).unwrap_err();
        assert_eq!(err.status().as_u16(), status);
        out.push_str(&format!("{name}: {err}\n"));
    }
    let err = Decoded::<FaceMatchResponse>::from_response(
        &http::Response::builder()
            .status(200)
            .body(Bytes::from_static(b"\"success\""))
            .unwrap(),
    )
    .unwrap_err();
    out.push_str(&format!("wrong type: {err}\n"));
    insta::assert_snapshot!("endpoint_errors", out);
}

#[test]
fn the_catalog_describes_every_endpoint_once() {
    let mut out = String::new();
    for e in endpoints::ALL {
        let files: Vec<String> = e
            .files
            .iter()
            .map(|f| {
                let formats: Vec<&str> = f.accepts.iter().map(|a| a.name()).collect();
                format!("{}[{}]", f.name, formats.join("|"))
            })
            .collect();
        let fields: Vec<String> = e
            .text_fields
            .iter()
            .map(|t| format!("{}{}", t.name, if t.required { "" } else { "?" }))
            .collect();
        out.push_str(&format!(
            "{:<4} {:<4} {:<48} {:?}{} files={} fields={} -> {} repeat={:?} evidence={:?}\n",
            e.id,
            e.method.as_str(),
            e.path(),
            e.encoding,
            e.alternative_encoding
                .map(|a| format!(" (or {a:?})"))
                .unwrap_or_default(),
            files.join(","),
            fields.join(","),
            e.response,
            e.repeat,
            e.evidence,
        ));
    }
    insta::assert_snapshot!("catalog", out);
}
