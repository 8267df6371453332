//! The hosted session kinds, described by the same mechanism as every other endpoint.
//!
//! A [`SessionKind`] names the catalog entries of its create and retrieve calls
//! ([`SessionKind::CREATE`], [`SessionKind::RETRIEVE`]), so [`CreateSession`] and
//! [`RetrieveSession`] are [`EndpointRequest`]s like every upload. Their inherent
//! `to_http_request` methods build the identical request (a snapshot test checks it).

use bytes::Bytes;
use http::Response;

use super::Endpoint;
use super::call::{DecodeBody, Decoded, EndpointRequest, RequestBody};
use crate::error::{InvalidInput, ResponseError};
use crate::kind::SessionKind;
use crate::request::{CreateSession, RetrieveSession};
use crate::response::{decode_retrieved_session, decode_session};
use crate::session::{JsonPathError, Session};

impl<K: SessionKind> DecodeBody for Session<K> {
    fn decode_body(body: &Bytes) -> Result<Self, JsonPathError> {
        Session::from_json(body.clone())
    }
}

impl<K: SessionKind> EndpointRequest for CreateSession<K> {
    const ENDPOINT: &'static Endpoint = K::CREATE;
    type Response = Session<K>;

    fn body(&self) -> Result<RequestBody, InvalidInput> {
        self.to_json().map(RequestBody::Json)
    }

    /// As [`decode_session`]: the sid from `url`, the service's `Date` kept.
    fn decode(&self, response: &Response<Bytes>) -> Result<Decoded<Session<K>>, ResponseError> {
        decode_session(response).map(|s| Decoded::wrap(s, response))
    }

    fn decode_value(&self, response: &Response<Bytes>) -> Result<Session<K>, ResponseError> {
        decode_session(response)
    }
}

impl<K: SessionKind> EndpointRequest for RetrieveSession<K> {
    const ENDPOINT: &'static Endpoint = K::RETRIEVE;
    type Response = Session<K>;

    fn body(&self) -> Result<RequestBody, InvalidInput> {
        Ok(RequestBody::Empty)
    }

    fn path_param(&self) -> Option<&str> {
        Some(self.sid().as_str())
    }

    /// As [`decode_retrieved_session`]: the session keeps the sid it was asked for.
    fn decode(&self, response: &Response<Bytes>) -> Result<Decoded<Session<K>>, ResponseError> {
        decode_retrieved_session(response, self.sid()).map(|s| Decoded::wrap(s, response))
    }

    fn decode_value(&self, response: &Response<Bytes>) -> Result<Session<K>, ResponseError> {
        decode_retrieved_session(response, self.sid())
    }
}
