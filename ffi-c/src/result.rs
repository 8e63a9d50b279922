//! The result enum, the calling thread's last error, and the panic boundary.

use std::cell::RefCell;
use std::os::raw::c_char;

/// What a fallible function reports. The values are explicit and never reused.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum aoscomm_result {
    /// Success.
    Ok = 0,
    /// A required pointer argument was NULL.
    NullParameter = 1,
    /// The library panicked; the operation did not complete.
    Panic = 2,
    /// Not UTF-8, an out-of-range setting, or an unknown enum value.
    InvalidArgument = 3,
    /// The `data` JSON fails validation; `aoscomm_last_error` names the field and the rule.
    InvalidData = 4,
    /// `aoscomm_client_new`: a TLS, PEM, URL or other configuration problem.
    Config = 5,
    /// A non-important message before `aoscomm_client_start`.
    NotStarted = 6,
    /// The client is closed.
    Closed = 7,
    /// The outbox is full.
    QueueFull = 8,
    /// The message alone is larger than the outbox may hold.
    TooLarge = 9,
    /// A blocking wait ran out.
    Timeout = 10,
    /// `aoscomm_client_request`: no response (timed out, or could not be delivered).
    RequestFailed = 11,
    /// An output buffer is too small.
    BufferTooSmall = 12,
    /// Unknown message id.
    NotFound = 13,
    /// A blocking call was made from inside a library callback.
    WouldDeadlock = 14,
    /// `aoscomm_client_next_event`: nothing arrived within the timeout.
    NoEvent = 15,
    /// An operating-system I/O error.
    Io = 16,
}

impl aoscomm_result {
    pub(crate) fn name(self) -> &'static std::ffi::CStr {
        use aoscomm_result::*;
        match self {
            Ok => c"AOSCOMM_RESULT_OK",
            NullParameter => c"AOSCOMM_RESULT_NULL_PARAMETER",
            Panic => c"AOSCOMM_RESULT_PANIC",
            InvalidArgument => c"AOSCOMM_RESULT_INVALID_ARGUMENT",
            InvalidData => c"AOSCOMM_RESULT_INVALID_DATA",
            Config => c"AOSCOMM_RESULT_CONFIG",
            NotStarted => c"AOSCOMM_RESULT_NOT_STARTED",
            Closed => c"AOSCOMM_RESULT_CLOSED",
            QueueFull => c"AOSCOMM_RESULT_QUEUE_FULL",
            TooLarge => c"AOSCOMM_RESULT_TOO_LARGE",
            Timeout => c"AOSCOMM_RESULT_TIMEOUT",
            RequestFailed => c"AOSCOMM_RESULT_REQUEST_FAILED",
            BufferTooSmall => c"AOSCOMM_RESULT_BUFFER_TOO_SMALL",
            NotFound => c"AOSCOMM_RESULT_NOT_FOUND",
            WouldDeadlock => c"AOSCOMM_RESULT_WOULD_DEADLOCK",
            NoEvent => c"AOSCOMM_RESULT_NO_EVENT",
            Io => c"AOSCOMM_RESULT_IO",
        }
    }

    pub(crate) fn from_u32(v: u32) -> Option<Self> {
        use aoscomm_result::*;
        const ALL: [aoscomm_result; 17] = [
            Ok,
            NullParameter,
            Panic,
            InvalidArgument,
            InvalidData,
            Config,
            NotStarted,
            Closed,
            QueueFull,
            TooLarge,
            Timeout,
            RequestFailed,
            BufferTooSmall,
            NotFound,
            WouldDeadlock,
            NoEvent,
            Io,
        ];
        ALL.iter().copied().find(|r| *r as u32 == v)
    }
}

/// A failure: the code and the message for `aoscomm_last_error`.
#[derive(Debug)]
pub(crate) struct Fail(pub aoscomm_result, pub String);

pub(crate) type FfiResult<T = ()> = Result<T, Fail>;

pub(crate) fn fail<T>(r: aoscomm_result, msg: impl Into<String>) -> FfiResult<T> {
    Err(Fail(r, msg.into()))
}

thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

pub(crate) fn set_last_error(msg: &str) {
    LAST_ERROR.with(|e| {
        let mut e = e.borrow_mut();
        e.clear();
        e.push_str(msg);
    });
}

/// Turns an internal result into the C result, recording the message of a failure.
pub(crate) fn finish(r: FfiResult) -> aoscomm_result {
    match r {
        Ok(()) => aoscomm_result::Ok,
        Err(Fail(code, msg)) => {
            set_last_error(&msg);
            code
        }
    }
}

pub(crate) fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        format!("panic: {s}")
    } else if let Some(s) = p.downcast_ref::<String>() {
        format!("panic: {s}")
    } else {
        "panic".to_string()
    }
}

/// Runs `$body` (an `FfiResult<()>` expression) behind a panic boundary, returning an
/// `aoscomm_result`.
macro_rules! ffi_result {
    ($body:expr) => {{
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(
            || -> $crate::result::FfiResult { $body },
        )) {
            Ok(r) => $crate::result::finish(r),
            Err(p) => {
                $crate::result::set_last_error(&$crate::result::panic_message(&*p));
                $crate::result::aoscomm_result::Panic
            }
        }
    }};
}

/// Runs `$body` behind a panic boundary; a panic returns `$default`.
macro_rules! ffi_value {
    ($default:expr, $body:expr) => {{
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| $body)) {
            Ok(v) => v,
            Err(p) => {
                $crate::result::set_last_error(&$crate::result::panic_message(&*p));
                $default
            }
        }
    }};
}

/// A shared reference from a pointer, or NULL_PARAMETER.
macro_rules! try_ref {
    ($p:expr, $name:literal) => {
        match unsafe { $p.as_ref() } {
            Some(r) => r,
            None => {
                return $crate::result::fail(
                    $crate::result::aoscomm_result::NullParameter,
                    concat!($name, " is NULL"),
                )
            }
        }
    };
}

/// A mutable reference from a pointer, or NULL_PARAMETER.
macro_rules! try_mut {
    ($p:expr, $name:literal) => {
        match unsafe { $p.as_mut() } {
            Some(r) => r,
            None => {
                return $crate::result::fail(
                    $crate::result::aoscomm_result::NullParameter,
                    concat!($name, " is NULL"),
                )
            }
        }
    };
}

/// Bytes from pointer + length (an empty slice for len 0, even with a NULL pointer).
pub(crate) unsafe fn bytes<'a>(p: *const u8, len: usize, name: &str) -> FfiResult<&'a [u8]> {
    if len == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return fail(aoscomm_result::NullParameter, format!("{name} is NULL"));
    }
    Ok(unsafe { std::slice::from_raw_parts(p, len) })
}

/// UTF-8 text from pointer + length.
pub(crate) unsafe fn text<'a>(p: *const c_char, len: usize, name: &str) -> FfiResult<&'a str> {
    let b = unsafe { bytes(p as *const u8, len, name)? };
    std::str::from_utf8(b).or_else(|e| {
        fail(
            aoscomm_result::InvalidArgument,
            format!("{name}: not UTF-8 ({e})"),
        )
    })
}

/// A NUL-terminated UTF-8 string.
#[cfg_attr(not(feature = "mock-cloud"), allow(dead_code))]
pub(crate) unsafe fn cstr<'a>(p: *const c_char, name: &str) -> FfiResult<&'a str> {
    if p.is_null() {
        return fail(aoscomm_result::NullParameter, format!("{name} is NULL"));
    }
    unsafe { std::ffi::CStr::from_ptr(p) }
        .to_str()
        .or_else(|e| {
            fail(
                aoscomm_result::InvalidArgument,
                format!("{name}: not UTF-8 ({e})"),
            )
        })
}

/// The version of the library, e.g. "0.1.0": static, NUL-terminated.
#[no_mangle]
pub extern "C" fn aoscomm_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr() as *const c_char
}

/// Copies the calling thread's last error message (UTF-8, NUL-terminated, truncated to fit)
/// into `buf`; returns the full message length (without the NUL). `buf` may be NULL when `len`
/// is 0. The message is that of the last failing call on this thread (it is not cleared by
/// successful calls).
#[no_mangle]
pub unsafe extern "C" fn aoscomm_last_error(buf: *mut c_char, len: usize) -> usize {
    ffi_value!(0, {
        LAST_ERROR.with(|e| {
            let e = e.borrow();
            let msg = e.as_bytes();
            if !buf.is_null() && len > 0 {
                let mut n = msg.len().min(len - 1);
                // do not cut a UTF-8 sequence
                while n > 0 && n < msg.len() && (msg[n] & 0xC0) == 0x80 {
                    n -= 1;
                }
                unsafe {
                    std::ptr::copy_nonoverlapping(msg.as_ptr(), buf as *mut u8, n);
                    *buf.add(n) = 0;
                }
            }
            msg.len()
        })
    })
}

/// The name of a result value ("AOSCOMM_RESULT_OK", ...): static, NUL-terminated;
/// "AOSCOMM_RESULT_UNKNOWN" for a value that is not one.
#[no_mangle]
pub extern "C" fn aoscomm_result_name(r: u32) -> *const c_char {
    // Taken as a plain uint32_t (what aoscomm_result is in C): a caller may pass any value.
    match aoscomm_result::from_u32(r) {
        Some(r) => r.name().as_ptr() as *const c_char,
        None => c"AOSCOMM_RESULT_UNKNOWN".as_ptr() as *const c_char,
    }
}
