//! Which outcome a Vision request gets: the `x-emulator-outcome` request header when present,
//! otherwise the endpoint's default, which `POST /_emulator/outcomes/{id}` sets (so that an
//! unchanged client, such as the vendor's Node SDK, can be steered) and
//! `DELETE /_emulator/outcomes` resets to each endpoint's first outcome.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use http::HeaderMap;

use super::table::{ROUTES, VisionRoute};

/// The request header that picks the outcome of one request.
pub(crate) const OUTCOME_HEADER: &str = "x-emulator-outcome";

/// The default outcome of each endpoint, by endpoint id.
#[derive(Debug, Default)]
pub(crate) struct Outcomes {
    chosen: Mutex<HashMap<&'static str, &'static str>>,
}

impl Outcomes {
    /// The default outcome of `route` now.
    pub(crate) fn default_for(&self, route: &VisionRoute) -> &'static str {
        let chosen = self.chosen.lock().unwrap_or_else(PoisonError::into_inner);
        chosen
            .get(route.endpoint.id)
            .copied()
            .or_else(|| route.outcomes.first().copied())
            .unwrap_or_default()
    }

    /// Sets the default outcome of `route` to `name`; the error names the valid ones.
    pub(crate) fn set(
        &self,
        route: &'static VisionRoute,
        name: &str,
    ) -> Result<&'static str, String> {
        let outcome = route.outcome(name).ok_or_else(|| unknown(route, name))?;
        let mut chosen = self.chosen.lock().unwrap_or_else(PoisonError::into_inner);
        chosen.insert(route.endpoint.id, outcome);
        Ok(outcome)
    }

    /// Resets every endpoint to its first outcome; returns how many had another one.
    pub(crate) fn reset(&self) -> usize {
        let mut chosen = self.chosen.lock().unwrap_or_else(PoisonError::into_inner);
        let n = chosen.len();
        chosen.clear();
        n
    }

    /// Every endpoint with its outcomes and current default, for `GET /_emulator/outcomes`.
    pub(crate) fn listing(&self) -> serde_json::Value {
        let endpoints: serde_json::Map<String, serde_json::Value> = ROUTES
            .iter()
            .map(|r| {
                (
                    r.endpoint.id.to_owned(),
                    serde_json::json!({
                        "name": r.endpoint.name,
                        "route": format!("POST {}", r.endpoint.path()),
                        "outcomes": r.outcomes,
                        "default": self.default_for(r),
                    }),
                )
            })
            .collect();
        serde_json::Value::Object(endpoints)
    }

    /// The outcome of one request to `route`: its header's, or the default. The error is the
    /// message of a `400` answer (an unknown or unreadable header value).
    pub(crate) fn select(
        &self,
        route: &VisionRoute,
        headers: &HeaderMap,
    ) -> Result<&'static str, String> {
        match headers.get(OUTCOME_HEADER) {
            None => Ok(self.default_for(route)),
            Some(v) => {
                let name = v.to_str().map_err(|_| unknown(route, "(not ASCII)"))?;
                route
                    .outcome(name.trim())
                    .ok_or_else(|| unknown(route, name))
            }
        }
    }
}

fn unknown(route: &VisionRoute, name: &str) -> String {
    let mut shown: String = name.chars().take(64).collect();
    if shown.len() < name.len() {
        shown.push('…');
    }
    format!(
        "unknown outcome {shown:?} for {} ({}): expected one of {}",
        route.endpoint.id,
        route.endpoint.name,
        route.outcomes.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vision::table::by_id;
    use http::HeaderValue;

    #[test]
    fn header_then_default() {
        let outcomes = Outcomes::default();
        let f1 = by_id("F1").unwrap();
        let mut headers = HeaderMap::new();
        assert_eq!(outcomes.select(f1, &headers), Ok("match"));
        assert_eq!(outcomes.set(f1, "not-match"), Ok("not-match"));
        assert_eq!(outcomes.select(f1, &headers), Ok("not-match"));
        headers.insert(OUTCOME_HEADER, HeaderValue::from_static("no-face-stored"));
        assert_eq!(outcomes.select(f1, &headers), Ok("no-face-stored"));
        headers.insert(OUTCOME_HEADER, HeaderValue::from_static("live"));
        assert!(
            outcomes
                .select(f1, &headers)
                .unwrap_err()
                .contains("expected one of match")
        );
        assert!(outcomes.set(f1, "nope").is_err());
        assert_eq!(outcomes.reset(), 1);
        assert_eq!(outcomes.default_for(f1), "match");
        assert_eq!(outcomes.listing()["O6"]["route"], "POST /ocr/v1/bpkb");
    }
}
