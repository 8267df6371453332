//! The documents whose shape rests on one weak source (Singapore NRIC, family pass and work
//! permit; KITAS/KITAP; financial statement): the status envelope is typed, `read` is kept
//! as JSON. Nothing is guessed; read the keys you need from [`RawOcr::read`], or the whole
//! body (with `images`, when sent) from [`Decoded::raw_json`](crate::Decoded::raw_json).

use super::envelope::OcrResult;

/// An OCR answer with a typed status and an untyped `read`.
///
/// ```
/// use glair_types::ocr::{OcrStatus, RawOcr};
///
/// let ocr: RawOcr = serde_json::from_str(r#"{"status":"SUCCESS","reason":"File Successfully Read",
///     "read":{"nric_no":{"confidence":98,"value":"S1234567D"}}}"#)?;
/// assert_eq!(ocr.status, OcrStatus::Success);
/// assert_eq!(ocr.read.as_ref().and_then(|r| r.pointer("/nric_no/value")).and_then(|v| v.as_str()), Some("S1234567D"));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub type RawOcr = OcrResult<serde_json::Value>;
