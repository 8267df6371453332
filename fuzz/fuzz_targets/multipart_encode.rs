//! The multipart encoder on arbitrary forms: it must never panic, and whatever it encodes the
//! independent `multer` parser must read back part for part (names, escaped file names,
//! content types, content).
#![no_main]

use bytes::Bytes;
use glair_types::{MultipartForm, escape_filename};
use libfuzzer_sys::fuzz_target;

/// One part per 0xFF-separated chunk; in each chunk the first byte picks text or file, the
/// bytes up to the first 0x00 are the file name, the rest the content.
fn form(data: &[u8]) -> (MultipartForm, Vec<(String, Option<String>, Vec<u8>)>) {
    let mut form = MultipartForm::new();
    let mut expected = Vec::new();
    for (i, chunk) in data.split(|&b| b == 0xFF).take(8).enumerate() {
        let name = format!("field{i}");
        let Some((&kind, rest)) = chunk.split_first() else {
            continue;
        };
        if kind % 2 == 0 {
            let value = String::from_utf8_lossy(rest).into_owned();
            expected.push((name.clone(), None, value.as_bytes().to_vec()));
            form = form.text(name, value);
        } else {
            let (filename, content) = match rest.iter().position(|&b| b == 0) {
                Some(at) => (&rest[..at], &rest[at + 1..]),
                None => (&rest[..0], rest),
            };
            let filename: String = String::from_utf8_lossy(filename).chars().take(64).collect();
            expected.push((name.clone(), Some(escape_filename(&filename)), content.to_vec()));
            form = form.file(name, filename, "application/octet-stream", Bytes::copy_from_slice(content));
        }
    }
    (form, expected)
}

fuzz_target!(|data: &[u8]| {
    let (form, expected) = form(data);
    let Ok(encoded) = form.encode() else {
        return;
    };
    let boundary = multer::parse_boundary(encoded.content_type()).expect("our own boundary");
    let body = encoded.into_body();
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let parsed = pollster::block_on(async move {
        let mut parts = Vec::new();
        while let Some(field) = multipart.next_field().await.expect("a well-formed part") {
            let name = field.name().unwrap_or_default().to_owned();
            let filename = field.file_name().map(str::to_owned);
            let content = field.bytes().await.expect("the content").to_vec();
            parts.push((name, filename, content));
        }
        parts
    });
    assert_eq!(parsed, expected);
});
