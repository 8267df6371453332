//! Completing a hosted check without a browser, the way the user's browser would: load the
//! hosted page, then submit a selfie to it, and follow the redirect GLAIR answers with.
//!
//! This only works against `glair-emulator`: GLAIR's real page needs a person in front of a
//! camera.

use glair::net::{HyperTransport, Transport};
use glair::types::bytes::Bytes;
use glair::types::http::{Method, Request, header};

/// Loads the hosted page at `session_url`, submits `jpeg` as the selfie, and returns the URL
/// the page redirects the browser to (the application's `success_url` with `sid` appended).
pub async fn complete_with_selfie(
    session_url: &str,
    jpeg: &'static [u8],
) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    let transport = HyperTransport::new();
    let page = transport
        .send(Request::get(session_url).body(Bytes::new())?)
        .await?;
    let html = String::from_utf8_lossy(page.body());
    if !page.status().is_success() || !html.contains("data-testid=\"verify\"") {
        return Err(format!(
            "the hosted page is not ready for a check ({})",
            page.status()
        )
        .into());
    }
    let submitted = transport
        .send(
            Request::builder()
                .method(Method::POST)
                .uri(format!("{session_url}/submit"))
                .header(header::CONTENT_TYPE, "image/jpeg")
                .body(Bytes::from_static(jpeg))?,
        )
        .await?;
    if !submitted.status().is_success() {
        return Err(format!(
            "the hosted page refused the selfie ({})",
            submitted.status()
        )
        .into());
    }
    let reply: serde_json::Value = serde_json::from_slice(submitted.body())?;
    reply["redirect"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| "the hosted page answered without a redirect".into())
}
