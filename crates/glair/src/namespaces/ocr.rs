//! `client.ocr()`: every OCR document of the catalog, through one generic `read` and one named
//! method per document.

use glair_types::ImageInput;
use glair_types::ocr::{
    BankStatementOcr, BpkbOcr, GeneralDocumentOcr, InvoiceOcr, KkOcr, KtpOcr, NpwpOcr, OcrDocument,
    OcrRequest, PassportOcr, PlateOcr, RawOcr, ReceiptOcr, SimOcr, SkprOcr, StnkOcr, doc,
};
use glair_types::{Decoded, EndpointRequest};

use super::{endpoint_methods, namespace_handle};
use crate::error::Error;

namespace_handle! {
    /// OCR — the vendor SDKs' `ocr`: [`client.ocr()`](crate::Client::ocr).
    ///
    /// Two ways in, the same request on the wire:
    /// - a named method per document, taking the image: [`ktp`](Ocr::ktp),
    ///   [`ktp_with_qualities`](Ocr::ktp_with_qualities), [`npwp`](Ocr::npwp), [`kk`](Ocr::kk),
    ///   [`stnk`](Ocr::stnk), [`bpkb`](Ocr::bpkb), [`passport`](Ocr::passport),
    ///   [`plate`](Ocr::plate), [`sim`](Ocr::sim), [`general_document`](Ocr::general_document),
    ///   [`invoice`](Ocr::invoice), [`receipt`](Ocr::receipt),
    ///   [`bank_statement`](Ocr::bank_statement), [`skpr`](Ocr::skpr),
    ///   [`singapore_nric`](Ocr::singapore_nric),
    ///   [`singapore_family_pass`](Ocr::singapore_family_pass),
    ///   [`singapore_work_permit`](Ocr::singapore_work_permit),
    ///   [`kitas_kitap`](Ocr::kitas_kitap), [`financial_statement`](Ocr::financial_statement);
    /// - the generic [`read`](Ocr::read) with an [`OcrRequest<D>`](crate::ocr::OcrRequest) for a
    ///   document marker `D` of [`ocr::doc`](crate::ocr::doc) — the way to send the options a
    ///   document has (BPKB `page`, general document `table`), and to write code generic over
    ///   documents.
    ///
    /// The image is checked before sending against the formats the endpoint documents (JPEG
    /// and PNG everywhere; PDF and TIFF where the endpoint takes them) and
    /// [`MAX_IMAGE_BYTES`](crate::MAX_IMAGE_BYTES). Answers are typed where the facts are solid
    /// or medium; the weakly documented ones (Singapore documents, KITAS/KITAP, financial
    /// statement) are a [`RawOcr`](crate::ocr::RawOcr): the typed status envelope around the
    /// raw `read` JSON. Decide with the answer's `value().verdict()` ([`OcrVerdict`](crate::ocr::OcrVerdict)).
    ///
    /// **Billed on receipt, never sent twice**: as for [`Face`](crate::Face), a call is
    /// repeated only when it provably never reached GLAIR or GLAIR answered 429.
    ///
    /// ```no_run
    /// # async fn run(client: glair::Client) -> Result<(), glair::Error> {
    /// use glair::ocr::{OcrRequest, doc};
    /// use glair::read_image;
    ///
    /// let ktp = client.ocr().ktp_with_qualities(read_image("ktp.jpg")?).await?;
    /// if ktp.value().verdict().is_read() {
    ///     println!("{:?}", ktp.value().read.as_ref().and_then(|r| r.nama.as_ref()));
    /// }
    /// // Options through the generic `read`: page 2 of a BPKB only.
    /// let bpkb = client.ocr().read(OcrRequest::<doc::Bpkb>::new(read_image("bpkb.pdf")?).page(2)).await?;
    /// println!("{}", String::from_utf8_lossy(bpkb.raw_json()));
    /// # Ok(()) }
    /// ```
    Ocr
}

impl Ocr {
    /// Reads a document of type `D` (a marker of [`ocr::doc`](crate::ocr::doc)), with the
    /// request's options.
    pub async fn read<D: OcrDocument>(
        &self,
        request: OcrRequest<D>,
    ) -> Result<Decoded<<OcrRequest<D> as EndpointRequest>::Response>, Error> {
        self.handle.call(&request, None).await
    }
}

#[cfg(feature = "blocking")]
impl Ocr<glair_core::BlockingDispatcher> {
    /// Reads a document of type `D` (a marker of [`ocr::doc`](crate::ocr::doc)), with the
    /// request's options.
    #[allow(clippy::needless_pass_by_value)] // by value, like the async twin
    pub fn read<D: OcrDocument>(
        &self,
        request: OcrRequest<D>,
    ) -> Result<Decoded<<OcrRequest<D> as EndpointRequest>::Response>, Error> {
        self.handle.call(&request, None)
    }
}

endpoint_methods! {
    Ocr {
        /// KTP, the Indonesian identity card (`POST /ocr/v1/ktp`; JPEG or PNG).
        fn ktp(image: ImageInput) -> KtpOcr => OcrRequest::<doc::Ktp>::new(image);
        /// KTP with GLAIR's image-quality checks (`POST /ocr/v1/ktp/qualities`; JPEG or PNG):
        /// the answer's `qualities` say whether it is a KTP, a copy, blurred, … (the vendor's
        /// `ocr.ktp` with `qualities_detector: true`).
        fn ktp_with_qualities(image: ImageInput) -> KtpOcr => OcrRequest::<doc::KtpWithQualities>::new(image);
        /// NPWP, the tax card (`POST /ocr/v1/npwp`; JPEG, PNG, PDF or TIFF).
        fn npwp(image: ImageInput) -> NpwpOcr => OcrRequest::<doc::Npwp>::new(image);
        /// KK, the family card (`POST /ocr/v1/kk`; JPEG or PNG).
        fn kk(image: ImageInput) -> KkOcr => OcrRequest::<doc::Kk>::new(image);
        /// STNK, the vehicle registration (`POST /ocr/v1/stnk`; JPEG or PNG).
        fn stnk(image: ImageInput) -> StnkOcr => OcrRequest::<doc::Stnk>::new(image);
        /// BPKB, the vehicle ownership book, every page (`POST /ocr/v1/bpkb`; JPEG, PNG, PDF or
        /// TIFF). For one page, `read(OcrRequest::<doc::Bpkb>::new(image).page(n))`.
        fn bpkb(image: ImageInput) -> BpkbOcr => OcrRequest::<doc::Bpkb>::new(image);
        /// Passport (`POST /ocr/v1/passport`; JPEG or PNG).
        fn passport(image: ImageInput) -> PassportOcr => OcrRequest::<doc::Passport>::new(image);
        /// Licence plate (`POST /ocr/v1/plate`; JPEG or PNG; the vendor's `licensePlate`).
        fn plate(image: ImageInput) -> PlateOcr => OcrRequest::<doc::Plate>::new(image);
        /// SIM, the driving licence (`POST /ocr/v1/sim`; JPEG or PNG).
        fn sim(image: ImageInput) -> SimOcr => OcrRequest::<doc::Sim>::new(image);
        /// Any document, without tables (`POST /ocr/v1/general-document`; JPEG, PNG, PDF or
        /// TIFF). For tables, `read(OcrRequest::<doc::GeneralDocument>::new(image).table(true))`.
        fn general_document(image: ImageInput) -> GeneralDocumentOcr => OcrRequest::<doc::GeneralDocument>::new(image);
        /// Invoice (`POST /ocr/v1/invoice`; JPEG, PNG or PDF).
        fn invoice(image: ImageInput) -> InvoiceOcr => OcrRequest::<doc::Invoice>::new(image);
        /// Receipt (`POST /ocr/v1/receipt`; JPEG, PNG or PDF).
        fn receipt(image: ImageInput) -> ReceiptOcr => OcrRequest::<doc::Receipt>::new(image);
        /// Bank statement (`POST /ocr/v1/bank-statement`; JPEG, PNG or PDF).
        fn bank_statement(image: ImageInput) -> BankStatementOcr => OcrRequest::<doc::BankStatement>::new(image);
        /// SKPR (`POST /ocr/v1/skpr`; JPEG, PNG or PDF).
        fn skpr(image: ImageInput) -> SkprOcr => OcrRequest::<doc::Skpr>::new(image);
        /// Singapore NRIC (`POST /ocr/v1/singapore-nric`; JPEG or PNG; raw `read`).
        fn singapore_nric(image: ImageInput) -> RawOcr => OcrRequest::<doc::SingaporeNric>::new(image);
        /// Singapore family pass (`POST /ocr/v1/singapore-family-pass`; JPEG or PNG; raw `read`).
        fn singapore_family_pass(image: ImageInput) -> RawOcr => OcrRequest::<doc::SingaporeFamilyPass>::new(image);
        /// Singapore work permit (`POST /ocr/v1/singapore-work-permit`; JPEG or PNG; raw `read`).
        fn singapore_work_permit(image: ImageInput) -> RawOcr => OcrRequest::<doc::SingaporeWorkPermit>::new(image);
        /// KITAS/KITAP (`POST /ocr/v1/kitas-kitap`, beta at GLAIR; JPEG or PNG; raw `read`).
        fn kitas_kitap(image: ImageInput) -> RawOcr => OcrRequest::<doc::KitasKitap>::new(image);
        /// Financial statement (`POST /ocr/v1/financial-statement`; JPEG, PNG or PDF; raw `read`).
        fn financial_statement(image: ImageInput) -> RawOcr => OcrRequest::<doc::FinancialStatement>::new(image);
    }
}
