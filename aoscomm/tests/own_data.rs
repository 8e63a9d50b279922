//! Our own test data (`tests/data/`, written by hand from protocol-v7.md and docs/codec.md):
//! every message type decoded and re-encoded byte for byte, lenient inputs canonicalised, and
//! invalid inputs rejected with the expected path and rule.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use aoscomm::protocol::*;

fn data_dir(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(sub)
}

fn read_trimmed(p: &Path) -> Vec<u8> {
    let mut b = std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    if b.last() == Some(&b'\n') {
        b.pop();
    }
    b
}

fn files(sub: &str, suffix: &str) -> Vec<PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(data_dir(sub))
        .expect("data dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    v.sort();
    v
}

#[test]
fn canonical_messages_round_trip_byte_for_byte() {
    let mut types = BTreeSet::new();
    let all = files("canonical", ".json");
    for p in &all {
        let bytes = read_trimmed(p);
        let env = Envelope::decode(&bytes).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        types.insert(env.message_type());
        let name = p
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        assert!(
            name.starts_with(env.message_type().as_str()),
            "{name} holds a {}",
            env.message_type()
        );
        let out = env.encode().expect("encode");
        assert_eq!(
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(&bytes),
            "{name}"
        );
        // the bare data object round-trips on its own too
        let data = Data::encode(&env.data).expect("encode data");
        assert_eq!(
            Data::decode(&data).expect("decode data"),
            env.data,
            "{name}"
        );
    }
    assert_eq!(types.len(), 26, "message types covered: {types:?}");
    println!(
        "canonical files: {}, message types: {}",
        all.len(),
        types.len()
    );
}

#[test]
fn lenient_inputs_canonicalise() {
    let ins = files("lenient", ".in.json");
    assert!(ins.len() >= 12);
    for p in &ins {
        let name = p
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let out_path = PathBuf::from(p.to_string_lossy().replace(".in.json", ".out.json"));
        let kind = match name.strip_prefix("bare-") {
            Some(rest) => {
                let t = rest.split('-').next().unwrap_or_default();
                DocumentKind::DataAs(MessageType::from_wire(t).unwrap_or_else(|| panic!("{name}")))
            }
            None => DocumentKind::Auto,
        };
        let got = canonicalize(kind, &read_trimmed(p)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let want = read_trimmed(&out_path);
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&want),
            "{name}"
        );
    }
}

#[test]
fn invalid_inputs_fail_with_path_and_rule() {
    let tsv =
        std::fs::read_to_string(data_dir("invalid").join("EXPECTED.tsv")).expect("EXPECTED.tsv");
    let mut n = 0;
    for line in tsv.lines().filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [file, path, rule] = cols[..] else {
            panic!("bad line {line}")
        };
        let bytes = read_trimmed(&data_dir("invalid").join(file));
        let err = Envelope::decode(&bytes).expect_err(file);
        assert_eq!(err.path(), path, "{file}: {err}");
        assert!(
            err.reason().contains(rule),
            "{file}: \"{err}\" lacks \"{rule}\""
        );
        assert_eq!(err.to_string(), format!("{}: {}", err.path(), err.reason()));
        n += 1;
    }
    assert_eq!(
        n,
        files("invalid", ".json").len(),
        "every invalid file has an EXPECTED line"
    );
}
