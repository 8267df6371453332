//! The OCR document types, one marker per endpoint, for [`OcrRequest`](super::OcrRequest).

use super::bank_statement::BankStatementOcr;
use super::bpkb::BpkbOcr;
use super::general_document::GeneralDocumentOcr;
use super::invoice::InvoiceOcr;
use super::kk::KkOcr;
use super::ktp::KtpOcr;
use super::npwp::NpwpOcr;
use super::passport::PassportOcr;
use super::plate::PlateOcr;
use super::raw::RawOcr;
use super::receipt::ReceiptOcr;
use super::request::OcrDocument;
use super::sim::SimOcr;
use super::skpr::SkprOcr;
use super::stnk::StnkOcr;
use crate::endpoint::{Endpoint, catalog};

macro_rules! documents {
    ($( $(#[$meta:meta])* $name:ident => $endpoint:ident, $response:ty; )+) => {
        $(
            $(#[$meta])*
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
            pub struct $name;

            impl OcrDocument for $name {
                const ENDPOINT: &'static Endpoint = &catalog::$endpoint;
                type Response = $response;
            }
        )+
    };
}

documents! {
    /// KTP (O1 `ocr/v1/ktp`).
    Ktp => OCR_KTP, KtpOcr;
    /// KTP with the image-quality checks (O2 `ocr/v1/ktp/qualities`).
    KtpWithQualities => OCR_KTP_QUALITIES, KtpOcr;
    /// NPWP (O3 `ocr/v1/npwp`).
    Npwp => OCR_NPWP, NpwpOcr;
    /// KK, the family card (O4 `ocr/v1/kk`).
    Kk => OCR_KK, KkOcr;
    /// STNK (O5 `ocr/v1/stnk`).
    Stnk => OCR_STNK, StnkOcr;
    /// BPKB (O6 `ocr/v1/bpkb`).
    Bpkb => OCR_BPKB, BpkbOcr;
    /// Passport (O7 `ocr/v1/passport`).
    Passport => OCR_PASSPORT, PassportOcr;
    /// Licence plate (O8 `ocr/v1/plate`).
    Plate => OCR_PLATE, PlateOcr;
    /// SIM, the driving licence (O9 `ocr/v1/sim`).
    Sim => OCR_SIM, SimOcr;
    /// Any document (O10 `ocr/v1/general-document`).
    GeneralDocument => OCR_GENERAL_DOCUMENT, GeneralDocumentOcr;
    /// Invoice (O11 `ocr/v1/invoice`).
    Invoice => OCR_INVOICE, InvoiceOcr;
    /// Receipt (O12 `ocr/v1/receipt`).
    Receipt => OCR_RECEIPT, ReceiptOcr;
    /// Bank statement (O13 `ocr/v1/bank-statement`).
    BankStatement => OCR_BANK_STATEMENT, BankStatementOcr;
    /// SKPR (O14 `ocr/v1/skpr`).
    Skpr => OCR_SKPR, SkprOcr;
    /// Singapore NRIC (O15 `ocr/v1/singapore-nric`; weak evidence, raw `read`).
    SingaporeNric => OCR_SINGAPORE_NRIC, RawOcr;
    /// Singapore family pass (O16 `ocr/v1/singapore-family-pass`; weak evidence, raw `read`).
    SingaporeFamilyPass => OCR_SINGAPORE_FAMILY_PASS, RawOcr;
    /// Singapore work permit (O17 `ocr/v1/singapore-work-permit`; weak evidence, raw `read`).
    SingaporeWorkPermit => OCR_SINGAPORE_WORK_PERMIT, RawOcr;
    /// KITAS/KITAP (O18 `ocr/v1/kitas-kitap`, beta; weak evidence, raw `read`).
    KitasKitap => OCR_KITAS_KITAP, RawOcr;
    /// Financial statement (O19 `ocr/v1/financial-statement`; weak evidence, raw `read`).
    FinancialStatement => OCR_FINANCIAL_STATEMENT, RawOcr;
}
