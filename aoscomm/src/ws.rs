//! The WebSocket to the cloud (§4.4): TCP, TLS (for `wss`/`https`), upgrade with
//! `Authorization: Bearer <token>`, then BINARY frames.
//!
//! tokio-tungstenite runs over our own tokio-rustls stream (no TLS feature of its own). Pings are
//! answered by tungstenite; [`WsConnection::recv`] flushes the pong at once.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use rustls::ClientConfig;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::WebSocketStream;

pub use crate::net::MaybeTlsStream;
use crate::net::{open, ConnectParams, Endpoint};
use crate::transport::{tls_cause, Phase, TlsContext, TransportError};

/// Default largest incoming message (16 MiB).
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 16 * 1024 * 1024;

/// Connection options.
#[derive(Debug, Clone)]
pub struct WsOptions {
    pub connect_timeout: Duration,
    pub tls_timeout: Duration,
    /// Bound on the upgrade request and response (and, under TLS 1.3, the server's verdict on
    /// our certificate).
    pub upgrade_timeout: Duration,
    /// Largest incoming message and frame; larger ones end the connection (close 1009).
    pub max_message_size: usize,
    /// Verify the server certificate against this name instead of the URL host.
    pub server_name: Option<String>,
    /// Connect to this address instead of the URL's host:port (a test proxy, a fixed address).
    pub connect_addr: Option<SocketAddr>,
}

impl Default for WsOptions {
    fn default() -> Self {
        WsOptions {
            connect_timeout: Duration::from_secs(10),
            tls_timeout: Duration::from_secs(10),
            upgrade_timeout: Duration::from_secs(10),
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
            server_name: None,
            connect_addr: None,
        }
    }
}

/// A close frame's code and reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseReason {
    pub code: u16,
    pub reason: String,
}

/// What [`WsConnection::recv`] yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WsIncoming {
    /// A v7 message (one JSON document).
    Binary(Vec<u8>),
    /// Not used by v7: the caller ignores and logs it.
    Text(String),
    /// Already answered (the pong has been flushed).
    Ping(Vec<u8>),
    Pong(Vec<u8>),
    /// The peer closed; tungstenite has queued our close reply.
    Close(Option<CloseReason>),
}

/// The WebSocket stream type.
pub type WsStream = WebSocketStream<MaybeTlsStream>;

/// An open WebSocket.
///
/// `recv` is cancel-safe (a message is never lost when its future is dropped), so a client loop
/// can `tokio::select!` on `recv()` and its own outbox, and send from the other branch. For
/// concurrent tasks, [`WsConnection::split`] gives a sender and a receiver.
#[derive(Debug)]
pub struct WsConnection {
    stream: WsStream,
    ctx: TlsContext,
    /// A close frame was sent or received: the end of the stream is expected now.
    closing: bool,
}

/// Opens the WebSocket at `url` (§4.4): `wss`/`https` use TLS with `tls`, `ws`/`http` are plain;
/// default ports 443/80; request URI = path+query or `/`; headers `Authorization: Bearer <token>`
/// (also when the token is empty) and `Accept: application/json`.
pub async fn connect(
    url: &str,
    auth_token: &str,
    tls: Arc<ClientConfig>,
    opts: &WsOptions,
) -> Result<WsConnection, TransportError> {
    let ep = Endpoint::parse(url)?;
    let params = ConnectParams {
        tls,
        server_name: opts.server_name.as_deref(),
        connect_addr: opts.connect_addr,
        connect_timeout: opts.connect_timeout,
        tls_timeout: opts.tls_timeout,
    };
    let (stream, ctx) = open(&ep, &params).await?;

    // tungstenite writes the request line from the URI and checks nothing about the scheme.
    let scheme = if ep.tls { "wss" } else { "ws" };
    let ws_url = format!("{scheme}://{}{}", ep.authority, ep.path_and_query);
    let bad_url = |reason: String| TransportError::InvalidUrl {
        url: url.to_string(),
        reason,
    };
    let mut request = ws_url
        .as_str()
        .into_client_request()
        .map_err(|e| bad_url(e.to_string()))?;
    let headers = request.headers_mut();
    headers.insert(
        http::header::AUTHORIZATION,
        http::HeaderValue::from_str(&format!("Bearer {auth_token}"))
            .map_err(|_| bad_url("the auth token is not a valid header value".to_string()))?,
    );
    headers.insert(
        http::header::ACCEPT,
        http::HeaderValue::from_static("application/json"),
    );

    let config = WebSocketConfig::default()
        .max_message_size(Some(opts.max_message_size))
        .max_frame_size(Some(opts.max_message_size));
    let upgrade = tokio_tungstenite::client_async_with_config(request, stream, Some(config));
    let (stream, response) = tokio::time::timeout(opts.upgrade_timeout, upgrade)
        .await
        .map_err(|_| TransportError::Timeout {
            phase: Phase::Upgrade,
        })?
        .map_err(|e| map_upgrade_error(e, &ctx))?;
    tracing::debug!(url, status = %response.status(), "WebSocket connected");
    Ok(WsConnection {
        stream,
        ctx,
        closing: false,
    })
}

fn map_upgrade_error(e: WsError, ctx: &TlsContext) -> TransportError {
    match e {
        WsError::Http(resp) => TransportError::HttpStatus {
            status: resp.status().as_u16(),
            phase: Phase::Upgrade,
        },
        other => map_ws_error("upgrade", other, ctx),
    }
}

fn map_ws_error(what: &str, e: WsError, ctx: &TlsContext) -> TransportError {
    if let WsError::Io(io) = &e {
        if let Some(t) = tls_cause(io, ctx) {
            return t;
        }
    }
    match e {
        WsError::Capacity(c) => {
            TransportError::WebSocket(format!("{what}: message too large: {c}"))
        }
        other => TransportError::WebSocket(format!("{what}: {other}")),
    }
}

/// After a close handshake many servers drop TCP without a TLS close_notify; that end is normal.
fn is_end_after_close(e: &WsError) -> bool {
    match e {
        WsError::ConnectionClosed | WsError::AlreadyClosed => true,
        WsError::Io(io) => matches!(
            io.kind(),
            std::io::ErrorKind::UnexpectedEof
                | std::io::ErrorKind::ConnectionReset
                | std::io::ErrorKind::BrokenPipe
        ),
        _ => false,
    }
}

fn incoming(m: Message) -> Option<WsIncoming> {
    Some(match m {
        Message::Binary(b) => WsIncoming::Binary(b.to_vec()),
        Message::Text(t) => WsIncoming::Text(t.as_str().to_string()),
        Message::Ping(p) => WsIncoming::Ping(p.to_vec()),
        Message::Pong(p) => WsIncoming::Pong(p.to_vec()),
        Message::Close(c) => WsIncoming::Close(c.map(|f| CloseReason {
            code: u16::from(f.code),
            reason: f.reason.as_str().to_string(),
        })),
        Message::Frame(_) => return None,
    })
}

async fn send_timed<S>(sink: &mut S, m: Message, timeout: Duration) -> Result<(), WsError>
where
    S: futures_util::Sink<Message, Error = WsError> + Unpin,
{
    match tokio::time::timeout(timeout, sink.send(m)).await {
        Ok(r) => r,
        Err(_) => Err(WsError::Io(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            "send timed out",
        ))),
    }
}

fn map_send(e: WsError, ctx: &TlsContext) -> TransportError {
    match &e {
        WsError::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
            TransportError::Timeout { phase: Phase::Send }
        }
        _ => map_ws_error("send", e, ctx),
    }
}

impl WsConnection {
    /// Sends one BINARY frame and flushes it, within `timeout`.
    pub async fn send_binary(
        &mut self,
        bytes: Vec<u8>,
        timeout: Duration,
    ) -> Result<(), TransportError> {
        send_timed(&mut self.stream, Message::Binary(bytes.into()), timeout)
            .await
            .map_err(|e| map_send(e, &self.ctx))
    }

    /// Sends a TEXT frame (v7 does not use them; for tests of the peer).
    pub async fn send_text(&mut self, text: &str, timeout: Duration) -> Result<(), TransportError> {
        send_timed(&mut self.stream, Message::text(text), timeout)
            .await
            .map_err(|e| map_send(e, &self.ctx))
    }

    /// Sends a PING (for our own dead-link detection).
    pub async fn send_ping(
        &mut self,
        payload: Vec<u8>,
        timeout: Duration,
    ) -> Result<(), TransportError> {
        send_timed(&mut self.stream, Message::Ping(payload.into()), timeout)
            .await
            .map_err(|e| map_send(e, &self.ctx))
    }

    /// The next frame; `None` once the connection has ended (after a close handshake or an
    /// error already returned). Cancel-safe, except that a `Ping` whose pong flush is cancelled
    /// is not reported again (its pong still goes out with the next read or write).
    pub async fn recv(&mut self) -> Option<Result<WsIncoming, TransportError>> {
        loop {
            let m = match self.stream.next().await? {
                Ok(m) => m,
                Err(e) if self.closing && is_end_after_close(&e) => return None,
                Err(e) => return Some(Err(map_ws_error("receive", e, &self.ctx))),
            };
            let Some(inc) = incoming(m) else { continue };
            if matches!(inc, WsIncoming::Close(_)) {
                self.closing = true;
            }
            if matches!(inc, WsIncoming::Ping(_) | WsIncoming::Close(_)) {
                // Push out the automatic pong (or close reply) now, not at the next poll.
                if let Err(e) = self.stream.flush().await {
                    if !matches!(e, WsError::ConnectionClosed | WsError::AlreadyClosed) {
                        return Some(Err(map_ws_error("flush", e, &self.ctx)));
                    }
                }
            }
            return Some(Ok(inc));
        }
    }

    /// Sends a normal-closure close frame and waits for the close handshake, within `timeout`.
    pub async fn close(&mut self, timeout: Duration) -> Result<(), TransportError> {
        let frame = CloseFrame {
            code: CloseCode::Normal,
            reason: "".into(),
        };
        self.closing = true;
        let closing = async {
            self.stream.close(Some(frame)).await?;
            // Drain until the peer's close arrives or the stream ends.
            while let Some(r) = self.stream.next().await {
                r?;
            }
            Ok::<_, WsError>(())
        };
        match tokio::time::timeout(timeout, closing).await {
            Err(_) => Err(TransportError::Timeout { phase: Phase::Send }),
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) if is_end_after_close(&e) => Ok(()),
            Ok(Err(e)) => Err(map_ws_error("close", e, &self.ctx)),
        }
    }

    /// Splits into a sender and a receiver for use from two tasks. The receiver's pongs go out on
    /// its next `recv` (tungstenite writes queued pongs before reading).
    pub fn split(self) -> (WsSender, WsReceiver) {
        let (sink, stream) = self.stream.split();
        (
            WsSender {
                sink,
                ctx: self.ctx.clone(),
            },
            WsReceiver {
                stream,
                ctx: self.ctx,
                closing: self.closing,
            },
        )
    }

    /// The underlying tokio-tungstenite stream.
    pub fn into_inner(self) -> WsStream {
        self.stream
    }

    /// The underlying tokio-tungstenite stream.
    pub fn get_mut(&mut self) -> &mut WsStream {
        &mut self.stream
    }
}

/// The sending half of a split [`WsConnection`].
#[derive(Debug)]
pub struct WsSender {
    sink: SplitSink<WsStream, Message>,
    ctx: TlsContext,
}

impl WsSender {
    /// Sends one BINARY frame and flushes it, within `timeout`.
    pub async fn send_binary(
        &mut self,
        bytes: Vec<u8>,
        timeout: Duration,
    ) -> Result<(), TransportError> {
        send_timed(&mut self.sink, Message::Binary(bytes.into()), timeout)
            .await
            .map_err(|e| map_send(e, &self.ctx))
    }

    /// Sends a PING.
    pub async fn send_ping(
        &mut self,
        payload: Vec<u8>,
        timeout: Duration,
    ) -> Result<(), TransportError> {
        send_timed(&mut self.sink, Message::Ping(payload.into()), timeout)
            .await
            .map_err(|e| map_send(e, &self.ctx))
    }

    /// Sends a normal-closure close frame (the receiver sees the peer's reply).
    pub async fn close(&mut self, timeout: Duration) -> Result<(), TransportError> {
        let frame = CloseFrame {
            code: CloseCode::Normal,
            reason: "".into(),
        };
        match send_timed(&mut self.sink, Message::Close(Some(frame)), timeout).await {
            Ok(()) | Err(WsError::ConnectionClosed | WsError::AlreadyClosed) => Ok(()),
            Err(e) => Err(map_send(e, &self.ctx)),
        }
    }
}

/// The receiving half of a split [`WsConnection`].
#[derive(Debug)]
pub struct WsReceiver {
    stream: SplitStream<WsStream>,
    ctx: TlsContext,
    closing: bool,
}

impl WsReceiver {
    /// The next frame; `None` once the connection has ended. Cancel-safe.
    pub async fn recv(&mut self) -> Option<Result<WsIncoming, TransportError>> {
        loop {
            match self.stream.next().await? {
                Ok(m) => {
                    if let Some(inc) = incoming(m) {
                        if matches!(inc, WsIncoming::Close(_)) {
                            self.closing = true;
                        }
                        return Some(Ok(inc));
                    }
                }
                // After a close (ours, through the sender, or the peer's) the end is expected.
                Err(e) if is_end_after_close(&e) && self.closing => return None,
                Err(e) => return Some(Err(map_ws_error("receive", e, &self.ctx))),
            }
        }
    }
}
