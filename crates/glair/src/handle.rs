//! [`Handle`]: what every handle ([`Sessions`](crate::Sessions), [`Face`](crate::Face),
//! [`Identity`](crate::Identity), [`Ocr`](crate::Ocr)) holds — its client, its own
//! [`Settings`] and their one resolved form — and the one call path of each driver.

use glair_core::{Clock as _, Dispatcher, Instant};
use glair_types::{Decoded, EndpointRequest, InvalidInput};
use std::fmt;
use std::sync::Arc;
use tracing::Instrument;

use crate::call::{self, ApiCall};
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

    /// The async client's one call path: `request` as an [`ApiCall`], run by the async
    /// driver; given up at `deadline` when one is given.
    pub(crate) async fn call<R>(
        &self,
        request: &R,
        deadline: Option<Instant>,
    ) -> Result<Decoded<R::Response>, Error>
    where
        R: EndpointRequest + Sync,
    {
        let driver = self.client.driver();
        let call = ApiCall::new(request, self.resolved()?, driver.clock().now(), deadline)?;
        driver.run(call).instrument(call::span::<R>()).await
    }
}

#[cfg(feature = "blocking")]
impl Handle<glair_core::BlockingDispatcher> {
    /// The wall-clock time by the client's clock (a fake one in tests), as std's type.
    pub(crate) fn system_now(&self) -> std::time::SystemTime {
        glair_core::to_std_system_time(self.client.driver().clock().system_now())
    }

    /// The blocking client's one call path: the same [`ApiCall`], run by the blocking driver.
    pub(crate) fn call<R: EndpointRequest>(
        &self,
        request: &R,
        deadline: Option<Instant>,
    ) -> Result<Decoded<R::Response>, Error> {
        let driver = self.client.driver();
        let call = ApiCall::new(request, self.resolved()?, driver.clock().now(), deadline)?;
        let _span = call::span::<R>().entered();
        driver.run(call)
    }
}
