//! `aoscomm._aoscomm.NativeClient`: the core client with blocking (interpreter released,
//! Ctrl-C answered) and awaitable methods. `aoscomm.Client` and `aoscomm.AsyncClient` wrap it.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use aoscomm::client::{Client, DeliveryHandle, RequestError, SendOptions, WithdrawOnDrop};
use aoscomm::protocol::MessageType;
use aoscomm::session::MessageId;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::bridge::{self, LoopBridge};
use crate::codec::{parse_data, Message};
use crate::delivery::{Delivery, PendingDelivery};
use crate::errors;
use crate::events::EventStream;
use crate::settings::Settings;
use crate::wait;

/// The core client.
#[pyclass(module = "aoscomm._aoscomm", frozen, weakref)]
pub struct NativeClient {
    client: Mutex<Option<Arc<Client>>>,
    system_id: String,
    response_timeout: Duration,
}

impl Drop for NativeClient {
    fn drop(&mut self) {
        let c = self.client.get_mut().ok().and_then(|c| c.take());
        if let Some(c) = c {
            // Closing may wait for the connection task: never with the interpreter held.
            Python::attach(|py| py.detach(move || drop(c)));
        }
    }
}

impl NativeClient {
    /// Validates `data` and queues it.
    fn queue(
        &self,
        data: &Bound<'_, PyAny>,
        important: Option<bool>,
    ) -> PyResult<(Arc<Client>, DeliveryHandle, MessageType)> {
        let c = self.get()?;
        let d = parse_data(data)?;
        let t = d.message_type();
        let h = c
            .send_with(d, SendOptions { important })
            .map_err(errors::send_error)?;
        Ok((c, h, t))
    }

    fn get(&self) -> PyResult<Arc<Client>> {
        self.client
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(errors::closed)
    }

    fn request_timeout(&self, timeout: Option<f64>) -> PyResult<Duration> {
        match timeout {
            None => Ok(self.response_timeout),
            Some(t) => crate::settings::seconds("timeout", t),
        }
    }
}

#[pymethods]
impl NativeClient {
    #[new]
    #[pyo3(signature = (
        *,
        service_discovery_url,
        system_id,
        ca_cert = None,
        client_cert = None,
        client_key = None,
        override_service_discovery_url = None,
        server_name = None,
        response_timeout = 10.0,
        message_log = None,
        message_log_timestamps = false,
        queue_max_messages = 4096,
        queue_max_bytes = 67108864,
        overflow = "reject_new",
        max_in_flight = 256,
        max_nack_resends = 16,
        ping_interval = 30.0,
        dead_link_timeout = 30.0,
        connect_timeout = 10.0,
        reconnect_delay = 1.0,
        max_reconnect_delay = 600.0,
        reconnect_jitter = 0.2,
        max_message_size = 16777216,
        event_queue_capacity = 4096,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        service_discovery_url: String,
        system_id: String,
        ca_cert: Option<&Bound<'_, PyAny>>,
        client_cert: Option<&Bound<'_, PyAny>>,
        client_key: Option<&Bound<'_, PyAny>>,
        override_service_discovery_url: Option<String>,
        server_name: Option<String>,
        response_timeout: f64,
        message_log: Option<PathBuf>,
        message_log_timestamps: bool,
        queue_max_messages: usize,
        queue_max_bytes: usize,
        overflow: &str,
        max_in_flight: usize,
        max_nack_resends: u32,
        ping_interval: f64,
        dead_link_timeout: f64,
        connect_timeout: f64,
        reconnect_delay: f64,
        max_reconnect_delay: f64,
        reconnect_jitter: f64,
        max_message_size: usize,
        event_queue_capacity: usize,
    ) -> PyResult<Self> {
        let config = Settings {
            service_discovery_url,
            system_id,
            ca_cert,
            client_cert,
            client_key,
            override_service_discovery_url,
            server_name,
            response_timeout,
            message_log,
            message_log_timestamps,
            queue_max_messages,
            queue_max_bytes,
            overflow,
            max_in_flight,
            max_nack_resends,
            ping_interval,
            dead_link_timeout,
            connect_timeout,
            reconnect_delay,
            max_reconnect_delay,
            reconnect_jitter,
            max_message_size,
            event_queue_capacity,
        }
        .into_config()?;
        crate::logging::refresh_level(py);
        let system_id = config.system_id.clone();
        let response_timeout = config.cloud_response_wait_timeout;
        let client = py
            .detach(|| Client::new(config))
            .map_err(errors::client_error)?;
        Ok(NativeClient {
            client: Mutex::new(Some(Arc::new(client))),
            system_id,
            response_timeout,
        })
    }

    /// Starts connecting (and reconnecting until `close`).
    fn start(&self, py: Python<'_>) -> PyResult<()> {
        crate::logging::refresh_level(py);
        let c = self.get()?;
        py.detach(|| c.start()).map_err(errors::client_error)
    }

    #[getter]
    fn system_id(&self) -> &str {
        &self.system_id
    }

    #[getter]
    fn is_connected(&self) -> bool {
        self.get().map(|c| c.is_connected()).unwrap_or(false)
    }

    #[getter]
    fn closed(&self) -> bool {
        self.get().is_err()
    }

    /// Starts an in-memory recording of every frame (see `aoscomm.analysis.record`).
    #[pyo3(signature = (max_bytes=268435456))]
    fn record(&self, max_bytes: usize) -> PyResult<crate::analysis::NativeRecording> {
        Ok(crate::analysis::NativeRecording {
            recording: self.get()?.record(max_bytes),
        })
    }

    /// Counters since the client was created.
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let s = self.get()?.stats();
        let d = PyDict::new(py);
        d.set_item("connections", s.connections)?;
        d.set_item("sent_frames", s.sent_frames)?;
        d.set_item("resent", s.resent)?;
        d.set_item("received_frames", s.received_frames)?;
        Ok(d)
    }

    /// Waits until connected; raises the latest connection failure (a `ConnectionError`
    /// subclass) or `TimeoutError` when `timeout` passes first.
    #[pyo3(signature = (timeout))]
    fn wait_connected(&self, py: Python<'_>, timeout: f64) -> PyResult<()> {
        let c = self.get()?;
        let deadline = wait::deadline(Some(timeout), "timeout")?;
        // In slices, so Ctrl-C is answered; each slice is the core's own wait.
        let connected = wait::blocking(py, deadline, |d| {
            (c.wait_connected_blocking(d) || c.is_closed()).then_some(())
        })?;
        match connected {
            Some(()) if c.is_connected() => Ok(()),
            Some(()) => Err(errors::closed()),
            None => Err(not_connected(py, &c, timeout)),
        }
    }

    /// Awaitable `wait_connected`.
    #[pyo3(signature = (timeout))]
    fn wait_connected_async<'py>(
        &self,
        py: Python<'py>,
        timeout: f64,
    ) -> PyResult<Bound<'py, PyAny>> {
        let c = self.get()?;
        let limit = crate::settings::seconds("timeout", timeout)?;
        pyo3_async_runtimes::tokio::future_into_py(py, async move {
            if c.wait_connected(limit).await {
                Ok(())
            } else if c.is_closed() {
                Err(errors::closed())
            } else {
                Err(Python::attach(|py| not_connected(py, &c, timeout)))
            }
        })
    }

    /// Validates and queues `data`; returns at once with a `PendingDelivery`.
    #[pyo3(signature = (data, *, important = None))]
    fn submit(
        &self,
        data: &Bound<'_, PyAny>,
        important: Option<bool>,
    ) -> PyResult<PendingDelivery> {
        let (c, h, t) = self.queue(data, important)?;
        Ok(PendingDelivery::new(h, t, &c))
    }

    /// Validates and queues `data`, then waits for its outcome (at most `timeout` seconds,
    /// then `TimeoutError`; the message stays queued).
    #[pyo3(signature = (data, *, important = None, timeout = None))]
    fn send(
        &self,
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        important: Option<bool>,
        timeout: Option<f64>,
    ) -> PyResult<Delivery> {
        let deadline = wait::deadline(timeout, "timeout")?;
        let (c, h, t) = self.queue(data, important)?;
        // Ctrl-C while waiting withdraws the message.
        let mut guard = WithdrawOnDrop::new(&c, h.id());
        let got = wait::blocking(py, deadline, |d| h.wait_timeout(d))?;
        guard.disarm();
        match got {
            Some(o) => Ok(Delivery::from_outcome(&o, t)),
            None => Err(errors::timeout(format!(
                "no outcome for {t} {} within {} s (still queued)",
                h.txn(),
                timeout.unwrap_or_default()
            ))),
        }
    }

    /// The asyncio form of `submit`: queues `data`; `future` (of the loop `bridge` serves) is
    /// settled with the `Delivery`. `AsyncClient.send` awaits it and withdraws the message
    /// through the returned `PendingDelivery` when cancelled.
    #[pyo3(signature = (bridge, future, data, *, important = None))]
    fn submit_future(
        &self,
        bridge: &Bound<'_, LoopBridge>,
        future: &Bound<'_, PyAny>,
        data: &Bound<'_, PyAny>,
        important: Option<bool>,
    ) -> PyResult<PendingDelivery> {
        let (c, h, t) = self.queue(data, important)?;
        let (b, f) = (bridge.get().shared.clone(), future.clone().unbind());
        h.on_outcome(move |o| {
            b.complete(f, bridge::Outcome::Delivery(Delivery::from_outcome(o, t)))
        });
        Ok(PendingDelivery::new(h, t, &c))
    }

    /// Sends a request and waits for the correlated response (`timeout` seconds, default the
    /// response timeout); raises `TimeoutError` without one. Ctrl-C withdraws the request.
    #[pyo3(signature = (data, *, timeout = None))]
    fn request(
        &self,
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        timeout: Option<f64>,
    ) -> PyResult<Message> {
        let limit = self.request_timeout(timeout)?;
        let c = self.get()?;
        let d = parse_data(data)?;
        let r = c.submit_request(d, limit).map_err(errors::request_error)?;
        let mut guard = WithdrawOnDrop::new(&c, r.id());
        let deadline = Instant::now().checked_add(limit + Duration::from_secs(5));
        let got = wait::blocking(py, deadline, |d| match r.wait_timeout(d) {
            Err(RequestError::WaitTimedOut) => None,
            other => Some(other),
        })?;
        guard.disarm();
        match got {
            Some(Ok(env)) => Ok(Message::new(env)),
            Some(Err(e)) => Err(errors::request_error(e)),
            None => Err(errors::request_error(RequestError::WaitTimedOut)),
        }
    }

    /// The asyncio form of `request`: `future` is settled with the response `Message` or the
    /// error; the returned canceller withdraws the request.
    #[pyo3(signature = (bridge, future, data, *, timeout = None))]
    fn request_future(
        &self,
        bridge: &Bound<'_, LoopBridge>,
        future: &Bound<'_, PyAny>,
        data: &Bound<'_, PyAny>,
        timeout: Option<f64>,
    ) -> PyResult<RequestCanceller> {
        let limit = self.request_timeout(timeout)?;
        let c = self.get()?;
        let d = parse_data(data)?;
        let r = c.submit_request(d, limit).map_err(errors::request_error)?;
        let (b, f) = (bridge.get().shared.clone(), future.clone().unbind());
        r.on_response(move |res| b.complete(f, bridge::Outcome::Response(Box::new(res))));
        Ok(RequestCanceller {
            client: Arc::downgrade(&c),
            id: r.id(),
        })
    }

    /// A new event subscription (sees every event from now on).
    fn events(&self) -> PyResult<EventStream> {
        Ok(EventStream::new(self.get()?.subscribe()))
    }

    /// Stops the client: waits up to `drain` seconds for held messages to be acked (when
    /// connected), closes the connection and returns the messages still undelivered as
    /// `(message_type, txn)` pairs (each also got a `cancelled`... `closed` outcome).
    /// Idempotent.
    #[pyo3(signature = (drain = 0.0))]
    fn close<'py>(&self, py: Python<'py>, drain: f64) -> PyResult<Bound<'py, PyList>> {
        if !(drain.is_finite() && drain >= 0.0) {
            return Err(errors::config(format!(
                "drain: {drain} is not a number of seconds >= 0"
            )));
        }
        let c = self.client.lock().unwrap_or_else(|p| p.into_inner()).take();
        let report = match c {
            Some(c) => py.detach(move || {
                let r = c.close_with_drain(Duration::from_secs_f64(drain.min(1e6)));
                drop(c);
                r
            }),
            None => Default::default(),
        };
        let items: Vec<(&'static str, String)> = report
            .undelivered
            .into_iter()
            .map(|u| (u.message_type.as_str(), u.txn))
            .collect();
        PyList::new(py, items)
    }
}

/// Withdraws one request (`NativeClient.request_future`).
#[pyclass(module = "aoscomm._aoscomm", frozen)]
pub struct RequestCanceller {
    client: Weak<Client>,
    id: MessageId,
}

#[pymethods]
impl RequestCanceller {
    /// Withdraws the request; False when it already ended.
    fn cancel(&self) -> bool {
        self.client.upgrade().is_some_and(|c| c.cancel(self.id))
    }
}

fn not_connected(py: Python<'_>, c: &Client, timeout: f64) -> PyErr {
    match c.last_connect_error() {
        Some((stage, e)) => errors::transport_exception(
            py,
            &e,
            Some(stage),
            &format!("not connected after {timeout} s: "),
        ),
        None => errors::err(
            py,
            "TimeoutError",
            (format!("not connected after {timeout} s"),),
        ),
    }
}
