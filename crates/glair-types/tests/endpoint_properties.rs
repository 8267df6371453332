#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Properties of the endpoint layer: no decoder panics on any body, no builder panics on any
//! input, and what the builders accept is what the service documents.

use bytes::Bytes;
use glair_types::ocr::{self, OcrRequest, doc};
use glair_types::{
    ActiveLivenessCheck, ActiveLivenessResult, DateOfBirth, DecodeBody, Decoded, Detected,
    EndpointRequest, FaceMatch, FaceMatchResponse, FaceVerification, FaceVerificationResponse,
    GestureCode, IdentityField, IdentityVerification, IdentityVerificationResponse, ImageFormat,
    ImageInput, PassiveLivenessCheck, PassiveLivenessResult, Tolerant, Verdict, endpoints, sniff,
};
use proptest::prelude::*;

/// Keys the service uses, so random documents reach deep into the models.
const KEYS: &[&str] = &[
    "status",
    "reason",
    "result",
    "read",
    "images",
    "qualities",
    "value",
    "confidence",
    "polygon",
    "page_index",
    "value_original",
    "confidence_text",
    "match_percentage",
    "match_status",
    "match_status_code",
    "spoof_percentage",
    "gesture_status",
    "detected_gesture",
    "verification_status",
    "verification_result",
    "data",
    "nik",
    "name",
    "date_of_birth",
    "face_image_percentage",
    "table",
    "plates",
    "text",
    "all_texts",
    "tables",
    "items",
    "transactions",
    "identitas_pemilik",
    "no_ktp_tdp",
    "isi_sillinder",
    "noNpwp",
    "bank_account_details",
    "policy_details",
    "invoice_total",
    "tangga_lahir",
    "photo",
];

fn json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop_oneof![
            Just("SUCCESS".to_owned()),
            Just("success".to_owned()),
            Just("MATCH".to_owned()),
            ".{0,8}"
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((proptest::sample::select(KEYS), inner), 0..6).prop_map(
                |pairs| {
                    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
                }
            ),
        ]
    })
}

fn decode_all(status: u16, body: Bytes) {
    let Ok(response) = http::Response::builder().status(status).body(body) else {
        return;
    };
    fn one<T: DecodeBody>(response: &http::Response<Bytes>) {
        let _ = Decoded::<T>::from_response(response);
    }
    if let Ok(r) = Decoded::<FaceMatchResponse>::from_response(&response) {
        let _ = (r.value().verdict(), r.value().verdict().label());
    }
    if let Ok(r) = Decoded::<IdentityVerificationResponse>::from_response(&response) {
        let _ = r.value().verdict().to_string();
    }
    if let Ok(r) = Decoded::<FaceVerificationResponse>::from_response(&response) {
        let _ = r.value().verdict().to_string();
    }
    if let Ok(r) = Decoded::<PassiveLivenessResult>::from_response(&response) {
        let _ = r.value().verdict();
    }
    if let Ok(r) = Decoded::<ActiveLivenessResult>::from_response(&response) {
        let _ = r.value().verdict();
    }
    one::<ocr::KtpOcr>(&response);
    one::<ocr::NpwpOcr>(&response);
    one::<ocr::KkOcr>(&response);
    one::<ocr::StnkOcr>(&response);
    one::<ocr::BpkbOcr>(&response);
    one::<ocr::PassportOcr>(&response);
    one::<ocr::PlateOcr>(&response);
    one::<ocr::SimOcr>(&response);
    one::<ocr::GeneralDocumentOcr>(&response);
    one::<ocr::InvoiceOcr>(&response);
    one::<ocr::ReceiptOcr>(&response);
    one::<ocr::BankStatementOcr>(&response);
    one::<ocr::SkprOcr>(&response);
    one::<ocr::RawOcr>(&response);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn decoders_never_panic_on_bytes(status in 100u16..600, body in proptest::collection::vec(any::<u8>(), 0..256)) {
        decode_all(status, Bytes::from(body));
    }

    #[test]
    fn decoders_never_panic_on_json(value in json()) {
        decode_all(200, Bytes::from(serde_json::to_vec(&value).unwrap()));
        // The same tree under each envelope key, so the inner models see it too.
        for key in ["result", "read"] {
            let wrapped = serde_json::json!({ "status": "SUCCESS", key: value.clone() });
            decode_all(200, Bytes::from(serde_json::to_vec(&wrapped).unwrap()));
        }
    }

    #[test]
    fn an_accepted_image_is_what_its_field_documents(
        bytes in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..32),
            proptest::collection::vec(any::<u8>(), 0..32).prop_map(|b| [&b"\xFF\xD8\xFF"[..], &b].concat()),
            proptest::collection::vec(any::<u8>(), 0..32).prop_map(|b| [&b"%PDF-"[..], &b].concat()),
            proptest::collection::vec(any::<u8>(), 0..32).prop_map(|b| [&b"MM\0*"[..], &b].concat()),
        ],
    ) {
        let image = ImageInput::from_bytes(bytes.clone());
        for endpoint in endpoints::ALL {
            for field in endpoint.files {
                match image.check_for(endpoint, field) {
                    Ok(format) => {
                        prop_assert_eq!(sniff(&bytes), Detected::Known(format));
                        prop_assert!(field.accepts.contains(&format));
                    }
                    Err(err) => {
                        prop_assert_eq!(err.field(), field.name);
                        prop_assert!(err.problem().contains(endpoint.name));
                    }
                }
            }
        }
    }

    #[test]
    fn identity_builders_accept_only_valid_fields(
        nik in prop_oneof!["[0-9]{16}", ".{0,20}"],
        name in prop_oneof!["[A-Z ]{1,30}", ".{0,30}"],
        date in prop_oneof!["[0-3][0-9]-[01][0-9]-(19|20)[0-9]{2}", ".{0,12}"],
    ) {
        let accepted = IdentityVerification::new(nik.clone(), name.clone(), date.clone()).validate().is_ok();
        let face = FaceVerification::new(nik.clone(), name.clone(), date.clone(), ImageInput::from_bytes(&b"\xFF\xD8\xFF"[..]));
        prop_assert_eq!(accepted, face.validate().is_ok());
        if accepted {
            prop_assert!(nik.len() == 16 && nik.bytes().all(|b| b.is_ascii_digit()));
            prop_assert!(!name.trim().is_empty());
            let parsed: DateOfBirth = date.parse().unwrap();
            prop_assert_eq!(parsed.to_string(), date);
        }
    }

    #[test]
    fn dates_round_trip(year in 1850u16..=9999, month in 1u8..=12, day in 1u8..=31) {
        match DateOfBirth::new(year, month, day) {
            Ok(date) => prop_assert_eq!(date.to_string().parse::<DateOfBirth>().unwrap(), date),
            Err(err) => {
                prop_assert!(day > 28);
                prop_assert_eq!(err.field(), "date_of_birth");
            }
        }
    }

    #[test]
    fn optional_identity_fields_never_panic(field in proptest::sample::select(IdentityField::ALL.to_vec()), value in ".{0,40}") {
        let request = IdentityVerification::new("3171234567890123", "BUDI", "17-08-1990").with(field, value);
        let _ = request.validate();
    }

    #[test]
    fn gesture_codes_other_than_the_19_are_refused(code in "[A-Z_0-9]{0,16}") {
        let gesture = GestureCode::from(code.as_str());
        let known = GestureCode::ALL.contains(&gesture);
        let result = ActiveLivenessCheck::new(ImageInput::from_bytes(&b"\x89PNG\r\n\x1a\n"[..]), gesture).validate();
        prop_assert_eq!(result.is_ok(), known);
    }

    #[test]
    fn bpkb_pages_outside_one_to_four_are_refused(page in any::<u8>()) {
        let result = OcrRequest::<doc::Bpkb>::new(ImageInput::from_bytes(&b"%PDF-1.4"[..])).page(page).validate();
        prop_assert_eq!(result.is_ok(), (1..=4).contains(&page));
    }
}

#[test]
fn a_huge_wrong_value_is_quoted_at_most_512_bytes() {
    let huge = "x".repeat(4 * 1024 * 1024);
    let body = format!(r#"{{"status":"success","result":{{"match_percentage":"{huge}"}}}}"#);
    let response = http::Response::builder()
        .status(200)
        .body(Bytes::from(body))
        .unwrap();
    // A score of the wrong type no longer fails the answer: it is listed as unreadable, and
    // the listing, the verdict and the Debug form quote the value bounded.
    let decoded = Decoded::<FaceMatchResponse>::from_response(&response).unwrap();
    let field = &decoded.value().unreadable_fields()[0];
    assert_eq!(field.path(), "result.match_percentage");
    assert!(field.to_string().len() < 2 * glair_types::BODY_EXCERPT_LIMIT);
    assert!(decoded.value().verdict().to_string().len() < 2 * glair_types::BODY_EXCERPT_LIMIT);
    assert!(format!("{decoded:?}").len() < 4 * glair_types::BODY_EXCERPT_LIMIT);

    // A root that is not an object still fails, and the error quotes it bounded.
    let response = http::Response::builder()
        .status(200)
        .body(Bytes::from(format!("\"{huge}\"")))
        .unwrap();
    let err = Decoded::<FaceMatchResponse>::from_response(&response).unwrap_err();
    assert!(
        err.to_string().len() < 3 * glair_types::BODY_EXCERPT_LIMIT,
        "{}",
        err.to_string().len()
    );
    assert!(format!("{err:?}").len() < 4 * glair_types::BODY_EXCERPT_LIMIT);
}

#[test]
fn every_upload_refuses_an_empty_file() {
    let empty = || ImageInput::from_bytes(Bytes::new());
    let jpeg = || ImageInput::from_bytes(&b"\xFF\xD8\xFF"[..]);
    let results = [
        FaceMatch::new(empty(), jpeg()).validate(),
        FaceMatch::new(jpeg(), empty()).validate(),
        PassiveLivenessCheck::new(empty()).validate(),
        ActiveLivenessCheck::new(empty(), GestureCode::HeadUp).validate(),
        FaceVerification::new("3171234567890123", "B", "01-01-1990", empty()).validate(),
        OcrRequest::<doc::Ktp>::new(empty()).validate(),
        OcrRequest::<doc::FinancialStatement>::new(empty()).validate(),
    ];
    for result in results {
        assert!(result.unwrap_err().problem().ends_with("is empty"));
    }
    assert_eq!(ImageFormat::Tiff.mime_type(), "image/tiff");
    assert_eq!(<OcrRequest<doc::Sim> as EndpointRequest>::ENDPOINT.id, "O9");
}
