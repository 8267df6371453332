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
///
/// Non-exhaustive: a catalog description, and GLAIR may add an endpoint with another method (`PUT`,
/// `DELETE`); match with a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
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
///
/// Non-exhaustive: GLAIR may add an endpoint with another body encoding; match with a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
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
///
/// Non-exhaustive: a finer rule (for example an idempotency key) may be added; match with a
/// wildcard arm that does not repeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
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
///
/// Non-exhaustive: the levels follow the wire facts, which may grow one; match with a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
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
///
/// Read its fields; make one with [`FileField::new`] (a `const fn`). `#[non_exhaustive]`, so
/// that the description can grow (a size limit, say) without breaking code that reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct FileField {
    /// The part's name on the wire, e.g. `captured_image`.
    pub name: &'static str,
    /// The formats the endpoint documents for this field (§1.9 of the facts).
    pub accepts: &'static [ImageFormat],
}

impl FileField {
    /// The file part `name`, accepting `accepts`.
    pub const fn new(name: &'static str, accepts: &'static [ImageFormat]) -> Self {
        Self { name, accepts }
    }
}

/// A text part of a multipart request, or a top-level key of a JSON body.
///
/// Read its fields; make one with [`TextField::required`] or [`TextField::optional`] (`const
/// fn`s). `#[non_exhaustive]`, so that the description can grow without breaking code that
/// reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct TextField {
    /// The name on the wire, e.g. `gesture-code` (with a hyphen) or `date_of_birth`.
    pub name: &'static str,
    /// Whether the service requires it.
    pub required: bool,
}

impl TextField {
    /// A field the service requires.
    pub const fn required(name: &'static str) -> Self {
        Self {
            name,
            required: true,
        }
    }

    /// A field the service accepts but does not require.
    pub const fn optional(name: &'static str) -> Self {
        Self {
            name,
            required: false,
        }
    }
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
///
/// The fields are public to read. The struct is `#[non_exhaustive]`, so a description can
/// grow a field without breaking anyone; make one with the `const fn`s [`Endpoint::new`] and
/// the `with_*` methods, in a `const` (the catalog is built the same way). Describing an
/// endpoint of your own is what lets you implement
/// [`EndpointRequest`](crate::EndpointRequest) for one GLAIR adds before this SDK models it:
///
/// ```
/// use glair_types::{Encoding, Endpoint, Evidence, HttpMethod, Repeat, TextField};
///
/// const FACE_COMPARE_V2: &Endpoint = &Endpoint::new(
///     "X1",
///     "face compare (v2)",
///     HttpMethod::Post,
///     "face",
///     "compare",
/// )
/// .with_text_fields(&[TextField::required("reference_id")])
/// .with_response("serde_json::Value");
///
/// assert_eq!(FACE_COMPARE_V2.path(), "/face/v1/compare");
/// assert_eq!(FACE_COMPARE_V2.encoding, Encoding::Json);
/// // A POST is charged on receipt unless said otherwise: never repeated once sent.
/// assert_eq!(FACE_COMPARE_V2.repeat, Repeat::ChargedOnReceipt);
/// assert_eq!(FACE_COMPARE_V2.evidence, Evidence::Weak);
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
    /// An endpoint `{method} /{service}/{version}/{resource}`, with the defaults that are safe
    /// for an endpoint the SDK knows nothing more about:
    ///
    /// - no path parameter, no file and no text field;
    /// - `GET`: no body ([`Encoding::None`]) and [`Repeat::Safe`]; any other method: a JSON
    ///   body and [`Repeat::ChargedOnReceipt`] (so the SDK never repeats it once bytes may
    ///   have left: the GLAIR rule for every `POST`);
    /// - [`Evidence::Weak`] (nothing in the wire facts establishes its response), and the
    ///   response type name `serde_json::Value`.
    ///
    /// Change any of them with the `with_*` methods; all are `const fn`, so a description is
    /// `const` data like the catalog's.
    pub const fn new(
        id: &'static str,
        name: &'static str,
        method: HttpMethod,
        service: &'static str,
        resource: &'static str,
    ) -> Self {
        let (encoding, repeat) = match method {
            HttpMethod::Get => (Encoding::None, Repeat::Safe),
            HttpMethod::Post => (Encoding::Json, Repeat::ChargedOnReceipt),
        };
        Self {
            id,
            name,
            method,
            service,
            resource,
            path_param: None,
            encoding,
            alternative_encoding: None,
            files: &[],
            text_fields: &[],
            response: "serde_json::Value",
            repeat,
            evidence: Evidence::Weak,
        }
    }

    /// With a trailing path parameter named `name` (e.g. `sid`).
    pub const fn with_path_param(mut self, name: &'static str) -> Self {
        self.path_param = Some(name);
        self
    }

    /// With the body encoded as `encoding`.
    pub const fn with_encoding(mut self, encoding: Encoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// With another encoding the service also accepts.
    pub const fn with_alternative_encoding(mut self, encoding: Encoding) -> Self {
        self.alternative_encoding = Some(encoding);
        self
    }

    /// With these file parts.
    pub const fn with_files(mut self, files: &'static [FileField]) -> Self {
        self.files = files;
        self
    }

    /// With these text parts (or JSON keys).
    pub const fn with_text_fields(mut self, text_fields: &'static [TextField]) -> Self {
        self.text_fields = text_fields;
        self
    }

    /// With `response` as the name of the Rust type the response decodes into.
    pub const fn with_response(mut self, response: &'static str) -> Self {
        self.response = response;
        self
    }

    /// With this repeat rule. Say [`Repeat::Safe`] only for a call that has no side effect:
    /// the SDK then retries it after a timeout or a broken connection.
    pub const fn with_repeat(mut self, repeat: Repeat) -> Self {
        self.repeat = repeat;
        self
    }

    /// With this level of evidence for the response shape.
    pub const fn with_evidence(mut self, evidence: Evidence) -> Self {
        self.evidence = evidence;
        self
    }

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
