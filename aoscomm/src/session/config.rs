//! Session settings.

use std::time::Duration;

/// What `submit` does when the outbox is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OverflowPolicy {
    /// Refuse the new message (`SubmitError::QueueFull`); nothing already queued is touched.
    #[default]
    RejectNew,
    /// Evict the oldest non-important message (its outcome is `Dropped`), then queue the new
    /// one. If every held message is important, the new one is refused.
    DropOldestNonImportant,
}

/// Settings of a [`Session`](super::Session). `Default` gives the reference's values plus ours.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// The unit's system ID: written in every header, and incoming frames must carry it.
    pub system_id: String,
    /// Ack wait before a resend, and the default request timeout (`cloudResponseWaitTimeout`,
    /// default 10 s).
    pub response_timeout: Duration,
    /// Resends after the response timeout (3: four transmissions in all, §5.2).
    pub max_resends: u32,
    /// Resends caused by nacks; the reference has no limit (§9.4). Default 16.
    pub max_nack_resends: u32,
    /// Most messages held (queued or awaiting an ack), our acks not counted. Default 4096.
    pub queue_max_messages: usize,
    /// Most encoded bytes held. Default 64 MiB.
    pub queue_max_bytes: usize,
    pub overflow: OverflowPolicy,
    /// Most messages awaiting an ack at once (the send window). Default 256.
    pub max_in_flight: usize,
    /// How many recent incoming `txn`s are remembered to drop duplicates. Default 4096.
    pub dedupe_window: usize,
    /// Accept every message type, not only the 13 a unit receives (for a cloud-side peer).
    pub accept_all_types: bool,
}

impl SessionConfig {
    pub fn new(system_id: impl Into<String>) -> Self {
        SessionConfig {
            system_id: system_id.into(),
            ..SessionConfig::default()
        }
    }
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig {
            system_id: String::new(),
            response_timeout: Duration::from_secs(10),
            max_resends: 3,
            max_nack_resends: 16,
            queue_max_messages: 4096,
            queue_max_bytes: 64 * 1024 * 1024,
            overflow: OverflowPolicy::RejectNew,
            max_in_flight: 256,
            dedupe_window: 4096,
            accept_all_types: false,
        }
    }
}
