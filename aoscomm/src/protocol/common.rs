//! Shared sub-objects of protocol-v7.md §2: error info, identities, instance ident and filter.

use super::enums::UpdateItemType;
use super::json::{Obj, Result, Writer};
use super::limits::*;

/// A type that is a JSON object on the wire: `read` decodes its keys, `write` writes its keys
/// (the caller writes the braces, so flattened types compose).
pub(crate) trait Wire: Sized {
    fn read(o: &Obj<'_>) -> Result<Self>;
    fn write(&self, w: &mut Writer);
}

pub(crate) fn write_obj<T: Wire>(w: &mut Writer, t: &T) {
    w.begin_obj();
    t.write(w);
    w.end_obj();
}

pub(crate) fn kwrite<T: Wire>(w: &mut Writer, key: &'static str, t: &T) {
    w.key(key);
    write_obj(w, t);
}

/// Reads `"key":{"codename":...}` where both the object and `codename` are required (§2.5).
pub(crate) fn read_codename(o: &Obj<'_>, key: &'static str) -> Result<String> {
    o.obj_req(key, |n| n.str_req("codename", ID_LEN))
}

/// Reads `"key":{"id":...}` where both the object and `id` are required.
pub(crate) fn read_id(o: &Obj<'_>, key: &'static str) -> Result<String> {
    o.obj_req(key, |n| n.str_req("id", ID_LEN))
}

/// Error object (`errorInfo`, §2.1). Written with all three keys.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ErrorInfo {
    /// `Error::Enum` value: 0 none, 1 failed, 2 runtime, ... 14 canceled.
    pub aos_code: i64,
    /// errno, usually 0.
    pub exit_code: i64,
    pub message: String,
}

impl ErrorInfo {
    pub fn new(aos_code: i64, message: impl Into<String>) -> Self {
        ErrorInfo {
            aos_code,
            exit_code: 0,
            message: message.into(),
        }
    }
}

impl Wire for ErrorInfo {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(ErrorInfo {
            aos_code: o.i64_d("aosCode", 0)?,
            exit_code: o.i64_d("exitCode", 0)?,
            message: o.str_d("message", ERROR_MESSAGE_LEN)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.ki64("aosCode", self.aos_code);
        w.ki64("exitCode", self.exit_code);
        w.kstr("message", &self.message);
    }
}

/// Reads an optional `errorInfo`; like the reference, an error exists only if `aosCode` > 0, so an
/// `errorInfo` with `aosCode` 0 reads as no error.
pub(crate) fn read_error(o: &Obj<'_>) -> Result<Option<ErrorInfo>> {
    Ok(o.obj_opt("errorInfo", ErrorInfo::read)?
        .filter(|e| e.aos_code > 0))
}

pub(crate) fn write_error(w: &mut Writer, e: &Option<ErrorInfo>) {
    if let Some(e) = e {
        kwrite(w, "errorInfo", e);
    }
}

/// Generic identity object (`AosIdentity`, §2.2): every key optional, written in the order
/// `id`, `codename`, `type`, `title`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Identity {
    pub id: Option<String>,
    pub codename: Option<String>,
    /// An invalid `type` string is treated as absent, as the reference does.
    pub item_type: Option<UpdateItemType>,
    pub title: Option<String>,
}

impl Wire for Identity {
    fn read(o: &Obj<'_>) -> Result<Self> {
        let item_type = match o.get("type") {
            Some(v) => UpdateItemType::read(v).ok(),
            None => None,
        };
        Ok(Identity {
            id: o.opt_str("id", ID_LEN)?,
            codename: o.opt_str("codename", ID_LEN)?,
            item_type,
            title: o.opt_str("title", ID_LEN)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        if let Some(v) = &self.id {
            w.kstr("id", v);
        }
        if let Some(v) = &self.codename {
            w.kstr("codename", v);
        }
        if let Some(v) = &self.item_type {
            w.kstr("type", v.as_str());
        }
        if let Some(v) = &self.title {
            w.kstr("title", v);
        }
    }
}

/// Reads an identity reference `{"id":x}` or, for preinstalled items, `{"codename":x}`.
/// Returns (value, preinstalled).
pub(crate) fn read_id_or_codename(o: &Obj<'_>) -> Result<(String, bool)> {
    if o.get("id").is_some() {
        Ok((o.str_d("id", ID_LEN)?, false))
    } else if o.get("codename").is_some() {
        Ok((o.str_d("codename", ID_LEN)?, true))
    } else {
        Ok((String::new(), false))
    }
}

pub(crate) fn write_id_or_codename(w: &mut Writer, id: &str, preinstalled: bool) {
    w.kstr(if preinstalled { "codename" } else { "id" }, id);
}

/// Identifies one service instance (§2.3). Flattened into its parent as `item`, `subject`,
/// `instance`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InstanceIdent {
    pub item_id: String,
    pub subject_id: String,
    pub instance: u64,
    /// Preinstalled instances are written with `codename` instead of `id`. On read, an identity
    /// without `id` but with `codename` sets this flag (the reference cannot read it back, §9.7).
    pub preinstalled: bool,
}

impl Wire for InstanceIdent {
    fn read(o: &Obj<'_>) -> Result<Self> {
        let (item_id, preinstalled) = o.obj_req("item", read_id_or_codename)?;
        let (subject_id, _) = o.obj_req("subject", read_id_or_codename)?;
        Ok(InstanceIdent {
            item_id,
            subject_id,
            instance: o.u64_d("instance")?,
            preinstalled,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kobj("item", |w| {
            write_id_or_codename(w, &self.item_id, self.preinstalled)
        });
        w.kobj("subject", |w| {
            write_id_or_codename(w, &self.subject_id, self.preinstalled)
        });
        w.ku64("instance", self.instance);
    }
}

/// Selects instances (§2.4); an absent part matches anything. Flattened into its parent.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InstanceFilter {
    /// `item.id`; `Some("")` when `item` is present without `id`.
    pub item_id: Option<String>,
    pub subject_id: Option<String>,
    pub instance: Option<u64>,
}

impl Wire for InstanceFilter {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(InstanceFilter {
            item_id: o.obj_opt("item", |i| i.str_d("id", ID_LEN))?,
            subject_id: o.obj_opt("subject", |i| i.str_d("id", ID_LEN))?,
            instance: o.opt_u64("instance")?,
        })
    }
    fn write(&self, w: &mut Writer) {
        if let Some(v) = &self.item_id {
            w.kobj("item", |w| w.kstr("id", v));
        }
        if let Some(v) = &self.subject_id {
            w.kobj("subject", |w| w.kstr("id", v));
        }
        if let Some(v) = self.instance {
            w.ku64("instance", v);
        }
    }
}

/// The correlation object `{"correlationId": ...}` (§2.7); the key is written only if non-empty.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Protocol {
    pub correlation_id: String,
}

impl Wire for Protocol {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(Protocol {
            correlation_id: o.str_d("correlationId", CORRELATION_ID_LEN)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        if !self.correlation_id.is_empty() {
            w.kstr("correlationId", &self.correlation_id);
        }
    }
}
