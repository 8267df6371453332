#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The multipart encoder, round-tripped through an independent parser: `multer`, the parser
//! axum (and so the emulator) uses, driven by `pollster`. Whatever the parts — binary content
//! that looks like boundaries, CR/LF everywhere, quotes and control characters in file names —
//! the parser must read back exactly the parts that were put in.

use bytes::Bytes;
use glair_types::{MultipartForm, escape_filename};
use proptest::prelude::*;

#[derive(Debug, Clone, PartialEq)]
struct ParsedPart {
    name: String,
    filename: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
}

fn parse(content_type: &str, body: Bytes) -> Vec<ParsedPart> {
    let boundary = multer::parse_boundary(content_type).expect("boundary");
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    pollster::block_on(async move {
        let mut parts = Vec::new();
        while let Some(field) = multipart.next_field().await.expect("a well-formed part") {
            let name = field.name().expect("a name").to_owned();
            let filename = field.file_name().map(str::to_owned);
            let content_type = field.content_type().map(|m| m.to_string());
            let body = field.bytes().await.expect("the part's content").to_vec();
            parts.push(ParsedPart {
                name,
                filename,
                content_type,
                body,
            });
        }
        parts
    })
}

#[derive(Debug, Clone)]
enum Input {
    Text(String, String),
    File(String, String, String, Vec<u8>),
}

/// Content that is hostile to multipart framing: CR, LF, dashes, and the encoder's own
/// boundary prefix, mixed with arbitrary bytes.
fn hostile_bytes() -> impl Strategy<Value = Vec<u8>> {
    let atom = prop_oneof![
        Just(b"\r\n".to_vec()),
        Just(b"--".to_vec()),
        Just(b"--glair-rs-".to_vec()),
        Just(b"\r\n--glair-rs-0000000000000000".to_vec()),
        Just(b"Content-Disposition: form-data; name=\"x\"\r\n\r\n".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..16),
    ];
    proptest::collection::vec(atom, 0..12).prop_map(|chunks| chunks.concat())
}

fn field_name() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_.\\[\\]-]{1,20}"
}

fn input() -> impl Strategy<Value = Input> {
    prop_oneof![
        (field_name(), any::<String>()).prop_map(|(n, v)| Input::Text(n, v)),
        (
            field_name(),
            any::<String>().prop_filter("file names are at most 255 bytes", |f| f.len() <= 255),
            "[a-z]{1,10}/[a-z0-9.+-]{1,15}",
            hostile_bytes()
        )
            .prop_map(|(n, f, t, b)| Input::File(n, f, t, b)),
    ]
}

fn build(inputs: &[Input]) -> MultipartForm {
    inputs
        .iter()
        .fold(MultipartForm::new(), |form, input| match input {
            Input::Text(name, value) => form.text(name.clone(), value.clone()),
            Input::File(name, filename, content_type, bytes) => form.file(
                name.clone(),
                filename.clone(),
                content_type.clone(),
                bytes.clone(),
            ),
        })
}

fn expected(inputs: &[Input]) -> Vec<ParsedPart> {
    inputs
        .iter()
        .map(|input| match input {
            Input::Text(name, value) => ParsedPart {
                name: name.clone(),
                filename: None,
                content_type: None,
                body: value.as_bytes().to_vec(),
            },
            Input::File(name, filename, content_type, bytes) => ParsedPart {
                name: name.clone(),
                filename: Some(escape_filename(filename)),
                content_type: Some(content_type.clone()),
                body: bytes.clone(),
            },
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_form_round_trips_through_multer(inputs in proptest::collection::vec(input(), 1..6)) {
        let encoded = build(&inputs).encode().unwrap();
        let parsed = parse(&encoded.content_type(), encoded.body().clone());
        prop_assert_eq!(parsed, expected(&inputs));
    }

    #[test]
    fn the_boundary_never_occurs_in_the_content(inputs in proptest::collection::vec(input(), 1..6)) {
        let encoded = build(&inputs).encode().unwrap();
        let boundary = encoded.boundary().as_bytes().to_vec();
        prop_assert!(boundary.len() <= 70);
        for input in &inputs {
            let content: &[u8] = match input {
                Input::Text(_, v) => v.as_bytes(),
                Input::File(_, _, _, b) => b,
            };
            prop_assert!(!content.windows(boundary.len()).any(|w| w == boundary.as_slice()));
        }
    }

    #[test]
    fn file_names_without_special_characters_are_sent_verbatim(
        name in "[\\PC&&[^\"\\\\]]{1,60}",
    ) {
        prop_assert_eq!(&escape_filename(&name), &name);
        let encoded = MultipartForm::new().file("image", name.clone(), "image/png", Bytes::new()).encode().unwrap();
        let parsed = parse(&encoded.content_type(), encoded.body().clone());
        prop_assert_eq!(parsed[0].filename.as_deref(), Some(name.as_str()));
    }
}

#[test]
fn a_file_name_that_tries_to_break_out_stays_one_parameter() {
    let hostile = "a.jpg\"\r\nContent-Type: text/html\r\n\r\n<script>";
    let encoded = MultipartForm::new()
        .file("image", hostile, "image/jpeg", &b"\xff\xd8\xff"[..])
        .encode()
        .unwrap();
    let parsed = parse(&encoded.content_type(), encoded.body().clone());
    assert_eq!(parsed.len(), 1);
    assert_eq!(parsed[0].content_type.as_deref(), Some("image/jpeg"));
    assert_eq!(
        parsed[0].filename.as_deref(),
        Some("a.jpg%22%0D%0AContent-Type: text/html%0D%0A%0D%0A<script>")
    );
    assert_eq!(parsed[0].body, b"\xff\xd8\xff");
}
