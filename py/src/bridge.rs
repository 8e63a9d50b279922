//! Resolves asyncio futures from the client's threads without a task per message, without a
//! helper thread, and without a runtime thread ever waiting for the interpreter.
//!
//! Each event loop gets one `LoopBridge`: a queue plus a socket pair whose read end the loop
//! watches (`loop.add_reader`). An outcome callback (on the client's runtime thread) pushes
//! the completion into the queue and, when the queue was empty, writes one byte. The loop then
//! runs `drain()` on its own thread, with the interpreter already held, and settles every
//! queued future at once: at window 64 one wake-up settles many futures.

use std::io::{ErrorKind, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::sync::{Arc, Mutex};

use aoscomm::client::RequestError;
use aoscomm::protocol::Envelope;
use pyo3::prelude::*;

use crate::codec::Message;
use crate::delivery::Delivery;
use crate::errors;

/// What a future resolves to.
pub enum Outcome {
    Delivery(Delivery),
    Response(Box<Result<Envelope, RequestError>>),
}

struct Completion {
    future: Py<PyAny>,
    outcome: Outcome,
}

pub struct Shared {
    queue: Mutex<Vec<Completion>>,
    wake_tx: UnixStream,
    wake_rx: UnixStream,
}

impl Shared {
    /// Queues a completion and wakes the loop if it was idle. Never blocks.
    pub fn complete(&self, future: Py<PyAny>, outcome: Outcome) {
        let was_empty = {
            let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
            q.push(Completion { future, outcome });
            q.len() == 1
        };
        if was_empty {
            // Non-blocking: a full socket buffer already means a wake-up is pending.
            let _ = (&self.wake_tx).write(&[1]);
        }
    }
}

/// One event loop's end of the bridge (see the module docs). Made by `aoscomm.client`.
#[pyclass(module = "aoscomm._aoscomm", frozen)]
pub struct LoopBridge {
    pub shared: Arc<Shared>,
}

#[pymethods]
impl LoopBridge {
    #[new]
    fn new() -> PyResult<Self> {
        let (wake_tx, wake_rx) = UnixStream::pair()?;
        wake_tx.set_nonblocking(true)?;
        wake_rx.set_nonblocking(true)?;
        Ok(LoopBridge {
            shared: Arc::new(Shared {
                queue: Mutex::new(Vec::new()),
                wake_tx,
                wake_rx,
            }),
        })
    }

    /// The descriptor the loop watches for readability.
    fn fileno(&self) -> i32 {
        self.shared.wake_rx.as_raw_fd()
    }

    /// Settles every queued future (called by the loop when `fileno()` is readable).
    fn drain(&self, py: Python<'_>) {
        let mut buf = [0u8; 64];
        loop {
            match (&self.shared.wake_rx).read(&mut buf) {
                Ok(n) if n > 0 => continue,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                _ => break,
            }
        }
        let batch =
            std::mem::take(&mut *self.shared.queue.lock().unwrap_or_else(|p| p.into_inner()));
        for c in batch {
            let fut = c.future.bind(py);
            // Cancelled meanwhile (or otherwise settled): nothing to do.
            if fut
                .call_method0("done")
                .and_then(|d| d.is_truthy())
                .unwrap_or(true)
            {
                continue;
            }
            let res = match c.outcome {
                Outcome::Delivery(d) => fut.call_method1("set_result", (d,)),
                Outcome::Response(r) => match *r {
                    Ok(env) => fut.call_method1("set_result", (Message::new(env),)),
                    Err(e) => fut
                        .call_method1("set_exception", (errors::request_error(e).into_value(py),)),
                },
            };
            if let Err(e) = res {
                e.write_unraisable(py, Some(fut));
            }
        }
    }

    /// Completions waiting for the loop.
    fn pending(&self) -> usize {
        self.shared
            .queue
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .len()
    }
}
