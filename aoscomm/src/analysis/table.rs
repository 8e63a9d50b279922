//! The columnar result of parsing a message log or a recording.

/// `TX` (sent by the unit) or `RX` (received by the unit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LogDirection {
    Tx,
    Rx,
}

impl LogDirection {
    pub fn as_str(self) -> &'static str {
        match self {
            LogDirection::Tx => "TX",
            LogDirection::Rx => "RX",
        }
    }
}

/// A nullable UTF-8 string column laid out like an Arrow `LargeUtf8` array: row `i` is
/// `values[offsets[i]..offsets[i + 1]]` when `validity[i]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrColumn {
    pub values: Vec<u8>,
    pub offsets: Vec<i64>,
    pub validity: Vec<bool>,
}

impl Default for StrColumn {
    fn default() -> Self {
        StrColumn {
            values: Vec::new(),
            offsets: vec![0],
            validity: Vec::new(),
        }
    }
}

impl StrColumn {
    pub fn push(&mut self, s: Option<&str>) {
        if let Some(s) = s {
            self.values.extend_from_slice(s.as_bytes());
        }
        self.validity.push(s.is_some());
        self.offsets.push(self.values.len() as i64);
    }

    pub fn len(&self) -> usize {
        self.validity.len()
    }

    pub fn is_empty(&self) -> bool {
        self.validity.is_empty()
    }

    /// Row `i`, `None` when null or out of range.
    pub fn get(&self, i: usize) -> Option<&str> {
        if !*self.validity.get(i)? {
            return None;
        }
        let (a, b) = (self.offsets[i] as usize, self.offsets[i + 1] as usize);
        std::str::from_utf8(&self.values[a..b]).ok()
    }

    /// True when no row is null (Arrow then needs no validity bitmap).
    pub fn all_valid(&self) -> bool {
        self.validity.iter().all(|v| *v)
    }
}

/// One row per log line (or recorded frame). Times are nanoseconds since the Unix epoch (UTC).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogTable {
    /// 1-based line number in the log (frame number in a recording).
    pub line: Vec<u64>,
    /// `None` when the line has no `TX: ` / `RX: ` prefix.
    pub direction: Vec<Option<LogDirection>>,
    pub message_type: StrColumn,
    pub txn: StrColumn,
    pub correlation_id: StrColumn,
    pub system_id: StrColumn,
    /// `header.createdAt` parsed (`None` when absent or unparsable).
    pub created_at: Vec<Option<i64>>,
    /// When the line was written / the frame recorded, if the log carries it.
    pub logged_at: Vec<Option<i64>>,
    /// Monotonic nanoseconds since the recording started (recordings only).
    pub monotonic: Vec<Option<i64>>,
    /// Size of the JSON text in bytes.
    pub size: Vec<u64>,
    /// Where the JSON text starts in the source (byte offset; frame index for a recording).
    pub offset: Vec<u64>,
    pub valid: Vec<bool>,
    /// `<path>: <rule>` for an invalid line.
    pub error: StrColumn,
}

impl LogTable {
    pub fn len(&self) -> usize {
        self.line.len()
    }

    pub fn is_empty(&self) -> bool {
        self.line.is_empty()
    }

    /// Number of rows with `valid == false`.
    pub fn invalid(&self) -> usize {
        self.valid.iter().filter(|v| !**v).count()
    }
}
