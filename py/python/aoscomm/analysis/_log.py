"""Message logs and recordings to DataFrames, and one row's frame on demand."""

import os
import sys
from typing import Any, Callable, Dict, List, Union

from .. import _aoscomm
from .._aoscomm import Message, decode
from . import _deps

#: The columns of :func:`read_log` and ``Recording.dataframe()``, in order.
COLUMNS = (
    "line",
    "direction",
    "message_type",
    "txn",
    "correlation_id",
    "system_id",
    "created_at",
    "logged_at",
    "monotonic",
    "size",
    "valid",
    "error",
    "offset",
)

#: Logs larger than this show a progress bar when ``progress`` is left at None.
PROGRESS_THRESHOLD = 64 * 1024 * 1024

Progress = Union[None, bool, Callable[[int, int], Any]]
Source = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview]

_ATTR = "aoscomm"


class _FrameSource:
    """Where a table's frames come from, kept in ``df.attrs`` for on-demand decoding. Copying a
    DataFrame keeps the same source (pandas deep-copies ``attrs``)."""

    def __init__(self, kind: str, value: Any) -> None:
        self.kind = kind  # "path", "bytes" or "recording"
        self.value = value

    def __deepcopy__(self, memo: Dict[int, Any]) -> "_FrameSource":
        return self

    def __copy__(self) -> "_FrameSource":
        return self

    def __repr__(self) -> str:
        if self.kind == "path":
            return f"<frames from {self.value}>"
        return f"<frames from {self.kind}>"

    def read(self, offset: int, size: int) -> bytes:
        if self.kind == "recording":
            return bytes(self.value.frame(offset))
        if self.kind == "bytes":
            return bytes(self.value[offset : offset + size])
        with open(self.value, "rb") as f:
            f.seek(offset)
            return f.read(size)


class _TextProgress:
    """A plain progress line on stderr, for when tqdm is not installed."""

    def __init__(self, total: int) -> None:
        self.total = max(total, 1)
        self.shown = -1

    def update_to(self, done: int) -> None:
        pct = int(done * 100 / self.total)
        if pct != self.shown:
            self.shown = pct
            sys.stderr.write(f"\rread_log: {pct:3d}% of {self.total / 1e6:.0f} MB")
            sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")


class _TqdmProgress:
    def __init__(self, tqdm: Any, total: int) -> None:
        self.bar = tqdm(total=total, unit="B", unit_scale=True, desc="read_log")
        self.done = 0

    def update_to(self, done: int) -> None:
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        self.bar.close()


class _NotebookProgress:
    """IPython's own progress bar (an HTML <progress> element), for a notebook without tqdm."""

    def __init__(self, progress_bar: Any, total: int) -> None:
        self.bar = progress_bar(max(total, 1))
        self.bar.display()

    def update_to(self, done: int) -> None:
        self.bar.progress = done

    def close(self) -> None:
        pass


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython")
    get = getattr(shell, "get_ipython", None)
    ip = get() if get is not None else None
    return ip is not None and "ipykernel" in sys.modules and hasattr(ip, "kernel")


class _CallbackProgress:
    def __init__(self, fn: Callable[[int, int], Any], total: int) -> None:
        self.fn = fn
        self.total = total

    def update_to(self, done: int) -> None:
        self.fn(done, self.total)

    def close(self) -> None:
        pass


def _progress(progress: Progress, total: int) -> Any:
    if progress is False:
        return None
    if progress is not None and not isinstance(progress, bool):
        return _CallbackProgress(progress, total)
    if progress is None and total < PROGRESS_THRESHOLD:
        return None
    try:
        from tqdm.auto import tqdm  # type: ignore[import-untyped,unused-ignore]  # widget in Jupyter
    except ImportError:
        if _in_notebook():
            from IPython.display import ProgressBar  # type: ignore[import-not-found,unused-ignore]

            return _NotebookProgress(ProgressBar, total)
        return _TextProgress(total)
    return _TqdmProgress(tqdm, total)


def _types_mapper(pd: Any, pa: Any) -> Callable[[Any], Any]:
    string = pd.StringDtype("pyarrow")

    def mapper(t: Any) -> Any:
        if t == pa.large_string() or t == pa.string():
            return string
        return None

    return mapper


def _to_pandas(streams: List[Any], source: _FrameSource) -> Any:
    pd = _deps.pandas()
    pa = _deps.pyarrow()
    tables = [pa.RecordBatchReader.from_stream(s).read_all() for s in streams]
    table = pa.concat_tables(tables) if len(tables) != 1 else tables[0]
    # Categories for the few distinct values: no Python string per row.
    i = table.schema.get_field_index("message_type")
    col = table.column(i)
    if col.num_chunks:
        encoded = col.dictionary_encode()
    else:  # an empty table has no chunks to encode
        encoded = pa.chunked_array([], type=pa.dictionary(pa.int32(), col.type))
    table = table.set_column(i, "message_type", encoded)
    df = table.to_pandas(types_mapper=_types_mapper(pd, pa))
    df.attrs[_ATTR] = source
    return df


def read_log(
    source: Source,
    *,
    threads: int = 0,
    progress: Progress = None,
    block_size: int = 32 * 1024 * 1024,
    with_data: bool = False,
) -> Any:
    """Parses a message log into a DataFrame with one row per non-blank line.

    ``source`` is a path or the log's bytes. Lines are ``TX: <json>`` or ``RX: <json>`` (the
    reference's form), optionally preceded by a timestamp and a space (what
    ``Client(message_log_timestamps=True)`` writes). Parsing runs in Rust on ``threads`` threads
    (0 = every core) without the interpreter; each block of ``block_size`` bytes is handed to
    pandas through Arrow.

    Columns (see :data:`COLUMNS`): ``line`` (1-based), ``direction`` (``"TX"``/``"RX"``,
    categorical; missing when the line has no prefix), ``message_type`` (categorical),
    ``txn``, ``correlation_id``, ``system_id``, ``created_at`` (``header.createdAt``, UTC),
    ``logged_at`` (the line's timestamp, UTC), ``monotonic`` (recordings only), ``size`` (bytes
    of JSON), ``valid``, ``error`` (the decoder's ``<path>: <rule>``; a truncated last line says
    so) and ``offset`` (where the JSON starts). Invalid lines keep whatever header fields their
    JSON has.

    ``progress``: None shows a bar (tqdm, its widget in Jupyter; without tqdm the notebook's own
    progress bar, or a line on stderr) for logs over 64 MB,
    True always, False never; a callable gets ``(bytes_done, bytes_total)`` after each block.
    ``with_data`` adds a ``data`` column of decoded dicts (one Python object per row: slow on
    large logs; :func:`data` decodes one row on demand instead).
    """
    _deps.pandas()
    _deps.pyarrow()
    if isinstance(source, (bytes, bytearray, memoryview)):
        content = bytes(source)
        frames = _FrameSource("bytes", content)
        reader = _aoscomm.NativeLogReader(content, threads, block_size)
    elif isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if not isinstance(path, str):
            path = os.fsdecode(path)
        frames = _FrameSource("path", os.path.abspath(path))
        reader = _aoscomm.NativeLogReader(path, threads, block_size)
    else:
        raise TypeError(f"source: expected a path (str or os.PathLike) or bytes, got {type(source).__name__}")
    bar = _progress(progress, reader.total)
    streams = []
    try:
        while True:
            block = reader.next_block()
            if block is None:
                break
            streams.append(block)
            if bar is not None:
                bar.update_to(reader.consumed)
    finally:
        if bar is not None:
            bar.close()
    df = _to_pandas(streams, frames)
    if with_data:
        add_data(df)
    return df


def _source(df: Any) -> _FrameSource:
    src = getattr(df, "attrs", {}).get(_ATTR)
    if not isinstance(src, _FrameSource):
        raise ValueError(
            "df: not a table from aoscomm.analysis.read_log or a recording "
            "(its attrs have no frame source)"
        )
    return src


def raw(df: Any, row: Any) -> bytes:
    """The JSON text of the row labelled ``row``, read again from the log or recording."""
    src = _source(df)
    r = df.loc[row]
    return src.read(int(r["offset"]), int(r["size"]))


def message(df: Any, row: Any) -> Message:
    """The row labelled ``row`` decoded as an :class:`aoscomm.Message` (raises
    :class:`aoscomm.DecodeError` for an invalid line)."""
    return decode(raw(df, row))


def data(df: Any, row: Any) -> Any:
    """The decoded ``data`` of the row labelled ``row``."""
    return message(df, row).data


def add_data(df: Any) -> Any:
    """Adds a ``data`` column: the decoded ``data`` dict of each valid row, None otherwise."""
    src = _source(df)
    if src.kind == "path":  # one read of the file rather than a seek per row
        with open(src.value, "rb") as f:
            src = _FrameSource("bytes", f.read())
    df["data"] = [
        decode(src.read(int(off), int(size))).data if ok else None
        for off, size, ok in zip(df["offset"], df["size"], df["valid"])
    ]
    return df

