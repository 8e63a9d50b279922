//! `aoscomm_client`: a client, its event dispatcher thread and its `next_event` queue.

use std::cell::Cell;
use std::collections::{HashMap, VecDeque};
use std::os::raw::c_void;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use aoscomm::client::{
    Client, ClientError, ClientEvent, EventStream, RequestError, SendError, SendOptions,
};
use aoscomm::protocol::Data;
use aoscomm::session::SubmitError;

use crate::buffer::aoscomm_buffer;
use crate::config::aoscomm_config;
use crate::event::{aoscomm_delivery, aoscomm_event};
use crate::result::*;

/// Called for every event of a client. See `aoscomm_client_set_event_callback`.
pub type aoscomm_event_callback =
    Option<unsafe extern "C" fn(userdata: *mut c_void, ev: *const aoscomm_event)>;

thread_local! {
    /// Set while this thread runs a library callback.
    static IN_CALLBACK: Cell<bool> = const { Cell::new(false) };
}

pub(crate) fn in_callback() -> bool {
    IN_CALLBACK.with(|c| c.get())
}

/// Runs `f` (a call into user code) with the "inside a callback" flag set, restoring it after.
pub(crate) fn as_callback<R>(f: impl FnOnce() -> R) -> R {
    let prev = IN_CALLBACK.with(|c| c.replace(true));
    let r = f();
    IN_CALLBACK.with(|c| c.set(prev));
    r
}

fn deadlock_guard(what: &str) -> FfiResult {
    if in_callback() {
        return fail(
            aoscomm_result::WouldDeadlock,
            format!("{what} blocks and may not be called from inside a library callback"),
        );
    }
    Ok(())
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Completed deliveries remembered for `aoscomm_client_delivery` after their outcome.
const KEEP_COMPLETED: usize = 65_536;
/// Events kept for `next_event`; beyond it the oldest are dropped.
const POLL_QUEUE_MAX: usize = 4096;

#[derive(Clone, Copy)]
struct Callback {
    f: unsafe extern "C" fn(*mut c_void, *const aoscomm_event),
    userdata: usize,
}

struct PollQueue {
    items: VecDeque<aoscomm_event>,
}

#[derive(Default)]
struct Deliveries {
    handles: HashMap<u64, aoscomm::client::DeliveryHandle>,
    completed: VecDeque<u64>,
}

struct Inner {
    client: Client,
    callback: Mutex<Option<Callback>>,
    poll: Mutex<PollQueue>,
    poll_cond: Condvar,
    efd: libc::c_int,
    deliveries: Mutex<Deliveries>,
    /// The dispatcher has ended: no event will be queued any more.
    done: AtomicBool,
}

impl Inner {
    /// Queues an event for `next_event` and makes the eventfd readable once more. The queue
    /// and the eventfd counter change under one lock, so the counter equals the queue length.
    fn push_poll(&self, ev: aoscomm_event) {
        let mut q = lock(&self.poll);
        if q.items.len() >= POLL_QUEUE_MAX {
            q.items.pop_front();
            self.efd_read();
        }
        q.items.push_back(ev);
        let one: u64 = 1;
        unsafe { libc::write(self.efd, &one as *const u64 as *const c_void, 8) };
        drop(q);
        self.poll_cond.notify_all();
    }

    fn efd_read(&self) {
        let mut v: u64 = 0;
        unsafe { libc::read(self.efd, &mut v as *mut u64 as *mut c_void, 8) };
    }

    fn note_delivery(&self, id: u64) {
        let mut d = lock(&self.deliveries);
        d.completed.push_back(id);
        while d.completed.len() > KEEP_COMPLETED {
            if let Some(old) = d.completed.pop_front() {
                d.handles.remove(&old);
            }
        }
    }
}

/// A client. Made by `aoscomm_client_new`, freed by `aoscomm_client_free`.
///
/// Thread safety: every function may be called from any thread, concurrently, until
/// `aoscomm_client_free` (which must not race with other calls on the same client).
pub struct aoscomm_client {
    inner: Arc<Inner>,
    /// The dispatcher thread; taken (and joined, under this lock) by close.
    dispatcher: Mutex<Option<JoinHandle<()>>>,
    closed: AtomicBool,
}

fn dispatch_loop(inner: Arc<Inner>, events: EventStream) {
    loop {
        let ev = match events.recv_timeout(Duration::from_millis(500)) {
            Some(e) => e,
            None => match events.try_recv() {
                Ok(Some(e)) => e,
                Ok(None) => continue,
                Err(_) => {
                    inner.done.store(true, Ordering::SeqCst);
                    inner.poll_cond.notify_all();
                    return;
                }
            },
        };
        if let ClientEvent::Delivery { id, .. } = &ev {
            inner.note_delivery(id.0);
        }
        let cev = aoscomm_event::from_client_event(&ev);
        inner.push_poll(cev.clone());
        let cb = *lock(&inner.callback);
        if let Some(cb) = cb {
            let r = as_callback(|| {
                std::panic::catch_unwind(|| unsafe { (cb.f)(cb.userdata as *mut c_void, &cev) })
            });
            if r.is_err() {
                tracing::error!("the event callback unwound; continuing");
            }
        }
    }
}

fn client_error(e: ClientError) -> Fail {
    match e {
        ClientError::Closed => Fail(aoscomm_result::Closed, e.to_string()),
        ClientError::Runtime(_) => Fail(aoscomm_result::Io, e.to_string()),
        ClientError::MessageLog { .. } => Fail(aoscomm_result::Config, e.to_string()),
        _ => Fail(aoscomm_result::Config, e.to_string()),
    }
}

fn submit_error(e: &SubmitError) -> aoscomm_result {
    match e {
        SubmitError::NotStarted => aoscomm_result::NotStarted,
        SubmitError::Closed => aoscomm_result::Closed,
        SubmitError::QueueFull { .. } => aoscomm_result::QueueFull,
        SubmitError::TooLarge { .. } => aoscomm_result::TooLarge,
        SubmitError::Encode(_) => aoscomm_result::InvalidData,
        SubmitError::NotSubmittable(_) => aoscomm_result::InvalidArgument,
    }
}

fn client_ref<'a>(c: *const aoscomm_client) -> FfiResult<&'a aoscomm_client> {
    match unsafe { c.as_ref() } {
        Some(c) => Ok(c),
        None => fail(aoscomm_result::NullParameter, "client is NULL"),
    }
}

/// Creates a client from `cfg` (copied: `cfg` may be freed afterwards) and its event dispatcher
/// thread. Loads the PEM files and checks the settings: CONFIG (with `aoscomm_last_error`) when
/// they are wrong. Nothing connects before `aoscomm_client_start`. `*out` = the client, to free
/// with `aoscomm_client_free`.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_client_new(
    cfg: *const aoscomm_config,
    out: *mut *mut aoscomm_client,
) -> aoscomm_result {
    ffi_result!({
        let cfg = try_ref!(cfg, "cfg");
        if out.is_null() {
            return fail(aoscomm_result::NullParameter, "out is NULL");
        }
        let client = Client::new(cfg.inner.clone()).map_err(client_error)?;
        let efd = unsafe {
            libc::eventfd(
                0,
                libc::EFD_NONBLOCK | libc::EFD_SEMAPHORE | libc::EFD_CLOEXEC,
            )
        };
        if efd < 0 {
            return fail(
                aoscomm_result::Io,
                format!("eventfd: {}", std::io::Error::last_os_error()),
            );
        }
        let events = client.subscribe();
        let inner = Arc::new(Inner {
            client,
            callback: Mutex::new(None),
            poll: Mutex::new(PollQueue {
                items: VecDeque::new(),
            }),
            poll_cond: Condvar::new(),
            efd,
            deliveries: Mutex::new(Deliveries::default()),
            done: AtomicBool::new(false),
        });
        let i2 = inner.clone();
        let thread = std::thread::Builder::new()
            .name("aoscomm-events".into())
            .spawn(move || dispatch_loop(i2, events));
        let thread = match thread {
            Ok(t) => t,
            Err(e) => {
                inner.client.close();
                unsafe { libc::close(efd) };
                return fail(
                    aoscomm_result::Io,
                    format!("cannot start the event thread: {e}"),
                );
            }
        };
        let c = Box::new(aoscomm_client {
            inner,
            dispatcher: Mutex::new(Some(thread)),
            closed: AtomicBool::new(false),
        });
        unsafe { *out = Box::into_raw(c) };
        Ok(())
    })
}

fn close_client(c: &aoscomm_client, drain: Duration) -> usize {
    let report = c.inner.client.close_with_drain(drain);
    c.closed.store(true, Ordering::SeqCst);
    // Held across the join: a concurrent close returns only after the dispatcher has ended.
    let mut d = lock(&c.dispatcher);
    if let Some(t) = d.take() {
        let _ = t.join();
    }
    report.undelivered.len()
}

/// Closes (as `aoscomm_client_close` with no drain) if needed, joins the dispatcher thread and
/// frees the client: no callback runs after it returns. NULL is a no-op. From inside a callback
/// it does nothing (the client is not freed; call it again from another thread).
#[no_mangle]
pub unsafe extern "C" fn aoscomm_client_free(c: *mut aoscomm_client) {
    ffi_value!((), {
        if c.is_null() {
            return;
        }
        if in_callback() {
            crate::result::set_last_error("aoscomm_client_free from inside a callback is ignored");
            return;
        }
        let b = unsafe { Box::from_raw(c) };
        close_client(&b, Duration::ZERO);
        let efd = b.inner.efd;
        drop(b);
        unsafe { libc::close(efd) };
    })
}

/// Starts connecting (and reconnecting until close). Non-important messages are accepted from
/// now on. Calling it again does nothing. CLOSED after close.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_client_start(c: *mut aoscomm_client) -> aoscomm_result {
    ffi_result!({
        let c = client_ref(c)?;
        c.inner.client.start().map_err(client_error)
    })
}

/// Stops reconnecting, waits up to `drain_ms` for held messages to be acked, sends a close
/// frame; `*undelivered_out` (may be NULL) = messages still undelivered (each gets a
/// FAILED/closed delivery event). Joins the callback thread: no callback runs after it returns.
/// Idempotent. WOULD_DEADLOCK from inside a callback.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_client_close(
    c: *mut aoscomm_client,
    drain_ms: u64,
    undelivered_out: *mut usize,
) -> aoscomm_result {
    ffi_result!({
        let c = client_ref(c)?;
        deadlock_guard("aoscomm_client_close")?;
        let n = close_client(c, Duration::from_millis(drain_ms));
        if !undelivered_out.is_null() {
            unsafe { *undelivered_out = n };
        }
        Ok(())
    })
}

/// Whether the WebSocket is up now; false for NULL.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_client_is_connected(c: *const aoscomm_client) -> bool {
    ffi_value!(
        false,
        unsafe { c.as_ref() }.is_some_and(|c| c.inner.client.is_connected())
    )
}

/// Validates `data_json` (a `data` object, `{"messageType":...}`) with the codec and queues it.
/// INVALID_DATA (last_error names the field and the rule) when it does not validate; then
/// nothing is queued. `important`: -1 = the type's default, 0 = no, 1 = yes (may be queued
/// before start). `*id_out` = the message id (for `aoscomm_client_delivery` and DELIVERY events).
/// Non-blocking: may be called from inside a callback.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_client_send(
    c: *mut aoscomm_client,
    data_json: *const u8,
    len: usize,
    important: i32,
    id_out: *mut u64,
) -> aoscomm_result {
    ffi_result!({
        let c = client_ref(c)?;
        let json = unsafe { bytes(data_json, len, "data_json")? };
        if id_out.is_null() {
            return fail(aoscomm_result::NullParameter, "id_out is NULL");
        }
        let important = match important {
            -1 => None,
            0 => Some(false),
            1 => Some(true),
            v => {
                return fail(
                    aoscomm_result::InvalidArgument,
                    format!("important: {v} is not -1, 0 or 1"),
                )
            }
        };
        // Hold the map's lock across the submission so the dispatcher cannot note the outcome
        // before the handle is known.
        let mut d = lock(&c.inner.deliveries);
        let h = match c.inner.client.send_json(json, SendOptions { important }) {
            Ok(h) => h,
            Err(SendError::Invalid(e)) => {
                return fail(aoscomm_result::InvalidData, format!("invalid data: {e}"))
            }
            Err(SendError::Submit(e)) => return fail(submit_error(&e), e.to_string()),
        };
        let id = h.id().0;
        d.handles.insert(id, h);
        drop(d);
        unsafe { *id_out = id };
        Ok(())
    })
}

/// The outcome of message `id`; waits up to `timeout_ms` (0 = do not wait; a pending message
/// is then OK with status 0). TIMEOUT when still pending after a wait; NOT_FOUND for an unknown
/// id (or one completed more than 65536 deliveries ago). A wait from inside a callback:
/// WOULD_DEADLOCK.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_client_delivery(
    c: *mut aoscomm_client,
    id: u64,
    timeout_ms: u32,
    out: *mut aoscomm_delivery,
) -> aoscomm_result {
    ffi_result!({
        let c = client_ref(c)?;
        if out.is_null() {
            return fail(aoscomm_result::NullParameter, "out is NULL");
        }
        if timeout_ms > 0 {
            deadlock_guard("aoscomm_client_delivery with a wait")?;
        }
        let Some(h) = lock(&c.inner.deliveries).handles.get(&id).cloned() else {
            return fail(aoscomm_result::NotFound, format!("no message with id {id}"));
        };
        let outcome = if timeout_ms == 0 {
            h.try_outcome()
        } else {
            h.wait_timeout(Duration::from_millis(u64::from(timeout_ms)))
        };
        let d = match outcome {
            Some(o) => aoscomm_delivery::from_outcome(&o),
            None if timeout_ms == 0 => aoscomm_delivery::pending(h.txn()),
            None => {
                return fail(
                    aoscomm_result::Timeout,
                    format!("message {id} still pending after {timeout_ms} ms"),
                )
            }
        };
        unsafe { *out = d };
        Ok(())
    })
}

/// Sends a request (e.g. requestBlobUrls) and blocks for the correlated response (same
/// correlationId; one is generated when the data has none); `*response_out` = the response's
/// `data` JSON, to free with `aoscomm_buffer_free`. `timeout_ms` 0 = the configured response
/// timeout. REQUEST_FAILED when it timed out or could not be delivered; INVALID_DATA for bad
/// JSON; WOULD_DEADLOCK from inside a callback.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_client_request(
    c: *mut aoscomm_client,
    data_json: *const u8,
    len: usize,
    timeout_ms: u32,
    response_out: *mut *mut aoscomm_buffer,
) -> aoscomm_result {
    ffi_result!({
        let c = client_ref(c)?;
        let json = unsafe { bytes(data_json, len, "data_json")? };
        if response_out.is_null() {
            return fail(aoscomm_result::NullParameter, "response_out is NULL");
        }
        deadlock_guard("aoscomm_client_request")?;
        let data = Data::decode(json)
            .map_err(|e| Fail(aoscomm_result::InvalidData, format!("invalid data: {e}")))?;
        let timeout = if timeout_ms == 0 {
            c.inner.client.config().cloud_response_wait_timeout
        } else {
            Duration::from_millis(u64::from(timeout_ms))
        };
        let env = match c.inner.client.request_blocking(data, timeout) {
            Ok(env) => env,
            Err(RequestError::Submit(e)) => return fail(submit_error(&e), e.to_string()),
            Err(RequestError::Invalid(e)) => {
                return fail(aoscomm_result::InvalidData, format!("invalid data: {e}"))
            }
            Err(e @ (RequestError::Failed(_) | RequestError::WaitTimedOut)) => {
                return fail(aoscomm_result::RequestFailed, e.to_string())
            }
        };
        let json = env.data.encode().map_err(|e| {
            Fail(
                aoscomm_result::InvalidData,
                format!("cannot encode the response: {e}"),
            )
        })?;
        unsafe { *response_out = Box::into_raw(aoscomm_buffer::new(json)) };
        Ok(())
    })
}

/// Sets (or with `cb` NULL removes) the event callback; set it before start to see every
/// event. It runs on ONE library thread per client, never concurrently with itself; the event
/// is borrowed for the call. Inside it, non-blocking calls (send, is_connected, delivery
/// without a wait, event accessors) work; blocking ones (delivery with a wait, request, close,
/// next_event with a wait) return WOULD_DEADLOCK, and free is ignored. No callback runs after
/// `aoscomm_client_close` or `aoscomm_client_free` returns. `userdata` must stay valid until
/// then. Every event also goes to the `next_event` queue, independently of the callback.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_client_set_event_callback(
    c: *mut aoscomm_client,
    cb: aoscomm_event_callback,
    userdata: *mut c_void,
) -> aoscomm_result {
    ffi_result!({
        let c = client_ref(c)?;
        *lock(&c.inner.callback) = cb.map(|f| Callback {
            f,
            userdata: userdata as usize,
        });
        Ok(())
    })
}

/// The next queued event, waiting up to `timeout_ms` (0 = do not wait). `*out` = the event, to
/// free with `aoscomm_event_free`. NO_EVENT when none arrived in time; CLOSED when the client is
/// closed and every event has been taken. A wait from inside a callback: WOULD_DEADLOCK. The
/// queue keeps the newest 4096 events.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_client_next_event(
    c: *mut aoscomm_client,
    timeout_ms: u32,
    out: *mut *mut aoscomm_event,
) -> aoscomm_result {
    ffi_result!({
        let c = client_ref(c)?;
        if out.is_null() {
            return fail(aoscomm_result::NullParameter, "out is NULL");
        }
        if timeout_ms > 0 {
            deadlock_guard("aoscomm_client_next_event with a wait")?;
        }
        let inner = &c.inner;
        let deadline = Instant::now() + Duration::from_millis(u64::from(timeout_ms));
        let mut q = lock(&inner.poll);
        loop {
            if let Some(ev) = q.items.pop_front() {
                inner.efd_read();
                drop(q);
                unsafe { *out = Box::into_raw(Box::new(ev)) };
                return Ok(());
            }
            // The dispatcher has ended (after close): nothing more will come.
            if inner.done.load(Ordering::SeqCst) {
                return fail(
                    aoscomm_result::Closed,
                    "the client is closed and no event is left",
                );
            }
            let now = Instant::now();
            if now >= deadline {
                return fail(
                    aoscomm_result::NoEvent,
                    format!("no event within {timeout_ms} ms"),
                );
            }
            q = inner
                .poll_cond
                .wait_timeout(q, (deadline - now).min(Duration::from_millis(100)))
                .map(|(g, _)| g)
                .unwrap_or_else(|p| p.into_inner().0);
        }
    })
}

/// A file descriptor (eventfd) that is readable while events are queued for `next_event`, for
/// poll/epoll. Owned by the client: do not close or read it. -1 for NULL.
#[no_mangle]
pub unsafe extern "C" fn aoscomm_client_event_fd(c: *const aoscomm_client) -> i32 {
    ffi_value!(-1, unsafe { c.as_ref() }.map_or(-1, |c| c.inner.efd))
}
