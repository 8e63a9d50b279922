//! Size limits of protocol-v7.md §2.9 (effective aos_core_cpp v9.1.1 values). String limits are
//! in bytes, array limits in elements.

/// Identifiers: node, item, subject, runtime, owner IDs (`cIDLen`).
pub const ID_LEN: usize = 64;
/// `correlationId` (`uuid::cUUIDLen`).
pub const CORRELATION_ID_LEN: usize = 37;
/// Versions (`cVersionLen`).
pub const VERSION_LEN: usize = 32;
/// URLs (`cURLLen`, aos_core_cpp override).
pub const URL_LEN: usize = 4096;
/// URLs per blob (`cMaxNumURLs`).
pub const MAX_URLS: usize = 8;
/// OCI digests (`oci::cDigestLen`).
pub const DIGEST_LEN: usize = 136;
pub const MAX_NODES: usize = 16;
pub const MAX_UPDATE_ITEMS: usize = 64;
/// `unitStatus.items` (twice `cMaxNumUpdateItems`).
pub const MAX_ITEM_STATUSES: usize = 128;
pub const MAX_INSTANCES: usize = 256;
/// `unitStatus.instances` groups.
pub const MAX_INSTANCE_GROUPS: usize = 64;
pub const MAX_BLOBS: usize = 16;
pub const MAX_SUBJECTS: usize = 64;
pub const SECRET_LEN: usize = 64;
pub const NODE_TYPE_LEN: usize = 64;
pub const NODE_TITLE_LEN: usize = 64;
pub const LABEL_LEN: usize = 64;
pub const MAX_LABELS: usize = 4;
pub const PARTITION_NAME_LEN: usize = 64;
pub const MAX_PARTITIONS: usize = 4;
pub const PARTITION_TYPE_LEN: usize = 32;
pub const MAX_PARTITION_TYPES: usize = 4;
/// File paths (`cFilePathLen`, aos_core_cpp override).
pub const FILE_PATH_LEN: usize = 512;
pub const RESOURCE_NAME_LEN: usize = 64;
pub const ALERT_MESSAGE_LEN: usize = 256;
pub const ALERT_PARAMETER_LEN: usize = 16;
pub const MAX_ALERT_ITEMS: usize = 16;
pub const MAX_MONITORING_ITEMS: usize = 16;
pub const ENV_VAR_NAME_LEN: usize = 64;
pub const ENV_VAR_VALUE_LEN: usize = 256;
pub const MAX_ENV_VARS: usize = 16;
/// `overrideEnvVarsStatus.statuses`: 256 instances x 16 variables, flattened.
pub const MAX_ENV_VAR_STATUSES: usize = MAX_INSTANCES * MAX_ENV_VARS;
/// Raw bytes of one `pushLog.content` part (`cLogContentLen`).
pub const LOG_CONTENT_LEN: usize = 262_144;
pub const BEARER_TOKEN_LEN: usize = 256;
/// `newState.state` / `updateState.state` (`cStateLen`).
pub const STATE_LEN: usize = 65_536;
/// State `reason`, alert `reason` (`cErrorMessageLen`).
pub const REASON_LEN: usize = 256;
/// `errorInfo.message`: the reference truncates its own to 64; we accept up to 256 on read.
pub const ERROR_MESSAGE_LEN: usize = 256;
pub const OS_TYPE_LEN: usize = 16;
pub const OS_FEATURE_LEN: usize = 64;
pub const MAX_OS_FEATURES: usize = 16;
pub const CPU_ARCH_LEN: usize = 16;
pub const CPU_VARIANT_LEN: usize = 16;
pub const CPU_MODEL_NAME_LEN: usize = 64;
pub const MAX_CPUS: usize = 8;
pub const RUNTIME_TYPE_LEN: usize = 64;
pub const MAX_NODE_RUNTIMES: usize = 4;
pub const MAX_NODE_RESOURCES: usize = 4;
pub const NODE_ATTRIBUTE_NAME_LEN: usize = 16;
pub const NODE_ATTRIBUTE_VALUE_LEN: usize = 64;
pub const MAX_NODE_ATTRIBUTES: usize = 16;
pub const CSR_PEM_LEN: usize = 4096;
pub const CERT_CHAIN_PEM_LEN: usize = 16_384;
pub const SERIAL_LEN: usize = 40;
pub const CERT_DER_SIZE: usize = 2048;
pub const CERT_FINGERPRINT_LEN: usize = 64;
pub const CHAIN_NAME_LEN: usize = 64;
pub const ALG_LEN: usize = 64;
/// Decoded bytes of `decryptInfo.blockIv` (`crypto::cIVSize`).
pub const IV_SIZE: usize = 16;
/// Decoded bytes of `decryptInfo.blockKey` (`crypto::cKeySize`).
pub const KEY_SIZE: usize = 64;
/// Decoded bytes of `signInfo.value` (`crypto::cSignatureSize`).
pub const SIGNATURE_SIZE: usize = 512;
pub const OCSP_VALUE_LEN: usize = 64;
pub const MAX_OCSP_VALUES: usize = 4;
pub const MAX_CERTIFICATES: usize = 32;
pub const MAX_CERT_CHAINS: usize = 8;
pub const MAX_CERT_CHAIN_SIZE: usize = 4;
pub const MAX_CERTS_PER_NODE: usize = 5;
pub const MAX_CERTS_PER_UNIT: usize = 80;
pub const MAX_UNIT_CONFIG_STATUSES: usize = 2;
/// SHA-256 checksums (`crypto::cSHA256Size`).
pub const SHA256_SIZE: usize = 32;
/// Discovery `connectionInfo` URLs accepted.
pub const MAX_CONNECTION_URLS: usize = 16;
