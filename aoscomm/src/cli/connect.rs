//! `aoscomm connect`: a unit on the command line. Received messages go to stdout as JSON lines
//! (the canonical envelope); `data` objects read from stdin, one per line, are sent; connection
//! events and delivery outcomes go to stderr.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use aoscomm::client::{Client, ClientEvent, SendOptions};
use aoscomm::tls::PemSource;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The service-discovery URL.
    #[arg(long, value_name = "URL")]
    pub discovery_url: String,
    /// CA bundle (PEM) the cloud must chain to.
    #[arg(long, value_name = "FILE")]
    pub ca: PathBuf,
    /// Client certificate chain (PEM).
    #[arg(long, value_name = "FILE")]
    pub cert: PathBuf,
    /// Client key (PEM: PKCS#1, PKCS#8 or SEC1).
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// The unit's system ID.
    #[arg(long)]
    pub system_id: String,
    /// Verify the cloud's certificate against this name instead of the URL host.
    #[arg(long)]
    pub server_name: Option<String>,
    /// Write the cloud message log here.
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
}

pub fn run(a: Args) -> ExitCode {
    let mut b = Client::builder()
        .service_discovery_url(a.discovery_url)
        .system_id(a.system_id)
        .ca_cert(PemSource::path(a.ca))
        .client_cert(PemSource::path(a.cert))
        .client_key(PemSource::path(a.key));
    if let Some(n) = a.server_name {
        b = b.server_name(n);
    }
    if let Some(l) = a.log {
        b = b.cloud_message_log(l);
    }
    let client = match b.build() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("aoscomm connect: {e}");
            return ExitCode::from(2);
        }
    };
    let events = client.subscribe();
    if let Err(e) = client.start() {
        eprintln!("aoscomm connect: {e}");
        return ExitCode::from(2);
    }
    let printer = std::thread::spawn(move || {
        while let Some(ev) = events.recv_timeout(Duration::from_secs(3600 * 24)) {
            match ev {
                ClientEvent::Message(env) => {
                    if let Ok(bytes) = env.encode() {
                        let mut out = std::io::stdout().lock();
                        let _ = out.write_all(&bytes).and_then(|()| out.write_all(b"\n"));
                        let _ = out.flush();
                    }
                }
                ClientEvent::Connected { url } => eprintln!("connected: {url}"),
                ClientEvent::Disconnected { reason } => eprintln!("disconnected: {reason}"),
                ClientEvent::ConnectFailed { error, .. } => {
                    eprintln!("connect failed ({}): {error}", error.kind())
                }
                ClientEvent::Delivery {
                    id,
                    message_type,
                    outcome,
                } => eprintln!("{message_type} {id} txn {}: {outcome}", outcome.txn()),
                ClientEvent::Rejected { reason } => eprintln!("dropped a frame: {reason}"),
            }
        }
    });
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        if line.trim().is_empty() {
            continue;
        }
        match client.send_json(line.as_bytes(), SendOptions::default()) {
            Ok(h) => eprintln!("queued {} txn {}", h.id(), h.txn()),
            Err(e) => eprintln!("not sent: {e}"),
        }
    }
    let report = client.close_with_drain(Duration::from_secs(10));
    let _ = printer.join();
    if report.undelivered.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "{} message(s) undelivered at exit",
            report.undelivered.len()
        );
        ExitCode::from(1)
    }
}
