//! The catalog: every GLAIR Vision endpoint, described once.
//!
//! Ids, paths, fields and accepted formats are those of the wire facts
//! (`glair-vision-api.md` §2, §1.9, §3–§7); the evidence levels are those of its §11.

use super::{Encoding, Endpoint, Evidence, FileField, HttpMethod, Repeat, TextField};
use crate::image::ImageFormat::{self, Jpeg, Pdf, Png, Tiff};
use crate::kind::{ActiveLiveness, Ktp, Npwp, PassiveLiveness, SessionKind};

/// `.png .jpg .jpeg`: KTP, KK, STNK, passport, plate, SIM, Singapore documents, KITAS/KITAP and
/// every face field.
pub const IMAGES: &[ImageFormat] = &[Jpeg, Png];
/// `.png .jpg .jpeg .pdf .tiff`: NPWP (docs; Postman says images only), BPKB, general document
/// (docs; Postman omits TIFF).
pub const IMAGES_PDF_TIFF: &[ImageFormat] = &[Jpeg, Png, Pdf, Tiff];
/// `.png .jpg .jpeg .pdf`: invoice, receipt, bank statement, SKPR, financial statement.
pub const IMAGES_PDF: &[ImageFormat] = &[Jpeg, Png, Pdf];

const fn required(name: &'static str) -> TextField {
    TextField::required(name)
}

const fn optional(name: &'static str) -> TextField {
    TextField::optional(name)
}

const fn image(accepts: &'static [ImageFormat]) -> FileField {
    FileField::new("image", accepts)
}

const SESSION_FIELDS: &[TextField] = &[required("success_url"), optional("cancel_url")];
const ACTIVE_SESSION_FIELDS: &[TextField] = &[
    required("success_url"),
    optional("cancel_url"),
    optional("number_of_gestures"),
];
const KTP_SESSION_FIELDS: &[TextField] = &[
    required("success_url"),
    optional("cancel_url"),
    optional("qualities_detector"),
];

/// The create call of a session kind: `POST /{service}/v1/{resource}` with a JSON body.
const fn session_create<K: SessionKind>(
    id: &'static str,
    name: &'static str,
    text_fields: &'static [TextField],
    response: &'static str,
) -> Endpoint {
    Endpoint::new(id, name, HttpMethod::Post, K::SERVICE, K::RESOURCE)
        .with_encoding(Encoding::Json)
        .with_text_fields(text_fields)
        .with_response(response)
        .with_repeat(Repeat::ChargedOnReceipt)
        .with_evidence(Evidence::Solid)
}

/// The retrieve call of a session kind: `GET /{service}/v1/{resource}/{sid}`.
const fn session_retrieve<K: SessionKind>(
    id: &'static str,
    name: &'static str,
    response: &'static str,
) -> Endpoint {
    Endpoint::new(id, name, HttpMethod::Get, K::SERVICE, K::RESOURCE)
        .with_path_param("sid")
        .with_encoding(Encoding::None)
        .with_response(response)
        .with_repeat(Repeat::Safe)
        .with_evidence(Evidence::Solid)
}

/// A multipart `POST` (every face, identity and OCR call).
// One argument per column of the wire facts' endpoint table; a struct literal would repeat the
// field names 27 times.
#[allow(clippy::too_many_arguments)]
const fn upload(
    id: &'static str,
    name: &'static str,
    service: &'static str,
    resource: &'static str,
    files: &'static [FileField],
    text_fields: &'static [TextField],
    response: &'static str,
    evidence: Evidence,
) -> Endpoint {
    Endpoint::new(id, name, HttpMethod::Post, service, resource)
        .with_encoding(Encoding::Multipart)
        .with_files(files)
        .with_text_fields(text_fields)
        .with_response(response)
        .with_repeat(Repeat::ChargedOnReceipt)
        .with_evidence(evidence)
}

/// The `image` part of an OCR call, per accepted format set.
const IMAGE_PART: &[FileField] = &[image(IMAGES)];
const IMAGE_PDF_PART: &[FileField] = &[image(IMAGES_PDF)];
const IMAGE_PDF_TIFF_PART: &[FileField] = &[image(IMAGES_PDF_TIFF)];

/// An OCR call: one `image` part, the common status envelope.
const fn ocr(
    id: &'static str,
    name: &'static str,
    resource: &'static str,
    files: &'static [FileField],
    text_fields: &'static [TextField],
    response: &'static str,
    evidence: Evidence,
) -> Endpoint {
    upload(
        id,
        name,
        "ocr",
        resource,
        files,
        text_fields,
        response,
        evidence,
    )
}

/// S1.
pub const PASSIVE_LIVENESS_SESSION_CREATE: Endpoint = session_create::<PassiveLiveness>(
    "S1",
    "passive liveness session create",
    SESSION_FIELDS,
    "Session<PassiveLiveness>",
);
/// S2.
pub const PASSIVE_LIVENESS_SESSION_RETRIEVE: Endpoint = session_retrieve::<PassiveLiveness>(
    "S2",
    "passive liveness session retrieve",
    "Session<PassiveLiveness>",
);
/// S3.
pub const ACTIVE_LIVENESS_SESSION_CREATE: Endpoint = session_create::<ActiveLiveness>(
    "S3",
    "active liveness session create",
    ACTIVE_SESSION_FIELDS,
    "Session<ActiveLiveness>",
);
/// S4.
pub const ACTIVE_LIVENESS_SESSION_RETRIEVE: Endpoint = session_retrieve::<ActiveLiveness>(
    "S4",
    "active liveness session retrieve",
    "Session<ActiveLiveness>",
);
/// S5.
pub const KTP_SESSION_CREATE: Endpoint = session_create::<Ktp>(
    "S5",
    "KTP session create",
    KTP_SESSION_FIELDS,
    "Session<Ktp>",
);
/// S6.
pub const KTP_SESSION_RETRIEVE: Endpoint =
    session_retrieve::<Ktp>("S6", "KTP session retrieve", "Session<Ktp>");
/// S7.
pub const NPWP_SESSION_CREATE: Endpoint =
    session_create::<Npwp>("S7", "NPWP session create", SESSION_FIELDS, "Session<Npwp>");
/// S8.
pub const NPWP_SESSION_RETRIEVE: Endpoint =
    session_retrieve::<Npwp>("S8", "NPWP session retrieve", "Session<Npwp>");

/// F1 `POST /face/v1/match`: two faces compared. Sent as multipart (what the Node and Go SDKs
/// send); the JSON-base64 form the Java SDK sends is accepted too.
pub const FACE_MATCH: Endpoint = Endpoint {
    alternative_encoding: Some(Encoding::Json),
    ..upload(
        "F1",
        "face match",
        "face",
        "match",
        &[
            FileField {
                name: "captured_image",
                accepts: IMAGES,
            },
            FileField {
                name: "stored_image",
                accepts: IMAGES,
            },
        ],
        &[],
        "FaceMatchResponse",
        Evidence::Solid,
    )
};

/// F2 `POST /face/v1/passive-liveness`.
pub const PASSIVE_LIVENESS: Endpoint = upload(
    "F2",
    "passive liveness",
    "face",
    "passive-liveness",
    IMAGE_PART,
    &[],
    "PassiveLivenessResult",
    Evidence::Solid,
);

/// F3 `POST /face/v1/active-liveness` (the text field is `gesture-code`, with a hyphen).
pub const ACTIVE_LIVENESS: Endpoint = upload(
    "F3",
    "active liveness",
    "face",
    "active-liveness",
    IMAGE_PART,
    &[required("gesture-code")],
    "ActiveLivenessResult",
    Evidence::Solid,
);

/// The identity fields the Go SDK can send besides `nik`, `name` and `date_of_birth`.
const IDENTITY_OPTIONAL: [TextField; 13] = [
    optional("no_kk"),
    optional("mother_maiden_name"),
    optional("place_of_birth"),
    optional("address"),
    optional("gender"),
    optional("marital_status"),
    optional("job_type"),
    optional("province"),
    optional("city"),
    optional("district"),
    optional("subdistrict"),
    optional("rt"),
    optional("rw"),
];

const IDENTITY_FIELDS: &[TextField] = &{
    let mut all = [required("nik"); 16];
    all[1] = required("name");
    all[2] = required("date_of_birth");
    let mut i = 0;
    while i < IDENTITY_OPTIONAL.len() {
        all[3 + i] = IDENTITY_OPTIONAL[i];
        i += 1;
    }
    all
};

/// I1 `POST /identity/v1/verification`: KTP data checked against Dukcapil.
pub const IDENTITY_VERIFICATION: Endpoint = upload(
    "I1",
    "identity verification",
    "identity",
    "verification",
    &[],
    IDENTITY_FIELDS,
    "IdentityVerificationResponse",
    Evidence::Solid,
);

/// I2 `POST /identity/v1/face-verification`: KTP data and a face checked against Dukcapil.
pub const IDENTITY_FACE_VERIFICATION: Endpoint = upload(
    "I2",
    "identity face verification",
    "identity",
    "face-verification",
    &[FileField {
        name: "face_image",
        accepts: IMAGES,
    }],
    &[required("nik"), required("name"), required("date_of_birth")],
    "FaceVerificationResponse",
    Evidence::Solid,
);

/// O1 `POST /ocr/v1/ktp`.
pub const OCR_KTP: Endpoint = ocr(
    "O1",
    "KTP OCR",
    "ktp",
    IMAGE_PART,
    &[],
    "KtpOcr",
    Evidence::Solid,
);
/// O2 `POST /ocr/v1/ktp/qualities`: KTP OCR plus the image-quality checks (a separate path, not
/// a form field).
pub const OCR_KTP_QUALITIES: Endpoint = ocr(
    "O2",
    "KTP OCR with qualities",
    "ktp/qualities",
    IMAGE_PART,
    &[],
    "KtpOcr",
    Evidence::Solid,
);
/// O3 `POST /ocr/v1/npwp` (PDF and TIFF per the docs; the Postman collection says images only).
pub const OCR_NPWP: Endpoint = ocr(
    "O3",
    "NPWP OCR",
    "npwp",
    IMAGE_PDF_TIFF_PART,
    &[],
    "NpwpOcr",
    Evidence::Solid,
);
/// O4 `POST /ocr/v1/kk`.
pub const OCR_KK: Endpoint = ocr(
    "O4",
    "KK OCR",
    "kk",
    IMAGE_PART,
    &[],
    "KkOcr",
    Evidence::Solid,
);
/// O5 `POST /ocr/v1/stnk`.
pub const OCR_STNK: Endpoint = ocr(
    "O5",
    "STNK OCR",
    "stnk",
    IMAGE_PART,
    &[],
    "StnkOcr",
    Evidence::Solid,
);
/// O6 `POST /ocr/v1/bpkb`, with an optional `page` (1–4).
pub const OCR_BPKB: Endpoint = ocr(
    "O6",
    "BPKB OCR",
    "bpkb",
    IMAGE_PDF_TIFF_PART,
    &[optional("page")],
    "BpkbOcr",
    Evidence::Solid,
);
/// O7 `POST /ocr/v1/passport`.
pub const OCR_PASSPORT: Endpoint = ocr(
    "O7",
    "passport OCR",
    "passport",
    IMAGE_PART,
    &[],
    "PassportOcr",
    Evidence::Solid,
);
/// O8 `POST /ocr/v1/plate`.
pub const OCR_PLATE: Endpoint = ocr(
    "O8",
    "licence plate OCR",
    "plate",
    IMAGE_PART,
    &[],
    "PlateOcr",
    Evidence::Solid,
);
/// O9 `POST /ocr/v1/sim`.
pub const OCR_SIM: Endpoint = ocr(
    "O9",
    "SIM OCR",
    "sim",
    IMAGE_PART,
    &[],
    "SimOcr",
    Evidence::Medium,
);
/// O10 `POST /ocr/v1/general-document`, with an optional `table` flag.
pub const OCR_GENERAL_DOCUMENT: Endpoint = ocr(
    "O10",
    "general document OCR",
    "general-document",
    IMAGE_PDF_TIFF_PART,
    &[optional("table")],
    "GeneralDocumentOcr",
    Evidence::Solid,
);
/// O11 `POST /ocr/v1/invoice`.
pub const OCR_INVOICE: Endpoint = ocr(
    "O11",
    "invoice OCR",
    "invoice",
    IMAGE_PDF_PART,
    &[],
    "InvoiceOcr",
    Evidence::Solid,
);
/// O12 `POST /ocr/v1/receipt`.
pub const OCR_RECEIPT: Endpoint = ocr(
    "O12",
    "receipt OCR",
    "receipt",
    IMAGE_PDF_PART,
    &[],
    "ReceiptOcr",
    Evidence::Solid,
);
/// O13 `POST /ocr/v1/bank-statement`.
pub const OCR_BANK_STATEMENT: Endpoint = ocr(
    "O13",
    "bank statement OCR",
    "bank-statement",
    IMAGE_PDF_PART,
    &[],
    "BankStatementOcr",
    Evidence::Medium,
);
/// O14 `POST /ocr/v1/skpr`.
pub const OCR_SKPR: Endpoint = ocr(
    "O14",
    "SKPR OCR",
    "skpr",
    IMAGE_PDF_PART,
    &[],
    "SkprOcr",
    Evidence::Medium,
);
/// O15 `POST /ocr/v1/singapore-nric`.
pub const OCR_SINGAPORE_NRIC: Endpoint = ocr(
    "O15",
    "Singapore NRIC OCR",
    "singapore-nric",
    IMAGE_PART,
    &[],
    "RawOcr",
    Evidence::Weak,
);
/// O16 `POST /ocr/v1/singapore-family-pass`.
pub const OCR_SINGAPORE_FAMILY_PASS: Endpoint = ocr(
    "O16",
    "Singapore family pass OCR",
    "singapore-family-pass",
    IMAGE_PART,
    &[],
    "RawOcr",
    Evidence::Weak,
);
/// O17 `POST /ocr/v1/singapore-work-permit`.
pub const OCR_SINGAPORE_WORK_PERMIT: Endpoint = ocr(
    "O17",
    "Singapore work permit OCR",
    "singapore-work-permit",
    IMAGE_PART,
    &[],
    "RawOcr",
    Evidence::Weak,
);
/// O18 `POST /ocr/v1/kitas-kitap` (beta: the docs say it is not yet on the production URL).
pub const OCR_KITAS_KITAP: Endpoint = ocr(
    "O18",
    "KITAS/KITAP OCR",
    "kitas-kitap",
    IMAGE_PART,
    &[],
    "RawOcr",
    Evidence::Weak,
);
/// O19 `POST /ocr/v1/financial-statement`.
pub const OCR_FINANCIAL_STATEMENT: Endpoint = ocr(
    "O19",
    "financial statement OCR",
    "financial-statement",
    IMAGE_PDF_PART,
    &[],
    "RawOcr",
    Evidence::Weak,
);

/// Every endpoint, in the order of the wire facts' index.
pub const ALL: &[&Endpoint] = &[
    &PASSIVE_LIVENESS_SESSION_CREATE,
    &PASSIVE_LIVENESS_SESSION_RETRIEVE,
    &ACTIVE_LIVENESS_SESSION_CREATE,
    &ACTIVE_LIVENESS_SESSION_RETRIEVE,
    &KTP_SESSION_CREATE,
    &KTP_SESSION_RETRIEVE,
    &NPWP_SESSION_CREATE,
    &NPWP_SESSION_RETRIEVE,
    &FACE_MATCH,
    &PASSIVE_LIVENESS,
    &ACTIVE_LIVENESS,
    &IDENTITY_VERIFICATION,
    &IDENTITY_FACE_VERIFICATION,
    &OCR_KTP,
    &OCR_KTP_QUALITIES,
    &OCR_NPWP,
    &OCR_KK,
    &OCR_STNK,
    &OCR_BPKB,
    &OCR_PASSPORT,
    &OCR_PLATE,
    &OCR_SIM,
    &OCR_GENERAL_DOCUMENT,
    &OCR_INVOICE,
    &OCR_RECEIPT,
    &OCR_BANK_STATEMENT,
    &OCR_SKPR,
    &OCR_SINGAPORE_NRIC,
    &OCR_SINGAPORE_FAMILY_PASS,
    &OCR_SINGAPORE_WORK_PERMIT,
    &OCR_KITAS_KITAP,
    &OCR_FINANCIAL_STATEMENT,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_paths_are_unique_and_every_post_is_charged() {
        let mut ids: Vec<_> = ALL.iter().map(|e| e.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), ALL.len());
        let mut routes: Vec<_> = ALL.iter().map(|e| (e.method.as_str(), e.path())).collect();
        routes.sort();
        routes.dedup();
        assert_eq!(routes.len(), ALL.len());
        for e in ALL {
            assert_eq!(
                e.repeat.may_repeat_after_send(),
                e.method == HttpMethod::Get,
                "{}",
                e.id
            );
            assert_eq!(
                super::super::endpoint_for(e.method.as_str(), &e.path().replace("{sid}", "x")),
                Some(*e)
            );
        }
    }

    #[test]
    fn ocr_format_sets_are_the_documented_ones() {
        assert_eq!(OCR_KTP.files[0].accepts, IMAGES);
        assert_eq!(OCR_NPWP.files[0].accepts, IMAGES_PDF_TIFF);
        assert_eq!(OCR_INVOICE.files[0].accepts, IMAGES_PDF);
        assert_eq!(OCR_BPKB.files[0].accepts, IMAGES_PDF_TIFF);
        assert_eq!(IDENTITY_FIELDS.len(), 16);
        assert_eq!(IDENTITY_FIELDS[15].name, "rw");
        assert!(IDENTITY_FIELDS[2].required && !IDENTITY_FIELDS[3].required);
    }
}
