//! The minimal glair program for wasm32-unknown-unknown: create a passive liveness session and
//! retrieve it, over the default transport of the `fetch` feature (the runtime's global
//! `fetch`). Its release size after wasm-bindgen is what BENCHMARKS.md states; `run.sh` also
//! runs it under Node against glair-emulator, as an application would call it from
//! JavaScript. On other targets this crate is empty.
#![cfg(target_arch = "wasm32")]

use glair::{Client, CreatePassiveLivenessSession};
use wasm_bindgen::prelude::*;

/// Creates a passive liveness session at `base_url` with these credentials, retrieves it by
/// its sid, and answers `"<sid> <status>"` (the status is `PENDING` for a new session).
#[wasm_bindgen(js_name = createAndRetrieve)]
pub async fn create_and_retrieve(
    base_url: String,
    api_key: String,
    username: String,
    password: String,
) -> Result<String, JsError> {
    let client = Client::builder()
        .base_url(base_url)
        .api_key(api_key)
        .username(username)
        .password(password)
        .build()
        .map_err(|e| JsError::new(&e.to_string()))?;
    let sessions = client.passive_liveness_sessions();
    let created = sessions
        .create(CreatePassiveLivenessSession::new(
            "https://app.example/liveness/done",
        ))
        .await
        .map_err(|e| JsError::new(&e.to_string()))?;
    let retrieved = sessions
        .retrieve(created.sid())
        .await
        .map_err(|e| JsError::new(&e.to_string()))?;
    Ok(format!("{} {}", retrieved.sid(), retrieved.status))
}
