//! `aoscomm._aoscomm` analysis exports: the core's log/recording columns handed to Arrow through
//! the Arrow C stream interface (`__arrow_c_stream__`), so pyarrow takes the buffers without any
//! per-row Python object. `aoscomm.analysis` builds the DataFrames.

use std::fs::File;
use std::io::{Cursor, Read};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use aoscomm::analysis::{LogDirection, LogReader, LogTable, StrColumn};
use aoscomm::client::Recording;
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::types::Int8Type;
use arrow_array::{
    ArrayRef, BooleanArray, DictionaryArray, DurationNanosecondArray, Int64Array, Int8Array,
    RecordBatch, RecordBatchIterator, StringArray, TimestampNanosecondArray,
};
use arrow_buffer::{Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef, TimeUnit};
use pyo3::exceptions::{PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::{PyBytes, PyCapsule};

fn schema() -> SchemaRef {
    let ts = DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into()));
    let dict = DataType::Dictionary(Box::new(DataType::Int8), Box::new(DataType::Utf8));
    Arc::new(Schema::new(vec![
        Field::new("line", DataType::Int64, false),
        Field::new("direction", dict, true),
        Field::new("message_type", DataType::Utf8, true),
        Field::new("txn", DataType::Utf8, true),
        Field::new("correlation_id", DataType::Utf8, true),
        Field::new("system_id", DataType::Utf8, true),
        Field::new("created_at", ts.clone(), true),
        Field::new("logged_at", ts, true),
        Field::new("monotonic", DataType::Duration(TimeUnit::Nanosecond), true),
        Field::new("size", DataType::Int64, false),
        Field::new("valid", DataType::Boolean, false),
        Field::new("error", DataType::Utf8, true),
        Field::new("offset", DataType::Int64, false),
    ]))
}

/// A `Utf8` array (32-bit offsets: what every pandas >= 2.0 takes as a pyarrow string column).
/// A block's column holds far less than 2 GiB (short header fields and error texts).
fn strings(c: StrColumn) -> Result<ArrayRef, ArrowError> {
    let nulls = (!c.all_valid()).then(|| NullBuffer::from(c.validity));
    let offsets = c
        .offsets
        .into_iter()
        .map(i32::try_from)
        .collect::<Result<Vec<i32>, _>>()
        .map_err(|_| {
            ArrowError::InvalidArgumentError(
                "a string column of one block exceeds 2 GiB: use a smaller block_size".into(),
            )
        })?;
    Ok(Arc::new(StringArray::try_new(
        OffsetBuffer::new(ScalarBuffer::from(offsets)),
        Buffer::from_vec(c.values),
        nulls,
    )?))
}

fn ints(v: Vec<u64>) -> ArrayRef {
    Arc::new(Int64Array::from(
        v.into_iter()
            .map(|x| i64::try_from(x).unwrap_or(i64::MAX))
            .collect::<Vec<_>>(),
    ))
}

fn batch(t: LogTable, schema: &SchemaRef) -> Result<RecordBatch, ArrowError> {
    let keys: Int8Array = t
        .direction
        .iter()
        .map(|d| {
            d.map(|d| match d {
                LogDirection::Tx => 0i8,
                LogDirection::Rx => 1,
            })
        })
        .collect();
    let direction = DictionaryArray::<Int8Type>::try_new(
        keys,
        Arc::new(StringArray::from(vec![
            LogDirection::Tx.as_str(),
            LogDirection::Rx.as_str(),
        ])),
    )?;
    let columns: Vec<ArrayRef> = vec![
        ints(t.line),
        Arc::new(direction),
        strings(t.message_type)?,
        strings(t.txn)?,
        strings(t.correlation_id)?,
        strings(t.system_id)?,
        Arc::new(TimestampNanosecondArray::from(t.created_at).with_timezone("UTC")),
        Arc::new(TimestampNanosecondArray::from(t.logged_at).with_timezone("UTC")),
        Arc::new(DurationNanosecondArray::from(t.monotonic)),
        ints(t.size),
        Arc::new(BooleanArray::from(t.valid)),
        strings(t.error)?,
        ints(t.offset),
    ];
    RecordBatch::try_new(schema.clone(), columns)
}

fn arrow_err(e: ArrowError) -> PyErr {
    PyRuntimeError::new_err(format!("building the Arrow table: {e}"))
}

/// Record batches exported once through `__arrow_c_stream__` (`pyarrow.table(stream)`).
#[pyclass(module = "aoscomm._aoscomm", frozen)]
pub struct ArrowStream {
    batches: Mutex<Option<Vec<RecordBatch>>>,
    rows: usize,
}

impl ArrowStream {
    fn from_tables(tables: Vec<LogTable>) -> PyResult<Self> {
        let schema = schema();
        let batches = tables
            .into_iter()
            .map(|t| batch(t, &schema))
            .collect::<Result<Vec<_>, _>>()
            .map_err(arrow_err)?;
        let rows = batches.iter().map(RecordBatch::num_rows).sum();
        Ok(ArrowStream {
            batches: Mutex::new(Some(batches)),
            rows,
        })
    }
}

#[pymethods]
impl ArrowStream {
    /// Rows in the stream.
    #[getter]
    fn rows(&self) -> usize {
        self.rows
    }

    /// The Arrow PyCapsule stream interface; the stream can be consumed once.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema; // we offer one schema; the consumer casts if it wants another
        let batches = self
            .batches
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .ok_or_else(|| PyValueError::new_err("this Arrow stream was already consumed"))?;
        let reader = RecordBatchIterator::new(batches.into_iter().map(Ok), schema());
        let stream = FFI_ArrowArrayStream::new(Box::new(reader));
        PyCapsule::new_with_value(py, stream, c"arrow_array_stream")
    }
}

type Source = Box<dyn Read + Send>;

/// Parses a message log block by block (`next_block()`), off the interpreter and on every core.
#[pyclass(module = "aoscomm._aoscomm", frozen)]
pub struct NativeLogReader {
    reader: Mutex<LogReader<Source>>,
    total: u64,
}

#[pymethods]
impl NativeLogReader {
    /// `source`: a path (str or PathLike) or bytes-like content.
    #[new]
    #[pyo3(signature = (source, threads=0, block_size=33554432))]
    fn new(source: &Bound<'_, PyAny>, threads: usize, block_size: usize) -> PyResult<Self> {
        let (reader, total): (Source, u64) = if let Ok(b) = source.extract::<PyBackedBytes>() {
            let n = b.len() as u64;
            (Box::new(Cursor::new(b)), n)
        } else if let Ok(p) = source.extract::<PathBuf>() {
            let f = File::open(&p)
                .map_err(|e| PyOSError::new_err(format!("cannot open {}: {e}", p.display())))?;
            let n = f.metadata().map(|m| m.len()).unwrap_or(0);
            (Box::new(f), n)
        } else {
            return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                "source: expected a path (str or os.PathLike) or bytes, got {}",
                source.get_type().name()?
            )));
        };
        Ok(NativeLogReader {
            reader: Mutex::new(LogReader::new(reader, threads).with_block_size(block_size)),
            total,
        })
    }

    /// Size of the source in bytes.
    #[getter]
    fn total(&self) -> u64 {
        self.total
    }

    /// Bytes parsed so far.
    #[getter]
    fn consumed(&self) -> u64 {
        self.reader
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .consumed()
    }

    /// The next block as an `ArrowStream`, or None at the end.
    fn next_block(&self, py: Python<'_>) -> PyResult<Option<ArrowStream>> {
        let tables = py.detach(|| {
            self.reader
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .next_block()
        });
        match tables {
            Ok(Some(t)) => Ok(Some(ArrowStream::from_tables(t)?)),
            Ok(None) => Ok(None),
            Err(e) => Err(PyOSError::new_err(format!("reading the message log: {e}"))),
        }
    }
}

/// A recording of a client's frames (`NativeClient.record`).
#[pyclass(module = "aoscomm._aoscomm", frozen)]
pub struct NativeRecording {
    pub recording: Recording,
}

#[pymethods]
impl NativeRecording {
    fn stop(&self) {
        self.recording.stop();
    }

    #[getter]
    fn stopped(&self) -> bool {
        self.recording.is_stopped()
    }

    fn __len__(&self) -> usize {
        self.recording.len()
    }

    /// Bytes of frame text kept.
    #[getter]
    fn bytes(&self) -> usize {
        self.recording.bytes()
    }

    /// Frames not kept because the byte limit was reached.
    #[getter]
    fn dropped(&self) -> u64 {
        self.recording.dropped()
    }

    /// The frames so far as an `ArrowStream` (same columns as a log; `offset` = frame index).
    fn to_arrow(&self, py: Python<'_>) -> PyResult<ArrowStream> {
        let t = py.detach(|| self.recording.to_table());
        ArrowStream::from_tables(vec![t])
    }

    /// Frame `index` (0-based) as bytes.
    fn frame<'py>(&self, py: Python<'py>, index: usize) -> PyResult<Bound<'py, PyBytes>> {
        let f = self.recording.frame(index).ok_or_else(|| {
            pyo3::exceptions::PyIndexError::new_err(format!(
                "index: frame {index} is not in the recording ({} frames)",
                self.recording.len()
            ))
        })?;
        Ok(PyBytes::new(py, &f.frame))
    }

    /// The frames as a timestamped message log (`<time> TX: <json>` lines).
    fn to_log<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        let log = py.detach(|| self.recording.to_log());
        PyBytes::new(py, &log)
    }
}
