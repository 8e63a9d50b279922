//! Client settings and their builder.

use std::path::PathBuf;
use std::time::Duration;

use crate::session::OverflowPolicy;
use crate::tls::{ClientKey, PemSource, TlsSettings};

/// Everything a [`Client`](super::Client) needs. Field names follow the reference's settings
/// (`serviceDiscoveryUrl`, `cloudResponseWaitTimeout`, `cloudMessageLog`, ...) plus ours.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// `serviceDiscoveryUrl`: where discovery is POSTed (its path and query are always used).
    pub service_discovery_url: String,
    /// `overrideServiceDiscoveryUrl`: replaces scheme, host and port of the discovery URL (§4.1).
    pub override_service_discovery_url: Option<String>,
    /// CA bundle, client certificate chain and key (or signer), server-name override.
    pub tls: TlsSettings,
    /// The unit's system ID.
    pub system_id: String,
    /// `cloudResponseWaitTimeout`: ack wait before a resend, and the default request timeout.
    pub cloud_response_wait_timeout: Duration,
    /// `cloudMessageLog`: append `TX: <json>` / `RX: <json>` lines to this file (§5.8).
    pub cloud_message_log: Option<PathBuf>,
    /// Ours: start each message-log line with the time it was written
    /// (`2026-12-03T16:31:42.123456Z TX: <json>`), which gives `aoscomm.analysis` ack latencies.
    /// Off by default: the reference's lines carry no time.
    pub cloud_message_log_timestamps: bool,
    /// Outbox bounds and what happens when they are reached.
    pub queue_max_messages: usize,
    pub queue_max_bytes: usize,
    pub overflow: OverflowPolicy,
    /// Most messages awaiting an ack at once.
    pub max_in_flight: usize,
    /// Nack-caused resends before a message fails.
    pub max_nack_resends: u32,
    /// A PING goes out after this long without any frame from the cloud.
    pub ping_interval: Duration,
    /// The link is declared dead when a PING gets no answer (nor any other frame) in this time.
    pub dead_link_timeout: Duration,
    pub connect_timeout: Duration,
    pub tls_timeout: Duration,
    pub upgrade_timeout: Duration,
    pub discovery_timeout: Duration,
    /// Bound on writing one frame (reference: 30 s).
    pub send_timeout: Duration,
    /// Largest incoming frame accepted.
    pub max_message_size: usize,
    /// Reconnect schedule: base delay d (or discovery's `nextRequestDelay`), cap, jitter.
    pub reconnect_base_delay: Duration,
    pub reconnect_max_delay: Duration,
    pub reconnect_jitter: f64,
    /// Events kept per subscriber before the oldest are dropped.
    pub event_queue_capacity: usize,
    /// Worker threads of the client's own runtime.
    pub worker_threads: usize,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            service_discovery_url: "https://aoscloud.io:9000/sd/v7/".into(),
            override_service_discovery_url: None,
            tls: TlsSettings::default(),
            system_id: String::new(),
            cloud_response_wait_timeout: Duration::from_secs(10),
            cloud_message_log: None,
            cloud_message_log_timestamps: false,
            queue_max_messages: 4096,
            queue_max_bytes: 64 * 1024 * 1024,
            overflow: OverflowPolicy::RejectNew,
            max_in_flight: 256,
            max_nack_resends: 16,
            ping_interval: Duration::from_secs(30),
            dead_link_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            tls_timeout: Duration::from_secs(10),
            upgrade_timeout: Duration::from_secs(10),
            discovery_timeout: Duration::from_secs(30),
            send_timeout: Duration::from_secs(30),
            max_message_size: 16 * 1024 * 1024,
            reconnect_base_delay: Duration::from_secs(1),
            reconnect_max_delay: Duration::from_secs(600),
            reconnect_jitter: 0.2,
            event_queue_capacity: 4096,
            worker_threads: 1,
        }
    }
}

/// Builds a [`ClientConfig`] and then a [`Client`](super::Client).
#[derive(Debug, Clone, Default)]
pub struct ClientBuilder {
    pub(crate) config: ClientConfig,
    pub(crate) runtime: Option<tokio::runtime::Handle>,
}

macro_rules! setters {
    ($($(#[$m:meta])* $name:ident: $ty:ty),+ $(,)?) => {$(
        $(#[$m])*
        pub fn $name(mut self, v: $ty) -> Self {
            self.config.$name = v;
            self
        }
    )+};
}

impl ClientBuilder {
    pub fn service_discovery_url(mut self, url: impl Into<String>) -> Self {
        self.config.service_discovery_url = url.into();
        self
    }
    pub fn override_service_discovery_url(mut self, url: impl Into<String>) -> Self {
        self.config.override_service_discovery_url = Some(url.into());
        self
    }
    pub fn system_id(mut self, id: impl Into<String>) -> Self {
        self.config.system_id = id.into();
        self
    }
    /// All TLS settings at once.
    pub fn tls(mut self, tls: TlsSettings) -> Self {
        self.config.tls = tls;
        self
    }
    /// CA bundle (path or PEM bytes) the cloud's certificates must chain to.
    pub fn ca_cert(mut self, pem: PemSource) -> Self {
        self.config.tls.ca = Some(pem);
        self
    }
    /// Client certificate chain (path or PEM bytes).
    pub fn client_cert(mut self, pem: PemSource) -> Self {
        self.config.tls.client_cert = Some(pem);
        self
    }
    /// Client private key: PKCS#1, PKCS#8 or SEC1 PEM (path or bytes).
    pub fn client_key(mut self, pem: PemSource) -> Self {
        self.config.tls.client_key = Some(ClientKey::Pem(pem));
        self
    }
    /// A signer (for keys in an HSM) instead of a PEM key.
    pub fn client_signer(mut self, key: ClientKey) -> Self {
        self.config.tls.client_key = Some(key);
        self
    }
    /// Verify the cloud's certificates against this name instead of the URL's host.
    pub fn server_name(mut self, name: impl Into<String>) -> Self {
        self.config.tls.server_name = Some(name.into());
        self
    }
    pub fn cloud_message_log(mut self, path: impl Into<PathBuf>) -> Self {
        self.config.cloud_message_log = Some(path.into());
        self
    }
    /// Run on this runtime instead of an own one.
    pub fn runtime(mut self, handle: tokio::runtime::Handle) -> Self {
        self.runtime = Some(handle);
        self
    }

    setters! {
        cloud_response_wait_timeout: Duration,
        queue_max_messages: usize,
        queue_max_bytes: usize,
        overflow: OverflowPolicy,
        max_in_flight: usize,
        max_nack_resends: u32,
        ping_interval: Duration,
        dead_link_timeout: Duration,
        connect_timeout: Duration,
        tls_timeout: Duration,
        upgrade_timeout: Duration,
        discovery_timeout: Duration,
        send_timeout: Duration,
        max_message_size: usize,
        reconnect_base_delay: Duration,
        reconnect_max_delay: Duration,
        reconnect_jitter: f64,
        event_queue_capacity: usize,
        worker_threads: usize,
        cloud_message_log_timestamps: bool,
    }

    /// The whole configuration at once.
    pub fn config(mut self, config: ClientConfig) -> Self {
        self.config = config;
        self
    }

    /// Validates the settings (loads the PEM files) and creates the client; nothing connects
    /// before [`Client::start`](super::Client::start).
    pub fn build(self) -> Result<super::Client, super::ClientError> {
        super::Client::with_runtime(self.config, self.runtime)
    }
}
