//! The service-discovery exchange (§4): one HTTP/1.1 POST, one answer. Caching, redirects and
//! `errorCode` handling belong to the session/client, not here.
//!
//! HTTP is done by hyper 1 (client `conn::http1`) over our own TCP/TLS stream.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::rt::TokioIo;
use rustls::ClientConfig;

use crate::net::{open, ConnectParams, Endpoint};
use crate::protocol::{JsonObject, ServiceDiscoveryRequest, ServiceDiscoveryResponse};
use crate::transport::{tls_cause, Phase, TransportError};

/// Largest discovery answer accepted (bytes).
pub const MAX_DISCOVERY_BODY: usize = 1024 * 1024;

/// Options of [`discover_with`].
#[derive(Debug, Clone)]
pub struct DiscoveryOptions {
    /// Bound on the whole exchange (connect, TLS, request, answer).
    pub timeout: Duration,
    /// Verify the server certificate against this name instead of the URL host.
    pub server_name: Option<String>,
    /// Connect to this address instead of the URL's host:port.
    pub connect_addr: Option<SocketAddr>,
}

impl Default for DiscoveryOptions {
    fn default() -> Self {
        DiscoveryOptions {
            timeout: Duration::from_secs(30),
            server_name: None,
            connect_addr: None,
        }
    }
}

/// POSTs `request` to `url` and decodes the answer (§4.2–4.3). TLS for `https`/`wss`, plain for
/// `http`/`ws`. Any status but 200 is [`TransportError::HttpStatus`].
pub async fn discover(
    url: &str,
    request: &ServiceDiscoveryRequest,
    tls: Arc<ClientConfig>,
    timeout: Duration,
) -> Result<ServiceDiscoveryResponse, TransportError> {
    let opts = DiscoveryOptions {
        timeout,
        ..DiscoveryOptions::default()
    };
    discover_with(url, request, tls, &opts).await
}

/// [`discover`] with a server-name override and an address override.
pub async fn discover_with(
    url: &str,
    request: &ServiceDiscoveryRequest,
    tls: Arc<ClientConfig>,
    opts: &DiscoveryOptions,
) -> Result<ServiceDiscoveryResponse, TransportError> {
    let ep = Endpoint::parse(url)?;
    let body = request.to_json().map_err(|e| TransportError::InvalidUrl {
        url: url.to_string(),
        reason: format!("cannot encode the discovery request: {e}"),
    })?;
    let deadline = tokio::time::Instant::now() + opts.timeout;
    let exchange = async {
        let params = ConnectParams {
            tls,
            server_name: opts.server_name.as_deref(),
            connect_addr: opts.connect_addr,
            connect_timeout: opts.timeout,
            tls_timeout: opts.timeout,
        };
        let (stream, ctx) = open(&ep, &params).await?;
        let map_http = |what: &str, e: hyper::Error| {
            tls_cause(&e, &ctx)
                .unwrap_or_else(|| TransportError::Http(format!("discovery {what} ({url}): {e}")))
        };
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| map_http("HTTP handshake", e))?;
        let req = http::Request::post(ep.path_and_query.as_str())
            .header(http::header::HOST, ep.authority.as_str())
            .header(http::header::ACCEPT, "application/json")
            .header(http::header::CONTENT_TYPE, "application/json")
            .header(http::header::CONTENT_LENGTH, body.len())
            .header(http::header::CONNECTION, "close")
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| TransportError::InvalidUrl {
                url: url.to_string(),
                reason: e.to_string(),
            })?;
        let request_and_body = async move {
            let resp = sender
                .send_request(req)
                .await
                .map_err(|e| map_http("request", e))?;
            let status = resp.status().as_u16();
            let body = Limited::new(resp.into_body(), MAX_DISCOVERY_BODY)
                .collect()
                .await
                .map_err(|e| match e.downcast::<hyper::Error>() {
                    Ok(he) => map_http("answer body", *he),
                    Err(other) => {
                        TransportError::Http(format!("discovery answer body ({url}): {other}"))
                    }
                })?
                .to_bytes();
            Ok::<_, TransportError>((status, body))
        };
        // The connection task must run while the request is in flight; with `Connection: close`
        // it ends once the answer has been read.
        let (conn_res, answer) = tokio::join!(conn, request_and_body);
        let (status, body) = answer?;
        if let Err(e) = conn_res {
            tracing::debug!(url, error = %e, "discovery connection ended with an error");
        }
        Ok((status, body))
    };
    let (status, body) = tokio::time::timeout_at(deadline, exchange)
        .await
        .map_err(|_| TransportError::Timeout {
            phase: Phase::Discovery,
        })??;
    if status != 200 {
        return Err(TransportError::HttpStatus {
            status,
            phase: Phase::Discovery,
        });
    }
    ServiceDiscoveryResponse::from_json(&body).map_err(TransportError::Discovery)
}

/// The discovery URL of §4.1: scheme, host and port from `override_url` when it is set and
/// non-empty, path and query always from `config_url`.
pub fn discovery_url(
    config_url: &str,
    override_url: Option<&str>,
) -> Result<String, TransportError> {
    let config: http::Uri = parse_uri(config_url)?;
    let path = config
        .path_and_query()
        .map(|p| p.as_str())
        .filter(|p| !p.is_empty())
        .unwrap_or("/");
    let base = match override_url.map(str::trim).filter(|s| !s.is_empty()) {
        Some(o) => parse_uri(o)?,
        None => config.clone(),
    };
    let scheme = base
        .scheme_str()
        .ok_or_else(|| TransportError::InvalidUrl {
            url: base.to_string(),
            reason: "no scheme".to_string(),
        })?;
    let authority = base.authority().ok_or_else(|| TransportError::InvalidUrl {
        url: base.to_string(),
        reason: "no host".to_string(),
    })?;
    let url = format!("{scheme}://{authority}{path}");
    Endpoint::parse(&url)?;
    Ok(url)
}

fn parse_uri(url: &str) -> Result<http::Uri, TransportError> {
    url.parse()
        .map_err(|e: http::uri::InvalidUri| TransportError::InvalidUrl {
            url: url.to_string(),
            reason: e.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovery_url_takes_host_from_override_and_path_from_config() {
        let cfg = "https://aoscloud.io:9000/sd/v7/?a=b";
        assert_eq!(discovery_url(cfg, None).expect("url"), cfg);
        assert_eq!(discovery_url(cfg, Some("")).expect("url"), cfg);
        assert_eq!(
            discovery_url(cfg, Some("https://127.0.0.1:3344")).expect("url"),
            "https://127.0.0.1:3344/sd/v7/?a=b"
        );
        assert_eq!(
            discovery_url(cfg, Some("http://other:1/ignored/path?q")).expect("url"),
            "http://other:1/sd/v7/?a=b"
        );
        assert_eq!(
            discovery_url("https://h", Some("https://o:2")).expect("url"),
            "https://o:2/"
        );
        assert!(matches!(
            discovery_url("not a url", None),
            Err(TransportError::InvalidUrl { .. })
        ));
        assert!(matches!(
            discovery_url(cfg, Some("ftp://x/")),
            Err(TransportError::InvalidUrl { .. })
        ));
    }
}
