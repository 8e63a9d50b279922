//! aoscomm: the unit side of the AosCloud cloud-communication channel (protocol v7).
//!
//! This crate is the one core every binding shares:
//!
//! * [`protocol`]: the typed model of all 26 message types and the codec (no I/O).
//! * [`session`]: the sans-IO session engine (outbox, acks, resends, nacks, correlation,
//!   duplicates, reconnect schedule).
//!
//! The session engine, transport, client and mock cloud arrive in later layers; the C, Python and
//! uniffi bindings wrap this crate and hold no protocol logic of their own.

#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

pub mod protocol;
pub mod session;

/// The crate version (`CARGO_PKG_VERSION`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
