//! The session engine: outbox, acks, resends, nacks, request correlation, duplicate detection.
//! Sans-IO: it takes frames, submissions and the time, and hands back frames to send, events
//! and its next deadline. It never sleeps, reads a socket or spawns anything.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::protocol::{Ack, Data, Envelope, Header, MessageType, Payload, Timestamp};

use super::config::{OverflowPolicy, SessionConfig};
use super::outcome::{
    DeliveryOutcome, DropReason, FailReason, MessageId, RejectReason, SessionEvent,
};

/// Why a message was not accepted by `submit`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubmitError {
    /// Non-important messages are refused before `start` (§5.5).
    #[error("the session has not started; only important messages may be queued before start")]
    NotStarted,
    #[error("the session is closed")]
    Closed,
    /// The outbox is at its bound and the policy refuses the new message.
    #[error("the outbox is full ({messages} messages, {bytes} bytes held)")]
    QueueFull { messages: usize, bytes: usize },
    /// The encoded message alone exceeds the byte bound.
    #[error("the message is {size} bytes, more than the outbox holds ({limit})")]
    TooLarge { size: usize, limit: usize },
    #[error("the message cannot be encoded: {0}")]
    Encode(String),
    /// `ack`/`nack` are produced by the session itself.
    #[error("\"{0}\" messages are sent by the session itself, not submitted")]
    NotSubmittable(MessageType),
}

/// Options of one submission.
#[derive(Debug, Clone, Default)]
pub struct SubmitOptions {
    /// Queue even before start (§5.5). `None` = the type's reference default.
    pub important: Option<bool>,
    /// Treat as a request: wait for a response with the same `correlationId` until this long.
    pub request_timeout: Option<Duration>,
}

/// A frame to write to the WebSocket now.
#[derive(Debug, Clone)]
pub struct Transmit {
    pub bytes: Arc<[u8]>,
    pub txn: String,
    pub message_type: MessageType,
    /// `None` for the session's own acks.
    pub id: Option<MessageId>,
    /// 1 for the first transmission.
    pub transmission: u32,
}

/// What became of a received frame (for logs and counters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameVerdict {
    /// Delivered (as `Received` or `Response`) and acked.
    Delivered,
    /// An ack or nack that matched a held message.
    Control,
    /// A duplicate `txn`: acked again, not delivered.
    Duplicate,
    /// An ack/nack for an unknown `txn`.
    Unknown,
    /// Dropped without ack.
    Rejected,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// In the send queue.
    Queued,
    /// Waiting for a nack's `retryAfter`.
    Delayed(Instant),
    /// Sent; waiting for the ack until the deadline.
    InFlight(Instant),
    /// A request that was acked and now only waits for its response.
    Answered,
}

#[derive(Debug)]
struct Held {
    txn: String,
    message_type: MessageType,
    bytes: Arc<[u8]>,
    important: bool,
    transmissions: u32,
    resends: u32,
    nack_resends: u32,
    state: State,
    /// Set for requests: (correlationId, deadline).
    request: Option<(String, Instant)>,
    /// A request already acked (outcome reported) still waits for its response.
    acked: bool,
}

/// Remembers the last N incoming `txn`s.
#[derive(Debug)]
struct RecentTxns {
    set: HashSet<String>,
    order: VecDeque<String>,
    cap: usize,
}

impl RecentTxns {
    fn new(cap: usize) -> Self {
        RecentTxns {
            set: HashSet::new(),
            order: VecDeque::new(),
            cap,
        }
    }

    /// True if `txn` was new (and is now remembered).
    fn insert(&mut self, txn: &str) -> bool {
        if self.cap == 0 || self.set.contains(txn) {
            return self.cap == 0;
        }
        if self.order.len() == self.cap {
            if let Some(old) = self.order.pop_front() {
                self.set.remove(&old);
            }
        }
        self.set.insert(txn.to_string());
        self.order.push_back(txn.to_string());
        true
    }
}

type TxnSource = Box<dyn FnMut() -> String + Send>;
type WallClock = Box<dyn FnMut() -> Timestamp + Send>;

/// The protocol state of one unit↔cloud channel, across reconnects.
pub struct Session {
    config: SessionConfig,
    next_id: u64,
    held: HashMap<MessageId, Held>,
    by_txn: HashMap<String, MessageId>,
    queue: VecDeque<MessageId>,
    in_flight: BTreeSet<(Instant, MessageId)>,
    delayed: BTreeSet<(Instant, MessageId)>,
    requests: HashMap<String, MessageId>,
    request_deadlines: BTreeSet<(Instant, MessageId)>,
    /// Our acks, sent before data messages; never resent, not bounded by the outbox.
    control: VecDeque<Transmit>,
    held_bytes: usize,
    recent: RecentTxns,
    events: VecDeque<SessionEvent>,
    started: bool,
    closed: bool,
    connected: bool,
    new_txn: TxnSource,
    wall_clock: WallClock,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("held", &self.held.len())
            .field("queued", &self.queue.len())
            .field("in_flight", &self.in_flight.len())
            .field("connected", &self.connected)
            .field("started", &self.started)
            .field("closed", &self.closed)
            .finish()
    }
}

fn uuid_v4() -> String {
    uuid::Uuid::new_v4().to_string()
}

impl Session {
    pub fn new(config: SessionConfig) -> Self {
        let dedupe = config.dedupe_window;
        Session {
            config,
            next_id: 1,
            held: HashMap::new(),
            by_txn: HashMap::new(),
            queue: VecDeque::new(),
            in_flight: BTreeSet::new(),
            delayed: BTreeSet::new(),
            requests: HashMap::new(),
            request_deadlines: BTreeSet::new(),
            control: VecDeque::new(),
            held_bytes: 0,
            recent: RecentTxns::new(dedupe),
            events: VecDeque::new(),
            started: false,
            closed: false,
            connected: false,
            new_txn: Box::new(uuid_v4),
            wall_clock: Box::new(Timestamp::now),
        }
    }

    /// Replaces the UUID source (tests: predictable txns and correlation IDs).
    pub fn with_txn_source(mut self, f: impl FnMut() -> String + Send + 'static) -> Self {
        self.new_txn = Box::new(f);
        self
    }

    /// Replaces the wall clock used for `createdAt`.
    pub fn with_wall_clock(mut self, f: impl FnMut() -> Timestamp + Send + 'static) -> Self {
        self.wall_clock = Box::new(f);
        self
    }

    pub fn config(&self) -> &SessionConfig {
        &self.config
    }

    /// Allows non-important messages (§5.5).
    pub fn start(&mut self) {
        if !self.closed {
            self.started = true;
        }
    }

    pub fn is_started(&self) -> bool {
        self.started
    }

    pub fn is_connected(&self) -> bool {
        self.connected
    }

    /// The `txn` of a held message.
    pub fn txn_of(&self, id: MessageId) -> Option<&str> {
        self.held.get(&id).map(|h| h.txn.as_str())
    }

    /// Messages held: queued, delayed or awaiting an ack.
    pub fn held(&self) -> usize {
        self.held.len()
    }

    /// Nothing left to send or to wait for (our acks included).
    pub fn is_idle(&self) -> bool {
        self.held.is_empty() && self.control.is_empty()
    }

    fn header(&mut self, txn: String) -> Header {
        Header {
            system_id: self.config.system_id.clone(),
            created_at: Some((self.wall_clock)().to_string()),
            txn,
        }
    }

    /// Queues a message. `data.correlation_id` is kept; for a request without one a fresh
    /// UUIDv4 is generated before the txn (§5.4).
    pub fn submit(
        &mut self,
        mut data: Data,
        opts: SubmitOptions,
        now: Instant,
    ) -> Result<MessageId, SubmitError> {
        let t = data.message_type();
        if matches!(t, MessageType::Ack | MessageType::Nack) {
            return Err(SubmitError::NotSubmittable(t));
        }
        if self.closed {
            return Err(SubmitError::Closed);
        }
        let important = opts.important.unwrap_or_else(|| t.is_important());
        if !self.started && !important {
            return Err(SubmitError::NotStarted);
        }
        if opts.request_timeout.is_some() && data.correlation_id.is_empty() {
            data.correlation_id = (self.new_txn)();
        }
        let txn = (self.new_txn)();
        let header = self.header(txn.clone());
        let envelope = Envelope { header, data };
        let bytes: Arc<[u8]> = envelope
            .encode()
            .map_err(|e| SubmitError::Encode(e.to_string()))?
            .into();
        self.make_room(bytes.len())?;

        let id = MessageId(self.next_id);
        self.next_id += 1;
        let request = opts.request_timeout.map(|timeout| {
            let deadline = now + timeout;
            self.requests
                .insert(envelope.data.correlation_id.clone(), id);
            self.request_deadlines.insert((deadline, id));
            (envelope.data.correlation_id.clone(), deadline)
        });
        self.held_bytes += bytes.len();
        self.by_txn.insert(txn.clone(), id);
        self.held.insert(
            id,
            Held {
                txn,
                message_type: t,
                bytes,
                important,
                transmissions: 0,
                resends: 0,
                nack_resends: 0,
                state: State::Queued,
                request,
                acked: false,
            },
        );
        self.queue.push_back(id);
        Ok(id)
    }

    /// Applies the outbox bounds for a new message of `size` bytes.
    fn make_room(&mut self, size: usize) -> Result<(), SubmitError> {
        let (max_n, max_b) = (self.config.queue_max_messages, self.config.queue_max_bytes);
        if size > max_b {
            return Err(SubmitError::TooLarge { size, limit: max_b });
        }
        let fits = |s: &Self| s.held.len() < max_n && s.held_bytes + size <= max_b;
        while !fits(self) {
            let victim = match self.config.overflow {
                OverflowPolicy::RejectNew => None,
                OverflowPolicy::DropOldestNonImportant => self
                    .held
                    .iter()
                    .filter(|(_, h)| !h.important && !h.acked)
                    .map(|(id, _)| *id)
                    .min(),
            };
            let Some(victim) = victim else {
                return Err(SubmitError::QueueFull {
                    messages: self.held.len(),
                    bytes: self.held_bytes,
                });
            };
            if let Some(h) = self.remove(victim) {
                self.report(
                    victim,
                    &h,
                    DeliveryOutcome::Dropped {
                        txn: h.txn.clone(),
                        transmissions: h.transmissions,
                        reason: DropReason::QueueOverflow,
                    },
                );
                if h.request.is_some() {
                    self.events.push_back(SessionEvent::RequestFailed {
                        request: victim,
                        reason: FailReason::Closed,
                    });
                }
            }
        }
        Ok(())
    }

    /// Removes a held message from every index.
    fn remove(&mut self, id: MessageId) -> Option<Held> {
        self.unschedule(id);
        let h = self.held.remove(&id)?;
        if self.by_txn.get(&h.txn) == Some(&id) {
            self.by_txn.remove(&h.txn);
        }
        self.held_bytes -= h.bytes.len();
        if let Some((corr, deadline)) = &h.request {
            self.requests.remove(corr);
            self.request_deadlines.remove(&(*deadline, id));
        }
        Some(h)
    }

    fn report(&mut self, id: MessageId, h: &Held, outcome: DeliveryOutcome) {
        self.events.push_back(SessionEvent::Delivery {
            id,
            message_type: h.message_type,
            outcome,
        });
    }

    /// Marks a message acknowledged. A request that still waits for its response stays held
    /// (without resends) until the response or its deadline.
    fn complete(&mut self, id: MessageId) {
        let Some(h) = self.held.get(&id) else { return };
        if h.acked {
            return;
        }
        if h.request.is_none() {
            if let Some(h) = self.remove(id) {
                let outcome = DeliveryOutcome::Acked {
                    txn: h.txn.clone(),
                    transmissions: h.transmissions,
                };
                self.report(id, &h, outcome);
            }
            return;
        }
        // A request: stop resending, keep the request entry until the response.
        self.unschedule(id);
        let Some(h) = self.held.get_mut(&id) else {
            return;
        };
        h.acked = true;
        h.state = State::Answered;
        let (message_type, txn, transmissions) = (h.message_type, h.txn.clone(), h.transmissions);
        self.by_txn.remove(&txn);
        self.events.push_back(SessionEvent::Delivery {
            id,
            message_type,
            outcome: DeliveryOutcome::Acked { txn, transmissions },
        });
    }

    /// Takes a held message out of the queue / delay / in-flight index its state names.
    fn unschedule(&mut self, id: MessageId) {
        let Some(state) = self.held.get(&id).map(|h| h.state) else {
            return;
        };
        match state {
            State::Queued => self.queue.retain(|q| *q != id),
            State::Delayed(at) => {
                self.delayed.remove(&(at, id));
            }
            State::InFlight(at) => {
                self.in_flight.remove(&(at, id));
            }
            State::Answered => {}
        }
    }

    /// The link is up: held messages may be sent.
    pub fn on_connected(&mut self) {
        self.connected = true;
    }

    /// The link is down. Messages awaiting an ack go back to the front of the queue, in their
    /// original order, to be resent at once on the next connection; that resend does not count
    /// against `max_resends` (the earlier transmission was lost with the link).
    pub fn on_disconnected(&mut self) {
        self.connected = false;
        let mut ids: Vec<MessageId> = self.in_flight.iter().map(|(_, id)| *id).collect();
        ids.sort();
        self.in_flight.clear();
        for id in ids.into_iter().rev() {
            if let Some(h) = self.held.get_mut(&id) {
                h.state = State::Queued;
                self.queue.push_front(id);
            }
        }
    }

    /// The next frame to write, if the link is up and the window allows.
    pub fn poll_transmit(&mut self, now: Instant) -> Option<Transmit> {
        if !self.connected {
            return None;
        }
        if let Some(t) = self.control.pop_front() {
            return Some(t);
        }
        if self.in_flight.len() >= self.config.max_in_flight.max(1) {
            return None;
        }
        let id = self.queue.pop_front()?;
        let deadline = now + self.config.response_timeout;
        let h = self.held.get_mut(&id)?;
        h.state = State::InFlight(deadline);
        h.transmissions += 1;
        let t = Transmit {
            bytes: h.bytes.clone(),
            txn: h.txn.clone(),
            message_type: h.message_type,
            id: Some(id),
            transmission: h.transmissions,
        };
        self.in_flight.insert((deadline, id));
        Some(t)
    }

    /// Handles one received BINARY frame.
    pub fn on_frame(&mut self, bytes: &[u8], now: Instant) -> FrameVerdict {
        let env = match Envelope::decode(bytes) {
            Ok(e) => e,
            Err(e) => return self.reject(RejectReason::Decode(e)),
        };
        if env.header.system_id != self.config.system_id {
            return self.reject(RejectReason::SystemIdMismatch {
                got: env.header.system_id,
            });
        }
        let t = env.message_type();
        if !self.config.accept_all_types && !t.received_by_unit() {
            return self.reject(RejectReason::UnsupportedType(t));
        }
        match &env.data.payload {
            Payload::Ack(_) => {
                return match self.by_txn.get(&env.header.txn).copied() {
                    Some(id) => {
                        self.complete(id);
                        FrameVerdict::Control
                    }
                    None => self.unknown(t, env.header.txn),
                }
            }
            Payload::Nack(n) => {
                let Some(id) = self.by_txn.get(&env.header.txn).copied() else {
                    return self.unknown(t, env.header.txn);
                };
                let delay = Duration::from_millis(u64::try_from(n.retry_after_ms).unwrap_or(0));
                self.nacked(id, now + delay);
                return FrameVerdict::Control;
            }
            _ => {}
        }
        // Ack first (§1.5 step 4), even for a duplicate.
        self.queue_ack(env.header.txn.clone());
        if !env.header.txn.is_empty() && !self.recent.insert(&env.header.txn) {
            self.events.push_back(SessionEvent::Duplicate {
                txn: env.header.txn,
            });
            return FrameVerdict::Duplicate;
        }
        let corr = &env.data.correlation_id;
        if let Some(id) = (!corr.is_empty())
            .then(|| self.requests.get(corr).copied())
            .flatten()
        {
            // The response proves the request arrived: count it as acked (fixes §9.5).
            self.complete(id);
            self.remove(id);
            self.events.push_back(SessionEvent::Response {
                request: id,
                envelope: Box::new(env),
            });
        } else {
            self.events.push_back(SessionEvent::Received(Box::new(env)));
        }
        FrameVerdict::Delivered
    }

    fn reject(&mut self, r: RejectReason) -> FrameVerdict {
        self.events.push_back(SessionEvent::Rejected(r));
        FrameVerdict::Rejected
    }

    fn unknown(&mut self, message_type: MessageType, txn: String) -> FrameVerdict {
        self.events
            .push_back(SessionEvent::UnknownTxn { message_type, txn });
        FrameVerdict::Unknown
    }

    fn queue_ack(&mut self, txn: String) {
        let header = self.header(txn.clone());
        let env = Envelope {
            header,
            data: Data::new(Payload::Ack(Ack {})),
        };
        // An ack has no numbers in it: encoding cannot fail.
        if let Ok(bytes) = env.encode() {
            self.control.push_back(Transmit {
                bytes: bytes.into(),
                txn,
                message_type: MessageType::Ack,
                id: None,
                transmission: 1,
            });
        }
    }

    fn nacked(&mut self, id: MessageId, at: Instant) {
        let Some(h) = self.held.get_mut(&id) else {
            return;
        };
        if h.acked {
            return;
        }
        h.nack_resends += 1;
        if h.nack_resends > self.config.max_nack_resends {
            self.fail(id, FailReason::NackLimit);
            return;
        }
        self.unschedule(id);
        if let Some(h) = self.held.get_mut(&id) {
            h.state = State::Delayed(at);
            self.delayed.insert((at, id));
        }
    }

    fn fail(&mut self, id: MessageId, reason: FailReason) {
        if let Some(h) = self.remove(id) {
            if h.request.is_some() {
                self.events.push_back(SessionEvent::RequestFailed {
                    request: id,
                    reason: reason.clone(),
                });
            }
            if !h.acked {
                self.report(
                    id,
                    &h,
                    DeliveryOutcome::Failed {
                        txn: h.txn.clone(),
                        transmissions: h.transmissions,
                        reason,
                    },
                );
            }
        }
    }

    /// Applies every deadline up to `now`: resends, nack delays, request timeouts.
    pub fn handle_timeout(&mut self, now: Instant) {
        while let Some(&(at, id)) = self.request_deadlines.first() {
            if at > now {
                break;
            }
            self.request_deadlines.remove(&(at, id));
            self.fail(id, FailReason::RequestTimedOut);
        }
        while let Some(&(at, id)) = self.delayed.first() {
            if at > now {
                break;
            }
            self.delayed.remove(&(at, id));
            if let Some(h) = self.held.get_mut(&id) {
                h.state = State::Queued;
                self.queue.push_back(id);
            }
        }
        while let Some(&(at, id)) = self.in_flight.first() {
            if at > now {
                break;
            }
            self.in_flight.remove(&(at, id));
            let Some(h) = self.held.get_mut(&id) else {
                continue;
            };
            if h.resends < self.config.max_resends {
                h.resends += 1;
                h.state = State::Queued;
                // Re-queued at the back, as the reference does (§5.2).
                self.queue.push_back(id);
            } else {
                self.fail(id, FailReason::NoAck);
            }
        }
    }

    /// The earliest deadline `handle_timeout` must be called for.
    pub fn poll_timeout(&self) -> Option<Instant> {
        [
            self.in_flight.first().map(|(t, _)| *t),
            self.delayed.first().map(|(t, _)| *t),
            self.request_deadlines.first().map(|(t, _)| *t),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    pub fn poll_event(&mut self) -> Option<SessionEvent> {
        self.events.pop_front()
    }

    /// Stops the session: every held message fails with `Closed` (its outcome is reported),
    /// pending requests fail, and no further submission is accepted.
    pub fn close(&mut self) {
        self.closed = true;
        self.started = false;
        let mut ids: Vec<MessageId> = self.held.keys().copied().collect();
        ids.sort();
        for id in ids {
            self.fail(id, FailReason::Closed);
        }
        self.control.clear();
    }

    /// Withdraws a held message: it is not transmitted (again) and gets a
    /// `Failed { Cancelled }` outcome (a request also its `RequestFailed`). False when the
    /// message is no longer held (already acked, failed or dropped).
    pub fn cancel(&mut self, id: MessageId) -> bool {
        if !self.held.contains_key(&id) {
            return false;
        }
        self.fail(id, FailReason::Cancelled);
        true
    }

    pub fn is_closed(&self) -> bool {
        self.closed
    }
}
