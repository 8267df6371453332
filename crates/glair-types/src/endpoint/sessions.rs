//! The hosted session kinds, described by the same mechanism as every other endpoint.
//!
//! A [`SessionKind`] already carries its service and resource; [`SessionEndpoints`] adds the
//! catalog entries of its create and retrieve calls, so [`CreateSession`] and
//! [`RetrieveSession`] are [`EndpointRequest`]s like every upload. Their inherent
//! `to_http_request` methods build the identical request (a snapshot test checks it).
//!
//! Meant to fold into [`SessionKind`] itself (two associated consts `CREATE` and `RETRIEVE`),
//! which lives in `kind.rs`; kept separate here until then.

use bytes::Bytes;
use http::Response;

use super::call::{DecodeBody, Decoded, EndpointRequest, RequestBody};
use super::{Endpoint, catalog};
use crate::error::{InvalidInput, ResponseError};
use crate::kind::{ActiveLiveness, Ktp, Npwp, PassiveLiveness, SessionKind};
use crate::request::{CreateSession, RetrieveSession};
use crate::response::{decode_retrieved_session, decode_session};
use crate::session::{JsonPathError, Session};

/// The catalog entries of a session kind's create and retrieve calls.
pub trait SessionEndpoints: SessionKind {
    /// `POST /{service}/v1/{resource}`.
    const CREATE: &'static Endpoint;
    /// `GET /{service}/v1/{resource}/{sid}`.
    const RETRIEVE: &'static Endpoint;
}

impl SessionEndpoints for PassiveLiveness {
    const CREATE: &'static Endpoint = &catalog::PASSIVE_LIVENESS_SESSION_CREATE;
    const RETRIEVE: &'static Endpoint = &catalog::PASSIVE_LIVENESS_SESSION_RETRIEVE;
}

impl SessionEndpoints for ActiveLiveness {
    const CREATE: &'static Endpoint = &catalog::ACTIVE_LIVENESS_SESSION_CREATE;
    const RETRIEVE: &'static Endpoint = &catalog::ACTIVE_LIVENESS_SESSION_RETRIEVE;
}

impl SessionEndpoints for Ktp {
    const CREATE: &'static Endpoint = &catalog::KTP_SESSION_CREATE;
    const RETRIEVE: &'static Endpoint = &catalog::KTP_SESSION_RETRIEVE;
}

impl SessionEndpoints for Npwp {
    const CREATE: &'static Endpoint = &catalog::NPWP_SESSION_CREATE;
    const RETRIEVE: &'static Endpoint = &catalog::NPWP_SESSION_RETRIEVE;
}

impl<K: SessionKind> DecodeBody for Session<K> {
    fn decode_body(body: &Bytes) -> Result<Self, JsonPathError> {
        Session::from_json(body.clone())
    }
}

impl<K: SessionEndpoints> EndpointRequest for CreateSession<K> {
    const ENDPOINT: &'static Endpoint = K::CREATE;
    type Response = Session<K>;

    fn body(&self) -> Result<RequestBody, InvalidInput> {
        self.to_json().map(RequestBody::Json)
    }

    /// As [`decode_session`]: the sid from `url`, the service's `Date` kept.
    fn decode(&self, response: &Response<Bytes>) -> Result<Decoded<Session<K>>, ResponseError> {
        decode_session(response).map(|s| Decoded::wrap(s, response))
    }
}

impl<K: SessionEndpoints> EndpointRequest for RetrieveSession<K> {
    const ENDPOINT: &'static Endpoint = K::RETRIEVE;
    type Response = Session<K>;

    fn body(&self) -> Result<RequestBody, InvalidInput> {
        Ok(RequestBody::Empty)
    }

    fn path_param(&self) -> Option<String> {
        Some(self.sid().to_path_segment())
    }

    /// As [`decode_retrieved_session`]: the session keeps the sid it was asked for.
    fn decode(&self, response: &Response<Bytes>) -> Result<Decoded<Session<K>>, ResponseError> {
        decode_retrieved_session(response, self.sid()).map(|s| Decoded::wrap(s, response))
    }
}
