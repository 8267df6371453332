//! Decoding where the sources disagree on a shape: a field that is an object in the docs and a
//! bare value in the Go SDK, a list that is a single object in the Go SDK, an amount that is a
//! number in one source and text in another. Each accepts every documented shape, so a
//! response never fails on a disagreement the facts already record.

use serde::{Deserialize, Deserializer, Serialize};

use super::field::OcrField;

/// A field object, or (as the Go SDK types KK, STNK, BPKB and passport fields) a bare value,
/// which becomes a field without confidence.
pub(crate) fn field<'de, D, V>(deserializer: D) -> Result<Option<OcrField<V>>, D::Error>
where
    D: Deserializer<'de>,
    V: serde::de::DeserializeOwned,
{
    #[derive(Deserialize)]
    #[serde(untagged, bound(deserialize = "V: serde::de::DeserializeOwned"))]
    enum Shape<V> {
        Field(OcrField<V>),
        Bare(V),
    }
    Ok(match Option::<Shape<V>>::deserialize(deserializer)? {
        None => None,
        Some(Shape::Field(field)) => Some(field),
        Some(Shape::Bare(value)) => Some(OcrField {
            value: Some(value),
            confidence: None,
            value_original: None,
            confidence_text: None,
            polygon: None,
            page_index: None,
        }),
    })
}

/// A list, or a single object (as the Go SDK types KK's `table` and SKPR's details), which
/// becomes a list of one.
pub(crate) fn one_or_many<'de, D, T>(deserializer: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Shape<T> {
        Many(Vec<T>),
        One(T),
    }
    Ok(match Option::<Shape<T>>::deserialize(deserializer)? {
        None => None,
        Some(Shape::Many(items)) => Some(items),
        Some(Shape::One(item)) => Some(vec![item]),
    })
}

/// A money amount or count: a number (the Go SDK's `int64`, the docs' `number`) or text (the
/// docs type some amounts as strings), kept as sent.
///
/// Non-exhaustive: the service may send another shape; match with a wildcard arm, or ask
/// [`as_f64`](Self::as_f64).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Amount {
    /// A JSON number.
    Number(f64),
    /// A JSON string, e.g. `"150.000"`.
    Text(String),
}

/// The empty text: what a field without a reading holds (needed by the decoders' bounds).
impl Default for Amount {
    fn default() -> Self {
        Self::Text(String::new())
    }
}

impl Amount {
    /// The amount as a number: the number itself, or text made only of digits (with an
    /// optional leading `-`). Text with a `.` or `,` is ambiguous — Indonesian documents write
    /// `150.000` for a hundred and fifty thousand — and, like text with a currency
    /// (`Rp 150.000`), gives `None`: read [`Amount::Text`] yourself.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Self::Number(n) => Some(*n).filter(|n| n.is_finite()),
            Self::Text(text) => {
                let text = text.trim();
                let digits = text.strip_prefix('-').unwrap_or(text);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                text.parse().ok()
            }
        }
    }
}

/// Declares a `read` object whose members are all optional [`OcrField`]s decoded leniently
/// (object or bare value), followed by any other members written out in full.
macro_rules! ocr_read {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty ),* $(,)?
        }
        $( and {
            $( $(#[$emeta:meta])* $efield:ident : $ety:ty ),* $(,)?
        } )?
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        #[non_exhaustive]
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[serde(
                    default,
                    deserialize_with = "crate::ocr::lenient::field",
                    skip_serializing_if = "Option::is_none"
                )]
                pub $field: Option<crate::ocr::OcrField<$ty>>,
            )*
            $( $(
                $(#[$emeta])*
                pub $efield: $ety,
            )* )?
        }
    };
}
pub(crate) use ocr_read;

#[cfg(test)]
#[allow(unreachable_pub)]
mod tests {
    use super::*;

    ocr_read! {
        /// A test read.
        pub struct Sample {
            /// Text.
            name: String,
            /// Money.
            #[serde(alias = "jumlah")]
            total: Amount,
        }
        and {
            /// Rows.
            #[serde(default, deserialize_with = "one_or_many", skip_serializing_if = "Option::is_none")]
            rows: Option<Vec<Sample>>,
        }
    }

    #[test]
    fn accepts_every_documented_shape() {
        let s: Sample = serde_json::from_str(
            r#"{"name":"BUDI","jumlah":{"value":"150.000","confidence":90},"rows":{"name":{"value":"X","confidence":1}}}"#,
        )
        .unwrap();
        assert_eq!(s.name.as_ref().and_then(|f| f.text()), Some("BUDI"));
        assert_eq!(s.name.as_ref().and_then(|f| f.confidence), None);
        let total = s.total.as_ref().and_then(|f| f.value()).unwrap();
        assert_eq!(total, &Amount::Text("150.000".into()));
        assert_eq!(total.as_f64(), None);
        assert_eq!(Amount::Text(" -1500 ".into()).as_f64(), Some(-1500.0));
        assert_eq!(s.rows.as_ref().map(Vec::len), Some(1));

        let s: Sample =
            serde_json::from_str(r#"{"total":150000,"rows":[{},{}],"name":null}"#).unwrap();
        assert_eq!(
            s.total.and_then(|f| f.value).and_then(|a| a.as_f64()),
            Some(150_000.0)
        );
        assert_eq!(s.rows.map(|r| r.len()), Some(2));
        assert_eq!(s.name, None);

        assert_eq!(Amount::Text("Rp 150.000".into()).as_f64(), None);
        assert_eq!(Amount::Text("NaN".into()).as_f64(), None);
        // A shape no source documents never fails the response (OcrField is lenient).
        assert!(serde_json::from_str::<Sample>(r#"{"name":[1]}"#).is_ok());
    }
}
