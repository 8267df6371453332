//! The envelope every OCR answer shares: `status`, `reason`, `read`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::string_enum::string_enum;
use crate::tolerant::{Tolerant, UnreadableField, tolerant_model};
use crate::verdict::Verdict;

string_enum! {
    /// The outcome of an OCR read: the envelope's upper-case `status`.
    pub enum OcrStatus {
        /// The file was read. (A document of the wrong type can also come back as `SUCCESS`,
        /// with `reason` "File successfully read. Some fields are invalid." and empty fields.)
        Success => "SUCCESS",
        /// The request carried no file.
        NoFile => "NO_FILE",
        /// The file is not an accepted image or document format.
        FileInvalidFormat => "FILE_INVALID_FORMAT",
        /// The file could not be read.
        Failed => "FAILED",
    }
}

/// An OCR answer whose `read` object is `R`: what NPWP, and the other documents that carry
/// nothing but fields, return.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OcrResult<R> {
    /// The outcome.
    #[serde(default = "crate::tolerant::absent")]
    pub status: OcrStatus,
    /// The service's explanation, e.g. `File Successfully Read`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The fields read; absent when nothing was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read: Option<R>,
    #[serde(skip)]
    unreadable: Vec<UnreadableField>,
}

tolerant_model!(OcrResult<R>);

impl<R: Serialize> OcrResult<R> {
    /// Whether the document was read: see [`OcrVerdict`].
    pub fn verdict(&self) -> OcrVerdict {
        OcrVerdict::judge(
            &self.status,
            self.reason.as_deref(),
            self.read.as_ref(),
            self.unreadable_fields(),
        )
    }
}

impl<R> OcrResult<R> {
    /// Builds a result (for tests and fixtures).
    pub fn new(status: OcrStatus, reason: Option<String>, read: Option<R>) -> Self {
        Self {
            status,
            reason,
            read,
            unreadable: Vec::new(),
        }
    }
}

/// Whether an OCR answer holds a reading the caller can use.
///
/// The rule, the same for every document: a document is [`Read`](OcrVerdict::Read) only when
/// the status is `SUCCESS`, a `read` object came back, and at least one of its fields holds a
/// reading. GLAIR answers a picture of another document with `SUCCESS`, the reason "File
/// successfully read. Some fields are invalid." and every field empty: that is
/// [`NotRead`](OcrVerdict::NotRead) ([`OcrNotRead::NoReading`]). So is a KTP whose quality
/// check says it is not a KTP (`qualities.is_ktp: false`). Read means the service read
/// something, not that the document is genuine: check the fields you rely on, their
/// confidence, and (for KTP) the other quality flags, such as `is_copy`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OcrVerdict {
    /// The document was read; its fields are in `read`.
    Read,
    /// Nothing usable was read.
    NotRead(OcrNotRead),
}

/// Why an OCR answer holds no usable reading.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OcrNotRead {
    /// The status was not `SUCCESS` (it is kept here, with the service's reason).
    Status {
        /// The status the service sent.
        status: OcrStatus,
        /// The service's reason, when it gave one.
        reason: Option<String>,
    },
    /// The status was `SUCCESS` but no `read` object came back.
    NoFields,
    /// The status was `SUCCESS` but no field holds a reading (every value empty): GLAIR's
    /// answer to a picture of something else. The service's reason is kept.
    NoReading(Option<String>),
    /// The quality check says the picture is not the document asked for (KTP `is_ktp: false`).
    NotTheDocument,
    /// The session finished without a result.
    NoResult,
    /// A member of the answer could not be read (the first one is named; all are in
    /// [`Tolerant::unreadable_fields`]): a document is "read" only from a fully read answer.
    Unreadable(UnreadableField),
}

impl OcrVerdict {
    pub(crate) fn judge<R: Serialize>(
        status: &OcrStatus,
        reason: Option<&str>,
        read: Option<&R>,
        unreadable: &[UnreadableField],
    ) -> Self {
        match (Self::judge_read(status, reason, read), unreadable.first()) {
            (OcrVerdict::Read, Some(field)) => {
                OcrVerdict::NotRead(OcrNotRead::Unreadable(field.clone()))
            }
            (verdict, _) => verdict,
        }
    }

    fn judge_read<R: Serialize>(
        status: &OcrStatus,
        reason: Option<&str>,
        read: Option<&R>,
    ) -> Self {
        match (status, read) {
            (OcrStatus::Success, None) => OcrVerdict::NotRead(OcrNotRead::NoFields),
            (OcrStatus::Success, Some(read)) if !has_reading(read) => {
                OcrVerdict::NotRead(OcrNotRead::NoReading(reason.map(str::to_owned)))
            }
            (OcrStatus::Success, Some(_)) => OcrVerdict::Read,
            (other, _) => OcrVerdict::NotRead(OcrNotRead::Status {
                status: other.clone(),
                reason: reason.map(str::to_owned),
            }),
        }
    }

    /// Whether the document was read.
    pub fn is_read(&self) -> bool {
        matches!(self, OcrVerdict::Read)
    }
}

impl Verdict for OcrVerdict {
    fn label(&self) -> &'static str {
        match self {
            OcrVerdict::Read => "read",
            OcrVerdict::NotRead(_) => "not_read",
        }
    }

    fn reason(&self) -> Option<String> {
        match self {
            OcrVerdict::Read => None,
            OcrVerdict::NotRead(why) => Some(why.to_string()),
        }
    }

    fn is_positive(&self) -> bool {
        self.is_read()
    }
}

impl fmt::Display for OcrVerdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OcrVerdict::Read => f.write_str("read"),
            OcrVerdict::NotRead(why) => write!(f, "not read: {why}"),
        }
    }
}

impl fmt::Display for OcrNotRead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OcrNotRead::Status {
                status,
                reason: Some(reason),
            } => write!(
                f,
                "status {} ({})",
                crate::error::bounded(status.as_str()),
                crate::error::bounded(reason)
            ),
            OcrNotRead::Status {
                status,
                reason: None,
            } => write!(f, "status {}", crate::error::bounded(status.as_str())),
            OcrNotRead::NoReading(Some(reason)) => write!(
                f,
                "no field holds a reading ({})",
                crate::error::bounded(reason)
            ),
            OcrNotRead::NoReading(None) => f.write_str("no field holds a reading"),
            OcrNotRead::NotTheDocument => {
                f.write_str("the quality check says the picture is not the document asked for")
            }
            OcrNotRead::NoFields => f.write_str("status SUCCESS but no fields were returned"),
            OcrNotRead::NoResult => f.write_str("the session finished without a result"),
            OcrNotRead::Unreadable(field) => write!(f, "{field}"),
        }
    }
}

/// Whether any field of a `read` object holds a reading: a non-empty `value` (or `text`, as
/// plate readings call it), or a numeric one, anywhere in it. One rule for every document,
/// whatever its model: it looks at the model's own wire form.
fn has_reading<R: Serialize>(read: &R) -> bool {
    fn any(value: &serde_json::Value, depth: usize) -> bool {
        use serde_json::Value;
        // The models are a few levels deep; the bound only guards the recursion.
        if depth > 16 {
            return false;
        }
        match value {
            Value::Object(map) => map.iter().any(|(key, v)| {
                let reading = matches!(key.as_str(), "value" | "text")
                    && match v {
                        Value::String(s) => !s.trim().is_empty(),
                        Value::Number(_) | Value::Bool(_) => true,
                        _ => false,
                    };
                reading || any(v, depth + 1)
            }),
            Value::Array(items) => items.iter().any(|v| any(v, depth + 1)),
            _ => false,
        }
    }
    serde_json::to_value(read).is_ok_and(|v| any(&v, 0))
}
