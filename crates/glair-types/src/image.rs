//! Images (and documents) to upload: bytes whose format is read from their first bytes, checked
//! against what the endpoint accepts before anything is sent.
//!
//! The format is never taken from a file name or a caller's claim: GLAIR answers an unaccepted
//! file with `415 FILE_INVALID_FORMAT` *after* receiving (and possibly billing) the request, so
//! the SDK refuses it first, naming the endpoint, the field and what it found.

use std::fmt;

use bytes::Bytes;

use crate::endpoint::{Endpoint, FileField};
use crate::error::InvalidInput;
use crate::multipart::MultipartForm;

/// The largest upload accepted per file: 10 MiB.
///
/// GLAIR documents no limit (none of its SDKs, its Postman collection or its docs name one).
/// This bound is the SDK's own choice: large enough for a phone photo or a multi-page PDF
/// statement, small enough that a wrong file (a video, a disk image) is refused locally
/// instead of being uploaded. The face match request carries two files, so its body can reach
/// twice this plus a few hundred bytes of framing (four thirds of it in the JSON-base64 form).
pub const MAX_IMAGE_BYTES: usize = 10 * 1024 * 1024;

/// A file format GLAIR accepts on some endpoint.
///
/// Non-exhaustive: GLAIR may accept more formats on some endpoint; match with a wildcard arm (and
/// use [`name`](Self::name) or [`mime_type`](Self::mime_type)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ImageFormat {
    /// JPEG (`FF D8 FF`).
    Jpeg,
    /// PNG (`89 50 4E 47 0D 0A 1A 0A`).
    Png,
    /// PDF (`%PDF-`).
    Pdf,
    /// TIFF, either byte order (`II*\0` or `MM\0*`).
    Tiff,
}

impl ImageFormat {
    /// The MIME type sent in the part's `Content-Type`.
    pub const fn mime_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Pdf => "application/pdf",
            Self::Tiff => "image/tiff",
        }
    }

    /// The usual file extension, without the dot.
    pub const fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Pdf => "pdf",
            Self::Tiff => "tiff",
        }
    }

    /// The name people use, e.g. `JPEG`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Jpeg => "JPEG",
            Self::Png => "PNG",
            Self::Pdf => "PDF",
            Self::Tiff => "TIFF",
        }
    }
}

impl fmt::Display for ImageFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What the first bytes of a file say it is.
///
/// Non-exhaustive: the sniffer may learn more cases; match with a wildcard arm (its `Display`
/// describes every case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Detected {
    /// A format GLAIR accepts somewhere.
    Known(ImageFormat),
    /// A recognised format GLAIR accepts nowhere (named for the error message: `GIF`, `WebP`,
    /// `BMP`, `HEIF`, `ZIP`).
    Other(&'static str),
    /// Nothing recognised.
    Unrecognised,
    /// No bytes at all.
    Empty,
}

impl fmt::Display for Detected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Known(format) => write!(f, "a {format} file"),
            Self::Other(name) => write!(f, "a {name} file"),
            Self::Unrecognised => f.write_str("not a recognised image or document format"),
            Self::Empty => f.write_str("empty"),
        }
    }
}

/// Reads the format from the first bytes (magic numbers).
///
/// ```
/// use glair_types::{Detected, ImageFormat, sniff};
///
/// assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Detected::Known(ImageFormat::Png));
/// assert_eq!(sniff(b"GIF89a"), Detected::Other("GIF"));
/// assert_eq!(sniff(b""), Detected::Empty);
/// ```
pub fn sniff(bytes: &[u8]) -> Detected {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if bytes.is_empty() {
        Detected::Empty
    } else if starts(b"\xFF\xD8\xFF") {
        Detected::Known(ImageFormat::Jpeg)
    } else if starts(b"\x89PNG\r\n\x1A\n") {
        Detected::Known(ImageFormat::Png)
    } else if starts(b"%PDF-") {
        Detected::Known(ImageFormat::Pdf)
    } else if starts(b"II*\0") || starts(b"MM\0*") {
        Detected::Known(ImageFormat::Tiff)
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Detected::Other("GIF")
    } else if starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        Detected::Other("WebP")
    } else if starts(b"BM") && bytes.len() >= 14 {
        Detected::Other("BMP")
    } else if bytes.get(4..8) == Some(b"ftyp") {
        Detected::Other("HEIF/MP4")
    } else if starts(b"PK\x03\x04") {
        Detected::Other("ZIP")
    } else {
        Detected::Unrecognised
    }
}

/// A file to upload, from bytes. Its format is detected from the bytes when a request is built.
///
/// The SDK does no I/O here: read the file yourself (the `glair` facade adds a from-path
/// constructor). The optional file name is only sent as the part's `filename`; it never
/// decides the format.
///
/// ```
/// use glair_types::{ImageFormat, ImageInput};
///
/// let photo = ImageInput::from_bytes(&b"\xFF\xD8\xFF\xE0 jpeg data"[..]).with_filename("ktp.jpg");
/// assert_eq!(photo.format(), Some(ImageFormat::Jpeg));
/// assert_eq!(photo.len(), 14);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ImageInput {
    bytes: Bytes,
    filename: Option<String>,
}

impl ImageInput {
    /// An upload of `bytes`.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        Self {
            bytes: bytes.into(),
            filename: None,
        }
    }

    /// Sets the file name sent with the part (default: `image.<ext>` of the detected format).
    /// Only the last path component is kept, so a full path never leaves the machine.
    pub fn with_filename(mut self, filename: impl Into<String>) -> Self {
        let filename = filename.into();
        let base = filename
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or_default()
            .to_owned();
        self.filename = (!base.is_empty()).then_some(base);
        self
    }

    /// The bytes.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// The size in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The file name given, if any.
    pub fn filename(&self) -> Option<&str> {
        self.filename.as_deref()
    }

    /// What the bytes are.
    pub fn detected(&self) -> Detected {
        sniff(&self.bytes)
    }

    /// The format, when it is one GLAIR accepts somewhere.
    pub fn format(&self) -> Option<ImageFormat> {
        match self.detected() {
            Detected::Known(format) => Some(format),
            _ => None,
        }
    }

    /// The file name to send: the one given, else `image.<ext>`.
    pub(crate) fn filename_or_default(&self, format: ImageFormat) -> String {
        self.filename
            .clone()
            .unwrap_or_else(|| format!("image.{}", format.extension()))
    }

    /// Checks this file for `field` of `endpoint`: not empty, at most [`MAX_IMAGE_BYTES`], of
    /// a format the field accepts. The error names the field, the endpoint and what was found.
    pub fn check_for(
        &self,
        endpoint: &Endpoint,
        field: &FileField,
    ) -> Result<ImageFormat, InvalidInput> {
        let refuse = |problem: String| {
            InvalidInput::new(
                field.name,
                format!("for {} ({}): {problem}", endpoint.name, endpoint.path()),
            )
        };
        if self.bytes.len() > MAX_IMAGE_BYTES {
            return Err(refuse(format!(
                "is {} bytes; the SDK's limit is {MAX_IMAGE_BYTES} bytes (10 MiB)",
                self.bytes.len()
            )));
        }
        match self.detected() {
            Detected::Known(format) if field.accepts.contains(&format) => Ok(format),
            Detected::Empty => Err(refuse("is empty".to_owned())),
            found => Err(refuse(format!(
                "is {found}; this field accepts {}",
                list_formats(field.accepts)
            ))),
        }
    }
}

impl ImageInput {
    /// Checks this file for `field` of `endpoint` and appends it to `form` as a file part
    /// with the detected MIME type and the given (or default) file name.
    pub(crate) fn append_to(
        &self,
        form: MultipartForm,
        endpoint: &Endpoint,
        field: &FileField,
    ) -> Result<MultipartForm, InvalidInput> {
        let format = self.check_for(endpoint, field)?;
        Ok(form.file(
            field.name,
            self.filename_or_default(format),
            format.mime_type(),
            self.bytes.clone(),
        ))
    }
}

impl fmt::Debug for ImageInput {
    /// Size, detected format and file name; never the bytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImageInput")
            .field("len", &self.bytes.len())
            .field("detected", &self.detected())
            .field("filename", &self.filename)
            .finish()
    }
}

/// `JPEG or PNG`, `JPEG, PNG, PDF or TIFF`.
fn list_formats(formats: &[ImageFormat]) -> String {
    match formats {
        [] => "nothing".to_owned(),
        [only] => only.name().to_owned(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(|f| f.name()).collect();
            format!("{} or {}", init.join(", "), last.name())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_every_known_format() {
        assert_eq!(
            sniff(b"\xFF\xD8\xFF\xDB"),
            Detected::Known(ImageFormat::Jpeg)
        );
        assert_eq!(sniff(b"%PDF-1.7\n"), Detected::Known(ImageFormat::Pdf));
        assert_eq!(
            sniff(b"II*\0\x08\0\0\0"),
            Detected::Known(ImageFormat::Tiff)
        );
        assert_eq!(
            sniff(b"MM\0*\0\0\0\x08"),
            Detected::Known(ImageFormat::Tiff)
        );
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Detected::Other("WebP"));
        assert_eq!(sniff(b"\0\0\0\x18ftypheic"), Detected::Other("HEIF/MP4"));
        assert_eq!(sniff(b"PK\x03\x04"), Detected::Other("ZIP"));
        assert_eq!(sniff(b"BM\0\0\0\0\0\0\0\0\0\0\0\0"), Detected::Other("BMP"));
        assert_eq!(sniff(b"hello"), Detected::Unrecognised);
        assert_eq!(sniff(b"\xFF\xD8"), Detected::Unrecognised);
    }

    #[test]
    fn keeps_only_the_base_name() {
        let i = ImageInput::from_bytes(Bytes::new()).with_filename("/home/me/secret/ktp.jpg");
        assert_eq!(i.filename(), Some("ktp.jpg"));
        let i = ImageInput::from_bytes(Bytes::new()).with_filename("C:\\Users\\me\\ktp.png");
        assert_eq!(i.filename(), Some("ktp.png"));
        let i = ImageInput::from_bytes(Bytes::new()).with_filename("dir/");
        assert_eq!(i.filename(), None);
    }

    #[test]
    fn lists_formats_for_people() {
        use ImageFormat::*;
        assert_eq!(list_formats(&[Jpeg, Png]), "JPEG or PNG");
        assert_eq!(
            list_formats(&[Jpeg, Png, Pdf, Tiff]),
            "JPEG, PNG, PDF or TIFF"
        );
        assert_eq!(list_formats(&[Pdf]), "PDF");
    }
}
