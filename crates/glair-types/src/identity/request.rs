//! Request builders for I1 and I2.

use std::collections::BTreeMap;
use std::fmt;

use super::field::IdentityField;
use super::response::{FaceVerificationResponse, IdentityVerificationResponse};
use crate::endpoint::{Endpoint, EndpointRequest, RequestBody, catalog};
use crate::error::InvalidInput;
use crate::image::ImageInput;
use crate::multipart::MultipartForm;
use crate::validate::{DateOfBirth, check_sixteen_digits, check_text};

/// The three fields every identity call carries.
#[derive(Clone, PartialEq, Eq)]
struct Person {
    nik: String,
    name: String,
    date_of_birth: String,
}

impl Person {
    fn new(nik: String, name: String, date_of_birth: String) -> Self {
        Self {
            nik,
            name,
            date_of_birth,
        }
    }

    /// Checks the fields and starts the form with them.
    fn form(&self) -> Result<MultipartForm, InvalidInput> {
        check_sixteen_digits("nik", &self.nik)?;
        check_text("name", &self.name)?;
        let date: DateOfBirth = self.date_of_birth.parse()?;
        Ok(MultipartForm::new()
            .text("nik", self.nik.clone())
            .text("name", self.name.clone())
            .text("date_of_birth", date.to_string()))
    }
}

/// Personal data: `Debug` shows which fields are set, never their values.
fn debug_person(f: &mut fmt::DebugStruct<'_, '_>, person: &Person) {
    f.field("nik", &"<redacted>")
        .field("name", &"<redacted>")
        .field(
            "date_of_birth",
            &format_args!("<{} chars>", person.date_of_birth.len()),
        );
}

/// I1: verify KTP data against Dukcapil (`POST /identity/v1/verification`, multipart text
/// fields only).
///
/// Validation before sending: `nik` exactly 16 digits, `name` non-empty and at most
/// [`MAX_TEXT_FIELD_LEN`](crate::MAX_TEXT_FIELD_LEN) bytes, `date_of_birth` a real date in
/// `dd-mm-yyyy`; optional fields the same way (`no_kk` 16 digits).
///
/// ```
/// use glair_types::{ApiConfig, Credentials, EndpointRequest, IdentityField, IdentityVerification};
///
/// let request = IdentityVerification::new("3171234567890123", "BUDI SANTOSO", "17-08-1990")
///     .with(IdentityField::MotherMaidenName, "SITI")
///     .to_http_request(&ApiConfig::default(), &Credentials::new("key", "user", "pass")?)?;
/// assert_eq!(request.uri(), "https://api.vision.glair.ai/identity/v1/verification");
///
/// let err = IdentityVerification::new("12345", "BUDI", "17-08-1990").validate().unwrap_err();
/// assert_eq!(err.field(), "nik");
/// # Ok::<(), glair_types::InvalidInput>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct IdentityVerification {
    person: Person,
    optional: BTreeMap<IdentityField, String>,
}

impl IdentityVerification {
    /// Verifies `nik`, `name` and `date_of_birth` (`dd-mm-yyyy`; a
    /// [`DateOfBirth`](crate::DateOfBirth) formats as that).
    pub fn new(
        nik: impl Into<String>,
        name: impl Into<String>,
        date_of_birth: impl Into<String>,
    ) -> Self {
        Self {
            person: Person::new(nik.into(), name.into(), date_of_birth.into()),
            optional: BTreeMap::new(),
        }
    }

    /// Also sends an optional field (`no_kk`, `mother_maiden_name`, …). Setting `nik`, `name`
    /// or `date_of_birth` this way is refused when the request is built: pass them to
    /// [`new`](Self::new).
    pub fn with(mut self, field: IdentityField, value: impl Into<String>) -> Self {
        self.optional.insert(field, value.into());
        self
    }

    /// Checks every field, naming the first one refused.
    pub fn validate(&self) -> Result<(), InvalidInput> {
        self.body().map(drop)
    }
}

impl fmt::Debug for IdentityVerification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("IdentityVerification");
        debug_person(&mut s, &self.person);
        s.field("optional", &self.optional.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl EndpointRequest for IdentityVerification {
    const ENDPOINT: &'static Endpoint = &catalog::IDENTITY_VERIFICATION;
    type Response = IdentityVerificationResponse;

    fn body(&self) -> Result<RequestBody, InvalidInput> {
        let mut form = self.person.form()?;
        for (field, value) in &self.optional {
            let name = field.wire_name();
            if field.is_required() {
                return Err(InvalidInput::new(
                    name,
                    "is set by IdentityVerification::new, not as an optional field",
                ));
            }
            if *field == IdentityField::NoKk {
                check_sixteen_digits(name, value)?;
            } else {
                check_text(name, value)?;
            }
            form = form.text(name, value.clone());
        }
        Ok(RequestBody::Multipart(form))
    }
}

/// I2: verify KTP data and a face photo against Dukcapil
/// (`POST /identity/v1/face-verification`): the three text fields of
/// [`IdentityVerification`] plus `face_image` (JPEG or PNG).
///
/// ```
/// use glair_types::{FaceVerification, ImageInput};
///
/// let face = ImageInput::from_bytes(&b"%PDF-1.4"[..]);
/// let err = FaceVerification::new("3171234567890123", "BUDI", "17-08-1990", face)
///     .validate()
///     .unwrap_err();
/// assert_eq!(err.field(), "face_image");
/// assert!(err.problem().contains("PDF"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct FaceVerification {
    person: Person,
    face_image: ImageInput,
}

impl FaceVerification {
    /// Verifies `nik`, `name`, `date_of_birth` (`dd-mm-yyyy`) and `face_image`.
    pub fn new(
        nik: impl Into<String>,
        name: impl Into<String>,
        date_of_birth: impl Into<String>,
        face_image: ImageInput,
    ) -> Self {
        Self {
            person: Person::new(nik.into(), name.into(), date_of_birth.into()),
            face_image,
        }
    }

    /// Checks every field, naming the first one refused.
    pub fn validate(&self) -> Result<(), InvalidInput> {
        self.body().map(drop)
    }
}

impl fmt::Debug for FaceVerification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("FaceVerification");
        debug_person(&mut s, &self.person);
        s.field("face_image", &self.face_image).finish()
    }
}

impl EndpointRequest for FaceVerification {
    const ENDPOINT: &'static Endpoint = &catalog::IDENTITY_FACE_VERIFICATION;
    type Response = FaceVerificationResponse;

    fn body(&self) -> Result<RequestBody, InvalidInput> {
        let form = self.person.form()?;
        let field = &Self::ENDPOINT.files[0];
        let form = self.face_image.append_to(form, Self::ENDPOINT, field)?;
        Ok(RequestBody::Multipart(form))
    }
}
