//! One description per endpoint: method, path, request encoding, fields, response model and
//! whether repeating a call could bill twice.
//!
//! [`Endpoint`] is plain `const` data. The catalog in [`endpoints`](crate::endpoints) lists
//! every endpoint of GLAIR Vision (§2 of the wire facts: sessions S1–S8, face F1–F3, identity
//! I1–I2, OCR O1–O19); each request builder names its entry through
//! [`EndpointRequest::ENDPOINT`], and the one generic
//! [`EndpointRequest::to_http_request`] turns any of them into an `http::Request<Bytes>`. So
//! adding an endpoint is one catalog entry plus one builder, and a transport, an emulator or a
//! CLI can read the same table (for example to refuse a retry: [`Repeat`]).

pub(crate) mod call;
pub(crate) mod catalog;
mod sessions;

pub use call::{DecodeBody, Decoded, EndpointRequest, RequestBody};

use crate::config::{ApiConfig, DEFAULT_API_VERSION};
use crate::image::ImageFormat;

/// The HTTP method of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HttpMethod {
    /// `GET`: session retrieve.
    Get,
    /// `POST`: everything else.
    Post,
}

impl HttpMethod {
    /// The method as an [`http::Method`].
    pub fn to_http(self) -> http::Method {
        match self {
            Self::Get => http::Method::GET,
            Self::Post => http::Method::POST,
        }
    }

    /// `GET` or `POST`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
        }
    }
}

/// How a request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// No body (session retrieve).
    None,
    /// `application/json`.
    Json,
    /// `multipart/form-data`.
    Multipart,
}

/// Whether a call may be sent again after any of its bytes may have left.
///
/// Every `POST` in GLAIR Vision is processed — and charged — when the service receives it: a
/// session is created, a face is matched, a document is read. A retry after a timeout or a
/// dropped connection can therefore create a second session or a second billed call even
/// though the caller saw no answer. The SDK retries such calls only when it knows that no byte
/// was sent (for example the connection was refused); the same rule as session create.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Repeat {
    /// A read without side effects (`GET` of a session): safe to send again.
    Safe,
    /// Processed and charged on receipt: never repeat once bytes may have left.
    ChargedOnReceipt,
}

impl Repeat {
    /// Whether the call may be sent again after its bytes may have reached the service.
    pub const fn may_repeat_after_send(self) -> bool {
        matches!(self, Self::Safe)
    }
}

/// How well the wire facts establish an endpoint's response shape (§11 of the facts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Evidence {
    /// Key names asserted against the live service, plus typed SDK structs or docs samples.
    Solid,
    /// A typed SDK struct plus docs text, never checked live.
    Medium,
    /// One weak source (an untyped SDK declaration, partial docs, a beta page): the SDK keeps
    /// the `read` object as raw JSON inside a typed status envelope.
    Weak,
}

/// A file part of a multipart request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileField {
    /// The part's name on the wire, e.g. `captured_image`.
    pub name: &'static str,
    /// The formats the endpoint documents for this field (§1.9 of the facts).
    pub accepts: &'static [ImageFormat],
}

/// A text part of a multipart request, or a top-level key of a JSON body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextField {
    /// The name on the wire, e.g. `gesture-code` (with a hyphen) or `date_of_birth`.
    pub name: &'static str,
    /// Whether the service requires it.
    pub required: bool,
}

/// The description of one GLAIR Vision endpoint.
///
/// ```
/// use glair_types::{endpoints, Encoding, Repeat};
///
/// let e = &endpoints::FACE_MATCH;
/// assert_eq!(e.path(), "/face/v1/match");
/// assert_eq!(e.encoding, Encoding::Multipart);
/// assert!(!e.repeat.may_repeat_after_send());
/// assert_eq!(endpoints::ALL.len(), 32);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Endpoint {
    /// The id in the wire facts' endpoint index, e.g. `F1`, `O6`, `S2`.
    pub id: &'static str,
    /// A name for people and error messages, e.g. `face match`.
    pub name: &'static str,
    /// `GET` or `POST`.
    pub method: HttpMethod,
    /// The service segment of the path: `face`, `identity` or `ocr`.
    pub service: &'static str,
    /// The path after the version, e.g. `match`, `ktp/qualities`.
    pub resource: &'static str,
    /// A trailing path parameter, e.g. `sid` for a session retrieve.
    pub path_param: Option<&'static str>,
    /// How the SDK encodes the body.
    pub encoding: Encoding,
    /// Another encoding the service also accepts (face match: JSON with base64 images).
    pub alternative_encoding: Option<Encoding>,
    /// The file parts.
    pub files: &'static [FileField],
    /// The text parts (or JSON keys).
    pub text_fields: &'static [TextField],
    /// The Rust type the response decodes into.
    pub response: &'static str,
    /// Whether a repeat could bill twice.
    pub repeat: Repeat,
    /// How well the response shape is established.
    pub evidence: Evidence,
}

impl Endpoint {
    /// The path with the default version, e.g. `/ocr/v1/ktp/qualities` or
    /// `/face/v1/passive-liveness-sessions/{sid}`.
    pub fn path(&self) -> String {
        let mut path = format!("/{}/{DEFAULT_API_VERSION}/{}", self.service, self.resource);
        if let Some(param) = self.path_param {
            path.push_str(&format!("/{{{param}}}"));
        }
        path
    }

    /// The URL under `config`, without the path parameter.
    pub fn url(&self, config: &ApiConfig) -> String {
        config.collection_url(self.service, self.resource)
    }

    /// The file field called `name`.
    pub fn file(&self, name: &str) -> Option<&'static FileField> {
        self.files.iter().find(|f| f.name == name)
    }

    /// Whether the path `/{service}/{version}/{resource}` (version taken from the path) names
    /// this endpoint; a session retrieve matches with one more segment. For routers.
    pub fn matches(&self, method: &str, path: &str) -> bool {
        if !method.eq_ignore_ascii_case(self.method.as_str()) {
            return false;
        }
        let mut segments = path.trim_start_matches('/').splitn(3, '/');
        let (Some(service), Some(version), Some(rest)) =
            (segments.next(), segments.next(), segments.next())
        else {
            return false;
        };
        if service != self.service || version.is_empty() {
            return false;
        }
        match self.path_param {
            None => rest == self.resource,
            Some(_) => rest
                .strip_prefix(self.resource)
                .and_then(|r| r.strip_prefix('/'))
                .is_some_and(|param| !param.is_empty() && !param.contains('/')),
        }
    }
}

/// The endpoint that `method` and `path` name, if any.
///
/// ```
/// use glair_types::{endpoint_for, endpoints};
///
/// assert_eq!(endpoint_for("POST", "/ocr/v1/ktp/qualities"), Some(&endpoints::OCR_KTP_QUALITIES));
/// assert_eq!(endpoint_for("GET", "/ocr/v1/ktp-sessions/abc").map(|e| e.id), Some("S6"));
/// assert_eq!(endpoint_for("GET", "/ocr/v1/ktp"), None);
/// ```
pub fn endpoint_for(method: &str, path: &str) -> Option<&'static Endpoint> {
    catalog::ALL
        .iter()
        .copied()
        .find(|e| e.matches(method, path))
}
