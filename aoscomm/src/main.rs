//! The `aoscomm` command line.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use aoscomm::protocol::{canonicalize, DocumentKind, MessageType};
use clap::{Parser, Subcommand};

mod cli;

#[derive(Parser, Debug)]
#[command(name = "aoscomm", version, about = "AosCloud protocol v7 unit-side toolkit", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Start the mock cloud and a client in one process and exchange every v7 message type.
    ///
    /// Prints a transcript (each message, its outcome and round trip), forces one nack and one
    /// disconnect on the way, and ends with a summary. Exit status 0 when all 26 types were
    /// exchanged and every message was acked.
    Demo {
        /// Also write the cloud message log (TX:/RX: lines) to this file.
        #[arg(long, value_name = "FILE")]
        log: Option<PathBuf>,
    },
    /// Run the mock cloud: prints its URLs and writes its test PKI to a folder.
    Cloud {
        /// Where to write ca.pem, client.pem and client-key.pem.
        #[arg(long, value_name = "DIR", default_value = "aoscomm-pki")]
        pki_dir: PathBuf,
        /// The unit system ID the mock accepts.
        #[arg(long, default_value = "test_system_id")]
        system_id: String,
    },
    /// Connect as a unit: prints received messages as JSON lines on stdout, sends the JSON
    /// `data` objects read from stdin (one per line); events go to stderr.
    Connect(cli::connect::Args),
    /// Validate a v7 JSON document and print its canonical encoding.
    ///
    /// Reads a whole envelope ({"header":...,"data":...}) or a bare data object
    /// ({"messageType":...}) from FILE, or from standard input when FILE is "-" or absent.
    /// With --type it reads a named sub-object instead, or a bare data object parsed as the
    /// named message type.
    ///
    /// On success the canonical encoding (compact JSON in the reference key order) is printed
    /// on stdout and the exit status is 0. If the document breaks a rule, one line
    /// "<json path>: <rule>" goes to stderr, nothing to stdout, and the exit status is 1
    /// (for example: data.nodes[1].identity: missing key "codename"). Exit status 2 means the
    /// command line was wrong or the input could not be read.
    #[command(verbatim_doc_comment)]
    Decode {
        /// What the document is: envelope, data, instanceIdent, instanceFilter, errorInfo,
        /// protocol, unitConfig, nodeConfig, serviceDiscoveryRequest,
        /// serviceDiscoveryResponse, or one of the 26 messageType names (a bare data object
        /// parsed as that type). Default: an envelope if the root has a "header" key, else a
        /// bare data object.
        #[arg(long = "type", value_name = "NAME", value_parser = parse_kind)]
        kind: Option<DocumentKind>,
        /// Input file; "-" or absent for standard input.
        #[arg(value_name = "FILE|-")]
        file: Option<PathBuf>,
    },
}

fn parse_kind(name: &str) -> Result<DocumentKind, String> {
    DocumentKind::from_name(name).ok_or_else(|| {
        format!(
            "unknown type \"{name}\"; expected one of {} or a messageType ({})",
            DocumentKind::SUB_OBJECT_NAMES.join(", "),
            MessageType::STRINGS.join(", ")
        )
    })
}

fn one_line(s: &str) -> String {
    s.replace('\r', "\\r").replace('\n', "\\n")
}

fn decode(kind: Option<DocumentKind>, file: Option<PathBuf>) -> ExitCode {
    let mut input = Vec::new();
    let read = match &file {
        Some(p) if p.as_os_str() != "-" => std::fs::read(p).map(|b| input = b),
        _ => std::io::stdin().read_to_end(&mut input).map(|_| ()),
    };
    if let Err(e) = read {
        let name = file
            .as_ref()
            .map_or("<stdin>".into(), |p| p.display().to_string());
        eprintln!("aoscomm: cannot read {name}: {e}");
        return ExitCode::from(2);
    }
    match canonicalize(kind.unwrap_or(DocumentKind::Auto), &input) {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            if stdout
                .write_all(&out)
                .and_then(|()| stdout.write_all(b"\n"))
                .and_then(|()| stdout.flush())
                .is_err()
            {
                return ExitCode::from(2);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}", one_line(&e.to_string()));
            ExitCode::from(1)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Decode { kind, file } => decode(kind, file),
        Command::Demo { log } => cli::demo::run(log),
        Command::Cloud { pki_dir, system_id } => cli::cloud::run(pki_dir, system_id),
        Command::Connect(args) => cli::connect::run(args),
    }
}
