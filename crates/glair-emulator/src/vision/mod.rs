//! The direct GLAIR Vision endpoints besides the sessions: face match, passive and active
//! liveness, identity verification and face verification, and every OCR document (F1–F3,
//! I1–I2, O1–O19 of the glair-types catalog).
//!
//! One mechanism serves all of them: [`table::ROUTES`] maps each catalog endpoint to its
//! outcomes and fixture builder; [`form`] parses `multipart/form-data` under stated limits;
//! [`upload`] checks a parsed request against the endpoint's description (its file parts and
//! their accepted formats, its required text fields); [`outcomes`] holds the default outcome
//! of each endpoint, which a request can override with the `x-emulator-outcome` header.

pub(crate) mod form;
pub(crate) mod outcomes;
pub(crate) mod table;
pub(crate) mod upload;
