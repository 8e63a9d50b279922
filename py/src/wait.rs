//! Blocking waits that release the interpreter and still answer Ctrl-C.

use std::time::{Duration, Instant};

use pyo3::prelude::*;

/// How long one detached wait lasts before signals are checked.
const SLICE: Duration = Duration::from_millis(50);

/// Converts a caller's `timeout` (seconds, None = no limit) into a deadline.
pub fn deadline(timeout: Option<f64>, what: &str) -> PyResult<Option<Instant>> {
    match timeout {
        None => Ok(None),
        Some(t) if t.is_finite() && t >= 0.0 => {
            Ok(Instant::now().checked_add(Duration::from_secs_f64(t.min(1e9))))
        }
        Some(t) => Err(pyo3::exceptions::PyValueError::new_err(format!(
            "{what}: {t} is not a number of seconds >= 0"
        ))),
    }
}

/// Calls `f(slice)` with the interpreter released until it yields a value or the deadline
/// passes (`Ok(None)`). Between slices pending signals run (Ctrl-C raises KeyboardInterrupt).
pub fn blocking<T: Send>(
    py: Python<'_>,
    deadline: Option<Instant>,
    f: impl Fn(Duration) -> Option<T> + Sync,
) -> PyResult<Option<T>> {
    loop {
        let slice = match deadline {
            Some(d) => match d.checked_duration_since(Instant::now()) {
                Some(left) => left.min(SLICE),
                None => return Ok(py.detach(|| f(Duration::ZERO))),
            },
            None => SLICE,
        };
        if let Some(v) = py.detach(|| f(slice)) {
            return Ok(Some(v));
        }
        py.check_signals()?;
    }
}
