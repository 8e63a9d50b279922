//! `aoscomm_buffer`: bytes owned by the library.

/// Bytes the library hands out (e.g. a response's `data` JSON). Read with
/// `aoscomm_buffer_data` / `aoscomm_buffer_len`, free with `aoscomm_buffer_free`. Immutable:
/// may be read from any thread.
pub struct aoscomm_buffer {
    pub(crate) bytes: Vec<u8>,
}

impl aoscomm_buffer {
    /// A buffer holding `bytes` plus a NUL after them (not counted in the length).
    pub(crate) fn new(mut bytes: Vec<u8>) -> Box<Self> {
        let len = bytes.len();
        bytes.push(0);
        bytes.truncate(len);
        Box::new(aoscomm_buffer { bytes })
    }
}

/// The bytes (NUL-terminated after `aoscomm_buffer_len` bytes, for convenience); borrowed, valid
/// until the buffer is freed. NULL for NULL.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_buffer_data(b: *const aoscomm_buffer) -> *const u8 {
    ffi_value!(
        std::ptr::null(),
        match unsafe { b.as_ref() } {
            Some(b) => b.bytes.as_ptr(),
            None => std::ptr::null(),
        }
    )
}

/// The length in bytes; 0 for NULL.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_buffer_len(b: *const aoscomm_buffer) -> usize {
    ffi_value!(0, unsafe { b.as_ref() }.map_or(0, |b| b.bytes.len()))
}

/// Frees a buffer. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_buffer_free(b: *mut aoscomm_buffer) {
    ffi_value!((), {
        if !b.is_null() {
            drop(unsafe { Box::from_raw(b) });
        }
    })
}
