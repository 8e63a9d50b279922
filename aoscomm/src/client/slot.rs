//! A one-shot value that both threads (blocking, with a timeout) and async tasks can wait for.

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

#[derive(Debug)]
struct Inner<T> {
    value: Mutex<Option<T>>,
    cond: Condvar,
    notify: Notify,
}

/// Set once by the client's driver; read by any number of waiters.
#[derive(Debug)]
pub(crate) struct Slot<T>(Arc<Inner<T>>);

impl<T> Clone for Slot<T> {
    fn clone(&self) -> Self {
        Slot(self.0.clone())
    }
}

impl<T: Clone> Slot<T> {
    pub fn new() -> Self {
        Slot(Arc::new(Inner {
            value: Mutex::new(None),
            cond: Condvar::new(),
            notify: Notify::new(),
        }))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<T>> {
        self.0.value.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Sets the value (the first set wins) and wakes every waiter.
    pub fn set(&self, v: T) {
        {
            let mut g = self.lock();
            if g.is_some() {
                return;
            }
            *g = Some(v);
        }
        self.0.cond.notify_all();
        self.0.notify.notify_waiters();
    }

    pub fn get(&self) -> Option<T> {
        self.lock().clone()
    }

    /// Blocks the calling thread until the value is set or `timeout` passes.
    pub fn wait_timeout(&self, timeout: Duration) -> Option<T> {
        let deadline = Instant::now().checked_add(timeout);
        let mut g = self.lock();
        loop {
            if let Some(v) = g.as_ref() {
                return Some(v.clone());
            }
            let left = match deadline {
                Some(d) => d.checked_duration_since(Instant::now())?,
                None => Duration::from_secs(3600),
            };
            g = self
                .0
                .cond
                .wait_timeout(g, left)
                .map(|(g, _)| g)
                .unwrap_or_else(|p| p.into_inner().0);
        }
    }

    /// Waits asynchronously until the value is set.
    pub async fn wait(&self) -> T {
        loop {
            let notified = self.0.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(v) = self.get() {
                return v;
            }
            notified.await;
        }
    }
}
