//! F2 `POST /face/v1/passive-liveness` and F3 `POST /face/v1/active-liveness` on an uploaded
//! image. The answers are the same objects the hosted sessions return as their `result`.

use crate::endpoint::{Endpoint, EndpointRequest, RequestBody, catalog, decode_as_json};
use crate::error::InvalidInput;
use crate::image::ImageInput;
use crate::multipart::MultipartForm;
use crate::passive_liveness::PassiveLivenessResult;

/// A passive liveness check of one selfie (JPEG or PNG): is it a live person or a spoof?
///
/// Decide with the same policy as a passive liveness session's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassiveLivenessCheck {
    image: ImageInput,
}

impl PassiveLivenessCheck {
    /// Checks `image`.
    pub fn new(image: ImageInput) -> Self {
        Self { image }
    }

    /// Checks the image: present, within the size limit, JPEG or PNG.
    pub fn validate(&self) -> Result<(), InvalidInput> {
        self.body().map(drop)
    }
}

impl EndpointRequest for PassiveLivenessCheck {
    const ENDPOINT: &'static Endpoint = &catalog::PASSIVE_LIVENESS;
    type Response = PassiveLivenessResult;

    fn body(&self) -> Result<RequestBody, InvalidInput> {
        image_form(Self::ENDPOINT, &self.image).map(RequestBody::Multipart)
    }
}

/// A form with the endpoint's one `image` part.
pub(crate) fn image_form(
    endpoint: &'static Endpoint,
    image: &ImageInput,
) -> Result<MultipartForm, InvalidInput> {
    let field = &endpoint.files[0];
    let format = image.check_for(endpoint, field)?;
    Ok(MultipartForm::new().file(
        field.name,
        image.filename_or_default(format),
        format.mime_type(),
        image.bytes().clone(),
    ))
}

decode_as_json!(PassiveLivenessResult);
