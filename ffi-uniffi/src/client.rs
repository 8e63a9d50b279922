//! `UnitClient`: the core client, with async `send`/`request` that run on the client's own
//! tokio runtime, and listener registration.

use std::future::Future;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use aoscomm::client::{Client, ClientEvent as CoreEvent, SendOptions, WithdrawOnDrop};
use aoscomm::protocol::Data;
use aoscomm::session::DeliveryOutcome;
use aoscomm::transport::TransportError;

use crate::codec::Message;
use crate::config::ClientConfig;
use crate::error::AoscommError;
use crate::listener::{EventListener, Subscription, SubscriptionInner};

/// How a sent message ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum DeliveryStatus {
    Acked,
    Failed,
    Dropped,
}

/// The final outcome of one sent message.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Delivery {
    pub txn: String,
    pub status: DeliveryStatus,
    /// None when acked; else `no_ack`, `nack_limit`, `request_timed_out`, `closed`,
    /// `cancelled` or `queue_overflow`.
    pub reason: Option<String>,
    pub transmissions: u32,
    pub message_type: String,
}

impl Delivery {
    pub fn from_outcome(o: &DeliveryOutcome, message_type: &str) -> Self {
        Delivery {
            txn: o.txn().to_string(),
            status: match o {
                DeliveryOutcome::Acked { .. } => DeliveryStatus::Acked,
                DeliveryOutcome::Failed { .. } => DeliveryStatus::Failed,
                DeliveryOutcome::Dropped { .. } => DeliveryStatus::Dropped,
            },
            reason: o.reason().map(str::to_string),
            transmissions: o.transmissions(),
            message_type: message_type.to_string(),
        }
    }
}

/// A message still undelivered when the client closed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Undelivered {
    pub message_type: String,
    pub txn: String,
}

/// What the client reports to listeners.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ClientEvent {
    Connected {
        url: String,
    },
    Disconnected {
        reason: String,
    },
    ConnectFailed {
        kind: String,
        detail: String,
    },
    /// A cloud message, already acknowledged, delivered once.
    Received {
        message: Message,
    },
    /// The outcome of a sent message.
    Outcome {
        delivery: Delivery,
    },
    /// A received frame was dropped without an ack.
    Rejected {
        reason: String,
    },
}

impl ClientEvent {
    pub(crate) fn from_core(ev: CoreEvent) -> Self {
        match ev {
            CoreEvent::Connected { url } => ClientEvent::Connected { url },
            CoreEvent::Disconnected { reason } => ClientEvent::Disconnected { reason },
            CoreEvent::ConnectFailed { error, .. } => ClientEvent::ConnectFailed {
                kind: error.kind().to_string(),
                detail: error.to_string(),
            },
            CoreEvent::Message(env) => ClientEvent::Received {
                message: Message::from_envelope(&env),
            },
            CoreEvent::Delivery {
                message_type,
                outcome,
                ..
            } => ClientEvent::Outcome {
                delivery: Delivery::from_outcome(&outcome, message_type.as_str()),
            },
            CoreEvent::Rejected { reason } => ClientEvent::Rejected { reason },
        }
    }
}

/// Aborts the spawned task when the foreign future is dropped.
struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Runs `fut` on the client's runtime and waits for it (from any executor).
async fn on_runtime<T: Send + 'static>(
    client: &Client,
    fut: impl Future<Output = T> + Send + 'static,
) -> Result<T, AoscommError> {
    let task = client.runtime_handle().spawn(fut);
    let _abort = AbortOnDrop(task.abort_handle());
    task.await.map_err(|_| AoscommError::Closed)
}

fn connection_error(e: &TransportError, prefix: &str) -> AoscommError {
    AoscommError::Connection {
        kind: e.kind().to_string(),
        detail: format!("{prefix}{e}"),
    }
}

/// The unit side of the channel. `shutdown()` stops it at once; releasing the object (Kotlin
/// `close()`/`use {}`, Swift deinit, Python garbage collection) shuts it down too once no call
/// on it is running.
#[derive(uniffi::Object)]
pub struct UnitClient {
    client: Mutex<Option<Arc<Client>>>,
    response_timeout: Duration,
    subscriptions: Mutex<Vec<Weak<SubscriptionInner>>>,
}

impl UnitClient {
    fn get(&self) -> Result<Arc<Client>, AoscommError> {
        self.client
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or(AoscommError::Closed)
    }
}

impl Drop for UnitClient {
    fn drop(&mut self) {
        self.shutdown();
    }
}

#[uniffi::export]
impl UnitClient {
    /// Validates the settings (loads the PEM files); nothing connects before `start()`.
    #[uniffi::constructor]
    pub fn new(config: ClientConfig) -> Result<Arc<Self>, AoscommError> {
        let core = config.to_core()?;
        let response_timeout = core.cloud_response_wait_timeout;
        let client = Client::new(core)?;
        Ok(Arc::new(UnitClient {
            client: Mutex::new(Some(Arc::new(client))),
            response_timeout,
            subscriptions: Mutex::new(Vec::new()),
        }))
    }

    /// Starts connecting (and reconnecting until `close()`).
    pub fn start(&self) -> Result<(), AoscommError> {
        Ok(self.get()?.start()?)
    }

    /// Whether the WebSocket is up now.
    pub fn is_connected(&self) -> bool {
        self.get().map(|c| c.is_connected()).unwrap_or(false)
    }

    /// Waits until connected; fails with the latest connection error, or `Timeout`.
    pub async fn wait_connected(&self, timeout_ms: u64) -> Result<(), AoscommError> {
        let c = self.get()?;
        let waiter = c.clone();
        let limit = Duration::from_millis(timeout_ms);
        let connected = on_runtime(&c, async move { waiter.wait_connected(limit).await }).await?;
        if connected {
            return Ok(());
        }
        Err(match c.last_connect_error() {
            Some((_, e)) => connection_error(&e, &format!("not connected after {timeout_ms} ms: ")),
            None => AoscommError::Timeout {
                detail: format!("not connected after {timeout_ms} ms"),
            },
        })
    }

    /// Validates and queues `data_json` (a `data` object), then waits for its outcome.
    /// Cancelling the awaiting task withdraws the message (not sent again; `cancelled`).
    pub async fn send(&self, data_json: String) -> Result<Delivery, AoscommError> {
        let c = self.get()?;
        let data = Data::decode(data_json.as_bytes())?;
        let message_type = data.message_type().as_str();
        let h = c.send_with(data, SendOptions::default())?;
        let mut guard = WithdrawOnDrop::new(&c, h.id());
        let outcome = on_runtime(&c, async move { h.outcome().await }).await?;
        guard.disarm();
        Ok(Delivery::from_outcome(&outcome, message_type))
    }

    /// Sends a request and waits for the message with the same `correlationId` (generated
    /// when absent); `Timeout` after `timeout_ms` (default: the response timeout). Cancelling
    /// the awaiting task withdraws the request.
    pub async fn request(
        &self,
        data_json: String,
        timeout_ms: Option<u64>,
    ) -> Result<Message, AoscommError> {
        let c = self.get()?;
        let data = Data::decode(data_json.as_bytes())?;
        let limit = timeout_ms
            .map(Duration::from_millis)
            .unwrap_or(self.response_timeout);
        let r = c.submit_request(data, limit)?;
        let mut guard = WithdrawOnDrop::new(&c, r.id());
        let resp = on_runtime(&c, async move { r.response().await }).await?;
        guard.disarm();
        Ok(Message::from_envelope(&resp?))
    }

    /// Delivers every event from now on to `listener`, on one thread of the library (never
    /// concurrently), until the returned subscription is closed or dropped, or the client is
    /// shut down. No callback runs after `Subscription.cancel()` or `shutdown()` has returned.
    pub fn subscribe(
        &self,
        listener: Arc<dyn EventListener>,
    ) -> Result<Arc<Subscription>, AoscommError> {
        let c = self.get()?;
        let sub = Subscription::start(c.subscribe(), listener)?;
        let mut subs = self.subscriptions.lock().unwrap_or_else(|p| p.into_inner());
        subs.retain(|s| s.strong_count() > 0);
        subs.push(Arc::downgrade(&sub.inner));
        Ok(sub)
    }

    /// Stops the client and every subscription; returns the messages still undelivered (each
    /// also got a `failed`/`closed` outcome). Idempotent; blocks until the listener threads have
    /// stopped, so no callback runs after it returns. (Named so because Kotlin objects already
    /// have `close()`: there it releases the object, which shuts it down too.)
    pub fn shutdown(&self) -> Vec<Undelivered> {
        let subs: Vec<_> = self
            .subscriptions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .drain(..)
            .filter_map(|s| s.upgrade())
            .collect();
        for s in &subs {
            s.stop();
        }
        let c = self.client.lock().unwrap_or_else(|p| p.into_inner()).take();
        let report = c.map(|c| c.close()).unwrap_or_default();
        for s in &subs {
            s.join();
        }
        report
            .undelivered
            .into_iter()
            .map(|u| Undelivered {
                message_type: u.message_type.as_str().to_string(),
                txn: u.txn,
            })
            .collect()
    }
}
