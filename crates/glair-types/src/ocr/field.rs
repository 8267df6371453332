//! The object GLAIR returns for every field an OCR endpoint reads.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// One field read from a document: the reading and how sure the reader is.
///
/// ```json
/// { "value": "70.943.997.0-437.000", "confidence": 99 }
/// ```
///
/// The documentation has two generations of this object: the original `{confidence, value}`
/// (confidence an integer percentage, 0–100) and a newer one that adds `value_original`,
/// `confidence_text`, `polygon` and `page_index`. Both decode; the newer keys are optional.
/// `V` is the type of `value`: text for identity documents, a number for amounts on invoices
/// and receipts (as the Go SDK types them).
///
/// Decoding is lenient where the sources disagree on types: a `value` that is a number where
/// text is expected becomes its text, and a confidence sent as a numeric string becomes a
/// number; anything else of the wrong type decodes as `None` rather than failing the whole
/// response (the raw JSON keeps it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "V: DeserializeOwned"))]
#[non_exhaustive]
pub struct OcrField<V = String> {
    /// The reading; absent when the service sent none.
    #[serde(
        default,
        deserialize_with = "lenient_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub value: Option<V>,
    /// How sure the reader is of `value`, as a percentage (0–100). An empty reading usually
    /// comes with confidence 0.
    #[serde(
        default,
        deserialize_with = "lenient_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub confidence: Option<f64>,
    /// The reading before GLAIR normalised it (newer responses only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_original: Option<String>,
    /// How sure the text recogniser is of the characters (newer responses only; the vendor's
    /// documentation calls it a number, one unpublished SDK a string: both decode).
    #[serde(
        default,
        deserialize_with = "lenient_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub confidence_text: Option<f64>,
    /// Where the field was found: corner points `[x, y]` (newer responses only).
    #[serde(
        default,
        deserialize_with = "lenient_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub polygon: Option<Vec<[f64; 2]>>,
    /// Which page of the upload the field is on, from 0 (newer responses only).
    #[serde(
        default,
        deserialize_with = "lenient_number_as",
        skip_serializing_if = "Option::is_none"
    )]
    pub page_index: Option<u32>,
}

impl<V> OcrField<V> {
    /// A field with a value and a confidence (for tests and fixtures).
    pub fn new(value: V, confidence: f64) -> Self {
        Self {
            value: Some(value),
            confidence: Some(confidence),
            value_original: None,
            confidence_text: None,
            polygon: None,
            page_index: None,
        }
    }

    /// The reading, when there is one.
    pub fn value(&self) -> Option<&V> {
        self.value.as_ref()
    }
}

impl OcrField<String> {
    /// The reading as text; `None` when absent or empty (GLAIR sends `""` for a field it could
    /// not read).
    pub fn text(&self) -> Option<&str> {
        self.value.as_deref().filter(|v| !v.is_empty())
    }
}

/// `V` from whatever JSON came; a number or boolean where `V` wants text is tried as its text;
/// anything else that does not fit is `None`.
fn lenient_value<'de, D, V>(deserializer: D) -> Result<Option<V>, D::Error>
where
    D: Deserializer<'de>,
    V: DeserializeOwned,
{
    let value = Value::deserialize(deserializer)?;
    if value.is_null() {
        return Ok(None);
    }
    if let Ok(v) = V::deserialize(&value) {
        return Ok(Some(v));
    }
    Ok(match &value {
        Value::Number(_) | Value::Bool(_) => V::deserialize(Value::String(value.to_string())).ok(),
        _ => None,
    })
}

/// A number, or a string holding one (`"0.9"`); anything else is `None`.
pub(crate) fn lenient_number<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<f64>, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|n| n.is_finite()),
        _ => None,
    })
}

/// A whole number that fits `T`, or a string holding one; anything else is `None`.
fn lenient_number_as<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<u64>,
{
    Ok(match Value::deserialize(deserializer)? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    }
    .and_then(|n| T::try_from(n).ok()))
}

/// A boolean, or the strings `"true"`/`"false"`; anything else is `None`.
pub(crate) fn lenient_bool<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<bool>, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::Null => Ok(None),
        value => flag(&value).map(Some),
    }
}

/// A flag whose `null` is unreadable too: one a verdict reads (`is_ktp`), where `null` in
/// place of `false` must not let a "no" pass unnoticed.
pub(crate) fn strict_bool<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<bool>, D::Error> {
    flag(&Value::deserialize(deserializer)?).map(Some)
}

/// `true`/`false`, as JSON or as text; anything else is an error, so tolerant decoding lists
/// the member as unreadable instead of dropping it silently.
fn flag<E: serde::de::Error>(value: &Value) -> Result<bool, E> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        other => Err(E::custom(format_args!(
            "expected true or false, found {}",
            crate::tolerant::JsonKind::of(other)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_both_generations_of_the_field_object() {
        let old: OcrField = serde_json::from_str(r#"{"confidence":97,"value":"BUDI"}"#).unwrap();
        assert_eq!(old.text(), Some("BUDI"));
        assert_eq!(old.confidence, Some(97.0));

        let new: OcrField = serde_json::from_str(
            r#"{"confidence":0.98,"value":"BUDI","value_original":"BUDl","confidence_text":0.9,
                "polygon":[[1,2],[3,4],[5,6],[7,8]],"page_index":0,"later_key":true}"#,
        )
        .unwrap();
        assert_eq!(new.value_original.as_deref(), Some("BUDl"));
        assert_eq!(new.polygon.as_ref().map(Vec::len), Some(4));

        let empty: OcrField = serde_json::from_str(r#"{"confidence":0,"value":""}"#).unwrap();
        assert_eq!(empty.text(), None);

        let amount: OcrField<i64> = serde_json::from_str(r#"{"value":150000}"#).unwrap();
        assert_eq!(amount.value(), Some(&150_000));
    }

    #[test]
    fn mistyped_keys_never_fail_the_field() {
        let f: OcrField = serde_json::from_str(
            r#"{"value":3171234567890123,"confidence":"99","confidence_text":"0.9","page_index":"2","polygon":"none"}"#,
        )
        .unwrap();
        assert_eq!(f.text(), Some("3171234567890123"));
        assert_eq!(f.confidence, Some(99.0));
        assert_eq!(f.confidence_text, Some(0.9));
        assert_eq!(f.page_index, Some(2));
        assert_eq!(f.polygon, None);
        let f: OcrField = serde_json::from_str(
            r#"{"value":{"nested":1},"confidence":[1],"confidence_text":"NaN","page_index":-1}"#,
        )
        .unwrap();
        assert_eq!(
            (f.value, f.confidence, f.confidence_text, f.page_index),
            (None, None, None, None)
        );
    }
}
