//! The [`Transport`] trait: one HTTP exchange, no retries, no timeouts of its own beyond connect.

use std::sync::Arc;

use bytes::Bytes;

use crate::error::TransportError;

/// Sends one HTTP request and returns the whole response.
///
/// Implementations make exactly one attempt: retries and the attempt/operation timeouts belong
/// to the [`Dispatcher`](crate::Dispatcher). They must never log header values.
///
/// ```
/// use bytes::Bytes;
/// use glair_core::{Transport, TransportError};
///
/// /// Answers every request with an empty 204.
/// #[derive(Debug)]
/// struct NoContent;
///
/// #[async_trait::async_trait]
/// impl Transport for NoContent {
///     async fn send(
///         &self,
///         _request: http::Request<Bytes>,
///     ) -> Result<http::Response<Bytes>, TransportError> {
///         let mut response = http::Response::new(Bytes::new());
///         *response.status_mut() = http::StatusCode::NO_CONTENT;
///         Ok(response)
///     }
/// }
///
/// let response = pollster::block_on(NoContent.send(http::Request::new(Bytes::new()))).unwrap();
/// assert_eq!(response.status(), 204);
/// ```
#[async_trait::async_trait]
pub trait Transport: Send + Sync + std::fmt::Debug {
    /// Sends one request, returns the whole response (body collected) or a transport error.
    /// One attempt; no retries.
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError>;
}

/// A cheaply cloneable, shareable [`Transport`].
#[derive(Clone, Debug)]
pub struct SharedTransport(Arc<dyn Transport>);

impl SharedTransport {
    /// Wraps a transport.
    pub fn new(transport: impl Transport + 'static) -> Self {
        Self(Arc::new(transport))
    }
}

impl From<Arc<dyn Transport>> for SharedTransport {
    fn from(transport: Arc<dyn Transport>) -> Self {
        Self(transport)
    }
}

#[async_trait::async_trait]
impl Transport for SharedTransport {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        self.0.send(request).await
    }
}

#[async_trait::async_trait]
impl<T: Transport + ?Sized> Transport for Arc<T> {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        (**self).send(request).await
    }
}

/// Clones a request (method, URI, version, headers, extensions and body; `Bytes` clones are
/// reference-counted, so this is cheap).
pub(crate) fn clone_request(request: &http::Request<Bytes>) -> http::Request<Bytes> {
    request.clone()
}
