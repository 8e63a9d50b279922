//! The cloud message log (`cloudMessageLog`, §5.8): one `TX: <json>` or `RX: <json>` line per
//! frame, flushed at once. TX is written before every send attempt (resends and acks too), RX
//! for every received non-empty BINARY frame before validation. Pings, pongs and closes are not
//! logged. With `cloud_message_log_timestamps` (ours) each line starts with the time it was
//! written (`YYYY-MM-DDTHH:MM:SS.ffffffZ `).

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

use crate::protocol::Timestamp;

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

    fn line(&mut self, prefix: &[u8], frame: &[u8]) {
        let mut buf = Vec::with_capacity(frame.len() + 33);
        if self.timestamps {
            buf.extend_from_slice(format!("{} ", Timestamp::now()).as_bytes());
        }
        buf.extend_from_slice(prefix);
        buf.extend_from_slice(frame);
        buf.push(b'\n');
        let res = self.file.write_all(&buf).and_then(|()| self.file.flush());
        if let Err(e) = res {
            if !self.failed {
                tracing::warn!("cloud message log: write failed: {e}");
            }
            self.failed = true;
        }
    }

    pub fn tx(&mut self, frame: &[u8]) {
        self.line(b"TX: ", frame);
    }

    pub fn rx(&mut self, frame: &[u8]) {
        self.line(b"RX: ", frame);
    }
}
