//! The session engine with a fake clock: every retry, nack, correlation, duplicate, queue and
//! reconnect rule, deterministically. Scenario numbers refer to protocol-v7.md §7.

use std::time::{Duration, Instant};

use aoscomm::protocol::*;
use aoscomm::session::*;

const SYSTEM_ID: &str = "test_system_id";

struct Clock(Instant);
impl Clock {
    fn at(&self, ms: u64) -> Instant {
        self.0 + Duration::from_millis(ms)
    }
}

fn session(cfg: impl FnOnce(&mut SessionConfig)) -> Session {
    let mut c = SessionConfig::new(SYSTEM_ID);
    c.response_timeout = Duration::from_millis(500);
    cfg(&mut c);
    let mut n = 0u32;
    let mut s = Session::new(c)
        .with_txn_source(move || {
            n += 1;
            format!("00000000-0000-4000-8000-{n:012}")
        })
        .with_wall_clock(|| Timestamp::from_unix_micros(1_700_000_000_000_000));
    s.start();
    s.on_connected();
    s
}

fn alerts() -> Data {
    Data::with_correlation_id(Payload::Alerts(Alerts::default()), "id")
}

fn unit_status() -> Data {
    Data::new(Payload::UnitStatus(UnitStatus::default()))
}

fn cloud_frame(txn: &str, data: Data) -> Vec<u8> {
    Envelope {
        header: Header {
            system_id: SYSTEM_ID.into(),
            created_at: None,
            txn: txn.into(),
        },
        data,
    }
    .encode()
    .expect("encode")
}

fn ack(txn: &str) -> Vec<u8> {
    cloud_frame(txn, Data::new(Payload::Ack(Ack {})))
}

fn nack(txn: &str, retry_after_ms: i64) -> Vec<u8> {
    cloud_frame(txn, Data::new(Payload::Nack(Nack { retry_after_ms })))
}

fn update_state() -> Data {
    Data::new(Payload::UpdateState(UpdateState {
        instance: InstanceIdent {
            item_id: "item".into(),
            subject_id: "subject".into(),
            ..Default::default()
        },
        state_checksum: vec![],
        state: "s".into(),
    }))
}

fn drain(s: &mut Session, now: Instant) -> Vec<Transmit> {
    std::iter::from_fn(|| s.poll_transmit(now)).collect()
}

fn events(s: &mut Session) -> Vec<SessionEvent> {
    std::iter::from_fn(|| s.poll_event()).collect()
}

fn outcomes(evs: &[SessionEvent]) -> Vec<(MessageId, DeliveryOutcome)> {
    evs.iter()
        .filter_map(|e| match e {
            SessionEvent::Delivery { id, outcome, .. } => Some((*id, outcome.clone())),
            _ => None,
        })
        .collect()
}

/// Runs the session's own timers until `until`, sending whatever becomes due.
fn run_until(s: &mut Session, until: Instant) -> Vec<(Instant, Transmit)> {
    let mut sent = Vec::new();
    while let Some(t) = s.poll_timeout() {
        if t > until {
            break;
        }
        s.handle_timeout(t);
        for tx in drain(s, t) {
            sent.push((t, tx));
        }
    }
    sent
}

#[test]
fn scenario_4_unacked_message_is_sent_four_times_then_fails() {
    let c = Clock(Instant::now());
    let mut s = session(|_| {});
    let id = s
        .submit(alerts(), SubmitOptions::default(), c.at(0))
        .expect("submit");
    let first = drain(&mut s, c.at(0));
    assert_eq!(first.len(), 1);
    let resends = run_until(&mut s, c.at(10_000));
    assert_eq!(resends.len(), 3, "exactly 3 resends");
    for (i, (at, tx)) in resends.iter().enumerate() {
        assert_eq!(
            *at,
            c.at(500 * (i as u64 + 1)),
            "resend after the response timeout"
        );
        // same txn and createdAt: byte-identical frames
        assert_eq!(tx.bytes, first[0].bytes);
        assert_eq!(tx.transmission, i as u32 + 2);
    }
    assert_eq!(
        outcomes(&events(&mut s)),
        [(
            id,
            DeliveryOutcome::Failed {
                txn: first[0].txn.clone(),
                transmissions: 4,
                reason: FailReason::NoAck
            }
        )]
    );
    assert!(s.is_idle());
    assert_eq!(s.poll_timeout(), None, "nothing more is scheduled");
}

#[test]
fn scenario_5_frame_layout_matches_the_reference() {
    let c = Clock(Instant::now());
    let mut s = session(|_| {});
    s.submit(alerts(), SubmitOptions::default(), c.at(0))
        .expect("submit");
    let tx = drain(&mut s, c.at(0)).remove(0);
    let re = regex::Regex::new(r#"^\{"header":\{"version":7,"systemId":"test_system_id","createdAt":"[^"]+","txn":"[0-9a-f-]{36}"\},"data":\{"messageType":"alerts","correlationId":"id","items":\[\]\}\}$"#)
        .expect("regex");
    assert!(re.is_match(std::str::from_utf8(&tx.bytes).expect("utf8")));
}

#[test]
fn ack_completes_and_unknown_ack_is_ignored() {
    let c = Clock(Instant::now());
    let mut s = session(|_| {});
    let id = s
        .submit(alerts(), SubmitOptions::default(), c.at(0))
        .expect("submit");
    let tx = drain(&mut s, c.at(0)).remove(0);
    assert_eq!(
        s.on_frame(&ack("no-such-txn"), c.at(1)),
        FrameVerdict::Unknown
    );
    assert_eq!(s.on_frame(&ack(&tx.txn), c.at(2)), FrameVerdict::Control);
    let evs = events(&mut s);
    assert!(matches!(
        &evs[0],
        SessionEvent::UnknownTxn {
            message_type: MessageType::Ack,
            ..
        }
    ));
    assert_eq!(
        outcomes(&evs),
        [(
            id,
            DeliveryOutcome::Acked {
                txn: tx.txn.clone(),
                transmissions: 1
            }
        )]
    );
    // acks are never acked back and nothing is resent afterwards
    assert!(drain(&mut s, c.at(3)).is_empty());
    assert!(run_until(&mut s, c.at(10_000)).is_empty());
}

#[test]
fn scenario_20_our_acks_are_send_only() {
    let c = Clock(Instant::now());
    let mut s = session(|cfg| cfg.response_timeout = Duration::from_millis(1));
    let frame = cloud_frame("fb6e8461-2601-4f9a-8957-7ab4e52f304c", update_state());
    assert_eq!(s.on_frame(&frame, c.at(0)), FrameVerdict::Delivered);
    let out = drain(&mut s, c.at(0));
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].message_type, MessageType::Ack);
    let env = Envelope::decode(&out[0].bytes).expect("ack decodes");
    assert_eq!(env.header.txn, "fb6e8461-2601-4f9a-8957-7ab4e52f304c");
    assert_eq!(
        env.data.encode().expect("encode"),
        br#"{"messageType":"ack"}"#
    );
    assert!(
        run_until(&mut s, c.at(1000)).is_empty(),
        "acks are never resent"
    );
    assert!(matches!(events(&mut s)[0], SessionEvent::Received(_)));
}

#[test]
fn nack_resends_after_retry_after_exactly_and_is_capped() {
    let c = Clock(Instant::now());
    let mut s = session(|cfg| {
        cfg.max_nack_resends = 2;
        cfg.response_timeout = Duration::from_secs(60);
    });
    let id = s
        .submit(alerts(), SubmitOptions::default(), c.at(0))
        .expect("submit");
    let tx = drain(&mut s, c.at(0)).remove(0);
    assert_eq!(
        s.on_frame(&nack(&tx.txn, 224), c.at(10)),
        FrameVerdict::Control
    );
    assert!(drain(&mut s, c.at(10)).is_empty());
    assert_eq!(
        s.poll_timeout(),
        Some(c.at(234)),
        "wakes exactly at retryAfter (fixes §9.1)"
    );
    s.handle_timeout(c.at(233));
    assert!(drain(&mut s, c.at(233)).is_empty(), "not before retryAfter");
    s.handle_timeout(c.at(234));
    let again = drain(&mut s, c.at(234));
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].bytes, tx.bytes, "same txn and createdAt");
    // default retryAfter is 500 ms
    let no_retry = cloud_frame(
        &tx.txn,
        Data::decode(br#"{"messageType":"nack"}"#).expect("nack"),
    );
    s.on_frame(&no_retry, c.at(300));
    assert_eq!(s.poll_timeout(), Some(c.at(800)));
    s.handle_timeout(c.at(800));
    assert_eq!(drain(&mut s, c.at(800)).len(), 1);
    // third nack exceeds max_nack_resends = 2
    s.on_frame(&nack(&tx.txn, 0), c.at(900));
    assert_eq!(
        outcomes(&events(&mut s)),
        [(
            id,
            DeliveryOutcome::Failed {
                txn: tx.txn.clone(),
                transmissions: 3,
                reason: FailReason::NackLimit
            }
        )]
    );
}

#[test]
fn nack_for_unknown_txn_never_blocks() {
    let c = Clock(Instant::now());
    let mut s = session(|_| {});
    for i in 0..10 {
        assert_eq!(
            s.on_frame(&nack(&format!("unknown-{i}"), 100), c.at(0)),
            FrameVerdict::Unknown
        );
    }
    // processing goes on: a real message is still delivered and acked
    assert_eq!(
        s.on_frame(&cloud_frame("t1", update_state()), c.at(1)),
        FrameVerdict::Delivered
    );
    assert_eq!(drain(&mut s, c.at(1)).len(), 1);
}

#[test]
fn negative_retry_after_resends_at_once() {
    let c = Clock(Instant::now());
    let mut s = session(|_| {});
    s.submit(alerts(), SubmitOptions::default(), c.at(0))
        .expect("submit");
    let tx = drain(&mut s, c.at(0)).remove(0);
    s.on_frame(&nack(&tx.txn, -5), c.at(7));
    assert_eq!(s.poll_timeout(), Some(c.at(7)));
    s.handle_timeout(c.at(7));
    assert_eq!(drain(&mut s, c.at(7)).len(), 1);
}

#[test]
fn scenario_11_request_response_correlation() {
    let c = Clock(Instant::now());
    let mut s = session(|_| {});
    let req = Data::new(Payload::RequestBlobUrls(RequestBlobUrls {
        digests: vec!["sha256:ab".into()],
    }));
    let id = s
        .submit(
            req,
            SubmitOptions {
                request_timeout: Some(Duration::from_secs(5)),
                ..Default::default()
            },
            c.at(0),
        )
        .expect("submit");
    let tx = drain(&mut s, c.at(0)).remove(0);
    let sent = Envelope::decode(&tx.bytes).expect("decode");
    // correlationId = first UUID, txn = second UUID (§5.4)
    assert_eq!(
        sent.data.correlation_id,
        "00000000-0000-4000-8000-000000000001"
    );
    assert_eq!(sent.header.txn, "00000000-0000-4000-8000-000000000002");
    s.on_frame(&ack(&tx.txn), c.at(10));
    let reply = Data::with_correlation_id(
        Payload::BlobUrls(BlobUrls {
            items: vec![BlobInfo {
                digest: "sha256:ab".into(),
                ..Default::default()
            }],
        }),
        sent.data.correlation_id.clone(),
    );
    assert_eq!(
        s.on_frame(&cloud_frame("cloud-txn-1", reply), c.at(20)),
        FrameVerdict::Delivered
    );
    let evs = events(&mut s);
    assert_eq!(
        outcomes(&evs),
        [(
            id,
            DeliveryOutcome::Acked {
                txn: tx.txn.clone(),
                transmissions: 1
            }
        )]
    );
    let Some(SessionEvent::Response { request, envelope }) = evs.last() else {
        panic!("{evs:?}")
    };
    assert_eq!(*request, id);
    assert_eq!(envelope.message_type(), MessageType::BlobUrls);
    // the unit acks the blobUrls frame
    let out = drain(&mut s, c.at(20));
    assert_eq!(
        Envelope::decode(&out[0].bytes).expect("ack").header.txn,
        "cloud-txn-1"
    );
    assert!(s.is_idle());
    assert!(
        run_until(&mut s, c.at(60_000)).is_empty(),
        "nothing is resent afterwards"
    );
}

#[test]
fn response_without_ack_completes_the_request() {
    // §9.5: the reference keeps resending a request whose response arrived but whose ack did not.
    let c = Clock(Instant::now());
    let mut s = session(|_| {});
    let req = Data::new(Payload::RequestBlobUrls(RequestBlobUrls::default()));
    let id = s
        .submit(
            req,
            SubmitOptions {
                request_timeout: Some(Duration::from_secs(5)),
                ..Default::default()
            },
            c.at(0),
        )
        .expect("submit");
    let tx = drain(&mut s, c.at(0)).remove(0);
    let corr = Envelope::decode(&tx.bytes)
        .expect("decode")
        .data
        .correlation_id;
    let reply = Data::with_correlation_id(Payload::BlobUrls(BlobUrls::default()), corr);
    s.on_frame(&cloud_frame("r1", reply), c.at(100));
    let evs = events(&mut s);
    assert_eq!(
        outcomes(&evs),
        [(
            id,
            DeliveryOutcome::Acked {
                txn: tx.txn,
                transmissions: 1
            }
        )]
    );
    drain(&mut s, c.at(100));
    assert!(
        run_until(&mut s, c.at(60_000)).is_empty(),
        "no resend of an answered request"
    );
}

#[test]
fn scenario_10_request_timeout_is_final() {
    let c = Clock(Instant::now());
    let mut s = session(|cfg| cfg.response_timeout = Duration::from_secs(10));
    let req = Data::new(Payload::RequestBlobUrls(RequestBlobUrls::default()));
    let id = s
        .submit(
            req,
            SubmitOptions {
                request_timeout: Some(Duration::from_millis(1)),
                ..Default::default()
            },
            c.at(0),
        )
        .expect("submit");
    let tx = drain(&mut s, c.at(0)).remove(0);
    assert!(
        run_until(&mut s, c.at(60_000)).is_empty(),
        "not sent again after the timeout"
    );
    let evs = events(&mut s);
    assert!(evs.contains(&SessionEvent::RequestFailed {
        request: id,
        reason: FailReason::RequestTimedOut
    }));
    assert_eq!(
        outcomes(&evs),
        [(
            id,
            DeliveryOutcome::Failed {
                txn: tx.txn,
                transmissions: 1,
                reason: FailReason::RequestTimedOut
            }
        )]
    );
    assert!(s.is_idle());
}

#[test]
fn duplicate_incoming_txn_is_acked_twice_and_delivered_once() {
    let c = Clock(Instant::now());
    let mut s = session(|_| {});
    let frame = cloud_frame("dup-txn", update_state());
    assert_eq!(s.on_frame(&frame, c.at(0)), FrameVerdict::Delivered);
    assert_eq!(s.on_frame(&frame, c.at(1)), FrameVerdict::Duplicate);
    let acks = drain(&mut s, c.at(1));
    assert_eq!(acks.len(), 2);
    assert!(acks
        .iter()
        .all(|a| a.txn == "dup-txn" && a.message_type == MessageType::Ack));
    let evs = events(&mut s);
    assert_eq!(
        evs.iter()
            .filter(|e| matches!(e, SessionEvent::Received(_)))
            .count(),
        1
    );
    assert_eq!(
        evs.iter()
            .filter(|e| matches!(e, SessionEvent::Duplicate { .. }))
            .count(),
        1
    );
}

#[test]
fn invalid_frames_are_dropped_without_ack_and_the_session_goes_on() {
    let c = Clock(Instant::now());
    let mut s = session(|_| {});
    let wrong_system = Envelope {
        header: Header {
            system_id: "other".into(),
            created_at: None,
            txn: "t".into(),
        },
        data: update_state(),
    }
    .encode()
    .expect("encode");
    let unit_type = cloud_frame("t2", unit_status());
    let cases: [&[u8]; 4] = [
        b"not json",
        br#"{"header":{"version":6},"data":{"messageType":"ack"}}"#,
        &wrong_system,
        &unit_type,
    ];
    for f in cases {
        assert_eq!(s.on_frame(f, c.at(0)), FrameVerdict::Rejected);
    }
    assert!(drain(&mut s, c.at(0)).is_empty(), "no ack, no nack");
    let evs = events(&mut s);
    assert!(matches!(
        &evs[0],
        SessionEvent::Rejected(RejectReason::Decode(_))
    ));
    assert!(matches!(
        &evs[2],
        SessionEvent::Rejected(RejectReason::SystemIdMismatch { .. })
    ));
    assert!(matches!(
        &evs[3],
        SessionEvent::Rejected(RejectReason::UnsupportedType(MessageType::UnitStatus))
    ));
    assert_eq!(
        s.on_frame(&cloud_frame("t3", update_state()), c.at(1)),
        FrameVerdict::Delivered
    );
}

#[test]
fn important_messages_may_be_queued_before_start() {
    let c = Clock(Instant::now());
    let mut s = Session::new(SessionConfig::new(SYSTEM_ID));
    assert_eq!(
        s.submit(unit_status(), SubmitOptions::default(), c.at(0)),
        Err(SubmitError::NotStarted)
    );
    s.submit(alerts(), SubmitOptions::default(), c.at(0))
        .expect("alerts are important");
    s.submit(
        unit_status(),
        SubmitOptions {
            important: Some(true),
            ..Default::default()
        },
        c.at(0),
    )
    .expect("explicitly important");
    assert!(
        s.poll_transmit(c.at(0)).is_none(),
        "nothing goes out before connect"
    );
    s.start();
    s.on_connected();
    assert_eq!(drain(&mut s, c.at(1)).len(), 2);
    assert_eq!(
        s.submit(
            Data::new(Payload::Ack(Ack {})),
            SubmitOptions::default(),
            c.at(0)
        ),
        Err(SubmitError::NotSubmittable(MessageType::Ack))
    );
}

#[test]
fn queue_bound_reject_new() {
    let c = Clock(Instant::now());
    let mut s = session(|cfg| cfg.queue_max_messages = 3);
    for _ in 0..3 {
        s.submit(unit_status(), SubmitOptions::default(), c.at(0))
            .expect("fits");
    }
    assert!(matches!(
        s.submit(unit_status(), SubmitOptions::default(), c.at(0)),
        Err(SubmitError::QueueFull { messages: 3, .. })
    ));
    assert_eq!(s.held(), 3, "nothing queued was lost");
    // byte bound
    let mut s = session(|cfg| cfg.queue_max_bytes = 300);
    s.submit(unit_status(), SubmitOptions::default(), c.at(0))
        .expect("fits");
    assert!(matches!(
        s.submit(unit_status(), SubmitOptions::default(), c.at(0)),
        Err(SubmitError::QueueFull { .. })
    ));
    let big = Data::new(Payload::NewState(NewState {
        state: "x".repeat(400),
        ..Default::default()
    }));
    assert!(matches!(
        s.submit(big, SubmitOptions::default(), c.at(0)),
        Err(SubmitError::TooLarge { .. })
    ));
}

#[test]
fn queue_bound_drop_oldest_non_important() {
    let c = Clock(Instant::now());
    let mut s = session(|cfg| {
        cfg.queue_max_messages = 3;
        cfg.overflow = OverflowPolicy::DropOldestNonImportant;
    });
    let a = s
        .submit(alerts(), SubmitOptions::default(), c.at(0))
        .expect("important");
    let u1 = s
        .submit(unit_status(), SubmitOptions::default(), c.at(0))
        .expect("1");
    let u2 = s
        .submit(unit_status(), SubmitOptions::default(), c.at(0))
        .expect("2");
    let u3 = s
        .submit(unit_status(), SubmitOptions::default(), c.at(0))
        .expect("evicts u1");
    let evs = outcomes(&events(&mut s));
    assert_eq!(evs.len(), 1);
    assert_eq!(evs[0].0, u1);
    assert!(matches!(
        evs[0].1,
        DeliveryOutcome::Dropped {
            reason: DropReason::QueueOverflow,
            ..
        }
    ));
    let sent: Vec<_> = drain(&mut s, c.at(0))
        .into_iter()
        .filter_map(|t| t.id)
        .collect();
    assert_eq!(sent, [a, u2, u3]);
    // all important: the new one is refused
    let mut s = session(|cfg| {
        cfg.queue_max_messages = 1;
        cfg.overflow = OverflowPolicy::DropOldestNonImportant;
    });
    s.submit(alerts(), SubmitOptions::default(), c.at(0))
        .expect("first");
    assert!(matches!(
        s.submit(alerts(), SubmitOptions::default(), c.at(0)),
        Err(SubmitError::QueueFull { .. })
    ));
}

#[test]
fn disconnect_resends_in_flight_messages_first_on_reconnect() {
    let c = Clock(Instant::now());
    let mut s = session(|_| {});
    let ids: Vec<_> = (0..3)
        .map(|_| {
            s.submit(unit_status(), SubmitOptions::default(), c.at(0))
                .expect("submit")
        })
        .collect();
    let first: Vec<_> = drain(&mut s, c.at(0));
    s.on_disconnected();
    assert!(s.poll_transmit(c.at(1)).is_none());
    let late = s
        .submit(unit_status(), SubmitOptions::default(), c.at(2))
        .expect("queued while down");
    s.on_connected();
    let again = drain(&mut s, c.at(3));
    let order: Vec<_> = again.iter().filter_map(|t| t.id).collect();
    assert_eq!(
        order,
        [ids[0], ids[1], ids[2], late],
        "in-flight first, original order"
    );
    for (a, b) in first.iter().zip(&again) {
        assert_eq!(a.bytes, b.bytes);
    }
    for t in &again {
        s.on_frame(&ack(&t.txn), c.at(4));
    }
    let evs = outcomes(&events(&mut s));
    assert_eq!(evs.len(), 4);
    assert!(evs.iter().all(|(_, o)| o.is_acked()));
    assert_eq!(evs[0].1.transmissions(), 2);
}

#[test]
fn send_window_limits_messages_in_flight() {
    let c = Clock(Instant::now());
    let mut s = session(|cfg| cfg.max_in_flight = 2);
    for _ in 0..5 {
        s.submit(unit_status(), SubmitOptions::default(), c.at(0))
            .expect("submit");
    }
    let sent = drain(&mut s, c.at(0));
    assert_eq!(sent.len(), 2);
    s.on_frame(&ack(&sent[0].txn), c.at(1));
    assert_eq!(drain(&mut s, c.at(1)).len(), 1);
}

#[test]
fn close_reports_every_held_message() {
    let c = Clock(Instant::now());
    let mut s = session(|_| {});
    let a = s
        .submit(unit_status(), SubmitOptions::default(), c.at(0))
        .expect("submit");
    drain(&mut s, c.at(0));
    let b = s
        .submit(unit_status(), SubmitOptions::default(), c.at(0))
        .expect("submit");
    s.close();
    let evs = outcomes(&events(&mut s));
    assert_eq!(evs.len(), 2);
    assert_eq!((evs[0].0, evs[1].0), (a, b));
    assert!(evs.iter().all(|(_, o)| matches!(
        o,
        DeliveryOutcome::Failed {
            reason: FailReason::Closed,
            ..
        }
    )));
    assert_eq!(evs[0].1.transmissions(), 1);
    assert_eq!(
        s.submit(alerts(), SubmitOptions::default(), c.at(0)),
        Err(SubmitError::Closed)
    );
}

#[test]
fn every_message_gets_exactly_one_outcome() {
    // a mixed run: acks, nacks, losses, a disconnect; count outcomes per id
    let c = Clock(Instant::now());
    let mut s = session(|cfg| cfg.max_in_flight = 4);
    let mut ids = Vec::new();
    let mut now = 0;
    for i in 0..200u64 {
        ids.push(
            s.submit(unit_status(), SubmitOptions::default(), c.at(now))
                .expect("submit"),
        );
        for t in drain(&mut s, c.at(now)) {
            match i % 4 {
                0 => {
                    s.on_frame(&ack(&t.txn), c.at(now));
                }
                1 => {
                    s.on_frame(&nack(&t.txn, 10), c.at(now));
                }
                _ => {} // lost
            }
        }
        if i % 50 == 49 {
            s.on_disconnected();
            s.on_connected();
        }
        now += 7;
        s.handle_timeout(c.at(now));
    }
    run_until(&mut s, c.at(now + 60_000));
    s.close();
    let mut seen = std::collections::HashMap::new();
    for (id, _) in outcomes(&events(&mut s)) {
        *seen.entry(id).or_insert(0) += 1;
    }
    assert_eq!(seen.len(), ids.len());
    assert!(seen.values().all(|n| *n == 1));
}

// ---- reconnect schedule (§4.4, §5.7) ----

fn discovery(urls: &[&str], delay_ms: u64, code: DiscoveryErrorCode) -> ServiceDiscoveryResponse {
    ServiceDiscoveryResponse {
        version: 7,
        system_id: SYSTEM_ID.into(),
        next_request_delay_ms: delay_ms,
        connection_info: urls.iter().map(|u| u.to_string()).collect(),
        auth_token: "token".into(),
        error_code: code,
    }
}

fn exact(url: &str) -> ReconnectSchedule {
    let mut cfg = ReconnectConfig::new(url);
    cfg.jitter = 0.0;
    ReconnectSchedule::new(cfg, 1)
}

#[test]
fn reconnect_waits_d_2d_4d_8d_then_a_new_cycle() {
    let c = Clock(Instant::now());
    let mut r = exact("https://sd/sd/v7/");
    assert_eq!(
        r.next_step(c.at(0)),
        ConnectStep::Discover {
            url: "https://sd/sd/v7/".into()
        }
    );
    let mut now = 0;
    let mut waits = Vec::new();
    for _ in 0..7 {
        r.on_discovery_failed(c.at(now));
        match r.next_step(c.at(now)) {
            ConnectStep::Wait(t) => {
                waits.push((t - c.at(now)).as_millis());
                now = (t - c.0).as_millis() as u64;
            }
            _ => waits.push(0),
        }
    }
    assert_eq!(waits, [1000, 2000, 4000, 8000, 0, 1000, 2000]);
}

#[test]
fn next_request_delay_sets_the_base_delay_and_cache_rules_apply() {
    let c = Clock(Instant::now());
    let mut r = exact("https://sd/");
    // scenario 1: failing URLs are dropped one by one, same token
    r.on_discovery(
        &discovery(
            &["not a valid URL", "https://localhost:22", "wss://ok"],
            30,
            DiscoveryErrorCode::NoError,
        ),
        c.at(0),
    );
    assert_eq!(r.base_delay(), Duration::from_millis(30));
    assert_eq!(
        r.next_step(c.at(0)),
        ConnectStep::Upgrade {
            url: "not a valid URL".into(),
            auth_token: "token".into()
        }
    );
    r.on_upgrade_failed(false, c.at(0));
    assert_eq!(r.next_step(c.at(0)), ConnectStep::Wait(c.at(30)));
    assert_eq!(
        r.next_step(c.at(30)),
        ConnectStep::Upgrade {
            url: "https://localhost:22".into(),
            auth_token: "token".into()
        }
    );
    r.on_upgrade_failed(false, c.at(30));
    assert_eq!(
        r.next_step(c.at(90)),
        ConnectStep::Upgrade {
            url: "wss://ok".into(),
            auth_token: "token".into()
        }
    );
    r.on_connected();
    // a dropped connection reconnects at once with the cached answer (§5.6, §4.4)
    r.on_disconnected();
    assert_eq!(
        r.next_step(c.at(100)),
        ConnectStep::Upgrade {
            url: "wss://ok".into(),
            auth_token: "token".into()
        }
    );
    // 401 clears the cache: the next step rediscovers
    r.on_upgrade_failed(true, c.at(100));
    assert!(!r.has_cached_discovery());
    assert_eq!(
        r.next_step(c.at(130)),
        ConnectStep::Discover {
            url: "https://sd/".into()
        }
    );
    // empty connectionInfo is a failed attempt
    r.on_discovery(&discovery(&[], 0, DiscoveryErrorCode::NoError), c.at(200));
    assert!(matches!(r.next_step(c.at(200)), ConnectStep::Wait(_)));
}

#[test]
fn redirect_and_repeat_later_are_honoured() {
    let c = Clock(Instant::now());
    let mut r = exact("https://sd-a/");
    r.on_discovery(
        &discovery(&["https://sd-b/"], 0, DiscoveryErrorCode::Redirect),
        c.at(0),
    );
    assert_eq!(
        r.next_step(c.at(0)),
        ConnectStep::Discover {
            url: "https://sd-b/".into()
        }
    );
    r.on_discovery(
        &discovery(&[], 2500, DiscoveryErrorCode::RepeatLater),
        c.at(10),
    );
    assert_eq!(r.next_step(c.at(10)), ConnectStep::Wait(c.at(2510)));
    assert_eq!(
        r.next_step(c.at(2510)),
        ConnectStep::Discover {
            url: "https://sd-b/".into()
        }
    );
    r.on_discovery(
        &discovery(&["wss://cloud"], 0, DiscoveryErrorCode::NoError),
        c.at(2600),
    );
    assert_eq!(
        r.next_step(c.at(2600)),
        ConnectStep::Upgrade {
            url: "wss://cloud".into(),
            auth_token: "token".into()
        }
    );
    // a redirect loop is cut after max_redirects and counts as a failure
    let mut r = exact("https://sd-a/");
    for _ in 0..3 {
        r.on_discovery(
            &discovery(&["https://loop/"], 0, DiscoveryErrorCode::Redirect),
            c.at(0),
        );
    }
    r.on_discovery(
        &discovery(&["https://loop/"], 0, DiscoveryErrorCode::Redirect),
        c.at(0),
    );
    assert_eq!(r.next_step(c.at(0)), ConnectStep::Wait(c.at(1000)));
    assert_eq!(
        r.next_step(c.at(1000)),
        ConnectStep::Discover {
            url: "https://sd-a/".into()
        }
    );
    // errorCode Error is a failure
    let mut r = exact("https://sd-a/");
    r.on_discovery(
        &discovery(&["wss://x"], 0, DiscoveryErrorCode::Error),
        c.at(0),
    );
    assert_eq!(r.next_step(c.at(0)), ConnectStep::Wait(c.at(1000)));
}

#[test]
fn jitter_stays_within_its_band() {
    let c = Clock(Instant::now());
    for seed in 0..50 {
        let mut cfg = ReconnectConfig::new("https://sd/");
        cfg.jitter = 0.2;
        let mut r = ReconnectSchedule::new(cfg, seed);
        r.on_discovery_failed(c.at(0));
        let ConnectStep::Wait(t) = r.next_step(c.at(0)) else {
            panic!("waits")
        };
        let ms = (t - c.0).as_millis();
        assert!((800..=1200).contains(&ms), "{ms}");
    }
}

#[test]
fn cancel_withdraws_queued_and_in_flight_messages() {
    let c = Clock(Instant::now());
    let mut s = session(|_| {});
    let sent = s
        .submit(alerts(), SubmitOptions::default(), c.at(0))
        .expect("submit");
    let queued = s
        .submit(alerts(), SubmitOptions::default(), c.at(0))
        .expect("submit");
    // Only the first goes out: withdraw the second while queued, the first while in flight.
    let first = s.poll_transmit(c.at(0)).expect("first transmit");
    assert_eq!(first.id, Some(sent));
    assert!(s.cancel(queued));
    assert!(s.cancel(sent));
    assert!(!s.cancel(sent), "a second cancel finds nothing");
    assert!(drain(&mut s, c.at(0)).is_empty(), "nothing left to send");
    // No resend after the response timeout either.
    assert!(run_until(&mut s, c.at(5_000)).is_empty());
    let outs = outcomes(&events(&mut s));
    assert_eq!(outs.len(), 2);
    for (_, o) in &outs {
        assert!(
            matches!(
                o,
                DeliveryOutcome::Failed {
                    reason: FailReason::Cancelled,
                    ..
                }
            ),
            "{o:?}"
        );
    }
    assert_eq!(
        outs.iter()
            .find(|(id, _)| *id == sent)
            .map(|(_, o)| o.transmissions()),
        Some(1)
    );
    assert_eq!(
        outs.iter()
            .find(|(id, _)| *id == queued)
            .map(|(_, o)| o.transmissions()),
        Some(0)
    );
    // A late ack for the cancelled txn is ignored.
    let _ = s.on_frame(&ack(&first.txn), c.at(6_000));
    assert!(outcomes(&events(&mut s)).is_empty());
    assert!(s.is_idle());
}
