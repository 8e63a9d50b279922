//! Listener registration: a foreign `EventListener` fed by one library thread per
//! subscription, stopped (and joined) by `Subscription::cancel`, its drop, or the client's
//! `shutdown`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{JoinHandle, ThreadId};
use std::time::Duration;

use aoscomm::client::EventStream;

use crate::client::ClientEvent;
use crate::error::AoscommError;

/// Receives the client's events. Called on one library thread per subscription, never
/// concurrently for one subscription; it must not block for long.
#[uniffi::export(foreign)]
pub trait EventListener: Send + Sync {
    fn on_event(&self, event: ClientEvent);
}

/// How often the listener thread looks at its stop flag while idle.
const POLL: Duration = Duration::from_millis(20);

pub struct SubscriptionInner {
    stop: AtomicBool,
    thread: Mutex<Option<JoinHandle<()>>>,
    thread_id: Mutex<Option<ThreadId>>,
}

impl SubscriptionInner {
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
    }

    /// Waits for the listener thread to end, unless called from that thread (a listener that
    /// closes its own subscription): it ends when the callback returns.
    pub fn join(&self) {
        let own = *self.thread_id.lock().unwrap_or_else(|p| p.into_inner())
            == Some(std::thread::current().id());
        if own {
            return;
        }
        let t = self.thread.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(t) = t {
            let _ = t.join();
        }
    }
}

/// A registration: events reach the listener until `cancel()`, or until the object is
/// released (Kotlin `close()`).
#[derive(uniffi::Object)]
pub struct Subscription {
    pub(crate) inner: Arc<SubscriptionInner>,
}

impl Subscription {
    pub(crate) fn start(
        stream: EventStream,
        listener: Arc<dyn EventListener>,
    ) -> Result<Arc<Subscription>, AoscommError> {
        let inner = Arc::new(SubscriptionInner {
            stop: AtomicBool::new(false),
            thread: Mutex::new(None),
            thread_id: Mutex::new(None),
        });
        let state = inner.clone();
        let t = std::thread::Builder::new()
            .name("aoscomm-listener".into())
            .spawn(move || loop {
                {
                    let mut id = state.thread_id.lock().unwrap_or_else(|p| p.into_inner());
                    if id.is_none() {
                        *id = Some(std::thread::current().id());
                    }
                }
                if state.stop.load(Ordering::SeqCst) {
                    return;
                }
                // Timed out (look at the stop flag again) or ended, told apart without losing
                // an event that arrives just then.
                let ev = match stream.recv_timeout(POLL) {
                    Some(ev) => ev,
                    None => match stream.try_recv() {
                        Ok(Some(ev)) => ev,
                        Ok(None) => continue,
                        Err(_) => return,
                    },
                };
                if state.stop.load(Ordering::SeqCst) {
                    return;
                }
                listener.on_event(ClientEvent::from_core(ev));
            })
            .map_err(|e| AoscommError::Config {
                detail: format!("cannot start the listener thread: {e}"),
            })?;
        *inner.thread.lock().unwrap_or_else(|p| p.into_inner()) = Some(t);
        Ok(Arc::new(Subscription { inner }))
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.inner.stop();
        self.inner.join();
    }
}

#[uniffi::export]
impl Subscription {
    /// Stops delivery; when it returns (from any other thread than the listener's), no
    /// callback of this subscription runs any more. Idempotent.
    pub fn cancel(&self) {
        self.inner.stop();
        self.inner.join();
    }

    /// Whether events are still being delivered.
    pub fn is_active(&self) -> bool {
        !self.inner.stop.load(Ordering::SeqCst)
            && self
                .inner
                .thread
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .as_ref()
                .is_some_and(|t| !t.is_finished())
    }
}
