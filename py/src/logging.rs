//! The library's `tracing` records -> the Python `logging` logger `aoscomm`.
//!
//! The runtime threads never touch the interpreter: a record below the logger's level is
//! dropped at once, others go through a bounded queue to one pump thread that attaches and
//! calls `logger.log`. `shutdown()` (registered with `atexit` by the package) stops the pump
//! before the interpreter finalizes.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::Duration;

use pyo3::prelude::*;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;

/// Python logging levels.
const DEBUG: u8 = 10;
const INFO: u8 = 20;
const WARNING: u8 = 30;
const ERROR: u8 = 40;
/// Below Python's DEBUG: `tracing`'s TRACE.
const TRACE: u8 = 5;

/// The effective level of the `aoscomm` logger (records below it are dropped at the source).
static LEVEL: AtomicU8 = AtomicU8::new(WARNING);
static RUNNING: AtomicBool = AtomicBool::new(false);
/// Records dropped because the queue was full.
static DROPPED: AtomicU64 = AtomicU64::new(0);

struct Record {
    level: u8,
    target: String,
    message: String,
}

struct Pump {
    tx: SyncSender<Option<Record>>,
    thread: Option<JoinHandle<()>>,
}

static PUMP: Mutex<Option<Pump>> = Mutex::new(None);
static INSTALLED: OnceLock<bool> = OnceLock::new();

fn py_level(l: &Level) -> u8 {
    match *l {
        Level::ERROR => ERROR,
        Level::WARN => WARNING,
        Level::INFO => INFO,
        Level::DEBUG => DEBUG,
        Level::TRACE => TRACE,
    }
}

struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let sep = if self.0.is_empty() { "" } else { " " };
        if field.name() == "message" {
            let _ = write!(self.0, "{sep}{value:?}");
        } else {
            let _ = write!(self.0, "{sep}{}={value:?}", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        let sep = if self.0.is_empty() { "" } else { " " };
        if field.name() == "message" {
            let _ = write!(self.0, "{sep}{value}");
        } else {
            let _ = write!(self.0, "{sep}{}={value:?}", field.name());
        }
    }
}

struct PyLayer;

impl<S: Subscriber> Layer<S> for PyLayer {
    fn enabled(&self, meta: &Metadata<'_>, _: Context<'_, S>) -> bool {
        RUNNING.load(Ordering::Relaxed) && py_level(meta.level()) >= LEVEL.load(Ordering::Relaxed)
    }

    fn register_callsite(&self, _: &'static Metadata<'static>) -> tracing::subscriber::Interest {
        tracing::subscriber::Interest::sometimes()
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let level = py_level(event.metadata().level());
        if !RUNNING.load(Ordering::Relaxed) || level < LEVEL.load(Ordering::Relaxed) {
            return;
        }
        let mut f = Fields(String::new());
        event.record(&mut f);
        let rec = Record {
            level,
            target: event.metadata().target().to_string(),
            message: f.0,
        };
        let guard = PUMP.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(p) = guard.as_ref() {
            if p.tx.try_send(Some(rec)).is_err() {
                DROPPED.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

/// Re-reads the `aoscomm` logger's effective level (called when clients are made/started and
/// by the pump).
pub fn refresh_level(py: Python<'_>) {
    let level = py
        .import("logging")
        .and_then(|m| m.call_method1("getLogger", ("aoscomm",)))
        .and_then(|l| l.call_method0("getEffectiveLevel"))
        .and_then(|v| v.extract::<i64>());
    if let Ok(l) = level {
        LEVEL.store(l.clamp(0, 255) as u8, Ordering::Relaxed);
    }
}

fn pump(rx: Receiver<Option<Record>>) {
    loop {
        match rx.recv_timeout(Duration::from_secs(1)) {
            Ok(Some(rec)) => {
                let mut batch = vec![rec];
                while let Ok(Some(r)) = rx.try_recv() {
                    batch.push(r);
                }
                Python::attach(|py| {
                    let logger = py
                        .import("logging")
                        .and_then(|m| m.call_method1("getLogger", ("aoscomm",)));
                    if let Ok(logger) = logger {
                        for r in batch {
                            let msg = format!("{}: {}", r.target, r.message);
                            let _ = logger.call_method1("log", (r.level.max(1), msg));
                        }
                    }
                    refresh_level(py);
                });
            }
            Ok(None) | Err(RecvTimeoutError::Disconnected) => return,
            Err(RecvTimeoutError::Timeout) => {}
        }
    }
}

/// Installs the global `tracing` subscriber (once per process; if the process already has
/// one, Rust records do not reach Python) and starts the pump.
pub fn install(py: Python<'_>) {
    refresh_level(py);
    let ok = *INSTALLED.get_or_init(|| {
        tracing::subscriber::set_global_default(tracing_subscriber::registry().with(PyLayer))
            .is_ok()
    });
    if !ok {
        return;
    }
    let mut guard = PUMP.lock().unwrap_or_else(|p| p.into_inner());
    if guard.is_none() {
        let (tx, rx) = sync_channel(10_000);
        let thread = std::thread::Builder::new()
            .name("aoscomm-log".into())
            .spawn(move || pump(rx))
            .ok();
        *guard = Some(Pump { tx, thread });
        RUNNING.store(true, Ordering::Relaxed);
    }
    drop(guard);
    tracing::callsite::rebuild_interest_cache();
}

/// Stops the pump (records from now on are discarded). Called at interpreter exit.
#[pyfunction]
pub fn shutdown_logging(py: Python<'_>) {
    RUNNING.store(false, Ordering::Relaxed);
    let p = PUMP.lock().unwrap_or_else(|p| p.into_inner()).take();
    if let Some(mut p) = p {
        let _ = p.tx.try_send(None);
        drop(p.tx);
        if let Some(t) = p.thread.take() {
            py.detach(move || {
                let _ = t.join();
            });
        }
    }
}

/// Log records dropped because Python did not keep up.
#[pyfunction]
pub fn dropped_log_records() -> u64 {
    DROPPED.load(Ordering::Relaxed)
}
