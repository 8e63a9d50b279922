//! Keyword settings -> `ClientConfig`. Names follow the reference's settings.

use std::path::PathBuf;
use std::time::Duration;

use aoscomm::client::ClientConfig;
use aoscomm::session::OverflowPolicy;
use aoscomm::tls::{ClientKey, PemSource};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use crate::errors;

/// A PEM setting: `bytes` are PEM content, a `str` holding `-----BEGIN` is PEM text, any
/// other `str` or an `os.PathLike` is a file path.
pub fn pem(name: &str, v: Option<&Bound<'_, PyAny>>) -> PyResult<Option<PemSource>> {
    let Some(v) = v.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    if let Ok(b) = v.cast::<PyBytes>() {
        return Ok(Some(PemSource::pem(b.as_bytes())));
    }
    if let Ok(s) = v.cast::<PyString>() {
        let s = s.to_cow()?;
        if s.contains("-----BEGIN") {
            return Ok(Some(PemSource::pem(s.as_bytes())));
        }
        return Ok(Some(PemSource::path(s.into_owned())));
    }
    if let Ok(p) = v.call_method0("__fspath__") {
        if let Ok(s) = p.extract::<String>() {
            return Ok(Some(PemSource::path(s)));
        }
    }
    Err(errors::config(format!(
        "{name}: expected a path (str or os.PathLike) or PEM bytes"
    )))
}

/// A duration in seconds that must be > 0.
pub fn seconds(name: &str, v: f64) -> PyResult<Duration> {
    if !(v.is_finite() && v > 0.0) {
        return Err(errors::config(format!(
            "{name}: {v} is not a positive number of seconds"
        )));
    }
    Ok(Duration::from_secs_f64(v.min(1e9)))
}

pub fn positive(name: &str, v: usize) -> PyResult<usize> {
    if v == 0 {
        return Err(errors::config(format!("{name}: must be at least 1")));
    }
    Ok(v)
}

pub fn overflow(v: &str) -> PyResult<OverflowPolicy> {
    match v {
        "reject_new" => Ok(OverflowPolicy::RejectNew),
        "drop_oldest" => Ok(OverflowPolicy::DropOldestNonImportant),
        other => Err(errors::config(format!(
            "overflow: {other:?} is not \"reject_new\" or \"drop_oldest\""
        ))),
    }
}

/// Every client setting, as the keyword arguments of `Client(...)`.
pub struct Settings<'a, 'py> {
    pub service_discovery_url: String,
    pub system_id: String,
    pub ca_cert: Option<&'a Bound<'py, PyAny>>,
    pub client_cert: Option<&'a Bound<'py, PyAny>>,
    pub client_key: Option<&'a Bound<'py, PyAny>>,
    pub override_service_discovery_url: Option<String>,
    pub server_name: Option<String>,
    pub response_timeout: f64,
    pub message_log: Option<PathBuf>,
    pub message_log_timestamps: bool,
    pub queue_max_messages: usize,
    pub queue_max_bytes: usize,
    pub overflow: &'a str,
    pub max_in_flight: usize,
    pub max_nack_resends: u32,
    pub ping_interval: f64,
    pub dead_link_timeout: f64,
    pub connect_timeout: f64,
    pub reconnect_delay: f64,
    pub max_reconnect_delay: f64,
    pub reconnect_jitter: f64,
    pub max_message_size: usize,
    pub event_queue_capacity: usize,
}

impl Settings<'_, '_> {
    pub fn into_config(self) -> PyResult<ClientConfig> {
        if self.system_id.is_empty() {
            return Err(errors::config("system_id: must not be empty"));
        }
        if !(0.0..=1.0).contains(&self.reconnect_jitter) {
            return Err(errors::config(format!(
                "reconnect_jitter: {} is not in 0..1",
                self.reconnect_jitter
            )));
        }
        let mut c = ClientConfig {
            service_discovery_url: self.service_discovery_url,
            override_service_discovery_url: self.override_service_discovery_url,
            system_id: self.system_id,
            cloud_response_wait_timeout: seconds("response_timeout", self.response_timeout)?,
            cloud_message_log: self.message_log,
            cloud_message_log_timestamps: self.message_log_timestamps,
            queue_max_messages: positive("queue_max_messages", self.queue_max_messages)?,
            queue_max_bytes: positive("queue_max_bytes", self.queue_max_bytes)?,
            overflow: overflow(self.overflow)?,
            max_in_flight: positive("max_in_flight", self.max_in_flight)?,
            max_nack_resends: self.max_nack_resends,
            ping_interval: seconds("ping_interval", self.ping_interval)?,
            dead_link_timeout: seconds("dead_link_timeout", self.dead_link_timeout)?,
            connect_timeout: seconds("connect_timeout", self.connect_timeout)?,
            reconnect_base_delay: seconds("reconnect_delay", self.reconnect_delay)?,
            reconnect_max_delay: seconds("max_reconnect_delay", self.max_reconnect_delay)?,
            reconnect_jitter: self.reconnect_jitter,
            max_message_size: positive("max_message_size", self.max_message_size)?,
            event_queue_capacity: positive("event_queue_capacity", self.event_queue_capacity)?,
            ..ClientConfig::default()
        };
        c.tls_timeout = c.connect_timeout;
        c.upgrade_timeout = c.connect_timeout;
        c.tls.ca = pem("ca_cert", self.ca_cert)?;
        c.tls.client_cert = pem("client_cert", self.client_cert)?;
        c.tls.client_key = pem("client_key", self.client_key)?.map(ClientKey::Pem);
        c.tls.server_name = self.server_name;
        Ok(c)
    }
}
