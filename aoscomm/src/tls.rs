//! TLS settings for the unit: CA bundle, client certificate chain and key, and the rustls
//! `ClientConfig` built from them (ring provider only).
//!
//! * The CA bundle is every `CERTIFICATE` in the PEM. There is no built-in root store: without a
//!   CA, [`TlsSettings::client_config`] fails with [`TlsError::NoCa`].
//! * The client key may be PKCS#1 (`RSA PRIVATE KEY`), PKCS#8 (`PRIVATE KEY`) or SEC1
//!   (`EC PRIVATE KEY`), or a custom [`SigningKey`] (an HSM signer) through [`ClientKey::Signer`].
//! * The key must match the certificate (rustls `CertifiedKey::keys_match`); a signer that cannot
//!   tell its public key is accepted.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::ResolvesClientCert;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::sign::{CertifiedKey, SigningKey, SingleCertAndKey};
use rustls::{ClientConfig, RootCertStore};

/// Where PEM text comes from.
#[derive(Clone, PartialEq, Eq)]
pub enum PemSource {
    /// A file, read when the config is built.
    Path(PathBuf),
    /// PEM text in memory.
    Pem(Vec<u8>),
}

impl PemSource {
    /// A file path.
    pub fn path(p: impl Into<PathBuf>) -> Self {
        PemSource::Path(p.into())
    }

    /// PEM text.
    pub fn pem(bytes: impl Into<Vec<u8>>) -> Self {
        PemSource::Pem(bytes.into())
    }

    /// What error messages call this source.
    pub fn describe(&self) -> String {
        match self {
            PemSource::Path(p) => format!("file {}", p.display()),
            PemSource::Pem(_) => "in-memory PEM".to_string(),
        }
    }

    /// Reads the PEM text.
    pub fn read(&self) -> Result<Vec<u8>, TlsError> {
        match self {
            PemSource::Pem(b) => Ok(b.clone()),
            PemSource::Path(p) => std::fs::read(p).map_err(|e| TlsError::Unreadable {
                path: p.clone(),
                reason: e.to_string(),
            }),
        }
    }
}

impl fmt::Debug for PemSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PemSource::Path(p) => f.debug_tuple("Path").field(p).finish(),
            PemSource::Pem(b) => write!(f, "Pem({} bytes)", b.len()),
        }
    }
}

impl From<&str> for PemSource {
    /// A file path.
    fn from(p: &str) -> Self {
        PemSource::Path(PathBuf::from(p))
    }
}

impl From<PathBuf> for PemSource {
    fn from(p: PathBuf) -> Self {
        PemSource::Path(p)
    }
}

impl From<&Path> for PemSource {
    fn from(p: &Path) -> Self {
        PemSource::Path(p.to_path_buf())
    }
}

impl From<Vec<u8>> for PemSource {
    /// PEM text.
    fn from(b: Vec<u8>) -> Self {
        PemSource::Pem(b)
    }
}

/// The client's private key: PEM, or a custom signer (e.g. an HSM).
#[derive(Clone)]
pub enum ClientKey {
    Pem(PemSource),
    Signer(Arc<dyn SigningKey>),
}

impl fmt::Debug for ClientKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientKey::Pem(s) => f.debug_tuple("Pem").field(s).finish(),
            ClientKey::Signer(k) => write!(f, "Signer({:?})", k.algorithm()),
        }
    }
}

impl<T: Into<PemSource>> From<T> for ClientKey {
    fn from(s: T) -> Self {
        ClientKey::Pem(s.into())
    }
}

/// Why a TLS configuration could not be built.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TlsError {
    #[error("cannot read {}: {reason}", path.display())]
    Unreadable { path: PathBuf, reason: String },
    #[error("no CA configured: a CA bundle is required (there is no built-in root store)")]
    NoCa,
    #[error("{what} ({source_name}): invalid PEM: {reason}")]
    BadPem {
        what: &'static str,
        source_name: String,
        reason: String,
    },
    #[error("{what} ({source_name}): no certificate in PEM")]
    NoCertificate {
        what: &'static str,
        source_name: String,
    },
    #[error("client key ({source_name}): no private key (PKCS#1, PKCS#8 or SEC1) in PEM")]
    NoKey { source_name: String },
    #[error("CA bundle ({source_name}): certificate {index} rejected: {reason}")]
    BadCaCertificate {
        source_name: String,
        index: usize,
        reason: String,
    },
    #[error("client key ({source_name}): unsupported or invalid key: {reason}")]
    BadKey { source_name: String, reason: String },
    #[error("client key does not match the client certificate")]
    KeyMismatch,
    #[error("client certificate configured without a key")]
    CertificateWithoutKey,
    #[error("client key configured without a certificate")]
    KeyWithoutCertificate,
    #[error("invalid server name override {name:?}")]
    InvalidServerName { name: String },
    #[error("TLS configuration: {0}")]
    Config(String),
}

/// The unit's TLS settings.
#[derive(Debug, Clone, Default)]
pub struct TlsSettings {
    /// CA bundle the server must chain to (all certificates in the PEM).
    pub ca: Option<PemSource>,
    /// Client certificate chain (leaf first).
    pub client_cert: Option<PemSource>,
    /// Key of the client certificate.
    pub client_key: Option<ClientKey>,
    /// Name to verify the server certificate against (and send as SNI) instead of the URL's host.
    /// Used by [`crate::ws::connect`] and [`crate::discovery::discover`] through
    /// [`TlsSettings::server_name_override`].
    pub server_name: Option<String>,
}

impl TlsSettings {
    /// The ring crypto provider every config of this crate uses.
    pub fn provider() -> Arc<CryptoProvider> {
        Arc::new(rustls::crypto::ring::default_provider())
    }

    /// Builds the rustls client config (TLS 1.2 and 1.3, ring provider).
    pub fn client_config(&self) -> Result<Arc<ClientConfig>, TlsError> {
        let ca = self.ca.as_ref().ok_or(TlsError::NoCa)?;
        let roots = load_roots(ca)?;
        let provider = Self::provider();
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsError::Config(e.to_string()))?
            .with_root_certificates(roots);
        let config = match (&self.client_cert, &self.client_key) {
            (None, None) => builder.with_no_client_auth(),
            (Some(_), None) => return Err(TlsError::CertificateWithoutKey),
            (None, Some(_)) => return Err(TlsError::KeyWithoutCertificate),
            (Some(cert), Some(key)) => {
                let chain = load_certs(cert, "client certificate")?;
                let signer = match key {
                    ClientKey::Signer(s) => s.clone(),
                    ClientKey::Pem(src) => {
                        let der = load_key(src)?;
                        provider.key_provider.load_private_key(der).map_err(|e| {
                            TlsError::BadKey {
                                source_name: src.describe(),
                                reason: e.to_string(),
                            }
                        })?
                    }
                };
                builder.with_client_cert_resolver(certified_resolver(chain, signer)?)
            }
        };
        Ok(Arc::new(config))
    }

    /// The server name override, validated.
    pub fn server_name_override(&self) -> Result<Option<String>, TlsError> {
        match &self.server_name {
            None => Ok(None),
            Some(n) => rustls::pki_types::ServerName::try_from(n.as_str())
                .map(|_| Some(n.clone()))
                .map_err(|_| TlsError::InvalidServerName { name: n.clone() }),
        }
    }
}

fn certified_resolver(
    chain: Vec<CertificateDer<'static>>,
    signer: Arc<dyn SigningKey>,
) -> Result<Arc<dyn ResolvesClientCert>, TlsError> {
    let ck = CertifiedKey::new(chain, signer);
    match ck.keys_match() {
        Ok(()) | Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::Unknown)) => {}
        Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::KeyMismatch)) => {
            return Err(TlsError::KeyMismatch)
        }
        Err(e) => {
            return Err(TlsError::BadPem {
                what: "client certificate",
                source_name: "leaf certificate".to_string(),
                reason: e.to_string(),
            })
        }
    }
    Ok(Arc::new(SingleCertAndKey::from(ck)))
}

/// Every certificate in `src` (at least one).
pub fn load_certs(
    src: &PemSource,
    what: &'static str,
) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let pem = src.read()?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError::BadPem {
            what,
            source_name: src.describe(),
            reason: e.to_string(),
        })?;
    if certs.is_empty() {
        return Err(TlsError::NoCertificate {
            what,
            source_name: src.describe(),
        });
    }
    Ok(certs)
}

/// The first private key in `src` (PKCS#1, PKCS#8 or SEC1).
pub fn load_key(src: &PemSource) -> Result<PrivateKeyDer<'static>, TlsError> {
    let pem = src.read()?;
    PrivateKeyDer::from_pem_slice(&pem).map_err(|e| match e {
        rustls::pki_types::pem::Error::NoItemsFound => TlsError::NoKey {
            source_name: src.describe(),
        },
        e => TlsError::BadPem {
            what: "client key",
            source_name: src.describe(),
            reason: e.to_string(),
        },
    })
}

/// A root store with every certificate of `src`.
pub fn load_roots(src: &PemSource) -> Result<RootCertStore, TlsError> {
    let mut roots = RootCertStore::empty();
    for (index, cert) in load_certs(src, "CA bundle")?.into_iter().enumerate() {
        roots.add(cert).map_err(|e| TlsError::BadCaCertificate {
            source_name: src.describe(),
            index,
            reason: e.to_string(),
        })?;
    }
    Ok(roots)
}
