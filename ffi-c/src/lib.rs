//! Placeholder: this binding arrives with its own issue; it re-exports the core version.
pub use aoscomm::VERSION;
