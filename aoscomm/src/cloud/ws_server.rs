//! The mock's WebSocket endpoint: TLS with client certificates, bearer-token upgrade, then the
//! v7 message handling (acks per the scripted mode, blob answers, recording).

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

use super::state::{AckMode, ConnCmd, ConnHandle, Inner, ReceivedFrame, Shared, UpgradeRecord};
use super::{envelope_bytes, tls_server};
use crate::protocol::{Ack, BlobInfo, BlobUrls, Data, Envelope, Nack, Payload, DEFAULT_MAX_INPUT};

/// Settings of the WebSocket endpoint.
#[derive(Debug, Clone)]
pub(crate) struct WsInfo {
    pub system_id: String,
    pub max_message_size: usize,
}

pub(crate) async fn run(
    shared: Arc<Shared>,
    listener: TcpListener,
    acceptor: TlsAcceptor,
    info: Arc<WsInfo>,
) {
    let mut shutdown = shared.shutdown.subscribe();
    loop {
        let tcp = tokio::select! {
            _ = super::stopped(&mut shutdown) => return,
            r = listener.accept() => match r {
                Ok((tcp, _)) => {
                    // small frames (acks) must not wait for Nagle + delayed ACK
                    let _ = tcp.set_nodelay(true);
                    tcp
                }
                Err(e) => {
                    tracing::debug!(error = %e, "mock ws: accept failed");
                    continue;
                }
            },
        };
        let (shared, acceptor, info) = (shared.clone(), acceptor.clone(), info.clone());
        tokio::spawn(async move { serve(shared, acceptor, tcp, info).await });
    }
}

fn header(req: &Request, name: http::header::HeaderName) -> Option<String> {
    req.headers()
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

fn error_response(status: u16) -> ErrorResponse {
    let mut r = ErrorResponse::new(Some(format!("mock cloud: HTTP {status}")));
    *r.status_mut() = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::FORBIDDEN);
    r
}

// tungstenite's upgrade callback returns its own (large) `ErrorResponse`.
#[allow(clippy::result_large_err)]
async fn serve(shared: Arc<Shared>, acceptor: TlsAcceptor, tcp: TcpStream, info: Arc<WsInfo>) {
    let Some(tls) = tls_server::accept(&shared, &acceptor, tcp, "ws").await else {
        return;
    };
    let cb_shared = shared.clone();
    // Set when this upgrade was answered 101 (and counted in `accepting`).
    let answered_101 = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let cb_answered = answered_101.clone();
    let callback = move |req: &Request, resp: Response| -> Result<Response, ErrorResponse> {
        cb_shared.update(|i| {
            let authorization = header(req, http::header::AUTHORIZATION);
            let expected = format!("Bearer {}", i.script.auth_token);
            let status = match i.script.reject_upgrades.pop_front() {
                Some(s) => s,
                None if authorization.as_deref() != Some(expected.as_str()) => 401,
                None => 101,
            };
            i.state.upgrades.push(UpgradeRecord {
                path: req.uri().to_string(),
                authorization,
                accept: header(req, http::header::ACCEPT),
                status,
            });
            if status == 101 {
                i.accepting += 1;
                cb_answered.store(true, std::sync::atomic::Ordering::SeqCst);
                Ok(resp)
            } else {
                Err(error_response(status))
            }
        })
    };
    let config = WebSocketConfig::default()
        .max_message_size(Some(info.max_message_size))
        .max_frame_size(Some(info.max_message_size));
    let accept = tokio_tungstenite::accept_hdr_async_with_config(tls, callback, Some(config));
    let accepted = tokio::time::timeout(Duration::from_secs(10), accept).await;
    let mut ws = match accepted {
        Ok(Ok(ws)) => ws,
        failed => {
            if let Ok(Err(e)) = failed {
                tracing::debug!(error = %e, "mock ws: upgrade failed");
            }
            // an upgrade that was answered 101 but failed afterwards is no longer pending
            if answered_101.load(std::sync::atomic::Ordering::SeqCst) {
                shared.update(|i| i.accepting = i.accepting.saturating_sub(1));
            }
            return;
        }
    };

    let (tx, mut rx) = mpsc::unbounded_channel();
    let (id, pending) = shared.update(|i| {
        i.state.connections += 1;
        let id = i.state.connections;
        i.state.current_connection = Some(id);
        i.conn = Some(ConnHandle { id, tx: tx.clone() });
        i.accepting = i.accepting.saturating_sub(1);
        (id, std::mem::take(&mut i.script.pending))
    });
    let mut ok = true;
    for m in pending {
        if ws.send(m).await.is_err() {
            ok = false;
            break;
        }
    }
    let mut shutdown = shared.shutdown.subscribe();
    let mut held = false;
    let mut graceful = false;
    while ok {
        tokio::select! {
            _ = super::stopped(&mut shutdown) => break,
            cmd = rx.recv() => match cmd {
                None | Some(ConnCmd::Drop) => break,
                Some(ConnCmd::Hold) => {
                    held = true;
                    shared.update(|i| i.state.held = true);
                }
                Some(ConnCmd::Send(m)) => {
                    if !held && ws.send(m).await.is_err() {
                        break;
                    }
                }
                Some(ConnCmd::Close) => {
                    if held {
                        break;
                    }
                    // The loop then reads until the peer's close reply ends the stream.
                    if ws.close(None).await.is_err() {
                        break;
                    }
                }
            },
            m = ws.next(), if !held => match m {
                None => {
                    graceful = true;
                    break;
                }
                Some(Err(_)) => break,
                Some(Ok(m)) => {
                    let actions = on_message(&shared, &info, id, m);
                    for a in actions {
                        match a {
                            Action::Send(m) => {
                                if ws.send(m).await.is_err() {
                                    ok = false;
                                    break;
                                }
                            }
                            Action::SendLater(m, d) => {
                                let tx = tx.clone();
                                tokio::spawn(async move {
                                    tokio::time::sleep(d).await;
                                    let _ = tx.send(ConnCmd::Send(m));
                                });
                            }
                            Action::Close => {
                                if ws.close(None).await.is_err() {
                                    ok = false;
                                    break;
                                }
                            }
                        }
                    }
                }
            },
        }
    }
    if graceful {
        // End TLS with close_notify after a completed close handshake.
        let mut tls = ws.into_inner();
        let _ = tokio::time::timeout(Duration::from_secs(1), tls.shutdown()).await;
    }
    shared.update(|i| {
        if i.conn.as_ref().is_some_and(|c| c.id == id) {
            i.conn = None;
            i.state.current_connection = None;
            i.state.held = false;
        }
        i.state.disconnects += 1;
    });
}

enum Action {
    Send(Message),
    SendLater(Message, Duration),
    Close,
}

fn on_message(shared: &Shared, info: &WsInfo, conn: u64, m: Message) -> Vec<Action> {
    let raw = match m {
        Message::Binary(b) => b.to_vec(),
        Message::Text(t) => {
            let t = t.as_str().to_string();
            shared.update(|i| i.state.texts.push(t));
            return Vec::new();
        }
        Message::Pong(p) => {
            let p = p.to_vec();
            shared.update(|i| i.state.pongs.push(p));
            return Vec::new();
        }
        _ => return Vec::new(),
    };
    let envelope = Envelope::decode_with(
        &raw,
        &crate::protocol::DecodeOptions {
            max_input: DEFAULT_MAX_INPUT.max(info.max_message_size),
        },
    );
    shared.update(|i| {
        i.state.received.push(ReceivedFrame {
            at: Instant::now(),
            raw,
            envelope: envelope.clone(),
            connection: conn,
        });
        let Ok(env) = envelope else {
            return Vec::new();
        };
        if env.header.system_id != info.system_id {
            i.state.violations.push(format!(
                "txn {}: systemId {:?}, expected {:?}",
                env.header.txn, env.header.system_id, info.system_id
            ));
            return Vec::new();
        }
        decide(i, info, env)
    })
}

fn reply(system_id: &str, txn: &str, data: Data) -> Option<Message> {
    envelope_bytes(system_id, txn, data)
        .ok()
        .map(|b| Message::Binary(b.into()))
}

fn decide(i: &mut Inner, info: &WsInfo, env: Envelope) -> Vec<Action> {
    let txn = env.header.txn.clone();
    match &env.data.payload {
        Payload::Ack(_) => {
            i.state.acks_from_unit.push(txn);
            return Vec::new();
        }
        Payload::Nack(_) => {
            i.state.nacks_from_unit.push(txn);
            return Vec::new();
        }
        _ => {}
    }
    let count = {
        let c = i.state.transmissions.entry(txn.clone()).or_insert(0);
        *c += 1;
        *c
    };
    i.state.delivered.insert(txn.clone());
    let mut actions = Vec::new();
    if let Some(n) = i.script.close_after.as_mut() {
        *n = n.saturating_sub(1);
        if *n == 0 {
            // Close before answering: the unit must resend this frame.
            i.script.close_after = None;
            actions.push(Action::Close);
            return actions;
        }
    }
    let ack = || reply(&info.system_id, &txn, Data::new(Payload::Ack(Ack {})));
    let nack = |retry_after_ms| {
        reply(
            &info.system_id,
            &txn,
            Data::new(Payload::Nack(Nack { retry_after_ms })),
        )
    };
    let answer = match &i.script.ack_mode {
        AckMode::AckAll => ack().map(Action::Send),
        AckMode::AckNone => None,
        AckMode::Nack { retry_after_ms } => nack(*retry_after_ms).map(Action::Send),
        AckMode::NackFirst { n, retry_after_ms } => {
            if count <= *n {
                nack(*retry_after_ms).map(Action::Send)
            } else {
                ack().map(Action::Send)
            }
        }
        AckMode::AckAfter(d) => ack().map(|m| Action::SendLater(m, *d)),
    };
    actions.extend(answer);
    if let Payload::RequestBlobUrls(r) = &env.data.payload {
        if i.script.answer_blob_requests {
            let items = r
                .digests
                .iter()
                .map(|d| BlobInfo {
                    digest: d.clone(),
                    urls: vec![format!("https://blobs.example/{d}")],
                    ..BlobInfo::default()
                })
                .collect();
            let data = Data::with_correlation_id(
                Payload::BlobUrls(BlobUrls { items }),
                env.data.correlation_id.clone(),
            );
            let push_txn = super::new_txn();
            if let Some(m) = reply(&info.system_id, &push_txn, data) {
                i.state.pushed.push(push_txn);
                actions.push(Action::Send(m));
            }
        }
    }
    actions
}
