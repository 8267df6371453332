//! Pieces shared by the examples in this folder (and tested in `examples/tests/`):
//!
//! - [`blocking`]: an HTTP/1.1 transport over `std::net`, with no async runtime — the kind of
//!   custom transport a constrained environment writes (used by `blocking_transport` and
//!   `sans_io`).
//! - `hosted_page` (feature `emulator`): completes a hosted check without a browser, the way a
//!   user's browser would (used by `quickstart`).
//! - `local` (feature `emulator`): a client for a configured GLAIR, or for an emulator started
//!   in-process.
//! - `webapp` (feature `emulator`): the web application of the `webapp` example, as a router
//!   the browser tests drive.

pub mod blocking;
#[cfg(feature = "emulator")]
pub mod hosted_page;
#[cfg(feature = "emulator")]
pub mod local;
#[cfg(feature = "emulator")]
pub mod webapp;

/// A small JPEG selfie (16×16 pixels) for completing emulated checks.
pub const SELFIE_JPEG: &[u8] = include_bytes!("../assets/selfie.jpg");
