//! `aoscomm::analysis`: message-log lines and recorded frames to columns. Exact row counts on logs
//! we write here (valid, invalid, unprefixed, blank, timestamped, truncated), the same columns
//! whatever the thread count or block size, and a recording of a live client.

use std::time::Duration;

use aoscomm::analysis::{parse_log, LogDirection, LogReader, LogTable};
use aoscomm::client::Client;
use aoscomm::cloud::{MockCloud, MockCloudConfig};
use aoscomm::protocol::{Alerts, Data, Payload};

fn frame(t: &str, txn: &str, rest: &str) -> String {
    format!(
        r#"{{"header":{{"version":7,"systemId":"u1","createdAt":"2026-12-03T10:00:00.250000Z","txn":"{txn}"}},"data":{{"messageType":"{t}"{rest}}}}}"#
    )
}

fn concat(tables: Vec<LogTable>) -> LogTable {
    let mut out = LogTable::default();
    for t in tables {
        out.line.extend(t.line);
        out.direction.extend(t.direction);
        out.offset.extend(t.offset);
        out.size.extend(t.size);
        out.valid.extend(t.valid);
        out.logged_at.extend(t.logged_at);
        out.created_at.extend(t.created_at);
        for i in 0..t.txn.len() {
            out.txn.push(t.txn.get(i));
            out.message_type.push(t.message_type.get(i));
            out.error.push(t.error.get(i));
            out.correlation_id.push(t.correlation_id.get(i));
            out.system_id.push(t.system_id.get(i));
        }
        out.monotonic.extend(t.monotonic);
    }
    out
}

#[test]
fn every_kind_of_line() {
    let alerts = frame("alerts", "t1", r#","items":[]"#);
    let lines = [
        format!("TX: {alerts}"),
        format!("RX: {}", frame("ack", "t1", "")),
        String::new(),
        format!(
            "TX: {}",
            frame("alerts", "t2", r#","correlationId":"c9","items":[]"#)
        ),
        format!(
            "TX: {}",
            frame("alerts", "t2", r#","correlationId":"c9","items":[]"#)
        ),
        "hello world".to_string(),
        format!("TX: {}", frame("bogus", "t3", "")),
        format!("2026-12-03T10:00:01.500000Z RX: {}", frame("ack", "t2", "")),
        r#"TX: {"header":{"version":7,"systemId":"u1","txn":"t4"},"da"#.to_string(),
    ];
    let log = lines.join("\n");
    let (tables, n) = parse_log(log.as_bytes(), 1, 0, 1, true);
    assert_eq!(n, 9);
    let t = concat(tables);
    assert_eq!(t.line, vec![1, 2, 4, 5, 6, 7, 8, 9]);
    assert_eq!(t.invalid(), 3);
    assert_eq!(
        t.valid,
        vec![true, true, true, true, false, false, true, false]
    );
    assert_eq!(t.direction[0], Some(LogDirection::Tx));
    assert_eq!(t.direction[1], Some(LogDirection::Rx));
    assert_eq!(t.direction[4], None);
    assert_eq!(t.message_type.get(1), Some("ack"));
    assert_eq!(t.correlation_id.get(2), Some("c9"));
    assert_eq!(t.correlation_id.get(0), None);
    assert_eq!(t.system_id.get(0), Some("u1"));
    assert_eq!(t.txn.get(3), Some("t2"));
    // Invalid but readable: the header fields are kept, the error names the path and rule.
    assert_eq!(t.txn.get(5), Some("t3"));
    assert_eq!(t.message_type.get(5), Some("bogus"));
    let e = t.error.get(5).expect("error");
    assert!(e.starts_with("data.messageType:"), "{e}");
    assert!(t.error.get(4).expect("error").starts_with("line: expected"));
    let e = t.error.get(7).expect("error");
    assert!(e.starts_with("truncated last line"), "{e}");
    assert_eq!(t.txn.get(7), None);
    // Times: createdAt on every decodable line, logged_at only where the line has one.
    assert_eq!(t.created_at[0], Some(1_796_292_000_250_000_000));
    assert_eq!(t.logged_at[6], Some(1_796_292_001_500_000_000));
    assert_eq!(t.logged_at.iter().filter(|x| x.is_some()).count(), 1);
    // Offsets point at the JSON text; size is its length.
    assert_eq!(t.offset[0], 4);
    assert_eq!(t.size[0], alerts.len() as u64);
    let off = t.offset[6] as usize;
    assert_eq!(&log.as_bytes()[off..off + 10], br#"{"header":"#);
}

#[test]
fn crlf_and_a_final_newline_add_no_rows() {
    let log = format!(
        "TX: {}\r\nRX: {}\r\n",
        frame("ack", "a", ""),
        frame("ack", "b", "")
    );
    let (tables, n) = parse_log(log.as_bytes(), 1, 0, 2, true);
    let t = concat(tables);
    assert_eq!(n, 2);
    assert_eq!(t.valid, vec![true, true]);
}

#[test]
fn same_columns_whatever_the_threads_or_block_size() {
    let mut log = String::new();
    for i in 0..30_000 {
        let txn = format!("txn-{i}");
        match i % 5 {
            0 => log.push_str(&format!("RX: {}\n", frame("ack", &txn, ""))),
            1 => log.push_str("junk\n"),
            _ => log.push_str(&format!(
                "TX: {}\n",
                frame("alerts", &txn, r#","items":[]"#)
            )),
        }
    }
    assert!(log.len() > 3 << 20);
    let (one, n1) = parse_log(log.as_bytes(), 1, 0, 1, true);
    let (four, n4) = parse_log(log.as_bytes(), 1, 0, 4, true);
    assert_eq!(one.len(), 1);
    assert!(four.len() > 1, "a 3 MB buffer is split");
    assert_eq!((n1, n4), (30_000, 30_000));
    let one = concat(one);
    assert_eq!(one.len(), 30_000);
    assert_eq!(one.invalid(), 6_000);
    assert_eq!(concat(four), one);
    let blocks = LogReader::new(log.as_bytes(), 2)
        .with_block_size(64 << 10)
        .read_all()
        .expect("read");
    assert!(blocks.len() > 40);
    assert_eq!(concat(blocks), one);
}

#[test]
fn a_recording_keeps_every_frame_with_its_times() {
    let cloud = MockCloud::start_blocking(MockCloudConfig::default()).expect("mock cloud");
    let client = Client::builder()
        .service_discovery_url(cloud.discovery_url())
        .system_id(cloud.system_id())
        .tls(cloud.client_tls())
        .build()
        .expect("client");
    let rec = client.record(1 << 20);
    client.start().expect("start");
    for _ in 0..3 {
        let h = client
            .send(Data::new(Payload::Alerts(Alerts::default())))
            .expect("send");
        let outcome = h.wait_timeout(Duration::from_secs(10)).expect("outcome");
        assert!(outcome.is_acked(), "{outcome:?}");
    }
    rec.stop();
    client.close();
    let t = rec.to_table();
    assert_eq!(t.len(), 6, "3 alerts and 3 acks");
    assert_eq!(t.invalid(), 0);
    let tx = t
        .direction
        .iter()
        .filter(|d| **d == Some(LogDirection::Tx))
        .count();
    assert_eq!(tx, 3);
    let mono: Vec<i64> = t.monotonic.iter().map(|m| m.expect("monotonic")).collect();
    assert!(mono.windows(2).all(|w| w[0] <= w[1]));
    assert!(t.logged_at.iter().all(Option::is_some));
    // The same frames as a timestamped log parse to the same rows.
    let (again, _) = parse_log(&rec.to_log(), 1, 0, 1, true);
    let again = concat(again);
    assert_eq!(again.txn, t.txn);
    assert_eq!(again.logged_at.iter().filter(|x| x.is_some()).count(), 6);
}

#[test]
fn a_line_longer_than_the_block_is_read_whole() {
    let item = format!(
        r#"{{"timestamp":"2026-01-01T00:00:00Z","tag":"systemAlert","node":{{"codename":"n"}},"message":"{}"}}"#,
        "x".repeat(200)
    );
    let items = vec![item; 1000].join(",");
    let long = frame("alerts", "long", &format!(r#","items":[{items}]"#));
    assert!(long.len() > 4 * (64 << 10), "longer than four blocks");
    let log = format!(
        "TX: {}\nTX: {long}\nRX: {}\n",
        frame("ack", "a", ""),
        frame("ack", "long", "")
    );
    let tables = LogReader::new(log.as_bytes(), 1)
        .with_block_size(64 << 10)
        .read_all()
        .expect("read");
    let t = concat(tables);
    assert_eq!(t.line, vec![1, 2, 3]);
    assert_eq!(t.size[1], long.len() as u64);
    // Read whole: the JSON parses (its header is read) and only the v7 item limit is broken.
    assert_eq!(t.txn.get(1), Some("long"));
    assert_eq!(t.valid, vec![true, false, true]);
    assert_eq!(
        t.error.get(1),
        Some("data.items: more than 16 elements (got 1000)")
    );
}
