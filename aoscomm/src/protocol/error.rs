//! Decode and encode errors: every decode error names the JSON path and the rule it broke.

use std::fmt;

/// What rule a decoded document broke. `Display` gives the rule as one short phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The bytes are not one valid JSON document (syntax, UTF-8, nesting depth, number range).
    Syntax(String),
    /// The input is larger than the decoder accepts.
    InputTooLarge {
        limit: usize,
        got: usize,
    },
    /// A required key is absent (or `null`).
    MissingKey(&'static str),
    /// Two keys of one object are equal when compared case-insensitively.
    DuplicateKey(String),
    /// The value has the wrong JSON type.
    WrongType {
        expected: &'static str,
        found: &'static str,
    },
    /// An integer out of the field's range, a fraction where an integer is needed, etc.
    InvalidNumber {
        expected: &'static str,
        got: String,
    },
    /// A string longer than the field's limit (bytes).
    TooLong {
        max: usize,
        got: usize,
    },
    /// An array with more elements than the field's limit.
    TooMany {
        max: usize,
        got: usize,
    },
    /// A string that is not one of the enum's values.
    InvalidEnum {
        enum_name: &'static str,
        value: String,
        allowed: &'static [&'static str],
    },
    /// `data.messageType` is not one of the 26 v7 types.
    UnknownMessageType(String),
    /// `header.version` is not 7.
    VersionMismatch(String),
    InvalidHex(String),
    InvalidBase64(String),
    InvalidTimestamp(String),
    InvalidDuration(String),
    /// Any other value rule (the text says which).
    Invalid(String),
}

impl fmt::Display for DecodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use DecodeErrorKind::*;
        match self {
            Syntax(m) => write!(f, "{m}"),
            InputTooLarge { limit, got } => {
                write!(f, "input of {got} bytes exceeds the {limit}-byte limit")
            }
            MissingKey(k) => write!(f, "missing key \"{k}\""),
            DuplicateKey(k) => write!(
                f,
                "duplicate key \"{k}\" (keys are matched case-insensitively)"
            ),
            WrongType { expected, found } => write!(f, "expected {expected}, found {found}"),
            InvalidNumber { expected, got } => write!(f, "expected {expected}, got {got}"),
            TooLong { max, got } => write!(f, "exceeds {max} bytes (got {got})"),
            TooMany { max, got } => write!(f, "more than {max} elements (got {got})"),
            InvalidEnum {
                enum_name,
                value,
                allowed,
            } => write!(
                f,
                "\"{value}\" is not a {enum_name} (one of {})",
                allowed.join(", ")
            ),
            UnknownMessageType(t) => write!(f, "unknown messageType \"{t}\""),
            VersionMismatch(v) => write!(f, "expected 7, got {v}"),
            InvalidHex(m) => write!(f, "invalid hex: {m}"),
            InvalidBase64(m) => write!(f, "invalid base64: {m}"),
            InvalidTimestamp(m) => write!(f, "invalid timestamp: {m}"),
            InvalidDuration(m) => write!(f, "invalid duration: {m}"),
            Invalid(m) => write!(f, "{m}"),
        }
    }
}

/// A document that does not decode. `Display` is `<path>: <rule>`, e.g.
/// `data.nodes[1].identity: missing key "codename"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    path: String,
    kind: DecodeErrorKind,
}

impl DecodeError {
    pub(crate) fn new(path: impl Into<String>, kind: DecodeErrorKind) -> Self {
        DecodeError {
            path: path.into(),
            kind,
        }
    }

    /// The JSON path of the offending value (`data.items[0].node.codename`), or `json` for syntax
    /// and size errors.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The rule that was broken.
    pub fn kind(&self) -> &DecodeErrorKind {
        &self.kind
    }

    /// The rule as text (`missing key "codename"`).
    pub fn reason(&self) -> String {
        self.kind.to_string()
    }

    /// True when the document is fine JSON but its `messageType` is not a v7 type.
    pub fn is_unknown_message_type(&self) -> bool {
        matches!(self.kind, DecodeErrorKind::UnknownMessageType(_))
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.kind)
    }
}

impl std::error::Error for DecodeError {}

/// A typed value that cannot be written as JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    /// JSON has no representation for NaN or infinity.
    #[error("{key}: non-finite number {value} cannot be encoded as JSON")]
    NonFinite { key: String, value: String },
}
