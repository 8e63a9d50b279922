//! The mock's discovery endpoint (§4.2–4.3), served by hyper over TLS.

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use super::state::{DiscoveryMode, DiscoveryRecord, Shared};
use super::tls_server;
use crate::protocol::{
    DiscoveryErrorCode, JsonObject, ServiceDiscoveryRequest, ServiceDiscoveryResponse,
};

/// What the discovery answer is built from.
#[derive(Debug, Clone)]
pub(crate) struct DiscoveryInfo {
    pub system_id: String,
    pub ws_url: String,
}

pub(crate) async fn run(
    shared: Arc<Shared>,
    listener: TcpListener,
    acceptor: TlsAcceptor,
    info: Arc<DiscoveryInfo>,
) {
    let mut shutdown = shared.shutdown.subscribe();
    loop {
        let tcp = tokio::select! {
            _ = super::stopped(&mut shutdown) => return,
            r = listener.accept() => match r {
                Ok((tcp, _)) => tcp,
                Err(e) => {
                    tracing::debug!(error = %e, "mock discovery: accept failed");
                    continue;
                }
            },
        };
        let (shared, acceptor, info) = (shared.clone(), acceptor.clone(), info.clone());
        let mut shutdown = shared.shutdown.subscribe();
        tokio::spawn(async move {
            let Some(tls) = tls_server::accept(&shared, &acceptor, tcp, "discovery").await else {
                return;
            };
            let svc = service_fn(|req| handle(shared.clone(), info.clone(), req));
            let conn = hyper::server::conn::http1::Builder::new()
                .keep_alive(false)
                .serve_connection(TokioIo::new(tls), svc);
            tokio::select! {
                _ = super::stopped(&mut shutdown) => {}
                r = conn => if let Err(e) = r {
                    tracing::debug!(error = %e, "mock discovery: connection error");
                },
            }
        });
    }
}

fn reply(status: u16, body: Vec<u8>) -> hyper::Response<Full<Bytes>> {
    let mut resp = hyper::Response::new(Full::new(Bytes::from(body)));
    *resp.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    resp.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    resp
}

async fn handle(
    shared: Arc<Shared>,
    info: Arc<DiscoveryInfo>,
    req: hyper::Request<Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    let method = req.method().to_string();
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let headers = req
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = match Limited::new(req.into_body(), 1024 * 1024).collect().await {
        Ok(b) => b.to_bytes().to_vec(),
        Err(e) => return Ok(reply(400, format!("body: {e}").into_bytes())),
    };
    let parsed = ServiceDiscoveryRequest::from_json(&body);
    let out = shared.update(|i| {
        i.state.discoveries.push(DiscoveryRecord {
            method: method.clone(),
            path,
            headers,
            body,
        });
        if let Some(status) = i.script.discovery_status.pop_front() {
            return reply(status, Vec::new());
        }
        if method != "POST" {
            return reply(405, Vec::new());
        }
        if let Err(e) = &parsed {
            i.state
                .violations
                .push(format!("discovery request body: {e}"));
            return reply(400, e.to_string().into_bytes());
        }
        if let Some(raw) = &i.script.discovery_body {
            return reply(200, raw.clone());
        }
        let s = &i.script;
        let connection_info = s
            .connection_info
            .clone()
            .unwrap_or_else(|| vec![info.ws_url.clone()]);
        let mut resp = ServiceDiscoveryResponse {
            version: crate::protocol::PROTOCOL_VERSION,
            system_id: info.system_id.clone(),
            next_request_delay_ms: s.next_request_delay_ms,
            connection_info,
            auth_token: s.auth_token.clone(),
            error_code: DiscoveryErrorCode::NoError,
        };
        match &s.discovery_mode {
            DiscoveryMode::Normal => {}
            DiscoveryMode::Redirect(to) => {
                resp.error_code = DiscoveryErrorCode::Redirect;
                resp.connection_info = vec![to.clone()];
            }
            DiscoveryMode::RepeatLater(delay) => {
                resp.error_code = DiscoveryErrorCode::RepeatLater;
                resp.connection_info = Vec::new();
                resp.next_request_delay_ms = *delay;
            }
        }
        match resp.to_json() {
            Ok(b) => reply(200, b),
            Err(e) => reply(500, e.to_string().into_bytes()),
        }
    });
    Ok(out)
}
