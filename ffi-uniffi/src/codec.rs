//! The codec: any message to and from JSON text, with typed errors.

use aoscomm::protocol::{Data, Envelope, Header, MessageType, Timestamp};

use crate::error::AoscommError;

/// One frame, decoded: the header fields and the `data` object as canonical JSON text.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Message {
    /// `data.messageType` (`unitStatus`, `ack`, ...).
    pub message_type: String,
    pub txn: String,
    pub system_id: String,
    /// `header.createdAt` as on the wire.
    pub created_at: Option<String>,
    /// `data.correlationId` when present.
    pub correlation_id: Option<String>,
    /// The `data` object, canonical JSON.
    pub data_json: String,
}

impl Message {
    pub fn from_envelope(env: &Envelope) -> Self {
        Message {
            message_type: env.message_type().as_str().to_string(),
            txn: env.header.txn.clone(),
            system_id: env.header.system_id.clone(),
            created_at: env.header.created_at.clone(),
            correlation_id: (!env.data.correlation_id.is_empty())
                .then(|| env.data.correlation_id.clone()),
            data_json: env
                .data
                .encode()
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default(),
        }
    }
}

fn encoded(bytes: Result<Vec<u8>, aoscomm::protocol::EncodeError>) -> Result<String, AoscommError> {
    bytes
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .map_err(|e| AoscommError::Decode {
            path: "message".into(),
            reason: format!("cannot encode: {e}"),
        })
}

/// Decodes one frame (`{"header":...,"data":...}`); the error names the field and the rule.
#[uniffi::export]
pub fn decode(frame_json: String) -> Result<Message, AoscommError> {
    Ok(Message::from_envelope(&Envelope::decode(
        frame_json.as_bytes(),
    )?))
}

/// Validates a bare `data` object and returns its canonical JSON.
#[uniffi::export]
pub fn canonical_data(data_json: String) -> Result<String, AoscommError> {
    encoded(Data::decode(data_json.as_bytes())?.encode())
}

/// Encodes a frame from a `data` object and header fields (`txn`: a fresh UUIDv4 when None;
/// `created_at`: now when None). Returns the canonical frame JSON.
#[uniffi::export]
pub fn encode(
    data_json: String,
    system_id: String,
    txn: Option<String>,
    created_at: Option<String>,
) -> Result<String, AoscommError> {
    let data = Data::decode(data_json.as_bytes())?;
    let env = Envelope {
        header: Header {
            system_id,
            created_at: Some(created_at.unwrap_or_else(|| Timestamp::now().to_string())),
            txn: txn.unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        },
        data,
    };
    encoded(env.encode())
}

/// Every wire message type name.
#[uniffi::export]
pub fn message_types() -> Vec<String> {
    MessageType::ALL
        .iter()
        .map(|t| t.as_str().to_string())
        .collect()
}
