//! What the session reports: delivery outcomes and events.

use std::fmt;

use crate::protocol::{DecodeError, Envelope, MessageType};

/// Identifies a message given to the session, for its whole life (unlike `txn`, it is known
/// before the message is encoded and unique across sessions of one process).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MessageId(pub u64);

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// Why a message was not delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailReason {
    /// No ack after the original transmission and every resend.
    NoAck,
    /// The cloud nacked it more often than `max_nack_resends`.
    NackLimit,
    /// A request whose response did not arrive in time; it is not sent again (§5.4).
    RequestTimedOut,
    /// The client was closed while the message was still held.
    Closed,
    /// Withdrawn by the caller (`cancel`) before it was acknowledged: not sent (again).
    Cancelled,
}

impl FailReason {
    /// A stable `snake_case` name (`no_ack`, `nack_limit`, `request_timed_out`, `closed`,
    /// `cancelled`), for bindings and logs.
    pub fn as_str(&self) -> &'static str {
        match self {
            FailReason::NoAck => "no_ack",
            FailReason::NackLimit => "nack_limit",
            FailReason::RequestTimedOut => "request_timed_out",
            FailReason::Closed => "closed",
            FailReason::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for FailReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FailReason::NoAck => "no ack after the last resend",
            FailReason::NackLimit => "nacked more often than the nack-resend limit",
            FailReason::RequestTimedOut => "no response before the request timed out",
            FailReason::Closed => "closed before it was acknowledged",
            FailReason::Cancelled => "cancelled before it was acknowledged",
        })
    }
}

/// Why a message was dropped by policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DropReason {
    /// Evicted to make room (`OverflowPolicy::DropOldestNonImportant`).
    QueueOverflow,
}

impl DropReason {
    /// A stable `snake_case` name (`queue_overflow`).
    pub fn as_str(&self) -> &'static str {
        match self {
            DropReason::QueueOverflow => "queue_overflow",
        }
    }
}

/// The end of every message's life in the session: exactly one per message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// The cloud acknowledged it (or answered it, for a request).
    Acked { txn: String, transmissions: u32 },
    /// Given up after `transmissions` sends.
    Failed {
        txn: String,
        transmissions: u32,
        reason: FailReason,
    },
    /// Removed by the overflow policy before it was acknowledged.
    Dropped {
        txn: String,
        transmissions: u32,
        reason: DropReason,
    },
}

impl DeliveryOutcome {
    pub fn is_acked(&self) -> bool {
        matches!(self, DeliveryOutcome::Acked { .. })
    }

    pub fn txn(&self) -> &str {
        match self {
            DeliveryOutcome::Acked { txn, .. }
            | DeliveryOutcome::Failed { txn, .. }
            | DeliveryOutcome::Dropped { txn, .. } => txn,
        }
    }

    /// `acked`, `failed` or `dropped`.
    pub fn status(&self) -> &'static str {
        match self {
            DeliveryOutcome::Acked { .. } => "acked",
            DeliveryOutcome::Failed { .. } => "failed",
            DeliveryOutcome::Dropped { .. } => "dropped",
        }
    }

    /// Why it was not acked (`FailReason::as_str` / `DropReason::as_str`); `None` when acked.
    pub fn reason(&self) -> Option<&'static str> {
        match self {
            DeliveryOutcome::Acked { .. } => None,
            DeliveryOutcome::Failed { reason, .. } => Some(reason.as_str()),
            DeliveryOutcome::Dropped { reason, .. } => Some(reason.as_str()),
        }
    }

    pub fn transmissions(&self) -> u32 {
        match self {
            DeliveryOutcome::Acked { transmissions, .. }
            | DeliveryOutcome::Failed { transmissions, .. }
            | DeliveryOutcome::Dropped { transmissions, .. } => *transmissions,
        }
    }
}

impl fmt::Display for DeliveryOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeliveryOutcome::Acked { transmissions, .. } => {
                write!(f, "acked after {transmissions} transmission(s)")
            }
            DeliveryOutcome::Failed {
                transmissions,
                reason,
                ..
            } => write!(f, "failed after {transmissions} transmission(s): {reason}"),
            DeliveryOutcome::Dropped { reason, .. } => match reason {
                DropReason::QueueOverflow => write!(f, "dropped: the outbox overflowed"),
            },
        }
    }
}

/// Why a received frame was not accepted. The frame is not acked (as the reference does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RejectReason {
    Decode(DecodeError),
    SystemIdMismatch {
        got: String,
    },
    /// A valid type that a unit does not receive (§1.5 step 2).
    UnsupportedType(MessageType),
}

impl fmt::Display for RejectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RejectReason::Decode(e) => write!(f, "{e}"),
            RejectReason::SystemIdMismatch { got } => {
                write!(f, "header.systemId: \"{got}\" is not this unit's system ID")
            }
            RejectReason::UnsupportedType(t) => {
                write!(f, "data.messageType: a unit does not receive \"{t}\"")
            }
        }
    }
}

/// Something the caller of the session should know about.
#[derive(Debug, Clone, PartialEq)]
pub enum SessionEvent {
    /// A message's final outcome.
    Delivery {
        id: MessageId,
        message_type: MessageType,
        outcome: DeliveryOutcome,
    },
    /// A valid cloud message, already acked (queued for sending), delivered once.
    Received(Box<Envelope>),
    /// The response correlated with a request (`correlationId`), acked too.
    Response {
        request: MessageId,
        envelope: Box<Envelope>,
    },
    /// A request failed: timed out, or its message could not be delivered.
    RequestFailed {
        request: MessageId,
        reason: FailReason,
    },
    /// A frame with a `txn` seen recently: acked again, not delivered again.
    Duplicate { txn: String },
    /// A frame that was dropped without an ack.
    Rejected(RejectReason),
    /// An ack or nack for a `txn` the session does not hold (ignored, §3.2, §9.3).
    UnknownTxn {
        message_type: MessageType,
        txn: String,
    },
}
