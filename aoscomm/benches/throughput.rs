//! Messages per second through one connection with acks, against the mock cloud on loopback
//! TLS, with a send window of 1 (each message waits for its ack) and of 64.

use std::time::{Duration, Instant};

use aoscomm::client::{Client, ClientEvent, SendOptions};
use aoscomm::cloud::{MockCloud, MockCloudConfig};
use aoscomm::protocol::{Data, InstanceIdent, Payload, StateRequest};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn message(i: u64) -> Data {
    Data::new(Payload::StateRequest(StateRequest {
        instance: InstanceIdent {
            item_id: "bench-item".into(),
            subject_id: "bench-subject".into(),
            instance: i,
            preinstalled: false,
        },
        default: false,
    }))
}

/// A client of `cloud` with this send window, started and connected.
fn connected_client(cloud: &MockCloud, window: usize) -> Client {
    let client = Client::builder()
        .service_discovery_url(cloud.discovery_url())
        .system_id(cloud.system_id())
        .tls(cloud.client_tls())
        .max_in_flight(window)
        .queue_max_messages(1 << 20)
        .queue_max_bytes(1 << 30)
        .build()
        .expect("client");
    let ev = client.subscribe();
    client.start().expect("start");
    while !matches!(
        ev.recv_timeout(Duration::from_secs(10)),
        Some(ClientEvent::Connected { .. })
    ) {}
    client
}

fn bench(c: &mut Criterion) {
    let cloud = MockCloud::start_blocking(MockCloudConfig::default()).expect("mock cloud");
    let mut g = c.benchmark_group("acked_messages");
    g.throughput(Throughput::Elements(1));
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(6));
    for window in [1usize, 64] {
        let client = connected_client(&cloud, window);
        g.bench_function(format!("window_{window}"), |b| {
            b.iter_custom(|iters| {
                let t0 = Instant::now();
                let handles: Vec<_> = (0..iters)
                    .map(|i| client.send(message(i)).expect("send"))
                    .collect();
                for h in handles {
                    let o = h.wait_timeout(Duration::from_secs(60)).expect("outcome");
                    assert!(o.is_acked());
                }
                t0.elapsed()
            })
        });
        client.close();
    }
    g.finish();

    // The cost of one send call (validation of the data JSON + queueing), timed alone: the
    // peer of the C ABI's aoscomm_client_send (bindings-tests/c/bench). Outcomes are awaited
    // outside the timing.
    let json = br#"{"messageType":"stateRequest","item":{"id":"bench-item"},"subject":{"id":"bench-subject"},"instance":1,"default":false}"#;
    let client = connected_client(&cloud, 64);
    let mut g = c.benchmark_group("send_call");
    g.sample_size(20);
    g.bench_function("rust_send_json", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            let mut handles = Vec::with_capacity(iters as usize);
            for _ in 0..iters {
                let t0 = Instant::now();
                let h = client
                    .send_json(json, SendOptions::default())
                    .expect("send");
                spent += t0.elapsed();
                handles.push(h);
            }
            for h in handles {
                assert!(h
                    .wait_timeout(Duration::from_secs(60))
                    .expect("outcome")
                    .is_acked());
            }
            spent
        })
    });
    g.finish();
    client.close();
}

criterion_group!(benches, bench);
criterion_main!(benches);
