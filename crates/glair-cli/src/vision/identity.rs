//! `glair identity …`: Dukcapil verification of KTP data, with and without a face photo.

use std::fmt;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use glair::{FaceVerification, IdentityField, IdentityVerification, endpoints};

use super::person::{PREFER_INPUT, PersonArgs};
use super::{read_image_for, send};
use crate::cli::Globals;
use crate::run::{Failure, Success};

/// Identity verification against Dukcapil, Indonesia's civil registry.
#[derive(Debug, Subcommand)]
// Built once per run from the command line: the size of a variant does not matter.
#[allow(clippy::large_enum_variant)]
pub(crate) enum IdentityCommand {
    /// Verify KTP data. Prints the answer with "verdict": "verified", "not_verified" or
    /// "inconclusive"
    #[command(after_help = PREFER_INPUT)]
    Verification(VerificationArgs),
    /// Verify KTP data and a face photo. "verdict" as for `verification`
    #[command(after_help = PREFER_INPUT)]
    FaceVerification(FaceVerificationArgs),
}

/// Declares the optional identity fields once: the option, its help, its wire field.
macro_rules! optional_fields {
    ($( $(#[doc = $doc:literal])* $name:ident => $field:ident; )+) => {
        /// `identity verification`: the three fields and the optional ones.
        #[derive(Args)]
        pub(crate) struct VerificationArgs {
            #[command(flatten)]
            person: PersonArgs,
            $(
                $(#[doc = $doc])*
                #[arg(long, value_name = "TEXT", conflicts_with = "input")]
                $name: Option<String>,
            )+
        }

        impl VerificationArgs {
            /// The optional fields given, with their wire field.
            fn optional(self) -> (PersonArgs, Vec<(IdentityField, String)>) {
                let mut given = Vec::new();
                $(
                    if let Some(value) = self.$name {
                        given.push((IdentityField::$field, value));
                    }
                )+
                (self.person, given)
            }
        }
    };
}

optional_fields! {
    /// The KK (family card) number, 16 digits
    no_kk => NoKk;
    /// The mother's maiden name
    mother_maiden_name => MotherMaidenName;
    /// The place of birth
    place_of_birth => PlaceOfBirth;
    /// The address
    address => Address;
    /// The gender, as on the KTP
    gender => Gender;
    /// The marital status, as on the KTP
    marital_status => MaritalStatus;
    /// The occupation, as on the KTP
    job_type => JobType;
    /// The province
    province => Province;
    /// The city or regency
    city => City;
    /// The district (kecamatan)
    district => District;
    /// The subdistrict (kelurahan/desa)
    subdistrict => Subdistrict;
    /// The RT (neighbourhood unit)
    rt => Rt;
    /// The RW (community unit)
    rw => Rw;
}

impl fmt::Debug for VerificationArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("VerificationArgs { <redacted> }")
    }
}

/// `identity face-verification`.
#[derive(Debug, Args)]
pub(crate) struct FaceVerificationArgs {
    #[command(flatten)]
    person: PersonArgs,
    /// The face photo: JPEG or PNG, at most 10 MiB
    #[arg(long, value_name = "FILE")]
    face_image: PathBuf,
}

impl IdentityCommand {
    /// Runs the command.
    pub(crate) async fn run(self, globals: &Globals) -> Result<Success, Failure> {
        match self {
            Self::Verification(args) => {
                let (person, optional) = args.optional();
                let person = person.resolve(optional, true)?;
                let mut request =
                    IdentityVerification::new(person.nik, person.name, person.date_of_birth);
                for (field, value) in person.optional {
                    request = request.with(field, value);
                }
                send(globals, request, |client, request| async move {
                    client.identity().verification(request).await
                })
                .await
            }
            Self::FaceVerification(args) => {
                let endpoint = &endpoints::IDENTITY_FACE_VERIFICATION;
                let person = args.person.resolve(Vec::new(), false)?;
                let face =
                    read_image_for("--face-image", &args.face_image, endpoint, "face_image")?;
                let request =
                    FaceVerification::new(person.nik, person.name, person.date_of_birth, face);
                send(globals, request, |client, request| async move {
                    client.identity().face_verification(request).await
                })
                .await
            }
        }
    }
}
