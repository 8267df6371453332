//! The one generic path from a request builder to an `http::Request<Bytes>`, and from an
//! `http::Response<Bytes>` back to a model.

use std::fmt;
use std::ops::Deref;

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{HeaderValue, Request, Response, StatusCode};

use super::Endpoint;
use crate::config::ApiConfig;
use crate::credentials::Credentials;
use crate::error::{InvalidInput, ResponseError};
use crate::multipart::MultipartForm;
use crate::request::build_request;
use crate::response::{check_status, decode_error, request_id};
use crate::session::JsonPathError;

/// A request body before encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestBody {
    /// No body.
    Empty,
    /// An `application/json` body, already serialized.
    Json(Bytes),
    /// A `multipart/form-data` form.
    Multipart(MultipartForm),
}

/// A call to one GLAIR Vision endpoint: its description, its body, its response model.
///
/// Implemented by every request builder in this crate; [`to_http_request`] and [`decode`] are
/// the same for all of them.
///
/// ```
/// use glair_types::{ApiConfig, Credentials, EndpointRequest, ImageInput, PassiveLivenessCheck};
///
/// let selfie = ImageInput::from_bytes(&b"\xFF\xD8\xFF\xE0 jpeg"[..]);
/// let request = PassiveLivenessCheck::new(selfie)
///     .to_http_request(&ApiConfig::default(), &Credentials::new("key", "user", "pass")?)?;
/// assert_eq!(request.uri(), "https://api.vision.glair.ai/face/v1/passive-liveness");
/// assert!(!PassiveLivenessCheck::ENDPOINT.repeat.may_repeat_after_send());
/// # Ok::<(), glair_types::InvalidInput>(())
/// ```
///
/// [`to_http_request`]: EndpointRequest::to_http_request
/// [`decode`]: EndpointRequest::decode
pub trait EndpointRequest {
    /// The endpoint this request calls.
    const ENDPOINT: &'static Endpoint;
    /// What a success response decodes into.
    type Response: DecodeBody;

    /// Checks every field and builds the body; refusals name the field and the problem.
    fn body(&self) -> Result<RequestBody, InvalidInput>;

    /// The trailing path parameter, as it is (session retrieve: the sid). It becomes exactly
    /// one path segment: anything but ASCII letters, digits, `-` and `_` is percent-encoded.
    fn path_param(&self) -> Option<&str> {
        None
    }

    /// The complete HTTP request: method and URL from [`ENDPOINT`](Self::ENDPOINT), the
    /// credentials, `Accept`, `User-Agent`, and the body with its `Content-Type`.
    fn to_http_request(
        &self,
        config: &ApiConfig,
        credentials: &Credentials,
    ) -> Result<Request<Bytes>, InvalidInput> {
        let endpoint = Self::ENDPOINT;
        let uri = config.endpoint_uri(endpoint.service, endpoint.resource, self.path_param())?;
        let (content_type, body) = match self.body()? {
            RequestBody::Empty => (None, Bytes::new()),
            // `build_request` marks a non-empty body as JSON already.
            RequestBody::Json(json) => (None, json),
            RequestBody::Multipart(form) => {
                let encoded = form.encode()?;
                let content_type = HeaderValue::from_str(&encoded.content_type())
                    .map_err(|_| InvalidInput::new("multipart body", "invalid boundary"))?;
                (Some(content_type), encoded.into_body())
            }
        };
        let mut request = build_request(endpoint.method.to_http(), uri, body, credentials);
        if let Some(content_type) = content_type {
            request.headers_mut().insert(CONTENT_TYPE, content_type);
        }
        Ok(request)
    }

    /// Decodes the service's answer: a `2xx` becomes the model (with its raw JSON and
    /// `Request-Id`), anything else an [`ApiError`](crate::ApiError). Never panics.
    ///
    /// Takes the request because some answers depend on it (a retrieved session keeps the sid
    /// it was asked for).
    fn decode(&self, response: &Response<Bytes>) -> Result<Decoded<Self::Response>, ResponseError> {
        Decoded::from_response(response)
    }
}

/// A model that can be decoded from a JSON body, naming the JSON path on failure.
pub trait DecodeBody: Sized {
    /// Decodes `body`.
    fn decode_body(body: &Bytes) -> Result<Self, JsonPathError>;
}

/// A decoded response: the model, the exact JSON it came from, and the service's `Request-Id`.
///
/// Dereferences to the model. The raw JSON keeps every field the SDK does not model (or models
/// loosely), so nothing the service said is lost.
#[derive(Clone, PartialEq)]
pub struct Decoded<T> {
    value: T,
    raw: Bytes,
    status: StatusCode,
    request_id: Option<String>,
}

impl<T: DecodeBody> Decoded<T> {
    /// Decodes a whole response (see [`EndpointRequest::decode`]).
    pub fn from_response(response: &Response<Bytes>) -> Result<Self, ResponseError> {
        check_status(response)?;
        let raw = response.body().clone();
        let value = T::decode_body(&raw).map_err(|e| decode_error(response, e))?;
        Ok(Self {
            value,
            raw,
            status: response.status(),
            request_id: request_id(response),
        })
    }
}

impl<T> Decoded<T> {
    /// Wraps a model decoded by other means from `response`.
    pub(crate) fn wrap(value: T, response: &Response<Bytes>) -> Self {
        Self {
            value,
            raw: response.body().clone(),
            status: response.status(),
            request_id: request_id(response),
        }
    }

    /// The model.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The model, by value.
    pub fn into_value(self) -> T {
        self.value
    }

    /// The exact JSON body the service sent.
    pub fn raw_json(&self) -> &[u8] {
        &self.raw
    }

    /// The exact JSON body, as a shared buffer.
    pub fn raw_bytes(&self) -> &Bytes {
        &self.raw
    }

    /// The body as a [`serde_json::Value`], to read fields the model does not have.
    pub fn raw_value(&self) -> serde_json::Result<serde_json::Value> {
        serde_json::from_slice(&self.raw)
    }

    /// The HTTP status (a `2xx`).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The `Request-Id` response header, when the service sent one (quote it to support).
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

impl<T> Deref for Decoded<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: fmt::Debug> fmt::Debug for Decoded<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decoded")
            .field("value", &self.value)
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("raw_len", &self.raw.len())
            .finish()
    }
}
