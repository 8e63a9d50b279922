//! The client against the mock cloud on 127.0.0.1: the reference's scenarios (protocol-v7.md
//! §7, numbered as there) and what we add (duplicates, dead links, outcomes, discovery codes,
//! typed TLS errors, the message log). Every wait is bounded; nothing sleeps to synchronise.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aoscomm::client::{
    Client, ClientBuilder, ClientEvent, EventStream, RequestError, SendError, SendOptions,
};
use aoscomm::cloud::{AckMode, ClientCertKind, MockCloud, MockCloudConfig};
use aoscomm::protocol::*;
use aoscomm::session::{DeliveryOutcome, FailReason, OverflowPolicy, SubmitError};
use aoscomm::tls::PemSource;
use aoscomm::transport::TransportError;

const WAIT: Duration = Duration::from_secs(10);

fn cloud() -> MockCloud {
    MockCloud::start_blocking(MockCloudConfig::default()).expect("mock cloud")
}

fn builder(cloud: &MockCloud) -> ClientBuilder {
    Client::builder()
        .service_discovery_url(cloud.discovery_url())
        .system_id(cloud.system_id())
        .tls(cloud.client_tls())
        .cloud_response_wait_timeout(Duration::from_secs(5))
        .reconnect_base_delay(Duration::from_millis(20))
        .reconnect_jitter(0.0)
}

fn started(b: ClientBuilder) -> (Client, EventStream) {
    let c = b.build().expect("client");
    let ev = c.subscribe();
    c.start().expect("start");
    (c, ev)
}

/// Waits for the first event matching `f`.
fn wait_event<T>(ev: &EventStream, mut f: impl FnMut(&ClientEvent) -> Option<T>) -> T {
    let deadline = Instant::now() + WAIT;
    loop {
        let left = deadline
            .checked_duration_since(Instant::now())
            .expect("event did not arrive in time");
        let e = ev.recv_timeout(left).expect("event did not arrive in time");
        if let Some(t) = f(&e) {
            return t;
        }
    }
}

fn wait_connected(ev: &EventStream) {
    wait_event(ev, |e| {
        matches!(e, ClientEvent::Connected { .. }).then_some(())
    });
}

fn alerts() -> Data {
    Data::with_correlation_id(Payload::Alerts(Alerts::default()), "id")
}

fn frames_of(cloud: &MockCloud, t: MessageType) -> Vec<String> {
    cloud
        .received()
        .into_iter()
        .filter(|f| f.envelope.as_ref().is_ok_and(|e| e.message_type() == t))
        .map(|f| String::from_utf8_lossy(&f.raw).into_owned())
        .collect()
}

fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

#[test]
fn scenario_1_skips_failing_urls_in_discovery_answer() {
    let cloud = cloud();
    let ws = cloud.ws_url().replace("wss://", "https://");
    cloud.set_connection_info(vec![
        "not a valid URL".into(),
        format!("https://127.0.0.1:{}/", closed_port()),
        ws,
    ]);
    let (c, ev) = started(builder(&cloud));
    let mut failures = 0;
    wait_event(&ev, |e| match e {
        ClientEvent::ConnectFailed { .. } => {
            failures += 1;
            None
        }
        ClientEvent::Connected { url } => Some(url.clone()),
        _ => None,
    });
    assert_eq!(failures, 2);
    assert!(c.is_connected());
    assert_eq!(
        cloud.discovery_count(),
        1,
        "the same discovery answer (and token) is reused"
    );
}

#[test]
fn scenario_2_reconnects_after_the_connection_drops() {
    let cloud = cloud();
    let (c, ev) = started(builder(&cloud));
    wait_connected(&ev);
    assert!(cloud.drop_connection());
    wait_event(&ev, |e| {
        matches!(e, ClientEvent::Disconnected { .. }).then_some(())
    });
    wait_connected(&ev);
    assert!(cloud.wait_connections_blocking(2, WAIT));
    assert_eq!(
        cloud.discovery_count(),
        1,
        "reconnect reuses the cached discovery answer"
    );
    // close frame from the cloud: same
    assert!(cloud.close_connection());
    wait_event(&ev, |e| {
        matches!(e, ClientEvent::Disconnected { .. }).then_some(())
    });
    wait_connected(&ev);
    c.close();
    assert!(!c.is_connected());
}

#[test]
fn scenario_4_unacked_message_is_sent_four_times() {
    let cloud = cloud();
    cloud.set_ack_mode(AckMode::AckNone);
    let (c, ev) = started(builder(&cloud).cloud_response_wait_timeout(Duration::from_millis(300)));
    wait_connected(&ev);
    let h = c.send(alerts()).expect("send");
    let outcome = h.wait_timeout(WAIT).expect("outcome");
    assert_eq!(
        outcome,
        DeliveryOutcome::Failed {
            txn: h.txn().to_string(),
            transmissions: 4,
            reason: FailReason::NoAck
        }
    );
    assert_eq!(cloud.transmissions(h.txn()), 4);
    let frames = frames_of(&cloud, MessageType::Alerts);
    assert_eq!(frames.len(), 4);
    assert!(
        frames.iter().all(|f| *f == frames[0]),
        "same txn and createdAt"
    );
    // nothing more within another response timeout
    assert!(!cloud.wait_for_blocking(
        |s| s.transmissions.get(h.txn()).copied().unwrap_or(0) > 4,
        Duration::from_millis(600)
    ));
}

#[test]
fn scenarios_5_6_12_to_15_frame_layout() {
    let cloud = cloud();
    let (c, ev) = started(builder(&cloud));
    wait_connected(&ev);
    let sends = [
        (
            alerts(),
            r#""data":\{"messageType":"alerts","correlationId":"id","items":\[\]\}"#,
        ),
        (
            Data::new(Payload::OverrideEnvVarsStatus(
                OverrideEnvVarsStatus::default(),
            )),
            r#""data":\{"messageType":"overrideEnvVarsStatus","statuses":\[\]\}"#,
        ),
        (
            Data::new(Payload::MonitoringData(MonitoringData::default())),
            r#""data":\{"messageType":"monitoringData","nodes":\[\]\}"#,
        ),
        (
            Data::new(Payload::PushLog(PushLog {
                node_id: String::new(),
                part: 0,
                parts_count: 0,
                content: vec![],
                status: LogStatus::Ok,
                error: None,
            })),
            r#""data":\{"messageType":"pushLog","node":\{"codename":""\},"part":0,"partsCount":0,"content":"","status":"ok"\}"#,
        ),
        (
            Data::new(Payload::StateRequest(StateRequest::default())),
            r#""data":\{"messageType":"stateRequest","item":\{"id":""\},"subject":\{"id":""\},"instance":0,"default":false\}"#,
        ),
        (
            Data::new(Payload::NewState(NewState::default())),
            r#""data":\{"messageType":"newState","item":\{"id":""\},"subject":\{"id":""\},"instance":0,"stateChecksum":"","state":""\}"#,
        ),
    ];
    for (data, data_re) in sends {
        let t = data.message_type();
        let h = c.send(data).expect("send");
        assert!(h.wait_timeout(WAIT).expect("outcome").is_acked());
        let re = regex::Regex::new(&format!(
            r#"^\{{"header":\{{"version":7,"systemId":"test_system_id","createdAt":"\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{6}}Z","txn":"{}"\}},{data_re}\}}$"#,
            h.txn()
        ))
        .expect("regex");
        let frames = frames_of(&cloud, t);
        assert!(re.is_match(&frames[0]), "{t}: {}", frames[0]);
    }
}

#[test]
fn scenarios_7_to_9_provisioning_requests_are_acked_then_answered() {
    let cloud = cloud();
    let (c, ev) = started(builder(&cloud));
    wait_connected(&ev);
    let req = Data::with_correlation_id(
        Payload::StartProvisioningRequest(NodeRequest {
            node_id: "nodeID".into(),
            password: "Passw0rd!".into(),
        }),
        "2a05b9cc-32fb-41b6-a099-0fca3bb39ce2",
    );
    let txn = cloud.push(req).expect("push");
    let got = wait_event(&ev, |e| match e {
        ClientEvent::Message(env) => Some(env.clone()),
        _ => None,
    });
    assert_eq!(got.header.txn, txn);
    assert!(
        cloud.wait_for_blocking(|s| s.acks_from_unit.contains(&txn), WAIT),
        "the unit acks the request"
    );
    let Payload::StartProvisioningRequest(r) = &got.data.payload else {
        panic!("type")
    };
    // the application answers with the request's correlationId
    let resp = Data::with_correlation_id(
        Payload::StartProvisioningResponse(StartProvisioningResponse {
            node_id: r.node_id.clone(),
            error: None,
            csrs: vec![
                CsrInfo {
                    cert_type: CertType::Cm,
                    csr: "cm".into(),
                },
                CsrInfo {
                    cert_type: CertType::Iam,
                    csr: "iam".into(),
                },
            ],
        }),
        got.data.correlation_id.clone(),
    );
    assert!(c
        .send(resp)
        .expect("send")
        .wait_timeout(WAIT)
        .expect("outcome")
        .is_acked());
    let frames = frames_of(&cloud, MessageType::StartProvisioningResponse);
    assert!(frames[0].ends_with(r#""data":{"messageType":"startProvisioningResponse","correlationId":"2a05b9cc-32fb-41b6-a099-0fca3bb39ce2","node":{"codename":"nodeID"},"csrs":[{"type":"cm","csr":"cm"},{"type":"iam","csr":"iam"}]}}"#));
}

#[test]
fn scenario_10_request_timeout_is_final() {
    let cloud = cloud();
    let (c, ev) = started(builder(&cloud));
    wait_connected(&ev);
    let req = Data::new(Payload::RequestBlobUrls(RequestBlobUrls {
        digests: vec!["sha256:00".into()],
    }));
    let r = c.request_blocking(req, Duration::from_millis(200));
    assert_eq!(
        r.map(|_| ()),
        Err(RequestError::Failed(FailReason::RequestTimedOut))
    );
    assert!(!cloud.wait_for_blocking(
        |s| frames_in(s, MessageType::RequestBlobUrls) > 1,
        Duration::from_millis(500)
    ));
}

fn frames_in(s: &aoscomm::cloud::CloudState, t: MessageType) -> usize {
    s.received
        .iter()
        .filter(|f| f.envelope.as_ref().is_ok_and(|e| e.message_type() == t))
        .count()
}

#[test]
fn scenario_11_request_and_correlated_response() {
    let cloud = cloud();
    cloud.answer_blob_requests(true);
    let (c, ev) = started(builder(&cloud));
    wait_connected(&ev);
    let req = Data::new(Payload::RequestBlobUrls(RequestBlobUrls {
        digests: vec![
            "sha256:3c3a4604a545cdc127456d94e421cd355bca5b528f4a9c1905b15da2eb4a4c6b".into(),
        ],
    }));
    let resp = c.request_blocking(req, WAIT).expect("response");
    let Payload::BlobUrls(b) = &resp.data.payload else {
        panic!("type")
    };
    assert_eq!(b.items.len(), 1);
    assert_eq!(
        b.items[0].digest,
        "sha256:3c3a4604a545cdc127456d94e421cd355bca5b528f4a9c1905b15da2eb4a4c6b"
    );
    assert!(
        cloud.wait_for_blocking(|s| s.acks_from_unit.contains(&resp.header.txn), WAIT),
        "the unit acks blobUrls"
    );
    // async form
    let r2 = c.runtime_handle().block_on(c.request(
        Data::new(Payload::RequestBlobUrls(RequestBlobUrls::default())),
        WAIT,
    ));
    assert!(r2.is_ok());
}

#[test]
fn scenarios_16_to_19_receive_with_case_insensitive_header() {
    let cloud = cloud();
    let (_c, ev) = started(builder(&cloud));
    wait_connected(&ev);
    let raw = br#"{"header":{"systemID":"test_system_id","version":7,"txn":"fb6e8461-2601-4f9a-8957-7ab4e52f304c"},"data":{"messageType":"updateState","item":{"id":"itemID"},"subject":{"id":"subjectID"},"instance":0,"stateChecksum":"746573745f636865636b73756d","state":"test_state"}}"#;
    cloud.push_raw(raw.to_vec());
    let env = wait_event(&ev, |e| match e {
        ClientEvent::Message(env) => Some(env.clone()),
        _ => None,
    });
    let Payload::UpdateState(u) = &env.data.payload else {
        panic!("type")
    };
    assert_eq!(u.state, "test_state");
    assert!(cloud.wait_for_blocking(
        |s| s
            .acks_from_unit
            .iter()
            .any(|t| t == "fb6e8461-2601-4f9a-8957-7ab4e52f304c"),
        WAIT
    ));
}

#[test]
fn scenario_20_acks_are_not_resent() {
    let cloud = cloud();
    let (_c, ev) = started(builder(&cloud).cloud_response_wait_timeout(Duration::from_millis(1)));
    wait_connected(&ev);
    let txn = cloud
        .push(Data::decode(br#"{"messageType":"requestLog","correlationId":"logID","logType":"systemLog","filter":{}}"#).expect("data"))
        .expect("push");
    assert!(cloud.wait_for_blocking(|s| s.acks_from_unit.contains(&txn), WAIT));
    assert!(!cloud.wait_for_blocking(
        |s| s.acks_from_unit.iter().filter(|t| **t == txn).count() > 1,
        Duration::from_millis(500)
    ));
}

#[test]
fn duplicate_txn_is_acked_twice_and_delivered_once() {
    let cloud = cloud();
    let (_c, ev) = started(builder(&cloud));
    wait_connected(&ev);
    let frame = br#"{"header":{"version":7,"systemId":"test_system_id","txn":"dup-1"},"data":{"messageType":"stateAcceptance","item":{"id":"i"},"subject":{"id":"s"},"result":"accepted"}}"#;
    cloud.push_raw(frame.to_vec());
    cloud.push_raw(frame.to_vec());
    assert!(cloud.wait_for_blocking(
        |s| s.acks_from_unit.iter().filter(|t| *t == "dup-1").count() == 2,
        WAIT
    ));
    // a marker message after the duplicates: everything before it has been processed
    let marker = cloud
        .push(Data::new(Payload::Nack(Nack::default())))
        .expect("push");
    let _ = marker;
    let _ = cloud
        .push(
            Data::decode(br#"{"messageType":"requestLog","logType":"crashLog","filter":{}}"#)
                .expect("d"),
        )
        .expect("push");
    let mut delivered = 0;
    wait_event(&ev, |e| match e {
        ClientEvent::Message(env) if env.message_type() == MessageType::StateAcceptance => {
            delivered += 1;
            None
        }
        ClientEvent::Message(env) if env.message_type() == MessageType::RequestLog => Some(()),
        _ => None,
    });
    assert_eq!(delivered, 1);
}

#[test]
fn nack_resends_after_retry_after() {
    let cloud = cloud();
    cloud.set_ack_mode(AckMode::NackFirst {
        n: 1,
        retry_after_ms: 100,
    });
    let (c, ev) = started(builder(&cloud));
    wait_connected(&ev);
    let t0 = Instant::now();
    let h = c.send(alerts()).expect("send");
    let out = h.wait_timeout(WAIT).expect("outcome");
    assert_eq!(
        out,
        DeliveryOutcome::Acked {
            txn: h.txn().to_string(),
            transmissions: 2
        }
    );
    assert!(
        t0.elapsed() >= Duration::from_millis(100),
        "not before retryAfter"
    );
    assert_eq!(cloud.transmissions(h.txn()), 2);
}

#[test]
fn text_frames_and_invalid_frames_are_ignored() {
    let cloud = cloud();
    let (c, ev) = started(builder(&cloud));
    wait_connected(&ev);
    cloud.push_text(r#"{"header":{"version":7},"data":{"messageType":"ack"}}"#);
    cloud.push_raw(b"{not json".to_vec());
    let reason = wait_event(&ev, |e| match e {
        ClientEvent::Rejected { reason } => Some(reason.clone()),
        _ => None,
    });
    assert!(reason.starts_with("json:"), "{reason}");
    assert!(c.is_connected(), "the connection is kept");
    assert!(c
        .send(alerts())
        .expect("send")
        .wait_timeout(WAIT)
        .expect("outcome")
        .is_acked());
    assert_eq!(cloud.state().acks_from_unit.len(), 0, "nothing was acked");
}

#[test]
fn dead_link_is_detected_within_ping_interval_plus_timeout() {
    let cloud = cloud();
    let ping = Duration::from_millis(200);
    let timeout = Duration::from_millis(300);
    let (_c, ev) = started(
        builder(&cloud)
            .ping_interval(ping)
            .dead_link_timeout(timeout),
    );
    wait_connected(&ev);
    assert!(cloud.hold_connection());
    let t0 = Instant::now();
    let reason = wait_event(&ev, |e| match e {
        ClientEvent::Disconnected { reason } => Some(reason.clone()),
        _ => None,
    });
    let took = t0.elapsed();
    assert!(reason.contains("dead link"), "{reason}");
    assert!(
        took <= ping + timeout + Duration::from_millis(400),
        "took {took:?}"
    );
    wait_connected(&ev);
}

#[test]
fn every_send_gets_an_outcome_and_close_reports_the_rest() {
    let cloud = cloud();
    cloud.set_ack_mode(AckMode::AckNone);
    let (c, ev) = started(builder(&cloud).cloud_response_wait_timeout(Duration::from_secs(30)));
    wait_connected(&ev);
    let handles: Vec<_> = (0..5).map(|_| c.send(alerts()).expect("send")).collect();
    assert!(cloud.wait_received_blocking(5, WAIT));
    let report = c.close();
    assert_eq!(report.undelivered.len(), 5);
    for h in &handles {
        assert!(matches!(
            h.try_outcome(),
            Some(DeliveryOutcome::Failed {
                reason: FailReason::Closed,
                ..
            })
        ));
    }
    assert!(report
        .undelivered
        .iter()
        .zip(&handles)
        .all(|(u, h)| u.txn == h.txn()));
    // the event stream ends after close
    let mut n = 0;
    while ev.recv_timeout(WAIT).is_some() {
        n += 1;
        assert!(n < 1000);
    }
    assert!(matches!(
        c.send(alerts()),
        Err(SendError::Submit(SubmitError::Closed))
    ));
    assert_eq!(c.close(), report, "close is idempotent");
}

#[test]
fn close_with_drain_waits_for_acks() {
    let cloud = cloud();
    cloud.set_ack_mode(AckMode::AckAfter(Duration::from_millis(100)));
    let (c, ev) = started(builder(&cloud));
    wait_connected(&ev);
    let h = c.send(alerts()).expect("send");
    let report = c.close_with_drain(WAIT);
    assert!(report.undelivered.is_empty());
    assert!(h.try_outcome().expect("outcome").is_acked());
}

#[test]
fn queue_bound_and_validation_errors() {
    let cloud = cloud();
    let c = builder(&cloud)
        .queue_max_messages(2)
        .build()
        .expect("client");
    // before start: non-important refused, important queued
    assert!(matches!(
        c.send(Data::new(Payload::UnitStatus(UnitStatus::default()))),
        Err(SendError::Submit(SubmitError::NotStarted))
    ));
    c.send(alerts()).expect("important before start");
    c.send_with(
        Data::new(Payload::UnitStatus(UnitStatus::default())),
        SendOptions {
            important: Some(true),
        },
    )
    .expect("explicitly important");
    assert!(matches!(
        c.send(alerts()),
        Err(SendError::Submit(SubmitError::QueueFull { .. }))
    ));
    // invalid JSON names the field; nothing queued
    let err = c
        .send_json(
            br#"{"messageType":"startProvisioningResponse","node":{}}"#,
            SendOptions::default(),
        )
        .expect_err("invalid");
    assert_eq!(
        err.to_string(),
        "invalid data: data.node: missing key \"codename\""
    );
    let ev = c.subscribe();
    c.start().expect("start");
    let mut acked = 0;
    wait_event(&ev, |e| match e {
        ClientEvent::Delivery { outcome, .. } if outcome.is_acked() => {
            acked += 1;
            (acked == 2).then_some(())
        }
        _ => None,
    });
    // drop-oldest policy
    let cloud2 = self::cloud();
    cloud2.set_ack_mode(AckMode::AckNone);
    let c2 = builder(&cloud2)
        .queue_max_messages(2)
        .overflow(OverflowPolicy::DropOldestNonImportant)
        .build()
        .expect("client");
    c2.start().expect("start");
    let u = || Data::new(Payload::UnitStatus(UnitStatus::default()));
    let first = c2.send(u()).expect("1");
    c2.send(u()).expect("2");
    c2.send(u()).expect("3 evicts 1");
    assert!(matches!(
        first.wait_timeout(WAIT),
        Some(DeliveryOutcome::Dropped { .. })
    ));
}

#[test]
fn discovery_redirect_and_repeat_later_are_honoured() {
    let front = cloud();
    // the redirect target belongs to the same cloud: same PKI
    let p = front.pki();
    let target = MockCloud::start_blocking(MockCloudConfig {
        pki: Some(aoscomm::cloud::TestPki::from_pems(
            p.ca.clone(),
            p.server.clone(),
            p.client.clone(),
        )),
        ..MockCloudConfig::default()
    })
    .expect("target cloud");
    front.discovery_redirect(&target.discovery_url());
    let (c, ev) = started(builder(&front));
    wait_connected(&ev);
    assert_eq!(front.discovery_count(), 1);
    assert_eq!(target.discovery_count(), 1);
    assert!(
        target.wait_connections_blocking(1, WAIT),
        "connected where the redirect pointed"
    );
    assert_eq!(front.connection_count(), 0);
    c.close();

    let cloud = cloud();
    cloud.discovery_repeat_later(150);
    let t0 = Instant::now();
    let (_c, ev) = started(builder(&cloud));
    assert!(cloud.wait_for_blocking(|s| s.discovery_count() >= 1, WAIT));
    cloud.discovery_normal();
    wait_connected(&ev);
    assert!(
        t0.elapsed() >= Duration::from_millis(150),
        "waited nextRequestDelay before asking again"
    );
    assert_eq!(cloud.discovery_count(), 2);
}

#[test]
fn unauthorized_upgrade_clears_the_discovery_cache() {
    let cloud = cloud();
    cloud.reject_upgrade_401(1);
    let (_c, ev) = started(builder(&cloud));
    let err = wait_event(&ev, |e| match e {
        ClientEvent::ConnectFailed { error, .. } => Some(error.clone()),
        _ => None,
    });
    assert!(err.is_unauthorized(), "{err}");
    wait_connected(&ev);
    assert_eq!(cloud.discovery_count(), 2, "rediscovered after 401");
    let ups = cloud.state().upgrades;
    assert!(ups
        .iter()
        .all(|u| u.authorization.as_deref() == Some("Bearer test-auth-token")));
}

fn first_connect_error(b: ClientBuilder) -> Arc<TransportError> {
    let (_c, ev) = started(b);
    wait_event(&ev, |e| match e {
        ClientEvent::ConnectFailed { error, .. } => Some(error.clone()),
        ClientEvent::Connected { .. } => panic!("connected with bad TLS settings"),
        _ => None,
    })
}

#[test]
fn tls_failures_each_give_their_own_error() {
    let cloud = cloud();
    let pki = cloud.pki();
    let with_client = |kind: ClientCertKind| {
        let pair = pki.mint_client(kind).expect("mint");
        builder(&cloud).tls(cloud.client_tls_with(Some(&pair)))
    };
    let mut kinds = Vec::new();
    // no client certificate
    let e = first_connect_error(builder(&cloud).tls(cloud.client_tls_with(None)));
    assert!(matches!(*e, TransportError::NoClientCertificate), "{e:?}");
    kinds.push(e.kind());
    for (kind, what) in [
        (ClientCertKind::OtherCa, "other CA"),
        (ClientCertKind::Expired, "expired"),
        (ClientCertKind::ServerAuthOnly, "serverAuth-only EKU"),
    ] {
        let e = first_connect_error(with_client(kind));
        assert!(
            matches!(*e, TransportError::ClientCertificateRejected { .. }),
            "{what}: {e:?}"
        );
    }
    kinds.push("client_certificate_rejected");
    // untrusted server
    let other = aoscomm::cloud::TestPki::other_ca_pem().expect("other ca");
    let e = first_connect_error(builder(&cloud).ca_cert(PemSource::pem(other.as_bytes())));
    assert!(
        matches!(*e, TransportError::UntrustedServer { .. }),
        "{e:?}"
    );
    kinds.push(e.kind());
    // hostname mismatch
    let e = first_connect_error(builder(&cloud).server_name("other.example"));
    assert!(
        matches!(*e, TransportError::HostnameMismatch { .. }),
        "{e:?}"
    );
    kinds.push(e.kind());
    // HTTP status
    cloud.discovery_fail_status(503, 100);
    let e = first_connect_error(builder(&cloud));
    assert!(
        matches!(*e, TransportError::HttpStatus { status: 503, .. }),
        "{e:?}"
    );
    kinds.push(e.kind());
    cloud.discovery_fail_status(503, 0);
    // timeout: a listener that accepts TCP but never speaks TLS
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!(
        "https://127.0.0.1:{}/sd/v7/",
        silent.local_addr().expect("addr").port()
    );
    let e = first_connect_error(
        builder(&cloud)
            .service_discovery_url(url)
            .discovery_timeout(Duration::from_millis(300)),
    );
    assert!(matches!(*e, TransportError::Timeout { .. }), "{e:?}");
    kinds.push(e.kind());
    let distinct: std::collections::HashSet<_> = kinds.iter().collect();
    assert_eq!(distinct.len(), kinds.len(), "{kinds:?}");
}

#[test]
fn message_log_is_written_and_re_decodes() {
    let cloud = cloud();
    cloud.answer_blob_requests(true);
    let dir = std::env::temp_dir().join(format!("aoscomm-log-{}", std::process::id()));
    let path = dir.join("sub/cloud.log");
    let (c, ev) = started(builder(&cloud).cloud_message_log(&path));
    wait_connected(&ev);
    assert!(c
        .send(alerts())
        .expect("send")
        .wait_timeout(WAIT)
        .expect("outcome")
        .is_acked());
    c.request_blocking(
        Data::new(Payload::RequestBlobUrls(RequestBlobUrls::default())),
        WAIT,
    )
    .expect("response");
    cloud.push_raw(b"{broken".to_vec());
    wait_event(&ev, |e| {
        matches!(e, ClientEvent::Rejected { .. }).then_some(())
    });
    c.close();
    let text = std::fs::read_to_string(&path).expect("log");
    let lines: Vec<_> = text.lines().collect();
    assert!(lines.len() >= 6, "{text}");
    let mut tx = 0;
    let mut rx_invalid = 0;
    for l in &lines {
        let (dir, json) = l.split_at(4);
        assert!(dir == "TX: " || dir == "RX: ", "{l}");
        match Envelope::decode(json.as_bytes()) {
            Ok(_) => tx += usize::from(dir == "TX: "),
            Err(_) => {
                assert_eq!(dir, "RX: ", "everything we send decodes");
                rx_invalid += 1;
            }
        }
    }
    assert!(tx >= 3, "alerts, requestBlobUrls and the ack of blobUrls");
    assert_eq!(
        rx_invalid, 1,
        "invalid frames are logged too, before validation"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn scenario_3_subscribers_are_independent() {
    // The reference's listener subscribe/unsubscribe becomes independent event streams.
    let cloud = cloud();
    let c = builder(&cloud).build().expect("client");
    let a = c.subscribe();
    let b = c.subscribe();
    c.start().expect("start");
    wait_connected(&a);
    drop(b); // unsubscribing one stream does not affect the other
    let h = c.send(alerts()).expect("send");
    let id = wait_event(&a, |e| match e {
        ClientEvent::Delivery { id, .. } => Some(*id),
        _ => None,
    });
    assert_eq!(id, h.id());
    c.close();
    // after close the stream ends instead of blocking
    let t0 = Instant::now();
    while a.recv_timeout(WAIT).is_some() {}
    assert!(t0.elapsed() < WAIT);
}

#[test]
fn runs_on_a_runtime_it_is_handed() {
    let cloud = cloud();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let c = builder(&cloud)
        .runtime(rt.handle().clone())
        .build()
        .expect("client");
    let ev = c.subscribe();
    c.start().expect("start");
    wait_connected(&ev);
    let outcome = rt.block_on(async { c.send(alerts()).expect("send").outcome().await });
    assert!(outcome.is_acked());
    assert!(c.close().undelivered.is_empty());
    drop(c);
    drop(rt); // the caller's runtime is still usable until the caller drops it
}

#[test]
fn cancel_ends_a_pending_request_and_a_held_message() {
    let cloud = cloud();
    // Nothing is acked or answered: both stay held until cancelled.
    cloud.set_ack_mode(AckMode::AckNone);
    let (c, ev) = started(builder(&cloud));
    wait_connected(&ev);
    let req = Data::new(Payload::RequestBlobUrls(RequestBlobUrls {
        digests: vec!["sha256:00".into()],
    }));
    let r = c.submit_request(req, WAIT).expect("request");
    let h = c.send(alerts()).expect("send");
    assert!(cloud.wait_received_blocking(2, WAIT));
    assert!(c.cancel(r.id()));
    assert!(c.cancel(h.id()));
    assert!(!c.cancel(h.id()));
    assert_eq!(
        r.wait_timeout(WAIT).map(|_| ()),
        Err(RequestError::Failed(FailReason::Cancelled))
    );
    assert!(matches!(
        h.wait_timeout(WAIT),
        Some(DeliveryOutcome::Failed {
            reason: FailReason::Cancelled,
            transmissions: 1,
            ..
        })
    ));
    // The client goes on: a new message is acked.
    cloud.set_ack_mode(AckMode::AckAll);
    let h2 = c.send(alerts()).expect("send");
    assert!(h2.wait_timeout(WAIT).is_some_and(|o| o.is_acked()));
}

#[test]
fn dropped_event_streams_unsubscribe_and_last_connect_error_is_kept() {
    let cloud = cloud();
    let c = builder(&cloud)
        .service_discovery_url(format!("https://127.0.0.1:{}/sd", closed_port()))
        .build()
        .expect("client");
    let kept = c.subscribe();
    for _ in 0..100 {
        drop(c.subscribe());
    }
    c.start().expect("start");
    wait_event(&kept, |e| {
        matches!(e, ClientEvent::ConnectFailed { .. }).then_some(())
    });
    let (stage, err) = c.last_connect_error().expect("a failure is recorded");
    assert_eq!(stage, aoscomm::client::ConnectStage::Discovery);
    assert_eq!(err.kind(), "connect");
    assert_eq!(c.subscriber_count(), 1, "the 100 dropped streams are gone");
}

#[test]
fn outcome_and_response_callbacks_fire_once_before_or_after_completion() {
    let cloud = cloud();
    cloud.answer_blob_requests(true);
    let (c, ev) = started(builder(&cloud));
    wait_connected(&ev);
    let (tx, rx) = std::sync::mpsc::channel();
    let h = c.send(alerts()).expect("send");
    let t1 = tx.clone();
    h.on_outcome(move |o| t1.send(format!("early {}", o.is_acked())).expect("send"));
    assert!(h.wait_timeout(WAIT).is_some_and(|o| o.is_acked()));
    // Registered after the outcome: runs at once, on this thread.
    let t2 = tx.clone();
    h.on_outcome(move |o| t2.send(format!("late {}", o.is_acked())).expect("send"));
    let r = c
        .submit_request(
            Data::new(Payload::RequestBlobUrls(RequestBlobUrls {
                digests: vec!["sha256:00".into()],
            })),
            WAIT,
        )
        .expect("request");
    r.on_response(move |resp| {
        tx.send(format!(
            "response {}",
            resp.map(|e| e.message_type().to_string())
                .unwrap_or_default()
        ))
        .expect("send")
    });
    let mut got: Vec<String> = (0..3)
        .map(|_| rx.recv_timeout(WAIT).expect("callback"))
        .collect();
    got.sort();
    assert_eq!(got, ["early true", "late true", "response blobUrls"]);
    assert!(
        rx.recv_timeout(Duration::from_millis(100)).is_err(),
        "each fires once"
    );
}

#[test]
fn wait_connected_reports_up_timeout_and_close() {
    let cloud = cloud();
    let c = builder(&cloud).build().expect("client");
    assert!(
        !c.wait_connected_blocking(Duration::from_millis(50)),
        "not started"
    );
    c.start().expect("start");
    assert!(c.wait_connected_blocking(WAIT));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    assert!(rt.block_on(c.wait_connected(WAIT)));
    c.close();
    assert!(c.is_closed());
    assert!(
        !c.wait_connected_blocking(WAIT),
        "a closed client never connects"
    );
}
