//! `multipart/form-data` request bodies, parsed with `multer` under stated limits.
//!
//! The body has already been read (bounded by [`MAX_UPLOAD_BODY`] and the body-read deadline)
//! when it is parsed here, so parsing works on memory and cannot stall. Every bound:
//!
//! | bound | limit | when exceeded |
//! |---|---|---|
//! | whole body | [`MAX_UPLOAD_BODY`] (32 MiB) | `413` (checked while reading) |
//! | one file part | [`MAX_FILE_PART`] (10 MiB, the SDK's `MAX_IMAGE_BYTES`) | `413` |
//! | one text part | [`MAX_TEXT_PART`] (8 KiB) | `413` |
//! | parts | [`MAX_PARTS`] (64) | `400` |
//! | field name | [`MAX_NAME_LEN`] bytes (128, the SDK encoder's bound) | `400` |
//! | file name | [`MAX_FILE_NAME_LEN`] bytes (1024: the SDK's 255-byte names, percent-escaped) | `400` |
//! | part headers | 32 per part (multer's own bound) | `400` |
//!
//! A part is a file part when it has a `filename` or when its name is one of the endpoint's
//! file fields (so that a client sending a file without a file name is read tolerantly).
//! Text parts must be UTF-8.

use std::convert::Infallible;

use bytes::{Bytes, BytesMut};

/// Largest upload body: room for the largest request the SDK builds — a face match of two
/// 10 MiB images, about 27 MiB in the JSON-base64 form — and no more.
pub(crate) const MAX_UPLOAD_BODY: usize = 32 * 1024 * 1024;

/// Largest file part: the SDK's own per-file bound (GLAIR documents none).
pub(crate) const MAX_FILE_PART: usize = glair_types::MAX_IMAGE_BYTES;

/// Largest text part. The longest text GLAIR takes is a name or an address; the SDK refuses
/// anything over 1 KiB, other clients get some slack.
pub(crate) const MAX_TEXT_PART: usize = 8 * 1024;

/// Most parts in one body: the largest form any SDK sends is an identity verification with
/// its 16 text fields plus a face image; other clients get some slack.
pub(crate) const MAX_PARTS: usize = 64;

/// Longest field name, in bytes: the SDK encoder's bound.
pub(crate) const MAX_NAME_LEN: usize = glair_types::MAX_FIELD_NAME_LEN;

/// Longest file name, in bytes (as sent, after any escaping by the client).
pub(crate) const MAX_FILE_NAME_LEN: usize = 1024;

/// One part of a parsed form.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct FormPart {
    pub(crate) name: String,
    pub(crate) filename: Option<String>,
    pub(crate) body: Bytes,
}

impl std::fmt::Debug for FormPart {
    /// Never the content: it may be a face or a NIK.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FormPart")
            .field("name", &self.name)
            .field("filename", &self.filename)
            .field("len", &self.body.len())
            .finish()
    }
}

/// Why a body is not an acceptable form; the text is for the `{"message": …}` answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FormError {
    /// The `Content-Type` has no usable boundary (`400`).
    NoBoundary,
    /// Not valid multipart (`400`).
    Malformed(String),
    /// A part over its size limit (`413`).
    PartTooLarge { name: String, limit: usize },
    /// Other bounds (`400`): too many parts, a name too long, a text part not UTF-8.
    Refused(String),
}

impl FormError {
    /// The message of the answer.
    pub(crate) fn message(&self) -> String {
        match self {
            FormError::NoBoundary => {
                "Content-Type multipart/form-data needs a boundary parameter".to_owned()
            }
            FormError::Malformed(why) => format!("malformed multipart body: {why}"),
            FormError::PartTooLarge { name, limit } => {
                format!("part {name:?} is larger than {limit} bytes")
            }
            FormError::Refused(why) => why.clone(),
        }
    }
}

/// The boundary of a `multipart/form-data` content type, or `None` when it is another type.
pub(crate) fn boundary(content_type: &str) -> Option<Result<String, FormError>> {
    match multer::parse_boundary(content_type) {
        Ok(b) if !b.is_empty() && b.len() <= 70 => Some(Ok(b)),
        Ok(_) | Err(multer::Error::NoBoundary) => Some(Err(FormError::NoBoundary)),
        Err(_) => {
            let essence = content_type.split(';').next().unwrap_or_default().trim();
            essence
                .eq_ignore_ascii_case("multipart/form-data")
                .then_some(Err(FormError::NoBoundary))
        }
    }
}

/// A name quoted in a message, shortened.
fn quoted(name: &str) -> String {
    let mut end = name.len().min(64);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    name[..end].to_owned()
}

/// Parses `body` with `boundary`; `is_file_field` says which names are file fields.
pub(crate) async fn parse(
    boundary: &str,
    body: Bytes,
    is_file_field: &(dyn Fn(&str) -> bool + Sync),
) -> Result<Vec<FormPart>, FormError> {
    let stream = futures_util::stream::once(async move { Ok::<Bytes, Infallible>(body) });
    // multer's own per-field bound backs up the per-kind bounds below.
    let constraints = multer::Constraints::new()
        .size_limit(multer::SizeLimit::new().per_field(MAX_FILE_PART as u64 + 1));
    let mut multipart = multer::Multipart::with_constraints(stream, boundary, constraints);
    let mut parts = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return Err(multer_error(e)),
        };
        if parts.len() == MAX_PARTS {
            return Err(FormError::Refused(format!(
                "too many parts: at most {MAX_PARTS} are accepted"
            )));
        }
        let Some(name) = field.name().map(str::to_owned) else {
            return Err(FormError::Malformed(
                "a part has no name (Content-Disposition: form-data; name=\"…\", in UTF-8)"
                    .to_owned(),
            ));
        };
        if name.len() > MAX_NAME_LEN {
            return Err(FormError::Refused(format!(
                "a field name is longer than {MAX_NAME_LEN} bytes"
            )));
        }
        let filename = field.file_name().map(str::to_owned);
        if filename
            .as_ref()
            .is_some_and(|f| f.len() > MAX_FILE_NAME_LEN)
        {
            return Err(FormError::Refused(format!(
                "the file name of part {:?} is longer than {MAX_FILE_NAME_LEN} bytes",
                quoted(&name)
            )));
        }
        let is_file = filename.is_some() || is_file_field(&name);
        let limit = if is_file {
            MAX_FILE_PART
        } else {
            MAX_TEXT_PART
        };
        let mut field = field;
        let mut content = BytesMut::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    if content.len().saturating_add(chunk.len()) > limit {
                        return Err(FormError::PartTooLarge {
                            name: quoted(&name),
                            limit,
                        });
                    }
                    content.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(multer_error(e)),
            }
        }
        if !is_file && std::str::from_utf8(&content).is_err() {
            return Err(FormError::Refused(format!(
                "text part {:?} is not UTF-8",
                quoted(&name)
            )));
        }
        parts.push(FormPart {
            name,
            filename,
            body: content.freeze(),
        });
    }
    Ok(parts)
}

fn multer_error(e: multer::Error) -> FormError {
    match e {
        multer::Error::FieldSizeExceeded { field_name, .. } => FormError::PartTooLarge {
            name: quoted(field_name.as_deref().unwrap_or("")),
            limit: MAX_FILE_PART,
        },
        multer::Error::StreamSizeExceeded { .. } => FormError::PartTooLarge {
            name: String::new(),
            limit: MAX_UPLOAD_BODY,
        },
        // multer's messages name the problem without echoing content.
        other => FormError::Malformed(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use glair_types::MultipartForm;
    use proptest::prelude::*;

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    fn parse_now(content_type: &str, body: &[u8]) -> Result<Vec<FormPart>, FormError> {
        let b = match boundary(content_type) {
            Some(Ok(b)) => b,
            Some(Err(e)) => return Err(e),
            None => return Err(FormError::Refused("not multipart".into())),
        };
        block_on(parse(&b, Bytes::copy_from_slice(body), &|n| n == "image"))
    }

    fn body(parts: &[&str]) -> Vec<u8> {
        let mut b = String::new();
        for p in parts {
            b.push_str("--XyZ\r\n");
            b.push_str(p);
            b.push_str("\r\n");
        }
        b.push_str("--XyZ--\r\n");
        b.into_bytes()
    }

    const CT: &str = "multipart/form-data; boundary=XyZ";

    #[test]
    fn boundaries() {
        assert_eq!(boundary(CT), Some(Ok("XyZ".into())));
        assert_eq!(
            boundary("Multipart/Form-Data; boundary=\"a b\""),
            Some(Ok("a b".into()))
        );
        assert_eq!(
            boundary("multipart/form-data"),
            Some(Err(FormError::NoBoundary))
        );
        assert_eq!(
            boundary("multipart/form-data; boundary="),
            Some(Err(FormError::NoBoundary))
        );
        assert_eq!(
            boundary(&format!("multipart/form-data; boundary={}", "a".repeat(71))),
            Some(Err(FormError::NoBoundary))
        );
        assert_eq!(boundary("application/json"), None);
        assert_eq!(boundary("text/plain; boundary=x"), None);
    }

    #[test]
    fn parses_text_and_file_parts() {
        let parts = parse_now(
            CT,
            &body(&[
                "Content-Disposition: form-data; name=\"gesture-code\"\r\n\r\nHAND_01100",
                "Content-Disposition: form-data; name=\"image\"; filename=\"blob\"\r\nContent-Type: application/octet-stream\r\n\r\n\u{00ff}jpeg",
            ]),
        )
        .unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "gesture-code");
        assert_eq!(parts[0].filename, None);
        assert_eq!(&parts[0].body[..], b"HAND_01100");
        assert_eq!(parts[1].filename.as_deref(), Some("blob"));
    }

    #[test]
    fn refuses_what_breaks_a_bound() {
        let many: Vec<String> = (0..=MAX_PARTS)
            .map(|i| format!("Content-Disposition: form-data; name=\"f{i}\"\r\n\r\nx"))
            .collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert!(
            matches!(parse_now(CT, &body(&many)), Err(FormError::Refused(m)) if m.contains("too many"))
        );

        let big_text = format!(
            "Content-Disposition: form-data; name=\"nik\"\r\n\r\n{}",
            "1".repeat(MAX_TEXT_PART + 1)
        );
        assert!(matches!(
            parse_now(CT, &body(&[&big_text])),
            Err(FormError::PartTooLarge {
                limit: MAX_TEXT_PART,
                ..
            })
        ));
        // The same size is fine for a file part.
        let big_file = format!(
            "Content-Disposition: form-data; name=\"image\"\r\n\r\n{}",
            "1".repeat(MAX_TEXT_PART + 1)
        );
        assert!(parse_now(CT, &body(&[&big_file])).is_ok());

        let long_name = format!(
            "Content-Disposition: form-data; name=\"{}\"\r\n\r\nx",
            "n".repeat(MAX_NAME_LEN + 1)
        );
        assert!(matches!(
            parse_now(CT, &body(&[&long_name])),
            Err(FormError::Refused(_))
        ));
        let long_file_name = format!(
            "Content-Disposition: form-data; name=\"image\"; filename=\"{}\"\r\n\r\nx",
            "n".repeat(MAX_FILE_NAME_LEN + 1)
        );
        assert!(matches!(
            parse_now(CT, &body(&[&long_file_name])),
            Err(FormError::Refused(_))
        ));
        let no_name = "Content-Disposition: form-data\r\n\r\nx";
        assert!(matches!(
            parse_now(CT, &body(&[no_name])),
            Err(FormError::Malformed(_))
        ));
    }

    #[test]
    fn refuses_malformed_bodies() {
        let mut not_utf8 =
            b"--XyZ\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n".to_vec();
        not_utf8.extend_from_slice(b"\xff\xfe\r\n--XyZ--\r\n");
        assert!(matches!(
            parse_now(CT, &not_utf8),
            Err(FormError::Refused(_))
        ));
        let mut bad_name =
            b"--XyZ\r\nContent-Disposition: form-data; name=\"\xff\"\r\n\r\nx".to_vec();
        bad_name.extend_from_slice(b"\r\n--XyZ--\r\n");
        assert!(parse_now(CT, &bad_name).is_err());
        for bad in [
            &b""[..],
            b"--XyZ\r\n",
            b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end",
            b"--other\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--other--\r\n",
            b"garbage",
        ] {
            assert!(
                parse_now(CT, bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    fn field_name() -> impl Strategy<Value = String> {
        "[A-Za-z0-9_.\\-\\[\\]]{1,128}"
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The SDK's encoder (glair-types) and the emulator's parser agree on every form
        /// within the limits: names, values, file names (escaped by the encoder, any
        /// Unicode) and file bytes come back as they went in, in order.
        #[test]
        fn the_sdk_encoder_round_trips_through_the_parser(
            texts in prop::collection::vec((field_name(), "\\PC{0,200}"), 0..8),
            files in prop::collection::vec(
                (field_name(), "[^\"\\\\\\p{Cc}]{0,60}", prop::collection::vec(any::<u8>(), 0..2048)),
                0..4,
            ),
        ) {
            let mut form = MultipartForm::new();
            for (name, value) in &texts {
                form = form.text(name.clone(), value.clone());
            }
            for (name, filename, bytes) in &files {
                form = form.file(name.clone(), filename.clone(), "application/octet-stream", bytes.clone());
            }
            let encoded = form.encode().unwrap();
            let parts = parse_now(&encoded.content_type(), encoded.body()).unwrap();
            prop_assert_eq!(parts.len(), texts.len() + files.len());
            for (part, (name, value)) in parts.iter().zip(&texts) {
                prop_assert_eq!(&part.name, name);
                prop_assert_eq!(part.filename.as_deref(), None);
                prop_assert_eq!(&part.body[..], value.as_bytes());
            }
            for (part, (name, filename, bytes)) in parts[texts.len()..].iter().zip(&files) {
                prop_assert_eq!(&part.name, name);
                prop_assert_eq!(part.filename.as_deref(), Some(filename.as_str()));
                prop_assert_eq!(&part.body[..], &bytes[..]);
            }
        }

        /// No body, however broken, panics the parser.
        #[test]
        fn arbitrary_bodies_never_panic(
            prefix in prop::collection::vec(any::<u8>(), 0..64),
            noise in prop::collection::vec(any::<u8>(), 0..512),
        ) {
            let mut b = prefix;
            b.extend_from_slice(b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n");
            b.extend_from_slice(&noise);
            let _ = parse_now(CT, &b);
            let _ = parse_now(CT, &noise);
        }
    }
}
