//! The subcommands of the `aoscomm` binary other than `decode`.

pub mod cloud;
pub mod connect;
pub mod demo;
