//! `POST` to a direct Vision endpoint: pick the outcome, read and check the upload, answer with
//! the endpoint's fixture. Authentication and faults were applied by the caller (`api`).

use http::request::Parts;
use http::{Method, StatusCode};
use hyper::body::Incoming;

use super::{is_json, media_type, read_body};
use crate::respond::{self, Resp};
use crate::state::State;
use crate::vision::form::{self, MAX_UPLOAD_BODY};
use crate::vision::table::VisionRoute;
use crate::vision::upload::{Refusal, Upload};

/// Process a request to a Vision route, after authentication.
pub(super) async fn process(
    state: &State,
    parts: &Parts,
    route: &'static VisionRoute,
    incoming: &mut Option<Incoming>,
) -> Resp {
    if parts.method != Method::POST {
        return respond::method_not_allowed("POST");
    }
    // Before the body is read: a test with a misspelt outcome learns it at once.
    let outcome = match state.vision_outcomes.select(route, &parts.headers) {
        Ok(outcome) => outcome,
        Err(why) => return respond::message(StatusCode::BAD_REQUEST, &why),
    };
    let upload = match read_upload(state, parts, route, incoming).await {
        Ok(upload) => upload,
        Err(resp) => return resp,
    };
    let answer = route.answer(outcome, &upload);
    state.stats.vision_answered(route.endpoint.id);
    respond::json(StatusCode::OK, &answer)
}

fn refused(refusal: &Refusal) -> Resp {
    respond::json(refusal.status, &refusal.body)
}

/// The request's upload: a multipart form, or (where the endpoint also takes it, face match)
/// a JSON object with base64 files.
async fn read_upload(
    state: &State,
    parts: &Parts,
    route: &'static VisionRoute,
    incoming: &mut Option<Incoming>,
) -> Result<Upload, Resp> {
    let endpoint = route.endpoint;
    let json_allowed = endpoint.alternative_encoding == Some(glair_types::Encoding::Json);
    let content_type = media_type(&parts.headers).map(|_| {
        parts
            .headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    });
    let boundary = match content_type.and_then(form::boundary) {
        Some(Ok(boundary)) => Some(boundary),
        Some(Err(e)) => return Err(respond::message(StatusCode::BAD_REQUEST, &e.message())),
        None if json_allowed && is_json(&parts.headers) => None,
        None => {
            let expected = if json_allowed {
                "multipart/form-data (or application/json with base64 images)"
            } else {
                "multipart/form-data"
            };
            return Err(respond::message(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                &format!("Content-Type must be {expected}"),
            ));
        }
    };
    let body = read_body(state, parts, incoming, MAX_UPLOAD_BODY).await?;
    match boundary {
        Some(boundary) => {
            let is_file = |name: &str| endpoint.file(name).is_some();
            let form = form::parse(&boundary, body, &is_file).await.map_err(|e| {
                let status = match e {
                    form::FormError::PartTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
                    _ => StatusCode::BAD_REQUEST,
                };
                respond::message(status, &e.message())
            })?;
            Upload::from_form(endpoint, form).map_err(|r| refused(&r))
        }
        None => Upload::from_json(endpoint, &body).map_err(|r| refused(&r)),
    }
}
