//! The one call path: any [`EndpointRequest`] — a session create or retrieve, a face match, an
//! OCR read — is built, sent and decoded here, for the async and the blocking client alike.
//!
//! Only the sending differs between the two clients (`.await` on a [`glair_core::Dispatcher`],
//! a plain call on a `BlockingDispatcher`), so this module holds the two halves around it:
//! [`prepare`] (the handle's settings merged over the client's, the HTTP request built and
//! checked) and [`finish`] (the answer decoded as the endpoint's description says).

use bytes::Bytes;
use glair_core::{RetryConfig, SendOptions, TimeoutConfig};
use glair_types::{ApiConfig, Credentials, Decoded, EndpointRequest, HttpMethod};
use http::{Request, Response};
use web_time::Instant;

use crate::error::Error;
use crate::options::{CallSettings, Settings};

/// What a client brings to a call: where requests go, as whom, and its retry and timeout
/// settings (the base the handle's [`Settings`] merge over).
pub(crate) struct ClientParts<'a> {
    config: &'a ApiConfig,
    credentials: &'a Credentials,
    retry: &'a RetryConfig,
    timeouts: &'a TimeoutConfig,
}

impl<'a> ClientParts<'a> {
    pub(crate) fn new(
        config: &'a ApiConfig,
        credentials: &'a Credentials,
        retry: &'a RetryConfig,
        timeouts: &'a TimeoutConfig,
    ) -> Self {
        Self {
            config,
            credentials,
            retry,
            timeouts,
        }
    }
}

/// The HTTP request for `request` under `settings` merged over the client's, and the
/// dispatcher overrides to send it with (capped by `deadline` when one is given).
///
/// Nothing is sent when this fails: invalid input (a bad field, an empty or unaccepted image)
/// and invalid per-handle settings are refused here.
///
/// # No double billing
///
/// Every endpoint the catalog marks [`Repeat::ChargedOnReceipt`](glair_types::Repeat) is a
/// `POST`, and the dispatcher repeats a `POST` only when the attempt provably never reached
/// GLAIR (connection refused) or GLAIR refused it unprocessed (429) — never after a timeout, a
/// reset or a 5xx, once bytes may have left. The assertion below makes that a property of the
/// build: a request type whose endpoint is charged on receipt but is not a `POST` does not
/// compile, so the method-based rule of the dispatcher is always the catalog's rule.
pub(crate) fn prepare<R: EndpointRequest>(
    request: &R,
    settings: &Settings,
    client: &ClientParts<'_>,
    deadline: Option<Instant>,
) -> Result<(Request<Bytes>, SendOptions), Error> {
    const {
        assert!(
            R::ENDPOINT.repeat.may_repeat_after_send()
                || matches!(R::ENDPOINT.method, HttpMethod::Post),
            "an endpoint charged on receipt must be a POST, which the dispatcher never repeats \
             after it may have been received"
        );
    }
    let call = CallSettings::over(
        settings,
        client.config,
        client.credentials,
        client.retry,
        client.timeouts,
        deadline,
    )?;
    let http_request = request.to_http_request(&call.config, call.credentials)?;
    Ok((http_request, call.send))
}

/// Decodes GLAIR's answer to `request`: the model with its raw JSON and `Request-Id`, or the
/// API error a non-2xx status carries.
pub(crate) fn finish<R: EndpointRequest>(
    request: &R,
    response: &Response<Bytes>,
) -> Result<Decoded<R::Response>, Error> {
    Ok(request.decode(response)?)
}

/// The span every call runs in: the endpoint's catalog id and name (never a field value).
pub(crate) fn span<R: EndpointRequest>() -> tracing::Span {
    tracing::debug_span!(
        "glair.call",
        endpoint = R::ENDPOINT.id,
        name = R::ENDPOINT.name
    )
}
