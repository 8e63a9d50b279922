//! What the mock cloud records (public) and what the test scripted (private), behind one mutex.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message;

use crate::protocol::{DecodeError, Envelope};

/// How the mock answers each received frame (other than the unit's acks and nacks).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum AckMode {
    /// Ack at once (default).
    #[default]
    AckAll,
    /// Never answer.
    AckNone,
    /// Nack every transmission.
    Nack { retry_after_ms: i64 },
    /// Nack the first `n` transmissions of each txn, then ack.
    NackFirst { n: usize, retry_after_ms: i64 },
    /// Ack after a delay.
    AckAfter(Duration),
}

/// One frame the mock received.
#[derive(Debug, Clone)]
pub struct ReceivedFrame {
    pub at: Instant,
    pub raw: Vec<u8>,
    pub envelope: Result<Envelope, DecodeError>,
    /// Connection number (1 = first connection).
    pub connection: u64,
}

/// One discovery request the mock received.
#[derive(Debug, Clone)]
pub struct DiscoveryRecord {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// One WebSocket upgrade request the mock received.
#[derive(Debug, Clone)]
pub struct UpgradeRecord {
    pub path: String,
    pub authorization: Option<String>,
    pub accept: Option<String>,
    /// The HTTP status the mock answered (101 on success).
    pub status: u16,
}

/// Everything the mock observed. Snapshot with [`super::MockCloud::state`], or read it in a
/// [`super::MockCloud::wait_for`] predicate.
#[derive(Debug, Clone, Default)]
pub struct CloudState {
    /// Every BINARY frame received, in order.
    pub received: Vec<ReceivedFrame>,
    /// Transmissions per txn (frames other than ack/nack).
    pub transmissions: HashMap<String, usize>,
    /// Distinct txns delivered (application-level dedupe).
    pub delivered: HashSet<String>,
    /// Txns the unit acked (acks for our pushes).
    pub acks_from_unit: Vec<String>,
    /// Txns the unit nacked.
    pub nacks_from_unit: Vec<String>,
    /// Txns the mock pushed, in order.
    pub pushed: Vec<String>,
    /// TEXT frames received (v7 does not use them).
    pub texts: Vec<String>,
    /// Payloads of PONGs received.
    pub pongs: Vec<Vec<u8>>,
    /// Rule violations seen (wrong systemId, ...).
    pub violations: Vec<String>,
    /// Server-side TLS handshake failures (why the mock rejected a client).
    pub tls_failures: Vec<String>,
    /// Successful WebSocket connections.
    pub connections: u64,
    /// Ended WebSocket connections.
    pub disconnects: u64,
    /// The open connection's number, if any.
    pub current_connection: Option<u64>,
    /// The open connection is held (`hold_connection`): nothing is read or written.
    pub held: bool,
    /// WebSocket upgrade requests (accepted or not).
    pub upgrades: Vec<UpgradeRecord>,
    /// Discovery requests.
    pub discoveries: Vec<DiscoveryRecord>,
}

impl CloudState {
    /// Number of upgrade requests.
    pub fn upgrade_count(&self) -> usize {
        self.upgrades.len()
    }

    /// Number of discovery requests.
    pub fn discovery_count(&self) -> usize {
        self.discoveries.len()
    }

    /// Transmissions of `txn` so far.
    pub fn transmissions(&self, txn: &str) -> usize {
        self.transmissions.get(txn).copied().unwrap_or(0)
    }

    /// Successfully decoded received envelopes.
    pub fn envelopes(&self) -> impl Iterator<Item = &Envelope> {
        self.received
            .iter()
            .filter_map(|f| f.envelope.as_ref().ok())
    }
}

/// What the discovery endpoint answers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum DiscoveryMode {
    #[default]
    Normal,
    Redirect(String),
    RepeatLater(u64),
}

/// Commands to the connection task.
#[derive(Debug)]
pub(crate) enum ConnCmd {
    Send(Message),
    Close,
    Drop,
    Hold,
}

#[derive(Debug, Clone)]
pub(crate) struct ConnHandle {
    pub id: u64,
    pub tx: mpsc::UnboundedSender<ConnCmd>,
}

/// What the test scripted.
#[derive(Debug, Default)]
pub(crate) struct Script {
    pub ack_mode: AckMode,
    pub close_after: Option<usize>,
    /// HTTP statuses for the next upgrades.
    pub reject_upgrades: VecDeque<u16>,
    pub discovery_mode: DiscoveryMode,
    pub discovery_status: VecDeque<u16>,
    pub discovery_body: Option<Vec<u8>>,
    pub connection_info: Option<Vec<String>>,
    pub next_request_delay_ms: u64,
    pub auth_token: String,
    pub answer_blob_requests: bool,
    /// Frames pushed while no connection was open, sent when one opens.
    pub pending: VecDeque<Message>,
}

#[derive(Debug, Default)]
pub(crate) struct Inner {
    pub state: CloudState,
    pub script: Script,
    pub conn: Option<ConnHandle>,
    /// Upgrades answered 101 whose connection is not registered yet (the unit may already
    /// report Connected).
    pub accepting: u32,
    /// Bumped by every `update`.
    pub changes: u64,
}

/// The shared state: a mutex, a condvar for blocking waits and a watch for async waits.
#[derive(Debug)]
pub(crate) struct Shared {
    inner: Mutex<Inner>,
    cond: Condvar,
    version: watch::Sender<u64>,
    pub shutdown: watch::Sender<bool>,
}

impl Shared {
    pub fn new(script: Script) -> Shared {
        Shared {
            inner: Mutex::new(Inner {
                script,
                ..Inner::default()
            }),
            cond: Condvar::new(),
            version: watch::channel(0).0,
            shutdown: watch::channel(false).0,
        }
    }

    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Changes the state and wakes every waiter.
    pub fn update<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> R {
        let r = {
            let mut g = self.lock();
            let r = f(&mut g);
            g.changes = g.changes.wrapping_add(1);
            r
        };
        self.cond.notify_all();
        self.version.send_modify(|v| *v = v.wrapping_add(1));
        r
    }

    pub async fn wait_for(&self, pred: impl Fn(&CloudState) -> bool, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut rx = self.version.subscribe();
        loop {
            if pred(&self.lock().state) {
                return true;
            }
            match tokio::time::timeout_at(deadline, rx.changed()).await {
                Ok(Ok(())) => {}
                _ => return pred(&self.lock().state),
            }
        }
    }

    pub fn wait_for_blocking(&self, pred: impl Fn(&CloudState) -> bool, timeout: Duration) -> bool {
        self.wait_inner_blocking(|i| pred(&i.state), timeout)
    }

    /// Blocks until `pred` holds on the whole inner state, or `timeout` passes.
    pub fn wait_inner_blocking(&self, pred: impl Fn(&Inner) -> bool, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut guard = self.lock();
        loop {
            if pred(&guard) {
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                return pred(&guard);
            }
            guard = match self.cond.wait_timeout(guard, deadline - now) {
                Ok((g, _)) => g,
                Err(p) => p.into_inner().0,
            };
        }
    }
}
