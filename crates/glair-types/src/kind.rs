//! What varies between GLAIR's hosted session kinds, and nothing else.
//!
//! Every hosted session kind shares one create/retrieve shape; a kind adds only its path, its
//! extra create fields and its result type. [`SessionKind`] captures exactly that, so a new
//! kind is one marker type and one `impl` below.

use std::fmt::Debug;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::active_liveness::{ActiveLivenessResult, GestureInconclusive, GestureVerdict};
use crate::endpoint::{Endpoint, catalog};
use crate::error::InvalidInput;
use crate::ocr::{KtpOcr, NpwpOcr, OcrNotRead, OcrVerdict};
use crate::passive_liveness::PassiveLivenessResult;
use crate::verdict::{LivenessInconclusive, LivenessVerdict, Verdict};

/// A kind of hosted session: where it lives in the API and what it carries.
///
/// Sealed: implemented by [`PassiveLiveness`], [`ActiveLiveness`], [`Ktp`] and [`Npwp`] only,
/// and not implementable outside this crate. The hosted kinds are GLAIR's product list, not an
/// extension point: each has a hosted page GLAIR runs, and the rules that decode its result
/// and judge its verdict live here, checked against the wire facts. Sealing also lets this
/// trait gain a method or an associated item when a kind needs one, without a breaking
/// release. A kind GLAIR adds is added here; until then, call its endpoints with an
/// [`EndpointRequest`](crate::EndpointRequest) of your own (that trait is open).
pub trait SessionKind:
    sealed::Sealed + Debug + Clone + Copy + PartialEq + Eq + Send + Sync + 'static
{
    /// A name for people, e.g. `passive liveness session`.
    const NAME: &'static str;
    /// The API service segment of the path, e.g. `face`.
    const SERVICE: &'static str;
    /// The resource segment of the path, e.g. `passive-liveness-sessions`.
    const RESOURCE: &'static str;
    /// The catalog entry of the create call, `POST /{service}/v1/{resource}`: the same
    /// description every other endpoint has.
    const CREATE: &'static Endpoint;
    /// The catalog entry of the retrieve call, `GET /{service}/v1/{resource}/{sid}`.
    const RETRIEVE: &'static Endpoint;
    /// Kind-specific fields of a create request, flattened next to `success_url`.
    type CreateFields: Serialize + Debug + Clone + Default + PartialEq + Send + Sync;
    /// The `result` of a finished session.
    type Result: Serialize
        + DeserializeOwned
        + crate::tolerant::Tolerant
        + Debug
        + Clone
        + PartialEq
        + Send
        + Sync;
    /// The one question a finished session answers (live? gesture matched? card read?).
    type Verdict: Verdict;

    /// Checks the kind-specific create fields.
    fn validate_create_fields(fields: &Self::CreateFields) -> Result<(), InvalidInput>;

    /// The verdict of a finished session, from its result (`None`: it finished without one).
    fn verdict(result: Option<&Self::Result>) -> Self::Verdict;
}

/// The private supertrait that seals [`SessionKind`]: nameable only inside this crate.
mod sealed {
    pub trait Sealed {}

    impl Sealed for super::PassiveLiveness {}
    impl Sealed for super::ActiveLiveness {}
    impl Sealed for super::Ktp {}
    impl Sealed for super::Npwp {}
}

/// Create fields of kinds that have none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NoExtraFields {}

/// Passive liveness: one selfie, scored for spoofing (`face/v1/passive-liveness-sessions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PassiveLiveness;

impl SessionKind for PassiveLiveness {
    const NAME: &'static str = "passive liveness session";
    const SERVICE: &'static str = "face";
    const RESOURCE: &'static str = "passive-liveness-sessions";
    const CREATE: &'static Endpoint = &catalog::PASSIVE_LIVENESS_SESSION_CREATE;
    const RETRIEVE: &'static Endpoint = &catalog::PASSIVE_LIVENESS_SESSION_RETRIEVE;
    type CreateFields = NoExtraFields;
    type Result = PassiveLivenessResult;
    type Verdict = LivenessVerdict;

    fn validate_create_fields(_: &NoExtraFields) -> Result<(), InvalidInput> {
        Ok(())
    }

    /// By the default [`LivenessPolicy`](crate::LivenessPolicy); judge
    /// [`PassiveLivenessResult::verdict_with`] for another.
    fn verdict(result: Option<&PassiveLivenessResult>) -> LivenessVerdict {
        result.map_or(
            LivenessVerdict::Inconclusive(LivenessInconclusive::NoResult),
            PassiveLivenessResult::verdict,
        )
    }
}

/// Active liveness: the user performs gestures (`face/v1/active-liveness-sessions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ActiveLiveness;

/// Create fields of an active liveness session.
///
/// Set them with [`CreateSession::number_of_gestures`](crate::CreateSession::number_of_gestures),
/// or through [`CreateSession::fields_mut`](crate::CreateSession::fields_mut) and the setters
/// here. The fields are private, read and written through methods, so that a field GLAIR adds
/// to the create call can be added here without breaking code that builds or reads these.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ActiveLivenessFields {
    /// How many gestures the user must perform; the service's default is 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) number_of_gestures: Option<u32>,
}

impl ActiveLivenessFields {
    /// No field set: the service's defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many gestures the user must perform, if set (the service's default is 1).
    pub fn number_of_gestures(&self) -> Option<u32> {
        self.number_of_gestures
    }

    /// Sets (or, with `None`, unsets) how many gestures the user must perform (1 or more).
    pub fn set_number_of_gestures(&mut self, count: Option<u32>) -> &mut Self {
        self.number_of_gestures = count;
        self
    }
}

impl SessionKind for ActiveLiveness {
    const NAME: &'static str = "active liveness session";
    const SERVICE: &'static str = "face";
    const RESOURCE: &'static str = "active-liveness-sessions";
    const CREATE: &'static Endpoint = &catalog::ACTIVE_LIVENESS_SESSION_CREATE;
    const RETRIEVE: &'static Endpoint = &catalog::ACTIVE_LIVENESS_SESSION_RETRIEVE;
    type CreateFields = ActiveLivenessFields;
    type Result = ActiveLivenessResult;
    type Verdict = GestureVerdict;

    fn validate_create_fields(fields: &ActiveLivenessFields) -> Result<(), InvalidInput> {
        match fields.number_of_gestures {
            Some(0) => Err(InvalidInput::new(
                "number_of_gestures",
                "must be a positive integer (1 or more)",
            )),
            _ => Ok(()),
        }
    }

    fn verdict(result: Option<&ActiveLivenessResult>) -> GestureVerdict {
        result.map_or(
            GestureVerdict::Inconclusive(GestureInconclusive::NoResult),
            ActiveLivenessResult::verdict,
        )
    }
}

/// KTP: the Indonesian identity card, photographed and read (`ocr/v1/ktp-sessions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ktp;

/// Create fields of a KTP session.
///
/// Set them with [`CreateSession::qualities_detector`](crate::CreateSession::qualities_detector),
/// or through [`CreateSession::fields_mut`](crate::CreateSession::fields_mut) and the setters
/// here. The fields are private, read and written through methods, so that a field GLAIR adds
/// to the create call can be added here without breaking code that builds or reads these.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct KtpFields {
    /// Whether to also run the image-quality detector; the service's default is `false`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) qualities_detector: Option<bool>,
}

impl KtpFields {
    /// No field set: the service's defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether to also run the image-quality detector, if set (the service's default is
    /// `false`).
    pub fn qualities_detector(&self) -> Option<bool> {
        self.qualities_detector
    }

    /// Sets (or, with `None`, unsets) whether to also run the image-quality detector.
    pub fn set_qualities_detector(&mut self, enabled: Option<bool>) -> &mut Self {
        self.qualities_detector = enabled;
        self
    }
}

impl SessionKind for Ktp {
    const NAME: &'static str = "KTP session";
    const SERVICE: &'static str = "ocr";
    const RESOURCE: &'static str = "ktp-sessions";
    const CREATE: &'static Endpoint = &catalog::KTP_SESSION_CREATE;
    const RETRIEVE: &'static Endpoint = &catalog::KTP_SESSION_RETRIEVE;
    type CreateFields = KtpFields;
    type Result = KtpOcr;
    type Verdict = OcrVerdict;

    fn validate_create_fields(_: &KtpFields) -> Result<(), InvalidInput> {
        Ok(())
    }

    fn verdict(result: Option<&KtpOcr>) -> OcrVerdict {
        result.map_or(OcrVerdict::NotRead(OcrNotRead::NoResult), KtpOcr::verdict)
    }
}

/// NPWP: the Indonesian tax card, photographed and read (`ocr/v1/npwp-sessions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Npwp;

impl SessionKind for Npwp {
    const NAME: &'static str = "NPWP session";
    const SERVICE: &'static str = "ocr";
    const RESOURCE: &'static str = "npwp-sessions";
    const CREATE: &'static Endpoint = &catalog::NPWP_SESSION_CREATE;
    const RETRIEVE: &'static Endpoint = &catalog::NPWP_SESSION_RETRIEVE;
    type CreateFields = NoExtraFields;
    type Result = NpwpOcr;
    type Verdict = OcrVerdict;

    fn validate_create_fields(_: &NoExtraFields) -> Result<(), InvalidInput> {
        Ok(())
    }

    fn verdict(result: Option<&NpwpOcr>) -> OcrVerdict {
        result.map_or(OcrVerdict::NotRead(OcrNotRead::NoResult), NpwpOcr::verdict)
    }
}
