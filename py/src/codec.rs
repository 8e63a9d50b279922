//! `aoscomm.decode`, `aoscomm.encode`, `aoscomm.decode_data` and the `Message` class.

use aoscomm::protocol::{Data, DecodeOptions, Direction, Envelope, Header, MessageType, Timestamp};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::errors;
use crate::pyjson;

/// One decoded frame: header and `data`, in canonical form. Immutable; `data` builds a fresh
/// dict each time it is read.
#[pyclass(module = "aoscomm", frozen, eq, weakref)]
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub envelope: Envelope,
}

impl Message {
    pub fn new(envelope: Envelope) -> Self {
        Message { envelope }
    }
}

fn encode_err(e: impl std::fmt::Display) -> PyErr {
    pyo3::exceptions::PyValueError::new_err(format!("cannot encode: {e}"))
}

#[pymethods]
impl Message {
    /// The wire `data.messageType` (`"unitStatus"`, `"ack"`, ...).
    #[getter]
    fn message_type(&self) -> &'static str {
        self.envelope.message_type().as_str()
    }

    /// `header.txn`.
    #[getter]
    fn txn(&self) -> &str {
        &self.envelope.header.txn
    }

    /// `header.systemId`.
    #[getter]
    fn system_id(&self) -> &str {
        &self.envelope.header.system_id
    }

    /// `header.createdAt` as on the wire, or None.
    #[getter]
    fn created_at(&self) -> Option<&str> {
        self.envelope.header.created_at.as_deref()
    }

    /// `data.correlationId`, or None when absent.
    #[getter]
    fn correlation_id(&self) -> Option<&str> {
        let c = &self.envelope.data.correlation_id;
        (!c.is_empty()).then_some(c.as_str())
    }

    /// The `data` object as plain dicts and lists with the wire keys, in canonical form.
    #[getter]
    fn data<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let bytes = self.envelope.data.encode().map_err(encode_err)?;
        pyjson::from_json(py, &bytes)
    }

    /// The `header` object as a dict.
    #[getter]
    fn header<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let d = self.to_dict(py)?;
        d.get_item("header")
    }

    /// `{"header": {...}, "data": {...}}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let bytes = self.envelope.encode().map_err(encode_err)?;
        pyjson::from_json(py, &bytes)
    }

    /// The canonical frame bytes.
    fn encode<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = self.envelope.encode().map_err(encode_err)?;
        Ok(PyBytes::new(py, &bytes))
    }

    fn __bytes__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        self.encode(py)
    }

    fn __repr__(&self) -> String {
        self.__repr_str()
    }

    /// Jupyter's rich view: the header fields in a table and `data` as indented JSON.
    fn _repr_html_(&self) -> PyResult<String> {
        let data = self.envelope.data.encode().map_err(encode_err)?;
        let pretty = serde_json::from_slice::<serde_json::Value>(&data)
            .and_then(|v| serde_json::to_string_pretty(&v))
            .unwrap_or_else(|_| String::from_utf8_lossy(&data).into_owned());
        let t = self.envelope.message_type();
        let direction = match t.direction() {
            Direction::Both => "both ways",
            Direction::UnitToCloud => "unit → cloud",
            Direction::CloudToUnit => "cloud → unit",
        };
        let h = &self.envelope.header;
        let mut rows = vec![
            ("messageType", t.as_str().to_string()),
            ("direction", direction.to_string()),
            ("txn", h.txn.clone()),
            ("systemId", h.system_id.clone()),
        ];
        if let Some(c) = &h.created_at {
            rows.push(("createdAt", c.clone()));
        }
        if !self.envelope.data.correlation_id.is_empty() {
            rows.push(("correlationId", self.envelope.data.correlation_id.clone()));
        }
        let mut out =
            String::from("<div class=\"aoscomm-message\"><table style=\"text-align:left\">");
        for (k, v) in rows {
            out.push_str(&format!(
                "<tr><th style=\"text-align:left\">{}</th><td><code>{}</code></td></tr>",
                k,
                html_escape(&v)
            ));
        }
        out.push_str(&format!(
            "</table><details open><summary>data ({} bytes)</summary><pre>{}</pre></details></div>",
            data.len(),
            html_escape(&pretty)
        ));
        Ok(out)
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.envelope.encode().unwrap_or_default().hash(&mut h);
        h.finish()
    }
}

impl Message {
    pub fn __repr_str(&self) -> String {
        let mut s = format!(
            "Message(message_type={:?}, txn={:?}",
            self.envelope.message_type().as_str(),
            self.envelope.header.txn
        );
        if !self.envelope.data.correlation_id.is_empty() {
            s.push_str(&format!(
                ", correlation_id={:?}",
                self.envelope.data.correlation_id
            ));
        }
        s.push(')');
        s
    }
}

/// Escapes text for HTML element content and attribute values.
fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn decode_options(max_size: Option<usize>) -> DecodeOptions {
    let mut o = DecodeOptions::default();
    if let Some(m) = max_size {
        o.max_input = m;
    }
    o
}

/// Decodes one frame (`bytes`, `str` or an already parsed dict) into a `Message`; raises
/// `DecodeError` naming the field and the rule.
#[pyfunction]
#[pyo3(signature = (frame, *, max_size = None))]
pub fn decode(
    py: Python<'_>,
    frame: &Bound<'_, PyAny>,
    max_size: Option<usize>,
) -> PyResult<Message> {
    let bytes = pyjson::input_bytes(frame, "message").map_err(errors::not_json)?;
    let opts = decode_options(max_size);
    py.detach(|| Envelope::decode_with(&bytes, &opts))
        .map(Message::new)
        .map_err(|e| errors::decode_error(&e))
}

/// Validates a bare `data` object (dict, `str` or `bytes`) and returns its canonical form as a
/// dict; raises `DecodeError`.
#[pyfunction]
pub fn decode_data<'py>(py: Python<'py>, data: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let d = parse_data(data)?;
    let bytes = d.encode().map_err(encode_err)?;
    pyjson::from_json(py, &bytes)
}

/// Parses and validates a caller's `data` argument.
pub fn parse_data(data: &Bound<'_, PyAny>) -> PyResult<Data> {
    let bytes = pyjson::input_bytes(data, "data").map_err(errors::not_json)?;
    Data::decode(&bytes).map_err(|e| errors::decode_error(&e))
}

/// Encodes a frame. `message` is a `Message`, a whole frame (`{"header":..., "data":...}`) or
/// a bare `data` object; for the latter a header is made from `system_id`, `txn` (default: a
/// fresh UUIDv4) and `created_at` (default: now). Returns the canonical bytes.
#[pyfunction]
#[pyo3(signature = (message, *, system_id = None, txn = None, created_at = None))]
pub fn encode<'py>(
    py: Python<'py>,
    message: &Bound<'py, PyAny>,
    system_id: Option<String>,
    txn: Option<String>,
    created_at: Option<String>,
) -> PyResult<Bound<'py, PyBytes>> {
    let env = if let Ok(m) = message.cast::<Message>() {
        m.get().envelope.clone()
    } else {
        let is_frame = message
            .cast::<PyDict>()
            .map(|d| d.contains("header").unwrap_or(false))
            .unwrap_or(false);
        if is_frame {
            let bytes = pyjson::input_bytes(message, "message").map_err(errors::not_json)?;
            Envelope::decode(&bytes).map_err(|e| errors::decode_error(&e))?
        } else {
            let data = parse_data(message)?;
            Envelope {
                header: Header {
                    system_id: system_id.clone().unwrap_or_default(),
                    created_at: Some(
                        created_at
                            .clone()
                            .unwrap_or_else(|| Timestamp::now().to_string()),
                    ),
                    txn: txn.clone().unwrap_or_else(uuid_v4),
                },
                data,
            }
        }
    };
    let mut env = env;
    if let Some(s) = system_id {
        env.header.system_id = s;
    }
    if let Some(t) = txn {
        env.header.txn = t;
    }
    if let Some(c) = created_at {
        env.header.created_at = Some(c);
    }
    let bytes = env.encode().map_err(encode_err)?;
    Ok(PyBytes::new(py, &bytes))
}

fn uuid_v4() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Every wire message type name, in the protocol's order.
pub fn message_types() -> Vec<&'static str> {
    MessageType::ALL.iter().map(|t| t.as_str()).collect()
}

/// The message types the unit sends (`ack`/`nack` included).
pub fn unit_to_cloud() -> Vec<&'static str> {
    MessageType::ALL
        .iter()
        .filter(|t| t.sent_by_unit())
        .map(|t| t.as_str())
        .collect()
}

/// The message types the unit receives (`ack`/`nack` included).
pub fn cloud_to_unit() -> Vec<&'static str> {
    MessageType::ALL
        .iter()
        .filter(|t| t.received_by_unit())
        .map(|t| t.as_str())
        .collect()
}
