//! `Event` and `EventStream` (blocking iteration and `async for`).

use std::sync::{Arc, Mutex};

use aoscomm::client::{ClientEvent, EventStream as CoreStream};
use pyo3::exceptions::PyStopAsyncIteration;
use pyo3::prelude::*;

use crate::codec::Message;
use crate::delivery::Delivery;
use crate::errors;
use crate::wait;

/// Something the client reports. `kind` is `"connected"`, `"disconnected"`,
/// `"connect_failed"`, `"message"`, `"delivery"` or `"rejected"`; the other attributes are set
/// for the kinds they belong to and None otherwise.
#[pyclass(module = "aoscomm", frozen, get_all, weakref)]
pub struct Event {
    pub kind: &'static str,
    /// `message`: the received cloud message (already acknowledged, delivered once).
    pub message: Option<Py<Message>>,
    /// `delivery`: the outcome of a sent message.
    pub delivery: Option<Py<Delivery>>,
    /// `connected`: the WebSocket URL.
    pub url: Option<String>,
    /// `disconnected` / `rejected`: why.
    pub reason: Option<String>,
    /// `connect_failed`: the error (an `aoscomm.ConnectionError` instance, not raised).
    pub error: Option<Py<PyAny>>,
}

impl Event {
    fn empty(kind: &'static str) -> Self {
        Event {
            kind,
            message: None,
            delivery: None,
            url: None,
            reason: None,
            error: None,
        }
    }

    pub fn from_core(py: Python<'_>, ev: ClientEvent) -> PyResult<Event> {
        Ok(match ev {
            ClientEvent::Connected { url } => Event {
                url: Some(url),
                ..Event::empty("connected")
            },
            ClientEvent::Disconnected { reason } => Event {
                reason: Some(reason),
                ..Event::empty("disconnected")
            },
            ClientEvent::ConnectFailed { error, stage } => {
                let e = errors::transport_exception(py, &error, Some(stage), "");
                Event {
                    reason: Some(error.to_string()),
                    error: Some(e.into_value(py).into_any()),
                    ..Event::empty("connect_failed")
                }
            }
            ClientEvent::Message(env) => Event {
                message: Some(Py::new(py, Message::new(*env))?),
                ..Event::empty("message")
            },
            ClientEvent::Delivery {
                message_type,
                outcome,
                ..
            } => Event {
                delivery: Some(Py::new(py, Delivery::from_outcome(&outcome, message_type))?),
                ..Event::empty("delivery")
            },
            ClientEvent::Rejected { reason } => Event {
                reason: Some(reason),
                ..Event::empty("rejected")
            },
        })
    }
}

#[pymethods]
impl Event {
    fn __repr__(&self, py: Python<'_>) -> String {
        let detail = match self.kind {
            "message" => self
                .message
                .as_ref()
                .map(|m| m.get().__repr_str())
                .unwrap_or_default(),
            "delivery" => self
                .delivery
                .as_ref()
                .map(|d| {
                    format!(
                        "{:?}",
                        d.bind(py).repr().map(|r| r.to_string()).unwrap_or_default()
                    )
                })
                .unwrap_or_default(),
            "connected" => format!("url={:?}", self.url.as_deref().unwrap_or_default()),
            _ => format!("reason={:?}", self.reason.as_deref().unwrap_or_default()),
        };
        format!("Event(kind={:?}, {detail})", self.kind)
    }
}

/// A subscription to a client's events, from `Client.events()`. It sees every event from its
/// creation on and ends when the client closes (iteration stops) or `close()` is called.
/// Events beyond its capacity (default 4096 unread) drop the oldest; `dropped` counts them.
#[pyclass(module = "aoscomm", frozen, weakref)]
pub struct EventStream {
    stream: Mutex<Option<Arc<CoreStream>>>,
}

impl EventStream {
    pub fn new(s: CoreStream) -> Self {
        EventStream {
            stream: Mutex::new(Some(Arc::new(s))),
        }
    }

    fn get_stream(&self) -> Option<Arc<CoreStream>> {
        self.stream
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

#[pymethods]
impl EventStream {
    /// The next event, waiting at most `timeout` seconds (None = no limit). Returns None once
    /// the stream has ended; raises `TimeoutError` when the time runs out.
    #[pyo3(signature = (timeout = None))]
    fn get(&self, py: Python<'_>, timeout: Option<f64>) -> PyResult<Option<Event>> {
        let Some(s) = self.get_stream() else {
            return Ok(None);
        };
        let deadline = wait::deadline(timeout, "timeout")?;
        // Some(Some(ev)) = an event, Some(None) = the stream ended, None = time ran out.
        let got = wait::blocking(py, deadline, |d| match s.recv_timeout(d) {
            Some(ev) => Some(Some(ev)),
            // Timed out or ended: tell the two apart without losing a just-arrived event.
            None => match s.try_recv() {
                Ok(Some(ev)) => Some(Some(ev)),
                Ok(None) => None,
                Err(_) => Some(None),
            },
        })?;
        match got {
            Some(Some(ev)) => Event::from_core(py, ev).map(Some),
            Some(None) => Ok(None),
            None => Err(errors::timeout(format!(
                "no event within {} s",
                timeout.unwrap_or_default()
            ))),
        }
    }

    /// The next event if one is waiting, else None (never blocks).
    fn get_nowait(&self, py: Python<'_>) -> PyResult<Option<Event>> {
        match self.get_stream().and_then(|s| s.try_recv().ok().flatten()) {
            Some(ev) => Event::from_core(py, ev).map(Some),
            None => Ok(None),
        }
    }

    /// Awaitable form of `get()` without a timeout (wrap it in `asyncio.wait_for`).
    fn aget<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let s = self.get_stream();
        pyo3_async_runtimes::tokio::future_into_py(py, async move {
            let ev = match s {
                Some(s) => s.recv().await,
                None => None,
            };
            Python::attach(|py| ev.map(|e| Event::from_core(py, e)).transpose())
        })
    }

    /// Events dropped because this stream was not read fast enough.
    #[getter]
    fn dropped(&self) -> u64 {
        self.get_stream().map(|s| s.dropped()).unwrap_or(0)
    }

    /// Ends this subscription (the client stops queueing events for it).
    fn close(&self) {
        self.stream.lock().unwrap_or_else(|p| p.into_inner()).take();
    }

    fn __iter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Event>> {
        self.get(py, None)
    }

    fn __aiter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let s = self.get_stream();
        pyo3_async_runtimes::tokio::future_into_py(py, async move {
            let ev = match s {
                Some(s) => s.recv().await,
                None => None,
            };
            match ev {
                Some(e) => Python::attach(|py| Event::from_core(py, e)),
                None => Err(PyStopAsyncIteration::new_err(())),
            }
        })
    }

    fn __enter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(&self, _args: &Bound<'_, pyo3::types::PyTuple>) {
        self.close();
    }
}
