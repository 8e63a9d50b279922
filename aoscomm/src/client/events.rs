//! Client events and the per-subscriber queues that carry them.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use crate::protocol::{Envelope, MessageType};
use crate::session::{DeliveryOutcome, MessageId};
use crate::transport::TransportError;

/// What a client reports.
#[derive(Debug, Clone)]
pub enum ClientEvent {
    /// The WebSocket is up.
    Connected { url: String },
    /// The WebSocket went down (or could not be kept up); the client reconnects unless closed.
    Disconnected { reason: String },
    /// One connection attempt (discovery or upgrade) failed; the reconnect schedule goes on.
    ConnectFailed {
        error: Arc<TransportError>,
        /// Where it failed: discovery, or connecting to a URL discovery gave.
        stage: super::ConnectStage,
    },
    /// A cloud message, already acknowledged, delivered once.
    Message(Box<Envelope>),
    /// The final outcome of a message given to `send`.
    Delivery {
        id: MessageId,
        message_type: MessageType,
        outcome: DeliveryOutcome,
    },
    /// A received frame was dropped without an ack (invalid, wrong system ID, unsupported).
    Rejected { reason: String },
}

#[derive(Debug)]
struct Queue {
    items: VecDeque<ClientEvent>,
    closed: bool,
    dropped: u64,
}

/// One subscriber's queue.
#[derive(Debug)]
pub(crate) struct Subscriber {
    queue: Mutex<Queue>,
    cond: Condvar,
    notify: Notify,
    capacity: usize,
}

impl Subscriber {
    pub fn new(capacity: usize) -> Arc<Self> {
        Arc::new(Subscriber {
            queue: Mutex::new(Queue {
                items: VecDeque::new(),
                closed: false,
                dropped: 0,
            }),
            cond: Condvar::new(),
            notify: Notify::new(),
            capacity: capacity.max(1),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds an event; when full, the oldest one is dropped (and counted).
    pub fn push(&self, ev: ClientEvent) {
        {
            let mut q = self.lock();
            if q.closed {
                return;
            }
            if q.items.len() >= self.capacity {
                q.items.pop_front();
                q.dropped += 1;
            }
            q.items.push_back(ev);
        }
        self.cond.notify_all();
        self.notify.notify_waiters();
    }

    pub fn close(&self) {
        self.lock().closed = true;
        self.cond.notify_all();
        self.notify.notify_waiters();
    }
}

/// A stream of [`ClientEvent`]s, from [`Client::subscribe`](super::Client::subscribe). Each
/// subscriber gets every event from its subscription on; the stream ends (`None`) once the
/// client is closed and the queue is drained. Readable by blocking calls or `async`.
#[derive(Debug)]
pub struct EventStream {
    pub(crate) sub: Arc<Subscriber>,
}

impl EventStream {
    /// The next event if one is queued; `Err(())` once the stream has ended.
    pub fn try_recv(&self) -> Result<Option<ClientEvent>, Closed> {
        let mut q = self.sub.lock();
        match q.items.pop_front() {
            Some(e) => Ok(Some(e)),
            None if q.closed => Err(Closed),
            None => Ok(None),
        }
    }

    /// Blocks until an event arrives, the stream ends (`None`) or `timeout` passes (`None`).
    pub fn recv_timeout(&self, timeout: Duration) -> Option<ClientEvent> {
        let deadline = Instant::now().checked_add(timeout);
        let mut q = self.sub.lock();
        loop {
            if let Some(e) = q.items.pop_front() {
                return Some(e);
            }
            if q.closed {
                return None;
            }
            let left = match deadline {
                Some(d) => d.checked_duration_since(Instant::now())?,
                None => Duration::from_secs(3600),
            };
            q = self
                .sub
                .cond
                .wait_timeout(q, left)
                .map(|(g, _)| g)
                .unwrap_or_else(|p| p.into_inner().0);
        }
    }

    /// Waits for the next event; `None` once the stream has ended.
    pub async fn recv(&self) -> Option<ClientEvent> {
        loop {
            let notified = self.sub.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            match self.try_recv() {
                Ok(Some(e)) => return Some(e),
                Err(Closed) => return None,
                Ok(None) => notified.await,
            }
        }
    }

    /// Events dropped because this subscriber did not keep up.
    pub fn dropped(&self) -> u64 {
        self.sub.lock().dropped
    }
}

/// The event stream has ended: the client is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed;
