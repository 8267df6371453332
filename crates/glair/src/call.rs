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

use std::marker::PhantomData;

use bytes::Bytes;
use glair_core::{Attempt, Call, DispatchError, Instant, Machine, Next, Replay, SystemTime};
use glair_types::{Decoded, EndpointRequest, ResponseError};

use crate::error::Error;
use crate::options::Resolved;

/// One API call: the HTTP call and the decode of its answer into `R`'s model.
///
/// The HTTP request is built once and lent to the first attempt; a retry (rare) builds it
/// again from `request` and the settings, instead of every call copying it for the retry it
/// will almost never make.
///
/// A call whose request cannot be built (invalid input, invalid settings) is still an
/// `ApiCall`, done at once with that error and sending nothing: so the facade hands every
/// call straight to its driver, with no async layer of its own in between (each layer
/// copied the whole call once more: glair-bench's callgrind counts).
#[derive(Debug)]
pub(crate) struct ApiCall<'r, R, S = Whole> {
    /// The HTTP call, or why there is none (refused before sending, or a retry's request
    /// could not be built again).
    call: Result<Call, Error>,
    request: &'r R,
    resolved: Option<&'r Resolved>,
    shape: PhantomData<fn() -> S>,
}

/// What an [`ApiCall`] ends with: a [`Shape`] of the decoded answer.
pub(crate) trait Shape<R: EndpointRequest> {
    /// The decoded answer.
    type Out;

    /// Decodes `response` to `request` into this shape.
    fn decode(request: &R, response: &http::Response<Bytes>) -> Result<Self::Out, ResponseError>;
}

/// The whole [`Decoded`] answer: the model, its raw JSON, status and `Request-Id`.
#[derive(Debug)]
pub(crate) enum Whole {}

impl<R: EndpointRequest> Shape<R> for Whole {
    type Out = Decoded<R::Response>;

    fn decode(request: &R, response: &http::Response<Bytes>) -> Result<Self::Out, ResponseError> {
        request.decode(response)
    }
}

/// The model alone, for a method that returns nothing else (a session's create and
/// retrieve): what it would drop is then never read (the `Request-Id` header's copy and the
/// wrapper cost about 350 instructions per call, glair-bench under callgrind).
#[derive(Debug)]
pub(crate) enum ModelOnly {}

impl<R: EndpointRequest> Shape<R> for ModelOnly {
    type Out = R::Response;

    fn decode(request: &R, response: &http::Response<Bytes>) -> Result<Self::Out, ResponseError> {
        request.decode_value(response)
    }
}

/// Whether calls of `R` may be repeated once sent: from the endpoint's description.
pub(crate) fn replay<R: EndpointRequest>() -> Replay {
    if R::ENDPOINT.repeat.may_repeat_after_send() {
        Replay::Safe
    } else {
        Replay::OnlyIfUnprocessed
    }
}

impl<'r, R: EndpointRequest, S> ApiCall<'r, R, S> {
    /// The call of `request` with the `resolved` settings (or why they are invalid), starting
    /// at `now`, given up at `deadline` when one is given. Invalid input (a bad field, an
    /// empty or unaccepted image) is refused here: nothing is sent, and the call is done at
    /// once with that error.
    pub(crate) fn new(
        request: &'r R,
        resolved: Result<&'r Resolved, Error>,
        now: Instant,
        deadline: Option<Instant>,
    ) -> Self {
        let settings = resolved.as_ref().ok().copied();
        let call = resolved.and_then(|resolved| {
            let http_request = request.to_http_request(&resolved.config, &resolved.credentials)?;
            let mut call = Call::new(
                http_request,
                replay::<R>(),
                &resolved.retry,
                &resolved.timeouts,
                now,
            );
            call.limit_to(deadline);
            call.lend();
            Ok(call)
        });
        Self {
            call,
            request,
            resolved: settings,
            shape: PhantomData,
        }
    }
}

impl<R: EndpointRequest, S: Shape<R>> Machine for ApiCall<'_, R, S> {
    type Output = Result<S::Out, Error>;

    fn needs_timer(&self) -> bool {
        self.call.as_ref().is_ok_and(Call::needs_timer)
    }

    fn refuse(&mut self, error: DispatchError) {
        if let Ok(call) = &mut self.call {
            call.refuse(error);
        }
    }

    fn request(&mut self) -> Option<http::Request<bytes::Bytes>> {
        let call = self.call.as_mut().ok()?;
        if let Some(request) = call.take_request() {
            return Some(request);
        }
        // A retry: the first attempt took the request. Building it again cannot fail where it
        // succeeded once (the same fields, the same settings), but if it ever did, the call
        // ends with that error rather than a panic.
        let resolved = self.resolved?;
        match self
            .request
            .to_http_request(&resolved.config, &resolved.credentials)
        {
            Ok(request) => Some(request),
            Err(invalid) => {
                self.call = Err(invalid.into());
                None
            }
        }
    }

    fn next(&mut self, now: Instant) -> Next {
        match &mut self.call {
            Ok(call) => call.next(now),
            Err(_) => Next::Done,
        }
    }

    fn on_attempt(&mut self, attempt: Attempt, now: Instant, wall: SystemTime, jitter: f64) {
        if let Ok(call) = &mut self.call {
            call.on_attempt(attempt, now, wall, jitter);
        }
    }

    fn finish(self) -> Self::Output {
        let response = self.call?.finish()?;
        Ok(S::decode(self.request, &response)?)
    }
}

/// The one span every call runs in, `glair.call`: the endpoint's catalog id and name, and the
/// sid of a session call about one (never a field value, never a credential).
pub(crate) fn span<R: EndpointRequest>(sid: Option<&str>) -> tracing::Span {
    let span = tracing::debug_span!(
        "glair.call",
        endpoint = R::ENDPOINT.id,
        name = R::ENDPOINT.name,
        sid = tracing::field::Empty,
    );
    if let Some(sid) = sid.filter(|_| !span.is_disabled()) {
        span.record("sid", sid);
    }
    span
}
