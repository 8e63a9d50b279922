//! Transport tests against the real mock cloud on 127.0.0.1: PEM loading, discovery, WebSocket
//! exchange, and the mTLS negative matrix (each case its own typed error).

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use aoscomm::cloud::{AckMode, ClientCertKind, MockCloud, MockCloudConfig, TestPki};
use aoscomm::discovery::{discover, discover_with, DiscoveryOptions};
use aoscomm::protocol::{
    Alerts, Data, DiscoveryErrorCode, Envelope, Header, JsonObject, MessageType, Payload,
    RequestBlobUrls, ServiceDiscoveryRequest, Timestamp,
};
use aoscomm::tls::{ClientKey, PemSource, TlsError, TlsSettings};
use aoscomm::transport::{Phase, TransportError};
use aoscomm::ws::{connect, WsConnection, WsIncoming, WsOptions};
use rustls::ClientConfig;

const T: Duration = Duration::from_secs(20);
const SHORT: Duration = Duration::from_secs(5);

/// Every test body runs under this bound.
async fn bounded<F: Future>(f: F) -> F::Output {
    tokio::time::timeout(T, f).await.expect("test timed out")
}

fn pki_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/pki")
        .join(name)
}

async fn cloud() -> MockCloud {
    MockCloud::start(MockCloudConfig::default())
        .await
        .expect("mock cloud starts")
}

fn config(s: &TlsSettings) -> Arc<ClientConfig> {
    s.client_config().expect("client config")
}

fn frame(system_id: &str, txn: &str, payload: Payload) -> Vec<u8> {
    Envelope {
        header: Header {
            system_id: system_id.to_string(),
            created_at: Some(Timestamp::now().to_string()),
            txn: txn.to_string(),
        },
        data: Data::new(payload),
    }
    .encode()
    .expect("encode")
}

async fn connect_ok(c: &MockCloud) -> WsConnection {
    connect(
        &c.ws_url(),
        &c.auth_token(),
        config(&c.client_tls()),
        &WsOptions::default(),
    )
    .await
    .expect("connect")
}

/// The next BINARY frame, decoded (other frames are skipped).
async fn next_envelope(ws: &mut WsConnection) -> Envelope {
    loop {
        match ws.recv().await.expect("connection open").expect("recv") {
            WsIncoming::Binary(b) => return Envelope::decode(&b).expect("decode"),
            _ => continue,
        }
    }
}

async fn ws_error(c: &MockCloud, tls: &TlsSettings, opts: &WsOptions) -> TransportError {
    match connect(&c.ws_url(), &c.auth_token(), config(tls), opts).await {
        Ok(_) => panic!("connect succeeded, expected an error"),
        Err(e) => e,
    }
}

// ---- PEM loading -------------------------------------------------------------------------

#[tokio::test]
async fn pkcs8_key_from_rcgen_loads() {
    let c = cloud().await;
    assert!(c.pki().client.key.contains("BEGIN PRIVATE KEY"));
    c.client_tls().client_config().expect("PKCS#8 key loads");
}

#[test]
fn pkcs1_rsa_key_loads_from_files() {
    let key = std::fs::read_to_string(pki_file("rsa-pkcs1-key.pem")).expect("read");
    assert!(key.contains("BEGIN RSA PRIVATE KEY"));
    let s = TlsSettings {
        ca: Some(pki_file("rsa-cert.pem").into()),
        client_cert: Some(pki_file("rsa-cert.pem").into()),
        client_key: Some(pki_file("rsa-pkcs1-key.pem").into()),
        server_name: None,
    };
    let cfg = s.client_config().expect("PKCS#1 key loads");
    assert!(cfg.client_auth_cert_resolver.has_certs());
}

#[test]
fn sec1_ec_key_loads_from_files() {
    let key = std::fs::read_to_string(pki_file("ec-sec1-key.pem")).expect("read");
    assert!(key.contains("BEGIN EC PRIVATE KEY"));
    let s = TlsSettings {
        ca: Some(pki_file("ec-cert.pem").into()),
        client_cert: Some(pki_file("ec-cert.pem").into()),
        client_key: Some(pki_file("ec-sec1-key.pem").into()),
        server_name: None,
    };
    s.client_config().expect("SEC1 key loads");
}

#[test]
fn pem_errors_are_typed() {
    let ca = Some(PemSource::from(pki_file("ec-cert.pem")));
    let with = |cert: &str, key: &str| TlsSettings {
        ca: ca.clone(),
        client_cert: Some(pki_file(cert).into()),
        client_key: Some(pki_file(key).into()),
        server_name: None,
    };
    // no CA
    let e = TlsSettings::default().client_config().expect_err("no CA");
    assert_eq!(e, TlsError::NoCa);
    // unreadable file names the path
    let e = with("missing.pem", "ec-sec1-key.pem")
        .client_config()
        .expect_err("missing file");
    match e {
        TlsError::Unreadable { path, .. } => assert!(path.ends_with("missing.pem")),
        other => panic!("{other:?}"),
    }
    // a key file where the certificate should be
    let e = with("ec-sec1-key.pem", "ec-sec1-key.pem")
        .client_config()
        .expect_err("no cert");
    assert!(matches!(e, TlsError::NoCertificate { .. }), "{e:?}");
    // a certificate where the key should be
    let e = with("ec-cert.pem", "ec-cert.pem")
        .client_config()
        .expect_err("no key");
    assert!(matches!(e, TlsError::NoKey { .. }), "{e:?}");
    // key of another certificate
    let e = with("ec-cert.pem", "rsa-pkcs1-key.pem")
        .client_config()
        .expect_err("mismatch");
    assert_eq!(e, TlsError::KeyMismatch);
    // certificate without key and key without certificate
    let mut s = with("ec-cert.pem", "ec-sec1-key.pem");
    s.client_key = None;
    assert_eq!(
        s.client_config().expect_err("no key"),
        TlsError::CertificateWithoutKey
    );
    let mut s = with("ec-cert.pem", "ec-sec1-key.pem");
    s.client_cert = None;
    assert_eq!(
        s.client_config().expect_err("no cert"),
        TlsError::KeyWithoutCertificate
    );
    // broken base64 inside a PEM section
    let s = TlsSettings {
        ca: Some(PemSource::pem(
            b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n".to_vec(),
        )),
        ..TlsSettings::default()
    };
    assert!(matches!(s.client_config(), Err(TlsError::BadPem { .. })));
    // empty CA bundle
    let s = TlsSettings {
        ca: Some(PemSource::pem(b"nothing here".to_vec())),
        ..TlsSettings::default()
    };
    assert!(matches!(
        s.client_config(),
        Err(TlsError::NoCertificate { .. })
    ));
}

// ---- discovery ---------------------------------------------------------------------------

#[tokio::test]
async fn discovery_round_trip() {
    bounded(async {
        let c = cloud().await;
        let req = ServiceDiscoveryRequest::v7(c.system_id());
        let resp = discover(&c.discovery_url(), &req, config(&c.client_tls()), SHORT)
            .await
            .expect("discover");
        assert_eq!(resp.version, 7);
        assert_eq!(resp.system_id, c.system_id());
        assert_eq!(resp.connection_info, vec![c.ws_url()]);
        assert_eq!(resp.auth_token, c.auth_token());
        assert_eq!(resp.next_request_delay_ms, 30);
        assert_eq!(resp.error_code, DiscoveryErrorCode::NoError);

        let s = c.state();
        assert_eq!(s.discovery_count(), 1);
        let d = &s.discoveries[0];
        assert_eq!((d.method.as_str(), d.path.as_str()), ("POST", "/sd/v7/"));
        assert_eq!(d.body, req.to_json().expect("encode"));
        let h = |n: &str| {
            d.headers
                .iter()
                .find(|(k, _)| k == n)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(h("accept").as_deref(), Some("application/json"));
        assert_eq!(h("content-type").as_deref(), Some("application/json"));
        assert_eq!(h("connection").as_deref(), Some("close"));
        assert_eq!(h("content-length"), Some(d.body.len().to_string()));
    })
    .await
}

#[tokio::test]
async fn discovery_error_codes_are_delivered() {
    bounded(async {
        let c = cloud().await;
        let req = ServiceDiscoveryRequest::v7(c.system_id());
        let tls = config(&c.client_tls());
        c.discovery_redirect("wss://127.0.0.1:1/elsewhere");
        let r = discover(&c.discovery_url(), &req, tls.clone(), SHORT)
            .await
            .expect("redirect");
        assert_eq!(r.error_code, DiscoveryErrorCode::Redirect);
        assert_eq!(r.connection_info, vec!["wss://127.0.0.1:1/elsewhere"]);
        c.discovery_repeat_later(1234);
        let r = discover(&c.discovery_url(), &req, tls.clone(), SHORT)
            .await
            .expect("repeat later");
        assert_eq!(r.error_code, DiscoveryErrorCode::RepeatLater);
        assert!(r.connection_info.is_empty());
        assert_eq!(r.next_request_delay_ms, 1234);
        c.discovery_normal();
        c.set_connection_info(vec!["not a valid URL".into(), c.ws_url()]);
        let r = discover(&c.discovery_url(), &req, tls, SHORT)
            .await
            .expect("normal");
        assert_eq!(r.connection_info.len(), 2);
    })
    .await
}

#[tokio::test]
async fn discovery_non_200_and_bad_body() {
    bounded(async {
        let c = cloud().await;
        let req = ServiceDiscoveryRequest::v7(c.system_id());
        let tls = config(&c.client_tls());
        c.discovery_fail_status(503, 1);
        let e = discover(&c.discovery_url(), &req, tls.clone(), SHORT)
            .await
            .expect_err("503");
        assert!(
            matches!(
                e,
                TransportError::HttpStatus {
                    status: 503,
                    phase: Phase::Discovery
                }
            ),
            "{e:?}"
        );
        c.discovery_fail_status(401, 1);
        let e = discover(&c.discovery_url(), &req, tls.clone(), SHORT)
            .await
            .expect_err("401");
        assert!(e.is_unauthorized());
        c.discovery_raw_body(Some(b"{\"connectionInfo\": 5".to_vec()));
        let e = discover(&c.discovery_url(), &req, tls.clone(), SHORT)
            .await
            .expect_err("bad body");
        assert!(matches!(e, TransportError::Discovery(_)), "{e:?}");
        c.discovery_raw_body(Some(b"{\"connectionInfo\": 5}".to_vec()));
        let e = discover(&c.discovery_url(), &req, tls, SHORT)
            .await
            .expect_err("wrong type");
        assert!(matches!(e, TransportError::Discovery(_)), "{e:?}");
        assert_eq!(e.kind(), "discovery_body");
    })
    .await
}

#[tokio::test]
async fn discovery_maps_client_certificate_errors() {
    bounded(async {
        let c = cloud().await;
        let req = ServiceDiscoveryRequest::v7(c.system_id());
        let e = discover(
            &c.discovery_url(),
            &req,
            config(&c.client_tls_with(None)),
            SHORT,
        )
        .await
        .expect_err("no client cert");
        assert!(matches!(e, TransportError::NoClientCertificate), "{e:?}");
        let opts = DiscoveryOptions {
            timeout: SHORT,
            server_name: Some("wrong.example".into()),
            connect_addr: None,
        };
        let e = discover_with(&c.discovery_url(), &req, config(&c.client_tls()), &opts)
            .await
            .expect_err("wrong name");
        assert!(
            matches!(e, TransportError::HostnameMismatch { .. }),
            "{e:?}"
        );
    })
    .await
}

// ---- WebSocket ---------------------------------------------------------------------------

#[tokio::test]
async fn ws_exchange_frame_and_ack() {
    bounded(async {
        let c = cloud().await;
        let mut ws = connect_ok(&c).await;
        let txn = "5b7e8f3a-0000-4000-8000-000000000001";
        ws.send_binary(
            frame(c.system_id(), txn, Payload::Alerts(Alerts::default())),
            SHORT,
        )
        .await
        .expect("send");
        let ack = next_envelope(&mut ws).await;
        assert_eq!(ack.message_type(), MessageType::Ack);
        assert_eq!(ack.header.txn, txn);
        assert_eq!(ack.header.system_id, c.system_id());
        assert!(c.wait_received(1, SHORT).await);
        let s = c.state();
        assert_eq!(s.transmissions(txn), 1);
        assert!(s.delivered.contains(txn));
        assert_eq!(s.connections, 1);
        let up = &s.upgrades[0];
        assert_eq!(up.path, "/ws/v7");
        assert_eq!(
            up.authorization.as_deref(),
            Some(&*format!("Bearer {}", c.auth_token()))
        );
        assert_eq!(up.accept.as_deref(), Some("application/json"));
        assert!(s.received[0].envelope.is_ok());
        assert_eq!(s.received[0].connection, 1);

        // cloud → unit push, then the unit's ack is recorded
        let pushed = c
            .push(Data::new(Payload::StateRequest(Default::default())))
            .expect("push");
        let env = next_envelope(&mut ws).await;
        assert_eq!(env.header.txn, pushed);
        ws.send_binary(
            frame(c.system_id(), &pushed, Payload::Ack(Default::default())),
            SHORT,
        )
        .await
        .expect("ack");
        assert!(
            c.wait_for(|s| s.acks_from_unit.contains(&pushed), SHORT)
                .await
        );

        // close from the cloud
        assert!(c.close_connection());
        loop {
            match ws.recv().await {
                None => break,
                Some(Ok(WsIncoming::Close(_))) => {}
                Some(other) => panic!("unexpected {other:?}"),
            }
        }
        assert!(c.wait_for(|s| s.disconnects == 1, SHORT).await);
    })
    .await
}

#[tokio::test]
async fn ws_ping_is_answered_with_pong() {
    bounded(async {
        let c = cloud().await;
        let mut ws = connect_ok(&c).await;
        assert!(c.wait_connections(1, SHORT).await);
        assert!(c.ping(b"are you there".to_vec()));
        match ws.recv().await.expect("open").expect("recv") {
            WsIncoming::Ping(p) => assert_eq!(p, b"are you there"),
            other => panic!("expected ping, got {other:?}"),
        }
        // the pong went out without another recv()
        assert!(c.wait_for(|s| s.pongs.len() == 1, SHORT).await);
        assert_eq!(c.state().pongs[0], b"are you there");
    })
    .await
}

#[tokio::test]
async fn ws_nack_first_then_ack_and_blob_answers() {
    bounded(async {
        let c = cloud().await;
        c.set_ack_mode(AckMode::NackFirst {
            n: 1,
            retry_after_ms: 10,
        });
        c.answer_blob_requests(true);
        let mut ws = connect_ok(&c).await;
        let txn = "5b7e8f3a-0000-4000-8000-000000000002";
        let req = Data::with_correlation_id(
            Payload::RequestBlobUrls(RequestBlobUrls {
                digests: vec!["sha256:aa".into(), "sha256:bb".into()],
            }),
            "corr-1",
        );
        let bytes = Envelope {
            header: Header {
                system_id: c.system_id().into(),
                created_at: None,
                txn: txn.into(),
            },
            data: req,
        }
        .encode()
        .expect("encode");
        ws.send_binary(bytes.clone(), SHORT).await.expect("send");
        let nack = next_envelope(&mut ws).await;
        match nack.data.payload {
            Payload::Nack(n) => assert_eq!(n.retry_after_ms, 10),
            other => panic!("expected nack, got {other:?}"),
        }
        let blobs = next_envelope(&mut ws).await;
        assert_eq!(blobs.data.correlation_id, "corr-1");
        match blobs.data.payload {
            Payload::BlobUrls(b) => {
                assert_eq!(b.items.len(), 2);
                assert_eq!(b.items[1].urls, vec!["https://blobs.example/sha256:bb"]);
            }
            other => panic!("expected blobUrls, got {other:?}"),
        }
        ws.send_binary(bytes, SHORT).await.expect("resend");
        let ack = next_envelope(&mut ws).await;
        assert_eq!(ack.message_type(), MessageType::Ack);
        assert_eq!(ack.header.txn, txn);
        assert_eq!(c.transmissions(txn), 2);
        assert_eq!(c.state().delivered.len(), 1);
    })
    .await
}

#[tokio::test]
async fn ws_text_frames_and_violations_are_recorded() {
    bounded(async {
        let c = cloud().await;
        let mut ws = connect_ok(&c).await;
        ws.send_text("hello", SHORT).await.expect("text");
        ws.send_binary(b"not json".to_vec(), SHORT)
            .await
            .expect("junk");
        ws.send_binary(
            frame("someone-else", "t-3", Payload::Alerts(Alerts::default())),
            SHORT,
        )
        .await
        .expect("wrong system");
        assert!(
            c.wait_for(|s| s.texts.len() == 1 && s.received.len() == 2, SHORT)
                .await
        );
        let s = c.state();
        assert!(s.received[0].envelope.is_err());
        assert_eq!(s.violations.len(), 1);
        assert!(s.delivered.is_empty());
        // the cloud's TEXT frames reach the unit as Text
        c.push_text("ignored");
        match ws.recv().await.expect("open").expect("recv") {
            WsIncoming::Text(t) => assert_eq!(t, "ignored"),
            other => panic!("{other:?}"),
        }
    })
    .await
}

#[tokio::test]
async fn ws_with_custom_signer() {
    bounded(async {
        let c = cloud().await;
        let der =
            aoscomm::tls::load_key(&PemSource::pem(c.pki().client.key.as_bytes())).expect("key");
        let signer = rustls::crypto::ring::sign::any_supported_type(&der).expect("signer");
        let mut s = c.client_tls();
        s.client_key = Some(ClientKey::Signer(signer));
        let mut ws = connect(
            &c.ws_url(),
            &c.auth_token(),
            config(&s),
            &WsOptions::default(),
        )
        .await
        .expect("connect with signer");
        ws.close(SHORT).await.expect("close");
    })
    .await
}

// ---- mTLS negative matrix ------------------------------------------------------------------

#[tokio::test]
async fn mtls_no_client_certificate() {
    bounded(async {
        let c = cloud().await;
        let e = ws_error(&c, &c.client_tls_with(None), &WsOptions::default()).await;
        assert!(matches!(e, TransportError::NoClientCertificate), "{e:?}");
        assert_eq!(e.kind(), "no_client_certificate");
    })
    .await
}

#[tokio::test]
async fn mtls_rejected_client_certificates() {
    bounded(async {
        let c = cloud().await;
        for kind in [
            ClientCertKind::OtherCa,
            ClientCertKind::Expired,
            ClientCertKind::NotYetValid,
            ClientCertKind::ServerAuthOnly,
        ] {
            let cert = c.pki().mint_client(kind).expect("mint");
            let e = ws_error(&c, &c.client_tls_with(Some(&cert)), &WsOptions::default()).await;
            assert!(
                matches!(e, TransportError::ClientCertificateRejected { .. }),
                "{kind:?}: {e:?}"
            );
        }
        // a freshly minted valid certificate works
        let cert = c.pki().mint_client(ClientCertKind::Valid).expect("mint");
        connect(
            &c.ws_url(),
            &c.auth_token(),
            config(&c.client_tls_with(Some(&cert))),
            &WsOptions::default(),
        )
        .await
        .expect("valid minted certificate");
        assert!(c.wait_for(|s| s.tls_failures.len() == 4, SHORT).await);
    })
    .await
}

#[tokio::test]
async fn mtls_client_trusting_another_ca() {
    bounded(async {
        let c = cloud().await;
        let mut s = c.client_tls();
        s.ca = Some(PemSource::pem(
            TestPki::other_ca_pem().expect("ca").into_bytes(),
        ));
        let e = ws_error(&c, &s, &WsOptions::default()).await;
        assert!(matches!(e, TransportError::UntrustedServer { .. }), "{e:?}");
    })
    .await
}

#[tokio::test]
async fn mtls_hostname_mismatch() {
    bounded(async {
        // override of the verification name
        let c = cloud().await;
        let opts = WsOptions {
            server_name: Some("wrong.example".into()),
            ..WsOptions::default()
        };
        let e = ws_error(&c, &c.client_tls(), &opts).await;
        match e {
            TransportError::HostnameMismatch { name } => assert_eq!(name, "wrong.example"),
            other => panic!("{other:?}"),
        }
        // a server certificate for another name
        let other = MockCloud::start(MockCloudConfig {
            server_names: vec!["other.example".into()],
            ..MockCloudConfig::default()
        })
        .await
        .expect("start");
        let e = ws_error(&other, &other.client_tls(), &WsOptions::default()).await;
        assert!(
            matches!(e, TransportError::HostnameMismatch { .. }),
            "{e:?}"
        );
        // and the override to the right name makes it work
        let opts = WsOptions {
            server_name: Some("other.example".into()),
            ..WsOptions::default()
        };
        connect(
            &other.ws_url(),
            &other.auth_token(),
            config(&other.client_tls()),
            &opts,
        )
        .await
        .expect("override to the certificate's name");
    })
    .await
}

#[tokio::test]
async fn upgrade_rejections() {
    bounded(async {
        let c = cloud().await;
        c.reject_upgrade_401(1);
        let e = ws_error(&c, &c.client_tls(), &WsOptions::default()).await;
        assert!(
            matches!(
                e,
                TransportError::HttpStatus {
                    status: 401,
                    phase: Phase::Upgrade
                }
            ),
            "{e:?}"
        );
        assert!(e.is_unauthorized());
        c.reject_upgrade_status(503, 1);
        let e = ws_error(&c, &c.client_tls(), &WsOptions::default()).await;
        assert!(
            matches!(e, TransportError::HttpStatus { status: 503, .. }),
            "{e:?}"
        );
        assert!(!e.is_unauthorized());
        // a wrong (or empty) token is 401 too; we send "Bearer " and HTTP parsing drops the
        // trailing space (it is optional whitespace, RFC 9110 §5.5)
        let e = connect(
            &c.ws_url(),
            "",
            config(&c.client_tls()),
            &WsOptions::default(),
        )
        .await
        .expect_err("empty token");
        assert!(e.is_unauthorized(), "{e:?}");
        assert_eq!(
            c.state().upgrades[2].authorization.as_deref(),
            Some("Bearer")
        );
        let _ws = connect_ok(&c).await;
        assert!(c.wait_connections(1, SHORT).await);
        assert_eq!(c.upgrade_count(), 4);
        assert_eq!(c.connection_count(), 1);
    })
    .await
}

#[tokio::test]
async fn tls_timeout_when_server_never_answers() {
    bounded(async {
        let c = cloud().await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        // accepts TCP, never speaks TLS
        let hold = tokio::spawn(async move {
            let mut socks = Vec::new();
            while let Ok((s, _)) = listener.accept().await {
                socks.push(s);
            }
        });
        let opts = WsOptions {
            tls_timeout: Duration::from_millis(300),
            ..WsOptions::default()
        };
        let e = connect(
            &format!("wss://{addr}/"),
            "t",
            config(&c.client_tls()),
            &opts,
        )
        .await
        .expect_err("timeout");
        assert!(
            matches!(e, TransportError::Timeout { phase: Phase::Tls }),
            "{e:?}"
        );
        hold.abort();
    })
    .await
}

#[tokio::test]
async fn upgrade_timeout_when_server_never_answers_http() {
    bounded(async {
        let c = cloud().await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        // completes TLS (no client auth), never answers the upgrade
        let chain =
            aoscomm::tls::load_certs(&PemSource::pem(c.pki().server.cert.as_bytes()), "server")
                .expect("cert");
        let key =
            aoscomm::tls::load_key(&PemSource::pem(c.pki().server.key.as_bytes())).expect("key");
        let server = rustls::ServerConfig::builder_with_provider(TlsSettings::provider())
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .expect("server config");
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server));
        let hold = tokio::spawn(async move {
            let mut streams = Vec::new();
            while let Ok((s, _)) = listener.accept().await {
                if let Ok(tls) = acceptor.accept(s).await {
                    streams.push(tls);
                }
            }
        });
        let opts = WsOptions {
            upgrade_timeout: Duration::from_millis(300),
            ..WsOptions::default()
        };
        let e = connect(
            &format!("wss://{addr}/ws"),
            "t",
            config(&c.client_tls()),
            &opts,
        )
        .await
        .expect_err("timeout");
        assert!(
            matches!(
                e,
                TransportError::Timeout {
                    phase: Phase::Upgrade
                }
            ),
            "{e:?}"
        );
        hold.abort();
    })
    .await
}

#[tokio::test]
async fn connect_refused_and_invalid_urls() {
    bounded(async {
        let c = cloud().await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        drop(listener);
        let tls = config(&c.client_tls());
        let e = connect(
            &format!("wss://{addr}/"),
            "t",
            tls.clone(),
            &WsOptions::default(),
        )
        .await
        .expect_err("refused");
        assert!(matches!(e, TransportError::Connect { .. }), "{e:?}");
        for bad in ["not a valid URL", "ftp://127.0.0.1/x"] {
            let e = connect(bad, "t", tls.clone(), &WsOptions::default())
                .await
                .expect_err("invalid");
            assert!(
                matches!(e, TransportError::InvalidUrl { .. }),
                "{bad}: {e:?}"
            );
        }
        // connect_addr override: the URL names a dead port, the override the real endpoint
        let opts = WsOptions {
            connect_addr: Some(c.ws_addr()),
            ..WsOptions::default()
        };
        connect(
            &format!("wss://127.0.0.1:{}/ws/v7", addr.port()),
            &c.auth_token(),
            tls,
            &opts,
        )
        .await
        .expect("address override");
    })
    .await
}

#[tokio::test]
async fn hold_connection_stops_answering_pings() {
    bounded(async {
        let c = cloud().await;
        let mut ws = connect_ok(&c).await;
        assert!(c.wait_connections(1, SHORT).await);
        assert!(c.hold_connection());
        assert!(c.wait_for(|s| s.held, SHORT).await);
        // a ping now goes unanswered
        ws.send_ping(b"1".to_vec(), SHORT).await.expect("ping");
        let answered = tokio::time::timeout(Duration::from_millis(300), ws.recv()).await;
        assert!(
            answered.is_err(),
            "a held connection must not answer: {answered:?}"
        );
        assert!(c.drop_connection());
        assert!(c.wait_for(|s| s.disconnects == 1, SHORT).await);
    })
    .await
}

#[test]
fn blocking_mock_and_waits() {
    let c = MockCloud::start_blocking(MockCloudConfig::default()).expect("start");
    let dir = std::env::temp_dir().join(format!("aoscomm-pki-{}", std::process::id()));
    c.write_pki(&dir).expect("write pki");
    let s = TlsSettings {
        ca: Some(dir.join("ca.pem").into()),
        client_cert: Some(dir.join("client.pem").into()),
        client_key: Some(dir.join("client-key.pem").into()),
        server_name: None,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let url = c.ws_url();
    let token = c.auth_token();
    let sys = c.system_id().to_string();
    let mut ws = rt
        .block_on(async {
            tokio::time::timeout(T, connect(&url, &token, config(&s), &WsOptions::default())).await
        })
        .expect("bounded")
        .expect("connect with PEM files");
    rt.block_on(async {
        ws.send_binary(
            frame(&sys, "t-blocking", Payload::Alerts(Alerts::default())),
            SHORT,
        )
        .await
    })
    .expect("send");
    assert!(c.wait_received_blocking(1, SHORT));
    assert!(c.wait_connections_blocking(1, SHORT));
    assert!(!c.wait_for_blocking(|s| s.connections > 1, Duration::from_millis(50)));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn plain_ws_and_http_schemes_skip_tls() {
    use futures_util::{SinkExt, StreamExt};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    bounded(async {
        let c = cloud().await;
        let tls = config(&c.client_tls());
        // ws:// — a plain tokio-tungstenite echo server
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = l.local_addr().expect("addr");
        tokio::spawn(async move {
            if let Ok((s, _)) = l.accept().await {
                if let Ok(mut ws) = tokio_tungstenite::accept_async(s).await {
                    while let Some(Ok(m)) = ws.next().await {
                        if m.is_binary() && ws.send(m).await.is_err() {
                            break;
                        }
                    }
                }
            }
        });
        let mut ws = connect(&format!("ws://{addr}"), "t", tls.clone(), &WsOptions::default())
            .await
            .expect("plain ws");
        ws.send_binary(b"echo".to_vec(), SHORT).await.expect("send");
        match ws.recv().await.expect("open").expect("recv") {
            WsIncoming::Binary(b) => assert_eq!(b, b"echo"),
            other => panic!("{other:?}"),
        }
        // http:// — a minimal HTTP/1.1 responder
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = l.local_addr().expect("addr");
        tokio::spawn(async move {
            if let Ok((mut s, _)) = l.accept().await {
                let mut buf = vec![0u8; 4096];
                let mut got = Vec::new();
                // read the head and the (small) body
                while !String::from_utf8_lossy(&got).contains("\"version\":7") {
                    match s.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => got.extend_from_slice(&buf[..n]),
                    }
                }
                let body = br#"{"connectionInfo":["ws://x/"],"authToken":"tok"}"#;
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = s.write_all(head.as_bytes()).await;
                let _ = s.write_all(body).await;
            }
        });
        let r = discover(
            &format!("http://{addr}/sd/v7/"),
            &ServiceDiscoveryRequest::v7("sys"),
            tls,
            SHORT,
        )
        .await
        .expect("plain http discovery");
        assert_eq!(r.connection_info, vec!["ws://x/"]);
        assert_eq!(r.auth_token, "tok");
    })
    .await
}
