//! F1 `POST /face/v1/match`: is the captured face the stored one?

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use crate::endpoint::{Endpoint, EndpointRequest, RequestBody, catalog};
use crate::error::InvalidInput;
use crate::image::ImageInput;
use crate::multipart::MultipartForm;
use crate::passive_liveness::CheckStatus;
use crate::string_enum::string_enum;
use crate::tolerant::{UnreadableField, tolerant_model};

/// How the two images are sent.
///
/// Non-exhaustive: the service may accept another encoding; match with a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum FaceMatchEncoding {
    /// `multipart/form-data` with two file parts, as the Node and Go SDKs send (the default).
    #[default]
    Multipart,
    /// `application/json` with both images as plain base64 strings (no `data:` prefix), as the
    /// Java SDK sends and the docs describe. About a third larger on the wire.
    JsonBase64,
}

/// A face match request: `captured_image` (a fresh photo, a selfie) against `stored_image`
/// (the reference, e.g. the KTP photo). JPEG or PNG, each at most
/// [`MAX_IMAGE_BYTES`](crate::MAX_IMAGE_BYTES).
///
/// ```
/// use glair_types::{ApiConfig, Credentials, EndpointRequest, FaceMatch, ImageInput};
///
/// let selfie = ImageInput::from_bytes(&b"\xFF\xD8\xFF\xE0 selfie"[..]);
/// let ktp_photo = ImageInput::from_bytes(&b"\x89PNG\r\n\x1a\n photo"[..]);
/// let request = FaceMatch::new(selfie, ktp_photo)
///     .to_http_request(&ApiConfig::default(), &Credentials::new("key", "user", "pass")?)?;
/// assert_eq!(request.uri(), "https://api.vision.glair.ai/face/v1/match");
///
/// let gif = ImageInput::from_bytes(&b"GIF89a..."[..]);
/// let err = FaceMatch::new(gif, ImageInput::from_bytes(&b"\xFF\xD8\xFF"[..])).validate().unwrap_err();
/// assert_eq!(err.field(), "captured_image");
/// assert!(err.problem().contains("GIF"));
/// # Ok::<(), glair_types::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaceMatch {
    captured: ImageInput,
    stored: ImageInput,
    encoding: FaceMatchEncoding,
}

impl FaceMatch {
    /// Compares `captured` with `stored`.
    pub fn new(captured: ImageInput, stored: ImageInput) -> Self {
        Self {
            captured,
            stored,
            encoding: FaceMatchEncoding::default(),
        }
    }

    /// Chooses the encoding (default: multipart).
    pub fn encoding(mut self, encoding: FaceMatchEncoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// Checks both images: present, within the size limit, JPEG or PNG.
    pub fn validate(&self) -> Result<(), InvalidInput> {
        let endpoint = Self::ENDPOINT;
        self.captured.check_for(endpoint, &endpoint.files[0])?;
        self.stored.check_for(endpoint, &endpoint.files[1])?;
        Ok(())
    }
}

#[derive(Serialize)]
struct JsonBody {
    captured_image: String,
    stored_image: String,
}

impl EndpointRequest for FaceMatch {
    const ENDPOINT: &'static Endpoint = &catalog::FACE_MATCH;
    type Response = FaceMatchResponse;

    fn body(&self) -> Result<RequestBody, InvalidInput> {
        let endpoint = Self::ENDPOINT;
        let (captured_field, stored_field) = (&endpoint.files[0], &endpoint.files[1]);
        match self.encoding {
            FaceMatchEncoding::Multipart => {
                let form =
                    self.captured
                        .append_to(MultipartForm::new(), endpoint, captured_field)?;
                let form = self.stored.append_to(form, endpoint, stored_field)?;
                Ok(RequestBody::Multipart(form))
            }
            FaceMatchEncoding::JsonBase64 => {
                self.captured.check_for(endpoint, captured_field)?;
                self.stored.check_for(endpoint, stored_field)?;
                let body = JsonBody {
                    captured_image: STANDARD.encode(self.captured.bytes()),
                    stored_image: STANDARD.encode(self.stored.bytes()),
                };
                serde_json::to_vec(&body)
                    .map(|json| RequestBody::Json(json.into()))
                    .map_err(|e| InvalidInput::new("body", format!("could not be encoded: {e}")))
            }
        }
    }
}

string_enum! {
    /// The outcome of a face match: `result.match_status_code`.
    pub enum MatchStatusCode {
        /// The faces are the same person.
        Match => "MATCH",
        /// The faces are different people.
        NotMatch => "NOT_MATCH",
        /// No face was found in the stored image.
        NoFaceStoredImg => "NO_FACE_STORED_IMG",
        /// No face was found in the captured image.
        NoFaceCapturedImg => "NO_FACE_CAPTURED_IMG",
        /// More than one face was found in the stored image.
        ManyFacesStoredImg => "MANY_FACES_STORED_IMG",
        /// More than one face was found in the captured image.
        ManyFacesCapturedImg => "MANY_FACES_CAPTURED_IMG",
    }
}

/// The answer of `POST /face/v1/match`.
///
/// ```json
/// { "status": "success",
///   "result": { "match_percentage": 0.95768, "match_status": "match", "match_status_code": "MATCH" } }
/// ```
///
/// Answer "is it the same person?" with [`verdict`](Self::verdict) (by a
/// [`FaceMatchPolicy`](crate::FaceMatchPolicy)), not by reading one field: a `success` can
/// carry `NO_FACE_CAPTURED_IMG`.
///
/// Decoding is tolerant ([`Tolerant`](crate::Tolerant)): a member that cannot be read is left
/// out and listed, and the verdict is then never `matched`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FaceMatchResponse {
    /// `success` when the comparison ran, `failed` when it could not (empty and unknown when
    /// the answer carried no readable status).
    #[serde(default = "crate::tolerant::absent")]
    pub status: CheckStatus,
    /// The comparison; absent or `null` when the service sent none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<FaceMatchResult>,
    #[serde(skip)]
    unreadable: Vec<UnreadableField>,
}

tolerant_model!(FaceMatchResponse);

/// The comparison of two faces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FaceMatchResult {
    /// The similarity. Despite the name, a fraction in `[0, 1]` in every sample (e.g.
    /// `0.95768`). Kept as sent — even outside that range — so that no answer is lost; the
    /// policy refuses to call an out-of-range score a match. A number sent as text (`"0.95"`)
    /// is read as that number.
    #[serde(
        default,
        deserialize_with = "crate::tolerant::number",
        skip_serializing_if = "Option::is_none"
    )]
    pub match_percentage: Option<f64>,
    /// A human-readable status, e.g. `match`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_status: Option<String>,
    /// The machine-readable outcome. Optional because a `failed` answer may omit it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_status_code: Option<MatchStatusCode>,
}

impl FaceMatchResponse {
    /// Builds a response (for tests and fixtures; the SDK decodes responses).
    pub fn new(status: CheckStatus, result: Option<FaceMatchResult>) -> Self {
        Self {
            status,
            result,
            unreadable: Vec::new(),
        }
    }

    /// The status code, when the service sent one.
    pub fn match_status_code(&self) -> Option<&MatchStatusCode> {
        self.result
            .as_ref()
            .and_then(|r| r.match_status_code.as_ref())
    }

    /// The similarity score, when the service sent one.
    pub fn match_percentage(&self) -> Option<f64> {
        self.result.as_ref().and_then(|r| r.match_percentage)
    }
}

impl FaceMatchResult {
    /// Builds a comparison (for tests and fixtures).
    pub fn new(
        match_percentage: Option<f64>,
        match_status: Option<String>,
        match_status_code: Option<MatchStatusCode>,
    ) -> Self {
        Self {
            match_percentage,
            match_status,
            match_status_code,
        }
    }
}

crate::tolerant::decode_tolerantly!(FaceMatchResponse);
