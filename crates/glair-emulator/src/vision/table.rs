//! The table of Vision endpoints: each catalog endpoint with its outcomes and fixture builder.
//! Adding an endpoint means adding one entry to [`ROUTES`] (its description comes from
//! `glair_types::endpoints`).

use glair_types::Endpoint;
use glair_types::endpoints as catalog;
use serde_json::Value;

use super::upload::Upload;
use crate::config::Outcome;
use crate::fixtures::face::{self, FACE_MATCH_OUTCOMES, LIVENESS_OUTCOMES};
use crate::fixtures::identity::{self, FACE_VERIFICATION_OUTCOMES, VERIFICATION_OUTCOMES};
use crate::fixtures::ocr::{OCR_OUTCOMES, Reading};
use crate::fixtures::ocr_docs::{self as docs, OcrOptions};
use crate::kinds::API_VERSION;

/// How an endpoint's answer is built.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Fixture {
    /// A face or identity check, from the outcome and the request's text fields.
    Check(fn(&str, &Upload) -> Value),
    /// An OCR document, read as well as the outcome says ([`OCR_OUTCOMES`], or a subset).
    Ocr(fn(Option<Reading>, OcrOptions) -> Value),
}

/// One Vision endpoint served by the emulator.
#[derive(Debug)]
pub(crate) struct VisionRoute {
    /// Its description: path, encodings, file parts and formats, text fields.
    pub(crate) endpoint: &'static Endpoint,
    /// The outcomes it can answer with; the first is the default.
    pub(crate) outcomes: &'static [&'static str],
    /// Its answer.
    pub(crate) fixture: Fixture,
}

/// Routes are identified by their (unique) endpoint id.
impl PartialEq for VisionRoute {
    fn eq(&self, other: &Self) -> bool {
        self.endpoint.id == other.endpoint.id
    }
}

impl Eq for VisionRoute {}

impl VisionRoute {
    /// The answer for `outcome` (one of [`outcomes`](Self::outcomes)) to `upload`.
    pub(crate) fn answer(&self, outcome: &str, upload: &Upload) -> Value {
        match self.fixture {
            Fixture::Check(build) => build(outcome, upload),
            Fixture::Ocr(build) => build(Reading::named(outcome), upload.ocr_options()),
        }
    }

    /// The outcome called `name`, as the table's `'static` string.
    pub(crate) fn outcome(&self, name: &str) -> Option<&'static str> {
        self.outcomes.iter().copied().find(|o| *o == name)
    }
}

const fn check(
    endpoint: &'static Endpoint,
    outcomes: &'static [&'static str],
    build: fn(&str, &Upload) -> Value,
) -> VisionRoute {
    VisionRoute {
        endpoint,
        outcomes,
        fixture: Fixture::Check(build),
    }
}

const fn ocr(
    endpoint: &'static Endpoint,
    build: fn(Option<Reading>, OcrOptions) -> Value,
) -> VisionRoute {
    VisionRoute {
        endpoint,
        outcomes: OCR_OUTCOMES,
        fixture: Fixture::Ocr(build),
    }
}

/// A licence plate reading carries no confidence (`{"text": …}` only), so a low-confidence
/// read could not be told from a full one: the plate has no such outcome.
const PLATE_OUTCOMES: &[&str] = &["success", "wrong-document", "failed"];

/// A liveness outcome name as the sessions' [`Outcome`] (the names are the same).
fn liveness(outcome: &str) -> Outcome {
    outcome.parse().unwrap_or_default()
}

fn face_match(outcome: &str, _: &Upload) -> Value {
    face::face_match(outcome)
}

fn passive_liveness(outcome: &str, _: &Upload) -> Value {
    face::passive_liveness(liveness(outcome))
}

fn active_liveness(outcome: &str, upload: &Upload) -> Value {
    face::active_liveness(liveness(outcome), upload.text("gesture-code"))
}

fn verification(outcome: &str, upload: &Upload) -> Value {
    identity::verification(outcome, &upload.sent_text_fields())
}

fn face_verification(outcome: &str, upload: &Upload) -> Value {
    identity::face_verification(outcome, &upload.sent_text_fields())
}

/// Every Vision endpoint of the catalog except the sessions (served by `kinds`).
pub(crate) static ROUTES: &[VisionRoute] = &[
    check(&catalog::FACE_MATCH, FACE_MATCH_OUTCOMES, face_match),
    check(
        &catalog::PASSIVE_LIVENESS,
        LIVENESS_OUTCOMES,
        passive_liveness,
    ),
    check(
        &catalog::ACTIVE_LIVENESS,
        LIVENESS_OUTCOMES,
        active_liveness,
    ),
    check(
        &catalog::IDENTITY_VERIFICATION,
        VERIFICATION_OUTCOMES,
        verification,
    ),
    check(
        &catalog::IDENTITY_FACE_VERIFICATION,
        FACE_VERIFICATION_OUTCOMES,
        face_verification,
    ),
    ocr(&catalog::OCR_KTP, docs::ktp),
    ocr(&catalog::OCR_KTP_QUALITIES, docs::ktp_qualities),
    ocr(&catalog::OCR_NPWP, docs::npwp),
    ocr(&catalog::OCR_KK, docs::kk),
    ocr(&catalog::OCR_STNK, docs::stnk),
    ocr(&catalog::OCR_BPKB, docs::bpkb),
    ocr(&catalog::OCR_PASSPORT, docs::passport),
    VisionRoute {
        outcomes: PLATE_OUTCOMES,
        ..ocr(&catalog::OCR_PLATE, docs::plate)
    },
    ocr(&catalog::OCR_SIM, docs::sim),
    ocr(&catalog::OCR_GENERAL_DOCUMENT, docs::general_document),
    ocr(&catalog::OCR_INVOICE, docs::invoice),
    ocr(&catalog::OCR_RECEIPT, docs::receipt),
    ocr(&catalog::OCR_BANK_STATEMENT, docs::bank_statement),
    ocr(&catalog::OCR_SKPR, docs::skpr),
    ocr(&catalog::OCR_SINGAPORE_NRIC, docs::singapore_nric),
    ocr(
        &catalog::OCR_SINGAPORE_FAMILY_PASS,
        docs::singapore_family_pass,
    ),
    ocr(
        &catalog::OCR_SINGAPORE_WORK_PERMIT,
        docs::singapore_work_permit,
    ),
    ocr(&catalog::OCR_KITAS_KITAP, docs::kitas_kitap),
    ocr(&catalog::OCR_FINANCIAL_STATEMENT, docs::financial_statement),
];

/// The route with endpoint id `id` (e.g. `F1`, `O6`).
pub(crate) fn by_id(id: &str) -> Option<&'static VisionRoute> {
    ROUTES.iter().find(|r| r.endpoint.id == id)
}

/// What a path names among the Vision routes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PathMatch<'a> {
    /// `/{service}/v1/{resource}` of this route.
    Route(&'static VisionRoute),
    /// A route's path with another version than `v1`.
    BadVersion(&'a str),
}

/// Match `path` against the Vision routes, whatever the method.
pub(crate) fn by_path(path: &str) -> Option<PathMatch<'_>> {
    let mut segments = path.strip_prefix('/')?.splitn(3, '/');
    let (service, version, resource) = (segments.next()?, segments.next()?, segments.next()?);
    let route = ROUTES
        .iter()
        .find(|r| r.endpoint.service == service && r.endpoint.resource == resource)?;
    Some(if version == API_VERSION {
        PathMatch::Route(route)
    } else {
        PathMatch::BadVersion(version)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use glair_types::{Encoding, HttpMethod};

    #[test]
    fn every_non_session_endpoint_of_the_catalog_is_served_once() {
        let uploads: Vec<_> = catalog::ALL
            .iter()
            .filter(|e| e.encoding == Encoding::Multipart)
            .map(|e| e.id)
            .collect();
        let served: Vec<_> = ROUTES.iter().map(|r| r.endpoint.id).collect();
        assert_eq!(served, uploads);
        for route in ROUTES {
            assert_eq!(route.endpoint.method, HttpMethod::Post);
            assert!(!route.outcomes.is_empty());
            match by_path(&route.endpoint.path()) {
                Some(PathMatch::Route(r)) => assert_eq!(r.endpoint.id, route.endpoint.id),
                other => panic!("{other:?}"),
            }
            assert!(by_id(route.endpoint.id).is_some());
        }
        assert!(matches!(
            by_path("/ocr/v2/ktp/qualities"),
            Some(PathMatch::BadVersion("v2"))
        ));
        for unknown in [
            "/ocr/v1/ktp/",
            "/ocr/v1/ktp-sessions",
            "/face/v1",
            "",
            "/",
            "/x/v1/match",
        ] {
            assert!(by_path(unknown).is_none(), "{unknown}");
        }
    }

    #[test]
    fn every_outcome_gives_its_own_answer() {
        let upload = Upload::sample();
        for route in ROUTES {
            let answers: Vec<Value> = route
                .outcomes
                .iter()
                .map(|o| route.answer(o, &upload))
                .collect();
            for (i, a) in answers.iter().enumerate() {
                assert_eq!(
                    a,
                    &route.answer(route.outcomes[i], &upload),
                    "deterministic"
                );
                for b in &answers[i + 1..] {
                    assert_ne!(a, b, "{}: two outcomes answer the same", route.endpoint.id);
                }
            }
        }
    }
}
