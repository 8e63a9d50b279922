//! Reading a message log block by block, so a caller can report progress between blocks.

use std::io::{self, Read};

use super::line::parse_log;
use super::table::LogTable;

/// Default block size: large enough that the threads of one block stay busy.
pub const DEFAULT_BLOCK: usize = 32 << 20;

/// Parses a log from any reader, one block (ending at a line boundary) per [`LogReader::next_block`].
#[derive(Debug)]
pub struct LogReader<R> {
    reader: R,
    block: usize,
    threads: usize,
    carry: Vec<u8>,
    next_line: u64,
    consumed: u64,
    eof: bool,
}

impl<R: Read> LogReader<R> {
    /// `threads` = 0 uses every available core.
    pub fn new(reader: R, threads: usize) -> Self {
        let threads = if threads == 0 {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            threads
        };
        LogReader {
            reader,
            block: DEFAULT_BLOCK,
            threads,
            carry: Vec::new(),
            next_line: 1,
            consumed: 0,
            eof: false,
        }
    }

    /// Bytes per block (at least 64 KiB).
    pub fn with_block_size(mut self, bytes: usize) -> Self {
        self.block = bytes.max(64 << 10);
        self
    }

    /// Bytes parsed so far.
    pub fn consumed(&self) -> u64 {
        self.consumed
    }

    /// The next block's tables, `None` at the end.
    pub fn next_block(&mut self) -> io::Result<Option<Vec<LogTable>>> {
        if self.eof && self.carry.is_empty() {
            return Ok(None);
        }
        let mut buf = std::mem::take(&mut self.carry);
        let mut searched = 0usize;
        let cut = loop {
            if !self.eof && buf.len() < searched + self.block {
                let want = searched + self.block - buf.len();
                let got = (&mut self.reader).take(want as u64).read_to_end(&mut buf)?;
                if got < want {
                    self.eof = true;
                }
            }
            if self.eof {
                break buf.len();
            }
            if let Some(p) = buf[searched..].iter().rposition(|&b| b == b'\n') {
                break searched + p + 1;
            }
            // A line longer than the block: read on.
            searched = buf.len();
        };
        self.carry = buf.split_off(cut);
        let at_eof = self.eof && self.carry.is_empty();
        let (tables, lines) = parse_log(&buf, self.next_line, self.consumed, self.threads, at_eof);
        self.next_line += lines;
        self.consumed += buf.len() as u64;
        Ok(Some(tables))
    }

    /// Every remaining block, concatenated.
    pub fn read_all(mut self) -> io::Result<Vec<LogTable>> {
        let mut out = Vec::new();
        while let Some(t) = self.next_block()? {
            out.extend(t);
        }
        Ok(out)
    }
}
