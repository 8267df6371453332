//! The [`Transport`] trait: one HTTP exchange, no retries, no timeouts of its own beyond connect.

use std::sync::Arc;

use bytes::Bytes;

use crate::error::TransportError;
use crate::maybe_send::{BoxFuture, MaybeSend, MaybeSync};

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
///
/// On wasm32 the trait asks for neither `Send` nor `Sync` and its future is not `Send`:
/// implement it there with `#[async_trait::async_trait(?Send)]` (see [`MaybeSend`]).
#[cfg_attr(not(target_arch = "wasm32"), async_trait::async_trait)]
#[cfg_attr(target_arch = "wasm32", async_trait::async_trait(?Send))]
pub trait Transport: MaybeSend + MaybeSync + std::fmt::Debug {
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

/// The future a [`Transport::send`] returns (what `#[async_trait]` makes of the `async fn`).
pub(crate) type SendFuture<'a> = BoxFuture<'a, Result<http::Response<Bytes>, TransportError>>;

// The wrappers hand on the inner transport's future as it is: an `async fn` here would box
// it once more per layer (two allocations and copies of the whole future per request,
// measured by glair-bench's callgrind counts).
impl Transport for SharedTransport {
    fn send<'life0, 'async_trait>(
        &'life0 self,
        request: http::Request<Bytes>,
    ) -> SendFuture<'async_trait>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        self.0.send(request)
    }
}

impl<T: Transport + ?Sized> Transport for Arc<T> {
    fn send<'life0, 'async_trait>(
        &'life0 self,
        request: http::Request<Bytes>,
    ) -> SendFuture<'async_trait>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        (**self).send(request)
    }
}
