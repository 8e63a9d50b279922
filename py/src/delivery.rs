//! `Delivery` (a message's final outcome) and `PendingDelivery` (the wait for it).

use std::sync::{Arc, Weak};

use aoscomm::client::{Client, DeliveryHandle};
use aoscomm::protocol::MessageType;
use aoscomm::session::DeliveryOutcome;
use pyo3::prelude::*;

use crate::errors;
use crate::wait;

/// The final outcome of one sent message.
#[pyclass(module = "aoscomm", frozen, eq, get_all, weakref)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The message's `header.txn`.
    pub txn: String,
    /// `"acked"`, `"failed"` or `"dropped"`.
    pub status: &'static str,
    /// None when acked; else `"no_ack"`, `"nack_limit"`, `"request_timed_out"`, `"closed"`,
    /// `"cancelled"` or `"queue_overflow"`.
    pub reason: Option<&'static str>,
    /// How often the message went on the wire.
    pub transmissions: u32,
    /// The message's type.
    pub message_type: &'static str,
}

impl Delivery {
    pub fn from_outcome(o: &DeliveryOutcome, t: MessageType) -> Self {
        Delivery {
            txn: o.txn().to_string(),
            status: o.status(),
            reason: o.reason(),
            transmissions: o.transmissions(),
            message_type: t.as_str(),
        }
    }
}

#[pymethods]
impl Delivery {
    /// True when the cloud acknowledged the message.
    #[getter]
    fn ok(&self) -> bool {
        self.status == "acked"
    }

    /// Raises `DeliveryFailed` unless acked; returns self otherwise.
    fn raise_for_status(slf: Bound<'_, Self>) -> PyResult<Bound<'_, Self>> {
        let d = slf.get();
        if d.status == "acked" {
            return Ok(slf);
        }
        let msg = format!(
            "{} {} {}: {} after {} transmission(s)",
            d.message_type,
            d.txn,
            d.status,
            d.reason.unwrap_or("?"),
            d.transmissions
        );
        let py = slf.py();
        Err(errors::err(
            py,
            "DeliveryFailed",
            (msg, slf.clone().unbind()),
        ))
    }

    fn __repr__(&self) -> String {
        match self.reason {
            None => format!(
                "Delivery(txn={:?}, status={:?}, transmissions={}, message_type={:?})",
                self.txn, self.status, self.transmissions, self.message_type
            ),
            Some(r) => format!(
                "Delivery(txn={:?}, status={:?}, reason={:?}, transmissions={}, message_type={:?})",
                self.txn, self.status, r, self.transmissions, self.message_type
            ),
        }
    }
}

/// A message that was queued and whose outcome may not be known yet (`Client.submit`).
#[pyclass(module = "aoscomm", frozen, weakref)]
pub struct PendingDelivery {
    pub handle: DeliveryHandle,
    pub message_type: MessageType,
    pub client: Weak<Client>,
}

impl PendingDelivery {
    pub fn new(handle: DeliveryHandle, message_type: MessageType, client: &Arc<Client>) -> Self {
        PendingDelivery {
            handle,
            message_type,
            client: Arc::downgrade(client),
        }
    }
}

#[pymethods]
impl PendingDelivery {
    #[getter]
    fn txn(&self) -> &str {
        self.handle.txn()
    }

    #[getter]
    fn message_type(&self) -> &'static str {
        self.message_type.as_str()
    }

    /// True once the outcome is known.
    fn done(&self) -> bool {
        self.handle.try_outcome().is_some()
    }

    /// Waits for the outcome (at most `timeout` seconds; None = until it is known, which is at
    /// the latest when the client closes). Raises `TimeoutError` when the time runs out.
    #[pyo3(signature = (timeout = None))]
    fn result(&self, py: Python<'_>, timeout: Option<f64>) -> PyResult<Delivery> {
        let deadline = wait::deadline(timeout, "timeout")?;
        match wait::blocking(py, deadline, |d| self.handle.wait_timeout(d))? {
            Some(o) => Ok(Delivery::from_outcome(&o, self.message_type)),
            None => Err(errors::timeout(format!(
                "no outcome for {} {} within {:?} s",
                self.message_type,
                self.handle.txn(),
                timeout.unwrap_or_default()
            ))),
        }
    }

    /// Withdraws the message: not sent (again), outcome `failed`/`cancelled`. False when it
    /// already has an outcome.
    fn cancel(&self) -> bool {
        self.client
            .upgrade()
            .is_some_and(|c| c.cancel(self.handle.id()))
    }

    fn __repr__(&self) -> String {
        let state = match self.handle.try_outcome() {
            Some(o) => Delivery::from_outcome(&o, self.message_type).status,
            None => "pending",
        };
        format!(
            "PendingDelivery(txn={:?}, message_type={:?}, state={:?})",
            self.handle.txn(),
            self.message_type.as_str(),
            state
        )
    }
}
