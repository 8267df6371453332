//! The KTP fields Dukcapil can verify: request inputs and response verdict keys alike.

use std::fmt;

/// A KTP field that can be sent for verification and comes back with a verdict.
///
/// `nik`, `name` and `date_of_birth` are required by every SDK; the others are optional inputs
/// that only the Go SDK sends, and that the docs list as verdict keys of the response.
///
/// Non-exhaustive: Dukcapil may verify more fields; match with a wildcard arm (and use
/// [`wire_name`](Self::wire_name) for a label).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum IdentityField {
    /// `nik`: the 16-digit national identity number.
    Nik,
    /// `name`.
    Name,
    /// `date_of_birth`, `dd-mm-yyyy`.
    DateOfBirth,
    /// `no_kk`: the 16-digit family card number.
    NoKk,
    /// `mother_maiden_name`.
    MotherMaidenName,
    /// `place_of_birth`.
    PlaceOfBirth,
    /// `address`.
    Address,
    /// `gender`.
    Gender,
    /// `marital_status`.
    MaritalStatus,
    /// `job_type`.
    JobType,
    /// `province`.
    Province,
    /// `city`.
    City,
    /// `district`.
    District,
    /// `subdistrict`.
    Subdistrict,
    /// `rt`.
    Rt,
    /// `rw`.
    Rw,
}

impl IdentityField {
    /// Every field, in the order the SDK sends them.
    pub const ALL: [Self; 16] = [
        Self::Nik,
        Self::Name,
        Self::DateOfBirth,
        Self::NoKk,
        Self::MotherMaidenName,
        Self::PlaceOfBirth,
        Self::Address,
        Self::Gender,
        Self::MaritalStatus,
        Self::JobType,
        Self::Province,
        Self::City,
        Self::District,
        Self::Subdistrict,
        Self::Rt,
        Self::Rw,
    ];

    /// The name on the wire, e.g. `mother_maiden_name`.
    pub const fn wire_name(self) -> &'static str {
        match self {
            Self::Nik => "nik",
            Self::Name => "name",
            Self::DateOfBirth => "date_of_birth",
            Self::NoKk => "no_kk",
            Self::MotherMaidenName => "mother_maiden_name",
            Self::PlaceOfBirth => "place_of_birth",
            Self::Address => "address",
            Self::Gender => "gender",
            Self::MaritalStatus => "marital_status",
            Self::JobType => "job_type",
            Self::Province => "province",
            Self::City => "city",
            Self::District => "district",
            Self::Subdistrict => "subdistrict",
            Self::Rt => "rt",
            Self::Rw => "rw",
        }
    }

    /// Whether every call must carry it.
    pub const fn is_required(self) -> bool {
        matches!(self, Self::Nik | Self::Name | Self::DateOfBirth)
    }
}

impl fmt::Display for IdentityField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.wire_name())
    }
}
