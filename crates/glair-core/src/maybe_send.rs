//! `Send` where threads exist, nothing where they do not: the one place that decides which
//! bounds the SDK's traits and futures carry on wasm32.
//!
//! On native targets [`MaybeSend`] and [`MaybeSync`] are `Send` and `Sync`, and
//! [`BoxFuture`] is a `Send` future: transports, timers and clocks can be shared across
//! threads and the client's futures can be spawned on a multi-threaded runtime.
//!
//! On `wasm32` there is one thread, and JavaScript values (a `fetch` promise, a timer handle)
//! are neither `Send` nor `Sync`. There the markers are implemented by every type and
//! [`BoxFuture`] is a plain boxed future, so a transport built on `fetch` needs no
//! `SendWrapper`. Implement [`Transport`](crate::Transport) there with
//! `#[async_trait::async_trait(?Send)]`; the form that works on both:
//!
//! ```
//! use bytes::Bytes;
//! use glair_core::{Transport, TransportError};
//!
//! #[derive(Debug)]
//! struct Canned;
//!
//! #[cfg_attr(not(target_arch = "wasm32"), async_trait::async_trait)]
//! #[cfg_attr(target_arch = "wasm32", async_trait::async_trait(?Send))]
//! impl Transport for Canned {
//!     async fn send(
//!         &self,
//!         _request: http::Request<Bytes>,
//!     ) -> Result<http::Response<Bytes>, TransportError> {
//!         Ok(http::Response::new(Bytes::from_static(b"{}")))
//!     }
//! }
//! # let response = pollster::block_on(Canned.send(http::Request::new(Bytes::new()))).unwrap();
//! # assert_eq!(response.body().as_ref(), b"{}");
//! ```

use std::future::Future;
use std::pin::Pin;

/// `Send` on native targets; implemented by every type on wasm32.
#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSend: Send {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: Send + ?Sized> MaybeSend for T {}

/// `Send` on native targets; implemented by every type on wasm32.
#[cfg(target_arch = "wasm32")]
pub trait MaybeSend {}
#[cfg(target_arch = "wasm32")]
impl<T: ?Sized> MaybeSend for T {}

/// `Sync` on native targets; implemented by every type on wasm32.
#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSync: Sync {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: Sync + ?Sized> MaybeSync for T {}

/// `Sync` on native targets; implemented by every type on wasm32.
#[cfg(target_arch = "wasm32")]
pub trait MaybeSync {}
#[cfg(target_arch = "wasm32")]
impl<T: ?Sized> MaybeSync for T {}

/// A boxed future: `Send` on native targets, not on wasm32 (what `#[async_trait]` and
/// `#[async_trait(?Send)]` return there).
#[cfg(not(target_arch = "wasm32"))]
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A boxed future: `Send` on native targets, not on wasm32 (what `#[async_trait]` and
/// `#[async_trait(?Send)]` return there).
#[cfg(target_arch = "wasm32")]
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;
