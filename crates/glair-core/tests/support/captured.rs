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
