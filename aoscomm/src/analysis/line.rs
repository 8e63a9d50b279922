//! Parsing one log line / frame into a row, and whole buffers on several threads.

use super::table::{LogDirection, LogTable};
use crate::protocol::json::{self, Obj};
use crate::protocol::{Envelope, Timestamp, DEFAULT_MAX_INPUT};

/// One recorded frame, borrowed (see [`parse_frames`]).
#[derive(Debug, Clone, Copy)]
pub struct FrameRef<'a> {
    pub direction: LogDirection,
    /// Wall-clock time, nanoseconds since the Unix epoch.
    pub logged_at: Option<i64>,
    /// Monotonic nanoseconds since the recording started.
    pub monotonic: Option<i64>,
    pub frame: &'a [u8],
}

const NO_PREFIX: &str =
    "line: expected \"TX: \" or \"RX: \" (after an optional timestamp) before the message";

/// Parses a message-log buffer. `first_line` is the number of its first line and `base_offset`
/// its position in the file (both for the `line` / `offset` columns). `at_eof` says the buffer
/// ends the file, so a last line without `\n` is reported as truncated when it does not decode.
/// Large buffers are split at line boundaries over up to `threads` threads; the result is one
/// table per piece, in order, and the number of lines the buffer holds. Blank lines produce no
/// row but are counted.
pub fn parse_log(
    buf: &[u8],
    first_line: u64,
    base_offset: u64,
    threads: usize,
    at_eof: bool,
) -> (Vec<LogTable>, u64) {
    const MIN_PIECE: usize = 1 << 20;
    let pieces = threads.clamp(1, 64).min(buf.len() / MIN_PIECE + 1);
    let mut bounds = vec![0usize];
    for i in 1..pieces {
        let target = buf.len() * i / pieces;
        let start = *bounds.last().unwrap_or(&0);
        if target <= start {
            continue;
        }
        match buf[target..].iter().position(|&b| b == b'\n') {
            Some(p) => bounds.push(target + p + 1),
            None => break,
        }
    }
    bounds.push(buf.len());
    bounds.dedup();
    let ranges: Vec<(usize, usize)> = bounds.windows(2).map(|w| (w[0], w[1])).collect();
    let last = ranges.len().saturating_sub(1);
    let mut results: Vec<(LogTable, u64)> = if ranges.len() <= 1 {
        vec![parse_piece(buf, base_offset, at_eof)]
    } else {
        std::thread::scope(|s| {
            let handles: Vec<_> = ranges
                .iter()
                .enumerate()
                .map(|(i, &(a, b))| {
                    let piece = &buf[a..b];
                    let eof = at_eof && i == last;
                    s.spawn(move || parse_piece(piece, base_offset + a as u64, eof))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        })
    };
    // Line numbers: each piece counted from 1; shift by the lines before it.
    let mut before = first_line.saturating_sub(1);
    for (table, lines) in results.iter_mut() {
        for l in table.line.iter_mut() {
            *l += before;
        }
        before += *lines;
    }
    let lines = before - first_line.saturating_sub(1);
    (results.into_iter().map(|(t, _)| t).collect(), lines)
}

/// Parses a recording's frames (one row each, `line` = 1-based frame number).
pub fn parse_frames(frames: &[FrameRef<'_>]) -> LogTable {
    let mut t = LogTable::default();
    for (i, f) in frames.iter().enumerate() {
        let row = Row {
            line: i as u64 + 1,
            offset: i as u64,
            direction: Some(f.direction),
            logged_at: f.logged_at,
            monotonic: f.monotonic,
        };
        push_message(&mut t, row, f.frame, false);
    }
    t
}

/// One piece: rows and the number of lines it holds.
fn parse_piece(buf: &[u8], base_offset: u64, at_eof: bool) -> (LogTable, u64) {
    let mut t = LogTable::default();
    let mut pos = 0usize;
    let mut n = 0u64;
    while pos < buf.len() {
        let (end, next, complete) = match buf[pos..].iter().position(|&b| b == b'\n') {
            Some(p) => (pos + p, pos + p + 1, true),
            None => (buf.len(), buf.len(), false),
        };
        n += 1;
        parse_line(
            &mut t,
            &buf[pos..end],
            n,
            base_offset + pos as u64,
            at_eof && !complete,
        );
        pos = next;
    }
    (t, n)
}

struct Row {
    line: u64,
    offset: u64,
    direction: Option<LogDirection>,
    logged_at: Option<i64>,
    monotonic: Option<i64>,
}

fn parse_line(t: &mut LogTable, mut s: &[u8], line: u64, offset: u64, truncated: bool) {
    if let Some(stripped) = s.strip_suffix(b"\r") {
        s = stripped;
    }
    if s.iter().all(u8::is_ascii_whitespace) {
        return;
    }
    let mut start = 0usize;
    let mut logged_at = None;
    if s[0].is_ascii_digit() {
        if let Some(sp) = s.iter().position(|&b| b == b' ') {
            if let Some(ts) = std::str::from_utf8(&s[..sp])
                .ok()
                .and_then(|tok| Timestamp::parse(tok).ok())
            {
                logged_at = Some(ts.unix_micros().saturating_mul(1000));
                start = sp + 1;
            }
        }
    }
    let rest = &s[start..];
    let (direction, skip) = if rest.starts_with(b"TX: ") {
        (Some(LogDirection::Tx), 4)
    } else if rest.starts_with(b"RX: ") {
        (Some(LogDirection::Rx), 4)
    } else {
        (None, 0)
    };
    let json_start = start + skip;
    let row = Row {
        line,
        offset: offset + json_start as u64,
        direction,
        logged_at,
        monotonic: None,
    };
    if direction.is_none() {
        push_row(t, row, rest.len(), None, Some(NO_PREFIX.to_string()));
        return;
    }
    push_message(t, row, &s[json_start..], truncated);
}

/// Header fields of one row.
#[derive(Default)]
struct Fields {
    message_type: Option<String>,
    txn: Option<String>,
    correlation_id: Option<String>,
    system_id: Option<String>,
    created_at: Option<String>,
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

fn push_message(t: &mut LogTable, row: Row, json_text: &[u8], truncated: bool) {
    match Envelope::decode(json_text) {
        Ok(env) => {
            let f = Fields {
                message_type: Some(env.message_type().as_str().to_string()),
                txn: non_empty(&env.header.txn),
                correlation_id: non_empty(&env.data.correlation_id),
                system_id: non_empty(&env.header.system_id),
                created_at: env.header.created_at,
            };
            push_row(t, row, json_text.len(), Some(f), None);
        }
        Err(e) => {
            let error = if truncated {
                format!("truncated last line (no newline): {e}")
            } else {
                e.to_string()
            };
            let f = lenient_fields(json_text);
            push_row(t, row, json_text.len(), f, Some(error));
        }
    }
}

/// The header fields of a frame that parses as JSON but does not decode as a v7 message.
fn lenient_fields(json_text: &[u8]) -> Option<Fields> {
    let v = json::parse(json_text, DEFAULT_MAX_INPUT).ok()?;
    let root = Obj::root(&v, "message").ok()?;
    let text = |o: &Obj<'_>, key: &'static str| -> Option<String> {
        o.get(key)
            .and_then(|v| v.str_cow().ok())
            .and_then(|s| non_empty(&s))
    };
    let mut f = Fields::default();
    if let Some(h) = root.get("header").and_then(|h| h.obj().ok()) {
        f.txn = text(&h, "txn");
        f.system_id = text(&h, "systemId");
        f.created_at = text(&h, "createdAt");
    }
    if let Some(d) = root.get("data").and_then(|d| d.obj().ok()) {
        f.message_type = text(&d, "messageType");
        f.correlation_id = text(&d, "correlationId");
    }
    Some(f)
}

fn push_row(t: &mut LogTable, row: Row, size: usize, f: Option<Fields>, error: Option<String>) {
    let f = f.unwrap_or_default();
    t.line.push(row.line);
    t.offset.push(row.offset);
    t.direction.push(row.direction);
    t.logged_at.push(row.logged_at);
    t.monotonic.push(row.monotonic);
    t.size.push(size as u64);
    t.valid.push(error.is_none());
    t.error.push(error.as_deref());
    t.message_type.push(f.message_type.as_deref());
    t.txn.push(f.txn.as_deref());
    t.correlation_id.push(f.correlation_id.as_deref());
    t.system_id.push(f.system_id.as_deref());
    t.created_at.push(
        f.created_at
            .as_deref()
            .and_then(|s| Timestamp::parse(s).ok())
            .map(|ts| ts.unix_micros().saturating_mul(1000)),
    );
}
