//! The `aoscomm decode` command line: exit codes, stdout/stderr contract, --type, stdin.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn aoscomm(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_aoscomm"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn aoscomm");
    let written = child.stdin.take().expect("stdin").write_all(stdin);
    // A usage error exits before reading stdin: a broken pipe is then expected.
    if let Err(e) = written {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "write stdin: {e}");
    }
    child.wait_with_output().expect("wait")
}

const PRETTY_ENVELOPE: &str = r#"{
  "Header": {"SystemID": "unit-1", "version": "7", "txn": "5f0c1e0a-8a51-4f5e-9a57-2f7f6c3d9b10"},
  "data": {"messageType": "stateAcceptance", "instance": "10",
           "item": {"id": "svc"}, "subject": {"id": "sub"},
           "checksum": "ABCD", "result": "accepted", "unknown": [1, 2]}
}"#;

#[test]
fn decode_prints_canonical_encoding() {
    let out = aoscomm(&["decode"], PRETTY_ENVELOPE.as_bytes());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "{\"header\":{\"version\":7,\"systemId\":\"unit-1\",\"txn\":\"5f0c1e0a-8a51-4f5e-9a57-2f7f6c3d9b10\"},\"data\":{\"messageType\":\"stateAcceptance\",\"item\":{\"id\":\"svc\"},\"subject\":{\"id\":\"sub\"},\"instance\":10,\"checksum\":\"abcd\",\"result\":\"accepted\",\"reason\":\"\"}}\n"
    );
    // "-" is stdin too, and a bare data object works
    let out = aoscomm(&["decode", "-"], br#"{"messageType":"nack"}"#);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "{\"messageType\":\"nack\",\"retryAfter\":500}\n"
    );
}

#[test]
fn decode_reads_files_and_named_sub_objects() {
    let dir = std::env::temp_dir().join(format!("aoscomm-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let p = dir.join("ident.json");
    std::fs::write(
        &p,
        r#"{"item":{"codename":"x"},"subject":{"codename":"y"},"instance":"3"}"#,
    )
    .expect("write");
    let out = aoscomm(
        &[
            "decode",
            "--type",
            "instanceIdent",
            p.to_str().expect("path"),
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "{\"item\":{\"codename\":\"x\"},\"subject\":{\"codename\":\"y\"},\"instance\":3}\n"
    );
    // a message type name parses a bare data object as that type
    let out = aoscomm(
        &["decode", "--type", "requestLog"],
        br#"{"logType":"crashLog","filter":{}}"#,
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "{\"messageType\":\"requestLog\",\"logType\":\"crashLog\",\"filter\":{\"nodeIds\":[]}}\n"
    );
    let out = aoscomm(
        &["decode", "--type", "serviceDiscoveryResponse"],
        br#"{"connectionInfo":["wss://a"],"errorCode":2}"#,
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "{\"version\":0,\"systemId\":\"\",\"nextRequestDelay\":0,\"connectionInfo\":[\"wss://a\"],\"authToken\":\"\",\"errorCode\":2}\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn invalid_input_gives_one_line_and_exit_1() {
    let doc = br#"{"header":{"version":7},"data":{"messageType":"unitStatus","nodes":[{"identity":{"codename":"a"},"nodeGroupSubject":{"codename":"t"},"osInfo":{},"state":"error"},{"identity":{"title":"x"}}]}}"#;
    let out = aoscomm(&["decode"], doc);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "data.nodes[1].identity: missing key \"codename\"\n"
    );
    // a value with a newline still gives one line
    let out = aoscomm(
        &["decode"],
        b"{\"header\":{\"version\":7},\"data\":{\"messageType\":\"a\\nb\"}}",
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
}

#[test]
fn usage_errors_exit_2_and_help_documents_decode() {
    let out = aoscomm(&["decode", "--type", "nonsense"], b"{}");
    assert_eq!(out.status.code(), Some(2));
    let out = aoscomm(&["decode", "/nonexistent/file.json"], b"");
    assert_eq!(out.status.code(), Some(2));
    let out = aoscomm(&["--help"], b"");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("decode"));
    let out = aoscomm(&["decode", "--help"], b"");
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("--type") && help.contains("exit status is 1"),
        "{help}"
    );
}

#[test]
fn demo_exchanges_all_types_and_its_log_re_decodes() {
    let dir = std::env::temp_dir().join(format!("aoscomm-demo-{}", std::process::id()));
    let log = dir.join("cloud.log");
    let out = aoscomm(&["demo", "--log", log.to_str().expect("path")], b"");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("message types exchanged: 26 of 26"),
        "{stdout}"
    );
    assert!(stdout.contains("reconnects 1"), "{stdout}");
    assert!(stdout.contains("nacked once"), "{stdout}");
    let text = std::fs::read_to_string(&log).expect("log");
    let mut n = 0;
    for line in text.lines() {
        let json = line
            .strip_prefix("TX: ")
            .or_else(|| line.strip_prefix("RX: "))
            .expect("TX:/RX: prefix");
        aoscomm::protocol::Envelope::decode(json.as_bytes())
            .unwrap_or_else(|e| panic!("{line}: {e}"));
        n += 1;
    }
    assert!(n >= 50, "{n} log lines");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cloud_and_connect_commands_talk_to_each_other() {
    use std::io::{BufRead, BufReader};
    let dir = std::env::temp_dir().join(format!("aoscomm-pki-{}", std::process::id()));
    let mut cloud = Command::new(env!("CARGO_BIN_EXE_aoscomm"))
        .args(["cloud", "--pki-dir", dir.to_str().expect("path")])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn cloud");
    let mut lines = BufReader::new(cloud.stdout.take().expect("stdout")).lines();
    let mut discovery = String::new();
    for line in lines.by_ref() {
        let line = line.expect("line");
        if let Some(u) = line.strip_prefix("discovery_url ") {
            discovery = u.to_string();
        }
        if line.starts_with("connect with:") {
            break;
        }
    }
    assert!(discovery.starts_with("https://127.0.0.1:"), "{discovery}");
    let p = |f: &str| dir.join(f).to_str().expect("path").to_string();
    let args = [
        "connect",
        "--discovery-url",
        &discovery,
        "--ca",
        &p("ca.pem"),
        "--cert",
        &p("client.pem"),
        "--key",
        &p("client-key.pem"),
        "--system-id",
        "test_system_id",
    ];
    let out = aoscomm(
        &args,
        b"{\"messageType\":\"alerts\",\"items\":[]}\n{\"messageType\":\"bogus\"}\n",
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("alerts #1 txn") && stderr.contains("acked after 1 transmission"),
        "{stderr}"
    );
    assert!(
        stderr.contains("not sent: invalid data: data.messageType: unknown messageType \"bogus\""),
        "{stderr}"
    );
    drop(cloud.stdin.take()); // EOF ends the mock
    assert!(cloud.wait().expect("wait").success());
    let _ = std::fs::remove_dir_all(&dir);
}
