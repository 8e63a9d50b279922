//! The client's one task: connects by the reconnect schedule, and over each connection feeds
//! received frames to the session, writes what the session wants sent, keeps its timers, sends
//! pings and detects a dead link.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use crate::analysis::LogDirection;
use crate::discovery;
use crate::protocol::ServiceDiscoveryRequest;
use crate::session::{ConnectStep, ReconnectSchedule, SessionEvent};
use crate::transport::TransportError;
use crate::ws::{self, WsConnection, WsIncoming, WsOptions};

use super::events::ClientEvent;
use super::{CloseReport, ConnectStage, Shared, Undelivered};

/// Why a connection ended.
enum Ended {
    /// The client is closing.
    Closing,
    Lost(String),
}

pub(crate) async fn run(shared: Arc<Shared>, mut schedule: ReconnectSchedule) {
    let cfg = &shared.config;
    let ws_opts = WsOptions {
        connect_timeout: cfg.connect_timeout,
        tls_timeout: cfg.tls_timeout,
        upgrade_timeout: cfg.upgrade_timeout,
        max_message_size: cfg.max_message_size,
        server_name: cfg.tls.server_name.clone(),
        connect_addr: None,
    };
    let disc_opts = discovery::DiscoveryOptions {
        timeout: cfg.discovery_timeout,
        server_name: cfg.tls.server_name.clone(),
        ..discovery::DiscoveryOptions::default()
    };
    let request = ServiceDiscoveryRequest::v7(cfg.system_id.clone());

    // Set once `close` is called: until then keep trying to deliver what is held.
    let mut drain_until: Option<Instant> = None;
    loop {
        if let Some(drain) = shared.closing_drain() {
            let until = *drain_until.get_or_insert_with(|| Instant::now() + drain);
            if shared.lock_session().held() == 0 || Instant::now() >= until {
                break;
            }
        }
        // Resolves when the loop must look again: `close` was called, or the drain ran out.
        let stop = async {
            match drain_until {
                Some(until) => tokio::time::sleep_until(until).await,
                None => shared.closing.notified().await,
            }
        };
        let now = Instant::now();
        match schedule.next_step(now.into_std()) {
            ConnectStep::Wait(t) => {
                tokio::select! {
                    _ = tokio::time::sleep_until(Instant::from_std(t)) => {}
                    _ = stop => {}
                }
            }
            ConnectStep::Discover { url } => {
                let res = tokio::select! {
                    r = discovery::discover_with(&url, &request, shared.tls.clone(), &disc_opts) => r,
                    _ = stop => continue,
                };
                match res {
                    Ok(resp) => {
                        tracing::debug!(url, code = ?resp.error_code, "discovery answered");
                        schedule.on_discovery(&resp, Instant::now().into_std());
                    }
                    Err(e) => {
                        tracing::warn!(url, "discovery failed: {e}");
                        schedule.on_discovery_failed(Instant::now().into_std());
                        let error = Arc::new(e);
                        shared.set_connect_error(Some((ConnectStage::Discovery, error.clone())));
                        shared.broadcast(ClientEvent::ConnectFailed {
                            error,
                            stage: ConnectStage::Discovery,
                        });
                    }
                }
            }
            ConnectStep::Upgrade { url, auth_token } => {
                let res = tokio::select! {
                    r = ws::connect(&url, &auth_token, shared.tls.clone(), &ws_opts) => r,
                    _ = stop => continue,
                };
                match res {
                    Ok(conn) => {
                        schedule.on_connected();
                        shared.lock_session().on_connected();
                        shared.connected.store(true, Ordering::SeqCst);
                        shared.set_connect_error(None);
                        shared.stats.lock().map(|mut s| s.connections += 1).ok();
                        tracing::info!(url, "connected");
                        shared.broadcast(ClientEvent::Connected { url: url.clone() });
                        let ended = connection(&shared, conn).await;
                        shared.connected.store(false, Ordering::SeqCst);
                        shared.lock_session().on_disconnected();
                        schedule.on_disconnected();
                        let reason = match ended {
                            Ended::Closing => "closed by the client".to_string(),
                            Ended::Lost(r) => r,
                        };
                        tracing::info!(url, "disconnected: {reason}");
                        shared.broadcast(ClientEvent::Disconnected { reason });
                    }
                    Err(e) => {
                        tracing::warn!(url, "connect failed: {e}");
                        schedule.on_upgrade_failed(e.is_unauthorized(), Instant::now().into_std());
                        let error = Arc::new(e);
                        shared.set_connect_error(Some((ConnectStage::Upgrade, error.clone())));
                        shared.broadcast(ClientEvent::ConnectFailed {
                            error,
                            stage: ConnectStage::Upgrade,
                        });
                    }
                }
            }
        }
        shared.dispatch();
    }
    finish(&shared);
}

/// Closes the session and reports what was still undelivered.
pub(crate) fn finish(shared: &Shared) {
    shared.lock_session().close();
    let events = shared.take_events();
    let mut undelivered = Vec::new();
    for ev in &events {
        if let SessionEvent::Delivery {
            id,
            message_type,
            outcome,
        } = ev
        {
            undelivered.push(Undelivered {
                id: *id,
                message_type: *message_type,
                txn: outcome.txn().to_string(),
            });
        }
    }
    shared.dispatch_events(events);
    shared.close_report.set(CloseReport { undelivered });
}

/// Serves one connection until it ends.
async fn connection(shared: &Shared, mut conn: WsConnection) -> Ended {
    let cfg = &shared.config;
    let mut last_rx = Instant::now();
    let mut ping_sent: Option<Instant> = None;
    let mut drain_deadline: Option<Instant> = None;
    loop {
        // Write everything the session wants sent now.
        loop {
            let tx = shared
                .lock_session()
                .poll_transmit(Instant::now().into_std());
            let Some(tx) = tx else { break };
            shared.log_frame(LogDirection::Tx, &tx.bytes);
            if tx.transmission > 1 {
                shared.stats.lock().map(|mut s| s.resent += 1).ok();
            }
            shared.stats.lock().map(|mut s| s.sent_frames += 1).ok();
            if let Err(e) = conn.send_binary(tx.bytes.to_vec(), cfg.send_timeout).await {
                return Ended::Lost(format!("send failed: {e}"));
            }
        }
        shared.dispatch();

        if let Some(drain) = shared.closing_drain() {
            let deadline = *drain_deadline.get_or_insert_with(|| Instant::now() + drain);
            let idle = shared.lock_session().held() == 0;
            if idle || Instant::now() >= deadline {
                let _ = conn.close(Duration::from_secs(2)).await;
                return Ended::Closing;
            }
        }

        let session_deadline = shared.lock_session().poll_timeout().map(Instant::from_std);
        let ping_at = match ping_sent {
            Some(at) => at + cfg.dead_link_timeout,
            None => last_rx + cfg.ping_interval,
        };
        let wake_at = [Some(ping_at), session_deadline, drain_deadline]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(ping_at);

        tokio::select! {
            biased;
            _ = shared.closing.notified() => {}
            _ = shared.wake.notified() => {}
            msg = conn.recv() => {
                last_rx = Instant::now();
                ping_sent = None;
                match msg {
                    None => return Ended::Lost("the connection ended".into()),
                    Some(Err(e)) => return Ended::Lost(receive_error(&e)),
                    Some(Ok(WsIncoming::Binary(bytes))) => {
                        if bytes.is_empty() {
                            continue;
                        }
                        shared.log_frame(LogDirection::Rx, &bytes);
                        shared.stats.lock().map(|mut s| s.received_frames += 1).ok();
                        shared.lock_session().on_frame(&bytes, Instant::now().into_std());
                    }
                    Some(Ok(WsIncoming::Text(t))) => {
                        tracing::warn!(len = t.len(), "ignored a TEXT frame (v7 uses BINARY frames only)");
                    }
                    Some(Ok(WsIncoming::Ping(_) | WsIncoming::Pong(_))) => {}
                    Some(Ok(WsIncoming::Close(reason))) => {
                        let why = reason.map(|r| format!(" ({} {})", r.code, r.reason)).unwrap_or_default();
                        return Ended::Lost(format!("closed by the cloud{why}"));
                    }
                }
            }
            _ = tokio::time::sleep_until(wake_at) => {
                let now = Instant::now();
                shared.lock_session().handle_timeout(now.into_std());
                match ping_sent {
                    Some(at) if now >= at + cfg.dead_link_timeout => {
                        return Ended::Lost(format!(
                            "dead link: no answer to a ping within {:?}", cfg.dead_link_timeout
                        ));
                    }
                    None if now >= last_rx + cfg.ping_interval => {
                        if let Err(e) = conn.send_ping(Vec::new(), cfg.send_timeout).await {
                            return Ended::Lost(format!("ping failed: {e}"));
                        }
                        ping_sent = Some(now);
                    }
                    _ => {}
                }
            }
        }
    }
}

fn receive_error(e: &TransportError) -> String {
    format!("receive failed: {e}")
}
