//! `client.face()`: face match, passive and active liveness on an uploaded image.

use glair_types::{
    ActiveLivenessCheck, ActiveLivenessResult, FaceMatch, FaceMatchResponse, PassiveLivenessCheck,
    PassiveLivenessResult,
};

use super::{endpoint_methods, namespace_handle};

namespace_handle! {
    /// Face biometrics on uploaded images — the vendor SDKs' `faceBio`: [`client.face()`](crate::Client::face).
    ///
    /// Images are [`ImageInput`](crate::ImageInput)s, from bytes or from a file with
    /// [`read_image`](crate::read_image); each must be a JPEG or PNG of at most
    /// [`MAX_IMAGE_BYTES`](crate::MAX_IMAGE_BYTES), checked before anything is sent. Each
    /// method returns a [`Decoded`](crate::Decoded): the types crate's model
    /// ([`value`](crate::Decoded::value)), the exact JSON
    /// ([`raw_json`](crate::Decoded::raw_json)) and the `Request-Id`.
    ///
    /// **Billed on receipt, never sent twice.** GLAIR processes and charges these calls when it
    /// receives them, so the SDK repeats one only when it provably never reached GLAIR (the
    /// connection was refused) or GLAIR refused it unprocessed (429) — never after a timeout,
    /// a dropped connection or a 5xx. After such a failure, do not simply call again unless a
    /// second charge is acceptable.
    ///
    /// ```no_run
    /// # async fn run(client: glair::Client) -> Result<(), glair::Error> {
    /// use glair::{FaceMatch, FaceMatchVerdict, read_image};
    ///
    /// let selfie = read_image("selfie.jpg")?;
    /// let ktp_photo = read_image("ktp-photo.png")?;
    /// let answer = client.face().face_match(FaceMatch::new(selfie, ktp_photo)).await?;
    /// match answer.value().verdict() {
    ///     FaceMatchVerdict::Matched => println!("the same person"),
    ///     FaceMatchVerdict::NotMatched => println!("different people"),
    ///     other => println!("cannot tell: {other}"),
    /// }
    /// # Ok(()) }
    /// ```
    Face
}

endpoint_methods! {
    Face {
        /// Face match (`POST /face/v1/match`, multipart): is the captured face (a selfie) the
        /// stored one (e.g. the KTP photo)? Decide with
        /// [`FaceMatchResponse::verdict`] (by default only `MATCH` matches) or
        /// [`verdict_with`](FaceMatchResponse::verdict_with) a [`FaceMatchPolicy`](crate::FaceMatchPolicy).
        /// Named `face_match` because `match` is a Rust keyword (the vendor's `faceBio.match`).
        fn face_match(request: FaceMatch) -> FaceMatchResponse => request;
        /// Passive liveness on one selfie (`POST /face/v1/passive-liveness`): a live person or
        /// a spoof? Decide with [`PassiveLivenessResult::verdict`], the same
        /// [`LivenessPolicy`](crate::LivenessPolicy) as for passive liveness sessions.
        fn passive_liveness(request: PassiveLivenessCheck) -> PassiveLivenessResult => request;
        /// Active liveness on one image (`POST /face/v1/active-liveness`): did the user perform
        /// the gesture? Decide with [`ActiveLivenessResult::verdict`]. A gesture code this SDK
        /// does not know is refused before sending.
        fn active_liveness(request: ActiveLivenessCheck) -> ActiveLivenessResult => request;
    }
}
