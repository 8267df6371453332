//! A `tracing_subscriber` writer that keeps what was written, for tests that read the trace.

use std::io::Write;
use std::sync::{Arc, Mutex};

/// Every byte a subscriber wrote, shared between the subscriber's writer and the test.
#[derive(Clone, Default)]
pub(crate) struct Captured(pub(crate) Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// A subscriber that writes every event and span, TRACE and up and without colours, to
    /// this buffer. (`trace_capture.rs` builds its own, with span close events.)
    #[allow(dead_code)]
    pub(crate) fn subscriber(&self) -> impl tracing::Subscriber + Send + Sync + 'static {
        let writer = self.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish()
    }
}
