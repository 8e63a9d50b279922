//! The cloud message log (`cloudMessageLog`, §5.8): one `TX: <json>` or `RX: <json>` line per
//! frame, flushed at once. TX is written before every send attempt (resends and acks too), RX
//! for every received non-empty BINARY frame before validation. Pings, pongs and closes are not
//! logged. With `cloud_message_log_timestamps` (ours) each line starts with the time it was
//! written (`YYYY-MM-DDTHH:MM:SS.ffffffZ `).

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

use crate::analysis::LogDirection;
use crate::protocol::Timestamp;

/// Appends one log line: `[<time> ]TX: <json>\n` (the form `crate::analysis` reads back).
pub(crate) fn append_line(
    out: &mut Vec<u8>,
    time: Option<Timestamp>,
    direction: LogDirection,
    frame: &[u8],
) {
    if let Some(t) = time {
        out.extend_from_slice(format!("{t} ").as_bytes());
    }
    out.extend_from_slice(direction.as_str().as_bytes());
    out.extend_from_slice(b": ");
    out.extend_from_slice(frame);
    out.push(b'\n');
}

#[derive(Debug)]
pub(crate) struct MessageLog {
    file: File,
    failed: bool,
    timestamps: bool,
}

impl MessageLog {
    /// Opens `path` for appending, creating parent directories.
    /// With `timestamps`, each line starts with the time it is written and a space.
    pub fn open(path: &Path, timestamps: bool) -> io::Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(MessageLog {
            file,
            failed: false,
            timestamps,
        })
    }

    pub fn line(&mut self, direction: LogDirection, frame: &[u8]) {
        let mut buf = Vec::with_capacity(frame.len() + 33);
        let time = self.timestamps.then(Timestamp::now);
        append_line(&mut buf, time, direction, frame);
        let res = self.file.write_all(&buf).and_then(|()| self.file.flush());
        if let Err(e) = res {
            if !self.failed {
                tracing::warn!("cloud message log: write failed: {e}");
            }
            self.failed = true;
        }
    }
}
