//! Decoder fuzz target. Oracle: decoding never panics, and whatever decodes re-encodes to a
//! canonical form that is a fixed point (decode(encode(x)) == x, encode stable).
#![no_main]

use aoscomm::protocol::{canonicalize, Data, DocumentKind, Envelope, MessageType};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(env) = Envelope::decode(bytes) {
        let once = env.encode().expect("a decoded envelope encodes");
        let again = Envelope::decode(&once).expect("canonical output decodes");
        assert_eq!(again, env);
        assert_eq!(again.encode().expect("encodes"), once);
    }
    if let Ok(data) = Data::decode(bytes) {
        let once = data.encode().expect("a decoded data object encodes");
        assert_eq!(Data::decode(&once).expect("canonical data decodes"), data);
    }
    // One sub-object kind per input, chosen by its length, to keep each run cheap.
    let kinds = [
        DocumentKind::InstanceIdent,
        DocumentKind::InstanceFilter,
        DocumentKind::UnitConfig,
        DocumentKind::NodeConfig,
        DocumentKind::ServiceDiscoveryResponse,
        DocumentKind::DataAs(MessageType::ALL[bytes.len() % MessageType::ALL.len()]),
    ];
    let kind = kinds[bytes.len() % kinds.len()];
    if let Ok(once) = canonicalize(kind, bytes) {
        let twice = canonicalize(kind, &once).expect("canonical output decodes");
        assert_eq!(twice, once);
    }
});
