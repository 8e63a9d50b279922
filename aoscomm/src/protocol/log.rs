//! Logs (§3.11–3.12): `pushLog` (unit → cloud) and `requestLog` (cloud → unit).

use super::common::{read_codename, read_error, write_error, ErrorInfo, InstanceFilter, Wire};
use super::encoding::{base64_d, timestamp_opt, write_base64_wrapped, Timestamp};
use super::enums::{LogStatus, LogType, LogUploadType};
use super::json::{Obj, Result, Writer};
use super::limits::*;

/// `pushLog`: one part of a requested log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushLog {
    pub node_id: String,
    pub part: u64,
    pub parts_count: u64,
    /// Raw bytes; written as base64 with CRLF every 72 characters.
    pub content: Vec<u8>,
    pub status: LogStatus,
    pub error: Option<ErrorInfo>,
}

impl Wire for PushLog {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(PushLog {
            node_id: read_codename(o, "node")?,
            part: o.u64_d("part")?,
            parts_count: o.u64_d("partsCount")?,
            content: base64_d(o, "content", LOG_CONTENT_LEN)?,
            status: LogStatus::read(o.req("status")?)?,
            error: read_error(o)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kcodename("node", &self.node_id);
        w.ku64("part", self.part);
        w.ku64("partsCount", self.parts_count);
        w.key("content");
        write_base64_wrapped(w, &self.content);
        w.kstr("status", self.status.as_str());
        write_error(w, &self.error);
    }
}

/// `requestLog`: the cloud asks for a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestLog {
    pub log_type: LogType,
    pub filter: LogFilter,
    pub upload_options: Option<UploadOptions>,
}

impl Wire for RequestLog {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(RequestLog {
            log_type: LogType::read(o.req("logType")?)?,
            filter: o.obj_req("filter", LogFilter::read)?,
            upload_options: o.obj_opt("uploadOptions", UploadOptions::read)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kstr("logType", self.log_type.as_str());
        w.kobj("filter", |w| self.filter.write(w));
        if let Some(u) = &self.upload_options {
            w.kobj("uploadOptions", |w| u.write(w));
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogFilter {
    pub from: Option<Timestamp>,
    pub till: Option<Timestamp>,
    /// Node IDs, written as `[{"codename": id}]`.
    pub node_ids: Vec<String>,
    pub instance_filter: InstanceFilter,
}

impl Wire for LogFilter {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(LogFilter {
            from: timestamp_opt(o, "from")?,
            till: timestamp_opt(o, "till")?,
            node_ids: o.objs_d("nodeIds", MAX_NODES, |n| n.str_req("codename", ID_LEN))?,
            instance_filter: InstanceFilter::read(o)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        if let Some(t) = &self.from {
            w.key("from");
            t.write(w);
        }
        if let Some(t) = &self.till {
            w.key("till");
            t.write(w);
        }
        w.kobjs("nodeIds", &self.node_ids, |w, n| w.kstr("codename", n));
        self.instance_filter.write(w);
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadOptions {
    pub upload_type: LogUploadType,
    pub url: String,
    pub bearer_token: String,
    pub bearer_token_ttl: Option<Timestamp>,
}

impl Wire for UploadOptions {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(UploadOptions {
            upload_type: LogUploadType::read(o.req("type")?)?,
            url: o.str_d("url", URL_LEN)?,
            bearer_token: o.str_d("bearerToken", BEARER_TOKEN_LEN)?,
            bearer_token_ttl: timestamp_opt(o, "bearerTokenTtl")?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kstr("type", self.upload_type.as_str());
        w.kstr("url", &self.url);
        w.kstr("bearerToken", &self.bearer_token);
        if let Some(t) = &self.bearer_token_ttl {
            w.key("bearerTokenTtl");
            t.write(w);
        }
    }
}
