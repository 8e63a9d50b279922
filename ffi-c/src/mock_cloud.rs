//! The in-process mock cloud, for tests (feature `mock-cloud`).

use std::ffi::CString;
use std::os::raw::c_char;
use std::time::Duration;

use aoscomm::client::ClientConfig;
use aoscomm::cloud::{AckMode, MockCloud, MockCloudConfig};
use aoscomm::protocol::Data;
use aoscomm::tls::{ClientKey, PemSource};

use crate::config::aoscomm_config;
use crate::event::txn_array;
use crate::result::*;

/// A mock cloud (HTTPS discovery + WSS on 127.0.0.1 with a generated test PKI), for tests only.
/// Made by `aoscomm_mock_cloud_start`, freed by `aoscomm_mock_cloud_free`. Its functions may be
/// called from any thread.
pub struct aoscomm_mock_cloud {
    cloud: MockCloud,
    ca: CString,
    client_cert: CString,
    client_key: CString,
}

/// Starts a mock cloud for the unit `system_id` (UTF-8, `len` bytes) on a runtime of its own.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_mock_cloud_start(
    system_id: *const c_char,
    len: usize,
    out: *mut *mut aoscomm_mock_cloud,
) -> aoscomm_result {
    ffi_result!({
        let id = unsafe { text(system_id, len, "system_id")? };
        if out.is_null() {
            return fail(aoscomm_result::NullParameter, "out is NULL");
        }
        let cloud = MockCloud::start_blocking(MockCloudConfig {
            system_id: id.to_string(),
            ..MockCloudConfig::default()
        })
        .map_err(|e| Fail(aoscomm_result::Io, e.to_string()))?;
        let pki = cloud.pki();
        let cs = |s: &str| CString::new(s).unwrap_or_default();
        let m = aoscomm_mock_cloud {
            ca: cs(&pki.ca),
            client_cert: cs(&pki.client.cert),
            client_key: cs(&pki.client.key),
            cloud,
        };
        unsafe { *out = Box::into_raw(Box::new(m)) };
        Ok(())
    })
}

/// Stops and frees the mock. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_mock_cloud_free(m: *mut aoscomm_mock_cloud) {
    ffi_value!((), {
        if !m.is_null() {
            drop(unsafe { Box::from_raw(m) });
        }
    })
}

/// Configures `cfg` for this cloud: discovery URL, system ID, CA, client certificate and key,
/// and short reconnect delays for tests.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_mock_cloud_configure(
    m: *const aoscomm_mock_cloud,
    cfg: *mut aoscomm_config,
) -> aoscomm_result {
    ffi_result!({
        let m = try_ref!(m, "m");
        let cfg = try_mut!(cfg, "cfg");
        let c: &mut ClientConfig = &mut cfg.inner;
        c.service_discovery_url = m.cloud.discovery_url();
        c.system_id = m.cloud.system_id().to_string();
        let pki = m.cloud.pki();
        c.tls.ca = Some(PemSource::pem(pki.ca.as_bytes()));
        c.tls.client_cert = Some(PemSource::pem(pki.client.cert.as_bytes()));
        c.tls.client_key = Some(ClientKey::Pem(PemSource::pem(pki.client.key.as_bytes())));
        c.reconnect_base_delay = Duration::from_millis(50);
        c.reconnect_max_delay = Duration::from_millis(500);
        Ok(())
    })
}

/// PEMs of the test PKI, NUL-terminated, borrowed from the mock: `which` = "ca", "client_cert"
/// or "client_key". NULL for anything else.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_mock_cloud_pem(
    m: *const aoscomm_mock_cloud,
    which: *const c_char,
) -> *const c_char {
    ffi_value!(std::ptr::null(), {
        let Some(m) = (unsafe { m.as_ref() }) else {
            return std::ptr::null();
        };
        match unsafe { cstr(which, "which") } {
            Ok("ca") => m.ca.as_ptr(),
            Ok("client_cert") => m.client_cert.as_ptr(),
            Ok("client_key") => m.client_key.as_ptr(),
            _ => std::ptr::null(),
        }
    })
}

/// Pushes a cloud→unit message (`data` JSON) on the open connection, or queues it for the
/// next one; `txn_out` (40 bytes) = its txn, NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_mock_cloud_push(
    m: *mut aoscomm_mock_cloud,
    data_json: *const u8,
    len: usize,
    txn_out: *mut c_char,
) -> aoscomm_result {
    ffi_result!({
        let m = try_ref!(m, "m");
        let json = unsafe { bytes(data_json, len, "data_json")? };
        if txn_out.is_null() {
            return fail(aoscomm_result::NullParameter, "txn_out is NULL");
        }
        let data = Data::decode(json)
            .map_err(|e| Fail(aoscomm_result::InvalidData, format!("invalid data: {e}")))?;
        let txn = m
            .cloud
            .push(data)
            .map_err(|e| Fail(aoscomm_result::InvalidData, e.to_string()))?;
        let a = txn_array(&txn);
        unsafe { std::ptr::copy_nonoverlapping(a.as_ptr(), txn_out, 40) };
        Ok(())
    })
}

/// How the mock answers the unit's messages: 0 ack all, 1 ack none, 2 nack all, 3 nack the
/// first transmission of each message once, then ack. `retry_after_ms` goes into the nacks.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_mock_cloud_set_ack_mode(
    m: *mut aoscomm_mock_cloud,
    mode: u32,
    retry_after_ms: i64,
) -> aoscomm_result {
    ffi_result!({
        let m = try_ref!(m, "m");
        let mode = match mode {
            0 => AckMode::AckAll,
            1 => AckMode::AckNone,
            2 => AckMode::Nack { retry_after_ms },
            3 => AckMode::NackFirst {
                n: 1,
                retry_after_ms,
            },
            v => {
                return fail(
                    aoscomm_result::InvalidArgument,
                    format!("ack mode: unknown value {v}"),
                )
            }
        };
        m.cloud.set_ack_mode(mode);
        Ok(())
    })
}

/// Whether the mock answers `requestBlobUrls` with `blobUrls` (same correlationId).
#[no_mangle]
pub unsafe extern "C" fn aoscomm_mock_cloud_answer_blob_requests(
    m: *mut aoscomm_mock_cloud,
    on: bool,
) -> aoscomm_result {
    ffi_result!({
        try_ref!(m, "m").cloud.answer_blob_requests(on);
        Ok(())
    })
}

/// Drops the open connection without a close frame. NOT_FOUND when none is open.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_mock_cloud_drop_connection(
    m: *mut aoscomm_mock_cloud,
) -> aoscomm_result {
    ffi_result!({
        if try_ref!(m, "m").cloud.drop_connection() {
            Ok(())
        } else {
            fail(aoscomm_result::NotFound, "no connection is open")
        }
    })
}

fn count_type(m: &aoscomm_mock_cloud, t: Option<&str>) -> usize {
    let s = m.cloud.state();
    s.received
        .iter()
        .filter(|f| match t {
            None => true,
            Some(t) => f
                .envelope
                .as_ref()
                .is_ok_and(|e| e.message_type().as_str() == t),
        })
        .count()
}

/// Frames received of `message_type` (NUL-terminated; NULL: all frames). 0 for a NULL mock.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_mock_cloud_received(
    m: *const aoscomm_mock_cloud,
    message_type: *const c_char,
) -> usize {
    ffi_value!(0, {
        let Some(m) = (unsafe { m.as_ref() }) else {
            return 0;
        };
        if message_type.is_null() {
            count_type(m, None)
        } else {
            match unsafe { cstr(message_type, "message_type") } {
                Ok(t) => count_type(m, Some(t)),
                Err(_) => 0,
            }
        }
    })
}

/// Acks the unit sent for the mock's pushes. 0 for a NULL mock.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_mock_cloud_acks_from_unit(m: *const aoscomm_mock_cloud) -> usize {
    ffi_value!(
        0,
        unsafe { m.as_ref() }.map_or(0, |m| m.cloud.state().acks_from_unit.len())
    )
}

/// Waits until at least `n` frames were received (true) or `timeout_ms` passes (false).
#[no_mangle]
pub unsafe extern "C" fn aoscomm_mock_cloud_wait_received(
    m: *const aoscomm_mock_cloud,
    n: usize,
    timeout_ms: u32,
) -> bool {
    ffi_value!(
        false,
        unsafe { m.as_ref() }.is_some_and(|m| m
            .cloud
            .wait_received_blocking(n, Duration::from_millis(u64::from(timeout_ms))))
    )
}

/// Waits until the unit has acked at least `n` pushes (true) or `timeout_ms` passes (false).
#[no_mangle]
pub unsafe extern "C" fn aoscomm_mock_cloud_wait_acks_from_unit(
    m: *const aoscomm_mock_cloud,
    n: usize,
    timeout_ms: u32,
) -> bool {
    ffi_value!(
        false,
        unsafe { m.as_ref() }.is_some_and(|m| m.cloud.wait_for_blocking(
            |s| s.acks_from_unit.len() >= n,
            Duration::from_millis(u64::from(timeout_ms))
        ))
    )
}
