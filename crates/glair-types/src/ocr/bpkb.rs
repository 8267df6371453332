//! BPKB, the vehicle ownership book: O6 `POST /ocr/v1/bpkb`, four sections.
//!
//! Keys as the live service returned them to the Java SDK's tests (`no_ktp_tdp`; the Go SDK's
//! `nomor_ktp_tdp` is accepted), plus `no_telepon` and `warna_tnkb` (docs and Go) and
//! `stempel_nomor_bpkb` (newer docs). With `page=1` the live test saw `identitas_pemilik`;
//! which sections the other pages return is not documented, so every section is optional.

use super::envelope::OcrResult;
use super::lenient::ocr_read;

/// A BPKB read.
pub type BpkbOcr = OcrResult<BpkbRead>;

/// The four sections of a BPKB.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct BpkbRead {
    /// Identitas pemilik: the owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identitas_pemilik: Option<BpkbOwner>,
    /// Identitas kendaraan: the vehicle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identitas_kendaraan: Option<BpkbVehicle>,
    /// Dokumen registrasi pertama: the first registration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dokumen_registrasi_pertama: Option<BpkbFirstRegistration>,
    /// Halaman terakhir: the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub halaman_terakhir: Option<BpkbLastPage>,
}

ocr_read! {
    /// The owner section.
    pub struct BpkbOwner {
        /// Nomor BPKB.
        nomor_bpkb: String,
        /// Nama pemilik: owner's name.
        nama_pemilik: String,
        /// No KTP/TDP: owner's identity or company registration number.
        #[serde(alias = "nomor_ktp_tdp")]
        no_ktp_tdp: String,
        /// Pekerjaan: occupation.
        pekerjaan: String,
        /// Alamat: address.
        alamat: String,
        /// Alamat email.
        alamat_email: String,
        /// No telepon: phone (docs and Go).
        no_telepon: String,
        /// Dikeluarkan: issued at.
        dikeluarkan: String,
        /// Pada tanggal: issued on.
        pada_tanggal: String,
        /// Stempel nomor BPKB: the stamped number (newer docs).
        stempel_nomor_bpkb: String,
    }
}

ocr_read! {
    /// The vehicle section.
    pub struct BpkbVehicle {
        /// Nomor registrasi: the licence plate number.
        nomor_registrasi: String,
        /// Merk: make.
        merk: String,
        /// Type (wire key `type`).
        #[serde(rename = "type")]
        tipe: String,
        /// Jenis: kind of vehicle.
        jenis: String,
        /// Model.
        model: String,
        /// Tahun pembuatan: year built.
        tahun_pembuatan: String,
        /// Isi silinder: engine displacement.
        isi_silinder: String,
        /// Warna: colour.
        warna: String,
        /// Nomor rangka: chassis number.
        nomor_rangka: String,
        /// Nomor mesin: engine number.
        nomor_mesin: String,
        /// Bahan bakar: fuel.
        bahan_bakar: String,
        /// Jumlah sumbu: number of axles.
        jumlah_sumbu: String,
        /// Jumlah roda: number of wheels.
        jumlah_roda: String,
        /// Warna TNKB: plate colour (docs and Go).
        warna_tnkb: String,
    }
}

ocr_read! {
    /// The first-registration section.
    pub struct BpkbFirstRegistration {
        /// Nama APM: the sole agent (importer or manufacturer).
        nama_apm: String,
        /// Nomor faktur: invoice number.
        nomor_faktur: String,
        /// Tanggal faktur: invoice date.
        tanggal_faktur: String,
        /// Nomor form A/B/C.
        nomor_form_abc: String,
    }
}

ocr_read! {
    /// The last page.
    pub struct BpkbLastPage {
        /// Diterbitkan oleh: issued by.
        diterbitkan_oleh: String,
        /// No register.
        no_register: String,
    }
}
