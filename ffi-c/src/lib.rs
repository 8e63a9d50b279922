//! The C ABI of aoscomm: `libaoscomm` (cdylib + staticlib) and `include/aoscomm.h` (generated
//! from this crate by cbindgen; `ffi-c/tests/header.rs` fails when it drifts).
//!
//! Conventions (model: rustls-ffi): `aoscomm_<noun>_<verb>` names; opaque handles; every
//! fallible function returns `aoscomm_result` and writes its outputs only on success; every
//! pointer is NULL-checked; every `_free` accepts NULL; every export catches panics; strings
//! and bytes in as pointer + length. No protocol logic here: it only converts and calls the core.
#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)]

#[macro_use]
mod result;
mod buffer;
mod client;
mod config;
mod event;
mod log;
#[cfg(feature = "mock-cloud")]
mod mock_cloud;
mod signer;

pub use buffer::*;
pub use client::*;
pub use config::*;
pub use event::*;
pub use log::*;
#[cfg(feature = "mock-cloud")]
pub use mock_cloud::*;
pub use result::{aoscomm_last_error, aoscomm_result, aoscomm_result_name, aoscomm_version};
pub use signer::aoscomm_sign_callback;

/// The core crate's version (the library's).
pub use aoscomm::VERSION;
