//! Passport, read from its machine-readable zone: O7 `POST /ocr/v1/passport`.
//!
//! Keys as the live service returned them to the Java SDK's tests; the Go SDK lacks
//! `optional_data` and `optional_data_hash`, hence everything optional.

use super::envelope::OcrResult;
use super::lenient::ocr_read;

/// A passport read.
pub type PassportOcr = OcrResult<PassportRead>;

ocr_read! {
    /// The fields of a passport's MRZ.
    pub struct PassportRead {
        /// Document type, e.g. `P`.
        document_type: String,
        /// Issuing country (three-letter code).
        country: String,
        /// Surname.
        surname: String,
        /// Given names.
        name: String,
        /// Passport number.
        doc_number: String,
        /// Check digit of the passport number.
        doc_number_hash: String,
        /// Nationality (three-letter code).
        nationality: String,
        /// Date of birth, `dd-mm-yyyy` per the docs.
        birth_date: String,
        /// Check digit of the date of birth.
        birth_date_hash: String,
        /// Sex.
        sex: String,
        /// Expiry date, `dd-mm-yyyy` per the docs.
        expiry_date: String,
        /// Check digit of the expiry date.
        expiry_date_hash: String,
        /// Optional data (often a personal number).
        optional_data: String,
        /// Check digit of the optional data.
        optional_data_hash: String,
        /// The overall check digit.
        final_hash: String,
    }
}
