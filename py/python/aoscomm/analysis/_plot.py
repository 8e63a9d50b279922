"""matplotlib views of a conversation."""

from typing import Any, Optional

from . import _deps
from ._pair import ACK, NACK, clock_column, pair

_INVALID = "(invalid)"


def _x(df: Any, clock: Optional[str]) -> Any:
    if clock == "monotonic":
        return df["monotonic"].dt.total_seconds(), "seconds since the recording started"
    if clock == "logged_at":
        return df["logged_at"].dt.tz_convert(None), "time (UTC)"
    return df["line"], "line in the log (the log has no timestamps)"


def timeline(df: Any, ax: Any = None) -> Any:
    """Messages over time, one row per message type: ``>`` sent by the unit (TX), ``<``
    received (RX); resends are crossed in red, unacked messages circled in red, invalid lines
    shown as orange squares. X is the recording's monotonic time, the log's timestamps, or the
    line number when the log has none. Returns the Axes."""
    plt = _deps.pyplot()
    rows = df[df["direction"].notna()]
    if ax is None:
        _fig, ax = plt.subplots(figsize=(11, 0.45 * max(4, rows["message_type"].nunique() + 2)))
    clock = clock_column(df)
    x, xlabel = _x(rows, clock)
    types = rows["message_type"].astype(object).where(rows["message_type"].notna(), _INVALID)
    order = sorted(t for t in types.unique() if t not in (ACK, NACK, _INVALID))
    order += [t for t in (NACK, ACK, _INVALID) if t in set(types)]
    ypos = types.map({t: i for i, t in enumerate(order)})
    direction = rows["direction"].astype(str)
    for d, marker, color in (("TX", ">", "tab:blue"), ("RX", "<", "tab:green")):
        sel = (direction == d).to_numpy()
        ax.scatter(x[sel], ypos[sel], marker=marker, color=color, s=30, label=f"{d} ({'unit → cloud' if d == 'TX' else 'cloud → unit'})")
    # A message's transmissions after its first (pair() knows which line that is).
    p = pair(df)
    is_msg = ~types.isin([ACK, NACK, _INVALID]) & rows["txn"].notna()
    resend = is_msg & ~rows["line"].isin(set(p["first_line"].tolist()))
    if resend.any():
        sel = resend.to_numpy()
        ax.scatter(x[sel], ypos[sel], marker="x", color="red", s=70, label="resend")
    unacked_lines = set(p.loc[~p["acked"], "first_line"].tolist())
    un = rows["line"].isin(unacked_lines).to_numpy()
    if un.any():
        ax.scatter(x[un], ypos[un], marker="o", facecolors="none", edgecolors="red", s=160, label="unacked")
    bad = (~rows["valid"]).to_numpy()
    if bad.any():
        ax.scatter(x[bad], ypos[bad], marker="s", color="orange", s=40, label="invalid")
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels(order)
    ax.set_xlabel(xlabel)
    if clock == "logged_at":
        dates = _deps.require("matplotlib.dates", "plots")
        locator = dates.AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(dates.ConciseDateFormatter(locator))
    ax.set_title("Messages over time")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    return ax


def latency(df: Any, ax: Any = None, kind: str = "ack") -> Any:
    """Latency per message type in milliseconds, one dot per message and a bar at the median:
    ``kind="ack"`` (ack time minus the transmission it answered) or ``"response"`` (response
    minus request). Needs times: a recording, or a log written with
    ``message_log_timestamps=True``. Returns the Axes."""
    plt = _deps.pyplot()
    pd = _deps.pandas()
    column = {"ack": "ack_latency", "response": "response_latency"}.get(kind)
    if column is None:
        raise ValueError(f"kind: expected \"ack\" or \"response\", got {kind!r}")
    if clock_column(df) is None:
        raise ValueError(
            "df: the log has no timestamps, so there is no latency to plot "
            "(write it with message_log_timestamps=True, or use aoscomm.analysis.record)"
        )
    p = pair(df)
    p = p[p[column].notna()]
    ms = p[column] / pd.Timedelta(milliseconds=1)
    types = sorted(p["message_type"].astype(str).unique())
    if ax is None:
        _fig, ax = plt.subplots(figsize=(9, 0.5 * max(4, len(types) + 1)))
    for i, t in enumerate(types):
        v = ms[(p["message_type"].astype(str) == t).to_numpy()]
        ax.scatter(v, [i] * len(v), alpha=0.6, s=18)
        ax.plot([v.median()] * 2, [i - 0.3, i + 0.3], color="black", linewidth=2)
    ax.set_yticks(range(len(types)))
    ax.set_yticklabels(types)
    ax.set_xlabel(f"{kind} latency (ms); bar = median")
    ax.set_title(f"{kind.capitalize()} latency by message type ({len(p)} messages)")
    ax.grid(axis="x", alpha=0.3)
    return ax
