//! KK (Kartu Keluarga), the Indonesian family card: O4 `POST /ocr/v1/kk`.
//!
//! The top-level keys are the live-tested ones (Java SDK) plus `tanggal_dikeluarkan` (docs,
//! newer Node SDK). Where the sources disagree — plain strings (Go) or field objects (docs),
//! `table` a single object (Go) or a list (docs, newer Node SDK) — every shape decodes.

use super::envelope::OcrResult;
use super::lenient::{ocr_read, one_or_many};

/// A KK read.
pub type KkOcr = OcrResult<KkRead>;

ocr_read! {
    /// The fields of a family card.
    pub struct KkRead {
        /// Nomor KK: the 16-digit family card number.
        nomor_kk: String,
        /// Nama kepala keluarga: head of the family.
        nama_kepala_keluarga: String,
        /// Alamat: address.
        alamat: String,
        /// RT/RW.
        rt_rw: String,
        /// Desa/kelurahan: village.
        desa_kelurahan: String,
        /// Kecamatan: district.
        kecamatan: String,
        /// Kabupaten/kota: regency or city.
        kabupaten_kota: String,
        /// Provinsi: province.
        provinsi: String,
        /// Kode pos: postal code.
        kode_pos: String,
        /// Nomor blanko: the form's serial number.
        nomor_blanko: String,
        /// Tanggal dikeluarkan: date issued (docs and the newer Node SDK only).
        tanggal_dikeluarkan: String,
    }
    and {
        /// The family members, one row each (`table`).
        #[serde(default, deserialize_with = "one_or_many", skip_serializing_if = "Option::is_none")]
        table: Option<Vec<KkMember>>,
    }
}

ocr_read! {
    /// One family member: a row of the KK's `table` (Go SDK keys, plus `jenis_pekerjaan` and
    /// `status_perkawinan` from the newer Node SDK).
    pub struct KkMember {
        /// No: the row number.
        no: String,
        /// Nama lengkap: full name.
        nama_lengkap: String,
        /// NIK.
        nik: String,
        /// Jenis kelamin: sex.
        jenis_kelamin: String,
        /// Tempat lahir: place of birth.
        tempat_lahir: String,
        /// Tanggal lahir: date of birth.
        tanggal_lahir: String,
        /// Agama: religion.
        agama: String,
        /// Pendidikan: education.
        pendidikan: String,
        /// Jenis pekerjaan: occupation (newer Node SDK only).
        jenis_pekerjaan: String,
        /// Golongan darah: blood type.
        golongan_darah: String,
        /// Status perkawinan: marital status (newer Node SDK only).
        status_perkawinan: String,
        /// Tanggal perkawinan: date of marriage.
        tanggal_perkawinan: String,
        /// Status hubungan dalam keluarga: relationship to the head of the family.
        status_hubungan_dalam_keluarga: String,
        /// Kewarganegaraan: citizenship.
        kewarganegaraan: String,
        /// No paspor: passport number.
        no_paspor: String,
        /// No KITAS/KITAP: residence permit number.
        no_kitas_kitap: String,
        /// Nama ayah: father's name.
        nama_ayah: String,
        /// Nama ibu: mother's name.
        nama_ibu: String,
    }
}
