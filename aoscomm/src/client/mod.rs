//! The unit client: owns a tokio runtime (unless handed one), drives the [`Session`] over the
//! real transport (discovery, WebSocket over mTLS), and gives callers blocking and async ways
//! to send, to make requests, and to read events.
//!
//! ```no_run
//! # use aoscomm::client::Client;
//! # use aoscomm::tls::PemSource;
//! # use aoscomm::protocol::{Data, Payload, Alerts};
//! let client = Client::builder()
//!     .service_discovery_url("https://aoscloud.io:9000/sd/v7/")
//!     .ca_cert(PemSource::path("/etc/aos/ca.pem"))
//!     .client_cert(PemSource::path("/etc/aos/online.pem"))
//!     .client_key(PemSource::path("/etc/aos/online.key"))
//!     .system_id("unit-1")
//!     .build()?;
//! let events = client.subscribe();
//! client.start()?;
//! let handle = client.send(Data::new(Payload::Alerts(Alerts::default())))?;
//! let outcome = handle.wait_timeout(std::time::Duration::from_secs(30));
//! let report = client.close();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod config;
mod driver;
mod events;
mod message_log;
mod recording;
mod slot;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rustls::ClientConfig as TlsClientConfig;

pub use config::{ClientBuilder, ClientConfig};
pub use events::{ClientEvent, Closed, EventStream};

use crate::analysis::LogDirection;
use crate::protocol::{Data, DecodeError, Envelope, MessageType};
use crate::session::{
    DeliveryOutcome, FailReason, MessageId, ReconnectConfig, ReconnectSchedule, Session,
    SessionConfig, SessionEvent, SubmitError, SubmitOptions,
};
use crate::tls::TlsError;
use crate::transport::TransportError;
use events::Subscriber;
use message_log::MessageLog;
use recording::RecordingInner;
pub use recording::{RecordedFrame, Recording};
use slot::Slot;

/// The client cannot be created or started.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("TLS settings: {0}")]
    Tls(#[from] TlsError),
    #[error("configuration: {0}")]
    Config(String),
    #[error("cannot open the cloud message log {path}: {source}")]
    MessageLog {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot start the client's runtime: {0}")]
    Runtime(std::io::Error),
    #[error("the client is closed")]
    Closed,
}

/// `send` refused the message; nothing was queued.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The `data` JSON does not decode; the error names the field and the rule.
    #[error("invalid data: {0}")]
    Invalid(#[from] DecodeError),
    #[error(transparent)]
    Submit(#[from] SubmitError),
}

/// A request did not get its response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("request refused: {0}")]
    Submit(SubmitError),
    #[error("invalid data: {0}")]
    Invalid(DecodeError),
    #[error("no response: {0}")]
    Failed(FailReason),
    /// The caller's own wait ended first (the request itself may still be answered).
    #[error("gave up waiting for the response")]
    WaitTimedOut,
}

/// Withdraws a message (or request) when dropped while armed: bindings hold one while a foreign
/// caller waits, so that cancelling the caller (a dropped future, Ctrl-C) withdraws what it sent.
#[derive(Debug)]
pub struct WithdrawOnDrop {
    client: std::sync::Weak<Client>,
    id: MessageId,
    armed: bool,
}

impl WithdrawOnDrop {
    /// Armed: dropping it calls [`Client::cancel`] for `id`.
    pub fn new(client: &Arc<Client>, id: MessageId) -> Self {
        WithdrawOnDrop {
            client: Arc::downgrade(client),
            id,
            armed: true,
        }
    }

    /// The wait ended normally: dropping it does nothing now.
    pub fn disarm(&mut self) {
        self.armed = false;
    }
}

impl Drop for WithdrawOnDrop {
    fn drop(&mut self) {
        if self.armed {
            if let Some(c) = self.client.upgrade() {
                c.cancel(self.id);
            }
        }
    }
}

/// Where a connection attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectStage {
    /// The HTTPS service-discovery request.
    Discovery,
    /// TCP/TLS connect and WebSocket upgrade to a URL discovery gave.
    Upgrade,
}

/// Per-message options of `send`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SendOptions {
    /// May be queued before `start` (§5.5); `None` = the type's reference default.
    pub important: Option<bool>,
}

/// A message that was still undelivered when the client closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undelivered {
    pub id: MessageId,
    pub message_type: MessageType,
    pub txn: String,
}

/// What `close` reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CloseReport {
    /// Messages given to `send` that were neither acked nor failed before the close; each also
    /// got a `Failed { reason: Closed }` outcome.
    pub undelivered: Vec<Undelivered>,
}

/// Counters since the client was created.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClientStats {
    pub connections: u64,
    pub sent_frames: u64,
    pub resent: u64,
    pub received_frames: u64,
}

/// The pending outcome of one sent message.
#[derive(Debug, Clone)]
pub struct DeliveryHandle {
    id: MessageId,
    txn: String,
    slot: Slot<DeliveryOutcome>,
}

impl DeliveryHandle {
    pub fn id(&self) -> MessageId {
        self.id
    }

    /// The message's `header.txn`.
    pub fn txn(&self) -> &str {
        &self.txn
    }

    /// The outcome, if known yet.
    pub fn try_outcome(&self) -> Option<DeliveryOutcome> {
        self.slot.get()
    }

    /// Blocks until the outcome is known or `timeout` passes.
    pub fn wait_timeout(&self, timeout: Duration) -> Option<DeliveryOutcome> {
        self.slot.wait_timeout(timeout)
    }

    /// Waits for the outcome. Every message gets one: at the latest `Failed { Closed }` when the
    /// client closes.
    pub async fn outcome(&self) -> DeliveryOutcome {
        self.slot.wait().await
    }

    /// Calls `f` with the outcome once it is known: at once if it already is, else on the
    /// client's thread that learns it. `f` must be quick and must not block (hand the outcome
    /// to a channel); it is how bindings resolve foreign futures without a waiting task.
    pub fn on_outcome(&self, f: impl FnOnce(&DeliveryOutcome) + Send + 'static) {
        self.slot.on_set(f);
    }
}

type ResponseSlot = Slot<Result<Envelope, FailReason>>;

/// The pending response to one request, from [`Client::submit_request`].
#[derive(Debug, Clone)]
pub struct RequestHandle {
    id: MessageId,
    timeout: Duration,
    slot: ResponseSlot,
}

impl RequestHandle {
    /// Identifies the request (for [`Client::cancel`]).
    pub fn id(&self) -> MessageId {
        self.id
    }

    /// The response, if it has arrived (or the reason there will be none).
    pub fn try_response(&self) -> Option<Result<Envelope, RequestError>> {
        self.slot.get().map(|r| r.map_err(RequestError::Failed))
    }

    /// Blocks for at most `wait`; `Err(WaitTimedOut)` if neither the response nor the
    /// session's verdict came by then.
    pub fn wait_timeout(&self, wait: Duration) -> Result<Envelope, RequestError> {
        self.slot
            .wait_timeout(wait)
            .ok_or(RequestError::WaitTimedOut)?
            .map_err(RequestError::Failed)
    }

    /// Waits for the response; the session ends the request after its timeout
    /// (`Failed(RequestTimedOut)`), so this always completes.
    pub async fn response(&self) -> Result<Envelope, RequestError> {
        self.slot.wait().await.map_err(RequestError::Failed)
    }

    /// Calls `f` with the response (or the reason there is none) once known; see
    /// [`DeliveryHandle::on_outcome`] for the rules.
    pub fn on_response(&self, f: impl FnOnce(Result<Envelope, RequestError>) + Send + 'static) {
        self.slot
            .on_set(move |r| f(r.clone().map_err(RequestError::Failed)));
    }

    /// The timeout the request was submitted with.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }
}

pub(crate) struct Shared {
    pub(crate) config: ClientConfig,
    pub(crate) tls: Arc<TlsClientConfig>,
    session: Mutex<Session>,
    /// New work for the driver (a submission).
    pub(crate) wake: tokio::sync::Notify,
    /// `close` was called.
    pub(crate) closing: tokio::sync::Notify,
    closing_drain: Mutex<Option<Duration>>,
    pub(crate) connected: AtomicBool,
    waiters: Mutex<HashMap<MessageId, Slot<DeliveryOutcome>>>,
    responses: Mutex<HashMap<MessageId, ResponseSlot>>,
    subscribers: Mutex<Vec<Arc<Subscriber>>>,
    pub(crate) close_report: Slot<CloseReport>,
    log: Mutex<Option<MessageLog>>,
    recordings: Mutex<Vec<std::sync::Weak<RecordingInner>>>,
    pub(crate) stats: Mutex<ClientStats>,
    last_connect_error: Mutex<Option<(ConnectStage, Arc<TransportError>)>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Shared {
    pub(crate) fn lock_session(&self) -> MutexGuard<'_, Session> {
        lock(&self.session)
    }

    pub(crate) fn is_closing(&self) -> bool {
        lock(&self.closing_drain).is_some()
    }

    pub(crate) fn closing_drain(&self) -> Option<Duration> {
        *lock(&self.closing_drain)
    }

    pub(crate) fn broadcast(&self, ev: ClientEvent) {
        let mut subs = lock(&self.subscribers);
        // A dropped `EventStream` leaves only our reference: unsubscribe it.
        subs.retain(|s| Arc::strong_count(s) > 1);
        for s in subs.iter() {
            s.push(ev.clone());
        }
    }

    pub(crate) fn set_connect_error(&self, e: Option<(ConnectStage, Arc<TransportError>)>) {
        *lock(&self.last_connect_error) = e;
    }

    /// A frame sent (TX, before each attempt) or received (RX): to the message log and to
    /// every running recording.
    pub(crate) fn log_frame(&self, direction: LogDirection, frame: &[u8]) {
        if let Some(l) = lock(&self.log).as_mut() {
            l.line(direction, frame);
        }
        let mut recs = lock(&self.recordings);
        if !recs.is_empty() {
            recs.retain(|r| r.upgrade().is_some_and(|r| r.push(direction, frame)));
        }
    }

    pub(crate) fn take_events(&self) -> Vec<SessionEvent> {
        let mut s = self.lock_session();
        std::iter::from_fn(|| s.poll_event()).collect()
    }

    /// Hands the session's events to waiters and subscribers.
    pub(crate) fn dispatch(&self) {
        let events = self.take_events();
        self.dispatch_events(events);
    }

    pub(crate) fn dispatch_events(&self, events: Vec<SessionEvent>) {
        for ev in events {
            match ev {
                SessionEvent::Delivery {
                    id,
                    message_type,
                    outcome,
                } => {
                    if let Some(slot) = lock(&self.waiters).remove(&id) {
                        slot.set(outcome.clone());
                    }
                    self.broadcast(ClientEvent::Delivery {
                        id,
                        message_type,
                        outcome,
                    });
                }
                SessionEvent::Received(env) => self.broadcast(ClientEvent::Message(env)),
                SessionEvent::Response { request, envelope } => {
                    if let Some(slot) = lock(&self.responses).remove(&request) {
                        slot.set(Ok(*envelope));
                    }
                }
                SessionEvent::RequestFailed { request, reason } => {
                    if let Some(slot) = lock(&self.responses).remove(&request) {
                        slot.set(Err(reason));
                    }
                }
                SessionEvent::Rejected(r) => {
                    tracing::warn!("dropped a received frame without ack: {r}");
                    self.broadcast(ClientEvent::Rejected {
                        reason: r.to_string(),
                    });
                }
                SessionEvent::Duplicate { txn } => {
                    tracing::debug!(txn, "duplicate txn: acked again, not delivered");
                }
                SessionEvent::UnknownTxn { message_type, txn } => {
                    tracing::debug!(txn, "{message_type} for an unknown txn ignored");
                }
            }
        }
    }
}

/// The unit side of the channel. Cheap to share across threads (`&Client` is `Sync`).
pub struct Client {
    shared: Arc<Shared>,
    runtime: Mutex<Option<tokio::runtime::Runtime>>,
    handle: tokio::runtime::Handle,
    started: AtomicBool,
    schedule: Mutex<Option<ReconnectSchedule>>,
    task: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("system_id", &self.shared.config.system_id)
            .field("connected", &self.is_connected())
            .finish()
    }
}

impl Client {
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Creates a client with its own runtime.
    pub fn new(config: ClientConfig) -> Result<Client, ClientError> {
        Self::with_runtime(config, None)
    }

    pub(crate) fn with_runtime(
        config: ClientConfig,
        handle: Option<tokio::runtime::Handle>,
    ) -> Result<Client, ClientError> {
        if config.system_id.is_empty() {
            return Err(ClientError::Config("system_id is empty".into()));
        }
        if config.ping_interval.is_zero() || config.dead_link_timeout.is_zero() {
            return Err(ClientError::Config(
                "ping_interval and dead_link_timeout must be greater than zero".into(),
            ));
        }
        let discovery_url = crate::discovery::discovery_url(
            &config.service_discovery_url,
            config.override_service_discovery_url.as_deref(),
        )
        .map_err(|e| ClientError::Config(format!("service discovery URL: {e}")))?;
        let tls = config.tls.client_config()?;
        let log = match &config.cloud_message_log {
            Some(p) => Some(
                MessageLog::open(p, config.cloud_message_log_timestamps).map_err(|source| {
                    ClientError::MessageLog {
                        path: p.display().to_string(),
                        source,
                    }
                })?,
            ),
            None => None,
        };
        let (runtime, handle) = match handle {
            Some(h) => (None, h),
            None => {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(config.worker_threads.max(1))
                    .thread_name("aoscomm")
                    .enable_all()
                    .build()
                    .map_err(ClientError::Runtime)?;
                let h = rt.handle().clone();
                (Some(rt), h)
            }
        };
        let session = Session::new(SessionConfig {
            system_id: config.system_id.clone(),
            response_timeout: config.cloud_response_wait_timeout,
            max_nack_resends: config.max_nack_resends,
            queue_max_messages: config.queue_max_messages,
            queue_max_bytes: config.queue_max_bytes,
            overflow: config.overflow,
            max_in_flight: config.max_in_flight,
            ..SessionConfig::default()
        });
        let mut rc = ReconnectConfig::new(discovery_url);
        rc.base_delay = config.reconnect_base_delay;
        rc.max_delay = config.reconnect_max_delay;
        rc.jitter = config.reconnect_jitter;
        let schedule = ReconnectSchedule::new(rc, fastrand::u64(..));
        let shared = Arc::new(Shared {
            config,
            tls,
            session: Mutex::new(session),
            wake: tokio::sync::Notify::new(),
            closing: tokio::sync::Notify::new(),
            closing_drain: Mutex::new(None),
            connected: AtomicBool::new(false),
            waiters: Mutex::new(HashMap::new()),
            responses: Mutex::new(HashMap::new()),
            subscribers: Mutex::new(Vec::new()),
            close_report: Slot::new(),
            log: Mutex::new(log),
            recordings: Mutex::new(Vec::new()),
            stats: Mutex::new(ClientStats::default()),
            last_connect_error: Mutex::new(None),
        });
        Ok(Client {
            shared,
            runtime: Mutex::new(runtime),
            handle,
            started: AtomicBool::new(false),
            schedule: Mutex::new(Some(schedule)),
            task: Mutex::new(None),
        })
    }

    pub fn config(&self) -> &ClientConfig {
        &self.shared.config
    }

    /// Starts recording every frame (what the message log would hold) with a monotonic and a
    /// wall-clock timestamp, keeping at most `max_bytes` of frame text (later frames are counted
    /// as dropped). Several recordings may run at once.
    pub fn record(&self, max_bytes: usize) -> Recording {
        let (rec, weak) = Recording::new(max_bytes);
        lock(&self.shared.recordings).push(weak);
        rec
    }

    /// Starts connecting (and reconnecting until `close`). Non-important messages are accepted
    /// from now on. Calling it again does nothing.
    pub fn start(&self) -> Result<(), ClientError> {
        if self.shared.is_closing() {
            return Err(ClientError::Closed);
        }
        if self.started.swap(true, Ordering::SeqCst) {
            return Ok(());
        }
        self.shared.lock_session().start();
        let Some(schedule) = lock(&self.schedule).take() else {
            return Ok(());
        };
        let shared = self.shared.clone();
        let task = self.handle.spawn(driver::run(shared, schedule));
        *lock(&self.task) = Some(task);
        Ok(())
    }

    /// Whether the WebSocket is up now.
    pub fn is_connected(&self) -> bool {
        self.shared.connected.load(Ordering::SeqCst)
    }

    /// Whether `close` has finished.
    pub fn is_closed(&self) -> bool {
        self.shared.close_report.get().is_some()
    }

    /// Waits until the WebSocket is up (true) or `timeout` passes, or the client closes
    /// (false). Needs a tokio context (any runtime).
    pub async fn wait_connected(&self, timeout: Duration) -> bool {
        let events = self.subscribe();
        let until = tokio::time::Instant::now() + timeout;
        loop {
            if self.is_connected() {
                return true;
            }
            match tokio::time::timeout_at(until, events.recv()).await {
                Ok(Some(ClientEvent::Connected { .. })) => return true,
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => return self.is_connected(),
            }
        }
    }

    /// Blocking [`wait_connected`](Self::wait_connected).
    pub fn wait_connected_blocking(&self, timeout: Duration) -> bool {
        let events = self.subscribe();
        let deadline = Instant::now().checked_add(timeout);
        loop {
            if self.is_connected() {
                return true;
            }
            let left = match deadline {
                Some(d) => match d.checked_duration_since(Instant::now()) {
                    Some(left) => left,
                    None => return self.is_connected(),
                },
                None => Duration::from_secs(3600),
            };
            match events.recv_timeout(left) {
                Some(ClientEvent::Connected { .. }) => return true,
                Some(_) => {}
                None => return self.is_connected(),
            }
        }
    }

    /// Why the latest connection attempt failed, and in which stage; `None` once connected
    /// (or before any attempt failed).
    pub fn last_connect_error(&self) -> Option<(ConnectStage, Arc<TransportError>)> {
        lock(&self.shared.last_connect_error).clone()
    }

    pub fn stats(&self) -> ClientStats {
        *lock(&self.shared.stats)
    }

    /// Live event streams (a dropped stream is removed at the next event).
    pub fn subscriber_count(&self) -> usize {
        lock(&self.shared.subscribers)
            .iter()
            .filter(|s| Arc::strong_count(s) > 1)
            .count()
    }

    /// A new event stream; it sees every event from now on.
    pub fn subscribe(&self) -> EventStream {
        let sub = Subscriber::new(self.shared.config.event_queue_capacity);
        if self.shared.close_report.get().is_some() {
            sub.close();
        }
        lock(&self.shared.subscribers).push(sub.clone());
        EventStream { sub }
    }

    /// Queues a message; its outcome arrives through the handle (and as an event).
    pub fn send(&self, data: Data) -> Result<DeliveryHandle, SendError> {
        self.send_with(data, SendOptions::default())
    }

    pub fn send_with(&self, data: Data, opts: SendOptions) -> Result<DeliveryHandle, SendError> {
        let slot = Slot::new();
        let (id, txn) = {
            let mut session = self.shared.lock_session();
            let id = session.submit(
                data,
                SubmitOptions {
                    important: opts.important,
                    request_timeout: None,
                },
                Instant::now(),
            )?;
            lock(&self.shared.waiters).insert(id, slot.clone());
            (id, session.txn_of(id).unwrap_or_default().to_string())
        };
        self.shared.wake.notify_one();
        Ok(DeliveryHandle { id, txn, slot })
    }

    /// Validates a `data` object given as JSON (as the C ABI and Python pass it), then queues
    /// it. Invalid JSON gives `SendError::Invalid` naming the field and the rule; nothing is
    /// queued then.
    pub fn send_json(
        &self,
        data_json: &[u8],
        opts: SendOptions,
    ) -> Result<DeliveryHandle, SendError> {
        let data = Data::decode(data_json)?;
        self.send_with(data, opts)
    }

    /// Queues a request and returns a handle on its response (what [`request`](Self::request)
    /// awaits). Dropping the handle does not withdraw the request: use
    /// [`cancel`](Self::cancel) with its [`id`](RequestHandle::id).
    pub fn submit_request(
        &self,
        data: Data,
        timeout: Duration,
    ) -> Result<RequestHandle, RequestError> {
        let slot: ResponseSlot = Slot::new();
        let id = {
            let mut session = self.shared.lock_session();
            let id = session
                .submit(
                    data,
                    SubmitOptions {
                        important: None,
                        request_timeout: Some(timeout),
                    },
                    Instant::now(),
                )
                .map_err(RequestError::Submit)?;
            lock(&self.shared.responses).insert(id, slot.clone());
            id
        };
        self.shared.wake.notify_one();
        Ok(RequestHandle { id, timeout, slot })
    }

    /// Withdraws a message given to `send` or a request: it is not transmitted (again), its
    /// outcome is `Failed { Cancelled }` and a waiting request ends with that reason. False
    /// when it already has an outcome. (A message already on the wire may still reach the
    /// cloud; it is only not resent.)
    pub fn cancel(&self, id: MessageId) -> bool {
        let cancelled = self.shared.lock_session().cancel(id);
        if cancelled {
            self.shared.dispatch();
            // A window slot may have freed up.
            self.shared.wake.notify_one();
        }
        cancelled
    }

    /// Sends a request (e.g. `requestBlobUrls`) and waits for the message with the same
    /// `correlationId` (generated when `data` has none). After `timeout` the request is
    /// withdrawn and not sent again (§5.4).
    pub async fn request(&self, data: Data, timeout: Duration) -> Result<Envelope, RequestError> {
        self.submit_request(data, timeout)?.response().await
    }

    /// Blocking form of [`request`](Self::request).
    pub fn request_blocking(
        &self,
        data: Data,
        timeout: Duration,
    ) -> Result<Envelope, RequestError> {
        self.submit_request(data, timeout)?
            .wait_timeout(timeout + Duration::from_secs(5))
    }

    /// Closes at once: see [`close_with_drain`](Self::close_with_drain).
    pub fn close(&self) -> CloseReport {
        self.close_with_drain(Duration::ZERO)
    }

    /// Stops reconnecting; if connected, waits up to `drain` for held messages to be acked,
    /// sends a close frame, and reports every message that was still undelivered (each also
    /// gets a `Failed { Closed }` outcome). Idempotent: later calls return the same report. Must
    /// not be called from inside the client's own runtime.
    pub fn close_with_drain(&self, drain: Duration) -> CloseReport {
        {
            let mut d = lock(&self.shared.closing_drain);
            if d.is_none() {
                *d = Some(drain);
            }
        }
        self.shared.closing.notify_one();
        let task = lock(&self.task).take();
        let report = match task {
            Some(_) => self
                .shared
                .close_report
                .wait_timeout(drain + Duration::from_secs(10))
                .unwrap_or_default(),
            None => {
                // Never started (or closed before): close the session here.
                if self.shared.close_report.get().is_none() {
                    driver::finish(&self.shared);
                }
                self.shared.close_report.get().unwrap_or_default()
            }
        };
        for s in lock(&self.shared.subscribers).iter() {
            s.close();
        }
        if let Some(rt) = lock(&self.runtime).take() {
            if tokio::runtime::Handle::try_current().is_ok() {
                // Dropping a runtime inside an async context panics: do it on a plain thread.
                std::thread::spawn(move || rt.shutdown_timeout(Duration::from_secs(2)));
            } else {
                rt.shutdown_timeout(Duration::from_secs(2));
            }
        }
        report
    }

    /// The runtime the client runs on.
    pub fn runtime_handle(&self) -> &tokio::runtime::Handle {
        &self.handle
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if self.shared.close_report.get().is_none() {
            self.close();
        }
    }
}
