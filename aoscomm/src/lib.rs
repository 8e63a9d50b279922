//! aoscomm: the unit side of the AosCloud cloud-communication channel (protocol v7).
//!
//! This crate is the one core every binding shares:
//!
//! * [`protocol`]: the typed model of all 26 message types and the codec (no I/O).
//! * [`session`]: the sans-IO session engine (outbox, acks, resends, nacks, correlation,
//!   duplicates, reconnect schedule).
//! * [`tls`]: CA bundle, client certificate and key (PEM or a custom signer) → rustls config.
//! * [`transport`]: the typed [`transport::TransportError`] of discovery and WebSocket.
//! * [`discovery`]: the service-discovery POST (§4).
//! * [`ws`]: the WebSocket to the cloud (§4.4).
//! * `cloud` (feature `cloud`, on by default): a real mock cloud on 127.0.0.1 for tests and the
//!   demo.
//!
//! * [`client`]: the unit client: owns a tokio runtime, drives the session over the transport,
//!   writes the message log.
//!
//! The C, Python and uniffi bindings wrap this crate and hold no protocol logic of their own.

#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

pub mod analysis;
pub mod client;
#[cfg(feature = "cloud")]
pub mod cloud;
pub mod discovery;
mod net;
pub mod protocol;
pub mod session;
pub mod tls;
pub mod transport;
pub mod ws;

/// The crate version (`CARGO_PKG_VERSION`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
