//! The uniffi bindings generator, built from this crate so its version is
//! exactly the `uniffi` the library was compiled with:
//! `cargo run -p accord-uniffi --features cli --bin uniffi-bindgen -- generate --library
//! target/release/libaccord_uniffi.so --language kotlin --out-dir OUT`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
