//! Licence plates: O8 `POST /ocr/v1/plate`.

use serde::{Deserialize, Serialize};

use super::envelope::OcrResult;

/// A plate read.
///
/// ```
/// use glair_types::ocr::PlateOcr;
///
/// let ocr: PlateOcr = serde_json::from_str(r#"{"status":"SUCCESS","reason":"File Successfully Read",
///     "read":{"plates":[{"text":"KH 8041 GG"}]}}"#)?;
/// assert_eq!(ocr.read.unwrap().plates[0].text.as_deref(), Some("KH 8041 GG"));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub type PlateOcr = OcrResult<PlateRead>;

/// The plates found in the picture.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PlateRead {
    /// One entry per plate, possibly none.
    #[serde(default, deserialize_with = "crate::tolerant::list_or_null")]
    pub plates: Vec<Plate>,
}

/// One licence plate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Plate {
    /// The plate number as read, e.g. `KH 8041 GG`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}
