//! The client settings record (names follow the reference's settings; durations in ms).

use std::time::Duration;

use aoscomm::client::ClientConfig as CoreConfig;
use aoscomm::session::OverflowPolicy;
use aoscomm::tls::{ClientKey, PemSource};

use crate::error::AoscommError;

/// Client settings. Certificates and keys are a file path, or PEM text (anything containing
/// `-----BEGIN`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ClientConfig {
    /// `serviceDiscoveryUrl`.
    pub service_discovery_url: String,
    /// The unit's system ID.
    pub system_id: String,
    /// `overrideServiceDiscoveryUrl`: replaces scheme, host and port of the discovery URL.
    #[uniffi(default = None)]
    pub override_service_discovery_url: Option<String>,
    #[uniffi(default = None)]
    pub ca_cert: Option<String>,
    #[uniffi(default = None)]
    pub client_cert: Option<String>,
    #[uniffi(default = None)]
    pub client_key: Option<String>,
    /// Verify the cloud's certificate for this name instead of the URL's host.
    #[uniffi(default = None)]
    pub server_name: Option<String>,
    /// `cloudResponseWaitTimeout`: ack wait before a resend, default request timeout.
    #[uniffi(default = 10000)]
    pub response_timeout_ms: u64,
    /// `cloudMessageLog`: append `TX:`/`RX:` lines to this file.
    #[uniffi(default = None)]
    pub message_log: Option<String>,
    /// Ours: start each log line with the time it was written (for ack latencies).
    #[uniffi(default = false)]
    pub message_log_timestamps: bool,
    #[uniffi(default = 4096)]
    pub queue_max_messages: u32,
    /// `false`: refuse new messages when full; `true`: drop the oldest non-important one.
    #[uniffi(default = false)]
    pub drop_oldest_when_full: bool,
    /// Messages awaiting an ack at once.
    #[uniffi(default = 256)]
    pub max_in_flight: u32,
    #[uniffi(default = 30000)]
    pub ping_interval_ms: u64,
    #[uniffi(default = 30000)]
    pub dead_link_timeout_ms: u64,
    #[uniffi(default = 10000)]
    pub connect_timeout_ms: u64,
    /// Base of the reconnect schedule.
    #[uniffi(default = 1000)]
    pub reconnect_delay_ms: u64,
}

fn pem(v: &Option<String>) -> Option<PemSource> {
    v.as_ref().map(|s| {
        if s.contains("-----BEGIN") {
            PemSource::pem(s.as_bytes())
        } else {
            PemSource::path(s.clone())
        }
    })
}

fn ms(name: &str, v: u64) -> Result<Duration, AoscommError> {
    if v == 0 {
        return Err(AoscommError::Config {
            detail: format!("{name}: must be at least 1 ms"),
        });
    }
    Ok(Duration::from_millis(v))
}

fn count(name: &str, v: u32) -> Result<usize, AoscommError> {
    if v == 0 {
        return Err(AoscommError::Config {
            detail: format!("{name}: must be at least 1"),
        });
    }
    Ok(v as usize)
}

impl ClientConfig {
    pub(crate) fn to_core(&self) -> Result<CoreConfig, AoscommError> {
        if self.system_id.is_empty() {
            return Err(AoscommError::Config {
                detail: "system_id: must not be empty".into(),
            });
        }
        let mut c = CoreConfig {
            service_discovery_url: self.service_discovery_url.clone(),
            override_service_discovery_url: self.override_service_discovery_url.clone(),
            system_id: self.system_id.clone(),
            cloud_response_wait_timeout: ms("response_timeout_ms", self.response_timeout_ms)?,
            cloud_message_log: self.message_log.clone().map(Into::into),
            cloud_message_log_timestamps: self.message_log_timestamps,
            queue_max_messages: count("queue_max_messages", self.queue_max_messages)?,
            overflow: if self.drop_oldest_when_full {
                OverflowPolicy::DropOldestNonImportant
            } else {
                OverflowPolicy::RejectNew
            },
            max_in_flight: count("max_in_flight", self.max_in_flight)?,
            ping_interval: ms("ping_interval_ms", self.ping_interval_ms)?,
            dead_link_timeout: ms("dead_link_timeout_ms", self.dead_link_timeout_ms)?,
            connect_timeout: ms("connect_timeout_ms", self.connect_timeout_ms)?,
            reconnect_base_delay: ms("reconnect_delay_ms", self.reconnect_delay_ms)?,
            ..CoreConfig::default()
        };
        c.tls_timeout = c.connect_timeout;
        c.upgrade_timeout = c.connect_timeout;
        c.tls.ca = pem(&self.ca_cert);
        c.tls.client_cert = pem(&self.client_cert);
        c.tls.client_key = pem(&self.client_key).map(ClientKey::Pem);
        c.tls.server_name = self.server_name.clone();
        Ok(c)
    }
}
