//! The AosCloud protocol v7 model and codec: no I/O, no async.
//!
//! * [`Envelope::decode`] / [`Envelope::encode`]: whole frames.
//! * [`Data::decode`] / [`Data::encode`]: a bare `data` object (what the C ABI passes).
//! * [`JsonObject`]: any named sub-object or payload on its own (`InstanceIdent`, `UnitConfig`,
//!   `ServiceDiscoveryResponse`, ...).
//!
//! The decisions the codec makes (case-insensitive keys, duplicate keys, leniency, limits, error
//! paths, key order) are written down in `docs/codec.md`.

mod alerts;
mod blobs;
mod certificates;
mod common;
mod desired;
mod discovery;
mod encoding;
mod enums;
mod envvars;
mod error;
pub(crate) mod json;
pub mod limits;
mod log;
mod message;
mod monitoring;
mod state;
mod unit_status;

pub use alerts::{Alert, AlertBody, Alerts};
pub use blobs::{BlobInfo, BlobUrls, DecryptInfo, RequestBlobUrls, SignInfo};
pub use certificates::{
    CertificateRequest, CsrInfo, FinishProvisioningRequest, InstallUnitCertificatesConfirmation,
    InstalledCertificate, IssueUnitCertificates, IssuedCertificate, IssuedUnitCertificates,
    NodeRequest, NodeResponse, NodeSecret, ProvisioningCertificate, RenewCertificate,
    RenewCertificatesNotification, StartProvisioningResponse, UnitSecrets,
};
pub use common::{ErrorInfo, Identity, InstanceFilter, InstanceIdent, Protocol};
pub use desired::{
    AlertRulePercents, AlertRulePoints, AlertRules, CertificateChain, DesiredCertificate,
    DesiredInstance, DesiredItem, DesiredNodeStatus, DesiredStatus, DesiredSubject, NodeConfig,
    PartitionAlertRule, ResourceRatios, UnitConfig,
};
pub use discovery::{ServiceDiscoveryRequest, ServiceDiscoveryResponse};
pub use encoding::{base64_wrapped, format_duration, parse_duration, Timestamp};
pub use enums::*;
pub use envvars::{EnvVar, EnvVarStatus, EnvVarsInstance, OverrideEnvVars, OverrideEnvVarsStatus};
pub use error::{DecodeError, DecodeErrorKind, EncodeError};
pub use json::DEFAULT_MAX_INPUT;
pub use log::{LogFilter, PushLog, RequestLog, UploadOptions};
pub use message::{
    Ack, Data, Direction, Envelope, Header, MessageType, Nack, Payload, DEFAULT_NACK_RETRY_AFTER_MS,
};
pub use monitoring::{
    InstanceMonitoring, InstanceStateInfo, MonitoringData, MonitoringItem, NodeMonitoring,
    NodeStateInfo, PartitionUsage,
};
pub use state::{NewState, StateAcceptance, StateRequest, UpdateState};
pub use unit_status::{
    ArchInfo, CpuInfo, InstanceStatus, OsInfo, PartitionInfo, ResourceInfo, RuntimeInfo,
    UnitConfigStatus, UnitInstancesStatuses, UnitNodeInfo, UnitStatus, UpdateItemStatus,
};

use common::Wire;
use json::{Obj, Writer};

/// `header.version` of protocol v7.
pub const PROTOCOL_VERSION: u64 = 7;

/// Decoder settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeOptions {
    /// Largest input accepted, in bytes (default 8 MiB).
    pub max_input: usize,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            max_input: DEFAULT_MAX_INPUT,
        }
    }
}

/// A protocol object that can be decoded and encoded on its own.
pub trait JsonObject: Sized {
    /// The name error paths start with (`data` for payloads).
    const ROOT: &'static str;

    /// Decodes one JSON object of this type.
    fn from_json(bytes: &[u8]) -> Result<Self, DecodeError>;

    /// The canonical encoding of this object.
    fn to_json(&self) -> Result<Vec<u8>, EncodeError>;
}

macro_rules! json_objects {
    ($($ty:ty => $root:literal),+ $(,)?) => {$(
        impl JsonObject for $ty {
            const ROOT: &'static str = $root;
            fn from_json(bytes: &[u8]) -> Result<Self, DecodeError> {
                let v = json::parse(bytes, DEFAULT_MAX_INPUT)?;
                <$ty as Wire>::read(&Obj::root(&v, $root)?)
            }
            fn to_json(&self) -> Result<Vec<u8>, EncodeError> {
                let mut w = Writer::new();
                common::write_obj(&mut w, self);
                w.finish()
            }
        }
    )+};
}

json_objects! {
    InstanceIdent => "instanceIdent",
    InstanceFilter => "instanceFilter",
    ErrorInfo => "errorInfo",
    Protocol => "protocol",
    Identity => "identity",
    UnitConfig => "unitConfig",
    NodeConfig => "nodeConfig",
    ServiceDiscoveryRequest => "serviceDiscoveryRequest",
    ServiceDiscoveryResponse => "serviceDiscoveryResponse",
    Ack => "data", Nack => "data", Alerts => "data", BlobUrls => "data", RequestBlobUrls => "data",
    NodeRequest => "data", NodeResponse => "data", DesiredStatus => "data",
    FinishProvisioningRequest => "data", InstallUnitCertificatesConfirmation => "data",
    IssuedUnitCertificates => "data", IssueUnitCertificates => "data", MonitoringData => "data",
    NewState => "data", OverrideEnvVars => "data", OverrideEnvVarsStatus => "data",
    PushLog => "data", RenewCertificatesNotification => "data", RequestLog => "data",
    StartProvisioningResponse => "data", StateAcceptance => "data", StateRequest => "data",
    UnitStatus => "data", UpdateState => "data",
}

/// What `canonicalize` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// An envelope if the root has a `header` key, else a bare `data` object.
    Auto,
    Envelope,
    Data,
    /// A bare `data` object parsed as this type (its own `messageType` is not consulted).
    DataAs(MessageType),
    InstanceIdent,
    InstanceFilter,
    ErrorInfo,
    Protocol,
    UnitConfig,
    NodeConfig,
    ServiceDiscoveryRequest,
    ServiceDiscoveryResponse,
}

impl DocumentKind {
    /// Names accepted by `aoscomm decode --type`.
    pub const SUB_OBJECT_NAMES: &'static [&'static str] = &[
        "envelope",
        "data",
        "instanceIdent",
        "instanceFilter",
        "errorInfo",
        "protocol",
        "unitConfig",
        "nodeConfig",
        "serviceDiscoveryRequest",
        "serviceDiscoveryResponse",
    ];

    /// Parses a `--type` name: a sub-object name above or one of the 26 message types.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "envelope" => DocumentKind::Envelope,
            "data" => DocumentKind::Data,
            "instanceIdent" => DocumentKind::InstanceIdent,
            "instanceFilter" => DocumentKind::InstanceFilter,
            "errorInfo" => DocumentKind::ErrorInfo,
            "protocol" => DocumentKind::Protocol,
            "unitConfig" => DocumentKind::UnitConfig,
            "nodeConfig" => DocumentKind::NodeConfig,
            "serviceDiscoveryRequest" => DocumentKind::ServiceDiscoveryRequest,
            "serviceDiscoveryResponse" => DocumentKind::ServiceDiscoveryResponse,
            other => DocumentKind::DataAs(MessageType::from_wire(other)?),
        })
    }
}

/// Decodes `bytes` as `kind`, validating every rule, and returns the canonical encoding.
pub fn canonicalize(kind: DocumentKind, bytes: &[u8]) -> Result<Vec<u8>, DecodeError> {
    fn enc<T: JsonObject>(bytes: &[u8]) -> Result<Vec<u8>, DecodeError> {
        let t = T::from_json(bytes)?;
        t.to_json().map_err(encode_failure)
    }
    let kind = match kind {
        DocumentKind::Auto => {
            let v = json::parse(bytes, DEFAULT_MAX_INPUT)?;
            let root = Obj::root(&v, "message")?;
            if root.get("header").is_some() {
                DocumentKind::Envelope
            } else {
                DocumentKind::Data
            }
        }
        k => k,
    };
    match kind {
        DocumentKind::Auto | DocumentKind::Envelope => {
            Envelope::decode(bytes)?.encode().map_err(encode_failure)
        }
        DocumentKind::Data => Data::decode(bytes)?.encode().map_err(encode_failure),
        DocumentKind::DataAs(t) => Data::decode_as(t, bytes)?.encode().map_err(encode_failure),
        DocumentKind::InstanceIdent => enc::<InstanceIdent>(bytes),
        DocumentKind::InstanceFilter => enc::<InstanceFilter>(bytes),
        DocumentKind::ErrorInfo => enc::<ErrorInfo>(bytes),
        DocumentKind::Protocol => enc::<Protocol>(bytes),
        DocumentKind::UnitConfig => enc::<UnitConfig>(bytes),
        DocumentKind::NodeConfig => enc::<NodeConfig>(bytes),
        DocumentKind::ServiceDiscoveryRequest => enc::<ServiceDiscoveryRequest>(bytes),
        DocumentKind::ServiceDiscoveryResponse => enc::<ServiceDiscoveryResponse>(bytes),
    }
}

fn encode_failure(e: EncodeError) -> DecodeError {
    DecodeError::new("json", DecodeErrorKind::Invalid(e.to_string()))
}
