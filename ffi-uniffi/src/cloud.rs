//! `MockCloud`: the Rust mock cloud (HTTPS discovery + WSS with mTLS on 127.0.0.1, generated
//! PKI) for tests in Kotlin, Swift and Python.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aoscomm::cloud::{AckMode, MockCloud as CoreCloud, MockCloudConfig};
use aoscomm::protocol::Data;

use crate::codec::Message;
use crate::config::ClientConfig;
use crate::error::AoscommError;

fn cloud_err(e: impl std::fmt::Display) -> AoscommError {
    AoscommError::MockCloud {
        detail: e.to_string(),
    }
}

/// A running mock cloud; `stop()` (or dropping it) shuts it down.
#[derive(uniffi::Object)]
pub struct MockCloud {
    cloud: Mutex<Option<Arc<CoreCloud>>>,
    discovery_url: String,
    ws_url: String,
    system_id: String,
    ca_pem: String,
    client_cert_pem: String,
    client_key_pem: String,
}

impl MockCloud {
    fn get(&self) -> Result<Arc<CoreCloud>, AoscommError> {
        self.cloud
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or(AoscommError::Closed)
    }
}

#[uniffi::export]
impl MockCloud {
    /// Starts a mock cloud for `system_id` (default `test_system_id`) on free ports.
    #[uniffi::constructor(default(system_id = None))]
    pub fn new(system_id: Option<String>) -> Result<Arc<Self>, AoscommError> {
        let mut config = MockCloudConfig::default();
        if let Some(id) = system_id {
            config.system_id = id;
        }
        let cloud = CoreCloud::start_blocking(config).map_err(cloud_err)?;
        let pki = cloud.pki();
        Ok(Arc::new(MockCloud {
            discovery_url: cloud.discovery_url(),
            ws_url: cloud.ws_url(),
            system_id: cloud.system_id().to_string(),
            ca_pem: pki.ca.clone(),
            client_cert_pem: pki.client.cert.clone(),
            client_key_pem: pki.client.key.clone(),
            cloud: Mutex::new(Some(Arc::new(cloud))),
        }))
    }

    pub fn discovery_url(&self) -> String {
        self.discovery_url.clone()
    }
    pub fn ws_url(&self) -> String {
        self.ws_url.clone()
    }
    pub fn system_id(&self) -> String {
        self.system_id.clone()
    }
    /// The test CA certificate (PEM).
    pub fn ca_pem(&self) -> String {
        self.ca_pem.clone()
    }
    /// The unit's client certificate (PEM).
    pub fn client_cert_pem(&self) -> String {
        self.client_cert_pem.clone()
    }
    /// The unit's client key (PKCS#8 PEM).
    pub fn client_key_pem(&self) -> String {
        self.client_key_pem.clone()
    }

    /// Settings of a client for this cloud (PEMs inline, short reconnect delay).
    pub fn client_config(&self) -> ClientConfig {
        ClientConfig {
            service_discovery_url: self.discovery_url.clone(),
            system_id: self.system_id.clone(),
            override_service_discovery_url: None,
            ca_cert: Some(self.ca_pem.clone()),
            client_cert: Some(self.client_cert_pem.clone()),
            client_key: Some(self.client_key_pem.clone()),
            server_name: None,
            response_timeout_ms: 5000,
            message_log: None,
            message_log_timestamps: false,
            queue_max_messages: 4096,
            drop_oldest_when_full: false,
            max_in_flight: 256,
            ping_interval_ms: 30000,
            dead_link_timeout_ms: 30000,
            connect_timeout_ms: 5000,
            reconnect_delay_ms: 20,
        }
    }

    /// Ack every message at once (the default).
    pub fn ack_all(&self) -> Result<(), AoscommError> {
        self.get()?.set_ack_mode(AckMode::AckAll);
        Ok(())
    }

    /// Answer nothing (the unit resends, then gives up).
    pub fn drop_acks(&self) -> Result<(), AoscommError> {
        self.get()?.set_ack_mode(AckMode::AckNone);
        Ok(())
    }

    /// Nack with `retryAfter` = `retry_after_ms`: every transmission, or the first `first` of
    /// each txn (then ack).
    pub fn nack(&self, retry_after_ms: i64, first: Option<u32>) -> Result<(), AoscommError> {
        self.get()?.set_ack_mode(match first {
            None => AckMode::Nack { retry_after_ms },
            Some(n) => AckMode::NackFirst {
                n: n as usize,
                retry_after_ms,
            },
        });
        Ok(())
    }

    /// Answer `requestBlobUrls` with `blobUrls`.
    pub fn answer_blob_requests(&self, on: bool) -> Result<(), AoscommError> {
        self.get()?.answer_blob_requests(on);
        Ok(())
    }

    /// Sends a cloud->unit message (`data` JSON, validated first); returns its txn.
    pub fn push(&self, data_json: String) -> Result<String, AoscommError> {
        let data = Data::decode(data_json.as_bytes())?;
        self.get()?.push(data).map_err(cloud_err)
    }

    /// Closes the open connection with a close frame; false when none is open.
    pub fn close_connection(&self) -> Result<bool, AoscommError> {
        Ok(self.get()?.close_connection())
    }

    /// Drops the open connection without a close frame.
    pub fn drop_connection(&self) -> Result<bool, AoscommError> {
        Ok(self.get()?.drop_connection())
    }

    /// The frames received that decode, in order.
    pub fn received(&self) -> Result<Vec<Message>, AoscommError> {
        Ok(self
            .get()?
            .received()
            .iter()
            .filter_map(|f| f.envelope.as_ref().ok())
            .map(Message::from_envelope)
            .collect())
    }

    /// How often `txn` was transmitted.
    pub fn transmissions(&self, txn: String) -> Result<u32, AoscommError> {
        Ok(self.get()?.transmissions(&txn) as u32)
    }

    /// Txns the unit acknowledged.
    pub fn acks_from_unit(&self) -> Result<Vec<String>, AoscommError> {
        Ok(self.get()?.state().acks_from_unit)
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> Result<u64, AoscommError> {
        Ok(self.get()?.connection_count())
    }

    /// Waits for at least `n` received frames; false after `timeout_ms`.
    pub fn wait_received(&self, n: u32, timeout_ms: u64) -> Result<bool, AoscommError> {
        Ok(self
            .get()?
            .wait_received_blocking(n as usize, Duration::from_millis(timeout_ms)))
    }

    /// Waits until `txn` was transmitted more than `n` times; false after `timeout_ms`.
    pub fn wait_transmissions_above(
        &self,
        txn: String,
        n: u32,
        timeout_ms: u64,
    ) -> Result<bool, AoscommError> {
        Ok(self.get()?.wait_for_blocking(
            |s| s.transmissions(&txn) > n as usize,
            Duration::from_millis(timeout_ms),
        ))
    }

    /// Waits until the unit acked `txn`; false after `timeout_ms`.
    pub fn wait_acked_by_unit(&self, txn: String, timeout_ms: u64) -> Result<bool, AoscommError> {
        Ok(self.get()?.wait_for_blocking(
            |s| s.acks_from_unit.contains(&txn),
            Duration::from_millis(timeout_ms),
        ))
    }

    /// Stops the endpoints. Idempotent.
    pub fn stop(&self) {
        self.cloud.lock().unwrap_or_else(|p| p.into_inner()).take();
    }
}
