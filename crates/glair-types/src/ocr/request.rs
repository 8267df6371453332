//! One request builder for every OCR endpoint (O1–O19): an `image` part, plus `page` for BPKB
//! and `table` for the general document.

use std::fmt;
use std::marker::PhantomData;

use bytes::Bytes;
use serde::de::DeserializeOwned;

use super::envelope::OcrResult;
use super::ktp::KtpOcr;
use super::sim::SimOcr;
use crate::endpoint::{DecodeBody, Endpoint, EndpointRequest, RequestBody};
use crate::error::InvalidInput;
use crate::face::image_form;
use crate::image::ImageInput;
use crate::session::JsonPathError;

/// An OCR document type: which endpoint reads it and what the answer decodes into.
///
/// The marker types are in [`doc`](super::doc). Like [`EndpointRequest`], this trait is open:
/// for a document GLAIR adds before this SDK has its marker, describe its endpoint with
/// [`Endpoint::new`] (a multipart `POST` with an `image` file part) and implement this trait
/// on a marker of your own, and [`OcrRequest`] sends it like the others.
pub trait OcrDocument: fmt::Debug + Clone + Copy + PartialEq + Eq + Send + Sync + 'static {
    /// The endpoint.
    const ENDPOINT: &'static Endpoint;
    /// The answer.
    type Response: DecodeBody;
}

/// A request to read one document of type `D` from an image (or a PDF or TIFF where the
/// endpoint takes them; see [`Endpoint::files`]).
///
/// ```
/// use glair_types::ocr::{OcrRequest, doc};
/// use glair_types::{ApiConfig, Credentials, EndpointRequest, ImageInput};
///
/// let scan = ImageInput::from_bytes(&b"%PDF-1.7 ..."[..]).with_filename("bpkb.pdf");
/// let request = OcrRequest::<doc::Bpkb>::new(scan)
///     .page(1)
///     .to_http_request(&ApiConfig::default(), &Credentials::new("key", "user", "pass")?)?;
/// assert_eq!(request.uri(), "https://api.vision.glair.ai/ocr/v1/bpkb");
///
/// // A KTP must be a JPEG or PNG picture:
/// let pdf = ImageInput::from_bytes(&b"%PDF-1.7 ..."[..]);
/// let err = OcrRequest::<doc::Ktp>::new(pdf).validate().unwrap_err();
/// assert_eq!(err.field(), "image");
/// assert!(err.problem().contains("KTP OCR"));
/// # Ok::<(), glair_types::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcrRequest<D: OcrDocument> {
    image: ImageInput,
    page: Option<u8>,
    table: Option<bool>,
    document: PhantomData<D>,
}

impl<D: OcrDocument> OcrRequest<D> {
    /// Reads `image`.
    pub fn new(image: ImageInput) -> Self {
        Self {
            image,
            page: None,
            table: None,
            document: PhantomData,
        }
    }

    /// Checks every field, naming the first one refused.
    pub fn validate(&self) -> Result<(), InvalidInput> {
        self.body().map(drop)
    }
}

impl OcrRequest<super::doc::Bpkb> {
    /// Reads only page `page` (1–4) of the BPKB; without it the service reads all pages.
    pub fn page(mut self, page: u8) -> Self {
        self.page = Some(page);
        self
    }
}

impl OcrRequest<super::doc::GeneralDocument> {
    /// Whether to also return tables (`read.tables`); the service's default is `false`.
    pub fn table(mut self, table: bool) -> Self {
        self.table = Some(table);
        self
    }
}

impl<D: OcrDocument> EndpointRequest for OcrRequest<D> {
    const ENDPOINT: &'static Endpoint = D::ENDPOINT;
    type Response = D::Response;

    fn body(&self) -> Result<RequestBody, InvalidInput> {
        let mut form = image_form(Self::ENDPOINT, &self.image)?;
        if let Some(page) = self.page {
            if !(1..=4).contains(&page) {
                return Err(InvalidInput::new(
                    "page",
                    format!("must be between 1 and 4 (a BPKB has four pages), not {page}"),
                ));
            }
            form = form.text("page", page.to_string());
        }
        if let Some(table) = self.table {
            form = form.text("table", if table { "true" } else { "false" });
        }
        Ok(RequestBody::Multipart(form))
    }
}

impl<R: DeserializeOwned + Default> DecodeBody for OcrResult<R> {
    fn decode_body(body: &Bytes) -> Result<Self, JsonPathError> {
        let (value, unreadable) = crate::tolerant::decode::<Self>(body)?;
        Ok(crate::tolerant::Tolerant::with_unreadable_fields(
            value, unreadable,
        ))
    }
}

crate::tolerant::decode_tolerantly!(KtpOcr, SimOcr);
