//! `aoscomm._aoscomm.NativeMockCloud`: the Rust mock cloud (HTTPS discovery + WSS with mTLS on
//! 127.0.0.1, generated PKI) for Python tests. `aoscomm.testing.MockCloud` wraps it.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aoscomm::cloud::{AckMode, MockCloud, MockCloudConfig};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};

use crate::codec::{parse_data, Message};
use crate::errors;
use crate::wait;

fn secs(name: &str, v: f64) -> PyResult<Duration> {
    if !(v.is_finite() && v >= 0.0) {
        return Err(errors::config(format!(
            "{name}: {v} is not a number of seconds >= 0"
        )));
    }
    Ok(Duration::from_secs_f64(v.min(1e9)))
}

fn millis(name: &str, v: f64) -> PyResult<i64> {
    if !v.is_finite() {
        return Err(errors::config(format!(
            "{name}: {v} is not a number of seconds"
        )));
    }
    Ok((v * 1000.0).round() as i64)
}

/// The mock cloud.
#[pyclass(module = "aoscomm._aoscomm", frozen, weakref)]
pub struct NativeMockCloud {
    cloud: Mutex<Option<Arc<MockCloud>>>,
    discovery_url: String,
    ws_url: String,
    system_id: String,
    ca: String,
    client_cert: String,
    client_key: String,
}

impl NativeMockCloud {
    fn get(&self) -> PyResult<Arc<MockCloud>> {
        self.cloud
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(|| {
                errors::err_attached("ClosedError", ("the mock cloud is stopped".to_string(),))
            })
    }
}

impl Drop for NativeMockCloud {
    fn drop(&mut self) {
        if let Some(c) = self.cloud.get_mut().ok().and_then(|c| c.take()) {
            Python::attach(|py| py.detach(move || drop(c)));
        }
    }
}

#[pymethods]
impl NativeMockCloud {
    #[new]
    #[pyo3(signature = (system_id = "test_system_id", *, next_request_delay = 0.03, max_message_size = 16777216))]
    fn new(
        py: Python<'_>,
        system_id: &str,
        next_request_delay: f64,
        max_message_size: usize,
    ) -> PyResult<Self> {
        let delay = secs("next_request_delay", next_request_delay)?;
        let cloud = py
            .detach(|| {
                MockCloud::start_blocking(MockCloudConfig {
                    system_id: system_id.to_string(),
                    next_request_delay_ms: delay.as_millis() as u64,
                    max_message_size,
                    ..MockCloudConfig::default()
                })
            })
            .map_err(|e| errors::err(py, "Error", (format!("mock cloud: {e}"),)))?;
        let pki = cloud.pki();
        Ok(NativeMockCloud {
            discovery_url: cloud.discovery_url(),
            ws_url: cloud.ws_url(),
            system_id: cloud.system_id().to_string(),
            ca: pki.ca.clone(),
            client_cert: pki.client.cert.clone(),
            client_key: pki.client.key.clone(),
            cloud: Mutex::new(Some(Arc::new(cloud))),
        })
    }

    #[getter]
    fn discovery_url(&self) -> &str {
        &self.discovery_url
    }
    #[getter]
    fn ws_url(&self) -> &str {
        &self.ws_url
    }
    #[getter]
    fn system_id(&self) -> &str {
        &self.system_id
    }
    /// The test CA certificate (PEM bytes).
    #[getter]
    fn ca_pem<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.ca.as_bytes())
    }
    /// The unit's client certificate (PEM bytes).
    #[getter]
    fn client_cert_pem<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.client_cert.as_bytes())
    }
    /// The unit's client key (PKCS#8 PEM bytes).
    #[getter]
    fn client_key_pem<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.client_key.as_bytes())
    }

    /// Writes `ca.pem`, `client.pem`, `client-key.pem` into `directory`.
    fn write_pki(&self, directory: PathBuf) -> PyResult<()> {
        self.get()?
            .write_pki(&directory)
            .map_err(|e| errors::err_attached("Error", (e.to_string(),)))
    }

    // ---- scripting ---------------------------------------------------------------------

    /// Ack every message at once (the default).
    fn ack_all(&self) -> PyResult<()> {
        self.get()?.set_ack_mode(AckMode::AckAll);
        Ok(())
    }

    /// Answer nothing: the unit resends after its response timeout, then gives up.
    fn drop_acks(&self) -> PyResult<()> {
        self.get()?.set_ack_mode(AckMode::AckNone);
        Ok(())
    }

    /// Nack with `retryAfter` = `retry_after` seconds: every transmission, or only the first
    /// `first` transmissions of each txn (then ack).
    #[pyo3(signature = (retry_after = 0.5, *, first = None))]
    fn nack(&self, retry_after: f64, first: Option<usize>) -> PyResult<()> {
        let retry_after_ms = millis("retry_after", retry_after)?;
        self.get()?.set_ack_mode(match first {
            None => AckMode::Nack { retry_after_ms },
            Some(n) => AckMode::NackFirst { n, retry_after_ms },
        });
        Ok(())
    }

    /// Ack each message `delay` seconds after receiving it.
    fn ack_after(&self, delay: f64) -> PyResult<()> {
        let d = secs("delay", delay)?;
        self.get()?.set_ack_mode(AckMode::AckAfter(d));
        Ok(())
    }

    /// Answer `requestBlobUrls` with `blobUrls` (same correlationId).
    #[pyo3(signature = (on = true))]
    fn answer_blob_requests(&self, on: bool) -> PyResult<()> {
        self.get()?.answer_blob_requests(on);
        Ok(())
    }

    /// Close the connection on receiving the `n`-th next frame (0 cancels).
    fn close_after(&self, n: usize) -> PyResult<()> {
        self.get()?.close_after(n);
        Ok(())
    }

    /// Answer the next `n` WebSocket upgrades with HTTP `status` (401 makes the unit rediscover).
    #[pyo3(signature = (status, n = 1))]
    fn reject_upgrades(&self, status: u16, n: usize) -> PyResult<()> {
        self.get()?.reject_upgrade_status(status, n);
        Ok(())
    }

    /// Answer the next `n` discovery requests with HTTP `status`.
    #[pyo3(signature = (status, n = 1))]
    fn fail_discovery(&self, status: u16, n: usize) -> PyResult<()> {
        self.get()?.discovery_fail_status(status, n);
        Ok(())
    }

    /// Sends a cloud->unit message (`data` dict/str/bytes, validated first) on the open
    /// connection, or queues it for the next one. Returns its txn.
    fn push(&self, data: &Bound<'_, PyAny>) -> PyResult<String> {
        let d = parse_data(data)?;
        self.get()?
            .push(d)
            .map_err(|e| errors::err_attached("Error", (e.to_string(),)))
    }

    /// Sends these bytes as one BINARY frame, unvalidated (or queues them).
    fn push_raw(&self, frame: Vec<u8>) -> PyResult<()> {
        self.get()?.push_raw(frame);
        Ok(())
    }

    /// Sends a TEXT frame (v7 units ignore them).
    fn push_text(&self, text: &str) -> PyResult<()> {
        self.get()?.push_text(text);
        Ok(())
    }

    /// Closes the open connection with a close frame. False when none is open.
    fn close_connection(&self, py: Python<'_>) -> PyResult<bool> {
        let c = self.get()?;
        Ok(py.detach(|| c.close_connection()))
    }

    /// Drops the open connection without a close frame.
    fn drop_connection(&self, py: Python<'_>) -> PyResult<bool> {
        let c = self.get()?;
        Ok(py.detach(|| c.drop_connection()))
    }

    /// Stops reading and writing on the open connection (pings go unanswered).
    fn hold_connection(&self, py: Python<'_>) -> PyResult<bool> {
        let c = self.get()?;
        Ok(py.detach(|| c.hold_connection()))
    }

    // ---- observation -------------------------------------------------------------------

    /// The frames received that decode, in order, as `Message`s.
    #[getter]
    fn received<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let frames = self.get()?.received();
        let msgs: Vec<Message> = frames
            .into_iter()
            .filter_map(|f| f.envelope.ok())
            .map(Message::new)
            .collect();
        PyList::new(py, msgs)
    }

    /// Every BINARY frame received, as bytes (invalid ones too).
    #[getter]
    fn received_raw<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let frames = self.get()?.received();
        let raw: Vec<Bound<'py, PyBytes>> =
            frames.iter().map(|f| PyBytes::new(py, &f.raw)).collect();
        PyList::new(py, raw)
    }

    /// Txns the mock pushed, in order.
    #[getter]
    fn pushed(&self) -> PyResult<Vec<String>> {
        Ok(self.get()?.state().pushed)
    }

    /// Txns the unit acked (acks for pushed messages), in order.
    #[getter]
    fn acks_from_unit(&self) -> PyResult<Vec<String>> {
        Ok(self.get()?.state().acks_from_unit)
    }

    /// Successful WebSocket connections so far.
    #[getter]
    fn connections(&self) -> PyResult<u64> {
        Ok(self.get()?.connection_count())
    }

    /// Protocol rules the unit broke (wrong systemId, ...), as text.
    #[getter]
    fn violations(&self) -> PyResult<Vec<String>> {
        Ok(self.get()?.state().violations)
    }

    /// How often `txn` was transmitted.
    fn transmissions(&self, txn: &str) -> PyResult<usize> {
        Ok(self.get()?.transmissions(txn))
    }

    /// Waits until at least `n` frames were received; False when `timeout` passes first.
    #[pyo3(signature = (n, timeout = 10.0))]
    fn wait_received(&self, py: Python<'_>, n: usize, timeout: f64) -> PyResult<bool> {
        let c = self.get()?;
        let deadline = wait::deadline(Some(timeout), "timeout")?;
        Ok(wait::blocking(py, deadline, |d| {
            c.wait_for_blocking(|s| s.received.len() >= n, d)
                .then_some(())
        })?
        .is_some())
    }

    /// Waits until at least `n` connections were made; False when `timeout` passes first.
    #[pyo3(signature = (n, timeout = 10.0))]
    fn wait_connections(&self, py: Python<'_>, n: u64, timeout: f64) -> PyResult<bool> {
        let c = self.get()?;
        let deadline = wait::deadline(Some(timeout), "timeout")?;
        Ok(wait::blocking(py, deadline, |d| {
            c.wait_for_blocking(|s| s.connections >= n, d).then_some(())
        })?
        .is_some())
    }

    /// Waits until `predicate()` is true, re-checking it whenever the mock's state changes;
    /// False when `timeout` passes first.
    #[pyo3(signature = (predicate, timeout = 10.0))]
    fn wait_for(
        &self,
        py: Python<'_>,
        predicate: &Bound<'_, PyAny>,
        timeout: f64,
    ) -> PyResult<bool> {
        let c = self.get()?;
        let deadline = wait::deadline(Some(timeout), "timeout")?;
        loop {
            let seen = c.change_count();
            if predicate.call0()?.is_truthy()? {
                return Ok(true);
            }
            let changed = wait::blocking(py, deadline, |d| {
                (c.wait_change_blocking(seen, d) != seen).then_some(())
            })?;
            if changed.is_none() {
                return predicate.call0()?.is_truthy();
            }
        }
    }

    /// Stops the endpoints and ends every connection. Idempotent.
    fn stop(&self, py: Python<'_>) {
        let c = self.cloud.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(c) = c {
            py.detach(move || drop(c));
        }
    }

    #[getter]
    fn stopped(&self) -> bool {
        self.cloud
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_none()
    }
}
