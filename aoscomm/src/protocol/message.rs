//! The envelope (§1), the 26 message types (§3.1) and the entry points that decode and encode
//! whole frames.

use super::alerts::Alerts;
use super::blobs::{BlobUrls, RequestBlobUrls};
use super::certificates::{
    FinishProvisioningRequest, InstallUnitCertificatesConfirmation, IssueUnitCertificates,
    IssuedUnitCertificates, NodeRequest, NodeResponse, RenewCertificatesNotification,
    StartProvisioningResponse,
};
use super::common::Wire;
use super::desired::DesiredStatus;
use super::envvars::{OverrideEnvVars, OverrideEnvVarsStatus};
use super::error::{DecodeError, DecodeErrorKind as K, EncodeError};
use super::json::{self, Obj, Result, Writer};
use super::limits::CORRELATION_ID_LEN;
use super::log::{PushLog, RequestLog};
use super::monitoring::MonitoringData;
use super::state::{NewState, StateAcceptance, StateRequest, UpdateState};
use super::unit_status::UnitStatus;
use super::{DecodeOptions, PROTOCOL_VERSION};

/// `ack` data: no keys of its own. Correlation is by `header.txn`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ack {}

impl Wire for Ack {
    fn read(_: &Obj<'_>) -> Result<Self> {
        Ok(Ack {})
    }
    fn write(&self, _: &mut Writer) {}
}

/// Default nack `retryAfter` in milliseconds (§3.3).
pub const DEFAULT_NACK_RETRY_AFTER_MS: i64 = 500;

/// `nack` data: resend the message with this `header.txn` after `retry_after_ms`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nack {
    /// Milliseconds; absent = 500; negative = resend at once.
    pub retry_after_ms: i64,
}

impl Default for Nack {
    fn default() -> Self {
        Nack {
            retry_after_ms: DEFAULT_NACK_RETRY_AFTER_MS,
        }
    }
}

impl Wire for Nack {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(Nack {
            retry_after_ms: o.i64_d("retryAfter", DEFAULT_NACK_RETRY_AFTER_MS)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.ki64("retryAfter", self.retry_after_ms);
    }
}

/// Which side sends a message type in the reference (§3.1, §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    UnitToCloud,
    CloudToUnit,
    Both,
}

macro_rules! messages {
    ($($variant:ident($ty:ty) = $wire:literal, $dir:ident, $important:literal;)+) => {
        /// The 26 `messageType` strings of protocol v7 (§3.1).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum MessageType { $($variant),+ }

        impl MessageType {
            pub const ALL: &'static [MessageType] = &[$(MessageType::$variant),+];
            pub const STRINGS: &'static [&'static str] = &[$($wire),+];

            pub fn as_str(self) -> &'static str {
                match self { $(MessageType::$variant => $wire),+ }
            }

            /// Exact, case-sensitive match.
            pub fn from_wire(s: &str) -> Option<Self> {
                match s { $($wire => Some(MessageType::$variant),)+ _ => None }
            }

            /// Who sends this type in the reference implementation.
            pub fn direction(self) -> Direction {
                match self { $(MessageType::$variant => Direction::$dir),+ }
            }

            /// Important messages may be queued before the client has started (§5.5).
            pub fn is_important(self) -> bool {
                match self { $(MessageType::$variant => $important),+ }
            }
        }

        /// The type-specific part of `data`.
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        pub enum Payload { $($variant($ty)),+ }

        impl Payload {
            pub fn message_type(&self) -> MessageType {
                match self { $(Payload::$variant(_) => MessageType::$variant),+ }
            }

            fn read(t: MessageType, o: &Obj<'_>) -> Result<Self> {
                Ok(match t { $(MessageType::$variant => Payload::$variant(<$ty>::read(o)?)),+ })
            }

            fn write(&self, w: &mut Writer) {
                match self { $(Payload::$variant(x) => x.write(w)),+ }
            }
        }
    };
}

messages! {
    Ack(Ack) = "ack", Both, false;
    Alerts(Alerts) = "alerts", UnitToCloud, true;
    BlobUrls(BlobUrls) = "blobUrls", CloudToUnit, false;
    DeprovisioningRequest(NodeRequest) = "deprovisioningRequest", CloudToUnit, false;
    DeprovisioningResponse(NodeResponse) = "deprovisioningResponse", UnitToCloud, false;
    DesiredStatus(DesiredStatus) = "desiredStatus", CloudToUnit, false;
    FinishProvisioningRequest(FinishProvisioningRequest) = "finishProvisioningRequest", CloudToUnit, false;
    FinishProvisioningResponse(NodeResponse) = "finishProvisioningResponse", UnitToCloud, false;
    InstallUnitCertificatesConfirmation(InstallUnitCertificatesConfirmation) = "installUnitCertificatesConfirmation", UnitToCloud, true;
    IssuedUnitCertificates(IssuedUnitCertificates) = "issuedUnitCertificates", CloudToUnit, false;
    IssueUnitCertificates(IssueUnitCertificates) = "issueUnitCertificates", UnitToCloud, false;
    MonitoringData(MonitoringData) = "monitoringData", UnitToCloud, false;
    Nack(Nack) = "nack", CloudToUnit, false;
    NewState(NewState) = "newState", UnitToCloud, false;
    OverrideEnvVars(OverrideEnvVars) = "overrideEnvVars", CloudToUnit, false;
    OverrideEnvVarsStatus(OverrideEnvVarsStatus) = "overrideEnvVarsStatus", UnitToCloud, true;
    PushLog(PushLog) = "pushLog", UnitToCloud, true;
    RenewCertificatesNotification(RenewCertificatesNotification) = "renewCertificatesNotification", CloudToUnit, false;
    RequestBlobUrls(RequestBlobUrls) = "requestBlobUrls", UnitToCloud, false;
    RequestLog(RequestLog) = "requestLog", CloudToUnit, false;
    StartProvisioningRequest(NodeRequest) = "startProvisioningRequest", CloudToUnit, false;
    StartProvisioningResponse(StartProvisioningResponse) = "startProvisioningResponse", UnitToCloud, false;
    StateAcceptance(StateAcceptance) = "stateAcceptance", CloudToUnit, false;
    StateRequest(StateRequest) = "stateRequest", UnitToCloud, true;
    UnitStatus(UnitStatus) = "unitStatus", UnitToCloud, false;
    UpdateState(UpdateState) = "updateState", CloudToUnit, false;
}

impl MessageType {
    /// True for the 13 types the reference unit accepts (§1.5).
    pub fn received_by_unit(self) -> bool {
        matches!(self.direction(), Direction::CloudToUnit | Direction::Both)
    }

    /// True for the 14 types the reference unit sends.
    pub fn sent_by_unit(self) -> bool {
        matches!(self.direction(), Direction::UnitToCloud | Direction::Both)
    }

    /// Every message except `ack` and `nack` is acknowledged by its receiver (§1.5, §5.2).
    pub fn expects_ack(self) -> bool {
        !matches!(self, MessageType::Ack | MessageType::Nack)
    }
}

impl std::fmt::Display for MessageType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for MessageType {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Self::from_wire(s).ok_or_else(|| format!("unknown messageType \"{s}\""))
    }
}

/// The `data` object: `messageType`, optional `correlationId`, then the payload's keys.
#[derive(Debug, Clone, PartialEq)]
pub struct Data {
    /// Written only when non-empty; at most 37 bytes.
    pub correlation_id: String,
    pub payload: Payload,
}

impl Data {
    pub fn new(payload: Payload) -> Self {
        Data {
            correlation_id: String::new(),
            payload,
        }
    }

    pub fn with_correlation_id(payload: Payload, correlation_id: impl Into<String>) -> Self {
        Data {
            correlation_id: correlation_id.into(),
            payload,
        }
    }

    pub fn message_type(&self) -> MessageType {
        self.payload.message_type()
    }

    /// Decodes a bare `data` object (`{"messageType":...}`).
    pub fn decode(bytes: &[u8]) -> std::result::Result<Self, DecodeError> {
        Self::decode_with(bytes, &DecodeOptions::default())
    }

    pub fn decode_with(
        bytes: &[u8],
        opts: &DecodeOptions,
    ) -> std::result::Result<Self, DecodeError> {
        let v = json::parse(bytes, opts.max_input)?;
        Self::read(&Obj::root(&v, "data")?)
    }

    /// Decodes a bare `data` object as the given type, like the reference's per-type parsers:
    /// the object's own `messageType` (if any) is not consulted.
    pub fn decode_as(t: MessageType, bytes: &[u8]) -> std::result::Result<Self, DecodeError> {
        let v = json::parse(bytes, DecodeOptions::default().max_input)?;
        let o = Obj::root(&v, "data")?;
        Ok(Data {
            correlation_id: o.str_d("correlationId", CORRELATION_ID_LEN)?,
            payload: Payload::read(t, &o)?,
        })
    }

    pub(crate) fn read(o: &Obj<'_>) -> Result<Self> {
        let tv = o.req("messageType")?;
        let ts = tv.str_cow()?;
        let t = MessageType::from_wire(&ts)
            .ok_or_else(|| tv.err(K::UnknownMessageType(ts.to_string())))?;
        Ok(Data {
            correlation_id: o.str_d("correlationId", CORRELATION_ID_LEN)?,
            payload: Payload::read(t, o)?,
        })
    }

    pub(crate) fn write(&self, w: &mut Writer) {
        w.begin_obj();
        w.kstr("messageType", self.message_type().as_str());
        if !self.correlation_id.is_empty() {
            w.kstr("correlationId", &self.correlation_id);
        }
        self.payload.write(w);
        w.end_obj();
    }

    /// The canonical encoding of this `data` object.
    pub fn encode(&self) -> std::result::Result<Vec<u8>, EncodeError> {
        let mut w = Writer::new();
        self.write(&mut w);
        w.finish()
    }
}

impl From<Payload> for Data {
    fn from(p: Payload) -> Self {
        Data::new(p)
    }
}

/// The `header` object. `version` is always 7 and is not stored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Header {
    pub system_id: String,
    /// Kept verbatim; the reference never reads it. Our own messages carry
    /// `YYYY-MM-DDTHH:MM:SS.ffffffZ`. Omitted on encode when `None`.
    pub created_at: Option<String>,
    /// UUIDv4 for originated messages; the acknowledged message's txn for an ack.
    pub txn: String,
}

impl Header {
    pub(crate) fn read(o: &Obj<'_>) -> Result<Self> {
        match o.get("version") {
            None => return Err(o.missing("version")),
            Some(v) => {
                let n = v.u64()?;
                if n != PROTOCOL_VERSION {
                    return Err(v.err(K::VersionMismatch(n.to_string())));
                }
            }
        }
        Ok(Header {
            system_id: o.str_d("systemId", usize::MAX)?,
            created_at: o.opt_str("createdAt", usize::MAX)?,
            txn: o.str_d("txn", usize::MAX)?,
        })
    }

    pub(crate) fn write(&self, w: &mut Writer) {
        w.begin_obj();
        w.ku64("version", PROTOCOL_VERSION);
        w.kstr("systemId", &self.system_id);
        if let Some(c) = &self.created_at {
            w.kstr("createdAt", c);
        }
        w.kstr("txn", &self.txn);
        w.end_obj();
    }

    /// `created_at` parsed as a timestamp, when present and valid.
    pub fn created_at_time(&self) -> Option<super::Timestamp> {
        self.created_at
            .as_deref()
            .and_then(|s| super::Timestamp::parse(s).ok())
    }
}

/// One frame: `{"header":{...},"data":{...}}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    pub header: Header,
    pub data: Data,
}

impl Envelope {
    pub fn message_type(&self) -> MessageType {
        self.data.message_type()
    }

    /// Decodes one frame with the default options.
    pub fn decode(bytes: &[u8]) -> std::result::Result<Self, DecodeError> {
        Self::decode_with(bytes, &DecodeOptions::default())
    }

    pub fn decode_with(
        bytes: &[u8],
        opts: &DecodeOptions,
    ) -> std::result::Result<Self, DecodeError> {
        let v = json::parse(bytes, opts.max_input)?;
        let root = Obj::root(&v, "message")?;
        let header = match root.get("header") {
            Some(h) => Header::read(&h.reroot("header").obj()?)?,
            None => return Err(root.missing("header")),
        };
        let data = match root.get("data") {
            // Paths start at `data`, not `message.data`.
            Some(d) => Data::read(&d.reroot("data").obj()?)?,
            None => return Err(root.missing("data")),
        };
        Ok(Envelope { header, data })
    }

    /// The canonical, compact encoding.
    pub fn encode(&self) -> std::result::Result<Vec<u8>, EncodeError> {
        let mut w = Writer::with_capacity(512);
        w.begin_obj();
        w.key("header");
        self.header.write(&mut w);
        w.key("data");
        self.data.write(&mut w);
        w.end_obj();
        w.finish()
    }
}
