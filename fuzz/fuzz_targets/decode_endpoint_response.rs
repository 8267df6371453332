//! Every direct endpoint's response decoder (face, identity, every OCR document) on any status
//! and body: must never panic, and neither must the verdicts of what decodes.
#![no_main]

use bytes::Bytes;
use glair_types::ocr;
use glair_types::{
    ActiveLivenessResult, DecodeBody, Decoded, FaceMatchResponse, FaceVerificationResponse,
    IdentityVerificationResponse, PassiveLivenessResult,
};
use libfuzzer_sys::fuzz_target;

fn one<T: DecodeBody>(response: &http::Response<Bytes>) -> Option<Decoded<T>> {
    Decoded::<T>::from_response(response).ok()
}

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data.split_first() {
        Some((first, rest)) => (200 + u16::from(*first) * 2 % 400, rest),
        None => (200, data),
    };
    let Ok(response) = http::Response::builder()
        .status(status)
        .body(Bytes::copy_from_slice(body))
    else {
        return;
    };
    if let Some(r) = one::<FaceMatchResponse>(&response) {
        let _ = r.value().verdict().to_string();
    }
    if let Some(r) = one::<IdentityVerificationResponse>(&response) {
        let _ = r.value().verdict().to_string();
    }
    if let Some(r) = one::<FaceVerificationResponse>(&response) {
        let _ = r.value().verdict().to_string();
    }
    if let Some(r) = one::<PassiveLivenessResult>(&response) {
        let _ = r.value().verdict().to_string();
    }
    if let Some(r) = one::<ActiveLivenessResult>(&response) {
        let _ = r.value().verdict().to_string();
    }
    let _ = one::<ocr::KtpOcr>(&response);
    let _ = one::<ocr::KkOcr>(&response);
    let _ = one::<ocr::StnkOcr>(&response);
    let _ = one::<ocr::BpkbOcr>(&response);
    let _ = one::<ocr::PassportOcr>(&response);
    let _ = one::<ocr::PlateOcr>(&response);
    let _ = one::<ocr::SimOcr>(&response);
    let _ = one::<ocr::GeneralDocumentOcr>(&response);
    let _ = one::<ocr::InvoiceOcr>(&response);
    let _ = one::<ocr::ReceiptOcr>(&response);
    let _ = one::<ocr::BankStatementOcr>(&response);
    let _ = one::<ocr::SkprOcr>(&response);
    let _ = one::<ocr::RawOcr>(&response);
});
