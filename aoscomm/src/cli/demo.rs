//! `aoscomm demo`: the mock cloud and a client in one process, exchanging every v7 message type
//! in the direction the reference uses it, with one nack and one forced disconnect on the way.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use aoscomm::client::{Client, ClientEvent, EventStream};
use aoscomm::cloud::{AckMode, MockCloud, MockCloudConfig};
use aoscomm::protocol::{Data, Envelope, MessageType};

/// One sample `data` object per message type: our own test data (aoscomm/tests/data).
macro_rules! samples {
    ($($name:literal),+ $(,)?) => {
        &[$(($name, include_str!(concat!("../../tests/data/canonical/", $name, "-1.json")))),+]
    };
}

const SAMPLES: &[(&str, &str)] = samples!(
    "alerts",
    "blobUrls",
    "deprovisioningRequest",
    "deprovisioningResponse",
    "desiredStatus",
    "finishProvisioningRequest",
    "finishProvisioningResponse",
    "installUnitCertificatesConfirmation",
    "issuedUnitCertificates",
    "issueUnitCertificates",
    "monitoringData",
    "newState",
    "overrideEnvVars",
    "overrideEnvVarsStatus",
    "pushLog",
    "renewCertificatesNotification",
    "requestBlobUrls",
    "requestLog",
    "startProvisioningRequest",
    "startProvisioningResponse",
    "stateAcceptance",
    "stateRequest",
    "unitStatus",
    "updateState",
);

const WAIT: Duration = Duration::from_secs(15);

fn sample(t: MessageType) -> Result<Data, String> {
    let (_, text) = SAMPLES
        .iter()
        .find(|(n, _)| *n == t.as_str())
        .ok_or_else(|| format!("no sample for {t}"))?;
    Envelope::decode(text.as_bytes())
        .map(|e| e.data)
        .map_err(|e| format!("sample {t}: {e}"))
}

fn wait_event<T>(
    ev: &EventStream,
    what: &str,
    mut f: impl FnMut(&ClientEvent) -> Option<T>,
) -> Result<T, String> {
    let deadline = Instant::now() + WAIT;
    loop {
        let left = deadline
            .checked_duration_since(Instant::now())
            .ok_or_else(|| format!("timed out waiting for {what}"))?;
        let e = ev
            .recv_timeout(left)
            .ok_or_else(|| format!("timed out waiting for {what}"))?;
        if let Some(t) = f(&e) {
            return Ok(t);
        }
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn short(txn: &str) -> &str {
    txn.get(..8).unwrap_or(txn)
}

pub fn run(log: Option<PathBuf>) -> ExitCode {
    match demo(log) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("aoscomm demo: {e}");
            ExitCode::from(1)
        }
    }
}

fn demo(log: Option<PathBuf>) -> Result<bool, String> {
    let cloud = MockCloud::start_blocking(MockCloudConfig::default()).map_err(|e| e.to_string())?;
    cloud.answer_blob_requests(true);
    println!(
        "mock cloud: discovery {}  websocket {}",
        cloud.discovery_url(),
        cloud.ws_url()
    );
    let mut b = Client::builder()
        .service_discovery_url(cloud.discovery_url())
        .system_id(cloud.system_id())
        .tls(cloud.client_tls())
        .cloud_response_wait_timeout(Duration::from_secs(2))
        .reconnect_base_delay(Duration::from_millis(50));
    if let Some(p) = &log {
        b = b.cloud_message_log(p);
        println!("message log: {}", p.display());
    }
    let client = b.build().map_err(|e| e.to_string())?;
    let ev = client.subscribe();
    client.start().map_err(|e| e.to_string())?;
    let url = wait_event(&ev, "the connection", |e| match e {
        ClientEvent::Connected { url } => Some(url.clone()),
        _ => None,
    })?;
    println!("unit {} connected to {url}\n", cloud.system_id());

    let mut rtts = Vec::new();
    let mut sent = 0u32;
    let mut acked = 0u32;
    let mut received = 0u32;
    let mut cloud_to_unit: BTreeSet<MessageType> = BTreeSet::new();

    println!("unit → cloud");
    let unit_types: Vec<MessageType> = MessageType::ALL
        .iter()
        .copied()
        .filter(|t| t.sent_by_unit() && *t != MessageType::Ack)
        .collect();
    for (i, t) in unit_types.iter().enumerate() {
        let data = sample(*t)?;
        let nack_this = i == 2;
        if nack_this {
            cloud.set_ack_mode(AckMode::NackFirst {
                n: 1,
                retry_after_ms: 200,
            });
        }
        let t0 = Instant::now();
        sent += 1;
        if *t == MessageType::RequestBlobUrls {
            let resp = client
                .request_blocking(data, WAIT)
                .map_err(|e| format!("requestBlobUrls: {e}"))?;
            acked += 1;
            received += 1;
            rtts.push(t0.elapsed());
            cloud_to_unit.insert(resp.message_type());
            println!(
                "  → {:<36} answered by blobUrls (txn {}, correlationId {}) in {}",
                t.as_str(),
                short(&resp.header.txn),
                short(&resp.data.correlation_id),
                ms(t0.elapsed())
            );
            println!("  ← {:<36} correlated and acked", "blobUrls");
            continue;
        }
        let h = client.send(data).map_err(|e| format!("{t}: {e}"))?;
        let outcome = h
            .wait_timeout(WAIT)
            .ok_or_else(|| format!("{t}: no outcome"))?;
        let took = t0.elapsed();
        if outcome.is_acked() {
            acked += 1;
            rtts.push(took);
            cloud_to_unit.insert(MessageType::Ack);
            if nack_this && outcome.transmissions() > 1 {
                cloud_to_unit.insert(MessageType::Nack);
            }
        }
        let note = if nack_this {
            " (nacked once with retryAfter 200 ms, then resent)"
        } else {
            ""
        };
        println!(
            "  → {:<36} txn {}  {} in {}{note}",
            t.as_str(),
            short(h.txn()),
            outcome,
            ms(took)
        );
        if nack_this {
            cloud.set_ack_mode(AckMode::AckAll);
        }
    }

    println!("\nforced disconnect");
    cloud.drop_connection();
    let reason = wait_event(&ev, "the disconnect", |e| match e {
        ClientEvent::Disconnected { reason } => Some(reason.clone()),
        _ => None,
    })?;
    println!("  ✕ disconnected: {reason}");
    let t0 = Instant::now();
    wait_event(&ev, "the reconnection", |e| {
        matches!(e, ClientEvent::Connected { .. }).then_some(())
    })?;
    println!("  ✓ reconnected in {}\n", ms(t0.elapsed()));

    println!("cloud → unit");
    for t in MessageType::ALL.iter().copied().filter(|t| {
        t.direction() == aoscomm::protocol::Direction::CloudToUnit
            && !matches!(t, MessageType::Nack | MessageType::BlobUrls)
    }) {
        let txn = cloud.push(sample(t)?).map_err(|e| e.to_string())?;
        let env = wait_event(&ev, t.as_str(), |e| match e {
            ClientEvent::Message(env) if env.header.txn == txn => Some(env.clone()),
            _ => None,
        })?;
        received += 1;
        cloud_to_unit.insert(env.message_type());
        println!(
            "  ← {:<36} txn {}  delivered and acked",
            env.message_type().as_str(),
            short(&txn)
        );
    }

    let report = client.close_with_drain(Duration::from_secs(5));
    // The types that crossed the wire: unit → cloud as the mock received them, cloud → unit as
    // the client got them.
    let mut seen: BTreeSet<MessageType> = cloud
        .state()
        .received
        .iter()
        .filter_map(|f| f.envelope.as_ref().ok())
        .map(|e| e.message_type())
        .collect();
    seen.extend(cloud_to_unit.iter().copied());
    let stats = client.stats();
    rtts.sort();
    let median = rtts.get(rtts.len() / 2).copied().unwrap_or_default();
    println!("\nsummary");
    println!(
        "  sent       {sent} messages ({} frames incl. acks)",
        stats.sent_frames
    );
    println!("  acked      {acked}");
    println!("  resent     {}", stats.resent);
    println!("  received   {received} messages");
    println!("  reconnects {}", stats.connections.saturating_sub(1));
    println!("  median round trip {}", ms(median));
    println!("  message types exchanged: {} of 26", seen.len());
    println!("  undelivered at close: {}", report.undelivered.len());
    Ok(seen.len() == 26 && acked == sent && report.undelivered.is_empty())
}
