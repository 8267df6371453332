//! Reading request bodies with a size limit, and draining unread ones.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::HeaderMap;
use http::header::CONTENT_LENGTH;
use http_body::Body as _;
use http_body_util::BodyExt as _;
use hyper::body::Incoming;

/// Largest API or control request body.
pub(crate) const API_BODY_LIMIT: usize = 64 * 1024;

/// Largest hosted-page submission.
pub(crate) const SUBMIT_BODY_LIMIT: usize = 5 * 1024 * 1024;

/// How much of an unread body is read and discarded before answering, so that the client sees
/// the answer instead of a connection reset.
const DRAIN_LIMIT: usize = 2 * 1024 * 1024;

/// How long draining may take.
const DRAIN_TIME: Duration = Duration::from_secs(2);

/// Why a body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReadError {
    /// Longer than the limit.
    TooLarge,
    /// The client went away or sent a malformed body.
    Failed,
}

/// Read all of `body` if it is at most `limit` bytes. On [`ReadError::TooLarge`] the rest of
/// the body is left unread in `body`.
pub(crate) async fn read_limited(
    body: &mut Incoming,
    headers: &HeaderMap,
    limit: usize,
) -> Result<Bytes, ReadError> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(len) = declared {
        if len > limit as u64 {
            return Err(ReadError::TooLarge);
        }
    }
    let capacity = declared.map_or(0, |l| usize::try_from(l).unwrap_or(0).min(limit));
    let mut buf: Option<BytesMut> = None;
    let mut first: Option<Bytes> = None;
    let mut total = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| ReadError::Failed)?;
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        total = total.saturating_add(data.len());
        if total > limit {
            return Err(ReadError::TooLarge);
        }
        // The common case is a single frame: keep it without copying.
        match (&mut buf, first.take()) {
            (None, None) => first = Some(data),
            (None, Some(prev)) => {
                let mut b = BytesMut::with_capacity(capacity.max(prev.len() + data.len()));
                b.extend_from_slice(&prev);
                b.extend_from_slice(&data);
                buf = Some(b);
            }
            (Some(b), _) => b.extend_from_slice(&data),
        }
    }
    Ok(match (buf, first) {
        (Some(b), _) => b.freeze(),
        (None, Some(f)) => f,
        (None, None) => Bytes::new(),
    })
}

/// Read and discard what is left of `body`, up to a bounded amount and time.
pub(crate) async fn drain(mut body: Incoming) {
    if body.is_end_stream() {
        return;
    }
    let work = async {
        let mut seen = 0usize;
        while let Some(Ok(frame)) = body.frame().await {
            if let Some(data) = frame.data_ref() {
                seen = seen.saturating_add(data.len());
                if seen > DRAIN_LIMIT {
                    break;
                }
            }
        }
    };
    let _ = tokio::time::timeout(DRAIN_TIME, work).await;
}
