//! `multipart/form-data` bodies (RFC 7578) built in memory: no I/O, no runtime, no randomness.
//!
//! Why a small encoder of our own: the crates that exist do not fit a sans-IO layer.
//! `multipart` (0.18) writes through `std::io` and ties its client side to hyper 0.10;
//! `common-multipart-rfc7578` produces an async `futures` stream body; `mime_multipart` is built
//! on hyper 0.10 and `std::io::Write`. What GLAIR needs — a few text fields and one or two
//! files already in memory — is about a hundred lines, property-tested against the independent
//! `multer` parser (`tests/multipart.rs`) and fuzzed (`fuzz/fuzz_targets/multipart_encode.rs`).
//! Encoding costs about one extra pass over the content: a face match of two 5 MiB images
//! encodes in 4.5 ms against 4.1 ms to copy the bytes once (`cargo bench -p glair-types
//! --bench uploads`, on the 2-core development machine).
//!
//! Choices, and why:
//! - **Boundary**: derived from a hash of the form (names, types, lengths and the edges of each
//!   part's content — so the same form always encodes to the same bytes, snapshot-testable,
//!   with no random source), and never one that occurs in what the body carries. One pass
//!   over every part's content, name, escaped file name and type collects the 32 characters
//!   after each occurrence of the boundaries' prefix `glair-rs-`: the candidates that content
//!   rules out. Candidates are tried in order until one is not ruled out. After the first 16
//!   (hashed) candidates every further one ends in its own attempt number, so they all
//!   differ, and content of `n` bytes rules out at most `n / 9` of them: a free boundary is
//!   always found, and no content, however crafted, can prevent an upload.
//! - **Field names** are restricted to a safe token alphabet (ASCII letters, digits, `-`, `_`,
//!   `.`, `[`, `]`), refused otherwise: every name this SDK sends is a constant, and a name
//!   with quotes, `;` or `=` is read differently by different parsers.
//! - **File names** come from users, so they are escaped instead of refused, the way the
//!   WHATWG HTML standard escapes them (`"` → `%22`, CR → `%0D`, LF → `%0A`), plus every other
//!   control character (C0, DEL and the C1 range U+0080–U+009F, the latter as the `%XX` of
//!   each of its two UTF-8 bytes: U+0085 → `%C2%85`) and `\` as `%XX`, so that no parser can
//!   read a quoted-pair or a broken header line into them. Other non-ASCII UTF-8 is sent as is
//!   (RFC 7578 §4.2).
//! - Text parts carry no `Content-Type` (RFC 7578's default, `text/plain`), as the vendor's
//!   Node SDK sends them.

use std::fmt;

use bytes::{BufMut, Bytes, BytesMut};

use crate::error::InvalidInput;

/// How many boundary candidates are derived from the form's hash alone (see the module docs);
/// further candidates end in their attempt number.
const HASHED_CANDIDATES: u64 = 16;

/// Hex digits after [`BOUNDARY_PREFIX`] in every boundary.
const BOUNDARY_SUFFIX_LEN: usize = 32;

/// The longest field name accepted, in bytes.
pub const MAX_FIELD_NAME_LEN: usize = 128;

/// The longest file name accepted, in bytes, before escaping.
pub const MAX_FILE_NAME_LEN: usize = 255;

/// The most content (all parts together, before framing) a form may hold: 24 MiB.
///
/// The largest form the SDK's own builders make is a face match — two files of at most
/// [`MAX_IMAGE_BYTES`](crate::MAX_IMAGE_BYTES) — plus a few short text fields; the bound
/// leaves room for that and stops a form built by hand from growing without limit.
pub const MAX_FORM_BYTES: usize = 24 * 1024 * 1024;

/// How many bytes at each end of a part's content feed the boundary's hash. Enough to tell
/// uploads apart (an image's header and its last bytes); the hash runs byte by byte, so 4 KiB
/// at each end cost about 29,000 instructions per upload (glair-bench's callgrind count of a
/// 200 KiB KTP upload), 256 bytes about 2,000.
const HASHED_EDGE: usize = 256;

/// The prefix of every boundary this encoder chooses.
const BOUNDARY_PREFIX: &str = "glair-rs-";

/// One part of a form: a text field or a file.
#[derive(Clone, PartialEq, Eq)]
pub struct Part {
    name: String,
    file: Option<FileMeta>,
    body: Bytes,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct FileMeta {
    filename: String,
    content_type: String,
}

impl Part {
    /// The field name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The file name as given (before escaping), for file parts.
    pub fn filename(&self) -> Option<&str> {
        self.file.as_ref().map(|f| f.filename.as_str())
    }

    /// The content type, for file parts.
    pub fn content_type(&self) -> Option<&str> {
        self.file.as_ref().map(|f| f.content_type.as_str())
    }

    /// The content.
    pub fn body(&self) -> &Bytes {
        &self.body
    }
}

impl fmt::Debug for Part {
    /// Shows the name, file name, type and size; never the content (it may be a face photo or
    /// a NIK).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Part")
            .field("name", &self.name)
            .field("filename", &self.filename())
            .field("content_type", &self.content_type())
            .field("len", &self.body.len())
            .finish()
    }
}

/// A `multipart/form-data` form, in the order its parts were added.
///
/// ```
/// use glair_types::MultipartForm;
///
/// let encoded = MultipartForm::new()
///     .text("gesture-code", "HAND_01100")
///     .file("image", "selfie.jpg", "image/jpeg", &b"\xff\xd8\xff\xe0"[..])
///     .encode()?;
/// assert!(encoded.content_type().starts_with("multipart/form-data; boundary=glair-rs-"));
/// let body = std::str::from_utf8(&encoded.body()[..]).unwrap_or_default();
/// # let _ = body;
/// # Ok::<(), glair_types::InvalidInput>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MultipartForm {
    parts: Vec<Part>,
}

/// An encoded form: the boundary it uses and the body bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct EncodedMultipart {
    boundary: String,
    body: Bytes,
}

impl EncodedMultipart {
    /// The boundary, e.g. `glair-rs-0f3a…`.
    pub fn boundary(&self) -> &str {
        &self.boundary
    }

    /// The `Content-Type` header value: `multipart/form-data; boundary=…`.
    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    /// The body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The body, by value.
    pub fn into_body(self) -> Bytes {
        self.body
    }
}

impl fmt::Debug for EncodedMultipart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EncodedMultipart")
            .field("boundary", &self.boundary)
            .field("len", &self.body.len())
            .finish()
    }
}

impl MultipartForm {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text field.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parts.push(Part {
            name: name.into(),
            file: None,
            body: Bytes::from(value.into()),
        });
        self
    }

    /// Adds a file.
    pub fn file(
        mut self,
        name: impl Into<String>,
        filename: impl Into<String>,
        content_type: impl Into<String>,
        content: impl Into<Bytes>,
    ) -> Self {
        self.parts.push(Part {
            name: name.into(),
            file: Some(FileMeta {
                filename: filename.into(),
                content_type: content_type.into(),
            }),
            body: content.into(),
        });
        self
    }

    /// The parts, in order.
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// Encodes the form. Refuses more than [`MAX_FORM_BYTES`] of content, a field name
    /// outside the token alphabet or longer than [`MAX_FIELD_NAME_LEN`], a file name longer
    /// than [`MAX_FILE_NAME_LEN`], and a content type that is not printable ASCII. Content
    /// never prevents encoding: a boundary that occurs nowhere in the form is always found.
    pub fn encode(&self) -> Result<EncodedMultipart, InvalidInput> {
        self.validate()?;
        let seed = self.content_hash();
        let ruled_out = self.ruled_out_suffixes();
        let boundary = (0..)
            .map(|attempt| boundary_candidate(seed, attempt))
            .find(|candidate| {
                let suffix = &candidate.as_bytes()[BOUNDARY_PREFIX.len()..];
                !ruled_out.iter().any(|taken| taken == suffix)
            })
            // `0..` is endless and at most `ruled_out.len()` candidates after the hashed ones
            // are taken; this fallback is never used.
            .unwrap_or_else(|| boundary_candidate(seed, u64::MAX));
        Ok(EncodedMultipart {
            body: self.write(&boundary),
            boundary,
        })
    }

    /// The [`BOUNDARY_SUFFIX_LEN`] bytes after every occurrence of [`BOUNDARY_PREFIX`] in the
    /// texts a body carries (content, names, escaped file names, types): the boundaries that
    /// would occur in the body. Sorted and deduplicated; empty for nearly every form.
    fn ruled_out_suffixes(&self) -> Vec<[u8; BOUNDARY_SUFFIX_LEN]> {
        let finder = memchr::memmem::Finder::new(BOUNDARY_PREFIX.as_bytes());
        let mut found = Vec::new();
        let mut scan = |text: &[u8]| {
            for at in finder.find_iter(text) {
                let start = at + BOUNDARY_PREFIX.len();
                if let Some(suffix) = text
                    .get(start..start + BOUNDARY_SUFFIX_LEN)
                    .and_then(|s| <[u8; BOUNDARY_SUFFIX_LEN]>::try_from(s).ok())
                {
                    found.push(suffix);
                }
            }
        };
        for part in &self.parts {
            scan(&part.body);
            scan(part.name.as_bytes());
            if let Some(file) = &part.file {
                scan(escape_filename(&file.filename).as_bytes());
                scan(file.content_type.as_bytes());
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Encodes with the first of `candidates` that occurs nowhere in the form (tests pick the
    /// boundary with it).
    #[cfg(test)]
    pub(crate) fn encode_with(
        &self,
        candidates: impl IntoIterator<Item = String>,
    ) -> Result<EncodedMultipart, InvalidInput> {
        let boundary = candidates
            .into_iter()
            .find(|b| !self.mentions(b.as_bytes()))
            .ok_or_else(|| {
                InvalidInput::new(
                    "multipart body",
                    "no boundary could be chosen that does not occur in the content",
                )
            })?;
        Ok(EncodedMultipart {
            body: self.write(&boundary),
            boundary,
        })
    }

    fn validate(&self) -> Result<(), InvalidInput> {
        let content: usize = self.parts.iter().map(|p| p.body.len()).sum();
        if content > MAX_FORM_BYTES {
            return Err(InvalidInput::new(
                "multipart body",
                format!("holds {content} bytes of content; at most {MAX_FORM_BYTES} are accepted"),
            ));
        }
        for part in &self.parts {
            check_field_name(&part.name)?;
            if let Some(file) = &part.file {
                if file.filename.len() > MAX_FILE_NAME_LEN {
                    return Err(InvalidInput::new(
                        "filename",
                        format!(
                            "of field `{}` is {} bytes long; at most {MAX_FILE_NAME_LEN} are accepted",
                            part.name,
                            file.filename.len()
                        ),
                    ));
                }
                let printable = !file.content_type.is_empty()
                    && file.content_type.bytes().all(|b| (0x20..0x7f).contains(&b));
                if !printable {
                    return Err(InvalidInput::new(
                        "content_type",
                        format!(
                            "of field `{}` must be non-empty printable ASCII (for example image/jpeg)",
                            part.name
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Whether `needle` occurs in any part's content, name, (escaped) file name or type.
    #[cfg(test)]
    fn mentions(&self, needle: &[u8]) -> bool {
        self.parts.iter().any(|p| {
            contains(&p.body, needle)
                || contains(p.name.as_bytes(), needle)
                || p.file.as_ref().is_some_and(|f| {
                    contains(escape_filename(&f.filename).as_bytes(), needle)
                        || contains(f.content_type.as_bytes(), needle)
                })
        })
    }

    /// 64-bit FNV-1a over every part's name, file name, type, length, and first and last
    /// [`HASHED_EDGE`] bytes of content. Deterministic (the same form always gets the same
    /// boundary), cheap on large uploads, and not trusted: the candidate is checked against
    /// the whole content anyway.
    fn content_hash(&self) -> u64 {
        let mut hash = Fnv::new();
        for part in &self.parts {
            hash.write(&(part.name.len() as u64).to_le_bytes());
            hash.write(part.name.as_bytes());
            if let Some(file) = &part.file {
                hash.write(file.filename.as_bytes());
                hash.write(file.content_type.as_bytes());
            }
            let body = &part.body;
            hash.write(&(body.len() as u64).to_le_bytes());
            hash.write(&body[..body.len().min(HASHED_EDGE)]);
            hash.write(&body[body.len().saturating_sub(HASHED_EDGE)..]);
        }
        hash.0
    }

    fn write(&self, boundary: &str) -> Bytes {
        let overhead: usize = self
            .parts
            .iter()
            .map(|p| p.name.len() + p.file.as_ref().map_or(0, |f| 3 * f.filename.len() + 64) + 128)
            .sum();
        let content: usize = self.parts.iter().map(|p| p.body.len()).sum();
        let mut out = BytesMut::with_capacity(content + overhead + boundary.len() * 2 + 8);
        for part in &self.parts {
            out.put_slice(b"--");
            out.put_slice(boundary.as_bytes());
            out.put_slice(b"\r\nContent-Disposition: form-data; name=\"");
            out.put_slice(part.name.as_bytes());
            out.put_slice(b"\"");
            if let Some(file) = &part.file {
                out.put_slice(b"; filename=\"");
                out.put_slice(escape_filename(&file.filename).as_bytes());
                out.put_slice(b"\"\r\nContent-Type: ");
                out.put_slice(file.content_type.as_bytes());
            }
            out.put_slice(b"\r\n\r\n");
            out.put_slice(&part.body);
            out.put_slice(b"\r\n");
        }
        out.put_slice(b"--");
        out.put_slice(boundary.as_bytes());
        out.put_slice(b"--\r\n");
        out.freeze()
    }
}

/// Refuses a field name outside `[A-Za-z0-9._\-\[\]]{1,128}`.
fn check_field_name(name: &str) -> Result<(), InvalidInput> {
    let token = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'[' | b']');
    if name.is_empty() || name.len() > MAX_FIELD_NAME_LEN || !name.bytes().all(token) {
        return Err(InvalidInput::new(
            "multipart field name",
            format!(
                "must be 1 to {MAX_FIELD_NAME_LEN} ASCII letters, digits, '-', '_', '.', '[' or ']' \
                 (found {} bytes)",
                name.len()
            ),
        ));
    }
    Ok(())
}

/// Escapes a file name for a quoted `filename="…"` parameter: `"`, `\` and every control
/// character (C0, DEL, C1) become `%XX` (upper-case hex) for each of their UTF-8 bytes
/// (U+0085 → `%C2%85`); everything else is kept.
pub fn escape_filename(filename: &str) -> String {
    let mut out = String::with_capacity(filename.len());
    for c in filename.chars() {
        if c == '"' || c == '\\' || c.is_control() {
            let mut utf8 = [0; 4];
            for byte in c.encode_utf8(&mut utf8).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The `attempt`th boundary candidate for a form whose hash is `seed`. The first
/// [`HASHED_CANDIDATES`] are hashed whole; later ones end in the attempt number, so that no
/// two of them are equal.
fn boundary_candidate(seed: u64, attempt: u64) -> String {
    let mut hash = Fnv::new();
    hash.write(&seed.to_le_bytes());
    // The hashed candidates hash a 32-bit attempt number, as they always have (the boundaries
    // of existing snapshots stay the same).
    hash.write(&(attempt as u32).to_le_bytes());
    let first = hash.0;
    hash.write(b"second half");
    if attempt < HASHED_CANDIDATES {
        format!("{BOUNDARY_PREFIX}{first:016x}{:016x}", hash.0)
    } else {
        format!("{BOUNDARY_PREFIX}{first:016x}{attempt:016x}")
    }
}

/// Whether `needle` occurs in `haystack`.
#[cfg(test)]
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}

struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_text_and_file_parts_in_order() {
        let encoded = MultipartForm::new()
            .text("nik", "3171234567890123")
            .file("face_image", "me.png", "image/png", &b"PNGDATA"[..])
            .encode_with(["B".to_owned()])
            .unwrap();
        assert_eq!(
            std::str::from_utf8(encoded.body()).unwrap(),
            "--B\r\nContent-Disposition: form-data; name=\"nik\"\r\n\r\n3171234567890123\r\n\
             --B\r\nContent-Disposition: form-data; name=\"face_image\"; filename=\"me.png\"\r\n\
             Content-Type: image/png\r\n\r\nPNGDATA\r\n--B--\r\n"
        );
        assert_eq!(encoded.content_type(), "multipart/form-data; boundary=B");
    }

    #[test]
    fn skips_a_boundary_that_occurs_in_the_content() {
        let form = MultipartForm::new().text("a", "xx--first--xx");
        let encoded = form
            .encode_with(["first".to_owned(), "second".to_owned()])
            .unwrap();
        assert_eq!(encoded.boundary(), "second");
        let err = form.encode_with(["first".to_owned()]).unwrap_err();
        assert_eq!(err.field(), "multipart body");
    }

    #[test]
    fn boundaries_are_deterministic_and_valid() {
        let form = MultipartForm::new().file("image", "a.jpg", "image/jpeg", &b"\xff\xd8\xff"[..]);
        let a = form.encode().unwrap();
        let b = form.encode().unwrap();
        assert_eq!(a, b);
        let boundary = a.boundary();
        assert!(boundary.len() <= 70);
        assert!(
            boundary
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-')
        );
        let other = MultipartForm::new().text("image", "x").encode().unwrap();
        assert_ne!(other.boundary(), boundary);
    }

    #[test]
    fn escapes_file_names_and_refuses_unsafe_field_names() {
        assert_eq!(
            escape_filename("a\"b\r\nc\\d\u{0}é.jpg"),
            "a%22b%0D%0Ac%5Cd%00é.jpg"
        );
        // C1 controls (NEL, CSI) and DEL too, as their UTF-8 bytes.
        assert_eq!(
            escape_filename("a\u{85}b\u{9b}c\u{7f}"),
            "a%C2%85b%C2%9Bc%7F"
        );
        for bad in ["", "a\"b", "a;b", "name=x", "ü", "a b", &"x".repeat(129)] {
            let err = MultipartForm::new().text(bad, "v").encode().unwrap_err();
            assert_eq!(err.field(), "multipart field name", "{bad:?}");
        }
        let err = MultipartForm::new()
            .file("image", "x".repeat(256), "image/png", Bytes::new())
            .encode()
            .unwrap_err();
        assert_eq!(err.field(), "filename");
        let err = MultipartForm::new()
            .file("image", "a", "image/png\r\nX-Evil: 1", Bytes::new())
            .encode()
            .unwrap_err();
        assert_eq!(err.field(), "content_type");
    }

    #[test]
    fn refuses_more_content_than_the_bound() {
        let half = Bytes::from(vec![b'a'; MAX_FORM_BYTES / 2]);
        let at_bound = MultipartForm::new()
            .file("a", "a", "image/png", half.clone())
            .file("b", "b", "image/png", half);
        assert!(at_bound.encode().is_ok());
        let err = at_bound.text("c", "x").encode().unwrap_err();
        assert_eq!(err.field(), "multipart body");
    }

    /// A file holding every hashed candidate its own form would try (in the middle, which the
    /// hash does not read) still encodes, with a boundary that occurs nowhere in it.
    #[test]
    fn crafted_content_cannot_prevent_encoding() {
        let mut jpeg = b"\xFF\xD8\xFF\xE0".to_vec();
        jpeg.resize(9 * 1024, b'x');
        let form = |content: &[u8]| {
            MultipartForm::new().file(
                "image",
                "a.jpg",
                "image/jpeg",
                Bytes::from(content.to_vec()),
            )
        };
        let seed = form(&jpeg).content_hash();
        for attempt in 0..HASHED_CANDIDATES {
            let candidate = boundary_candidate(seed, attempt);
            // Bytes 4096..5120 of 9216: neither edge the hash reads.
            let at = 4096 + usize::try_from(attempt).unwrap() * 41;
            jpeg[at..at + candidate.len()].copy_from_slice(candidate.as_bytes());
        }
        let crafted = form(&jpeg);
        assert_eq!(crafted.content_hash(), seed, "the middle is not hashed");
        for attempt in 0..HASHED_CANDIDATES {
            assert!(crafted.mentions(boundary_candidate(seed, attempt).as_bytes()));
        }
        let encoded = crafted.encode().unwrap();
        assert!(!crafted.mentions(encoded.boundary().as_bytes()));
        assert_eq!(
            encoded.boundary(),
            boundary_candidate(seed, HASHED_CANDIDATES)
        );
        // Rule out the next ones as well: the search goes on past them.
        let mut more = jpeg.clone();
        for attempt in HASHED_CANDIDATES..HASHED_CANDIDATES + 8 {
            let candidate = boundary_candidate(seed, attempt);
            let at = 4096 + usize::try_from(attempt).unwrap() * 41;
            more[at..at + candidate.len()].copy_from_slice(candidate.as_bytes());
        }
        assert_eq!(form(&more).content_hash(), seed);
        let encoded = form(&more).encode().unwrap();
        assert_eq!(
            encoded.boundary(),
            boundary_candidate(seed, HASHED_CANDIDATES + 8)
        );
        // Candidates past the hashed ones never repeat.
        let later: std::collections::HashSet<String> = (HASHED_CANDIDATES
            ..HASHED_CANDIDATES + 1000)
            .map(|attempt| boundary_candidate(seed, attempt))
            .collect();
        assert_eq!(later.len(), 1000);
    }

    #[test]
    fn substring_search() {
        assert!(contains(b"abcabd", b"abd"));
        assert!(!contains(b"abcab", b"abd"));
        assert!(contains(b"x", b""));
        assert!(!contains(b"", b"a"));
    }
}
