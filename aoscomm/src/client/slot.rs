//! A one-shot value that both threads (blocking, with a timeout) and async tasks can wait for.

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

type Callback<T> = Box<dyn FnOnce(&T) + Send>;

struct State<T> {
    value: Option<T>,
    callbacks: Vec<Callback<T>>,
}

struct Inner<T> {
    state: Mutex<State<T>>,
    cond: Condvar,
    notify: Notify,
}

impl<T: std::fmt::Debug> std::fmt::Debug for Inner<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        f.debug_struct("Slot")
            .field("value", &s.value)
            .field("callbacks", &s.callbacks.len())
            .finish()
    }
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
            state: Mutex::new(State {
                value: None,
                callbacks: Vec::new(),
            }),
            cond: Condvar::new(),
            notify: Notify::new(),
        }))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State<T>> {
        self.0.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Sets the value (the first set wins), wakes every waiter and runs the callbacks (on the
    /// calling thread, after the lock is released).
    pub fn set(&self, v: T) {
        let callbacks = {
            let mut g = self.lock();
            if g.value.is_some() {
                return;
            }
            g.value = Some(v.clone());
            std::mem::take(&mut g.callbacks)
        };
        self.0.cond.notify_all();
        self.0.notify.notify_waiters();
        for cb in callbacks {
            cb(&v);
        }
    }

    /// Runs `f` with the value once it is set: at once (on this thread) if it already is, else
    /// on the thread that sets it. `f` must be quick and must not block.
    pub fn on_set(&self, f: impl FnOnce(&T) + Send + 'static) {
        let ready = {
            let mut g = self.lock();
            match &g.value {
                Some(v) => Some(v.clone()),
                None => {
                    g.callbacks.push(Box::new(f));
                    return;
                }
            }
        };
        if let Some(v) = ready {
            f(&v);
        }
    }

    pub fn get(&self) -> Option<T> {
        self.lock().value.clone()
    }

    /// Blocks the calling thread until the value is set or `timeout` passes.
    pub fn wait_timeout(&self, timeout: Duration) -> Option<T> {
        let deadline = Instant::now().checked_add(timeout);
        let mut g = self.lock();
        loop {
            if let Some(v) = g.value.as_ref() {
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
