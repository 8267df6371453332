//! The envelope every OCR answer shares: `status`, `reason`, `read`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::string_enum::string_enum;
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
    pub status: OcrStatus,
    /// The service's explanation, e.g. `File Successfully Read`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The fields read; absent when nothing was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read: Option<R>,
}

impl<R> OcrResult<R> {
    /// Builds a result (for tests and fixtures).
    pub fn new(status: OcrStatus, reason: Option<String>, read: Option<R>) -> Self {
        Self {
            status,
            reason,
            read,
        }
    }

    /// Whether the document was read: see [`OcrVerdict`].
    pub fn verdict(&self) -> OcrVerdict {
        OcrVerdict::judge(&self.status, self.reason.as_deref(), self.read.is_some())
    }
}

/// Whether an OCR answer holds a reading the caller can use.
///
/// The rule, the same for every document: a document is [`Read`](OcrVerdict::Read) only when
/// the status is `SUCCESS` **and** a `read` object came back. Anything else is
/// [`NotRead`](OcrVerdict::NotRead) with the reason. A `SUCCESS` whose `reason` says some
/// fields are invalid (GLAIR's answer to a picture of another document) still counts as read:
/// check the fields you rely on, and their confidence, before trusting them.
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
    /// The session finished without a result.
    NoResult,
}

impl OcrVerdict {
    pub(crate) fn judge(status: &OcrStatus, reason: Option<&str>, has_read: bool) -> Self {
        match status {
            OcrStatus::Success if has_read => OcrVerdict::Read,
            OcrStatus::Success => OcrVerdict::NotRead(OcrNotRead::NoFields),
            other => OcrVerdict::NotRead(OcrNotRead::Status {
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
            } => write!(f, "status {status} ({})", crate::error::bounded(reason)),
            OcrNotRead::Status {
                status,
                reason: None,
            } => write!(f, "status {status}"),
            OcrNotRead::NoFields => f.write_str("status SUCCESS but no fields were returned"),
            OcrNotRead::NoResult => f.write_str("the session finished without a result"),
        }
    }
}
