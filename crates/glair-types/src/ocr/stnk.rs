//! STNK, the vehicle registration certificate: O5 `POST /ocr/v1/stnk`, in the flat shape the
//! live service returned to the Java SDK's tests.
//!
//! The Go SDK spells `isi_silinder` (one "l") and lacks `nomor_rangka`; both spellings decode.
//! The newer docs describe a nested shape (`halaman_stnk`, `halaman_pajak_tahunan`) that no
//! live test has seen: it is kept, untyped, in [`StnkRead::halaman_stnk`] and
//! [`StnkRead::halaman_pajak_tahunan`] when present.

use super::envelope::OcrResult;
use super::lenient::ocr_read;

/// An STNK read.
pub type StnkOcr = OcrResult<StnkRead>;

ocr_read! {
    /// The fields of an STNK.
    pub struct StnkRead {
        /// Nomor registrasi: the licence plate number.
        nomor_registrasi: String,
        /// Nama pemilik: owner's name.
        nama_pemilik: String,
        /// Alamat: owner's address.
        alamat: String,
        /// Merk: make.
        merk: String,
        /// Tipe: type.
        tipe: String,
        /// Jenis: kind of vehicle.
        jenis: String,
        /// Model.
        model: String,
        /// Tahun pembuatan: year built.
        tahun_pembuatan: String,
        /// Tahun registrasi: year registered.
        tahun_registrasi: String,
        /// Isi silinder: engine displacement (wire key `isi_sillinder`, sic; `isi_silinder`
        /// accepted).
        #[serde(rename = "isi_sillinder", alias = "isi_silinder")]
        isi_silinder: String,
        /// Nomor rangka: chassis number.
        nomor_rangka: String,
        /// Nomor mesin: engine number.
        nomor_mesin: String,
        /// Warna: colour.
        warna: String,
        /// Bahan bakar: fuel.
        bahan_bakar: String,
        /// Warna TNKB: plate colour.
        warna_tnkb: String,
        /// Nomor BPKB: the ownership book's number.
        nomor_bpkb: String,
        /// Kode lokasi: location code.
        kode_lokasi: String,
        /// Nomor urut pendaftaran: registration sequence number.
        nomor_urut_pendaftaran: String,
        /// Nomor STNK.
        nomor_stnk: String,
        /// Berlaku sampai: valid until.
        berlaku_sampai: String,
    }
    and {
        /// The registration page in the newer nested shape (untyped: no live evidence).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        halaman_stnk: Option<serde_json::Value>,
        /// The annual-tax page in the newer nested shape (untyped: no live evidence).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        halaman_pajak_tahunan: Option<serde_json::Value>,
    }
}
