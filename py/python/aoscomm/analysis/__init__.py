"""Protocol analysis for notebooks: message logs and live recordings as pandas DataFrames.

* :func:`read_log`: a message log (``TX: <json>`` / ``RX: <json>`` lines, optionally with a
  timestamp first) parsed in Rust on every core, one row per line, handed over through Arrow.
* :func:`record`: an in-memory recording of a live client's frames with monotonic timestamps;
  ``recording.dataframe()`` gives the same table.
* :func:`pair`: one row per message with its ack, transmissions, nacks, latency and response.
* :func:`summary`: per-type counts, unacked, resent, invalid and latency percentiles.
* :func:`timeline` and :func:`latency`: matplotlib plots.
* :func:`message`, :func:`data`, :func:`raw`: one row's frame, decoded on demand.

Needs the optional dependencies: ``pip install 'aoscomm[analysis]'`` (pandas, pyarrow,
matplotlib; tqdm is used for progress bars when present).
"""

from ._deps import MissingDependency
from ._log import COLUMNS, data, message, raw, read_log
from ._pair import pair
from ._plot import latency, timeline
from ._record import Recording, record
from ._summary import Summary, summary

__all__ = [
    "COLUMNS",
    "MissingDependency",
    "Recording",
    "Summary",
    "data",
    "latency",
    "message",
    "pair",
    "raw",
    "read_log",
    "record",
    "summary",
    "timeline",
]
