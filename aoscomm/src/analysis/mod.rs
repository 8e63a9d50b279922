//! Offline analysis of a conversation: the cloud message log (`TX: <json>` / `RX: <json>` lines,
//! §5.8) and in-memory recordings of a live client ([`crate::client::Client::record`]) turned
//! into columns, one row per line or frame.
//!
//! * [`parse_log`]: a whole buffer, split at line boundaries and parsed on several threads.
//! * [`LogReader`]: the same over a file or buffer, one block at a time (for progress reporting).
//! * [`parse_frames`]: a recording's frames.
//!
//! A line may carry a timestamp before its direction (`2026-12-03T16:31:42.123456Z TX: {...}`,
//! what our client writes with `cloud_message_log_timestamps`); the reference's plain form has
//! none. Every line is decoded with the full v7 decoder; for an invalid one the header fields are
//! still read when the JSON parses, and `error` holds the decoder's path and rule.
//!
//! The columns are plain vectors shaped like Arrow arrays (offsets + values + validity), so a
//! binding hands them to Arrow without copying row by row. This module knows nothing of Arrow.

mod line;
mod reader;
mod table;

pub use line::{parse_frames, parse_log, FrameRef};
pub use reader::LogReader;
pub use table::{LogDirection, LogTable, StrColumn};
