//! Rust errors -> the exception classes of `aoscomm.errors` (defined in Python, so they are
//! ordinary, picklable, subclassable classes with typed attributes).

use std::sync::Arc;

use aoscomm::client::{ClientError, ConnectStage, RequestError, SendError};
use aoscomm::protocol::DecodeError;
use aoscomm::session::{FailReason, SubmitError};
use aoscomm::transport::TransportError;
use pyo3::prelude::*;
use pyo3::types::PyType;

use crate::pyjson::NotJson;

/// The class `aoscomm.errors.<name>` (falls back to RuntimeError if the package is broken).
fn class<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyType>> {
    let cls = py.import("aoscomm.errors")?.getattr(name)?;
    Ok(cls.cast_into::<PyType>()?)
}

/// Instantiates `aoscomm.errors.<name>(*args)` as a PyErr.
pub fn err<A>(py: Python<'_>, name: &str, args: A) -> PyErr
where
    A: for<'py> IntoPyObject<'py, Target = pyo3::types::PyTuple> + Send + Sync + 'static,
    A: pyo3::PyErrArguments,
{
    match class(py, name) {
        Ok(cls) => PyErr::from_type(cls, args),
        Err(e) => e,
    }
}

/// Raises `err(...)` on whatever thread, attaching to the interpreter for it.
pub fn err_attached<A>(name: &'static str, args: A) -> PyErr
where
    A: for<'py> IntoPyObject<'py, Target = pyo3::types::PyTuple> + Send + Sync + 'static,
    A: pyo3::PyErrArguments,
{
    Python::attach(|py| err(py, name, args))
}

pub fn decode_error(e: &DecodeError) -> PyErr {
    err_attached(
        "DecodeError",
        (
            e.to_string(),
            e.path().to_string(),
            e.reason(),
            kind_name(&format!("{:?}", e.kind())),
        ),
    )
}

pub fn not_json(e: NotJson) -> PyErr {
    err_attached(
        "DecodeError",
        (
            format!("{}: {}", e.path, e.reason),
            e.path,
            e.reason,
            "not_json".to_string(),
        ),
    )
}

pub fn config(msg: impl Into<String>) -> PyErr {
    err_attached("ConfigError", (msg.into(),))
}

pub fn closed() -> PyErr {
    err_attached("ClosedError", ("the client is closed".to_string(),))
}

pub fn timeout(msg: impl Into<String>) -> PyErr {
    err_attached("TimeoutError", (msg.into(),))
}

pub fn client_error(e: ClientError) -> PyErr {
    match e {
        ClientError::Closed => closed(),
        other => config(other.to_string()),
    }
}

pub fn submit_error(e: SubmitError) -> PyErr {
    match e {
        SubmitError::Closed => closed(),
        SubmitError::QueueFull { .. } => err_attached("QueueFull", (e.to_string(),)),
        other => err_attached("SendError", (other.to_string(),)),
    }
}

pub fn send_error(e: SendError) -> PyErr {
    match e {
        SendError::Invalid(d) => decode_error(&d),
        SendError::Submit(s) => submit_error(s),
    }
}

pub fn request_error(e: RequestError) -> PyErr {
    match e {
        RequestError::Submit(s) => submit_error(s),
        RequestError::Invalid(d) => decode_error(&d),
        RequestError::Failed(FailReason::RequestTimedOut) | RequestError::WaitTimedOut => {
            timeout(format!("request: {}", FailReason::RequestTimedOut))
        }
        RequestError::Failed(FailReason::Closed) => closed(),
        RequestError::Failed(r) => err_attached(
            "RequestFailed",
            (format!("request: {r}"), r.as_str().to_string()),
        ),
    }
}

/// The exception class a connection failure maps to.
pub fn transport_class(e: &TransportError, stage: Option<ConnectStage>) -> &'static str {
    if e.is_certificate_error() || matches!(e, TransportError::Tls(_)) {
        return "TLSError";
    }
    if let TransportError::HttpStatus {
        status: 401 | 403, ..
    } = e
    {
        return "AuthError";
    }
    let discovery_phase = matches!(
        e,
        TransportError::HttpStatus {
            phase: aoscomm::transport::Phase::Discovery,
            ..
        } | TransportError::Discovery(_)
            | TransportError::Http(_)
    );
    if discovery_phase || stage == Some(ConnectStage::Discovery) {
        return "DiscoveryError";
    }
    "ConnectionError"
}

/// An exception instance (not raised) describing a connection failure.
pub fn transport_exception(
    py: Python<'_>,
    e: &Arc<TransportError>,
    stage: Option<ConnectStage>,
    prefix: &str,
) -> PyErr {
    err(
        py,
        transport_class(e, stage),
        (format!("{prefix}{e}"), e.kind().to_string()),
    )
}

/// `MissingKey("x")` -> `missing_key`.
fn kind_name(debug: &str) -> String {
    let head = debug
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or_default();
    let mut out = String::with_capacity(head.len() + 4);
    for (i, c) in head.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
