//! The answers of I1 and I2.
//!
//! Where the sources disagree (wire facts §4, §10), the trusted spelling is the field name and
//! the other is accepted as an alias: the outer verdict is `verification_status` (Java live,
//! docs; the Go SDK's `verification_result` is accepted), the inner object is `result` (Java
//! live, docs sample, Go; the docs table's `data` is accepted).

use serde::{Deserialize, Serialize};

use super::field::IdentityField;
use crate::tolerant::{UnreadableField, tolerant_model};

/// The per-field verdicts: `true` (matches Dukcapil), `false` (does not), `None` (the service
/// sent `null` or left the field out — it "only returns properties with the specified
/// status", so a field that was not sent is usually absent).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FieldVerdicts {
    /// `nik`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nik: Option<bool>,
    /// `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<bool>,
    /// `date_of_birth`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<bool>,
    /// `no_kk`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_kk: Option<bool>,
    /// `mother_maiden_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mother_maiden_name: Option<bool>,
    /// `place_of_birth`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_of_birth: Option<bool>,
    /// `address`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<bool>,
    /// `gender`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<bool>,
    /// `marital_status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marital_status: Option<bool>,
    /// `job_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_type: Option<bool>,
    /// `province`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<bool>,
    /// `city`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<bool>,
    /// `district`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<bool>,
    /// `subdistrict`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subdistrict: Option<bool>,
    /// `rt`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rt: Option<bool>,
    /// `rw`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rw: Option<bool>,
}

impl FieldVerdicts {
    /// The verdict on `field`.
    pub fn get(&self, field: IdentityField) -> Option<bool> {
        use IdentityField::*;
        match field {
            Nik => self.nik,
            Name => self.name,
            DateOfBirth => self.date_of_birth,
            NoKk => self.no_kk,
            MotherMaidenName => self.mother_maiden_name,
            PlaceOfBirth => self.place_of_birth,
            Address => self.address,
            Gender => self.gender,
            MaritalStatus => self.marital_status,
            JobType => self.job_type,
            Province => self.province,
            City => self.city,
            District => self.district,
            Subdistrict => self.subdistrict,
            Rt => self.rt,
            Rw => self.rw,
        }
    }

    /// Sets the verdict on `field` (for tests and fixtures).
    pub fn set(&mut self, field: IdentityField, verdict: Option<bool>) {
        use IdentityField::*;
        let slot = match field {
            Nik => &mut self.nik,
            Name => &mut self.name,
            DateOfBirth => &mut self.date_of_birth,
            NoKk => &mut self.no_kk,
            MotherMaidenName => &mut self.mother_maiden_name,
            PlaceOfBirth => &mut self.place_of_birth,
            Address => &mut self.address,
            Gender => &mut self.gender,
            MaritalStatus => &mut self.marital_status,
            JobType => &mut self.job_type,
            Province => &mut self.province,
            City => &mut self.city,
            District => &mut self.district,
            Subdistrict => &mut self.subdistrict,
            Rt => &mut self.rt,
            Rw => &mut self.rw,
        };
        *slot = verdict;
    }

    /// The fields the service answered `false` for.
    pub fn rejected(&self) -> impl Iterator<Item = IdentityField> + '_ {
        IdentityField::ALL
            .into_iter()
            .filter(|f| self.get(*f) == Some(false))
    }
}

/// The answer of `POST /identity/v1/verification`.
///
/// ```json
/// { "verification_status": true, "reason": "Verification Success",
///   "result": { "nik": true, "name": true, "date_of_birth": true } }
/// ```
///
/// Answer "is this person who they claim?" with [`IdentityPolicy`](crate::IdentityPolicy).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IdentityVerificationResponse {
    /// The service's overall verdict; `None` when it sent none.
    #[serde(
        default,
        alias = "verification_result",
        skip_serializing_if = "Option::is_none"
    )]
    pub verification_status: Option<bool>,
    /// Free text, e.g. `Verification Success`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The per-field verdicts.
    #[serde(default, alias = "data", skip_serializing_if = "Option::is_none")]
    pub result: Option<FieldVerdicts>,
    #[serde(skip)]
    unreadable: Vec<UnreadableField>,
}

impl IdentityVerificationResponse {
    /// Builds a response (for tests and fixtures; the SDK decodes responses).
    pub fn new(
        verification_status: Option<bool>,
        reason: Option<String>,
        result: Option<FieldVerdicts>,
    ) -> Self {
        Self {
            verification_status,
            reason,
            result,
            unreadable: Vec::new(),
        }
    }
}

/// The answer of `POST /identity/v1/face-verification`.
///
/// ```json
/// { "verification_status": true, "reason": "Verification Success",
///   "result": { "nik": true, "name": true, "date_of_birth": true, "face_image_percentage": 82.04 } }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FaceVerificationResponse {
    /// The service's overall verdict; `None` when it sent none.
    #[serde(
        default,
        alias = "verification_result",
        skip_serializing_if = "Option::is_none"
    )]
    pub verification_status: Option<bool>,
    /// Free text, e.g. `Verification Success`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The per-field verdicts and the face score.
    #[serde(default, alias = "data", skip_serializing_if = "Option::is_none")]
    pub result: Option<FaceVerificationResult>,
    #[serde(skip)]
    unreadable: Vec<UnreadableField>,
}

impl FaceVerificationResponse {
    /// Builds a response (for tests and fixtures; the SDK decodes responses).
    pub fn new(
        verification_status: Option<bool>,
        reason: Option<String>,
        result: Option<FaceVerificationResult>,
    ) -> Self {
        Self {
            verification_status,
            reason,
            result,
            unreadable: Vec::new(),
        }
    }
}

/// The verdicts of a face verification.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FaceVerificationResult {
    /// The per-field verdicts (`nik`, `name`, `date_of_birth`).
    #[serde(flatten)]
    pub fields: FieldVerdicts,
    /// The face match score from Dukcapil, 1–100 per the docs (a percentage, unlike the face
    /// match endpoint's fraction); `None` when the service sent `null`. A number sent as text
    /// (`"82.04"`) is read as that number.
    #[serde(
        default,
        deserialize_with = "crate::tolerant::number",
        skip_serializing_if = "Option::is_none"
    )]
    pub face_image_percentage: Option<f64>,
}

impl FaceVerificationResult {
    /// Builds a result (for tests and fixtures).
    pub fn new(fields: FieldVerdicts, face_image_percentage: Option<f64>) -> Self {
        Self {
            fields,
            face_image_percentage,
        }
    }
}

tolerant_model!(IdentityVerificationResponse, FaceVerificationResponse);
crate::tolerant::decode_tolerantly!(IdentityVerificationResponse, FaceVerificationResponse);
