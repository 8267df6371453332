//! Dukcapil identity checks: KTP data (I1 `identity/v1/verification`) and KTP data plus a face
//! (I2 `identity/v1/face-verification`) verified against Indonesia's civil registry.

mod field;
mod policy;
mod request;
mod response;

pub use field::IdentityField;
pub use policy::{IdentityInconclusive, IdentityPolicy, IdentityVerdict, NotVerifiedReason};
pub use request::{FaceVerification, IdentityVerification};
pub use response::{
    FaceVerificationResponse, FaceVerificationResult, FieldVerdicts, IdentityVerificationResponse,
};
