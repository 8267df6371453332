//! `client.identity()`: Dukcapil identity verification, with and without a face photo.

use glair_types::{
    FaceVerification, FaceVerificationResponse, IdentityVerification, IdentityVerificationResponse,
};

use super::{endpoint_methods, namespace_handle};

namespace_handle! {
    /// Dukcapil identity verification — the vendor SDKs' `identity`:
    /// [`client.identity()`](crate::Client::identity).
    ///
    /// The request builders check every field before anything is sent: `nik` exactly 16
    /// digits, `name` present, `date_of_birth` a real date written `dd-mm-yyyy`, the optional
    /// fields bounded, the face photo a JPEG or PNG. Decide with the response's `verdict`
    /// (an [`IdentityPolicy`](crate::IdentityPolicy): verified, not verified or
    /// inconclusive), never with `verification_status` alone. Personal data never appears in
    /// `Debug` output or logs.
    ///
    /// **Billed on receipt, never sent twice**: as for [`Face`](crate::Face), a call is
    /// repeated only when it provably never reached GLAIR or GLAIR answered 429.
    ///
    /// ```no_run
    /// # async fn run(client: glair::Client) -> Result<(), glair::Error> {
    /// use glair::IdentityVerification;
    ///
    /// let answer = client
    ///     .identity()
    ///     .verification(IdentityVerification::new("3171234567890123", "BUDI SANTOSO", "17-08-1990"))
    ///     .await?;
    /// println!("{}", answer.value().verdict()); // "verified", "not verified: …" or "inconclusive: …"
    /// # Ok(()) }
    /// ```
    Identity
}

endpoint_methods! {
    Identity {
        /// KTP data against Dukcapil (`POST /identity/v1/verification`).
        fn verification(request: IdentityVerification) -> IdentityVerificationResponse => request;
        /// KTP data and a face photo against Dukcapil (`POST /identity/v1/face-verification`).
        fn face_verification(request: FaceVerification) -> FaceVerificationResponse => request;
    }
}
