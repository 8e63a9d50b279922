//! The JSON layer under the codec: a borrowed document tree that keeps key order and flags
//! case-insensitive duplicate keys, path-aware readers that apply the v7 leniency rules, and a
//! compact writer.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::error::{DecodeError, DecodeErrorKind as K, EncodeError};

// ---------------------------------------------------------------------------------------------
// Tree

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Num {
    U(u64),
    I(i64),
    F(f64),
}

#[derive(Debug)]
pub(crate) struct Object<'a> {
    /// Entries without `null` values, in document order.
    pub entries: Vec<(Cow<'a, str>, Value<'a>)>,
    /// The first key that repeats another one case-insensitively, if any.
    pub duplicate: Option<Cow<'a, str>>,
}

#[derive(Debug)]
pub(crate) enum Value<'a> {
    Null,
    Bool(bool),
    Num(Num),
    Str(Cow<'a, str>),
    Arr(Vec<Value<'a>>),
    Obj(Object<'a>),
}

impl Value<'_> {
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Num(_) => "number",
            Value::Str(_) => "string",
            Value::Arr(_) => "array",
            Value::Obj(_) => "object",
        }
    }
}

/// Default largest document the decoder accepts.
pub const DEFAULT_MAX_INPUT: usize = 8 * 1024 * 1024;

/// Parses one JSON document. Syntax errors are reported at path `json`.
pub(crate) fn parse(bytes: &[u8], max_input: usize) -> Result<Value<'_>> {
    if bytes.len() > max_input {
        return Err(DecodeError::new(
            "json",
            K::InputTooLarge {
                limit: max_input,
                got: bytes.len(),
            },
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = ValueSeed
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v))
        .map_err(|e| DecodeError::new("json", K::Syntax(e.to_string())))?;
    Ok(value)
}

struct ValueSeed;

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = Value<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Value<'de>, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Cow<'de, str>, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> std::result::Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(Value::Null)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> std::result::Result<Self::Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Self::Value, E> {
        Ok(Value::Num(Num::U(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Self::Value, E> {
        Ok(Value::Num(Num::I(v)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Self::Value, E> {
        Ok(Value::Num(Num::F(v)))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> std::result::Result<Self::Value, E> {
        Ok(Value::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
        Ok(Value::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<Self::Value, E> {
        Ok(Value::Str(Cow::Owned(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(v) = seq.next_element_seed(ValueSeed)? {
            items.push(v);
        }
        Ok(Value::Arr(items))
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut entries: Vec<(Cow<'de, str>, Value<'de>)> = Vec::new();
        let mut duplicate = None;
        // Keys seen so far, lower-cased; only built for large objects.
        let mut seen_large: Option<HashSet<String>> = None;
        let mut count = 0usize;
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let value = map.next_value_seed(ValueSeed)?;
            count += 1;
            if duplicate.is_none() {
                let dup = if count <= 16 && seen_large.is_none() {
                    // `entries` still holds every key so far, null-valued ones included.
                    entries.iter().any(|(k, _)| k.eq_ignore_ascii_case(&key))
                } else {
                    let set = seen_large.get_or_insert_with(|| {
                        entries
                            .iter()
                            .map(|(k, _)| k.to_ascii_lowercase())
                            .collect()
                    });
                    !set.insert(key.to_ascii_lowercase())
                };
                if dup {
                    duplicate = Some(key.clone());
                }
            }
            // Null-valued keys are kept for duplicate detection but marked absent below.
            entries.push((key, value));
        }
        entries.retain(|(_, v)| !matches!(v, Value::Null));
        Ok(Value::Obj(Object { entries, duplicate }))
    }
}

// ---------------------------------------------------------------------------------------------
// Paths

/// A JSON path built on the stack while decoding; formatted only when an error is reported.
#[derive(Clone, Copy)]
pub(crate) enum Path<'p> {
    Root(&'p str),
    Key(&'p Path<'p>, &'p str),
    Index(&'p Path<'p>, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root(r) => f.write_str(r),
            Path::Key(p, k) => write!(f, "{p}.{k}"),
            Path::Index(p, i) => write!(f, "{p}[{i}]"),
        }
    }
}

pub(crate) type Result<T> = std::result::Result<T, DecodeError>;

// ---------------------------------------------------------------------------------------------
// Readers

/// A value together with its path.
#[derive(Clone, Copy)]
pub(crate) struct V<'s> {
    pub v: &'s Value<'s>,
    pub path: Path<'s>,
}

impl<'s> V<'s> {
    pub fn err(&self, kind: K) -> DecodeError {
        DecodeError::new(self.path.to_string(), kind)
    }

    /// The same value, with its path restarted at `name`.
    pub fn reroot(&self, name: &'s str) -> V<'s> {
        V {
            v: self.v,
            path: Path::Root(name),
        }
    }

    fn wrong(&self, expected: &'static str) -> DecodeError {
        self.err(K::WrongType {
            expected,
            found: self.v.type_name(),
        })
    }

    pub fn obj(&self) -> Result<Obj<'s>> {
        match self.v {
            Value::Obj(o) => {
                if let Some(d) = &o.duplicate {
                    return Err(self.err(K::DuplicateKey(d.to_string())));
                }
                Ok(Obj {
                    entries: &o.entries,
                    path: self.path,
                })
            }
            _ => Err(self.wrong("an object")),
        }
    }

    /// A string; a number is accepted and converted to its decimal text (Poco `Var` leniency).
    pub fn str_cow(&self) -> Result<Cow<'s, str>> {
        match self.v {
            Value::Str(s) => Ok(Cow::Borrowed(s.as_ref())),
            Value::Num(Num::U(n)) => Ok(Cow::Owned(n.to_string())),
            Value::Num(Num::I(n)) => Ok(Cow::Owned(n.to_string())),
            Value::Num(Num::F(n)) => Ok(Cow::Owned(n.to_string())),
            _ => Err(self.wrong("a string")),
        }
    }

    /// A string of at most `max` bytes.
    pub fn string(&self, max: usize) -> Result<String> {
        let s = self.str_cow()?;
        if s.len() > max {
            return Err(self.err(K::TooLong { max, got: s.len() }));
        }
        Ok(s.into_owned())
    }

    pub fn u64(&self) -> Result<u64> {
        let bad = |got: String| {
            self.err(K::InvalidNumber {
                expected: "an unsigned integer",
                got,
            })
        };
        match self.v {
            Value::Num(Num::U(n)) => Ok(*n),
            Value::Num(Num::I(n)) => Err(bad(n.to_string())),
            Value::Num(Num::F(n)) => Err(bad(n.to_string())),
            Value::Str(s) => {
                let t = s.trim();
                if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
                    t.parse::<u64>().map_err(|_| bad(format!("\"{s}\"")))
                } else {
                    Err(bad(format!("\"{s}\"")))
                }
            }
            _ => Err(self.wrong("an unsigned integer")),
        }
    }

    pub fn i64(&self) -> Result<i64> {
        let bad = |got: String| {
            self.err(K::InvalidNumber {
                expected: "an integer",
                got,
            })
        };
        match self.v {
            Value::Num(Num::U(n)) => i64::try_from(*n).map_err(|_| bad(n.to_string())),
            Value::Num(Num::I(n)) => Ok(*n),
            Value::Num(Num::F(n)) => Err(bad(n.to_string())),
            Value::Str(s) => {
                let t = s.trim();
                let digits = t.strip_prefix('-').unwrap_or(t);
                if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                    t.parse::<i64>().map_err(|_| bad(format!("\"{s}\"")))
                } else {
                    Err(bad(format!("\"{s}\"")))
                }
            }
            _ => Err(self.wrong("an integer")),
        }
    }

    pub fn f64(&self) -> Result<f64> {
        match self.v {
            Value::Num(Num::U(n)) => Ok(*n as f64),
            Value::Num(Num::I(n)) => Ok(*n as f64),
            Value::Num(Num::F(n)) => Ok(*n),
            Value::Str(s) => match s.trim().parse::<f64>() {
                Ok(f) if f.is_finite() => Ok(f),
                _ => Err(self.err(K::InvalidNumber {
                    expected: "a number",
                    got: format!("\"{s}\""),
                })),
            },
            _ => Err(self.wrong("a number")),
        }
    }

    pub fn bool(&self) -> Result<bool> {
        match self.v {
            Value::Bool(b) => Ok(*b),
            Value::Str(s) if s == "true" => Ok(true),
            Value::Str(s) if s == "false" => Ok(false),
            _ => Err(self.wrong("a boolean")),
        }
    }

    pub fn arr(&self) -> Result<&'s [Value<'s>]> {
        match self.v {
            Value::Arr(a) => Ok(a),
            _ => Err(self.wrong("an array")),
        }
    }
}

/// An object together with its path. Lookups are case-insensitive.
#[derive(Clone, Copy)]
pub(crate) struct Obj<'s> {
    entries: &'s [(Cow<'s, str>, Value<'s>)],
    pub path: Path<'s>,
}

impl<'s> Obj<'s> {
    /// Reads a document root as an object.
    pub fn root(v: &'s Value<'s>, name: &'s str) -> Result<Obj<'s>> {
        V {
            v,
            path: Path::Root(name),
        }
        .obj()
    }

    pub fn missing(&self, key: &'static str) -> DecodeError {
        DecodeError::new(self.path.to_string(), K::MissingKey(key))
    }

    /// The value under `key` (case-insensitive), or `None` when absent or `null`.
    pub fn get<'k>(&'k self, key: &'static str) -> Option<V<'k>> {
        self.entries
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| V {
                v,
                path: Path::Key(&self.path, key),
            })
    }

    pub fn req<'k>(&'k self, key: &'static str) -> Result<V<'k>> {
        self.get(key).ok_or_else(|| self.missing(key))
    }

    /// Keys and values in document order (for free-form maps such as `attrs`).
    pub fn entries(&self) -> impl Iterator<Item = (&'s str, &'s Value<'s>)> {
        self.entries.iter().map(|(k, v)| (k.as_ref(), v))
    }

    // Typed getters; `_d` = default when absent, `opt_` = `None` when absent.

    pub fn str_d(&self, key: &'static str, max: usize) -> Result<String> {
        self.get(key).map_or(Ok(String::new()), |v| v.string(max))
    }
    pub fn str_req(&self, key: &'static str, max: usize) -> Result<String> {
        self.req(key)?.string(max)
    }
    pub fn opt_str(&self, key: &'static str, max: usize) -> Result<Option<String>> {
        self.get(key).map(|v| v.string(max)).transpose()
    }
    pub fn u64_d(&self, key: &'static str) -> Result<u64> {
        self.get(key).map_or(Ok(0), |v| v.u64())
    }
    pub fn opt_u64(&self, key: &'static str) -> Result<Option<u64>> {
        self.get(key).map(|v| v.u64()).transpose()
    }
    pub fn i64_d(&self, key: &'static str, default: i64) -> Result<i64> {
        self.get(key).map_or(Ok(default), |v| v.i64())
    }
    pub fn f64_d(&self, key: &'static str) -> Result<f64> {
        self.get(key).map_or(Ok(0.0), |v| v.f64())
    }
    pub fn opt_f64(&self, key: &'static str) -> Result<Option<f64>> {
        self.get(key).map(|v| v.f64()).transpose()
    }
    pub fn bool_d(&self, key: &'static str) -> Result<bool> {
        self.get(key).map_or(Ok(false), |v| v.bool())
    }

    /// A required sub-object, decoded by `f`.
    pub fn obj_req<T>(
        &self,
        key: &'static str,
        f: impl FnOnce(&Obj<'_>) -> Result<T>,
    ) -> Result<T> {
        let v = self.req(key)?;
        f(&v.obj()?)
    }

    /// An optional sub-object, decoded by `f`.
    pub fn obj_opt<T>(
        &self,
        key: &'static str,
        f: impl FnOnce(&Obj<'_>) -> Result<T>,
    ) -> Result<Option<T>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => f(&v.obj()?).map(Some),
        }
    }

    /// An array of at most `max` elements; absent = `None`.
    pub fn arr_opt<T>(
        &self,
        key: &'static str,
        max: usize,
        mut f: impl FnMut(V<'_>) -> Result<T>,
    ) -> Result<Option<Vec<T>>> {
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        let items = v.arr()?;
        if items.len() > max {
            return Err(v.err(K::TooMany {
                max,
                got: items.len(),
            }));
        }
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            out.push(f(V {
                v: item,
                path: Path::Index(&v.path, i),
            })?);
        }
        Ok(Some(out))
    }

    /// An array of at most `max` elements; absent = empty (§1.3).
    pub fn arr_d<T>(
        &self,
        key: &'static str,
        max: usize,
        f: impl FnMut(V<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        Ok(self.arr_opt(key, max, f)?.unwrap_or_default())
    }

    /// A required array.
    pub fn arr_req<T>(
        &self,
        key: &'static str,
        max: usize,
        f: impl FnMut(V<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        self.arr_opt(key, max, f)?.ok_or_else(|| self.missing(key))
    }

    /// An array of objects decoded by `f`, absent = empty.
    pub fn objs_d<T>(
        &self,
        key: &'static str,
        max: usize,
        mut f: impl FnMut(&Obj<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        self.arr_d(key, max, |v| f(&v.obj()?))
    }

    /// An array of strings of at most `len` bytes each, absent = empty.
    pub fn strs_d(&self, key: &'static str, max: usize, len: usize) -> Result<Vec<String>> {
        self.arr_d(key, max, |v| v.string(len))
    }
}

// ---------------------------------------------------------------------------------------------
// Writer

/// Compact JSON writer. Keys and values are written in call order; commas are automatic.
pub(crate) struct Writer {
    pub buf: Vec<u8>,
    comma: bool,
    last_key: &'static str,
    error: Option<EncodeError>,
}

impl Writer {
    pub fn new() -> Self {
        Self::with_capacity(256)
    }

    pub fn with_capacity(n: usize) -> Self {
        Writer {
            buf: Vec::with_capacity(n),
            comma: false,
            last_key: "",
            error: None,
        }
    }

    pub fn finish(self) -> std::result::Result<Vec<u8>, EncodeError> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.buf),
        }
    }

    fn sep(&mut self) {
        if self.comma {
            self.buf.push(b',');
        }
    }

    pub fn begin_obj(&mut self) {
        self.sep();
        self.buf.push(b'{');
        self.comma = false;
    }
    pub fn end_obj(&mut self) {
        self.buf.push(b'}');
        self.comma = true;
    }
    pub fn begin_arr(&mut self) {
        self.sep();
        self.buf.push(b'[');
        self.comma = false;
    }
    pub fn end_arr(&mut self) {
        self.buf.push(b']');
        self.comma = true;
    }

    /// Writes `"key":`; the next value call writes the value.
    pub fn key(&mut self, key: &'static str) {
        self.sep();
        self.buf.push(b'"');
        self.buf.extend_from_slice(key.as_bytes());
        self.buf.extend_from_slice(b"\":");
        self.comma = false;
        self.last_key = key;
    }

    /// Writes a key whose name is data (free-form maps).
    pub fn key_dyn(&mut self, key: &str) {
        self.sep();
        write_escaped(&mut self.buf, key);
        self.buf.push(b':');
        self.comma = false;
    }

    pub fn str(&mut self, s: &str) {
        self.sep();
        write_escaped(&mut self.buf, s);
        self.comma = true;
    }
    pub fn u64(&mut self, n: u64) {
        self.sep();
        self.buf
            .extend_from_slice(itoa_u64(n, &mut [0u8; 20]).as_bytes());
        self.comma = true;
    }
    pub fn i64(&mut self, n: i64) {
        self.sep();
        if n < 0 {
            self.buf.push(b'-');
        }
        self.buf
            .extend_from_slice(itoa_u64(n.unsigned_abs(), &mut [0u8; 20]).as_bytes());
        self.comma = true;
    }
    /// Shortest round-trip form; whole values without `.0` (as Poco prints doubles).
    pub fn f64(&mut self, x: f64) {
        self.sep();
        if x.is_finite() {
            use std::io::Write;
            // Rust's `Display` for f64 is the shortest representation that round-trips and
            // never uses an exponent or a trailing `.0`.
            let _ = write!(self.buf, "{x}");
        } else {
            if self.error.is_none() {
                self.error = Some(EncodeError::NonFinite {
                    key: self.last_key.to_string(),
                    value: x.to_string(),
                });
            }
            self.buf.extend_from_slice(b"null");
        }
        self.comma = true;
    }
    pub fn bool(&mut self, b: bool) {
        self.sep();
        self.buf
            .extend_from_slice(if b { b"true" } else { b"false" });
        self.comma = true;
    }

    // key + value shorthands
    pub fn kstr(&mut self, key: &'static str, s: &str) {
        self.key(key);
        self.str(s);
    }
    pub fn ku64(&mut self, key: &'static str, n: u64) {
        self.key(key);
        self.u64(n);
    }
    pub fn ki64(&mut self, key: &'static str, n: i64) {
        self.key(key);
        self.i64(n);
    }
    pub fn kf64(&mut self, key: &'static str, x: f64) {
        self.key(key);
        self.f64(x);
    }
    pub fn kbool(&mut self, key: &'static str, b: bool) {
        self.key(key);
        self.bool(b);
    }
    /// `"key":` then an object whose fields `f` writes.
    pub fn kobj(&mut self, key: &'static str, f: impl FnOnce(&mut Writer)) {
        self.key(key);
        self.begin_obj();
        f(self);
        self.end_obj();
    }
    /// `"key":` then an array whose elements `f` writes for each item.
    pub fn karr<T>(&mut self, key: &'static str, items: &[T], mut f: impl FnMut(&mut Writer, &T)) {
        self.key(key);
        self.begin_arr();
        for it in items {
            f(self, it);
        }
        self.end_arr();
    }
    /// `"key":` then an array of objects whose fields `f` writes.
    pub fn kobjs<T>(&mut self, key: &'static str, items: &[T], mut f: impl FnMut(&mut Writer, &T)) {
        self.karr(key, items, |w, it| {
            w.begin_obj();
            f(w, it);
            w.end_obj();
        });
    }
    pub fn kstrs(&mut self, key: &'static str, items: &[String]) {
        self.karr(key, items, |w, s| w.str(s));
    }
    /// `"key":{"codename":value}`
    pub fn kcodename(&mut self, key: &'static str, codename: &str) {
        self.kobj(key, |w| w.kstr("codename", codename));
    }
}

fn itoa_u64(mut n: u64, buf: &mut [u8; 20]) -> &str {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // Only ASCII digits were written.
    std::str::from_utf8(&buf[i..]).unwrap_or("0")
}

/// Writes `s` as a JSON string: `"` and `\` escaped, control characters escaped (`\n`, `\r`,
/// `\t`, `\b`, `\f`, else `\u00XX`), `/` and non-ASCII written as they are.
pub(crate) fn write_escaped(buf: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    buf.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0x00..=0x1f => {
                buf.extend_from_slice(&bytes[start..i]);
                buf.extend_from_slice(b"\\u00");
                buf.push(HEX[(b >> 4) as usize]);
                buf.push(HEX[(b & 0xf) as usize]);
                start = i + 1;
                continue;
            }
            _ => continue,
        };
        buf.extend_from_slice(&bytes[start..i]);
        buf.extend_from_slice(esc);
        start = i + 1;
    }
    buf.extend_from_slice(&bytes[start..]);
    buf.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_are_flagged_case_insensitively() {
        let v = parse(br#"{"txn":"a","TXN":"b"}"#, DEFAULT_MAX_INPUT).expect("parses");
        let e = Obj::root(&v, "header").err().expect("duplicate");
        assert_eq!(
            e.to_string(),
            "header: duplicate key \"TXN\" (keys are matched case-insensitively)"
        );
        // also for objects with many keys (hash-set path)
        let mut doc = String::from("{");
        for i in 0..40 {
            doc.push_str(&format!("\"k{i}\":{i},"));
        }
        doc.push_str("\"K7\":1}");
        let v = parse(doc.as_bytes(), DEFAULT_MAX_INPUT).expect("parses");
        assert!(Obj::root(&v, "data").is_err());
        // a null-valued duplicate still counts
        let v = parse(br#"{"a":null,"A":1}"#, DEFAULT_MAX_INPUT).expect("parses");
        assert!(Obj::root(&v, "data").is_err());
    }

    #[test]
    fn escaping_matches_reference_rules() {
        let mut b = Vec::new();
        write_escaped(&mut b, "a/b\"c\\\n\u{1}é");
        assert_eq!(
            String::from_utf8(b).expect("utf8"),
            "\"a/b\\\"c\\\\\\n\\u0001é\""
        );
    }

    #[test]
    fn doubles_print_like_poco() {
        let mut w = Writer::new();
        w.begin_arr();
        for x in [10.0, 0.1, -2.5, 1e21, 0.0] {
            w.f64(x);
        }
        w.end_arr();
        assert_eq!(
            String::from_utf8(w.finish().expect("finite")).expect("utf8"),
            "[10,0.1,-2.5,1000000000000000000000,0]"
        );
        let mut w = Writer::new();
        w.kf64("cpu", f64::NAN);
        assert!(w.finish().is_err());
    }

    #[test]
    fn size_limit_applies_before_parsing() {
        let e = parse(&[b' '; 100], 10).expect_err("too large");
        assert_eq!(e.path(), "json");
    }
}
