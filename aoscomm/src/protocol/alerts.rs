//! `alerts` (unit → cloud, §3.4).

use super::common::{read_codename, read_error, write_error, ErrorInfo, InstanceIdent, Wire};
use super::encoding::Timestamp;
use super::enums::{AlertTag, CoreComponent, DownloadState};
use super::json::{Obj, Result, Writer};
use super::limits::*;

/// `alerts` data.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Alerts {
    pub items: Vec<Alert>,
}

impl Wire for Alerts {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(Alerts {
            items: o.objs_d("items", MAX_ALERT_ITEMS, Alert::read)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kobjs("items", &self.items, |w, a| a.write(w));
    }
}

/// One alert: a timestamp and the tag-specific body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub timestamp: Timestamp,
    pub body: AlertBody,
}

/// The tag-specific part of an alert; the variant decides `tag`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertBody {
    System {
        node_id: String,
        message: String,
    },
    Core {
        node_id: String,
        core_component: CoreComponent,
        message: String,
    },
    ResourceAllocate {
        instance: InstanceIdent,
        node_id: String,
        device_id: String,
        message: String,
    },
    /// The quota state (raise/continue/fall) is not on the wire (§9.11).
    SystemQuota {
        node_id: String,
        parameter: String,
        value: u64,
    },
    InstanceQuota {
        instance: InstanceIdent,
        parameter: String,
        value: u64,
    },
    DownloadProgress {
        digest: String,
        url: String,
        downloaded_bytes: u64,
        total_bytes: u64,
        state: DownloadState,
        /// Written when non-empty.
        reason: String,
        error: Option<ErrorInfo>,
    },
    UpdateItemInstance {
        instance: InstanceIdent,
        version: String,
        message: String,
    },
}

impl AlertBody {
    pub fn tag(&self) -> AlertTag {
        match self {
            AlertBody::System { .. } => AlertTag::SystemAlert,
            AlertBody::Core { .. } => AlertTag::CoreAlert,
            AlertBody::ResourceAllocate { .. } => AlertTag::ResourceAllocateAlert,
            AlertBody::SystemQuota { .. } => AlertTag::SystemQuotaAlert,
            AlertBody::InstanceQuota { .. } => AlertTag::InstanceQuotaAlert,
            AlertBody::DownloadProgress { .. } => AlertTag::DownloadProgressAlert,
            AlertBody::UpdateItemInstance { .. } => AlertTag::UpdateItemInstanceAlert,
        }
    }
}

impl Wire for Alert {
    fn read(o: &Obj<'_>) -> Result<Self> {
        let timestamp = Timestamp::read(o.req("timestamp")?)?;
        let tag = AlertTag::read(o.req("tag")?)?;
        let node = || read_codename(o, "node");
        let message = || o.str_d("message", ALERT_MESSAGE_LEN);
        let body = match tag {
            AlertTag::SystemAlert => AlertBody::System {
                node_id: node()?,
                message: message()?,
            },
            AlertTag::CoreAlert => AlertBody::Core {
                node_id: node()?,
                core_component: CoreComponent::read(o.req("coreComponent")?)?,
                message: message()?,
            },
            AlertTag::ResourceAllocateAlert => AlertBody::ResourceAllocate {
                instance: InstanceIdent::read(o)?,
                node_id: node()?,
                device_id: o.str_d("deviceId", RESOURCE_NAME_LEN)?,
                message: message()?,
            },
            AlertTag::SystemQuotaAlert => AlertBody::SystemQuota {
                node_id: node()?,
                parameter: o.str_d("parameter", ALERT_PARAMETER_LEN)?,
                value: o.u64_d("value")?,
            },
            AlertTag::InstanceQuotaAlert => AlertBody::InstanceQuota {
                instance: InstanceIdent::read(o)?,
                parameter: o.str_d("parameter", ALERT_PARAMETER_LEN)?,
                value: o.u64_d("value")?,
            },
            AlertTag::DownloadProgressAlert => AlertBody::DownloadProgress {
                digest: o.str_d("digest", DIGEST_LEN)?,
                url: o.str_d("url", URL_LEN)?,
                downloaded_bytes: o.u64_d("downloadedBytes")?,
                total_bytes: o.u64_d("totalBytes")?,
                state: DownloadState::read(o.req("state")?)?,
                reason: o.str_d("reason", REASON_LEN)?,
                error: read_error(o)?,
            },
            AlertTag::UpdateItemInstanceAlert => AlertBody::UpdateItemInstance {
                instance: InstanceIdent::read(o)?,
                version: o.str_d("version", VERSION_LEN)?,
                message: message()?,
            },
        };
        Ok(Alert { timestamp, body })
    }

    fn write(&self, w: &mut Writer) {
        w.key("timestamp");
        self.timestamp.write(w);
        w.kstr("tag", self.body.tag().as_str());
        match &self.body {
            AlertBody::System { node_id, message } => {
                w.kcodename("node", node_id);
                w.kstr("message", message);
            }
            AlertBody::Core {
                node_id,
                core_component,
                message,
            } => {
                w.kcodename("node", node_id);
                w.kstr("coreComponent", core_component.as_str());
                w.kstr("message", message);
            }
            AlertBody::ResourceAllocate {
                instance,
                node_id,
                device_id,
                message,
            } => {
                instance.write(w);
                w.kcodename("node", node_id);
                w.kstr("deviceId", device_id);
                w.kstr("message", message);
            }
            AlertBody::SystemQuota {
                node_id,
                parameter,
                value,
            } => {
                w.kcodename("node", node_id);
                w.kstr("parameter", parameter);
                w.ku64("value", *value);
            }
            AlertBody::InstanceQuota {
                instance,
                parameter,
                value,
            } => {
                instance.write(w);
                w.kstr("parameter", parameter);
                w.ku64("value", *value);
            }
            AlertBody::DownloadProgress {
                digest,
                url,
                downloaded_bytes,
                total_bytes,
                state,
                reason,
                error,
            } => {
                w.kstr("digest", digest);
                w.kstr("url", url);
                w.ku64("downloadedBytes", *downloaded_bytes);
                w.ku64("totalBytes", *total_bytes);
                w.kstr("state", state.as_str());
                if !reason.is_empty() {
                    w.kstr("reason", reason);
                }
                write_error(w, error);
            }
            AlertBody::UpdateItemInstance {
                instance,
                version,
                message,
            } => {
                instance.write(w);
                w.kstr("version", version);
                w.kstr("message", message);
            }
        }
    }
}
