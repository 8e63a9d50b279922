//! How and when to (re)connect: discovery cache (§4.4), the reconnect schedule (§5.7) with
//! jitter, and the discovery `errorCode`s Redirect and RepeatLater, which the reference ignores
//! (§9.12). Sans-IO: the client asks for the next step and reports each step's result.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::protocol::{DiscoveryErrorCode, ServiceDiscoveryResponse};

/// Settings of the schedule.
#[derive(Debug, Clone)]
pub struct ReconnectConfig {
    /// The configured discovery URL (after the §4.1 override rule).
    pub discovery_url: String,
    /// Base delay when discovery gave no `nextRequestDelay` (reference: 1 s).
    pub base_delay: Duration,
    /// Longest wait (reference: 10 min).
    pub max_delay: Duration,
    /// Attempts per cycle (reference: 5); the cycle's waits are d, 2d, 4d, 8d, then a new cycle
    /// starts at once.
    pub tries_per_cycle: u32,
    /// Each wait is multiplied by a random factor in [1 - jitter, 1 + jitter]. 0 = exact.
    pub jitter: f64,
    /// How many Redirects are followed in a row before it counts as a failure.
    pub max_redirects: u32,
}

impl ReconnectConfig {
    pub fn new(discovery_url: impl Into<String>) -> Self {
        ReconnectConfig {
            discovery_url: discovery_url.into(),
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(600),
            tries_per_cycle: 5,
            jitter: 0.2,
            max_redirects: 3,
        }
    }
}

/// What the client should do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectStep {
    /// Nothing before this instant.
    Wait(Instant),
    /// POST the discovery request to this URL.
    Discover { url: String },
    /// Open the WebSocket to this URL with this bearer token.
    Upgrade { url: String, auth_token: String },
}

#[derive(Debug, Clone)]
struct Cached {
    urls: VecDeque<String>,
    auth_token: String,
}

/// The connect state machine.
#[derive(Debug)]
pub struct ReconnectSchedule {
    config: ReconnectConfig,
    cache: Option<Cached>,
    /// Where the next discovery goes (the configured URL, or a redirect target).
    discovery_target: String,
    redirects: u32,
    /// Failures in the current cycle.
    failures: u32,
    /// Base delay d: `base_delay`, or the last discovery's `nextRequestDelay`.
    delay: Duration,
    not_before: Option<Instant>,
    rng: fastrand::Rng,
}

impl ReconnectSchedule {
    pub fn new(config: ReconnectConfig, seed: u64) -> Self {
        ReconnectSchedule {
            discovery_target: config.discovery_url.clone(),
            delay: config.base_delay,
            config,
            cache: None,
            redirects: 0,
            failures: 0,
            not_before: None,
            rng: fastrand::Rng::with_seed(seed),
        }
    }

    /// The next step at `now`.
    pub fn next_step(&self, now: Instant) -> ConnectStep {
        if let Some(t) = self.not_before {
            if t > now {
                return ConnectStep::Wait(t);
            }
        }
        match &self.cache {
            Some(c) => match c.urls.front() {
                Some(url) => ConnectStep::Upgrade {
                    url: url.clone(),
                    auth_token: c.auth_token.clone(),
                },
                None => ConnectStep::Discover {
                    url: self.discovery_target.clone(),
                },
            },
            None => ConnectStep::Discover {
                url: self.discovery_target.clone(),
            },
        }
    }

    /// The base delay currently in force.
    pub fn base_delay(&self) -> Duration {
        self.delay
    }

    /// Whether a discovery answer is cached.
    pub fn has_cached_discovery(&self) -> bool {
        self.cache.is_some()
    }

    fn jittered(&mut self, d: Duration) -> Duration {
        let j = self.config.jitter.clamp(0.0, 1.0);
        if j == 0.0 || d.is_zero() {
            return d;
        }
        let factor = 1.0 - j + 2.0 * j * self.rng.f64();
        d.mul_f64(factor)
    }

    /// One failed attempt: the cycle's next wait (d, 2d, 4d, 8d, then 0 and a new cycle).
    fn failed(&mut self, now: Instant) {
        self.failures += 1;
        let tries = self.config.tries_per_cycle.max(1);
        let wait = if self.failures >= tries {
            self.failures = 0;
            Duration::ZERO
        } else {
            let factor = 1u32 << (self.failures - 1).min(20);
            self.delay.saturating_mul(factor).min(self.config.max_delay)
        };
        let wait = self.jittered(wait);
        self.not_before = Some(now + wait);
    }

    /// Reports a discovery answer.
    pub fn on_discovery(&mut self, resp: &ServiceDiscoveryResponse, now: Instant) {
        match resp.error_code {
            DiscoveryErrorCode::NoError => {
                self.redirects = 0;
                if resp.next_request_delay_ms > 0 {
                    self.delay = Duration::from_millis(resp.next_request_delay_ms);
                }
                if resp.connection_info.is_empty() {
                    // "No connection info received" (§4.3)
                    self.failed(now);
                } else {
                    self.cache = Some(Cached {
                        urls: resp.connection_info.iter().cloned().collect(),
                        auth_token: resp.auth_token.clone(),
                    });
                    self.not_before = None;
                }
            }
            DiscoveryErrorCode::Redirect => match resp.connection_info.first() {
                Some(url) if self.redirects < self.config.max_redirects => {
                    self.redirects += 1;
                    self.discovery_target = url.clone();
                    self.not_before = None;
                }
                _ => {
                    self.redirects = 0;
                    self.discovery_target = self.config.discovery_url.clone();
                    self.failed(now);
                }
            },
            DiscoveryErrorCode::RepeatLater => {
                let wait = if resp.next_request_delay_ms > 0 {
                    Duration::from_millis(resp.next_request_delay_ms)
                } else {
                    self.delay
                };
                let wait = self.jittered(wait.min(self.config.max_delay));
                self.not_before = Some(now + wait);
            }
            DiscoveryErrorCode::Error => self.failed(now),
        }
    }

    /// Reports a failed discovery exchange (network, TLS, HTTP status, bad body).
    pub fn on_discovery_failed(&mut self, now: Instant) {
        // A failing redirect target sends the next attempt back to the configured URL.
        self.discovery_target = self.config.discovery_url.clone();
        self.redirects = 0;
        self.failed(now);
    }

    /// Reports a failed upgrade: 401 clears the whole discovery cache; anything else drops just
    /// that URL (§4.4).
    pub fn on_upgrade_failed(&mut self, unauthorized: bool, now: Instant) {
        if unauthorized {
            self.cache = None;
        } else if let Some(c) = &mut self.cache {
            c.urls.pop_front();
            if c.urls.is_empty() {
                self.cache = None;
            }
        }
        self.failed(now);
    }

    /// The WebSocket is up: the cycle resets.
    pub fn on_connected(&mut self) {
        self.failures = 0;
        self.not_before = None;
    }

    /// The connection dropped: reconnect at once with the cached answer (§5.6).
    pub fn on_disconnected(&mut self) {
        self.failures = 0;
        self.not_before = None;
    }
}
