"""Live recordings of a client's frames."""

import builtins
from typing import Any

from .._aoscomm import NativeRecording
from . import _log


class Recording:
    """Every frame a client sends or receives (what its message log would hold: TX before each
    send attempt including resends and acks, RX for each received frame), each with a monotonic
    and a wall-clock timestamp. Keeps recording until :meth:`stop` (or the end of a ``with``
    block); the frames stay for analysis."""

    def __init__(self, native: NativeRecording) -> None:
        self._native = native

    def stop(self) -> "Recording":
        """Stops recording; returns the recording."""
        self._native.stop()
        return self

    @property
    def stopped(self) -> bool:
        return self._native.stopped

    def __len__(self) -> int:
        return len(self._native)

    @property
    def bytes(self) -> int:
        """Bytes of frame text kept."""
        return self._native.bytes

    @property
    def dropped(self) -> int:
        """Frames not kept because ``max_bytes`` was reached."""
        return self._native.dropped

    def frame(self, index: int) -> builtins.bytes:
        """Frame ``index`` (0-based) as sent or received."""
        return bytes(self._native.frame(index))

    def dataframe(self) -> Any:
        """The frames so far as a DataFrame with the columns of :func:`read_log`; ``monotonic``
        (time since the recording started) and ``logged_at`` (wall clock) are set on every row,
        ``offset`` is the frame index."""
        src = _log._FrameSource("recording", self._native)
        return _log._to_pandas([self._native.to_arrow()], src)

    def to_log(self) -> builtins.bytes:
        """The frames as a timestamped message log (``<time> TX: <json>`` lines), readable by
        :func:`read_log` and by tools that strip the timestamp."""
        return bytes(self._native.to_log())

    def save(self, path: Any) -> None:
        """Writes :meth:`to_log` to ``path``."""
        with open(path, "wb") as f:
            f.write(self.to_log())

    def __enter__(self) -> "Recording":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "stopped" if self.stopped else "recording"
        return f"<aoscomm.analysis.Recording {state}: {len(self)} frames, {self.bytes} bytes>"


def record(client: Any, *, max_bytes: int = 256 * 1024 * 1024) -> Recording:
    """Starts recording ``client``'s frames (an :class:`aoscomm.Client` or
    :class:`aoscomm.AsyncClient`). At most ``max_bytes`` of frame text is kept; later frames
    are counted in ``dropped``. Use as a context manager or call ``stop()``."""
    native = getattr(client, "_native", None)
    if native is None or not hasattr(native, "record"):
        raise TypeError(
            f"client: expected an aoscomm.Client or aoscomm.AsyncClient, got {type(client).__name__}"
        )
    if max_bytes <= 0:
        raise ValueError(f"max_bytes: must be greater than 0, got {max_bytes}")
    return Recording(native.record(max_bytes))
