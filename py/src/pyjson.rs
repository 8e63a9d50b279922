//! Python objects <-> JSON bytes, without an intermediate tree: the codec validates the bytes,
//! Python gets plain dicts/lists in the wire's key order.

use std::fmt;
use std::io::Write as _;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple,
};
use pyo3::IntoPyObjectExt;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// A Python value that has no JSON form, with where it was.
#[derive(Debug)]
pub struct NotJson {
    pub path: String,
    pub reason: String,
}

/// Deepest nesting accepted from Python (the codec's own limit is 128).
const MAX_DEPTH: usize = 128;

/// Writes `obj` (dict, list, tuple, str, int, float, bool, None) as compact JSON. `path` names
/// the root in errors (`data`).
pub fn to_json(obj: &Bound<'_, PyAny>, path: &str) -> Result<Vec<u8>, NotJson> {
    let mut out = Vec::with_capacity(256);
    let mut p = path.to_string();
    write(obj, &mut out, &mut p, 0)?;
    Ok(out)
}

fn not_json(path: &str, reason: impl Into<String>) -> NotJson {
    NotJson {
        path: path.to_string(),
        reason: reason.into(),
    }
}

fn write_str(out: &mut Vec<u8>, s: &str) {
    // serde_json's escaping; writing to a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

fn write(
    obj: &Bound<'_, PyAny>,
    out: &mut Vec<u8>,
    path: &mut String,
    depth: usize,
) -> Result<(), NotJson> {
    if depth > MAX_DEPTH {
        return Err(not_json(
            path,
            format!("nested deeper than {MAX_DEPTH} levels"),
        ));
    }
    if obj.is_none() {
        out.extend_from_slice(b"null");
    } else if let Ok(s) = obj.cast::<PyString>() {
        let s = s
            .to_cow()
            .map_err(|_| not_json(path, "string is not valid UTF-8 (lone surrogate)"))?;
        write_str(out, &s);
    } else if let Ok(b) = obj.cast::<PyBool>() {
        out.extend_from_slice(if b.is_true() { b"true" } else { b"false" });
    } else if let Ok(i) = obj.cast::<PyInt>() {
        if let Ok(v) = i.extract::<i64>() {
            let _ = write!(out, "{v}");
        } else if let Ok(v) = i.extract::<u64>() {
            let _ = write!(out, "{v}");
        } else {
            return Err(not_json(path, "integer does not fit in 64 bits"));
        }
    } else if let Ok(f) = obj.cast::<PyFloat>() {
        let v = f.value();
        if !v.is_finite() {
            return Err(not_json(path, format!("{v} is not a JSON number")));
        }
        let _ = serde_json::to_writer(&mut *out, &v);
    } else if let Ok(d) = obj.cast::<PyDict>() {
        out.push(b'{');
        for (n, (k, v)) in d.iter().enumerate() {
            let Ok(key) = k.cast::<PyString>() else {
                return Err(not_json(path, format!("key {} is not a string", repr(&k))));
            };
            let key = key
                .to_cow()
                .map_err(|_| not_json(path, "key is not valid UTF-8"))?;
            if n > 0 {
                out.push(b',');
            }
            write_str(out, &key);
            out.push(b':');
            let len = path.len();
            path.push('.');
            path.push_str(&key);
            write(&v, out, path, depth + 1)?;
            path.truncate(len);
        }
        out.push(b'}');
    } else if let Ok(m) = obj.cast::<PyMapping>() {
        // Any other Mapping (MappingProxy, OrderedDict subclasses are dicts already).
        let d = PyDict::new(obj.py());
        let items = m
            .items()
            .map_err(|e| not_json(path, format!("cannot read the mapping: {e}")))?;
        for kv in items.iter() {
            let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = kv
                .extract()
                .map_err(|e| not_json(path, format!("cannot read the mapping: {e}")))?;
            d.set_item(k, v)
                .map_err(|e| not_json(path, format!("cannot read the mapping: {e}")))?;
        }
        write(d.as_any(), out, path, depth)?;
    } else if obj.cast::<PyList>().is_ok() || obj.cast::<PyTuple>().is_ok() {
        out.push(b'[');
        let items: Vec<Bound<'_, PyAny>> = match obj.cast::<PyList>() {
            Ok(l) => l.iter().collect(),
            Err(_) => obj
                .cast::<PyTuple>()
                .map(|t| t.iter().collect())
                .unwrap_or_default(),
        };
        for (n, v) in items.iter().enumerate() {
            if n > 0 {
                out.push(b',');
            }
            let len = path.len();
            let _ = fmt::Write::write_fmt(path, format_args!("[{n}]"));
            write(v, out, path, depth + 1)?;
            path.truncate(len);
        }
        out.push(b']');
    } else {
        return Err(not_json(
            path,
            format!("a value of type {} has no JSON form", type_name(obj)),
        ));
    }
    Ok(())
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

fn repr(obj: &Bound<'_, PyAny>) -> String {
    obj.repr()
        .map(|r| r.to_string())
        .unwrap_or_else(|_| "?".into())
}

/// The JSON text of a caller's `data`/frame argument: `bytes`/`bytearray`/`str` are taken as
/// JSON text, anything else is converted.
pub fn input_bytes(obj: &Bound<'_, PyAny>, path: &str) -> Result<Vec<u8>, NotJson> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(b.to_vec());
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return s
            .to_cow()
            .map(|s| s.as_bytes().to_vec())
            .map_err(|_| not_json(path, "string is not valid UTF-8 (lone surrogate)"));
    }
    to_json(obj, path)
}

/// Parses JSON bytes (already validated by the codec) into Python objects, keeping key order.
pub fn from_json<'py>(py: Python<'py>, bytes: &[u8]) -> PyResult<Bound<'py, PyAny>> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let v = PySeed { py }
        .deserialize(&mut de)
        .map_err(|e| PyValueError::new_err(format!("JSON: {e}")))?;
    de.end()
        .map_err(|e| PyValueError::new_err(format!("JSON: {e}")))?;
    Ok(v)
}

#[derive(Clone, Copy)]
struct PySeed<'py> {
    py: Python<'py>,
}

impl<'de, 'py> DeserializeSeed<'de> for PySeed<'py> {
    type Value = Bound<'py, PyAny>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

fn py_err<E: serde::de::Error>(e: PyErr) -> E {
    E::custom(e.to_string())
}

impl<'de, 'py> Visitor<'de> for PySeed<'py> {
    type Value = Bound<'py, PyAny>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JSON")
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(self.py.None().into_bound(self.py))
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(PyBool::new(self.py, v).to_owned().into_any())
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
        v.into_bound_py_any(self.py).map_err(py_err)
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
        v.into_bound_py_any(self.py).map_err(py_err)
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(PyFloat::new(self.py, v).into_any())
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(PyString::new(self.py, v).into_any())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let list = PyList::empty(self.py);
        while let Some(v) = seq.next_element_seed(self)? {
            list.append(v).map_err(py_err)?;
        }
        Ok(list.into_any())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let dict = PyDict::new(self.py);
        while let Some(k) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            let v = map.next_value_seed(self)?;
            dict.set_item(k.as_ref(), v).map_err(py_err)?;
        }
        Ok(dict.into_any())
    }
}
