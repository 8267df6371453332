//! [`Handle`]: what every handle ([`Sessions`](crate::Sessions), [`Face`](crate::Face),
//! [`Identity`](crate::Identity), [`Ocr`](crate::Ocr)) holds — its client, its own
//! [`Settings`] and their one resolved form — and the one call path of each driver.

use glair_core::{Clock as _, Dispatcher};
use glair_types::{Decoded, EndpointRequest, InvalidInput};
use std::fmt;
use std::future::Future;
use std::sync::Arc;

use crate::call::{self, ApiCall, ModelOnly, Shape, Whole};
use crate::client::GenericClient;
use crate::error::Error;
use crate::options::{Resolved, Settings};

/// A client, a handle's own settings, and those settings merged over the client's: resolved
/// once, when the handle is made (a problem with them is reported by each call).
pub(crate) struct Handle<D> {
    client: GenericClient<D>,
    settings: Settings,
    resolved: Result<Arc<Resolved>, InvalidInput>,
}

impl<D> Clone for Handle<D> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            settings: self.settings.clone(),
            resolved: self.resolved.clone(),
        }
    }
}

impl<D> fmt::Debug for Handle<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The settings redact their credentials; the client's are not shown.
        fmt::Debug::fmt(&self.settings, f)
    }
}

impl<D> Handle<D> {
    pub(crate) fn new(client: GenericClient<D>) -> Self {
        let resolved = Ok(Arc::clone(client.resolved()));
        Self {
            client,
            settings: Settings::default(),
            resolved,
        }
    }

    /// The same handle with `settings` of its own, merged over the client's now.
    pub(crate) fn with_settings(self, settings: Settings) -> Self {
        let resolved = Resolved::over(&settings, self.client.resolved());
        Self {
            client: self.client,
            settings,
            resolved,
        }
    }

    pub(crate) fn settings(&self) -> &Settings {
        &self.settings
    }

    pub(crate) fn client(&self) -> &GenericClient<D> {
        &self.client
    }

    /// The settings every call of this handle runs with, or why they are invalid.
    pub(crate) fn resolved(&self) -> Result<&Resolved, Error> {
        match &self.resolved {
            Ok(resolved) => Ok(resolved),
            Err(invalid) => Err(invalid.clone().into()),
        }
    }
}

impl Handle<Dispatcher> {
    /// The wall-clock time by the client's clock (a fake one in tests), as std's type.
    pub(crate) fn system_now(&self) -> std::time::SystemTime {
        glair_core::to_std_system_time(self.client.driver().clock().system_now())
    }

    /// `request` sent and decoded whole: see [`call_as`](Self::call_as).
    pub(crate) fn call<'a, R>(
        &'a self,
        request: &'a R,
        sid: Option<&str>,
    ) -> impl Future<Output = Result<Decoded<R::Response>, Error>> + 'a
    where
        R: EndpointRequest + Sync,
    {
        self.call_as::<R, Whole>(request, sid)
    }

    /// `request` sent and decoded into its model alone: see [`call_as`](Self::call_as).
    pub(crate) fn call_model<'a, R>(
        &'a self,
        request: &'a R,
        sid: Option<&str>,
    ) -> impl Future<Output = Result<R::Response, Error>> + 'a
    where
        R: EndpointRequest + Sync,
    {
        self.call_as::<R, ModelOnly>(request, sid)
    }

    /// The async client's one call path: `request` as an [`ApiCall`] ending in shape `S`,
    /// run by the async driver in the call's span (`sid` names the session of a session
    /// call). Not an `async fn`: the driver's future is returned as it is, with no layer
    /// around it.
    fn call_as<'a, R, S>(
        &'a self,
        request: &'a R,
        sid: Option<&str>,
    ) -> impl Future<Output = Result<S::Out, Error>> + 'a
    where
        R: EndpointRequest + Sync,
        S: Shape<R> + 'a,
    {
        let driver = self.client.driver();
        // Boxed: see `Machine for Box`.
        let call = Box::new(ApiCall::<R, S>::new(
            request,
            self.resolved(),
            driver.clock().now(),
            None,
        ));
        driver.run_in(call::span::<R>(sid), call)
    }
}

#[cfg(feature = "blocking")]
impl Handle<glair_core::BlockingDispatcher> {
    /// The wall-clock time by the client's clock (a fake one in tests), as std's type.
    pub(crate) fn system_now(&self) -> std::time::SystemTime {
        glair_core::to_std_system_time(self.client.driver().clock().system_now())
    }

    /// `request` sent and decoded whole: see [`call_as`](Self::call_as).
    pub(crate) fn call<R: EndpointRequest>(
        &self,
        request: &R,
        sid: Option<&str>,
    ) -> Result<Decoded<R::Response>, Error> {
        self.call_as::<R, Whole>(request, sid)
    }

    /// `request` sent and decoded into its model alone: see [`call_as`](Self::call_as).
    pub(crate) fn call_model<R: EndpointRequest>(
        &self,
        request: &R,
        sid: Option<&str>,
    ) -> Result<R::Response, Error> {
        self.call_as::<R, ModelOnly>(request, sid)
    }

    /// The blocking client's one call path: the same [`ApiCall`], run by the blocking driver.
    fn call_as<R: EndpointRequest, S: Shape<R>>(
        &self,
        request: &R,
        sid: Option<&str>,
    ) -> Result<S::Out, Error> {
        let driver = self.client.driver();
        let call = ApiCall::<R, S>::new(request, self.resolved(), driver.clock().now(), None);
        let _span = call::span::<R>(sid).entered();
        driver.run(call)
    }
}
