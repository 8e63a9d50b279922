//! Service-discovery request and response bodies (§4.2–4.3).

use super::common::Wire;
use super::enums::DiscoveryErrorCode;
use super::json::{Obj, Result, Writer};
use super::limits::*;

/// Body of the discovery POST.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceDiscoveryRequest {
    pub version: u64,
    pub system_id: String,
    pub supported_protocols: Vec<String>,
}

impl ServiceDiscoveryRequest {
    /// The request a v7 unit sends: `{"version":7,"systemId":...,"supportedProtocols":["wss"]}`.
    pub fn v7(system_id: impl Into<String>) -> Self {
        ServiceDiscoveryRequest {
            version: super::PROTOCOL_VERSION,
            system_id: system_id.into(),
            supported_protocols: vec!["wss".to_string()],
        }
    }
}

impl Wire for ServiceDiscoveryRequest {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(ServiceDiscoveryRequest {
            version: o.u64_d("version")?,
            system_id: o.str_d("systemId", ID_LEN)?,
            supported_protocols: o.strs_d("supportedProtocols", 8, 16)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.ku64("version", self.version);
        w.kstr("systemId", &self.system_id);
        w.kstrs("supportedProtocols", &self.supported_protocols);
    }
}

/// Body of the discovery answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceDiscoveryResponse {
    /// Not checked by the reference.
    pub version: u64,
    pub system_id: String,
    /// Base reconnect delay in milliseconds when > 0.
    pub next_request_delay_ms: u64,
    /// WebSocket URLs, tried in order.
    pub connection_info: Vec<String>,
    /// Sent as `Authorization: Bearer <authToken>` on the upgrade.
    pub auth_token: String,
    pub error_code: DiscoveryErrorCode,
}

impl Wire for ServiceDiscoveryResponse {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(ServiceDiscoveryResponse {
            version: o.u64_d("version")?,
            system_id: o.str_d("systemId", ID_LEN)?,
            next_request_delay_ms: o.u64_d("nextRequestDelay")?,
            connection_info: o.strs_d("connectionInfo", MAX_CONNECTION_URLS, URL_LEN)?,
            auth_token: o.str_d("authToken", URL_LEN)?,
            error_code: o
                .get("errorCode")
                .map(DiscoveryErrorCode::read)
                .transpose()?
                .unwrap_or_default(),
        })
    }
    fn write(&self, w: &mut Writer) {
        w.ku64("version", self.version);
        w.kstr("systemId", &self.system_id);
        w.ku64("nextRequestDelay", self.next_request_delay_ms);
        w.kstrs("connectionInfo", &self.connection_info);
        w.kstr("authToken", &self.auth_token);
        w.ku64("errorCode", self.error_code.code());
    }
}
