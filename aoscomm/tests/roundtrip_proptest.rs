//! Property tests of the codec: for generated values of every one of the 26 message types,
//! `decode(encode(x)) == x` as a bare `data` object and inside a full envelope; the encoding is
//! compact (docs/codec.md, "Encoding"); object keys are matched case-insensitively.
//!
//! The generators produce only valid, canonical values, i.e. values the decoder can return:
//! strings within the byte limit the field's `read` enforces (a mix of ASCII, characters the
//! writer escapes and non-ASCII), arrays within their element limits (kept short: the limit tests
//! live elsewhere), finite doubles, timestamps in the years 0000..=9999, `errorInfo` only with
//! `aosCode` > 0 (one with `aosCode` 0 reads as no error by design), and `attrs` names that are
//! distinct case-insensitively.
//!
//! Every message type is exercised in every run: the per-type checks loop over
//! `MessageType::ALL` and run their own `TestRunner` for each type. Failure persistence is off,
//! so a failure writes no `proptest-regressions` file; it prints the message type and the
//! minimal failing input instead.

use std::collections::HashSet;
use std::fmt::{Debug, Display};
use std::time::Duration;

use aoscomm::protocol::limits::*;
use aoscomm::protocol::*;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;

/// Generated cases per message type and per check.
const CASES_PER_TYPE: u32 = 256;

// =============================================================================================
// Scalars

/// Characters the writer must escape.
const ESCAPED: &[char] = &[
    '"', '\\', '\n', '\r', '\t', '\u{8}', '\u{c}', '\u{0}', '\u{1}', '\u{1f}',
];
/// Characters written as they are although they look special: `/`, DEL, non-ASCII of 2, 3 and
/// 4 bytes (U+2028 and the BOM included).
const VERBATIM: &[char] = &[
    '/', '\u{7f}', 'é', 'Ä', 'µ', '€', '\u{2028}', '\u{feff}', '😀', '𝄞',
];

/// Maps a generated number to a character: mostly printable ASCII, then characters the writer
/// escapes, characters it writes verbatim, and any Unicode scalar value. (A number per character
/// is much cheaper to generate than a union of character strategies, and it shrinks to ' '.)
fn wire_char(r: u32) -> char {
    let pick = |table: &[char]| table[(r >> 8) as usize % table.len()];
    match r % 18 {
        0..=11 => char::from(b' ' + ((r >> 8) % 95) as u8),
        12..=14 => pick(ESCAPED),
        15..=16 => pick(VERBATIM),
        _ => char::from_u32((r >> 8) % 0x11_0000).unwrap_or('\u{fffd}'),
    }
}

/// Cuts `s` to at most `max` bytes at a character boundary.
fn fit(mut s: String, max: usize) -> String {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    s
}

/// A string of at most `max` BYTES: usually short, sometimes filled up to the limit (or to
/// 300 characters for large limits).
fn text(max: usize) -> BoxedStrategy<String> {
    let short = max.min(24);
    let long = max.min(300);
    prop_oneof![
        6 => vec(any::<u32>(), 0..=short),
        1 => vec(any::<u32>(), long..=long),
    ]
    .prop_map(move |cs| fit(cs.into_iter().map(wire_char).collect(), max))
    .boxed()
}

/// A string without a limit (header fields).
fn free_text() -> BoxedStrategy<String> {
    text(usize::MAX)
}

/// Raw bytes (hex or base64 on the wire) of at most `max` decoded bytes.
fn bytes(max: usize) -> BoxedStrategy<Vec<u8>> {
    let full = max.min(2048);
    prop_oneof![
        6 => vec(any::<u8>(), 0..=full.min(40)),
        2 => vec(any::<u8>(), 0..=full.min(400)),
        1 => vec(any::<u8>(), full..=full),
    ]
    .boxed()
}

/// A short list (at most 3 elements, and never more than the field's limit).
fn list<S: Strategy>(s: S, max: usize) -> impl Strategy<Value = Vec<S::Value>> {
    vec(s, 0..=max.min(3))
}

fn num() -> impl Strategy<Value = u64> {
    prop_oneof![
        3 => 0u64..=1000,
        3 => any::<u64>(),
        1 => Just(u64::MAX),
    ]
}

const SPECIAL_F64: &[f64] = &[
    0.0,
    -0.0,
    0.1,
    0.2,
    0.300_000_000_000_000_04,
    1e21,
    1e22,
    1e-7,
    123_456_789.012_345_68,
    9_007_199_254_740_992.0,
    f64::MAX,
    f64::MIN,
    f64::MIN_POSITIVE,
    f64::EPSILON,
    5e-324,
];

/// Finite doubles: whole numbers, decimal fractions, negatives, huge and tiny values, and
/// arbitrary bit patterns. (This found that serde_json needs its `float_roundtrip` feature for
/// doubles to read back exactly; the crate now enables it.)
fn double() -> impl Strategy<Value = f64> {
    any_double()
}

/// Finite doubles of every kind.
fn any_double() -> impl Strategy<Value = f64> {
    use proptest::num::f64 as f;
    prop_oneof![
        3 => (-1_000_000i64..=1_000_000).prop_map(|n| n as f64),
        3 => (-100_000i64..=100_000, select(&[10.0, 100.0, 1000.0, 3.0][..]))
            .prop_map(|(n, d)| n as f64 / d),
        2 => -1e3f64..1e3,
        2 => f::POSITIVE | f::NEGATIVE | f::NORMAL | f::SUBNORMAL | f::ZERO,
        1 => select(SPECIAL_F64),
    ]
}

/// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z in Unix microseconds.
const MIN_MICROS: i64 = -62_167_219_200_000_000;
const MAX_MICROS: i64 = 253_402_300_799_999_999;

fn timestamp() -> impl Strategy<Value = Timestamp> {
    prop_oneof![
        4 => MIN_MICROS..=MAX_MICROS,
        2 => 1_600_000_000_000_000i64..1_900_000_000_000_000,
        1 => (MIN_MICROS / 1_000_000..=MAX_MICROS / 1_000_000).prop_map(|s| s * 1_000_000),
        1 => select(&[MIN_MICROS, MAX_MICROS, 0, -1, 951_782_400_000_000][..]),
    ]
    .prop_map(Timestamp::from_unix_micros)
}

/// About ten years, in seconds.
const TEN_YEARS_SECS: u64 = 10 * 366 * 86_400;

/// `minTimeout`: nanosecond precision up to ~10 years; zero is omitted and reads back as zero.
fn duration() -> impl Strategy<Value = Duration> {
    prop_oneof![
        1 => Just(Duration::ZERO),
        3 => (0..=TEN_YEARS_SECS).prop_map(Duration::from_secs),
        3 => (0..=TEN_YEARS_SECS, 0u32..1_000_000_000).prop_map(|(s, n)| Duration::new(s, n)),
        1 => (1u64..=3660).prop_map(|d| Duration::from_secs(d * 86_400)),
        1 => (0u64..=10_000_000).prop_map(Duration::from_millis),
        1 => (0u32..1_000_000_000).prop_map(|n| Duration::new(0, n)),
    ]
}

fn error_info() -> impl Strategy<Value = ErrorInfo> {
    (
        prop_oneof![1i64..=14, 1i64..=i64::MAX],
        prop_oneof![Just(0i64), any::<i64>()],
        text(ERROR_MESSAGE_LEN),
    )
        .prop_map(|(aos_code, exit_code, message)| ErrorInfo {
            aos_code,
            exit_code,
            message,
        })
}

/// An error as the decoder returns it: `None`, or `Some` with `aosCode` > 0.
fn opt_error() -> impl Strategy<Value = Option<ErrorInfo>> {
    option::of(error_info())
}

// =============================================================================================
// Shared sub-objects

prop_compose! {
    fn instance_ident()(
        item_id in text(ID_LEN),
        subject_id in text(ID_LEN),
        instance in num(),
        preinstalled in any::<bool>(),
    ) -> InstanceIdent {
        InstanceIdent { item_id, subject_id, instance, preinstalled }
    }
}

prop_compose! {
    fn instance_filter()(
        item_id in option::of(text(ID_LEN)),
        subject_id in option::of(text(ID_LEN)),
        instance in option::of(num()),
    ) -> InstanceFilter {
        InstanceFilter { item_id, subject_id, instance }
    }
}

prop_compose! {
    fn identity()(
        id in option::of(text(ID_LEN)),
        codename in option::of(text(ID_LEN)),
        item_type in option::of(select(UpdateItemType::ALL)),
        title in option::of(text(ID_LEN)),
    ) -> Identity {
        Identity { id, codename, item_type, title }
    }
}

// =============================================================================================
// alerts

fn alert_body() -> impl Strategy<Value = AlertBody> {
    prop_oneof![
        (text(ID_LEN), text(ALERT_MESSAGE_LEN))
            .prop_map(|(node_id, message)| AlertBody::System { node_id, message }),
        (
            text(ID_LEN),
            select(CoreComponent::ALL),
            text(ALERT_MESSAGE_LEN)
        )
            .prop_map(|(node_id, core_component, message)| AlertBody::Core {
                node_id,
                core_component,
                message
            }),
        (
            instance_ident(),
            text(ID_LEN),
            text(RESOURCE_NAME_LEN),
            text(ALERT_MESSAGE_LEN)
        )
            .prop_map(|(instance, node_id, device_id, message)| {
                AlertBody::ResourceAllocate {
                    instance,
                    node_id,
                    device_id,
                    message,
                }
            }),
        (text(ID_LEN), text(ALERT_PARAMETER_LEN), num()).prop_map(|(node_id, parameter, value)| {
            AlertBody::SystemQuota {
                node_id,
                parameter,
                value,
            }
        }),
        (instance_ident(), text(ALERT_PARAMETER_LEN), num()).prop_map(
            |(instance, parameter, value)| AlertBody::InstanceQuota {
                instance,
                parameter,
                value
            }
        ),
        (
            text(DIGEST_LEN),
            text(URL_LEN),
            num(),
            num(),
            select(DownloadState::ALL),
            text(REASON_LEN),
            opt_error()
        )
            .prop_map(
                |(digest, url, downloaded_bytes, total_bytes, state, reason, error)| {
                    AlertBody::DownloadProgress {
                        digest,
                        url,
                        downloaded_bytes,
                        total_bytes,
                        state,
                        reason,
                        error,
                    }
                }
            ),
        (instance_ident(), text(VERSION_LEN), text(ALERT_MESSAGE_LEN)).prop_map(
            |(instance, version, message)| AlertBody::UpdateItemInstance {
                instance,
                version,
                message
            }
        ),
    ]
}

prop_compose! {
    fn alert()(timestamp in timestamp(), body in alert_body()) -> Alert {
        Alert { timestamp, body }
    }
}

// =============================================================================================
// blobs

prop_compose! {
    fn decrypt_info()(
        block_alg in text(ALG_LEN),
        block_iv in bytes(IV_SIZE),
        block_key in bytes(KEY_SIZE),
    ) -> DecryptInfo {
        DecryptInfo { block_alg, block_iv, block_key }
    }
}

prop_compose! {
    fn sign_info()(
        chain_name in text(CHAIN_NAME_LEN),
        alg in text(ALG_LEN),
        value in bytes(SIGNATURE_SIZE),
        trusted_timestamp in timestamp(),
        ocsp_values in list(text(OCSP_VALUE_LEN), MAX_OCSP_VALUES),
    ) -> SignInfo {
        SignInfo { chain_name, alg, value, trusted_timestamp, ocsp_values }
    }
}

prop_compose! {
    fn blob_info()(
        digest in text(DIGEST_LEN),
        urls in list(text(URL_LEN), MAX_URLS),
        sha256 in bytes(SHA256_SIZE),
        size in num(),
        decrypt_info in option::of(decrypt_info()),
        sign_info in option::of(sign_info()),
    ) -> BlobInfo {
        BlobInfo { digest, urls, sha256, size, decrypt_info, sign_info }
    }
}

// =============================================================================================
// certificates and provisioning

prop_compose! {
    fn renew_certificate()(
        cert_type in select(CertType::ALL),
        node_id in text(ID_LEN),
        serial in text(SERIAL_LEN),
        valid_till in option::of(timestamp()),
    ) -> RenewCertificate {
        RenewCertificate { cert_type, node_id, serial, valid_till }
    }
}

prop_compose! {
    fn node_secret()(node_id in text(ID_LEN), secret in text(SECRET_LEN)) -> NodeSecret {
        NodeSecret { node_id, secret }
    }
}

prop_compose! {
    fn renew_certificates_notification()(
        certificates in list(renew_certificate(), MAX_CERTS_PER_UNIT),
        version in text(VERSION_LEN),
        nodes in list(node_secret(), MAX_NODES),
    ) -> RenewCertificatesNotification {
        RenewCertificatesNotification {
            certificates,
            unit_secrets: UnitSecrets { version, nodes },
        }
    }
}

prop_compose! {
    fn certificate_request()(
        cert_type in select(CertType::ALL),
        node_id in text(ID_LEN),
        csr in text(CSR_PEM_LEN),
    ) -> CertificateRequest {
        CertificateRequest { cert_type, node_id, csr }
    }
}

prop_compose! {
    fn issued_certificate()(
        cert_type in select(CertType::ALL),
        node_id in text(ID_LEN),
        certificate_chain in text(CERT_CHAIN_PEM_LEN),
    ) -> IssuedCertificate {
        IssuedCertificate { cert_type, node_id, certificate_chain }
    }
}

prop_compose! {
    fn installed_certificate()(
        cert_type in select(CertType::ALL),
        node_id in text(ID_LEN),
        serial in text(SERIAL_LEN),
        error in opt_error(),
    ) -> InstalledCertificate {
        InstalledCertificate { cert_type, node_id, serial, error }
    }
}

prop_compose! {
    fn node_request()(node_id in text(ID_LEN), password in text(SECRET_LEN)) -> NodeRequest {
        NodeRequest { node_id, password }
    }
}

prop_compose! {
    fn node_response()(node_id in text(ID_LEN), error in opt_error()) -> NodeResponse {
        NodeResponse { node_id, error }
    }
}

prop_compose! {
    fn csr_info()(cert_type in select(CertType::ALL), csr in text(CSR_PEM_LEN)) -> CsrInfo {
        CsrInfo { cert_type, csr }
    }
}

prop_compose! {
    fn start_provisioning_response()(
        node_id in text(ID_LEN),
        error in opt_error(),
        csrs in list(csr_info(), MAX_CERTS_PER_NODE),
    ) -> StartProvisioningResponse {
        StartProvisioningResponse { node_id, error, csrs }
    }
}

prop_compose! {
    fn provisioning_certificate()(
        cert_type in select(CertType::ALL),
        chain in text(CERT_CHAIN_PEM_LEN),
    ) -> ProvisioningCertificate {
        ProvisioningCertificate { cert_type, chain }
    }
}

prop_compose! {
    fn finish_provisioning_request()(
        node_id in text(ID_LEN),
        certificates in list(provisioning_certificate(), MAX_CERTS_PER_NODE),
        password in text(SECRET_LEN),
    ) -> FinishProvisioningRequest {
        FinishProvisioningRequest { node_id, certificates, password }
    }
}

// =============================================================================================
// desiredStatus and unit configuration

prop_compose! {
    fn desired_node_status()(
        node_id in text(ID_LEN),
        state in select(DesiredNodeState::ALL),
    ) -> DesiredNodeStatus {
        DesiredNodeStatus { node_id, state }
    }
}

prop_compose! {
    fn desired_item()(
        item_id in text(ID_LEN),
        item_type in select(UpdateItemType::ALL),
        version in text(VERSION_LEN),
        owner_id in text(ID_LEN),
        index_digest in text(DIGEST_LEN),
    ) -> DesiredItem {
        DesiredItem { item_id, item_type, version, owner_id, index_digest }
    }
}

prop_compose! {
    fn desired_instance()(
        item_id in text(ID_LEN),
        subject_id in text(ID_LEN),
        priority in num(),
        num_instances in num(),
        labels in list(text(LABEL_LEN), MAX_LABELS),
    ) -> DesiredInstance {
        DesiredInstance { item_id, subject_id, priority, num_instances, labels }
    }
}

prop_compose! {
    fn desired_subject()(
        subject_id in text(ID_LEN),
        subject_type in select(SubjectType::ALL),
        is_reported_from_unit in any::<bool>(),
    ) -> DesiredSubject {
        DesiredSubject { subject_id, subject_type, is_reported_from_unit }
    }
}

prop_compose! {
    fn desired_certificate()(
        certificate in bytes(CERT_DER_SIZE),
        fingerprint in text(CERT_FINGERPRINT_LEN),
    ) -> DesiredCertificate {
        DesiredCertificate { certificate, fingerprint }
    }
}

prop_compose! {
    fn certificate_chain()(
        name in text(CHAIN_NAME_LEN),
        fingerprints in list(text(CERT_FINGERPRINT_LEN), MAX_CERT_CHAIN_SIZE),
    ) -> CertificateChain {
        CertificateChain { name, fingerprints }
    }
}

prop_compose! {
    fn alert_rule_percents()(
        min_timeout in duration(),
        min_threshold in double(),
        max_threshold in double(),
    ) -> AlertRulePercents {
        AlertRulePercents { min_timeout, min_threshold, max_threshold }
    }
}

prop_compose! {
    fn alert_rule_points()(
        min_timeout in duration(),
        min_threshold in num(),
        max_threshold in num(),
    ) -> AlertRulePoints {
        AlertRulePoints { min_timeout, min_threshold, max_threshold }
    }
}

prop_compose! {
    fn partition_alert_rule()(
        name in text(PARTITION_NAME_LEN),
        min_timeout in duration(),
        min_threshold in double(),
        max_threshold in double(),
    ) -> PartitionAlertRule {
        PartitionAlertRule { name, min_timeout, min_threshold, max_threshold }
    }
}

prop_compose! {
    fn alert_rules()(
        ram in option::of(alert_rule_percents()),
        cpu in option::of(alert_rule_percents()),
        download in option::of(alert_rule_points()),
        upload in option::of(alert_rule_points()),
        partitions in list(partition_alert_rule(), MAX_PARTITIONS),
    ) -> AlertRules {
        AlertRules { ram, cpu, download, upload, partitions }
    }
}

prop_compose! {
    fn resource_ratios()(
        cpu in option::of(double()),
        ram in option::of(double()),
        storage in option::of(double()),
        state in option::of(double()),
    ) -> ResourceRatios {
        ResourceRatios { cpu, ram, storage, state }
    }
}

prop_compose! {
    fn node_config()(
        version in text(VERSION_LEN),
        node_id in text(ID_LEN),
        node_type in text(NODE_TYPE_LEN),
        alert_rules in option::of(alert_rules()),
        resource_ratios in option::of(resource_ratios()),
        labels in list(text(LABEL_LEN), MAX_LABELS),
        priority in num(),
    ) -> NodeConfig {
        NodeConfig { version, node_id, node_type, alert_rules, resource_ratios, labels, priority }
    }
}

prop_compose! {
    fn unit_config()(
        format_version in text(VERSION_LEN),
        version in text(VERSION_LEN),
        nodes in list(node_config(), MAX_NODES),
    ) -> UnitConfig {
        UnitConfig { format_version, version, nodes }
    }
}

prop_compose! {
    fn desired_status()(
        nodes in list(desired_node_status(), MAX_NODES),
        unit_config in option::of(unit_config()),
        items in list(desired_item(), MAX_UPDATE_ITEMS),
        instances in list(desired_instance(), MAX_INSTANCES),
        subjects in list(desired_subject(), MAX_SUBJECTS),
        certificates in list(desired_certificate(), MAX_CERTIFICATES),
        certificate_chains in list(certificate_chain(), MAX_CERT_CHAINS),
    ) -> DesiredStatus {
        DesiredStatus {
            nodes,
            unit_config,
            items,
            instances,
            subjects,
            certificates,
            certificate_chains,
        }
    }
}

// =============================================================================================
// environment variables

prop_compose! {
    fn env_var()(
        name in text(ENV_VAR_NAME_LEN),
        value in text(ENV_VAR_VALUE_LEN),
        ttl in option::of(timestamp()),
    ) -> EnvVar {
        EnvVar { name, value, ttl }
    }
}

prop_compose! {
    fn env_vars_instance()(
        filter in instance_filter(),
        variables in list(env_var(), MAX_ENV_VARS),
    ) -> EnvVarsInstance {
        EnvVarsInstance { filter, variables }
    }
}

prop_compose! {
    fn env_var_status()(
        instance in instance_ident(),
        name in text(ENV_VAR_NAME_LEN),
        error in opt_error(),
    ) -> EnvVarStatus {
        EnvVarStatus { instance, name, error }
    }
}

// =============================================================================================
// logs

prop_compose! {
    fn push_log()(
        node_id in text(ID_LEN),
        part in num(),
        parts_count in num(),
        content in bytes(LOG_CONTENT_LEN),
        status in select(LogStatus::ALL),
        error in opt_error(),
    ) -> PushLog {
        PushLog { node_id, part, parts_count, content, status, error }
    }
}

prop_compose! {
    fn log_filter()(
        from in option::of(timestamp()),
        till in option::of(timestamp()),
        node_ids in list(text(ID_LEN), MAX_NODES),
        instance_filter in instance_filter(),
    ) -> LogFilter {
        LogFilter { from, till, node_ids, instance_filter }
    }
}

prop_compose! {
    fn upload_options()(
        upload_type in select(LogUploadType::ALL),
        url in text(URL_LEN),
        bearer_token in text(BEARER_TOKEN_LEN),
        bearer_token_ttl in option::of(timestamp()),
    ) -> UploadOptions {
        UploadOptions { upload_type, url, bearer_token, bearer_token_ttl }
    }
}

prop_compose! {
    fn request_log()(
        log_type in select(LogType::ALL),
        filter in log_filter(),
        upload_options in option::of(upload_options()),
    ) -> RequestLog {
        RequestLog { log_type, filter, upload_options }
    }
}

// =============================================================================================
// monitoringData

prop_compose! {
    fn partition_usage()(name in text(PARTITION_NAME_LEN), used_size in num()) -> PartitionUsage {
        PartitionUsage { name, used_size }
    }
}

prop_compose! {
    fn monitoring_item()(
        timestamp in timestamp(),
        ram in num(),
        cpu in double(),
        download in num(),
        upload in num(),
        partitions in list(partition_usage(), MAX_PARTITIONS),
    ) -> MonitoringItem {
        MonitoringItem { timestamp, ram, cpu, download, upload, partitions }
    }
}

prop_compose! {
    fn node_state_info()(
        timestamp in timestamp(),
        state in select(NodeState::ALL),
        is_connected in any::<bool>(),
    ) -> NodeStateInfo {
        NodeStateInfo { timestamp, state, is_connected }
    }
}

prop_compose! {
    fn instance_state_info()(
        timestamp in timestamp(),
        state in select(InstanceState::ALL),
    ) -> InstanceStateInfo {
        InstanceStateInfo { timestamp, state }
    }
}

prop_compose! {
    fn node_monitoring()(
        node_id in text(ID_LEN),
        node_states in list(node_state_info(), MAX_MONITORING_ITEMS),
        items in list(monitoring_item(), MAX_MONITORING_ITEMS),
    ) -> NodeMonitoring {
        NodeMonitoring { node_id, node_states, items }
    }
}

prop_compose! {
    fn instance_monitoring()(
        instance in instance_ident(),
        node_id in text(ID_LEN),
        item_states in list(instance_state_info(), MAX_MONITORING_ITEMS),
        items in list(monitoring_item(), MAX_MONITORING_ITEMS),
    ) -> InstanceMonitoring {
        InstanceMonitoring { instance, node_id, item_states, items }
    }
}

prop_compose! {
    fn monitoring_data()(
        nodes in list(node_monitoring(), MAX_NODES),
        instances in list(instance_monitoring(), MAX_INSTANCES),
    ) -> MonitoringData {
        MonitoringData { nodes, instances }
    }
}

// =============================================================================================
// instance state

prop_compose! {
    fn new_state()(
        instance in instance_ident(),
        state_checksum in bytes(SHA256_SIZE),
        state in text(STATE_LEN),
    ) -> NewState {
        NewState { instance, state_checksum, state }
    }
}

prop_compose! {
    fn state_request()(instance in instance_ident(), default in any::<bool>()) -> StateRequest {
        StateRequest { instance, default }
    }
}

prop_compose! {
    fn state_acceptance()(
        instance in instance_ident(),
        checksum in bytes(SHA256_SIZE),
        result in select(StateResult::ALL),
        reason in text(REASON_LEN),
    ) -> StateAcceptance {
        StateAcceptance { instance, checksum, result, reason }
    }
}

prop_compose! {
    fn update_state()(
        instance in instance_ident(),
        state_checksum in bytes(SHA256_SIZE),
        state in text(STATE_LEN),
    ) -> UpdateState {
        UpdateState { instance, state_checksum, state }
    }
}

// =============================================================================================
// unitStatus

prop_compose! {
    fn unit_config_status()(
        version in text(VERSION_LEN),
        state in select(UnitConfigState::ALL),
        error in opt_error(),
    ) -> UnitConfigStatus {
        UnitConfigStatus { version, state, error }
    }
}

prop_compose! {
    fn os_info()(
        os in text(OS_TYPE_LEN),
        version in text(VERSION_LEN),
        features in list(text(OS_FEATURE_LEN), MAX_OS_FEATURES),
    ) -> OsInfo {
        OsInfo { os, version, features }
    }
}

prop_compose! {
    fn arch_info()(architecture in text(CPU_ARCH_LEN), variant in text(CPU_VARIANT_LEN)) -> ArchInfo {
        ArchInfo { architecture, variant }
    }
}

prop_compose! {
    fn cpu_info()(
        model_name in text(CPU_MODEL_NAME_LEN),
        total_num_cores in num(),
        total_num_threads in num(),
        arch_info in arch_info(),
        max_dmips in option::of(num()),
    ) -> CpuInfo {
        CpuInfo { model_name, total_num_cores, total_num_threads, arch_info, max_dmips }
    }
}

prop_compose! {
    fn partition_info()(
        name in text(PARTITION_NAME_LEN),
        path in text(FILE_PATH_LEN),
        types in list(text(PARTITION_TYPE_LEN), MAX_PARTITION_TYPES),
        total_size in num(),
    ) -> PartitionInfo {
        PartitionInfo { name, path, types, total_size }
    }
}

prop_compose! {
    fn runtime_info()(
        runtime_id in text(ID_LEN),
        runtime_type in text(RUNTIME_TYPE_LEN),
        arch_info in arch_info(),
        os_info in os_info(),
        max_dmips in option::of(num()),
        allowed_dmips in option::of(num()),
        total_ram in option::of(num()),
        allowed_ram in option::of(num()),
        max_instances in num(),
    ) -> RuntimeInfo {
        RuntimeInfo {
            runtime_id,
            runtime_type,
            arch_info,
            os_info,
            max_dmips,
            allowed_dmips,
            total_ram,
            allowed_ram,
            max_instances,
        }
    }
}

prop_compose! {
    fn resource_info()(name in text(RESOURCE_NAME_LEN), shared_count in num()) -> ResourceInfo {
        ResourceInfo { name, shared_count }
    }
}

/// Attribute names that differ only in case, to exercise the de-duplication below.
const ATTR_NAMES: &[&str] = &["cpu", "CPU", "Cpu", "MainBoard", "mainboard", "a\"b", ""];

/// `attrs`: at most 16 entries, names of at most 16 bytes that are distinct case-insensitively
/// (the decoder refuses duplicate keys), values of at most 64 bytes. Order is kept.
fn attrs() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![
        3 => text(NODE_ATTRIBUTE_NAME_LEN),
        1 => select(ATTR_NAMES).prop_map(String::from),
    ];
    vec(
        (name, text(NODE_ATTRIBUTE_VALUE_LEN)),
        0..=5.min(MAX_NODE_ATTRIBUTES),
    )
    .prop_map(|pairs| {
        let mut seen = HashSet::new();
        pairs
            .into_iter()
            .filter(|(k, _)| seen.insert(k.to_ascii_lowercase()))
            .collect()
    })
}

fn unit_node_info() -> impl Strategy<Value = UnitNodeInfo> {
    (
        (
            text(ID_LEN),
            text(NODE_TITLE_LEN),
            text(NODE_TYPE_LEN),
            num(),
            option::of(num()),
            num(),
            os_info(),
            list(cpu_info(), MAX_CPUS),
        ),
        (
            attrs(),
            list(partition_info(), MAX_PARTITIONS),
            select(NodeState::ALL),
            any::<bool>(),
            opt_error(),
            list(runtime_info(), MAX_NODE_RUNTIMES),
            list(resource_info(), MAX_NODE_RESOURCES),
        ),
    )
        .prop_map(
            |(
                (node_id, title, node_type, max_dmips, physical_ram, total_ram, os_info, cpus),
                (attrs, partitions, state, is_connected, error, runtimes, resources),
            )| UnitNodeInfo {
                node_id,
                title,
                node_type,
                max_dmips,
                physical_ram,
                total_ram,
                os_info,
                cpus,
                attrs,
                partitions,
                state,
                is_connected,
                error,
                runtimes,
                resources,
            },
        )
}

prop_compose! {
    fn update_item_status()(
        item_id in text(ID_LEN),
        item_type in option::of(select(UpdateItemType::ALL)),
        preinstalled in any::<bool>(),
        version in text(VERSION_LEN),
        state in select(ItemState::ALL),
        error in opt_error(),
    ) -> UpdateItemStatus {
        UpdateItemStatus { item_id, item_type, preinstalled, version, state, error }
    }
}

prop_compose! {
    fn instance_status()(
        node_id in text(ID_LEN),
        runtime_id in text(ID_LEN),
        instance in num(),
        state_checksum in bytes(SHA256_SIZE),
        state in select(InstanceState::ALL),
        error in opt_error(),
    ) -> InstanceStatus {
        InstanceStatus { node_id, runtime_id, instance, state_checksum, state, error }
    }
}

prop_compose! {
    fn unit_instances_statuses()(
        item_id in text(ID_LEN),
        item_type in option::of(select(UpdateItemType::ALL)),
        subject_id in text(ID_LEN),
        preinstalled in any::<bool>(),
        version in text(VERSION_LEN),
        instances in list(instance_status(), MAX_INSTANCES),
    ) -> UnitInstancesStatuses {
        UnitInstancesStatuses { item_id, item_type, subject_id, preinstalled, version, instances }
    }
}

prop_compose! {
    fn unit_status()(
        is_delta_info in any::<bool>(),
        unit_config in option::of(list(unit_config_status(), MAX_UNIT_CONFIG_STATUSES)),
        nodes in option::of(list(unit_node_info(), MAX_NODES)),
        items in option::of(list(update_item_status(), MAX_ITEM_STATUSES)),
        instances in option::of(list(unit_instances_statuses(), MAX_INSTANCE_GROUPS)),
        subjects in option::of(list(text(ID_LEN), MAX_SUBJECTS)),
    ) -> UnitStatus {
        UnitStatus { is_delta_info, unit_config, nodes, items, instances, subjects }
    }
}

// =============================================================================================
// Payloads, data, envelopes

/// Payloads of type `t`. The match is exhaustive, so a new message type fails to compile here.
fn payload(t: MessageType) -> BoxedStrategy<Payload> {
    use MessageType as M;
    match t {
        M::Ack => Just(Payload::Ack(Ack {})).boxed(),
        M::Alerts => list(alert(), MAX_ALERT_ITEMS)
            .prop_map(|items| Payload::Alerts(Alerts { items }))
            .boxed(),
        M::BlobUrls => list(blob_info(), MAX_BLOBS)
            .prop_map(|items| Payload::BlobUrls(BlobUrls { items }))
            .boxed(),
        M::DeprovisioningRequest => node_request()
            .prop_map(Payload::DeprovisioningRequest)
            .boxed(),
        M::DeprovisioningResponse => node_response()
            .prop_map(Payload::DeprovisioningResponse)
            .boxed(),
        M::DesiredStatus => desired_status().prop_map(Payload::DesiredStatus).boxed(),
        M::FinishProvisioningRequest => finish_provisioning_request()
            .prop_map(Payload::FinishProvisioningRequest)
            .boxed(),
        M::FinishProvisioningResponse => node_response()
            .prop_map(Payload::FinishProvisioningResponse)
            .boxed(),
        M::InstallUnitCertificatesConfirmation => list(installed_certificate(), MAX_CERTS_PER_UNIT)
            .prop_map(|certificates| {
                Payload::InstallUnitCertificatesConfirmation(InstallUnitCertificatesConfirmation {
                    certificates,
                })
            })
            .boxed(),
        M::IssuedUnitCertificates => list(issued_certificate(), MAX_CERTS_PER_UNIT)
            .prop_map(|certificates| {
                Payload::IssuedUnitCertificates(IssuedUnitCertificates { certificates })
            })
            .boxed(),
        M::IssueUnitCertificates => list(certificate_request(), MAX_CERTS_PER_UNIT)
            .prop_map(|requests| Payload::IssueUnitCertificates(IssueUnitCertificates { requests }))
            .boxed(),
        M::MonitoringData => monitoring_data().prop_map(Payload::MonitoringData).boxed(),
        M::Nack => prop_oneof![any::<i64>(), -1000i64..=100_000]
            .prop_map(|retry_after_ms| Payload::Nack(Nack { retry_after_ms }))
            .boxed(),
        M::NewState => new_state().prop_map(Payload::NewState).boxed(),
        M::OverrideEnvVars => list(env_vars_instance(), MAX_INSTANCES)
            .prop_map(|items| Payload::OverrideEnvVars(OverrideEnvVars { items }))
            .boxed(),
        M::OverrideEnvVarsStatus => list(env_var_status(), MAX_ENV_VAR_STATUSES)
            .prop_map(|statuses| Payload::OverrideEnvVarsStatus(OverrideEnvVarsStatus { statuses }))
            .boxed(),
        M::PushLog => push_log().prop_map(Payload::PushLog).boxed(),
        M::RenewCertificatesNotification => renew_certificates_notification()
            .prop_map(Payload::RenewCertificatesNotification)
            .boxed(),
        M::RequestBlobUrls => list(text(DIGEST_LEN), MAX_BLOBS)
            .prop_map(|digests| Payload::RequestBlobUrls(RequestBlobUrls { digests }))
            .boxed(),
        M::RequestLog => request_log().prop_map(Payload::RequestLog).boxed(),
        M::StartProvisioningRequest => node_request()
            .prop_map(Payload::StartProvisioningRequest)
            .boxed(),
        M::StartProvisioningResponse => start_provisioning_response()
            .prop_map(Payload::StartProvisioningResponse)
            .boxed(),
        M::StateAcceptance => state_acceptance()
            .prop_map(Payload::StateAcceptance)
            .boxed(),
        M::StateRequest => state_request().prop_map(Payload::StateRequest).boxed(),
        M::UnitStatus => unit_status().prop_map(Payload::UnitStatus).boxed(),
        M::UpdateState => update_state().prop_map(Payload::UpdateState).boxed(),
    }
}

fn data(t: MessageType) -> impl Strategy<Value = Data> {
    (text(CORRELATION_ID_LEN), payload(t)).prop_map(|(correlation_id, payload)| Data {
        correlation_id,
        payload,
    })
}

/// Header strings have no limits; `createdAt` is kept verbatim, so any string will do.
fn header() -> impl Strategy<Value = Header> {
    let created_at = option::of(prop_oneof![
        timestamp().prop_map(|t| t.to_string()),
        free_text(),
    ]);
    (free_text(), created_at, free_text()).prop_map(|(system_id, created_at, txn)| Header {
        system_id,
        created_at,
        txn,
    })
}

fn envelope(t: MessageType) -> impl Strategy<Value = Envelope> {
    (header(), data(t)).prop_map(|(header, data)| Envelope { header, data })
}

// =============================================================================================
// Helpers

fn fail(what: impl Display) -> TestCaseError {
    TestCaseError::fail(what.to_string())
}

fn show(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `check` on `cases` generated values of EVERY message type, each type with its own
/// runner, so that no type can be skipped by chance. Panics with the type and the minimal
/// failing input.
fn for_every_type<S: Strategy>(
    cases: u32,
    strategy: impl Fn(MessageType) -> S,
    check: impl Fn(MessageType, S::Value) -> Result<(), TestCaseError>,
) {
    assert_eq!(MessageType::ALL.len(), 26);
    for &t in MessageType::ALL {
        let mut runner = TestRunner::new(Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        });
        if let Err(e) = runner.run(&strategy(t), |v| check(t, v)) {
            panic!("messageType {t}: {e}");
        }
    }
}

/// Checks the writer's output form: UTF-8 JSON, no whitespace outside strings, no raw control
/// characters inside them, and only the escapes docs/codec.md lists (`\"` `\\` `\n` `\r` `\t`
/// `\b` `\f`, `\u00XX` for the other control characters; `/` and non-ASCII never escaped).
fn check_compact(bytes: &[u8]) -> Result<(), String> {
    std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
    serde_json::from_slice::<Value>(bytes).map_err(|e| format!("not JSON: {e}"))?;
    let mut in_str = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_str {
            match b {
                b'"' => in_str = false,
                b'\\' => match bytes.get(i + 1) {
                    Some(b'"' | b'\\' | b'n' | b'r' | b't' | b'b' | b'f') => i += 1,
                    Some(b'u') => {
                        let hex = bytes
                            .get(i + 2..i + 6)
                            .and_then(|h| std::str::from_utf8(h).ok())
                            .ok_or_else(|| format!("truncated \\u escape at byte {i}"))?;
                        let code = u32::from_str_radix(hex, 16)
                            .map_err(|_| format!("bad \\u escape at byte {i}"))?;
                        let short_form = matches!(code, 0x08 | 0x09 | 0x0a | 0x0c | 0x0d);
                        if code > 0x1f || short_form || hex != hex.to_ascii_lowercase() {
                            return Err(format!("non-canonical escape \\u{hex} at byte {i}"));
                        }
                        i += 5;
                    }
                    other => {
                        return Err(format!(
                            "unexpected escape {:?} at byte {i}",
                            other.map(|&c| c as char)
                        ))
                    }
                },
                0x00..=0x1f => return Err(format!("raw control character {b:#04x} at byte {i}")),
                _ => {}
            }
        } else {
            match b {
                b'"' => in_str = true,
                b' ' | b'\t' | b'\n' | b'\r' => {
                    return Err(format!("whitespace outside strings at byte {i}"))
                }
                _ => {}
            }
        }
        i += 1;
    }
    if in_str {
        return Err("unterminated string".into());
    }
    Ok(())
}

/// A small deterministic generator (SplitMix64) driven by a generated seed.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// Changes the ASCII case of a key: unchanged, all upper, all lower, or letter by letter.
fn mutate_case(key: &str, rng: &mut SplitMix) -> String {
    match rng.next() % 4 {
        0 => key.to_string(),
        1 => key.to_ascii_uppercase(),
        2 => key.to_ascii_lowercase(),
        _ => key
            .chars()
            .map(|c| {
                if rng.next() & 1 == 0 {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect(),
    }
}

/// Changes the case of every object key at every level, except the names inside `attrs`, which
/// are data (they keep their case).
fn mutate_keys(v: &mut Value, rng: &mut SplitMix) {
    match v {
        Value::Object(map) => {
            let old = std::mem::take(map);
            for (k, mut child) in old {
                if k != "attrs" {
                    mutate_keys(&mut child, rng);
                }
                // Case changes keep keys distinct: the encoder never writes two keys of one
                // object that are equal case-insensitively (checked by `count_keys`).
                map.insert(mutate_case(&k, rng), child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|x| mutate_keys(x, rng)),
        _ => {}
    }
}

/// The number of object keys at every level.
fn count_keys(v: &Value) -> usize {
    match v {
        Value::Object(map) => map.len() + map.values().map(count_keys).sum::<usize>(),
        Value::Array(items) => items.iter().map(count_keys).sum(),
        _ => 0,
    }
}

/// `attrs` in key order: re-serialising through `serde_json::Value` (a sorted map) reorders the
/// attributes, which the decoder keeps in document order.
fn sort_attrs(mut d: Data) -> Data {
    if let Payload::UnitStatus(s) = &mut d.payload {
        for n in s.nodes.iter_mut().flatten() {
            n.attrs.sort();
        }
    }
    d
}

// =============================================================================================
// Properties

/// 1. `Data::decode(encode(x)) == x`, and re-encoding the decoded value gives the same bytes.
#[test]
fn data_round_trips_for_every_message_type() {
    for_every_type(CASES_PER_TYPE, data, |t, d| {
        prop_assert_eq!(d.message_type(), t);
        let bytes = d.encode().map_err(fail)?;
        let back =
            Data::decode(&bytes).map_err(|e| fail(format!("{e}\n  encoding: {}", show(&bytes))))?;
        prop_assert_eq!(&back, &d, "encoding: {}", show(&bytes));
        let again = back.encode().map_err(fail)?;
        prop_assert_eq!(show(&again), show(&bytes));
        // `decode_as` with the right type reads the same value.
        let as_t = Data::decode_as(t, &bytes).map_err(fail)?;
        prop_assert_eq!(&as_t, &d);
        Ok(())
    });
}

/// 2. `Envelope::decode(encode(x)) == x`.
#[test]
fn envelope_round_trips_for_every_message_type() {
    for_every_type(CASES_PER_TYPE, envelope, |t, env| {
        prop_assert_eq!(env.message_type(), t);
        let bytes = env.encode().map_err(fail)?;
        let back = Envelope::decode(&bytes)
            .map_err(|e| fail(format!("{e}\n  encoding: {}", show(&bytes))))?;
        prop_assert_eq!(&back, &env, "encoding: {}", show(&bytes));
        let again = back.encode().map_err(fail)?;
        prop_assert_eq!(show(&again), show(&bytes));
        Ok(())
    });
}

/// 3. The encoding is compact, escapes as documented, and starts the documented way: `data` with
///    `messageType` (then `correlationId` when non-empty), the envelope with the header's
///    `version`, then the `data` object exactly as `Data::encode` writes it.
#[test]
fn encoding_is_compact_and_starts_with_the_message_type() {
    for_every_type(CASES_PER_TYPE, envelope, |t, env| {
        let data = env.data.encode().map_err(fail)?;
        check_compact(&data).map_err(|e| fail(format!("{e}: {}", show(&data))))?;
        prop_assert!(!data.contains(&b'\n'));
        let mut prefix = format!("{{\"messageType\":\"{t}\"");
        if !env.data.correlation_id.is_empty() {
            prefix.push_str(",\"correlationId\":\"");
        }
        prop_assert!(
            data.starts_with(prefix.as_bytes()),
            "{} does not start with {}",
            show(&data),
            prefix
        );
        if env.data.correlation_id.is_empty() {
            let next = data.get(prefix.len()).copied();
            prop_assert!(
                matches!(next, Some(b',' | b'}')),
                "{} has something else after messageType",
                show(&data)
            );
        }

        let whole = env.encode().map_err(fail)?;
        check_compact(&whole).map_err(|e| fail(format!("{e}: {}", show(&whole))))?;
        prop_assert!(
            whole.starts_with(br#"{"header":{"version":7,"systemId":""#),
            "{} does not start with the header",
            show(&whole)
        );
        let mut tail = b",\"data\":".to_vec();
        tail.extend_from_slice(&data);
        tail.push(b'}');
        prop_assert!(
            whole.ends_with(&tail),
            "{} does not end with the data object",
            show(&whole)
        );
        Ok(())
    });
}

/// 4. Keys are matched case-insensitively at every level: changing the ASCII case of every key
///    (not of values, and not of the attribute names in `attrs`, which are data) decodes to the
///    same value, for the bare `data` object and for the envelope.
#[test]
fn keys_match_case_insensitively() {
    let strategy = |t| (envelope(t), any::<u64>());
    for_every_type(CASES_PER_TYPE, strategy, |_, (env, seed)| {
        let mut rng = SplitMix(seed);

        let bytes = env.data.encode().map_err(fail)?;
        let mut v: Value = serde_json::from_slice(&bytes).map_err(fail)?;
        let keys = count_keys(&v);
        mutate_keys(&mut v, &mut rng);
        // No key was lost or merged by the mutation.
        prop_assert_eq!(count_keys(&v), keys);
        let mutated = serde_json::to_vec(&v).map_err(fail)?;
        let back = Data::decode(&mutated)
            .map_err(|e| fail(format!("{e}\n  mutated: {}", show(&mutated))))?;
        prop_assert_eq!(
            sort_attrs(back),
            sort_attrs(env.data.clone()),
            "mutated: {}",
            show(&mutated)
        );

        let bytes = env.encode().map_err(fail)?;
        let mut v: Value = serde_json::from_slice(&bytes).map_err(fail)?;
        let keys = count_keys(&v);
        mutate_keys(&mut v, &mut rng);
        prop_assert_eq!(count_keys(&v), keys);
        let mutated = serde_json::to_vec(&v).map_err(fail)?;
        let back = Envelope::decode(&mutated)
            .map_err(|e| fail(format!("{e}\n  mutated: {}", show(&mutated))))?;
        prop_assert_eq!(&back.header, &env.header);
        prop_assert_eq!(sort_attrs(back.data), sort_attrs(env.data.clone()));
        Ok(())
    });
}

/// The named sub-objects (`aoscomm decode --type NAME`) round-trip on their own too.
fn object_round_trips<T: JsonObject + PartialEq + Debug>(x: &T) -> Result<(), TestCaseError> {
    let bytes = x.to_json().map_err(fail)?;
    check_compact(&bytes).map_err(|e| fail(format!("{e}: {}", show(&bytes))))?;
    let back = T::from_json(&bytes)
        .map_err(|e| fail(format!("{}: {e}\n  encoding: {}", T::ROOT, show(&bytes))))?;
    prop_assert_eq!(&back, x, "encoding: {}", show(&bytes));
    Ok(())
}

prop_compose! {
    fn service_discovery_request()(
        version in num(),
        system_id in text(ID_LEN),
        supported_protocols in list(text(16), 8),
    ) -> ServiceDiscoveryRequest {
        ServiceDiscoveryRequest { version, system_id, supported_protocols }
    }
}

prop_compose! {
    fn service_discovery_response()(
        version in num(),
        system_id in text(ID_LEN),
        next_request_delay_ms in num(),
        connection_info in list(text(URL_LEN), MAX_CONNECTION_URLS),
        auth_token in text(URL_LEN),
        error_code in select(DiscoveryErrorCode::ALL),
    ) -> ServiceDiscoveryResponse {
        ServiceDiscoveryResponse {
            version,
            system_id,
            next_request_delay_ms,
            connection_info,
            auth_token,
            error_code,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: CASES_PER_TYPE,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn instance_ident_round_trips(x in instance_ident()) {
        object_round_trips(&x)?;
    }

    #[test]
    fn instance_filter_round_trips(x in instance_filter()) {
        object_round_trips(&x)?;
    }

    /// On its own an `errorInfo` keeps any `aosCode` (the `> 0` rule is for optional ones).
    #[test]
    fn error_info_round_trips(
        aos_code in any::<i64>(),
        exit_code in any::<i64>(),
        message in text(ERROR_MESSAGE_LEN),
    ) {
        object_round_trips(&ErrorInfo { aos_code, exit_code, message })?;
    }

    #[test]
    fn protocol_round_trips(correlation_id in text(CORRELATION_ID_LEN)) {
        object_round_trips(&Protocol { correlation_id })?;
    }

    #[test]
    fn identity_round_trips(x in identity()) {
        object_round_trips(&x)?;
    }

    #[test]
    fn unit_config_round_trips(x in unit_config().boxed()) {
        object_round_trips(&x)?;
    }

    #[test]
    fn node_config_round_trips(x in node_config().boxed()) {
        object_round_trips(&x)?;
    }

    #[test]
    fn service_discovery_request_round_trips(x in service_discovery_request()) {
        object_round_trips(&x)?;
    }

    #[test]
    fn service_discovery_response_round_trips(x in service_discovery_response()) {
        object_round_trips(&x)?;
    }
}

/// The doubles `double()` leaves out (see there): arbitrary finite values must read back
/// exactly, and `f64::MAX` must decode at all. Fails until serde_json's `float_roundtrip`
/// feature is enabled for the crate; run with `--ignored`.
#[test]
fn doubles_round_trip_exactly() {
    let mut runner = TestRunner::new(Config {
        cases: 1024,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&any_double(), |x| {
        let d = Data::new(Payload::MonitoringData(MonitoringData {
            nodes: vec![NodeMonitoring {
                node_id: "node0".into(),
                node_states: vec![],
                items: vec![MonitoringItem {
                    timestamp: Timestamp::UNIX_EPOCH,
                    ram: 0,
                    cpu: x,
                    download: 0,
                    upload: 0,
                    partitions: vec![],
                }],
            }],
            instances: vec![],
        }));
        let bytes = d.encode().map_err(fail)?;
        let back = Data::decode(&bytes).map_err(|e| fail(format!("{x:e}: {e}")))?;
        prop_assert_eq!(back, d);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
