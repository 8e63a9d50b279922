//! uniffi bindings of aoscomm: Kotlin, Swift and Python from the same core (proc-macros, no
//! UDL). No protocol logic lives here: the core decides; this crate converts types, runs the
//! async exports on the client's own tokio runtime, and feeds foreign listeners.
//!
//! Generate bindings with the pinned generator from this crate:
//! `cargo run -p aoscomm-uniffi --bin uniffi-bindgen -- generate --library <libaoscomm_uniffi.so>
//! --language kotlin --out-dir <dir>` (see `bindings-tests/uniffi.sh`).

mod client;
mod cloud;
mod codec;
mod config;
mod error;
mod listener;

pub use client::{ClientEvent, Delivery, DeliveryStatus, Undelivered, UnitClient};
pub use cloud::MockCloud;
pub use codec::{canonical_data, decode, encode, message_types, Message};
pub use config::ClientConfig;
pub use error::AoscommError;
pub use listener::{EventListener, Subscription};

uniffi::setup_scaffolding!();

/// The library version.
#[uniffi::export]
pub fn version() -> String {
    aoscomm::VERSION.to_string()
}
