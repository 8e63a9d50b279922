//! URL parsing and the TCP (+ TLS) connection shared by discovery and the WebSocket.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use rustls::pki_types::ServerName;
use rustls::ClientConfig;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use crate::transport::{tls_cause, Phase, TlsContext, TransportError};

/// A parsed `http`/`https`/`ws`/`wss` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `https` and `wss` use TLS (§4.2, §4.4); `http` and `ws` are plain.
    pub tls: bool,
    /// Host without IPv6 brackets.
    pub host: String,
    pub port: u16,
    /// Path and query, `/` when the URL has none.
    pub path_and_query: String,
    /// `host:port` as it appears in a `Host` header.
    pub authority: String,
}

impl Endpoint {
    /// Parses `url`. Default ports: 443 for `https`/`wss`, 80 for `http`/`ws`.
    pub fn parse(url: &str) -> Result<Endpoint, TransportError> {
        let bad = |reason: &str| TransportError::InvalidUrl {
            url: url.to_string(),
            reason: reason.to_string(),
        };
        let uri: http::Uri = url
            .parse()
            .map_err(|e: http::uri::InvalidUri| bad(&e.to_string()))?;
        let tls = match uri.scheme_str().map(str::to_ascii_lowercase).as_deref() {
            Some("https") | Some("wss") => true,
            Some("http") | Some("ws") => false,
            Some(other) => return Err(bad(&format!("unsupported scheme {other:?}"))),
            None => return Err(bad("no scheme")),
        };
        let authority = uri.authority().ok_or_else(|| bad("no host"))?;
        if authority.as_str().contains('@') {
            return Err(bad("user information is not supported"));
        }
        let host = authority
            .host()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        if host.is_empty() {
            return Err(bad("empty host"));
        }
        let port = authority.port_u16().unwrap_or(if tls { 443 } else { 80 });
        let path_and_query = match uri.path_and_query().map(|p| p.as_str()) {
            None | Some("") => "/".to_string(),
            Some(p) => p.to_string(),
        };
        Ok(Endpoint {
            tls,
            host,
            port,
            path_and_query,
            authority: authority.as_str().to_string(),
        })
    }
}

/// A TCP stream, with or without TLS.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum MaybeTlsStream {
    Plain(TcpStream),
    Tls(TlsStream<TcpStream>),
}

impl AsyncRead for MaybeTlsStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            MaybeTlsStream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            MaybeTlsStream::Tls(s) => Pin::new(s).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for MaybeTlsStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            MaybeTlsStream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            MaybeTlsStream::Tls(s) => Pin::new(s).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            MaybeTlsStream::Plain(s) => Pin::new(s).poll_flush(cx),
            MaybeTlsStream::Tls(s) => Pin::new(s).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            MaybeTlsStream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            MaybeTlsStream::Tls(s) => Pin::new(s).poll_shutdown(cx),
        }
    }
}

/// How to open the connection.
#[derive(Debug, Clone)]
pub(crate) struct ConnectParams<'a> {
    pub tls: Arc<ClientConfig>,
    /// Verify the server certificate against this name instead of the URL host.
    pub server_name: Option<&'a str>,
    /// Connect here instead of the URL's host:port (a test proxy, a fixed address).
    pub connect_addr: Option<SocketAddr>,
    pub connect_timeout: Duration,
    pub tls_timeout: Duration,
}

/// Opens TCP (and TLS when the endpoint says so). Returns the stream and what the error mapping
/// of later reads needs.
pub(crate) async fn open(
    ep: &Endpoint,
    p: &ConnectParams<'_>,
) -> Result<(MaybeTlsStream, TlsContext), TransportError> {
    let addr_text = match p.connect_addr {
        Some(a) => a.to_string(),
        None => format!("{}:{}", ep.authority_host(), ep.port),
    };
    let connect = async {
        match p.connect_addr {
            Some(a) => TcpStream::connect(a).await,
            None => TcpStream::connect((ep.host.as_str(), ep.port)).await,
        }
    };
    let tcp = tokio::time::timeout(p.connect_timeout, connect)
        .await
        .map_err(|_| TransportError::Timeout { phase: Phase::Tcp })?
        .map_err(|source| TransportError::Connect {
            addr: addr_text,
            source,
        })?;
    // Small JSON frames: do not wait for Nagle.
    let _ = tcp.set_nodelay(true);
    let name = p.server_name.unwrap_or(&ep.host).to_string();
    let ctx = TlsContext {
        has_client_cert: p.tls.client_auth_cert_resolver.has_certs(),
        server_name: name.clone(),
    };
    if !ep.tls {
        return Ok((MaybeTlsStream::Plain(tcp), ctx));
    }
    let server_name =
        ServerName::try_from(name.clone()).map_err(|e| TransportError::InvalidUrl {
            url: name.clone(),
            reason: format!("not a valid TLS server name: {e}"),
        })?;
    let connector = TlsConnector::from(p.tls.clone());
    let tls = tokio::time::timeout(p.tls_timeout, connector.connect(server_name, tcp))
        .await
        .map_err(|_| TransportError::Timeout { phase: Phase::Tls })?
        .map_err(|e| {
            tls_cause(&e, &ctx)
                .unwrap_or_else(|| TransportError::Tls(format!("handshake with {name}: {e}")))
        })?;
    Ok((MaybeTlsStream::Tls(tls), ctx))
}

impl Endpoint {
    /// The host as written in an address (IPv6 in brackets).
    pub fn authority_host(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_schemes_ports_and_paths() {
        let e = Endpoint::parse("wss://example.com/ws/v7?x=1").expect("url");
        assert!(e.tls);
        assert_eq!((e.host.as_str(), e.port), ("example.com", 443));
        assert_eq!(e.path_and_query, "/ws/v7?x=1");
        let e = Endpoint::parse("ws://127.0.0.1:9000").expect("url");
        assert!(!e.tls);
        assert_eq!((e.port, e.path_and_query.as_str()), (9000, "/"));
        let e = Endpoint::parse("HTTPS://[::1]:8443/sd").expect("url");
        assert!(e.tls);
        assert_eq!((e.host.as_str(), e.port), ("::1", 8443));
        assert_eq!(e.authority_host(), "[::1]");
        let e = Endpoint::parse("http://h").expect("url");
        assert_eq!(e.port, 80);
        for bad in [
            "not a valid URL",
            "ftp://h/",
            "//h/x",
            "https://",
            "https://u@h/",
        ] {
            assert!(
                matches!(Endpoint::parse(bad), Err(TransportError::InvalidUrl { .. })),
                "{bad}"
            );
        }
    }
}
