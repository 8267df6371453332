//! The one call path: any [`EndpointRequest`] — a session create or retrieve, a face match, an
//! OCR read — becomes an [`ApiCall`], glair-core's sans-IO [`Call`] plus the decode step, and
//! either driver runs it (`Dispatcher::run` awaits, `BlockingDispatcher::run` blocks).
//!
//! # No double billing
//!
//! Whether a call may be sent again once its bytes may have reached GLAIR is the endpoint's
//! own description ([`Endpoint::repeat`](glair_types::endpoints::Endpoint)): an endpoint
//! charged on receipt is a [`Replay::OnlyIfUnprocessed`] call, repeated only when the attempt
//! provably never reached GLAIR (connection refused) or GLAIR refused it unprocessed (429) —
//! never after a timeout, a reset or a 5xx. One source, so nothing has to keep two in line.

use glair_core::{Attempt, Call, DispatchError, Instant, Machine, Next, Replay, SystemTime};
use glair_types::{Decoded, EndpointRequest};

use crate::error::Error;
use crate::options::Resolved;

/// One API call: the HTTP call and the decode of its answer into `R`'s model.
#[derive(Debug)]
pub(crate) struct ApiCall<'r, R> {
    call: Call,
    request: &'r R,
}

/// Whether calls of `R` may be repeated once sent: from the endpoint's description.
pub(crate) fn replay<R: EndpointRequest>() -> Replay {
    if R::ENDPOINT.repeat.may_repeat_after_send() {
        Replay::Safe
    } else {
        Replay::OnlyIfUnprocessed
    }
}

impl<'r, R: EndpointRequest> ApiCall<'r, R> {
    /// The call of `request` with `resolved` settings, starting at `now`, given up at
    /// `deadline` when one is given. Invalid input (a bad field, an empty or unaccepted
    /// image) is refused here: nothing is sent, and the call is done at once with that error.
    pub(crate) fn new(
        request: &'r R,
        resolved: &Resolved,
        now: Instant,
        deadline: Option<Instant>,
    ) -> Result<Self, Error> {
        let http_request = request.to_http_request(&resolved.config, &resolved.credentials)?;
        let call = Call::new(
            http_request,
            replay::<R>(),
            &resolved.retry,
            &resolved.timeouts,
            now,
        )
        .with_deadline(deadline);
        Ok(Self { call, request })
    }
}

impl<R: EndpointRequest> Machine for ApiCall<'_, R> {
    type Output = Result<Decoded<R::Response>, Error>;

    fn needs_timer(&self) -> bool {
        self.call.needs_timer()
    }

    fn refuse(&mut self, error: DispatchError) {
        self.call.refuse(error);
    }

    fn request(&self) -> &http::Request<bytes::Bytes> {
        self.call.request()
    }

    fn next(&mut self, now: Instant) -> Next {
        self.call.next(now)
    }

    fn on_attempt(&mut self, attempt: Attempt, now: Instant, wall: SystemTime, jitter: f64) {
        self.call.on_attempt(attempt, now, wall, jitter);
    }

    fn finish(self) -> Self::Output {
        let response = self.call.finish()?;
        Ok(self.request.decode(&response)?)
    }
}

/// The span every call runs in: the endpoint's catalog id and name (never a field value).
pub(crate) fn span<R: EndpointRequest>() -> tracing::Span {
    tracing::debug_span!(
        "glair.call",
        endpoint = R::ENDPOINT.id,
        name = R::ENDPOINT.name
    )
}
