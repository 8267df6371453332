//! NPWP, the Indonesian tax card: what the NPWP OCR endpoint and a finished NPWP session
//! return.

use serde::{Deserialize, Serialize};

use super::envelope::OcrResult;
use super::field::OcrField;

/// An NPWP read: the OCR envelope with the card's four fields.
pub type NpwpOcr = OcrResult<NpwpRead>;

/// The fields of an NPWP card (the vendor's live-tested key names).
///
/// ```
/// use glair_types::ocr::NpwpOcr;
///
/// let ocr: NpwpOcr = serde_json::from_str(r#"{"status":"SUCCESS","reason":"File Successfully Read",
///     "read":{"noNpwp":{"confidence":99,"value":"70.943.997.0-437.000"},"nama":{"confidence":99,"value":"BERSATU"}}}"#)?;
/// assert!(ocr.verdict().is_read());
/// let read = ocr.read.as_ref().unwrap();
/// assert_eq!(read.no_npwp.as_ref().and_then(|f| f.text()), Some("70.943.997.0-437.000"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NpwpRead {
    /// The NPWP number, e.g. `70.943.997.0-437.000` (wire key `noNpwp`).
    #[serde(rename = "noNpwp", default, skip_serializing_if = "Option::is_none")]
    pub no_npwp: Option<OcrField>,
    /// The NIK printed on the card (often empty on older cards).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nik: Option<OcrField>,
    /// The taxpayer's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nama: Option<OcrField>,
    /// The taxpayer's address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alamat: Option<OcrField>,
}
