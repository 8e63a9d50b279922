//! No message is lost: a TCP proxy between the client and the mock cloud cuts the connection at
//! seeded random byte offsets while 10 000 messages go through. Every message must end acked
//! (and delivered to the cloud exactly once after txn dedupe) or be reported failed; none may
//! be silently lost.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use aoscomm::client::Client;
use aoscomm::cloud::{MockCloud, MockCloudConfig};
use aoscomm::protocol::{Data, InstanceIdent, Payload, StateRequest};
use aoscomm::session::DeliveryOutcome;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const MESSAGES: usize = 10_000;
const MIN_CUTS: usize = 200;

/// Forwards 127.0.0.1:<port> to `upstream`; each connection is cut after a random number of
/// bytes (both directions counted), mid-frame or mid-handshake.
struct CuttingProxy {
    port: u16,
    cuts: Arc<AtomicUsize>,
    _rt: tokio::runtime::Runtime,
}

impl CuttingProxy {
    fn start(upstream: std::net::SocketAddr, seed: u64, max_budget: usize) -> CuttingProxy {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let cuts = Arc::new(AtomicUsize::new(0));
        let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let c = cuts.clone();
        rt.spawn(async move {
            let mut rng = fastrand::Rng::with_seed(seed);
            loop {
                let Ok((down, _)) = listener.accept().await else {
                    return;
                };
                let budget = rng.usize(1..=max_budget);
                let c = c.clone();
                tokio::spawn(async move {
                    let Ok(up) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    if pipe(down, up, budget).await {
                        c.fetch_add(1, Ordering::SeqCst);
                    }
                });
            }
        });
        CuttingProxy {
            port,
            cuts,
            _rt: rt,
        }
    }
}

/// Copies both ways until `budget` bytes have passed (true: cut) or a side closes (false).
async fn pipe(mut a: TcpStream, mut b: TcpStream, mut budget: usize) -> bool {
    let (mut abuf, mut bbuf) = (vec![0u8; 16 * 1024], vec![0u8; 16 * 1024]);
    loop {
        let (n, from_a) = tokio::select! {
            r = a.read(&mut abuf) => match r { Ok(0) | Err(_) => return false, Ok(n) => (n, true) },
            r = b.read(&mut bbuf) => match r { Ok(0) | Err(_) => return false, Ok(n) => (n, false) },
        };
        let take = n.min(budget);
        let res = if from_a {
            b.write_all(&abuf[..take]).await
        } else {
            a.write_all(&bbuf[..take]).await
        };
        if res.is_err() {
            return false;
        }
        budget -= take;
        if budget == 0 {
            // cut: both sockets are dropped mid-stream (mid-frame, mid-record)
            return true;
        }
    }
}

#[test]
fn ten_thousand_messages_across_hundreds_of_cuts() {
    let cloud = MockCloud::start_blocking(MockCloudConfig::default()).expect("mock cloud");
    let proxy = CuttingProxy::start(cloud.ws_addr(), 0x5eed, 60 * 1024);
    cloud.set_next_request_delay(5);
    cloud.set_connection_info(vec![format!("wss://127.0.0.1:{}/ws/v7", proxy.port)]);
    let client = Client::builder()
        .service_discovery_url(cloud.discovery_url())
        .system_id(cloud.system_id())
        .tls(cloud.client_tls())
        .cloud_response_wait_timeout(Duration::from_secs(2))
        .queue_max_messages(MESSAGES + 10)
        .max_in_flight(64)
        .reconnect_base_delay(Duration::from_millis(5))
        .reconnect_jitter(0.0)
        .build()
        .expect("client");
    client.start().expect("start");
    let t0 = Instant::now();
    let handles: Vec<_> = (0..MESSAGES)
        .map(|i| {
            let data = Data::new(Payload::StateRequest(StateRequest {
                instance: InstanceIdent {
                    item_id: format!("item-{i}"),
                    subject_id: "s".into(),
                    instance: i as u64,
                    preinstalled: false,
                },
                default: i % 2 == 0,
            }));
            client.send(data).expect("send")
        })
        .collect();
    let mut acked = Vec::new();
    let mut failed = 0usize;
    for h in &handles {
        match h.wait_timeout(Duration::from_secs(240)) {
            Some(DeliveryOutcome::Acked { txn, .. }) => acked.push(txn),
            Some(other) => {
                failed += 1;
                eprintln!("failed: {other}");
            }
            None => panic!("message {} got no outcome: silently lost", h.id()),
        }
    }
    let elapsed = t0.elapsed();
    let report = client.close();
    let state = cloud.state();
    let cuts = proxy.cuts.load(Ordering::SeqCst);
    let wire: usize = state.transmissions.values().sum();
    // every acked message reached the cloud; after txn dedupe, exactly once each
    let missing = acked
        .iter()
        .filter(|t| !state.delivered.contains(*t))
        .count();
    let distinct_ours = acked
        .iter()
        .filter(|t| state.delivered.contains(*t))
        .count();
    println!(
        "no-loss: {MESSAGES} messages, {} acked, {failed} failed, {missing} missing, {cuts} cuts, \
         {} connections, {wire} frames on the wire ({} duplicates, removed by txn dedupe), {:.1} s",
        acked.len(),
        state.connections,
        wire.saturating_sub(state.delivered.len()),
        elapsed.as_secs_f64()
    );
    assert_eq!(
        acked.len() + failed,
        MESSAGES,
        "every message has exactly one outcome"
    );
    assert_eq!(missing, 0, "an acked message never reached the cloud");
    assert_eq!(distinct_ours, acked.len());
    let ours: std::collections::HashSet<&str> = handles.iter().map(|h| h.txn()).collect();
    assert!(
        state.delivered.iter().all(|t| ours.contains(t.as_str())),
        "the cloud got only our messages"
    );
    assert!(report.undelivered.is_empty());
    assert!(cuts >= MIN_CUTS, "only {cuts} cuts");
    assert_eq!(
        failed, 0,
        "with reconnects and resends every message gets through"
    );
}
