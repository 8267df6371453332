//! The object GLAIR returns for every field an OCR endpoint reads.

use serde::{Deserialize, Serialize};

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OcrField<V = String> {
    /// The reading; absent when the service sent none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<V>,
    /// How sure the reader is of `value`, as a percentage (0–100). An empty reading usually
    /// comes with confidence 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    /// The reading before GLAIR normalised it (newer responses only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_original: Option<String>,
    /// How sure the text recogniser is of the characters (newer responses only; the vendor's
    /// documentation calls it a number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence_text: Option<f64>,
    /// Where the field was found: corner points `[x, y]` (newer responses only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub polygon: Option<Vec<[f64; 2]>>,
    /// Which page of the upload the field is on, from 0 (newer responses only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
}
