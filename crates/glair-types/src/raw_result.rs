//! The result of a session kind whose result shape GLAIR has not published.

use serde::{Deserialize, Serialize};

/// A finished session's `result`, kept as the JSON the service sent.
///
/// Used for the kinds whose result shape is not documented publicly (active liveness, KTP,
/// NPWP): nothing is dropped or guessed; read the fields you need with
/// [`serde_json::Value`]'s accessors or deserialize into your own type with
/// [`RawResult::deserialize_into`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RawResult(pub serde_json::Value);

impl RawResult {
    /// The JSON value.
    pub fn as_json(&self) -> &serde_json::Value {
        &self.0
    }

    /// The outer `status` field (`success`, `failed`, …) when present.
    pub fn status(&self) -> Option<&str> {
        self.0.get("status").and_then(serde_json::Value::as_str)
    }

    /// Deserializes the result into a type of your own.
    pub fn deserialize_into<T: serde::de::DeserializeOwned>(&self) -> serde_json::Result<T> {
        T::deserialize(&self.0)
    }
}
