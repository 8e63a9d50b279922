//! The mock's TLS side: a server config that requires a client certificate from the test CA,
//! and an accept that closes politely on failure (so the client reads our alert, not a reset).

use std::sync::Arc;
use std::time::Duration;

use rustls::server::WebPkiClientVerifier;
use rustls::ServerConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

use super::state::Shared;
use super::CloudError;
use crate::tls::{load_certs, load_key, PemSource, TlsSettings};

/// Server config: `server_cert`/`server_key` PEM, client certificates verified against
/// `client_roots` (all certificates in each PEM).
pub(crate) fn server_config(
    server_cert: &str,
    server_key: &str,
    client_roots: &[Vec<u8>],
    require_client_cert: bool,
) -> Result<Arc<ServerConfig>, CloudError> {
    let provider = TlsSettings::provider();
    let mut roots = rustls::RootCertStore::empty();
    for pem in client_roots {
        let src = PemSource::Pem(pem.clone());
        for c in load_certs(&src, "client CA")? {
            roots
                .add(c)
                .map_err(|e| CloudError::Tls(format!("client CA: {e}")))?;
        }
    }
    let builder = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone());
    let builder = if require_client_cert {
        builder
    } else {
        builder.allow_unauthenticated()
    };
    let verifier = builder
        .build()
        .map_err(|e| CloudError::Tls(format!("client verifier: {e}")))?;
    let chain = load_certs(
        &PemSource::pem(server_cert.as_bytes()),
        "server certificate",
    )?;
    let key = load_key(&PemSource::pem(server_key.as_bytes()))?;
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| CloudError::Tls(e.to_string()))?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .map_err(|e| CloudError::Tls(format!("server certificate: {e}")))?;
    Ok(Arc::new(config))
}

/// TLS-accepts `tcp`. On failure records why, sends FIN and drains the socket for a moment
/// (a close with unread data would reset the connection and could discard our alert).
pub(crate) async fn accept(
    shared: &Shared,
    acceptor: &TlsAcceptor,
    tcp: TcpStream,
    endpoint: &str,
) -> Option<TlsStream<TcpStream>> {
    let accept = acceptor.accept(tcp).into_fallible();
    match tokio::time::timeout(Duration::from_secs(10), accept).await {
        Ok(Ok(s)) => Some(s),
        Ok(Err((e, mut tcp))) => {
            tracing::debug!(endpoint, error = %e, "mock cloud: TLS handshake failed");
            shared.update(|i| i.state.tls_failures.push(format!("{endpoint}: {e}")));
            let _ = tcp.shutdown().await;
            let mut buf = [0u8; 4096];
            let drain = async {
                while let Ok(n) = tcp.read(&mut buf).await {
                    if n == 0 {
                        break;
                    }
                }
            };
            let _ = tokio::time::timeout(Duration::from_secs(2), drain).await;
            None
        }
        Err(_) => {
            shared.update(|i| {
                i.state
                    .tls_failures
                    .push(format!("{endpoint}: handshake timeout"))
            });
            None
        }
    }
}
