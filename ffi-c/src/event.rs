//! `aoscomm_event`: what a client reports, for the callback and for `next_event`.

use std::ffi::CString;
use std::os::raw::c_char;

use aoscomm::client::ClientEvent;
use aoscomm::session::{DeliveryOutcome, DropReason, FailReason};

use crate::result::*;

/// Event kind: the WebSocket is up. text = the URL.
pub const AOSCOMM_EVENT_CONNECTED: u32 = 1;
/// Event kind: the WebSocket went down; the client reconnects unless closed. text = the reason.
pub const AOSCOMM_EVENT_DISCONNECTED: u32 = 2;
/// Event kind: one connection attempt failed. text = the error, error_kind = a stable kind
/// ("untrusted_server", ...).
pub const AOSCOMM_EVENT_CONNECT_FAILED: u32 = 3;
/// Event kind: a cloud message (already acked, delivered once). text = the whole envelope JSON,
/// data = the `data` JSON, message_type, txn.
pub const AOSCOMM_EVENT_MESSAGE: u32 = 4;
/// Event kind: the final outcome of a sent message. message_id, delivery, message_type, txn.
pub const AOSCOMM_EVENT_DELIVERY: u32 = 5;
/// Event kind: a received frame was dropped without an ack. text = why.
pub const AOSCOMM_EVENT_REJECTED: u32 = 6;

/// The outcome of one sent message.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct aoscomm_delivery {
    /// 0 pending, 1 acked, 2 failed, 3 dropped.
    pub status: u32,
    /// 0 none, 1 no_ack, 2 nack_limit, 3 request_timed_out, 4 closed, 5 queue_overflow,
    /// 6 cancelled.
    pub reason: u32,
    /// How often the message was sent.
    pub transmissions: u32,
    /// The message's header.txn, NUL-terminated.
    pub txn: [c_char; 40],
}

pub(crate) fn txn_array(txn: &str) -> [c_char; 40] {
    let mut a = [0 as c_char; 40];
    for (i, b) in txn.bytes().take(39).enumerate() {
        a[i] = b as c_char;
    }
    a
}

impl aoscomm_delivery {
    pub(crate) fn pending(txn: &str) -> Self {
        aoscomm_delivery {
            status: 0,
            reason: 0,
            transmissions: 0,
            txn: txn_array(txn),
        }
    }

    pub(crate) fn from_outcome(o: &DeliveryOutcome) -> Self {
        let (status, reason) = match o {
            DeliveryOutcome::Acked { .. } => (1, 0),
            DeliveryOutcome::Failed { reason, .. } => (
                2,
                match reason {
                    FailReason::NoAck => 1,
                    FailReason::NackLimit => 2,
                    FailReason::RequestTimedOut => 3,
                    FailReason::Closed => 4,
                    FailReason::Cancelled => 6,
                },
            ),
            DeliveryOutcome::Dropped { reason, .. } => (
                3,
                match reason {
                    DropReason::QueueOverflow => 5,
                },
            ),
        };
        aoscomm_delivery {
            status,
            reason,
            transmissions: o.transmissions(),
            txn: txn_array(o.txn()),
        }
    }
}

/// One event. From `aoscomm_client_next_event` it is owned by the caller (free it with
/// `aoscomm_event_free`); in the event callback it is borrowed for the call. Immutable: the
/// accessors may be called from any thread.
#[derive(Clone)]
pub struct aoscomm_event {
    pub(crate) kind: u32,
    /// Each text field is stored with a trailing NUL that its length does not count.
    text: Option<Vec<u8>>,
    data: Option<Vec<u8>>,
    message_type: Option<CString>,
    txn: Option<Vec<u8>>,
    error_kind: Option<CString>,
    message_id: u64,
    delivery: Option<aoscomm_delivery>,
}

fn nul(s: impl Into<Vec<u8>>) -> Vec<u8> {
    let mut v = s.into();
    v.push(0);
    v
}

impl aoscomm_event {
    fn empty(kind: u32) -> Self {
        aoscomm_event {
            kind,
            text: None,
            data: None,
            message_type: None,
            txn: None,
            error_kind: None,
            message_id: 0,
            delivery: None,
        }
    }

    pub(crate) fn from_client_event(ev: &ClientEvent) -> Self {
        match ev {
            ClientEvent::Connected { url } => aoscomm_event {
                text: Some(nul(url.as_str())),
                ..Self::empty(AOSCOMM_EVENT_CONNECTED)
            },
            ClientEvent::Disconnected { reason } => aoscomm_event {
                text: Some(nul(reason.as_str())),
                ..Self::empty(AOSCOMM_EVENT_DISCONNECTED)
            },
            ClientEvent::ConnectFailed { error, .. } => aoscomm_event {
                text: Some(nul(error.to_string())),
                error_kind: CString::new(error.kind()).ok(),
                ..Self::empty(AOSCOMM_EVENT_CONNECT_FAILED)
            },
            ClientEvent::Message(env) => aoscomm_event {
                text: env.encode().ok().map(nul),
                data: env.data.encode().ok().map(nul),
                message_type: CString::new(env.message_type().as_str()).ok(),
                txn: Some(nul(env.header.txn.as_str())),
                ..Self::empty(AOSCOMM_EVENT_MESSAGE)
            },
            ClientEvent::Delivery {
                id,
                message_type,
                outcome,
            } => aoscomm_event {
                message_type: CString::new(message_type.as_str()).ok(),
                txn: Some(nul(outcome.txn())),
                message_id: id.0,
                delivery: Some(aoscomm_delivery::from_outcome(outcome)),
                ..Self::empty(AOSCOMM_EVENT_DELIVERY)
            },
            ClientEvent::Rejected { reason } => aoscomm_event {
                text: Some(nul(reason.as_str())),
                ..Self::empty(AOSCOMM_EVENT_REJECTED)
            },
        }
    }
}

unsafe fn field(f: &Option<Vec<u8>>, len: *mut usize) -> *const c_char {
    let (p, n) = match f {
        Some(v) => (v.as_ptr() as *const c_char, v.len() - 1),
        None => (std::ptr::null(), 0),
    };
    if !len.is_null() {
        unsafe { *len = n };
    }
    p
}

/// The kind (`AOSCOMM_EVENT_*`); 0 for NULL.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_event_kind(ev: *const aoscomm_event) -> u32 {
    ffi_value!(0, unsafe { ev.as_ref() }.map_or(0, |e| e.kind))
}

/// The event's text (see the kinds), UTF-8, NUL-terminated after `*len` bytes; borrowed, valid
/// until the event is freed (or the callback returns). `len` may be NULL. NULL (and `*len` = 0)
/// when the event has no text, or for a NULL event.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_event_text(
    ev: *const aoscomm_event,
    len: *mut usize,
) -> *const c_char {
    ffi_value!(std::ptr::null(), unsafe {
        match ev.as_ref() {
            Some(e) => field(&e.text, len),
            None => field(&None, len),
        }
    })
}

/// The `data` JSON of a MESSAGE event; as `aoscomm_event_text`.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_event_data(
    ev: *const aoscomm_event,
    len: *mut usize,
) -> *const c_char {
    ffi_value!(std::ptr::null(), unsafe {
        match ev.as_ref() {
            Some(e) => field(&e.data, len),
            None => field(&None, len),
        }
    })
}

/// The `header.txn` of a MESSAGE or DELIVERY event; as `aoscomm_event_text`.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_event_txn(
    ev: *const aoscomm_event,
    len: *mut usize,
) -> *const c_char {
    ffi_value!(std::ptr::null(), unsafe {
        match ev.as_ref() {
            Some(e) => field(&e.txn, len),
            None => field(&None, len),
        }
    })
}

/// The messageType ("alerts", ...) of a MESSAGE or DELIVERY event, NUL-terminated, borrowed;
/// NULL otherwise.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_event_message_type(ev: *const aoscomm_event) -> *const c_char {
    ffi_value!(
        std::ptr::null(),
        match unsafe { ev.as_ref() }.and_then(|e| e.message_type.as_ref()) {
            Some(s) => s.as_ptr(),
            None => std::ptr::null(),
        }
    )
}

/// The stable error kind of a CONNECT_FAILED event ("untrusted_server", ...), NUL-terminated,
/// borrowed; NULL otherwise.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_event_error_kind(ev: *const aoscomm_event) -> *const c_char {
    ffi_value!(
        std::ptr::null(),
        match unsafe { ev.as_ref() }.and_then(|e| e.error_kind.as_ref()) {
            Some(s) => s.as_ptr(),
            None => std::ptr::null(),
        }
    )
}

/// The message id (as from `aoscomm_client_send`) of a DELIVERY event; 0 otherwise.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_event_message_id(ev: *const aoscomm_event) -> u64 {
    ffi_value!(0, unsafe { ev.as_ref() }.map_or(0, |e| e.message_id))
}

/// The outcome carried by a DELIVERY event. INVALID_ARGUMENT for other kinds.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_event_delivery(
    ev: *const aoscomm_event,
    out: *mut aoscomm_delivery,
) -> aoscomm_result {
    ffi_result!({
        let e = try_ref!(ev, "ev");
        let out = try_mut!(out, "out");
        match e.delivery {
            Some(d) => {
                *out = d;
                Ok(())
            }
            None => fail(
                aoscomm_result::InvalidArgument,
                format!("event kind {} carries no delivery", e.kind),
            ),
        }
    })
}

/// Frees an event from `aoscomm_client_next_event`. NULL is a no-op. Never free the event
/// passed to the callback.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_event_free(ev: *mut aoscomm_event) {
    ffi_value!((), {
        if !ev.is_null() {
            drop(unsafe { Box::from_raw(ev) });
        }
    })
}
