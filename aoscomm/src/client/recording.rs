//! In-memory recordings of a live client's frames ([`super::Client::record`]): every frame the
//! message log would hold (TX before each send attempt, RX for each non-empty BINARY frame), with
//! a monotonic and a wall-clock timestamp, for later analysis ([`crate::analysis`]).

use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crate::analysis::{parse_frames, FrameRef, LogDirection, LogTable};
use crate::protocol::Timestamp;

/// One recorded frame.
#[derive(Debug, Clone)]
pub struct RecordedFrame {
    pub direction: LogDirection,
    /// Nanoseconds since the recording started (monotonic clock).
    pub monotonic_ns: i64,
    /// Nanoseconds since the Unix epoch (wall clock).
    pub wall_ns: i64,
    pub frame: Vec<u8>,
}

#[derive(Debug)]
struct State {
    frames: Vec<RecordedFrame>,
    bytes: usize,
    dropped: u64,
    stopped: bool,
}

#[derive(Debug)]
pub(crate) struct RecordingInner {
    started: Instant,
    max_bytes: usize,
    state: Mutex<State>,
}

fn lock(m: &Mutex<State>) -> MutexGuard<'_, State> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl RecordingInner {
    /// Keeps a frame; false once stopped (the client then forgets the recording).
    pub(crate) fn push(&self, direction: LogDirection, frame: &[u8]) -> bool {
        let mut s = lock(&self.state);
        if s.stopped {
            return false;
        }
        if s.bytes + frame.len() > self.max_bytes {
            s.dropped += 1;
            return true;
        }
        let wall_ns = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
        let monotonic_ns = i64::try_from(self.started.elapsed().as_nanos()).unwrap_or(i64::MAX);
        s.bytes += frame.len();
        s.frames.push(RecordedFrame {
            direction,
            monotonic_ns,
            wall_ns,
            frame: frame.to_vec(),
        });
        true
    }
}

/// A running or stopped recording. Clones share it; it stops at [`Recording::stop`] or when the
/// last clone is dropped.
#[derive(Debug, Clone)]
pub struct Recording {
    inner: Arc<RecordingInner>,
}

impl Recording {
    pub(crate) fn new(max_bytes: usize) -> (Recording, Weak<RecordingInner>) {
        let inner = Arc::new(RecordingInner {
            started: Instant::now(),
            max_bytes,
            state: Mutex::new(State {
                frames: Vec::new(),
                bytes: 0,
                dropped: 0,
                stopped: false,
            }),
        });
        let weak = Arc::downgrade(&inner);
        (Recording { inner }, weak)
    }

    /// Stops recording; the frames stay.
    pub fn stop(&self) {
        lock(&self.inner.state).stopped = true;
    }

    pub fn is_stopped(&self) -> bool {
        lock(&self.inner.state).stopped
    }

    /// Frames recorded so far.
    pub fn len(&self) -> usize {
        lock(&self.inner.state).frames.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes of frame text kept.
    pub fn bytes(&self) -> usize {
        lock(&self.inner.state).bytes
    }

    /// Frames not kept because the byte limit was reached.
    pub fn dropped(&self) -> u64 {
        lock(&self.inner.state).dropped
    }

    /// A copy of the frames recorded so far.
    pub fn frames(&self) -> Vec<RecordedFrame> {
        lock(&self.inner.state).frames.clone()
    }

    /// Frame `i` (0-based), if recorded.
    pub fn frame(&self, i: usize) -> Option<RecordedFrame> {
        lock(&self.inner.state).frames.get(i).cloned()
    }

    /// The frames recorded so far as analysis columns (`monotonic` and `logged_at` filled).
    pub fn to_table(&self) -> LogTable {
        let s = lock(&self.inner.state);
        let refs: Vec<FrameRef<'_>> = s
            .frames
            .iter()
            .map(|f| FrameRef {
                direction: f.direction,
                logged_at: Some(f.wall_ns),
                monotonic: Some(f.monotonic_ns),
                frame: &f.frame,
            })
            .collect();
        parse_frames(&refs)
    }

    /// The frames recorded so far as a timestamped message log
    /// (`<createdAt-style time> TX: <json>` lines).
    pub fn to_log(&self) -> Vec<u8> {
        let s = lock(&self.inner.state);
        let mut out = Vec::with_capacity(s.bytes + s.frames.len() * 32);
        for f in &s.frames {
            let time = Timestamp::from_unix_micros(f.wall_ns / 1000);
            super::message_log::append_line(&mut out, Some(time), f.direction, &f.frame);
        }
        out
    }
}
