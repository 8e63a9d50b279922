//! A real mock cloud on 127.0.0.1 (feature `cloud`): an HTTPS discovery endpoint and a WSS
//! endpoint, both requiring a client certificate from the test CA, with scriptable behaviour.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use aoscomm::cloud::{MockCloud, MockCloudConfig};
//! let cloud = MockCloud::start(MockCloudConfig::default()).await?;
//! let tls = cloud.client_tls().client_config()?;        // CA + the unit's client certificate
//! let answer = aoscomm::discovery::discover(
//!     &cloud.discovery_url(),
//!     &aoscomm::protocol::ServiceDiscoveryRequest::v7(cloud.system_id()),
//!     tls.clone(),
//!     std::time::Duration::from_secs(5),
//! ).await?;
//! let mut ws = aoscomm::ws::connect(&answer.connection_info[0], &answer.auth_token, tls,
//!     &aoscomm::ws::WsOptions::default()).await?;
//! # Ok(()) }
//! ```
//!
//! Pushes made while no connection is open are queued and sent when the next one opens.
//! Blocking helpers (`*_blocking`, [`MockCloud::start_blocking`]) must not be called from inside
//! an async task.

mod discovery_server;
mod pki;
mod state;
mod tls_server;
mod ws_server;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_tungstenite::tungstenite::Message;

pub use pki::{ClientCertKind, PemPair, TestPki};
pub use state::{AckMode, CloudState, DiscoveryRecord, ReceivedFrame, UpgradeRecord};

use crate::protocol::{Data, Envelope, Header, Timestamp};
use crate::tls::{ClientKey, PemSource, TlsError, TlsSettings};
use state::{ConnCmd, DiscoveryMode, Script, Shared};

/// Why the mock cloud could not start or do something.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CloudError {
    #[error("test PKI: {0}")]
    Pki(String),
    #[error("mock TLS setup: {0}")]
    Tls(String),
    #[error("mock TLS setup: {0}")]
    TlsSettings(#[from] TlsError),
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot encode a pushed message: {0}")]
    Encode(String),
}

/// How to start the mock.
#[derive(Debug)]
pub struct MockCloudConfig {
    /// The unit's systemId (checked in every received header, used in ours).
    pub system_id: String,
    /// The token discovery hands out and the upgrade checks.
    pub auth_token: String,
    /// `nextRequestDelay` of the discovery answer (ms).
    pub next_request_delay_ms: u64,
    /// DNS/IP names of the generated server certificate.
    pub server_names: Vec<String>,
    /// Use these PEMs instead of generating a PKI (then the `mint_*` helpers fail).
    pub pki: Option<TestPki>,
    /// More CA certificates (PEM) accepted for client certificates.
    pub extra_client_roots: Vec<Vec<u8>>,
    /// Require a client certificate (default true).
    pub require_client_cert: bool,
    /// Largest incoming message (default 16 MiB).
    pub max_message_size: usize,
}

impl Default for MockCloudConfig {
    fn default() -> Self {
        MockCloudConfig {
            system_id: "test_system_id".to_string(),
            auth_token: "test-auth-token".to_string(),
            next_request_delay_ms: 30,
            server_names: vec!["localhost".to_string(), "127.0.0.1".to_string()],
            pki: None,
            extra_client_roots: Vec::new(),
            require_client_cert: true,
            max_message_size: crate::ws::DEFAULT_MAX_MESSAGE_SIZE,
        }
    }
}

/// A running mock cloud. Dropping it (or [`MockCloud::stop`]) shuts everything down.
#[derive(Debug)]
pub struct MockCloud {
    shared: Arc<Shared>,
    pki: TestPki,
    system_id: String,
    discovery_addr: SocketAddr,
    ws_addr: SocketAddr,
    runtime: Option<tokio::runtime::Runtime>,
}

/// Resolves once the mock is shutting down.
pub(crate) async fn stopped(rx: &mut tokio::sync::watch::Receiver<bool>) {
    // The borrow guard returned by `wait_for` must not live across an await of the caller.
    let _ = rx.wait_for(|s| *s).await.map(|_| ());
}

/// A fresh UUIDv4 txn.
pub(crate) fn new_txn() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Encodes a cloud→unit envelope (version 7, `createdAt` now).
pub(crate) fn envelope_bytes(
    system_id: &str,
    txn: &str,
    data: Data,
) -> Result<Vec<u8>, CloudError> {
    Envelope {
        header: Header {
            system_id: system_id.to_string(),
            created_at: Some(Timestamp::now().to_string()),
            txn: txn.to_string(),
        },
        data,
    }
    .encode()
    .map_err(|e| CloudError::Encode(e.to_string()))
}

async fn bind(what: &str) -> Result<(TcpListener, SocketAddr), CloudError> {
    let io = |e| CloudError::Io {
        what: format!("bind the {what} listener on 127.0.0.1"),
        source: e,
    };
    let l = TcpListener::bind("127.0.0.1:0").await.map_err(io)?;
    let a = l.local_addr().map_err(io)?;
    Ok((l, a))
}

impl MockCloud {
    /// Starts the mock on the current tokio runtime (ports chosen by the OS).
    pub async fn start(config: MockCloudConfig) -> Result<MockCloud, CloudError> {
        let pki = match config.pki {
            Some(p) => p,
            None => TestPki::generate(&config.server_names, &config.system_id)?,
        };
        let mut roots = vec![pki.ca.as_bytes().to_vec()];
        roots.extend(config.extra_client_roots.iter().cloned());
        let server_cfg = tls_server::server_config(
            &pki.server.cert,
            &pki.server.key,
            &roots,
            config.require_client_cert,
        )?;
        let acceptor = TlsAcceptor::from(server_cfg);
        let (dl, discovery_addr) = bind("discovery").await?;
        let (wl, ws_addr) = bind("WebSocket").await?;
        let shared = Arc::new(Shared::new(Script {
            next_request_delay_ms: config.next_request_delay_ms,
            auth_token: config.auth_token.clone(),
            ..Script::default()
        }));
        let d_info = Arc::new(discovery_server::DiscoveryInfo {
            system_id: config.system_id.clone(),
            ws_url: format!("wss://{ws_addr}/ws/v7"),
        });
        let w_info = Arc::new(ws_server::WsInfo {
            system_id: config.system_id.clone(),
            max_message_size: config.max_message_size,
        });
        tokio::spawn(discovery_server::run(
            shared.clone(),
            dl,
            acceptor.clone(),
            d_info,
        ));
        tokio::spawn(ws_server::run(shared.clone(), wl, acceptor, w_info));
        Ok(MockCloud {
            shared,
            pki,
            system_id: config.system_id,
            discovery_addr,
            ws_addr,
            runtime: None,
        })
    }

    /// Starts the mock on a runtime of its own (2 worker threads), for synchronous callers.
    /// Not from inside an async task.
    pub fn start_blocking(config: MockCloudConfig) -> Result<MockCloud, CloudError> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("aoscomm-mock-cloud")
            .enable_all()
            .build()
            .map_err(|e| CloudError::Io {
                what: "start the mock cloud runtime".to_string(),
                source: e,
            })?;
        let mut cloud = rt.block_on(Self::start(config))?;
        cloud.runtime = Some(rt);
        Ok(cloud)
    }

    /// `https://127.0.0.1:<port>/sd/v7/`
    pub fn discovery_url(&self) -> String {
        format!("https://{}/sd/v7/", self.discovery_addr)
    }

    /// `wss://127.0.0.1:<port>/ws/v7`
    pub fn ws_url(&self) -> String {
        format!("wss://{}/ws/v7", self.ws_addr)
    }

    pub fn discovery_addr(&self) -> SocketAddr {
        self.discovery_addr
    }

    pub fn ws_addr(&self) -> SocketAddr {
        self.ws_addr
    }

    pub fn system_id(&self) -> &str {
        &self.system_id
    }

    /// The token discovery hands out now.
    pub fn auth_token(&self) -> String {
        self.shared.lock().script.auth_token.clone()
    }

    /// Changes the token (the next upgrade with the old one gets 401).
    pub fn set_auth_token(&self, token: &str) {
        self.shared
            .update(|i| i.script.auth_token = token.to_string());
    }

    /// The PKI (CA, server and client PEMs; minting helpers).
    pub fn pki(&self) -> &TestPki {
        &self.pki
    }

    /// Writes `ca.pem`, `client.pem`, `client-key.pem` into `dir`.
    pub fn write_pki(&self, dir: &Path) -> Result<(), CloudError> {
        self.pki.write(dir)
    }

    /// TLS settings of a valid unit: the test CA and the unit's client certificate.
    pub fn client_tls(&self) -> TlsSettings {
        TlsSettings {
            ca: Some(PemSource::pem(self.pki.ca.as_bytes())),
            client_cert: Some(PemSource::pem(self.pki.client.cert.as_bytes())),
            client_key: Some(ClientKey::Pem(PemSource::pem(
                self.pki.client.key.as_bytes(),
            ))),
            server_name: None,
        }
    }

    /// TLS settings with the test CA and the given client certificate (or none).
    pub fn client_tls_with(&self, client: Option<&PemPair>) -> TlsSettings {
        TlsSettings {
            ca: Some(PemSource::pem(self.pki.ca.as_bytes())),
            client_cert: client.map(|c| PemSource::pem(c.cert.as_bytes())),
            client_key: client.map(|c| ClientKey::Pem(PemSource::pem(c.key.as_bytes()))),
            server_name: None,
        }
    }

    // ---- scripting ---------------------------------------------------------------------

    pub fn set_ack_mode(&self, mode: AckMode) {
        self.shared.update(|i| i.script.ack_mode = mode);
    }

    /// Close the connection (close frame) on receiving the `n`-th next frame, before answering
    /// it. `n = 0` cancels.
    pub fn close_after(&self, n: usize) {
        self.shared
            .update(|i| i.script.close_after = (n > 0).then_some(n));
    }

    /// Answer the next `n` upgrades with HTTP 401.
    pub fn reject_upgrade_401(&self, n: usize) {
        self.reject_upgrade_status(401, n);
    }

    /// Answer the next `n` upgrades with `status`.
    pub fn reject_upgrade_status(&self, status: u16, n: usize) {
        self.shared.update(|i| {
            i.script
                .reject_upgrades
                .extend(std::iter::repeat_n(status, n))
        });
    }

    /// Discovery answers errorCode 1 (Redirect) with `connectionInfo` = [`to_url`].
    pub fn discovery_redirect(&self, to_url: &str) {
        self.shared
            .update(|i| i.script.discovery_mode = DiscoveryMode::Redirect(to_url.to_string()));
    }

    /// Discovery answers errorCode 2 (RepeatLater), empty `connectionInfo`, this delay.
    pub fn discovery_repeat_later(&self, next_request_delay_ms: u64) {
        self.shared.update(|i| {
            i.script.discovery_mode = DiscoveryMode::RepeatLater(next_request_delay_ms)
        });
    }

    /// Discovery answers normally again.
    pub fn discovery_normal(&self) {
        self.shared.update(|i| {
            i.script.discovery_mode = DiscoveryMode::Normal;
            i.script.discovery_status.clear();
            i.script.discovery_body = None;
        });
    }

    /// Answer the next `n` discovery requests with HTTP `status` and an empty body.
    pub fn discovery_fail_status(&self, status: u16, n: usize) {
        self.shared.update(|i| {
            i.script
                .discovery_status
                .extend(std::iter::repeat_n(status, n))
        });
    }

    /// Answer discovery with these raw bytes (status 200); `None` restores the normal answer.
    pub fn discovery_raw_body(&self, body: Option<Vec<u8>>) {
        self.shared.update(|i| i.script.discovery_body = body);
    }

    /// The `connectionInfo` of the discovery answer (default: this mock's WSS URL).
    pub fn set_connection_info(&self, urls: Vec<String>) {
        self.shared
            .update(|i| i.script.connection_info = Some(urls));
    }

    pub fn set_next_request_delay(&self, ms: u64) {
        self.shared.update(|i| i.script.next_request_delay_ms = ms);
    }

    /// Answer `requestBlobUrls` with `blobUrls` (same correlationId, one item per digest,
    /// URL `https://blobs.example/<digest>`).
    pub fn answer_blob_requests(&self, on: bool) {
        self.shared.update(|i| i.script.answer_blob_requests = on);
    }

    fn send_or_queue(&self, m: Message) {
        self.shared.update(|i| match &i.conn {
            Some(c) => {
                if let Err(e) = c.tx.send(ConnCmd::Send(m)) {
                    if let ConnCmd::Send(m) = e.0 {
                        i.script.pending.push_back(m);
                    }
                }
            }
            None => i.script.pending.push_back(m),
        });
    }

    fn command(&self, cmd: ConnCmd) -> bool {
        // The unit may report Connected a moment before the mock has registered the connection
        // it just accepted: outside async code, wait (bounded) for that registration.
        if tokio::runtime::Handle::try_current().is_err() {
            self.shared.wait_inner_blocking(
                |i| i.conn.is_some() || i.accepting == 0,
                Duration::from_secs(5),
            );
        }
        let lock = self.shared.lock();
        lock.conn.as_ref().is_some_and(|c| c.tx.send(cmd).is_ok())
    }

    /// Sends a cloud→unit message (version 7, our systemId, `createdAt` now, a fresh UUIDv4
    /// txn) on the open connection, or queues it for the next one. Returns the txn.
    pub fn push(&self, data: Data) -> Result<String, CloudError> {
        let txn = new_txn();
        let bytes = envelope_bytes(&self.system_id, &txn, data)?;
        self.shared.update(|i| i.state.pushed.push(txn.clone()));
        self.send_or_queue(Message::Binary(bytes.into()));
        Ok(txn)
    }

    /// Sends these bytes as one BINARY frame (or queues them).
    pub fn push_raw(&self, bytes: Vec<u8>) {
        self.send_or_queue(Message::Binary(bytes.into()));
    }

    /// Sends a TEXT frame (or queues it).
    pub fn push_text(&self, text: &str) {
        self.send_or_queue(Message::text(text));
    }

    /// Sends a PING on the open connection. False when none is open.
    pub fn ping(&self, payload: Vec<u8>) -> bool {
        self.command(ConnCmd::Send(Message::Ping(payload.into())))
    }

    /// Sends a close frame on the open connection.
    pub fn close_connection(&self) -> bool {
        self.command(ConnCmd::Close)
    }

    /// Drops the open connection without a close frame.
    pub fn drop_connection(&self) -> bool {
        self.command(ConnCmd::Drop)
    }

    /// Stops reading and writing on the open connection but keeps the socket open (pings go
    /// unanswered). `drop_connection` or `close_connection` ends it.
    pub fn hold_connection(&self) -> bool {
        self.command(ConnCmd::Hold)
    }

    // ---- observation -------------------------------------------------------------------

    /// A snapshot of everything observed.
    pub fn state(&self) -> CloudState {
        self.shared.lock().state.clone()
    }

    /// A counter that changes whenever anything observed or scripted changes (for waits whose
    /// condition lives outside Rust: read it, check, then [`wait_change_blocking`]).
    ///
    /// [`wait_change_blocking`]: Self::wait_change_blocking
    pub fn change_count(&self) -> u64 {
        self.shared.lock().changes
    }

    /// Blocks until [`change_count`](Self::change_count) differs from `seen` or `timeout`
    /// passes; returns the current count.
    pub fn wait_change_blocking(&self, seen: u64, timeout: Duration) -> u64 {
        self.shared
            .wait_inner_blocking(|i| i.changes != seen, timeout);
        self.change_count()
    }

    /// Every BINARY frame received.
    pub fn received(&self) -> Vec<ReceivedFrame> {
        self.shared.lock().state.received.clone()
    }

    /// Transmissions of `txn` so far.
    pub fn transmissions(&self, txn: &str) -> usize {
        self.shared.lock().state.transmissions(txn)
    }

    /// Successful WebSocket connections so far.
    pub fn connection_count(&self) -> u64 {
        self.shared.lock().state.connections
    }

    /// Upgrade requests so far.
    pub fn upgrade_count(&self) -> usize {
        self.shared.lock().state.upgrade_count()
    }

    /// Discovery requests so far.
    pub fn discovery_count(&self) -> usize {
        self.shared.lock().state.discovery_count()
    }

    /// Waits until `pred` holds (true) or `timeout` passes (false).
    pub async fn wait_for(&self, pred: impl Fn(&CloudState) -> bool, timeout: Duration) -> bool {
        self.shared.wait_for(pred, timeout).await
    }

    /// Waits until at least `n` frames were received.
    pub async fn wait_received(&self, n: usize, timeout: Duration) -> bool {
        self.wait_for(|s| s.received.len() >= n, timeout).await
    }

    /// Waits until at least `n` connections were made.
    pub async fn wait_connections(&self, n: u64, timeout: Duration) -> bool {
        self.wait_for(|s| s.connections >= n, timeout).await
    }

    /// Blocking [`MockCloud::wait_for`] (not from inside an async task).
    pub fn wait_for_blocking(&self, pred: impl Fn(&CloudState) -> bool, timeout: Duration) -> bool {
        self.shared.wait_for_blocking(pred, timeout)
    }

    pub fn wait_received_blocking(&self, n: usize, timeout: Duration) -> bool {
        self.wait_for_blocking(|s| s.received.len() >= n, timeout)
    }

    pub fn wait_connections_blocking(&self, n: u64, timeout: Duration) -> bool {
        self.wait_for_blocking(|s| s.connections >= n, timeout)
    }

    /// Stops the endpoints and ends every connection.
    pub fn stop(&mut self) {
        self.shared.shutdown.send_replace(true);
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

impl Drop for MockCloud {
    fn drop(&mut self) {
        self.stop();
    }
}
