//! The one error type of the uniffi API.

use aoscomm::client::{ClientError, RequestError, SendError};
use aoscomm::protocol::DecodeError;
use aoscomm::session::{FailReason, SubmitError};

/// Everything the API reports. Each variant's text says what happened; `Decode` names the
/// field (`path`) and the rule (`reason`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum AoscommError {
    /// A frame or `data` object breaks a protocol rule; nothing was queued.
    #[error("{path}: {reason}")]
    Decode { path: String, reason: String },
    /// A setting is invalid, or a file cannot be read.
    #[error("configuration: {detail}")]
    Config { detail: String },
    /// The message was refused (not started, too large, ack/nack given to send).
    #[error("send refused: {detail}")]
    Send { detail: String },
    /// The outbox is at its bound.
    #[error("queue full: {detail}")]
    QueueFull { detail: String },
    /// The client (or mock cloud) is closed.
    #[error("closed")]
    Closed,
    /// A wait ran out of time.
    #[error("timed out: {detail}")]
    Timeout { detail: String },
    /// A request ended without its response (`no_ack`, `nack_limit`, `cancelled`).
    #[error("request failed: {reason}")]
    RequestFailed { reason: String },
    /// Connecting failed; `kind` is the transport's classification (`untrusted_server`,
    /// `http_status`, `connect`, ...).
    #[error("connection failed ({kind}): {detail}")]
    Connection { kind: String, detail: String },
    /// The mock cloud could not do what was asked.
    #[error("mock cloud: {detail}")]
    MockCloud { detail: String },
}

impl From<DecodeError> for AoscommError {
    fn from(e: DecodeError) -> Self {
        AoscommError::Decode {
            path: e.path().to_string(),
            reason: e.reason(),
        }
    }
}

impl From<ClientError> for AoscommError {
    fn from(e: ClientError) -> Self {
        match e {
            ClientError::Closed => AoscommError::Closed,
            other => AoscommError::Config {
                detail: other.to_string(),
            },
        }
    }
}

impl From<SubmitError> for AoscommError {
    fn from(e: SubmitError) -> Self {
        match e {
            SubmitError::Closed => AoscommError::Closed,
            SubmitError::QueueFull { .. } => AoscommError::QueueFull {
                detail: e.to_string(),
            },
            other => AoscommError::Send {
                detail: other.to_string(),
            },
        }
    }
}

impl From<SendError> for AoscommError {
    fn from(e: SendError) -> Self {
        match e {
            SendError::Invalid(d) => d.into(),
            SendError::Submit(s) => s.into(),
        }
    }
}

impl From<RequestError> for AoscommError {
    fn from(e: RequestError) -> Self {
        match e {
            RequestError::Submit(s) => s.into(),
            RequestError::Invalid(d) => d.into(),
            RequestError::Failed(FailReason::RequestTimedOut) | RequestError::WaitTimedOut => {
                AoscommError::Timeout {
                    detail: FailReason::RequestTimedOut.to_string(),
                }
            }
            RequestError::Failed(FailReason::Closed) => AoscommError::Closed,
            RequestError::Failed(r) => AoscommError::RequestFailed {
                reason: r.as_str().to_string(),
            },
        }
    }
}
