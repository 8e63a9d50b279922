//! `aoscomm_config`: the settings of a client.

use std::os::raw::c_char;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use aoscomm::client::ClientConfig;
use aoscomm::session::OverflowPolicy;
use aoscomm::tls::{ClientKey, PemSource};

use crate::result::*;
use crate::signer::{aoscomm_sign_callback, CSigner};

/// Client settings. Made by `aoscomm_config_new`, freed by `aoscomm_config_free`. Not
/// thread-safe: do not use one config from two threads at once. A client made from it copies
/// the settings, so the config may be freed right after `aoscomm_client_new`.
pub struct aoscomm_config {
    pub(crate) inner: ClientConfig,
}

/// Applies a text setting (UTF-8, not NUL-terminated) after the NULL and UTF-8 checks.
unsafe fn set_text(
    cfg: *mut aoscomm_config,
    s: *const c_char,
    len: usize,
    what: &str,
    apply: impl FnOnce(&mut ClientConfig, &str),
) -> aoscomm_result {
    ffi_result!({
        let c = &mut try_mut!(cfg, "cfg").inner;
        let v = unsafe { text(s, len, what)? };
        apply(c, v);
        Ok(())
    })
}

/// Applies a PEM setting (copied; empty refused).
unsafe fn set_pem(
    cfg: *mut aoscomm_config,
    pem: *const u8,
    len: usize,
    what: &str,
    apply: impl FnOnce(&mut ClientConfig, Vec<u8>),
) -> aoscomm_result {
    ffi_result!({
        let c = &mut try_mut!(cfg, "cfg").inner;
        let v = unsafe { bytes(pem, len, what)? }.to_vec();
        if v.is_empty() {
            return fail(aoscomm_result::InvalidArgument, format!("{what} is empty"));
        }
        apply(c, v);
        Ok(())
    })
}

/// Applies a numeric setting that must be at least 1.
unsafe fn set_positive<T: Copy + std::fmt::Display + PartialOrd + From<u8>>(
    cfg: *mut aoscomm_config,
    value: T,
    what: &str,
    apply: impl FnOnce(&mut ClientConfig, T),
) -> aoscomm_result {
    ffi_result!({
        let c = &mut try_mut!(cfg, "cfg").inner;
        if value < T::from(1u8) {
            return fail(
                aoscomm_result::InvalidArgument,
                format!("{what}: {value} is below the minimum 1"),
            );
        }
        apply(c, value);
        Ok(())
    })
}

/// A new config with the defaults (service discovery URL "https://aoscloud.io:9000/sd/v7/",
/// response timeout 10 s, ...). Never NULL except on allocation failure or panic. Free with
/// `aoscomm_config_free`.
#[no_mangle]
pub extern "C" fn aoscomm_config_new() -> *mut aoscomm_config {
    ffi_value!(std::ptr::null_mut(), {
        // one worker for the protocol, one spare for TLS handshakes
        let inner = ClientConfig {
            worker_threads: 2,
            ..ClientConfig::default()
        };
        Box::into_raw(Box::new(aoscomm_config { inner }))
    })
}

/// Frees a config. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_config_free(cfg: *mut aoscomm_config) {
    ffi_value!((), {
        if !cfg.is_null() {
            drop(unsafe { Box::from_raw(cfg) });
        }
    })
}

/// `serviceDiscoveryUrl`: where discovery is POSTed (UTF-8, not NUL-terminated). Checked by
/// `aoscomm_client_new` (CONFIG).
#[no_mangle]
pub unsafe extern "C" fn aoscomm_config_set_service_discovery_url(
    cfg: *mut aoscomm_config,
    s: *const c_char,
    len: usize,
) -> aoscomm_result {
    unsafe {
        set_text(cfg, s, len, "service discovery URL", |c, v| {
            c.service_discovery_url = v.to_string()
        })
    }
}

/// `overrideServiceDiscoveryUrl`: replaces scheme, host and port of the discovery URL.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_config_set_override_service_discovery_url(
    cfg: *mut aoscomm_config,
    s: *const c_char,
    len: usize,
) -> aoscomm_result {
    unsafe {
        set_text(cfg, s, len, "override service discovery URL", |c, v| {
            c.override_service_discovery_url = Some(v.to_string())
        })
    }
}

/// The unit's system ID.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_config_set_system_id(
    cfg: *mut aoscomm_config,
    s: *const c_char,
    len: usize,
) -> aoscomm_result {
    unsafe { set_text(cfg, s, len, "system ID", |c, v| c.system_id = v.to_string()) }
}

/// Path of the CA bundle (PEM) the cloud's certificates must chain to; read by
/// `aoscomm_client_new`.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_config_set_ca_path(
    cfg: *mut aoscomm_config,
    s: *const c_char,
    len: usize,
) -> aoscomm_result {
    unsafe {
        set_text(cfg, s, len, "CA path", |c, v| {
            c.tls.ca = Some(PemSource::Path(PathBuf::from(v)))
        })
    }
}

/// The CA bundle as PEM bytes (copied).
#[no_mangle]
pub unsafe extern "C" fn aoscomm_config_set_ca_pem(
    cfg: *mut aoscomm_config,
    pem: *const u8,
    len: usize,
) -> aoscomm_result {
    unsafe {
        set_pem(cfg, pem, len, "CA PEM", |c, v| {
            c.tls.ca = Some(PemSource::Pem(v))
        })
    }
}

/// Path of the client certificate chain (PEM).
#[no_mangle]
pub unsafe extern "C" fn aoscomm_config_set_cert_path(
    cfg: *mut aoscomm_config,
    s: *const c_char,
    len: usize,
) -> aoscomm_result {
    unsafe {
        set_text(cfg, s, len, "certificate path", |c, v| {
            c.tls.client_cert = Some(PemSource::Path(PathBuf::from(v)))
        })
    }
}

/// The client certificate chain as PEM bytes (copied).
#[no_mangle]
pub unsafe extern "C" fn aoscomm_config_set_cert_pem(
    cfg: *mut aoscomm_config,
    pem: *const u8,
    len: usize,
) -> aoscomm_result {
    unsafe {
        set_pem(cfg, pem, len, "certificate PEM", |c, v| {
            c.tls.client_cert = Some(PemSource::Pem(v))
        })
    }
}

/// Path of the client private key (PKCS#1, PKCS#8 or SEC1 PEM). Replaces a signer.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_config_set_key_path(
    cfg: *mut aoscomm_config,
    s: *const c_char,
    len: usize,
) -> aoscomm_result {
    unsafe {
        set_text(cfg, s, len, "key path", |c, v| {
            c.tls.client_key = Some(ClientKey::Pem(PemSource::Path(PathBuf::from(v))))
        })
    }
}

/// The client private key as PEM bytes (copied). Replaces a signer.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_config_set_key_pem(
    cfg: *mut aoscomm_config,
    pem: *const u8,
    len: usize,
) -> aoscomm_result {
    unsafe {
        set_pem(cfg, pem, len, "key PEM", |c, v| {
            c.tls.client_key = Some(ClientKey::Pem(PemSource::Pem(v)))
        })
    }
}

/// Verify the cloud's certificates against this name instead of the URL's host.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_config_set_server_name(
    cfg: *mut aoscomm_config,
    s: *const c_char,
    len: usize,
) -> aoscomm_result {
    unsafe {
        set_text(cfg, s, len, "server name", |c, v| {
            c.tls.server_name = Some(v.to_string())
        })
    }
}

/// `cloudMessageLog`: append `TX: <json>` / `RX: <json>` lines to this file.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_config_set_message_log_path(
    cfg: *mut aoscomm_config,
    s: *const c_char,
    len: usize,
) -> aoscomm_result {
    unsafe {
        set_text(cfg, s, len, "message log path", |c, v| {
            c.cloud_message_log = Some(PathBuf::from(v))
        })
    }
}

/// Ours: start each message-log line with the time it was written
/// (`2026-12-03T16:31:42.123456Z TX: <json>`), for ack latencies in analysis. Off by default
/// (the reference's lines carry no time).
#[no_mangle]
pub unsafe extern "C" fn aoscomm_config_set_message_log_timestamps(
    cfg: *mut aoscomm_config,
    on: bool,
) -> aoscomm_result {
    ffi_result!({
        try_mut!(cfg, "cfg").inner.cloud_message_log_timestamps = on;
        Ok(())
    })
}

/// `cloudResponseWaitTimeout` in ms (>= 1): ack wait before a resend, and the default
/// request timeout.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_config_set_response_timeout_ms(
    cfg: *mut aoscomm_config,
    ms: u64,
) -> aoscomm_result {
    unsafe {
        set_positive(cfg, ms, "response timeout (ms)", |c, ms| {
            c.cloud_response_wait_timeout = Duration::from_millis(ms)
        })
    }
}

/// Most messages held in the outbox (>= 1).
#[no_mangle]
pub unsafe extern "C" fn aoscomm_config_set_queue_max_messages(
    cfg: *mut aoscomm_config,
    n: usize,
) -> aoscomm_result {
    unsafe {
        set_positive(cfg, n, "queue max messages", |c, n| {
            c.queue_max_messages = n
        })
    }
}

/// Most bytes held in the outbox (>= 1).
#[no_mangle]
pub unsafe extern "C" fn aoscomm_config_set_queue_max_bytes(
    cfg: *mut aoscomm_config,
    n: usize,
) -> aoscomm_result {
    unsafe { set_positive(cfg, n, "queue max bytes", |c, n| c.queue_max_bytes = n) }
}

/// Most messages awaiting an ack at once (>= 1).
#[no_mangle]
pub unsafe extern "C" fn aoscomm_config_set_max_in_flight(
    cfg: *mut aoscomm_config,
    n: usize,
) -> aoscomm_result {
    unsafe { set_positive(cfg, n, "max in flight", |c, n| c.max_in_flight = n) }
}

/// A PING goes out after this long (ms, >= 1) without any frame from the cloud.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_config_set_ping_interval_ms(
    cfg: *mut aoscomm_config,
    ms: u64,
) -> aoscomm_result {
    unsafe {
        set_positive(cfg, ms, "ping interval (ms)", |c, ms| {
            c.ping_interval = Duration::from_millis(ms)
        })
    }
}

/// The link is declared dead when a PING gets no answer in this time (ms, >= 1).
#[no_mangle]
pub unsafe extern "C" fn aoscomm_config_set_dead_link_timeout_ms(
    cfg: *mut aoscomm_config,
    ms: u64,
) -> aoscomm_result {
    unsafe {
        set_positive(cfg, ms, "dead link timeout (ms)", |c, ms| {
            c.dead_link_timeout = Duration::from_millis(ms)
        })
    }
}

/// Base delay of the reconnect schedule (ms, >= 1).
#[no_mangle]
pub unsafe extern "C" fn aoscomm_config_set_reconnect_delay_ms(
    cfg: *mut aoscomm_config,
    ms: u64,
) -> aoscomm_result {
    unsafe {
        set_positive(cfg, ms, "reconnect delay (ms)", |c, ms| {
            c.reconnect_base_delay = Duration::from_millis(ms)
        })
    }
}

/// What happens when the outbox is full: 0 = reject the new message (QUEUE_FULL), 1 = drop the
/// oldest non-important message (its delivery: DROPPED / queue_overflow). Other values:
/// INVALID_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_config_set_overflow_policy(
    cfg: *mut aoscomm_config,
    policy: u32,
) -> aoscomm_result {
    ffi_result!({
        let c = &mut try_mut!(cfg, "cfg").inner;
        c.overflow = match policy {
            0 => OverflowPolicy::RejectNew,
            1 => OverflowPolicy::DropOldestNonImportant,
            v => {
                return fail(
                    aoscomm_result::InvalidArgument,
                    format!("overflow policy: unknown value {v}"),
                )
            }
        };
        Ok(())
    })
}

/// HSM signer: the client certificate chain (PEM, copied) plus a callback that signs the TLS
/// handshake. `schemes` (copied): the TLS SignatureScheme codes the key can do, in order of
/// preference (e.g. 0x0403 ecdsa_secp256r1_sha256, 0x0804 rsa_pss_rsae_sha256); all of one key
/// algorithm (ECDSA, RSA or Ed25519). Replaces a PEM key.
///
/// The callback writes the signature into `sig` (capacity `sig_cap`, 1024 bytes) and its length
/// into `*sig_len`, and returns 0 on success, non-zero on failure (the handshake then fails). It
/// runs on a library thread during handshakes, possibly concurrently with other calls and with
/// itself (one handshake at a time per client, but several clients may share it); `userdata`
/// must stay valid until the config and every client made from it are freed. It must not call
/// blocking library functions.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_config_set_signer(
    cfg: *mut aoscomm_config,
    cert_chain_pem: *const u8,
    len: usize,
    schemes: *const u16,
    n_schemes: usize,
    cb: aoscomm_sign_callback,
    userdata: *mut std::os::raw::c_void,
) -> aoscomm_result {
    ffi_result!({
        let c = &mut try_mut!(cfg, "cfg").inner;
        let chain = unsafe { bytes(cert_chain_pem, len, "cert_chain_pem")? };
        if chain.is_empty() {
            return fail(aoscomm_result::InvalidArgument, "cert_chain_pem is empty");
        }
        if schemes.is_null() {
            return fail(aoscomm_result::NullParameter, "schemes is NULL");
        }
        let Some(cb) = cb else {
            return fail(aoscomm_result::NullParameter, "cb is NULL");
        };
        let schemes = unsafe { std::slice::from_raw_parts(schemes, n_schemes) };
        let signer = CSigner::new(schemes, cb, userdata)?;
        c.tls.client_cert = Some(PemSource::Pem(chain.to_vec()));
        c.tls.client_key = Some(ClientKey::Signer(Arc::new(signer)));
        Ok(())
    })
}
