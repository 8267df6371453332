//! F2 `POST /face/v1/passive-liveness` and F3 `POST /face/v1/active-liveness` on an uploaded
//! image. The answers are the same objects the hosted sessions return as their `result`, so
//! the same verdicts apply ([`PassiveLivenessResult::verdict`],
//! [`ActiveLivenessResult::verdict`]).

use crate::active_liveness::{ActiveLivenessResult, GestureCode};
use crate::endpoint::{Endpoint, EndpointRequest, RequestBody, catalog};
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

/// An active liveness check of one image: did the user perform `gesture_code`?
///
/// The gesture must be one of the 19 documented [`GestureCode`]s; a code this SDK does not
/// know (`GestureCode::Unknown`) is refused before sending. On the wire the field is
/// `gesture-code`, with a hyphen.
///
/// ```
/// use glair_types::{ActiveLivenessCheck, GestureCode, ImageInput};
///
/// let image = ImageInput::from_bytes(&b"\xFF\xD8\xFF\xE0 jpeg"[..]);
/// assert!(ActiveLivenessCheck::new(image.clone(), GestureCode::HeadLeft).validate().is_ok());
/// let err = ActiveLivenessCheck::new(image, GestureCode::from("HEAD_SIDEWAYS")).validate().unwrap_err();
/// assert_eq!(err.field(), "gesture-code");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveLivenessCheck {
    image: ImageInput,
    gesture_code: GestureCode,
}

impl ActiveLivenessCheck {
    /// Checks that `image` shows `gesture_code`.
    pub fn new(image: ImageInput, gesture_code: GestureCode) -> Self {
        Self {
            image,
            gesture_code,
        }
    }

    /// Checks the image and the gesture code.
    pub fn validate(&self) -> Result<(), InvalidInput> {
        self.body().map(drop)
    }
}

impl EndpointRequest for ActiveLivenessCheck {
    const ENDPOINT: &'static Endpoint = &catalog::ACTIVE_LIVENESS;
    type Response = ActiveLivenessResult;

    fn body(&self) -> Result<RequestBody, InvalidInput> {
        if let GestureCode::Unknown(code) = &self.gesture_code {
            return Err(InvalidInput::new(
                "gesture-code",
                format!(
                    "{:?} is not one of the 19 gesture codes ({})",
                    crate::error::bounded(code),
                    GestureCode::ALL.map(|c| c.as_str().to_owned()).join(", ")
                ),
            ));
        }
        let form = image_form(Self::ENDPOINT, &self.image)?;
        Ok(RequestBody::Multipart(
            form.text("gesture-code", self.gesture_code.as_str()),
        ))
    }
}

/// A form with the endpoint's one file part (`image`).
pub(crate) fn image_form(
    endpoint: &'static Endpoint,
    image: &ImageInput,
) -> Result<MultipartForm, InvalidInput> {
    let field = endpoint
        .files
        .first()
        .ok_or_else(|| InvalidInput::new("image", format!("{} takes no file", endpoint.name)))?;
    image.append_to(MultipartForm::new(), endpoint, field)
}

crate::tolerant::decode_tolerantly!(PassiveLivenessResult, ActiveLivenessResult);
