//! Any document's text: O10 `POST /ocr/v1/general-document`, with tables on request.

use serde::{Deserialize, Serialize};

use super::envelope::OcrResult;
use super::field::OcrField;

/// A general document read.
pub type GeneralDocumentOcr = OcrResult<GeneralDocumentRead>;

/// Every text the reader found, and the tables when `table=true` was sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GeneralDocumentRead {
    /// Each text with its position (`value`, `polygon`, and `confidence` / `page_index`
    /// where the service sends them): the field object's shape.
    #[serde(default, deserialize_with = "crate::tolerant::list_or_null")]
    pub all_texts: Vec<OcrField>,
    /// The tables, when requested. The docs call it an "array of object" and show no sample,
    /// so each table is kept as JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tables: Option<Vec<serde_json::Value>>,
}

impl GeneralDocumentRead {
    /// The texts in reading order, joined by line breaks.
    pub fn text(&self) -> String {
        let texts: Vec<&str> = self
            .all_texts
            .iter()
            .filter_map(|t| t.value.as_deref())
            .collect();
        texts.join("\n")
    }
}
