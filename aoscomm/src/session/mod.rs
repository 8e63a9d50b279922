//! The session engine, sans-IO (like rustls or quinn-proto): it owns the outbox, `txn`
//! generation, acks, resends, nacks, request correlation, duplicate detection and the
//! reconnect schedule, and takes events and the time instead of sockets and timers. The client
//! drives it over the real transport; tests drive it with a fake clock.

mod config;
mod engine;
mod outcome;
mod reconnect;

pub use config::{OverflowPolicy, SessionConfig};
pub use engine::{FrameVerdict, Session, SubmitError, SubmitOptions, Transmit};
pub use outcome::{DeliveryOutcome, DropReason, FailReason, MessageId, RejectReason, SessionEvent};
pub use reconnect::{ConnectStep, ReconnectConfig, ReconnectSchedule};
