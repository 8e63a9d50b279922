//! Routing the library's `tracing` records to a C callback.

use std::fmt::Write as _;
use std::os::raw::{c_char, c_void};
use std::sync::{Once, RwLock};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;

use crate::result::*;

/// Log level: errors.
pub const AOSCOMM_LOG_ERROR: u32 = 1;
/// Log level: warnings.
pub const AOSCOMM_LOG_WARN: u32 = 2;
/// Log level: information.
pub const AOSCOMM_LOG_INFO: u32 = 3;
/// Log level: debugging.
pub const AOSCOMM_LOG_DEBUG: u32 = 4;
/// Log level: tracing.
pub const AOSCOMM_LOG_TRACE: u32 = 5;

/// Receives one log record: `level` (`AOSCOMM_LOG_*`), the message (UTF-8, `len` bytes, also
/// NUL-terminated; borrowed for the call) as "target: message field=value ...". Called on
/// library threads, possibly concurrently; it must not call `aoscomm_set_log_callback`.
pub type aoscomm_log_callback =
    Option<unsafe extern "C" fn(userdata: *mut c_void, level: u32, msg: *const c_char, len: usize)>;

#[derive(Clone, Copy)]
struct Sink {
    f: unsafe extern "C" fn(*mut c_void, u32, *const c_char, usize),
    userdata: usize,
    max_level: u32,
}

static SINK: RwLock<Option<Sink>> = RwLock::new(None);
static INSTALL: Once = Once::new();

fn level_num(l: &Level) -> u32 {
    match *l {
        Level::ERROR => AOSCOMM_LOG_ERROR,
        Level::WARN => AOSCOMM_LOG_WARN,
        Level::INFO => AOSCOMM_LOG_INFO,
        Level::DEBUG => AOSCOMM_LOG_DEBUG,
        Level::TRACE => AOSCOMM_LOG_TRACE,
    }
}

struct CLayer;

struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, " {value:?}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            let _ = write!(self.0, " {value}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }
}

impl<S: Subscriber> Layer<S> for CLayer {
    fn enabled(&self, meta: &Metadata<'_>, _: Context<'_, S>) -> bool {
        let sink = *SINK.read().unwrap_or_else(|p| p.into_inner());
        sink.is_some_and(|s| level_num(meta.level()) <= s.max_level)
    }

    fn register_callsite(&self, _: &'static Metadata<'static>) -> tracing::subscriber::Interest {
        // The level may change at any time: ask `enabled` each time.
        tracing::subscriber::Interest::sometimes()
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let guard = SINK.read().unwrap_or_else(|p| p.into_inner());
        let Some(sink) = *guard else { return };
        let level = level_num(event.metadata().level());
        if level > sink.max_level {
            return;
        }
        let mut f = Fields(format!("{}:", event.metadata().target()));
        event.record(&mut f);
        let mut msg = f.0.into_bytes();
        let len = msg.len();
        msg.push(0);
        let _ = crate::client::as_callback(|| {
            std::panic::catch_unwind(|| unsafe {
                (sink.f)(
                    sink.userdata as *mut c_void,
                    level,
                    msg.as_ptr() as *const c_char,
                    len,
                )
            })
        });
    }
}

/// Routes the library's log records up to `max_level` (`AOSCOMM_LOG_ERROR` .. `AOSCOMM_LOG_TRACE`)
/// to `cb`; process-wide. `cb` NULL removes it (when it returns, no call of the old callback is
/// running). The first call installs the library's global `tracing` subscriber (if the process
/// already has one, CONFIG). `userdata` must stay valid until the callback is replaced.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_set_log_callback(
    cb: aoscomm_log_callback,
    userdata: *mut c_void,
    max_level: u32,
) -> aoscomm_result {
    ffi_result!({
        if cb.is_some() && !(AOSCOMM_LOG_ERROR..=AOSCOMM_LOG_TRACE).contains(&max_level) {
            return fail(
                aoscomm_result::InvalidArgument,
                format!("max_level: {max_level} is not 1..5"),
            );
        }
        let mut installed = Ok(());
        INSTALL.call_once(|| {
            installed = tracing::subscriber::set_global_default(
                tracing_subscriber::registry().with(CLayer),
            );
        });
        if installed.is_err() {
            return fail(
                aoscomm_result::Config,
                "a global tracing subscriber is already installed",
            );
        }
        let mut sink = SINK.write().unwrap_or_else(|p| p.into_inner());
        *sink = cb.map(|f| Sink {
            f,
            userdata: userdata as usize,
            max_level,
        });
        drop(sink);
        tracing::callsite::rebuild_interest_cache();
        Ok(())
    })
}
