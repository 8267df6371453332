//! Errors produced while building requests and decoding responses.
//!
//! None of these types ever hold a credential: validation errors name the field and the
//! problem, not the offending value, because the value may itself be a secret (an API key, a
//! URL with a password in it).

use std::borrow::Cow;
use std::fmt;

use http::StatusCode;

/// Input that was refused before anything was sent: a bad URL, session id, credential or
/// configuration value.
///
/// The message names the field and says what is wrong with it, so a person can fix it.
///
/// ```
/// use glair_types::CreatePassiveLivenessSession;
///
/// let err = CreatePassiveLivenessSession::new("/relative/path").validate().unwrap_err();
/// assert_eq!(err.field(), "success_url");
/// assert!(err.to_string().contains("absolute"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {field}: {problem}")]
pub struct InvalidInput {
    field: Cow<'static, str>,
    problem: String,
}

impl InvalidInput {
    /// Creates an error for `field` with a description of the `problem`.
    ///
    /// Both are cut to [`BODY_EXCERPT_LIMIT`] bytes, so an error can never carry a huge piece
    /// of input around.
    pub fn new(field: impl Into<Cow<'static, str>>, problem: impl Into<String>) -> Self {
        let field = match field.into() {
            Cow::Owned(field) => Cow::Owned(bounded_owned(field)),
            borrowed => borrowed,
        };
        Self {
            field,
            problem: bounded_owned(problem.into()),
        }
    }

    /// The name of the field that was refused, e.g. `success_url` or `sid`.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// What is wrong with it.
    pub fn problem(&self) -> &str {
        &self.problem
    }
}

/// How many bytes of a response body an error keeps for diagnostics; also the most of any
/// piece of input (a field value, a JSON decoder's message quoting one) an error quotes.
pub const BODY_EXCERPT_LIMIT: usize = 512;

/// `text`, cut at a character boundary to at most [`BODY_EXCERPT_LIMIT`] bytes (plus `…`
/// where it was cut).
pub(crate) fn bounded(text: &str) -> Cow<'_, str> {
    if text.len() <= BODY_EXCERPT_LIMIT {
        return Cow::Borrowed(text);
    }
    let mut end = BODY_EXCERPT_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(format!("{}…", &text[..end]))
}

/// [`bounded`] for an owned string, without copying one that fits.
pub(crate) fn bounded_owned(text: String) -> String {
    match bounded(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(cut) => cut,
    }
}

/// The service answered with a non-success HTTP status.
///
/// Carries the status, the `Request-Id` the service assigned (quote it to GLAIR support), a
/// message extracted from whichever error body shape the service used, and a bounded excerpt
/// of the raw body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) request_id: Option<String>,
    pub(crate) message: String,
    pub(crate) body_excerpt: String,
}

impl ApiError {
    /// An API error with this status and message, as the service might answer (for tests and
    /// fixtures; the SDK builds them from responses). The message is cut to
    /// [`BODY_EXCERPT_LIMIT`] bytes; the body excerpt is the message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        let message = bounded_owned(message.into());
        Self {
            status,
            request_id: None,
            body_excerpt: message.clone(),
            message,
        }
    }

    /// The same error with a `Request-Id` (cut to 128 characters, as from a response).
    pub fn with_request_id(mut self, request_id: impl Into<String>) -> Self {
        self.request_id = Some(request_id.into().chars().take(128).collect());
        self
    }

    /// The HTTP status the service answered with.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The `Request-Id` response header, when the service sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The error message, taken from the body (`message`, `error`, `status`+`reason`, or the
    /// text of a non-JSON body); the status's reason phrase when the body says nothing.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// At most [`BODY_EXCERPT_LIMIT`] bytes of the body, lossily decoded as UTF-8 with control
    /// characters replaced.
    pub fn body_excerpt(&self) -> &str {
        &self.body_excerpt
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GLAIR API error {}: {}", self.status, self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (Request-Id: {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// A success response whose body is not the expected JSON.
///
/// The message names the JSON path that failed (e.g. `result.result.spoof_percentage`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub(crate) status: StatusCode,
    pub(crate) request_id: Option<String>,
    pub(crate) path: String,
    pub(crate) message: String,
    pub(crate) body_excerpt: String,
}

impl DecodeError {
    /// The HTTP status of the response that failed to decode.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The `Request-Id` response header, when the service sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The JSON path at which decoding failed; `.` for the document itself.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What went wrong at [`path`](Self::path).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// At most [`BODY_EXCERPT_LIMIT`] bytes of the body.
    pub fn body_excerpt(&self) -> &str {
        &self.body_excerpt
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not decode the GLAIR response ({}) at `{}`: {}",
            self.status, self.path, self.message
        )?;
        if let Some(id) = &self.request_id {
            write!(f, " (Request-Id: {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for DecodeError {}

/// Why a response could not be turned into a model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResponseError {
    /// The service answered with a non-success status.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The service answered with success but the body did not decode.
    #[error(transparent)]
    Decode(#[from] DecodeError),
}

impl ResponseError {
    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Api(e) => e.status(),
            Self::Decode(e) => e.status(),
        }
    }

    /// The `Request-Id` response header, when the service sent one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Api(e) => e.request_id(),
            Self::Decode(e) => e.request_id(),
        }
    }
}
