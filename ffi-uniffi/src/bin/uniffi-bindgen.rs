//! The uniffi bindings generator, built from the same uniffi version as the library
//! (`cargo run -p aoscomm-uniffi --bin uniffi-bindgen -- generate --library ...`).
fn main() {
    uniffi::uniffi_bindgen_main();
}
