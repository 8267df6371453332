//! Every face, identity and OCR endpoint through `glair::Client` (and the blocking client)
//! against glair-emulator over loopback HTTP: the request the SDK builds is one the emulator's
//! multipart parser and checks accept, the answer decodes into the typed model, the verdict
//! follows the outcome, and a call that may have reached the server is never sent twice.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use glair::ocr::{OcrRequest, OcrStatus, doc};
use glair::{
    ActiveLivenessCheck, Decoded, Error, FaceMatch, FaceMatchVerdict, FaceVerification,
    GestureCode, GestureVerdict, IdentityField, IdentityVerification, ImageInput, LivenessVerdict,
    PassiveLivenessCheck,
};
use glair_integration_tests::Harness;
use http::Method;
use serde_json::json;

const NIK: &str = "3171011708900001";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

fn selfie() -> ImageInput {
    ImageInput::from_bytes(glair_examples::SELFIE_JPEG).with_filename("selfie.jpg")
}

fn pdf() -> ImageInput {
    ImageInput::from_bytes(PDF).with_filename("scan.pdf")
}

/// Sets the emulator's default outcome for endpoint `id` (the SDK sends no emulator header).
async fn outcome(h: &Harness, id: &str, name: &str) {
    let (status, body) = h
        .control(
            Method::POST,
            &format!("/_emulator/outcomes/{id}"),
            Some(json!({ "outcome": name })),
        )
        .await;
    assert_eq!(status, 200, "{id} {name}: {body}");
}

/// How many times the emulator answered endpoint `id`.
fn answered(h: &Harness, id: &str) -> u64 {
    h.stats().vision_answered.get(id).copied().unwrap_or(0)
}

#[tokio::test]
async fn f1_face_match_follows_the_outcome() {
    let h = Harness::start().await;
    let face = h.client().face();
    let request = || FaceMatch::new(selfie(), selfie());
    let matched = face.face_match(request()).await.unwrap();
    assert_eq!(matched.value().verdict(), FaceMatchVerdict::Matched);
    assert!(matched.value().match_percentage().unwrap() > 0.5);
    assert!(matched.request_id().is_some());
    outcome(&h, "F1", "not-match").await;
    let other = face.face_match(request()).await.unwrap();
    assert_eq!(other.value().verdict(), FaceMatchVerdict::NotMatched);
    outcome(&h, "F1", "no-face-captured").await;
    let none = face.face_match(request()).await.unwrap();
    assert!(matches!(
        none.value().verdict(),
        FaceMatchVerdict::Inconclusive(_)
    ));
    assert_eq!(answered(&h, "F1"), 3);
}

#[tokio::test]
async fn f2_passive_liveness_on_an_image() {
    let h = Harness::start().await;
    let face = h.client().face();
    let live = face
        .passive_liveness(PassiveLivenessCheck::new(selfie()))
        .await
        .unwrap();
    assert_eq!(live.value().verdict(), LivenessVerdict::Live);
    outcome(&h, "F2", "spoof").await;
    let spoof = face
        .passive_liveness(PassiveLivenessCheck::new(selfie()))
        .await
        .unwrap();
    assert_eq!(spoof.value().verdict(), LivenessVerdict::Spoof);
    assert_eq!(answered(&h, "F2"), 2);
}

#[tokio::test]
async fn f3_active_liveness_on_an_image() {
    let h = Harness::start().await;
    let face = h.client().face();
    let check = || ActiveLivenessCheck::new(selfie(), GestureCode::HeadLeft);
    let matched = face.active_liveness(check()).await.unwrap();
    assert_eq!(matched.value().verdict(), GestureVerdict::Matched);
    outcome(&h, "F3", "no-face").await;
    let none = face.active_liveness(check()).await.unwrap();
    assert_ne!(none.value().verdict(), GestureVerdict::Matched);
    assert_eq!(answered(&h, "F3"), 2);
}

#[tokio::test]
async fn i1_identity_verification() {
    let h = Harness::start().await;
    let identity = h.client().identity();
    let request = || {
        IdentityVerification::new(NIK, "BUDI SANTOSO", "17-08-1990")
            .with(IdentityField::MotherMaidenName, "SITI")
    };
    let verified = identity.verification(request()).await.unwrap();
    assert!(
        verified.value().verdict().is_verified(),
        "{}",
        verified.value().verdict()
    );
    // The emulator answers a verdict for each field sent, the optional one included.
    let raw = verified.raw_value().unwrap();
    assert!(raw["result"].get("mother_maiden_name").is_some(), "{raw}");
    outcome(&h, "I1", "not-verified").await;
    let refused = identity.verification(request()).await.unwrap();
    assert!(!refused.value().verdict().is_verified());
    assert_eq!(answered(&h, "I1"), 2);
}

#[tokio::test]
async fn i2_identity_face_verification() {
    let h = Harness::start().await;
    let identity = h.client().identity();
    let request = || FaceVerification::new(NIK, "BUDI SANTOSO", "17-08-1990", selfie());
    let verified = identity.face_verification(request()).await.unwrap();
    assert!(
        verified.value().verdict().is_verified(),
        "{}",
        verified.value().verdict()
    );
    outcome(&h, "I2", "not-found").await;
    let unknown = identity.face_verification(request()).await.unwrap();
    assert!(!unknown.value().verdict().is_verified());
    assert_eq!(answered(&h, "I2"), 2);
}

/// The raw JSON of an OCR answer: its status and whether its verdict is "read".
fn read_state<T>(answer: &Decoded<T>, read: bool) -> (String, bool) {
    let raw = answer.raw_value().unwrap();
    (raw["status"].as_str().unwrap_or_default().to_owned(), read)
}

#[tokio::test]
async fn o1_to_o19_every_ocr_document_is_read() {
    let h = Harness::start().await;
    let ocr = h.client().ocr();
    let img = selfie;
    let mut seen = Vec::new();
    macro_rules! read {
        ($id:literal, $call:expr) => {{
            let answer = $call.await.unwrap_or_else(|e| panic!("{}: {e}", $id));
            let state = read_state(&answer, answer.value().verdict().is_read());
            assert_eq!(state, ("SUCCESS".to_owned(), true), "{}", $id);
            seen.push($id);
            answer
        }};
    }
    let ktp = read!("O1", ocr.ktp(img()));
    let nama = ktp
        .value()
        .read
        .as_ref()
        .and_then(|r| r.nama.as_ref())
        .unwrap();
    assert_eq!(nama.value.as_deref(), Some("BUDI SANTOSO"));
    let qualities = read!("O2", ocr.ktp_with_qualities(img()));
    assert!(
        qualities.value().qualities.is_some(),
        "{:?}",
        qualities.raw_value()
    );
    read!("O3", ocr.npwp(pdf()));
    read!("O4", ocr.kk(img()));
    read!("O5", ocr.stnk(img()));
    read!("O6", ocr.bpkb(pdf()));
    read!("O7", ocr.passport(img()));
    read!("O8", ocr.plate(img()));
    read!("O9", ocr.sim(img()));
    read!("O10", ocr.general_document(pdf()));
    read!("O11", ocr.invoice(pdf()));
    read!("O12", ocr.receipt(img()));
    read!("O13", ocr.bank_statement(pdf()));
    read!("O14", ocr.skpr(pdf()));
    read!("O15", ocr.singapore_nric(img()));
    read!("O16", ocr.singapore_family_pass(img()));
    read!("O17", ocr.singapore_work_permit(img()));
    read!("O18", ocr.kitas_kitap(img()));
    read!("O19", ocr.financial_statement(pdf()));
    for id in &seen {
        assert_eq!(answered(&h, id), 1, "{id}");
    }
    assert_eq!(seen.len(), 19);
}

#[tokio::test]
async fn ocr_options_and_outcomes_reach_the_emulator() {
    let h = Harness::start().await;
    let ocr = h.client().ocr();
    let page = ocr
        .read(OcrRequest::<doc::Bpkb>::new(pdf()).page(1))
        .await
        .unwrap();
    assert!(page.value().verdict().is_read());
    let tables = ocr
        .read(OcrRequest::<doc::GeneralDocument>::new(selfie()).table(true))
        .await
        .unwrap();
    assert!(tables.value().verdict().is_read());
    outcome(&h, "O1", "wrong-document").await;
    let wrong = ocr.ktp(selfie()).await.unwrap();
    assert_eq!(wrong.value().status, OcrStatus::Success);
    assert!(
        !wrong.value().verdict().is_read(),
        "{}",
        wrong.value().verdict()
    );
    outcome(&h, "O3", "failed").await;
    let failed = ocr.npwp(selfie()).await.unwrap();
    assert_eq!(failed.value().status, OcrStatus::Failed);
    assert!(!failed.value().verdict().is_read());
}

#[tokio::test]
async fn a_call_that_may_have_arrived_is_sent_once() {
    let h = Harness::start().await;
    let client = h.client();
    // Processed, then the connection is cut: the SDK must not send it again.
    h.fault(json!({"kind": "reset", "phase": "after", "route": "vision"}))
        .await;
    let err = client.ocr().ktp(selfie()).await.unwrap_err();
    assert!(
        matches!(err, Error::Transport { attempts: 1, .. }),
        "{err:?}"
    );
    assert_eq!(h.stats().requests.get("POST /ocr/v1/ktp"), Some(&1));
    // A 503 from a gateway: maybe processed, so not repeated either.
    h.fault(json!({"kind": "status", "status": 503, "route": "vision"}))
        .await;
    let err = client
        .face()
        .passive_liveness(PassiveLivenessCheck::new(selfie()))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(
        h.stats().requests.get("POST /face/v1/passive-liveness"),
        Some(&1)
    );
    // 429: refused unprocessed, so repeated, and answered.
    h.fault(json!({"kind": "status", "status": 429, "retry_after_s": 0, "route": "vision"}))
        .await;
    client
        .face()
        .face_match(FaceMatch::new(selfie(), selfie()))
        .await
        .unwrap();
    assert_eq!(h.stats().requests.get("POST /face/v1/match"), Some(&2));
    assert_eq!(answered(&h, "F1"), 1);
}

#[tokio::test]
async fn wrong_credentials_are_an_api_error_with_the_request_id() {
    let h = Harness::start().await;
    let client = h.client_builder().password("wrong").build().unwrap();
    let err = client.ocr().ktp(selfie()).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert!(err.request_id().is_some(), "{err:?}");
    assert_eq!(answered(&h, "O1"), 0);
}

#[tokio::test]
async fn the_blocking_client_reaches_every_namespace() {
    let h = Harness::start().await;
    let builder = h.blocking_client_builder();
    let verdicts = tokio::task::spawn_blocking(move || {
        let client = builder.build().unwrap();
        let matched = client
            .face()
            .face_match(FaceMatch::new(selfie(), selfie()))
            .unwrap();
        let verified = client
            .identity()
            .verification(IdentityVerification::new(NIK, "BUDI SANTOSO", "17-08-1990"))
            .unwrap();
        let ktp = client.ocr().ktp(selfie()).unwrap();
        let bpkb = client
            .ocr()
            .read(OcrRequest::<doc::Bpkb>::new(pdf()).page(2))
            .unwrap();
        (
            matched.value().verdict(),
            verified.value().verdict().is_verified(),
            ktp.value().verdict().is_read(),
            bpkb.value().verdict().is_read(),
        )
    })
    .await
    .unwrap();
    assert_eq!(verdicts, (FaceMatchVerdict::Matched, true, true, true));
    for id in ["F1", "I1", "O1", "O6"] {
        assert_eq!(answered(&h, id), 1, "{id}");
    }
}
