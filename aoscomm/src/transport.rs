//! The transport error type shared by [`crate::discovery`] and [`crate::ws`], and the mapping of
//! rustls errors and TLS alerts to it.
//!
//! Under TLS 1.3 the server checks the client certificate after the client has finished its side
//! of the handshake, so a rejection (alert) reaches the client only on its first read: during the
//! WebSocket upgrade or while reading the discovery answer. Both paths map that alert to the same
//! typed errors as a rejection during the handshake.

use std::error::Error as StdError;
use std::fmt;
use std::io;

use rustls::{AlertDescription, CertificateError};

use crate::protocol::DecodeError;

/// Which step of a connection failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// TCP connect.
    Tcp,
    /// TLS handshake.
    Tls,
    /// WebSocket upgrade (HTTP request and response).
    Upgrade,
    /// The discovery HTTP exchange.
    Discovery,
    /// Sending a frame.
    Send,
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Phase::Tcp => "TCP connect",
            Phase::Tls => "TLS handshake",
            Phase::Upgrade => "WebSocket upgrade",
            Phase::Discovery => "discovery request",
            Phase::Send => "send",
        })
    }
}

/// Why a discovery call or a WebSocket connection failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The server demands a client certificate and none is configured (or the server says one
    /// is required).
    #[error("the server requires a client certificate and none was sent")]
    NoClientCertificate,
    /// The server rejected our client certificate (unknown CA, expired, wrong key usage, ...).
    #[error("the server rejected the client certificate (TLS alert {alert})")]
    ClientCertificateRejected { alert: String },
    /// The server certificate does not chain to our CA or is otherwise invalid.
    #[error("the server certificate is not trusted: {reason}")]
    UntrustedServer { reason: String },
    /// The server certificate is not valid for the name we connected to.
    #[error("the server certificate is not valid for {name:?}")]
    HostnameMismatch { name: String },
    /// The server answered with a non-success HTTP status.
    #[error("{phase}: HTTP status {status}")]
    HttpStatus { status: u16, phase: Phase },
    /// A step did not finish in time.
    #[error("timeout during {phase}")]
    Timeout { phase: Phase },
    /// TCP connect failed.
    #[error("cannot connect to {addr}: {source}")]
    Connect {
        addr: String,
        #[source]
        source: io::Error,
    },
    /// The URL cannot be used.
    #[error("invalid URL {url:?}: {reason}")]
    InvalidUrl { url: String, reason: String },
    /// The discovery answer body is not a valid discovery response.
    #[error("invalid discovery response: {0}")]
    Discovery(#[source] DecodeError),
    /// Any other HTTP failure of the discovery exchange (malformed answer, connection lost, ...).
    #[error("HTTP: {0}")]
    Http(String),
    /// Any other WebSocket failure (protocol error, connection closed, message too large, ...).
    #[error("WebSocket: {0}")]
    WebSocket(String),
    /// Any other TLS failure.
    #[error("TLS: {0}")]
    Tls(String),
}

impl TransportError {
    /// A stable, machine-readable classification (`snake_case`), for bindings and logs.
    pub fn kind(&self) -> &'static str {
        match self {
            TransportError::NoClientCertificate => "no_client_certificate",
            TransportError::ClientCertificateRejected { .. } => "client_certificate_rejected",
            TransportError::UntrustedServer { .. } => "untrusted_server",
            TransportError::HostnameMismatch { .. } => "hostname_mismatch",
            TransportError::HttpStatus { .. } => "http_status",
            TransportError::Timeout { .. } => "timeout",
            TransportError::Connect { .. } => "connect",
            TransportError::InvalidUrl { .. } => "invalid_url",
            TransportError::Discovery(_) => "discovery_body",
            TransportError::Http(_) => "http",
            TransportError::WebSocket(_) => "websocket",
            TransportError::Tls(_) => "tls",
        }
    }

    /// True for HTTP 401 (the session clears its discovery cache on it, §4.4).
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, TransportError::HttpStatus { status: 401, .. })
    }

    /// True for the certificate errors (ours or the server's): retrying will not help until the
    /// configuration changes.
    pub fn is_certificate_error(&self) -> bool {
        matches!(
            self,
            TransportError::NoClientCertificate
                | TransportError::ClientCertificateRejected { .. }
                | TransportError::UntrustedServer { .. }
                | TransportError::HostnameMismatch { .. }
        )
    }
}

/// What the mapping needs to know about our side.
#[derive(Debug, Clone)]
pub(crate) struct TlsContext {
    /// We have a client certificate configured.
    pub has_client_cert: bool,
    /// The name the server certificate is verified against.
    pub server_name: String,
}

/// Maps a rustls error to the typed error.
pub(crate) fn from_rustls(e: &rustls::Error, ctx: &TlsContext) -> TransportError {
    use rustls::Error as E;
    match e {
        E::InvalidCertificate(CertificateError::NotValidForName)
        | E::InvalidCertificate(CertificateError::NotValidForNameContext { .. }) => {
            TransportError::HostnameMismatch {
                name: ctx.server_name.clone(),
            }
        }
        E::InvalidCertificate(c) => TransportError::UntrustedServer {
            reason: format!("{c:?}"),
        },
        E::NoCertificatesPresented => TransportError::UntrustedServer {
            reason: "the server presented no certificate".to_string(),
        },
        E::AlertReceived(AlertDescription::CertificateRequired) => {
            TransportError::NoClientCertificate
        }
        E::AlertReceived(a) if is_client_cert_alert(*a) => {
            if ctx.has_client_cert {
                TransportError::ClientCertificateRejected {
                    alert: format!("{a:?}"),
                }
            } else {
                TransportError::NoClientCertificate
            }
        }
        // TLS 1.2 servers answer a missing certificate with handshake_failure.
        E::AlertReceived(AlertDescription::HandshakeFailure) if !ctx.has_client_cert => {
            TransportError::NoClientCertificate
        }
        other => TransportError::Tls(other.to_string()),
    }
}

fn is_client_cert_alert(a: AlertDescription) -> bool {
    matches!(
        a,
        AlertDescription::BadCertificate
            | AlertDescription::UnsupportedCertificate
            | AlertDescription::CertificateRevoked
            | AlertDescription::CertificateExpired
            | AlertDescription::CertificateUnknown
            | AlertDescription::UnknownCA
            | AlertDescription::AccessDenied
    )
}

/// Finds a rustls error anywhere in an error's source chain (through `io::Error` wrappers).
pub(crate) fn find_rustls<'a>(err: &'a (dyn StdError + 'static)) -> Option<&'a rustls::Error> {
    let mut cur: Option<&'a (dyn StdError + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(r) = e.downcast_ref::<rustls::Error>() {
            return Some(r);
        }
        if let Some(io) = e.downcast_ref::<io::Error>() {
            if let Some(inner) = io.get_ref() {
                if let Some(r) = find_rustls(inner) {
                    return Some(r);
                }
            }
        }
        cur = e.source();
    }
    None
}

/// The typed error for a failure anywhere during a connection, if it was caused by TLS.
pub(crate) fn tls_cause(
    err: &(dyn StdError + 'static),
    ctx: &TlsContext,
) -> Option<TransportError> {
    find_rustls(err).map(|r| from_rustls(r, ctx))
}
