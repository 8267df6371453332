//! OCR results: the envelope every OCR answer shares, the field object, and the documents.
//!
//! GLAIR's OCR endpoints and its KTP and NPWP hosted sessions answer with one envelope:
//!
//! ```json
//! { "status": "SUCCESS", "reason": "File Successfully Read", "read": { "nama": { "value": "BUDI", "confidence": 99 } } }
//! ```
//!
//! [`OcrStatus`] is the outcome, `reason` free text, and `read` the document's fields, each an
//! [`OcrField`]. A finished KTP session's `result` is a [`KtpOcr`] (with `images`, and
//! `qualities` when the quality detector was asked for); an NPWP session's is an
//! [`NpwpOcr`]. Whether a document was read at all is one question with one answer:
//! [`OcrVerdict`].
//!
//! Shapes follow the vendor's live-tested Java SDK and its documentation (the facts file's
//! §6–7): camelCase keys for KTP and NPWP in API `v1`. Every field is optional on decode, so a
//! key GLAIR leaves out never fails a response, and unknown keys are ignored (the exact JSON
//! stays reachable through [`Session::raw_json`](crate::Session::raw_json)).

mod envelope;
mod field;
mod ktp;
mod npwp;

// The direct OCR endpoints (O1–O19): one request builder, one model per document.
mod bank_statement;
mod bpkb;
pub mod doc;
mod general_document;
mod invoice;
mod kk;
mod lenient;
mod passport;
mod plate;
mod raw;
mod receipt;
mod request;
mod sim;
mod skpr;
mod stnk;

pub use bank_statement::{BankStatementOcr, BankStatementRead, BankTransaction};
pub use bpkb::{BpkbFirstRegistration, BpkbLastPage, BpkbOcr, BpkbOwner, BpkbRead, BpkbVehicle};
pub use general_document::{GeneralDocumentOcr, GeneralDocumentRead};
pub use invoice::{InvoiceItem, InvoiceOcr, InvoicePaymentBank, InvoiceRead};
pub use kk::{KkMember, KkOcr, KkRead};
pub use lenient::Amount;
pub use passport::{PassportOcr, PassportRead};
pub use plate::{Plate, PlateOcr, PlateRead};
pub use raw::RawOcr;
pub use receipt::{ReceiptItem, ReceiptOcr, ReceiptRead};
pub use request::{OcrDocument, OcrRequest};
pub use sim::{SimImages, SimOcr, SimRead};
pub use skpr::{SkprBankAccount, SkprOcr, SkprPolicy, SkprRead};
pub use stnk::{StnkOcr, StnkRead};

pub use envelope::{OcrNotRead, OcrResult, OcrStatus, OcrVerdict};
pub use field::OcrField;
pub use ktp::{KtpImages, KtpOcr, KtpQualities, KtpRead};
pub use npwp::{NpwpOcr, NpwpRead};
