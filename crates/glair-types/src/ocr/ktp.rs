//! KTP, the Indonesian identity card: what the KTP OCR endpoint and a finished KTP session
//! return.

use serde::{Deserialize, Serialize};

use super::envelope::{OcrNotRead, OcrStatus, OcrVerdict};
use super::field::OcrField;

/// A KTP read: the OCR envelope with the card's fields, the cropped photo and signature, and
/// (when the quality detector was asked for) the image-quality checks.
///
/// Key names are those the vendor's Java SDK asserts against the live API (camelCase in
/// `read`, snake_case in `qualities`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct KtpOcr {
    /// The outcome.
    #[serde(default = "crate::tolerant::absent")]
    pub status: OcrStatus,
    /// The service's explanation, e.g. `File Successfully Read`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The card's fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read: Option<KtpRead>,
    /// The face photo and signature cropped from the card, base64-encoded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<KtpImages>,
    /// The image-quality checks; only when the quality detector was requested
    /// (`qualities_detector` on a session, the `ktp/qualities` endpoint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualities: Option<KtpQualities>,
    #[serde(skip)]
    unreadable: Vec<crate::tolerant::UnreadableField>,
}

crate::tolerant::tolerant_model!(KtpOcr);

impl KtpOcr {
    /// Builds a result (for tests and fixtures).
    pub fn new(status: OcrStatus, reason: Option<String>, read: Option<KtpRead>) -> Self {
        Self {
            status,
            reason,
            read,
            images: None,
            qualities: None,
            unreadable: Vec::new(),
        }
    }

    /// Whether the card was read: see [`OcrVerdict`]. A quality check that says the picture is
    /// not a KTP (`is_ktp: false`) makes it not read, whatever the fields say.
    pub fn verdict(&self) -> OcrVerdict {
        let verdict = OcrVerdict::judge(
            &self.status,
            self.reason.as_deref(),
            self.read.as_ref(),
            crate::tolerant::Tolerant::unreadable_fields(self),
        );
        match self.qualities {
            Some(KtpQualities {
                is_ktp: Some(false),
                ..
            }) if verdict.is_read() => OcrVerdict::NotRead(OcrNotRead::NotTheDocument),
            _ => verdict,
        }
    }
}

/// The 17 fields of a KTP, as GLAIR names them (Indonesian, camelCase).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct KtpRead {
    /// NIK, the 16-digit national identity number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nik: Option<OcrField>,
    /// Nama: full name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nama: Option<OcrField>,
    /// Tempat lahir: place of birth.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tempat_lahir: Option<OcrField>,
    /// Tanggal lahir: date of birth (`DD-MM-YYYY` on the card).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tanggal_lahir: Option<OcrField>,
    /// Jenis kelamin: sex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jenis_kelamin: Option<OcrField>,
    /// Golongan darah: blood type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub golongan_darah: Option<OcrField>,
    /// Alamat: street address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alamat: Option<OcrField>,
    /// RT/RW: neighbourhood and community unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rt_rw: Option<OcrField>,
    /// Kelurahan/desa: urban or rural village.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kelurahan_desa: Option<OcrField>,
    /// Kecamatan: district.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kecamatan: Option<OcrField>,
    /// Kota/kabupaten: city or regency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kota_kabupaten: Option<OcrField>,
    /// Provinsi: province.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provinsi: Option<OcrField>,
    /// Agama: religion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agama: Option<OcrField>,
    /// Status perkawinan: marital status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_perkawinan: Option<OcrField>,
    /// Pekerjaan: occupation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pekerjaan: Option<OcrField>,
    /// Kewarganegaraan: citizenship.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kewarganegaraan: Option<OcrField>,
    /// Berlaku hingga: valid until (a date, or `SEUMUR HIDUP`, for life).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub berlaku_hingga: Option<OcrField>,
}

/// Images cropped from a KTP, base64-encoded (no `data:` prefix).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct KtpImages {
    /// The face photo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<String>,
    /// The signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign: Option<String>,
}

/// The image-quality checks of a KTP picture. `true` means the problem was found (for
/// `is_ktp`: that the picture is a KTP at all).
///
/// The eight keys the live API returns, plus `is_taken_from_screen`, which only the newer
/// documentation lists. Each is optional: a key GLAIR leaves out decodes as `None`, and so does
/// one of another type; `"true"`/`"false"` strings are read as booleans.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct KtpQualities {
    /// The picture is blurred.
    #[serde(
        default,
        deserialize_with = "super::field::lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_blurred: Option<bool>,
    /// The picture is too bright.
    #[serde(
        default,
        deserialize_with = "super::field::lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_bright: Option<bool>,
    /// The card is a photocopy.
    #[serde(
        default,
        deserialize_with = "super::field::lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_copy: Option<bool>,
    /// The card is cut off at the picture's edge.
    #[serde(
        default,
        deserialize_with = "super::field::lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_cropped: Option<bool>,
    /// The picture is too dark.
    #[serde(
        default,
        deserialize_with = "super::field::lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_dark: Option<bool>,
    /// A flash glare covers part of the card.
    #[serde(
        default,
        deserialize_with = "super::field::lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_flash: Option<bool>,
    /// The picture shows a KTP.
    ///
    /// `null` or an unreadable value is listed as unreadable (the verdict reads this flag).
    #[serde(
        default,
        deserialize_with = "super::field::strict_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_ktp: Option<bool>,
    /// The card is rotated.
    #[serde(
        default,
        deserialize_with = "super::field::lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_rotated: Option<bool>,
    /// The picture was taken of a screen (newer responses only).
    #[serde(
        default,
        deserialize_with = "super::field::lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_taken_from_screen: Option<bool>,
}
