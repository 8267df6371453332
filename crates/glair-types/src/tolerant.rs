//! Tolerant decoding: a 2xx answer that differs from the documented shape in a plausible way
//! (a number sent as text, a `null` list, a key left out, a type nobody documented) keeps what
//! can be read instead of failing the whole call.
//!
//! One mechanism serves every model. A body is decoded strictly first (the fast path: a
//! documented answer costs nothing extra). Only when that fails is it parsed into a JSON tree
//! and decoded again with the path of the failure tracked; the member at that path is dropped
//! from the tree, recorded as an [`UnreadableField`], and decoding is retried. A member that
//! is optional then reads as absent; a required one (an outer `status`, a level) falls back
//! to an empty, unknown value. So the model holds what could be read, the raw JSON stays
//! with the response, and the list of unreadable fields says what was not.
//!
//! Verdicts read that list: no verdict is ever positive (live, matched, verified, read) when
//! a field of the answer could not be read; it is inconclusive, naming the field, instead.
//! A negative verdict (spoof, not matched, not verified) decided from fields that were read
//! stays negative.
//!
//! Bounds: at most [`MAX_UNREADABLE_FIELDS`] members are dropped from one answer; an answer
//! with more, a body that is not JSON, and a root that is not an object are decode errors as
//! before. Each retry decodes the tree again, so the work is bounded by that count times the
//! body's size (itself bounded by the transport's response limit).

use std::collections::HashMap;
use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use serde_path_to_error::Segment;

use crate::session::JsonPathError;

/// The most members tolerant decoding drops from one answer before it gives up with a decode
/// error: far more than any plausible variation, few enough to bound the retries.
pub const MAX_UNREADABLE_FIELDS: usize = 64;

/// The JSON type of a member that could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JsonKind {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool,
    /// A number.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl JsonKind {
    /// The kind of `value`.
    pub fn of(value: &Value) -> Self {
        match value {
            Value::Null => Self::Null,
            Value::Bool(_) => Self::Bool,
            Value::Number(_) => Self::Number,
            Value::String(_) => Self::String,
            Value::Array(_) => Self::Array,
            Value::Object(_) => Self::Object,
        }
    }

    /// `null`, `boolean`, `number`, `string`, `array` or `object`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Bool => "boolean",
            Self::Number => "number",
            Self::String => "string",
            Self::Array => "array",
            Self::Object => "object",
        }
    }
}

impl fmt::Display for JsonKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A member of a 2xx answer that the SDK could not read, and so left out of the model.
///
/// Its value is still in the response's raw JSON, at [`path`](Self::path).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnreadableField {
    path: String,
    found: JsonKind,
    problem: String,
}

impl UnreadableField {
    /// Records that the member at `path` (dotted, with `[i]` for list items, e.g.
    /// `result.spoof_percentage`) held a `found` the SDK could not read, and why.
    pub fn new(path: impl Into<String>, found: JsonKind, problem: impl Into<String>) -> Self {
        Self {
            path: crate::error::bounded(&path.into()).into_owned(),
            found,
            problem: crate::error::bounded(&problem.into()).into_owned(),
        }
    }

    /// Where the member is, from the root of the model that holds this list (for a session's
    /// own list, from the session; for its result's, from the result).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The JSON type the member held.
    pub fn found(&self) -> JsonKind {
        self.found
    }

    /// What the SDK expected instead, in words (serde's message, bounded).
    pub fn problem(&self) -> &str {
        &self.problem
    }

    /// The same field, its path under `prefix` removed (`None` when it lies elsewhere).
    pub(crate) fn strip_prefix(&self, prefix: &str) -> Option<Self> {
        let rest = self.path.strip_prefix(prefix)?.strip_prefix('.')?;
        Some(Self {
            path: rest.to_owned(),
            found: self.found,
            problem: self.problem.clone(),
        })
    }
}

impl fmt::Display for UnreadableField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` could not be read ({} found: {})",
            self.path, self.found, self.problem
        )
    }
}

/// A model decoded tolerantly: it knows which members of its answer could not be read.
///
/// Every response model of this crate implements it (sessions, whose list also holds their
/// result's members, and every Vision answer); its verdict, if it has one, is never positive
/// while [`unreadable_fields`](Self::unreadable_fields) is not empty.
///
/// The rule: a body is decoded strictly first; when that fails, the member at the failing
/// path is dropped and listed, and decoding is retried, at most
/// [`MAX_UNREADABLE_FIELDS`] times. An optional member then reads as absent; a required one
/// (an outer `status`, a level, a gesture status) as an empty, unknown value. A list item
/// whose required member cannot be read is dropped after that member. `null` reads as absent
/// where the docs allow it (and as an empty list for `plates` and `all_texts`); where a
/// verdict reads a flag (`qualities.is_ktp`), `null` is unreadable. Numbers sent as plain
/// numeric text (`"0.95"`) are read as numbers. Duplicate keys, a body that is not JSON and
/// a root that is not an object stay decode errors.
///
/// ```
/// use glair_types::{Decoded, FaceMatchResponse, Tolerant, Verdict};
///
/// let response = http::Response::builder()
///     .status(200)
///     .body(bytes::Bytes::from_static(
///         br#"{"status":"success","result":{"match_percentage":[0.9],"match_status_code":"MATCH"}}"#,
///     ))
///     .unwrap();
/// let answer = Decoded::<FaceMatchResponse>::from_response(&response).unwrap();
/// assert_eq!(answer.value().unreadable_fields()[0].path(), "result.match_percentage");
/// assert_eq!(answer.value().verdict().label(), "inconclusive");
/// ```
pub trait Tolerant {
    /// The members that could not be read, in the order they were found; empty for an answer
    /// of the documented shape (and for a value built by hand).
    fn unreadable_fields(&self) -> &[UnreadableField];

    /// The same value, recording `fields` as unreadable (decoders call it; useful in tests).
    #[must_use]
    fn with_unreadable_fields(self, fields: Vec<UnreadableField>) -> Self;
}

/// Implements [`Tolerant`] for a type with a `unreadable: Vec<UnreadableField>` member.
macro_rules! tolerant_model {
    ($($ty:ident $(<$($param:ident),+>)?),* $(,)?) => {
        $(
            impl $(<$($param),+>)? $crate::tolerant::Tolerant for $ty $(<$($param),+>)? {
                fn unreadable_fields(&self) -> &[$crate::tolerant::UnreadableField] {
                    &self.unreadable
                }

                fn with_unreadable_fields(
                    mut self,
                    fields: Vec<$crate::tolerant::UnreadableField>,
                ) -> Self {
                    self.unreadable = fields;
                    self
                }
            }
        )*
    };
}
pub(crate) use tolerant_model;

/// Implements `DecodeBody` by [`decode`], recording what could not be read in the model.
macro_rules! decode_tolerantly {
    ($($ty:ty),* $(,)?) => {
        $(
            impl $crate::endpoint::DecodeBody for $ty {
                fn decode_body(
                    body: &bytes::Bytes,
                ) -> Result<Self, $crate::session::JsonPathError> {
                    let (value, unreadable) = $crate::tolerant::decode::<Self>(body)?;
                    Ok($crate::tolerant::Tolerant::with_unreadable_fields(value, unreadable))
                }
            }
        )*
    };
}
pub(crate) use decode_tolerantly;

/// Decodes `body` as a `T`, dropping (and listing) the members that cannot be read. See the
/// module documentation for the rule and its bounds.
pub(crate) fn decode<T: DeserializeOwned>(
    body: &[u8],
) -> Result<(T, Vec<UnreadableField>), JsonPathError> {
    if let Ok(value) = serde_json::from_slice::<T>(body) {
        return Ok((value, Vec::new()));
    }
    let mut tree = match parse_tree(body)? {
        tree @ Value::Object(_) => tree,
        // A root that is not an object: nothing to keep; the strict decoder names the problem.
        _ => return crate::response::from_json_with_path::<T>(body).map(|v| (v, Vec::new())),
    };
    let mut unreadable = Vec::new();
    let mut removed = RemovedItems::default();
    loop {
        let error = match serde_path_to_error::deserialize::<_, T>(&tree) {
            Ok(value) => return Ok((value, unreadable)),
            Err(error) => error,
        };
        let segments: Vec<Segment> = error.path().iter().cloned().collect();
        let message = error.into_inner().to_string();
        let give_up = |path: String, message: String| JsonPathError {
            path: crate::error::bounded(&path).into_owned(),
            message: crate::error::bounded(&message).into_owned(),
        };
        if unreadable.len() >= MAX_UNREADABLE_FIELDS {
            return Err(give_up(
                removed.original_path(&segments),
                format!("{message} (and {MAX_UNREADABLE_FIELDS} other fields could not be read)"),
            ));
        }
        let path = removed.original_path(&segments);
        match drop_member(&mut tree, &segments) {
            Some(dropped) => {
                if let Some((array, index)) = removed.original_item(&segments) {
                    removed.items.entry(array).or_default().push(index);
                }
                unreadable.push(UnreadableField::new(path, JsonKind::of(&dropped), message));
            }
            // The root itself (or a path the tree does not have): nothing left to drop.
            None => {
                return Err(give_up(
                    if path.is_empty() { ".".into() } else { path },
                    message,
                ));
            }
        }
    }
}

/// The body as a JSON tree, refusing duplicate keys anywhere (a `Value` would keep the last
/// silently, and two readers of one answer must never see two different values). Depth is
/// bounded by serde_json's recursion limit.
fn parse_tree(body: &[u8]) -> Result<Value, JsonPathError> {
    struct Tree(Value);

    impl<'de> Deserialize<'de> for Tree {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(TreeVisitor).map(Tree)
        }
    }

    struct TreeVisitor;

    impl<'de> serde::de::Visitor<'de> for TreeVisitor {
        type Value = Value;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
            Ok(Value::Bool(v))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
            Ok(Value::from(v))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
            Ok(Value::from(v))
        }
        fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
            Ok(Value::from(v))
        }
        fn visit_str<E>(self, v: &str) -> Result<Value, E> {
            Ok(Value::String(v.to_owned()))
        }
        fn visit_string<E>(self, v: String) -> Result<Value, E> {
            Ok(Value::String(v))
        }
        fn visit_unit<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }
        fn visit_none<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
            let mut items = Vec::new();
            while let Some(Tree(item)) = seq.next_element()? {
                items.push(item);
            }
            Ok(Value::Array(items))
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
            let mut members = serde_json::Map::new();
            while let Some(key) = map.next_key::<String>()? {
                if members.contains_key(&key) {
                    return Err(serde::de::Error::custom(format_args!(
                        "duplicate field `{}`",
                        crate::error::bounded(&key)
                    )));
                }
                let Tree(value) = map.next_value()?;
                members.insert(key, value);
            }
            Ok(Value::Object(members))
        }
    }

    let error = |path: String, message: String| JsonPathError {
        path: crate::error::bounded(if path == "?" { "." } else { &path }).into_owned(),
        message: crate::error::bounded(&message).into_owned(),
    };
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let Tree(tree) = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|e| error(e.path().to_string(), e.into_inner().to_string()))?;
    deserializer
        .end()
        .map_err(|e| error(".".into(), e.to_string()))?;
    Ok(tree)
}

/// Removes the member at `segments` from `tree`, returning it.
fn drop_member(tree: &mut Value, segments: &[Segment]) -> Option<Value> {
    let (last, parents) = segments.split_last()?;
    let mut node = tree;
    for segment in parents {
        node = match (segment, node) {
            (Segment::Map { key }, Value::Object(map)) => map.get_mut(key)?,
            (Segment::Seq { index }, Value::Array(items)) => items.get_mut(*index)?,
            _ => return None,
        };
    }
    match (last, node) {
        (Segment::Map { key }, Value::Object(map)) => map.remove(key),
        (Segment::Seq { index }, Value::Array(items)) if *index < items.len() => {
            Some(items.remove(*index))
        }
        _ => None,
    }
}

/// The list items dropped so far, by the original path of their list, so that later paths
/// can be reported with the indices the server sent.
#[derive(Default)]
struct RemovedItems {
    items: HashMap<String, Vec<usize>>,
}

impl RemovedItems {
    /// The index an item at `index` of the list at `array` had before any was dropped.
    fn original_index(&self, array: &str, index: usize) -> usize {
        let mut removed = self.items.get(array).cloned().unwrap_or_default();
        removed.sort_unstable();
        let mut original = index;
        for r in removed {
            if r <= original {
                original += 1;
            }
        }
        original
    }

    /// `segments` as a dotted path, with list indices as the server sent them.
    fn original_path(&self, segments: &[Segment]) -> String {
        let mut path = String::new();
        for segment in segments {
            match segment {
                Segment::Map { key } => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(key);
                }
                Segment::Seq { index } => {
                    let original = self.original_index(&path, *index);
                    path.push_str(&format!("[{original}]"));
                }
                Segment::Enum { variant } => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(variant);
                }
                Segment::Unknown => path.push_str(".?"),
            }
        }
        path
    }

    /// When `segments` ends at a list item: the list's original path and the item's original
    /// index.
    fn original_item(&self, segments: &[Segment]) -> Option<(String, usize)> {
        let (Segment::Seq { index }, parents) = segments.split_last()? else {
            return None;
        };
        let array = self.original_path(parents);
        let original = self.original_index(&array, *index);
        Some((array, original))
    }
}

/// The value of a required string member that was absent or unreadable: the empty text,
/// which every string enum of this crate reads as an unknown value (never a positive one).
pub(crate) fn absent<T: for<'a> From<&'a str>>() -> T {
    T::from("")
}

/// A score or other number: a JSON number, or a string that holds one (`"0.95"`). `null`
/// reads as absent; anything else is an error, so tolerant decoding records it.
///
/// Numeric strings are read as numbers because the text is unambiguous (the same digits a
/// JSON number would carry) and some gateways quote every number; a string that is not a
/// plain finite number (`"high"`, `"95 %"`, `"NaN"`) is not guessed at.
pub(crate) fn number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    // A visitor rather than an untagged enum: serde buffers an untagged value into its
    // `Content` tree before trying each variant, which cost about 250 instructions per score
    // (glair-types' codec bench under callgrind) on every decoded session.
    struct NumberVisitor;

    impl<'de> serde::de::Visitor<'de> for NumberVisitor {
        type Value = f64;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a number or numeric text")
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(v)
        }
        #[allow(clippy::cast_precision_loss)] // JSON numbers are read as f64, as serde_json does
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(v as f64)
        }
        #[allow(clippy::cast_precision_loss)]
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(v as f64)
        }
        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
            parse_number(text).ok_or_else(|| {
                E::custom(format_args!(
                    "expected a number, found the text {:?}",
                    crate::error::bounded(text)
                ))
            })
        }
    }

    nullable(deserializer, NumberVisitor)
}

/// Reads `null` (or an absent value) as `None` and anything else with `visitor`: the one
/// wrapper behind the hand-written visitors of optional members (scores, `expired`, a
/// session's `result`), so none of them handles `null` itself.
#[inline]
pub(crate) fn nullable<'de, D, V>(deserializer: D, visitor: V) -> Result<Option<V::Value>, D::Error>
where
    D: Deserializer<'de>,
    V: serde::de::Visitor<'de>,
{
    struct Nullable<V>(V);

    impl<'de, V: serde::de::Visitor<'de>> serde::de::Visitor<'de> for Nullable<V> {
        type Value = Option<V::Value>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.expecting(f)?;
            f.write_str(" or null")
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        #[inline]
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(self.0).map(Some)
        }
    }

    deserializer.deserialize_option(Nullable(visitor))
}

/// A finite number written as plain JSON-number text (digits, one optional sign, fraction,
/// exponent), surrounding spaces allowed.
fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim();
    let plain = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'));
    if !plain {
        return None;
    }
    text.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A list where `null` means no items (as some services send for an empty reading).
pub(crate) fn list_or_null<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Item {
        text: String,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Sample {
        #[serde(default = "absent_text")]
        status: String,
        #[serde(default, deserialize_with = "number")]
        score: Option<f64>,
        #[serde(default)]
        items: Vec<Item>,
    }

    fn absent_text() -> String {
        String::new()
    }

    #[test]
    fn keeps_what_can_be_read_and_lists_the_rest() {
        let (s, bad) = decode::<Sample>(br#"{"status":"ok","score":"0.95","items":[]}"#).unwrap();
        assert_eq!(s.score, Some(0.95));
        assert!(bad.is_empty());

        let body = br#"{"status":1,"score":"high","items":[{"text":"a"},{"text":2},{"text":"c"},{"x":1}]}"#;
        let (s, bad) = decode::<Sample>(body).unwrap();
        assert_eq!(s.status, "");
        assert_eq!(s.score, None);
        assert_eq!(
            s.items,
            vec![Item { text: "a".into() }, Item { text: "c".into() }]
        );
        let mut paths: Vec<&str> = bad.iter().map(UnreadableField::path).collect();
        paths.sort_unstable();
        // Indices are the server's, even after an earlier item was dropped; an item whose
        // required member could not be read is dropped after it.
        assert_eq!(
            paths,
            ["items[1]", "items[1].text", "items[3]", "score", "status"]
        );
        let status = bad.iter().find(|f| f.path() == "status").unwrap();
        assert_eq!(status.found(), JsonKind::Number);
        let score = bad.iter().find(|f| f.path() == "score").unwrap();
        assert!(score.problem().contains("high"), "{score}");
    }

    #[test]
    fn gives_up_on_what_cannot_be_dropped() {
        assert!(decode::<Sample>(b"not json").is_err());
        assert!(decode::<Sample>(br#""a string""#).is_err());
        assert!(decode::<Sample>(b"[1]").is_err());
        // Two values for one key are never resolved by picking one, even next to a member
        // that could otherwise be dropped.
        let err = decode::<Sample>(br#"{"score":"x","status":"a","status":"b"}"#).unwrap_err();
        assert!(err.message().contains("duplicate"), "{err}");
        let many: Vec<String> = (0..=MAX_UNREADABLE_FIELDS)
            .map(|i| format!("{{\"text\":{i}}}"))
            .collect();
        let body = format!("{{\"items\":[{}]}}", many.join(","));
        let err = decode::<Sample>(body.as_bytes()).unwrap_err();
        assert!(err.message().contains("other fields"), "{err}");
    }

    #[test]
    fn a_score_is_read_from_every_json_number_and_plain_text_only() {
        for (score, expected) in [
            ("0.5", Some(0.5)),
            ("7", Some(7.0)),
            ("-7", Some(-7.0)),
            ("18446744073709551615", Some(18_446_744_073_709_551_615.0)),
            ("\"0.25\"", Some(0.25)),
            ("null", None),
        ] {
            let body = format!(r#"{{"status":"ok","score":{score}}}"#);
            let (s, bad) = decode::<Sample>(body.as_bytes()).unwrap();
            assert_eq!(s.score, expected, "{score}");
            assert!(bad.is_empty(), "{score}");
        }
        for (score, found) in [
            ("true", JsonKind::Bool),
            ("[0.5]", JsonKind::Array),
            ("{\"v\":0.5}", JsonKind::Object),
            ("\"high\"", JsonKind::String),
        ] {
            let body = format!(r#"{{"status":"ok","score":{score}}}"#);
            let (s, bad) = decode::<Sample>(body.as_bytes()).unwrap();
            assert_eq!(s.score, None, "{score}");
            assert_eq!(bad.len(), 1, "{score}");
            assert_eq!((bad[0].path(), bad[0].found()), ("score", found), "{score}");
        }
    }

    #[test]
    fn numbers_in_text_are_read_only_when_plain() {
        for (text, expected) in [
            ("0.95", Some(0.95)),
            (" 1e-2 ", Some(0.01)),
            ("-3", Some(-3.0)),
            ("NaN", None),
            ("inf", None),
            ("95 %", None),
            ("", None),
            ("1e999", None),
        ] {
            assert_eq!(parse_number(text), expected, "{text:?}");
        }
    }
}
