//! Create, retrieve and wait for hosted sessions of one kind.

use std::fmt;
use std::marker::PhantomData;

use glair_types::{
    CreateSession, EndpointRequest, RetrieveSession, Session, SessionId, SessionKind,
};
use tracing::Instrument;
use web_time::Instant;

use crate::client::Client;
use crate::error::Error;
use crate::options::Settings;
use crate::wait::{WaitOptions, WaitOutcome, WaitProgress, wait_for};

/// The hosted sessions of kind `K`, reached through a [`Client`]: for passive liveness,
/// [`Client::passive_liveness_sessions`].
///
/// The flow: [`create`](Sessions::create) a session, send the user to its `url`; GLAIR sends
/// the user back to your `success_url` with `?sid=…`; then fetch the outcome server side with
/// [`retrieve_from_redirect`](Sessions::retrieve_from_redirect) or
/// [`retrieve`](Sessions::retrieve).
pub struct Sessions<K: SessionKind> {
    client: Client,
    settings: Settings,
    kind: PhantomData<K>,
}

impl<K: SessionKind> Clone for Sessions<K> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            settings: self.settings.clone(),
            kind: PhantomData,
        }
    }
}

impl<K: SessionKind> fmt::Debug for Sessions<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sessions")
            .field("kind", &K::NAME)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl<K: SessionKind> Sessions<K> {
    pub(crate) fn new(client: Client) -> Self {
        Self {
            client,
            settings: Settings::default(),
            kind: PhantomData,
        }
    }

    /// The same handle with its own [`Settings`] (credentials, base URL, API version,
    /// timeouts, retries) for every call made through it, merged field by field over the
    /// client's (see [`Settings`](crate::Settings#merge)).
    pub fn with_settings(mut self, settings: Settings) -> Self {
        self.settings = settings;
        self
    }

    /// This handle's own settings (empty unless [`with_settings`](Sessions::with_settings)
    /// was used).
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Creates a session. Send the user to the returned session's `url`; read its id with
    /// [`Session::sid`].
    ///
    /// Never creates two sessions: a create is retried only when the request provably never
    /// reached GLAIR (connection refused) or GLAIR refused it unprocessed (429).
    pub async fn create(&self, request: CreateSession<K>) -> Result<Session<K>, Error> {
        let span = tracing::debug_span!("glair.create", kind = K::NAME);
        self.call_before(&request, None).instrument(span).await
    }

    /// Retrieves a session by its sid; the session returned keeps that sid as its own.
    pub async fn retrieve(&self, sid: impl AsRef<str>) -> Result<Session<K>, Error> {
        let sid = SessionId::new(sid.as_ref())?;
        self.retrieve_before(&sid, None).await
    }

    /// Retrieves a session, giving up at `deadline` (a poll of `wait`).
    pub(crate) async fn retrieve_before(
        &self,
        sid: &SessionId,
        deadline: Option<Instant>,
    ) -> Result<Session<K>, Error> {
        let span = tracing::debug_span!("glair.retrieve", kind = K::NAME, sid = sid.as_str());
        let request = RetrieveSession::<K>::new(sid.clone());
        self.call_before(&request, deadline).instrument(span).await
    }

    /// Reads the `sid` from the URL GLAIR redirected the user to (your `success_url` with
    /// `?sid=…` appended — an absolute URL or the path and query your web framework gives you)
    /// and retrieves that session from GLAIR.
    ///
    /// **Trust only the sid from that URL.** The user's browser delivered it, so anyone can
    /// forge one: never read a result, a status or a score from the query string. This method
    /// reads the sid alone and fetches everything else from GLAIR, server side. A sid also
    /// says nothing about *which of your users* took the check: tie it to the user yourself,
    /// for example by keeping the sid from `create` in the user's server-side session and
    /// comparing, or by putting a state value of your own into `success_url`.
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
    pub async fn wait_with_progress(
        &self,
        sid: impl AsRef<str>,
        options: WaitOptions,
        mut on_poll: impl FnMut(&WaitProgress) + glair_core::MaybeSend,
    ) -> Result<WaitOutcome<K>, Error> {
        let sid = SessionId::new(sid.as_ref())?;
        let span = tracing::debug_span!("glair.wait", kind = K::NAME, sid = sid.as_str());
        wait_for(self, &sid, &options, &mut on_poll)
            .instrument(span)
            .await
    }

    pub(crate) fn client(&self) -> &Client {
        &self.client
    }

    /// Sends `request` through the client's one call path with this handle's settings.
    async fn call_before<R>(
        &self,
        request: &R,
        deadline: Option<Instant>,
    ) -> Result<Session<K>, Error>
    where
        R: EndpointRequest<Response = Session<K>> + Sync,
    {
        self.client
            .call(request, &self.settings, deadline)
            .await
            .map(glair_types::Decoded::into_value)
    }
}
