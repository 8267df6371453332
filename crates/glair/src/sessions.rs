//! Create, retrieve and wait for hosted sessions of one kind.

use glair_core::{Clock as _, Dispatcher, Instant};
use glair_types::{CreateSession, RetrieveSession, Session, SessionId, SessionKind};
use std::fmt;
use std::marker::PhantomData;

use crate::client::GenericClient;
use crate::error::Error;
use crate::handle::Handle;
use crate::options::Settings;
use crate::wait::{OnPoll, Wait, WaitOptions, WaitOutcome, WaitProgress};

/// The hosted sessions of kind `K`, reached through a [`Client`](crate::Client): for passive liveness,
/// [`Client::passive_liveness_sessions`](crate::GenericClient::passive_liveness_sessions).
///
/// The flow: [`create`](Sessions::create) a session, send the user to its `url`; GLAIR sends
/// the user back to your `success_url` with `?sid=…`; then fetch the outcome server side with
/// [`retrieve_from_redirect`](Sessions::retrieve_from_redirect) or
/// [`retrieve`](Sessions::retrieve).
///
/// One type for both clients: `Sessions<K>` (over the async [`Client`](crate::Client)) awaits,
/// `glair::blocking::Sessions<K>` (`Sessions<K, BlockingDispatcher>`) blocks; the same
/// methods, the same machines underneath.
pub struct Sessions<K: SessionKind, D = Dispatcher> {
    handle: Handle<D>,
    kind: PhantomData<fn() -> K>,
}

impl<K: SessionKind, D> Clone for Sessions<K, D> {
    fn clone(&self) -> Self {
        Self {
            handle: self.handle.clone(),
            kind: PhantomData,
        }
    }
}

impl<K: SessionKind, D> fmt::Debug for Sessions<K, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sessions")
            .field("kind", &K::NAME)
            .field("settings", self.handle.settings())
            .finish_non_exhaustive()
    }
}

impl<K: SessionKind, D> Sessions<K, D> {
    pub(crate) fn new(client: GenericClient<D>) -> Self {
        Self {
            handle: Handle::new(client),
            kind: PhantomData,
        }
    }

    /// The same handle with its own [`Settings`] (credentials, base URL, API version,
    /// timeouts, retries) for every call made through it, merged field by field over the
    /// client's (see [`Settings`](crate::Settings#merge)) once, here; a problem with them is
    /// reported by each call.
    #[must_use]
    pub fn with_settings(self, settings: Settings) -> Self {
        Self {
            handle: self.handle.with_settings(settings),
            kind: PhantomData,
        }
    }

    /// This handle's own settings (empty unless [`with_settings`](Sessions::with_settings)
    /// was used).
    pub fn settings(&self) -> &Settings {
        self.handle.settings()
    }

    pub(crate) fn handle(&self) -> &Handle<D> {
        &self.handle
    }

    /// A wait for `sid` as a machine, for either driver.
    fn wait_machine<'a>(
        &self,
        sid: SessionId,
        options: &WaitOptions,
        now: Instant,
        on_poll: &'a mut dyn OnPoll,
    ) -> Result<Wait<'a, K>, Error> {
        Wait::new(sid, self.handle.resolved()?, options, now, on_poll)
    }
}

impl<K: SessionKind> Sessions<K> {
    /// Creates a session. Send the user to the returned session's `url`; read its id with
    /// [`Session::sid`].
    ///
    /// Never creates two sessions: a create is retried only when the request provably never
    /// reached GLAIR (connection refused) or GLAIR refused it unprocessed (429).
    pub async fn create(&self, request: CreateSession<K>) -> Result<Session<K>, Error> {
        self.handle.call_model(&request, None).await
    }

    /// Retrieves a session by its sid; the session returned keeps that sid as its own.
    pub async fn retrieve(&self, sid: impl AsRef<str>) -> Result<Session<K>, Error> {
        let request = RetrieveSession::<K>::new(SessionId::new(sid.as_ref())?);
        self.handle
            .call_model(&request, Some(request.sid().as_str()))
            .await
    }

    /// Reads the `sid` from the URL GLAIR redirected the user to (your `success_url` with
    /// `?sid=…` appended — an absolute URL or the path and query your web framework gives you)
    /// and retrieves that session from GLAIR.
    ///
    /// **Trust only the sid from that URL.** The user's browser delivered it, so anyone can
    /// forge one: never read a result, a status or a score from the query string. This method
    /// reads the sid alone and fetches everything else from GLAIR, server side. A sid also
    /// says nothing about *which of your users* took the check: in a web flow use
    /// [`create_with_ticket`](Sessions::create_with_ticket) and
    /// [`finish`](Sessions::finish), which bind the session to its user.
    pub async fn retrieve_from_redirect(&self, url: &str) -> Result<Session<K>, Error> {
        let sid = SessionId::from_redirect_url(url)?;
        self.retrieve(sid).await
    }

    /// Polls the session until it is finished, it expires, or `options.max_wait` passes —
    /// whichever comes first — and says which happened.
    ///
    /// `max_wait` bounds the whole wait, a poll in flight included: each poll gives up when
    /// the time left runs out, and the outcome is then [`WaitOutcome::TimedOut`] with the
    /// session as last seen, if any poll answered — unless the last poll failed for another
    /// reason (a refused connection, a 503), which is then returned as the error. Pauses start at `options.interval` and
    /// grow by half to `options.max_interval`. Transient failures of one poll (timeouts,
    /// connection errors, 429/5xx) do not end the wait; any other error does. Prefer the
    /// redirect to `success_url` over polling where you can: it costs no requests.
    pub async fn wait(
        &self,
        sid: impl AsRef<str>,
        options: WaitOptions,
    ) -> Result<WaitOutcome<K>, Error> {
        self.wait_with_progress(sid, options, |_| {}).await
    }

    /// As [`wait`](Sessions::wait), calling `on_poll` after every poll that leaves the wait
    /// waiting (the session still pending, or a transient failure), e.g. to show progress.
    /// `on_poll` is `Send` on native targets, so that the future is; on wasm32 it need not be
    /// ([`MaybeSend`](glair_core::MaybeSend)).
    pub async fn wait_with_progress(
        &self,
        sid: impl AsRef<str>,
        options: WaitOptions,
        mut on_poll: impl FnMut(&WaitProgress) + glair_core::MaybeSend,
    ) -> Result<WaitOutcome<K>, Error> {
        let sid = SessionId::new(sid.as_ref())?;
        let span = tracing::debug_span!("glair.wait", kind = K::NAME, sid = sid.as_str());
        let driver = self.handle.client().driver();
        let wait = self.wait_machine(sid, &options, driver.clock().now(), &mut on_poll)?;
        driver.run_in(span, wait).await
    }
}

#[cfg(feature = "blocking")]
impl<K: SessionKind> Sessions<K, glair_core::BlockingDispatcher> {
    /// Creates a session; never creates two (see [`Sessions::create`]).
    // By value, like the async `create`: the two clients take the same arguments.
    #[allow(clippy::needless_pass_by_value)]
    pub fn create(&self, request: CreateSession<K>) -> Result<Session<K>, Error> {
        self.handle.call_model(&request, None)
    }

    /// Retrieves a session by its sid; the session returned keeps that sid as its own.
    pub fn retrieve(&self, sid: impl AsRef<str>) -> Result<Session<K>, Error> {
        let request = RetrieveSession::<K>::new(SessionId::new(sid.as_ref())?);
        self.handle
            .call_model(&request, Some(request.sid().as_str()))
    }

    /// Reads the `sid` from the URL GLAIR redirected the user to and retrieves that session;
    /// trust only the sid (see [`Sessions::retrieve_from_redirect`]).
    pub fn retrieve_from_redirect(&self, url: &str) -> Result<Session<K>, Error> {
        let sid = SessionId::from_redirect_url(url)?;
        self.retrieve(sid)
    }

    /// Polls the session until it is finished, it expires, or `options.max_wait` passes, a
    /// poll in flight included (see [`Sessions::wait`]).
    pub fn wait(
        &self,
        sid: impl AsRef<str>,
        options: WaitOptions,
    ) -> Result<WaitOutcome<K>, Error> {
        self.wait_with_progress(sid, options, |_| {})
    }

    /// As [`wait`](Sessions::wait), calling `on_poll` after every poll that leaves the wait
    /// waiting (see [`Sessions::wait_with_progress`]).
    pub fn wait_with_progress(
        &self,
        sid: impl AsRef<str>,
        options: WaitOptions,
        mut on_poll: impl FnMut(&WaitProgress) + glair_core::MaybeSend,
    ) -> Result<WaitOutcome<K>, Error> {
        let sid = SessionId::new(sid.as_ref())?;
        let _span =
            tracing::debug_span!("glair.wait", kind = K::NAME, sid = sid.as_str()).entered();
        let driver = self.handle.client().driver();
        let wait = self.wait_machine(sid, &options, driver.clock().now(), &mut on_poll)?;
        driver.run(wait)
    }
}
