//! Any file can be uploaded (#22): a JPEG crafted to hold every boundary the multipart encoder
//! derives from a form's hash (which reads only the first and last 4 KiB of each part) once
//! could not be sent at all ("no boundary could be chosen"). Built here through the public
//! API alone, then uploaded through `glair::Client` to glair-emulator, whose multipart parser
//! must find the image intact.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use glair::types::{EndpointRequest, RequestBody};
use glair::{ImageInput, LivenessVerdict, PassiveLivenessCheck};
use glair_integration_tests::Harness;

/// The boundary the SDK would choose for a passive-liveness upload of `jpeg`.
fn boundary_for(jpeg: &[u8]) -> String {
    let image = ImageInput::from_bytes(jpeg.to_vec()).with_filename("crafted.jpg");
    match PassiveLivenessCheck::new(image).body().unwrap() {
        RequestBody::Multipart(form) => form.encode().unwrap().boundary().to_owned(),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_jpeg_holding_its_own_boundary_candidates_is_uploaded() {
    // A real JPEG followed by 8 KiB of filler (decoders stop at its end-of-image marker).
    let mut jpeg = glair_examples::SELFIE_JPEG.to_vec();
    let real = jpeg.len();
    let size = real.max(1024) + 8 * 1024;
    jpeg.resize(size, b'.');
    // The middle that the hash does not read: past the first 4 KiB, before the last 4 KiB.
    let middle_start = 4096.max(real);
    let middle_end = size - 4096;
    let mut at = middle_start;
    let mut candidates = Vec::new();
    // Each round writes the boundary the encoder would now choose into the middle; the hash
    // does not change, so the encoder moves to its next candidate.
    while at + 64 <= middle_end && candidates.len() < 24 {
        let boundary = boundary_for(&jpeg);
        assert!(!candidates.contains(&boundary), "{boundary} chosen twice");
        jpeg[at..at + boundary.len()].copy_from_slice(boundary.as_bytes());
        at += boundary.len();
        candidates.push(boundary);
    }
    assert!(
        candidates.len() > 16,
        "only {} candidates fit",
        candidates.len()
    );
    let chosen = boundary_for(&jpeg);
    assert!(!candidates.contains(&chosen));
    assert!(
        !jpeg
            .windows(chosen.len())
            .any(|window| window == chosen.as_bytes())
    );

    let h = Harness::start().await;
    let image = ImageInput::from_bytes(jpeg).with_filename("crafted.jpg");
    let answer = h
        .client()
        .face()
        .passive_liveness(PassiveLivenessCheck::new(image))
        .await
        .unwrap();
    assert_eq!(answer.value().verdict(), LivenessVerdict::Live);
    assert_eq!(
        h.stats().vision_answered.get("F2").copied(),
        Some(1),
        "the emulator parsed the upload"
    );
}
