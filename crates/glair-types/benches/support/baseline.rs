//! What the codec benchmark and the `codec_count` example share: the inputs, and the plain
//! serde structs of the bare baseline (what a hand-written client would declare).

#![allow(dead_code)]

use serde::{Deserialize, Serialize};

pub(crate) const SUCCESS_URL: &str = "https://app.example/liveness/done";
pub(crate) const CANCEL_URL: &str = "https://app.example/liveness/cancelled";

pub(crate) const FINISHED: &[u8] = br#"{"status":"FINISHED","expired":1678247333160,"url":"https://vision.glair.ai/passive-liveness/Ab3dEf9hIj1kLm5nOp7qRs2tUv4wXy6z","success_url":"https://app.example/liveness/done","cancel_url":"https://app.example/liveness/cancelled","result":{"status":"success","result":{"spoof_percentage":0.02611,"status":"LOW"}}}"#;

/// The create body as a hand-written client would declare it.
#[derive(Serialize)]
pub(crate) struct PlainCreate<'a> {
    pub(crate) success_url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) cancel_url: Option<&'a str>,
}

/// A plain mirror of the session object.
#[derive(Deserialize)]
pub(crate) struct PlainSession {
    pub(crate) status: String,
    pub(crate) expired: Option<i64>,
    pub(crate) url: String,
    pub(crate) success_url: String,
    pub(crate) cancel_url: Option<String>,
    pub(crate) result: Option<PlainResult>,
}

#[derive(Deserialize)]
pub(crate) struct PlainResult {
    pub(crate) status: String,
    pub(crate) result: Option<PlainSpoof>,
}

#[derive(Deserialize)]
pub(crate) struct PlainSpoof {
    pub(crate) spoof_percentage: Option<f64>,
    pub(crate) status: String,
}
