//! `aoscomm cloud`: runs the mock cloud until Ctrl-C (or stdin closes), with its PKI written to
//! a folder so a unit (`aoscomm connect`, the C or Python bindings) can connect to it.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use aoscomm::cloud::{MockCloud, MockCloudConfig};

pub fn run(pki_dir: PathBuf, system_id: String) -> ExitCode {
    let config = MockCloudConfig {
        system_id,
        ..MockCloudConfig::default()
    };
    let cloud = match MockCloud::start_blocking(config) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("aoscomm cloud: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = cloud.write_pki(&pki_dir) {
        eprintln!("aoscomm cloud: {e}");
        return ExitCode::from(2);
    }
    cloud.answer_blob_requests(true);
    let d = pki_dir.display();
    println!("discovery_url {}", cloud.discovery_url());
    println!("websocket_url {}", cloud.ws_url());
    println!("system_id {}", cloud.system_id());
    println!("ca {d}/ca.pem");
    println!("client_cert {d}/client.pem");
    println!("client_key {d}/client-key.pem");
    println!(
        "connect with: aoscomm connect --discovery-url {} --ca {d}/ca.pem --cert {d}/client.pem --key {d}/client-key.pem --system-id {}",
        cloud.discovery_url(),
        cloud.system_id()
    );
    println!("(runs until its standard input closes)");
    // Runs until stdin reaches EOF (Ctrl-D, or the parent closing the pipe) or Ctrl-C ends the
    // process.
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    drop(cloud);
    ExitCode::SUCCESS
}
