//! SIM, the Indonesian driving licence: O9 `POST /ocr/v1/sim` (medium evidence: Go SDK and
//! the newer docs, no live test).
//!
//! The birth date is `tanggal_lahir` in the docs and the newer Node SDK and `tangga_lahir`
//! (very likely a typo) in the Go SDK: both decode. The photo and signature come as top-level
//! `images {photo, sign}` (Go) or as `foto` / `tanda_tangan` inside `read` (newer docs): both
//! decode.

use serde::{Deserialize, Serialize};

use super::envelope::{OcrStatus, OcrVerdict};
use super::lenient::ocr_read;

/// A SIM read: the envelope, the fields and the cropped images.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SimOcr {
    /// The outcome.
    #[serde(default = "crate::tolerant::absent")]
    pub status: OcrStatus,
    /// The service's explanation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The licence's fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read: Option<SimRead>,
    /// The photo and signature, base64-encoded (Go SDK shape).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<SimImages>,
    #[serde(skip)]
    unreadable: Vec<crate::tolerant::UnreadableField>,
}

crate::tolerant::tolerant_model!(SimOcr);

impl SimOcr {
    /// Whether the licence was read: see [`OcrVerdict`].
    pub fn verdict(&self) -> OcrVerdict {
        OcrVerdict::judge(
            &self.status,
            self.reason.as_deref(),
            self.read.as_ref(),
            crate::tolerant::Tolerant::unreadable_fields(self),
        )
    }
}

/// Images cropped from a SIM, base64-encoded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SimImages {
    /// The face photo (`photo`; `foto` accepted).
    #[serde(default, alias = "foto", skip_serializing_if = "Option::is_none")]
    pub photo: Option<String>,
    /// The signature (`sign`; `tanda_tangan` and `tandaTangan` accepted).
    #[serde(
        default,
        alias = "tanda_tangan",
        alias = "tandaTangan",
        skip_serializing_if = "Option::is_none"
    )]
    pub sign: Option<String>,
}

ocr_read! {
    /// The fields of a SIM.
    pub struct SimRead {
        /// Nomor SIM: licence number.
        nomor_sim: String,
        /// Nama: name.
        nama: String,
        /// Tempat lahir: place of birth.
        tempat_lahir: String,
        /// Tanggal lahir: date of birth (`tangga_lahir` accepted).
        #[serde(alias = "tangga_lahir")]
        tanggal_lahir: String,
        /// Jenis kelamin: sex.
        jenis_kelamin: String,
        /// Golongan darah: blood type.
        golongan_darah: String,
        /// Alamat: address.
        alamat: String,
        /// Pekerjaan: occupation.
        pekerjaan: String,
        /// Tinggi: height.
        tinggi: String,
        /// Tipe SIM: licence class (A, B1, C, …).
        tipe_sim: String,
        /// Wilayah: issuing region.
        wilayah: String,
        /// Berlaku: valid until.
        berlaku: String,
        /// Foto: the face photo as a field whose value is base64 (newer docs).
        foto: String,
        /// Tanda tangan: the signature as a field whose value is base64 (newer docs).
        tanda_tangan: String,
    }
}
