//! Response decoding must never panic, whatever the status and bytes.
#![no_main]

use bytes::Bytes;
use glair_types::{Ktp, PassiveLiveness, decode_session};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data.split_first() {
        Some((first, rest)) => (200 + u16::from(*first) * 2 % 400, rest),
        None => (200, data),
    };
    let Ok(response) = http::Response::builder()
        .status(status)
        .header("request-id", "fuzz")
        .body(Bytes::copy_from_slice(body))
    else {
        return;
    };
    let _ = decode_session::<PassiveLiveness>(&response);
    let _ = decode_session::<Ktp>(&response);
});
