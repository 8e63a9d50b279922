//! Versioned SONAME for the shared library.
//!
//! Policy: the SONAME is `libaoscomm.so.<major>`; the major version is the crate's. Before 1.0
//! there is no ABI promise between minor versions (the SONAME stays `libaoscomm.so.0`); from 1.0
//! on an incompatible ABI change bumps the major version and with it the SONAME.

fn main() {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".into());
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if target_os == "linux" || target_os == "android" || target_os.ends_with("bsd") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libaoscomm.so.{major}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
