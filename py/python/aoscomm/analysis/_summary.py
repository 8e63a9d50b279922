"""Per-type counts and latency percentiles of a conversation."""

import html
from typing import Any, Dict

from . import _deps
from ._pair import ACK, NACK, pair

_PERCENTILES = (0.5, 0.9, 0.99)


class Summary:
    """What :func:`summary` returns: ``totals`` (a dict of counts), ``by_type`` (one row per
    direction and message type), ``latency`` (percentiles in milliseconds), ``invalid`` (the
    invalid lines with their errors) and ``pairs`` (the table of :func:`pair`). Shows itself
    as tables in Jupyter."""

    def __init__(self, totals: Dict[str, int], by_type: Any, latency: Any, invalid: Any, pairs: Any) -> None:
        self.totals = totals
        self.by_type = by_type
        self.latency = latency
        self.invalid = invalid
        self.pairs = pairs

    def __repr__(self) -> str:
        lines = ["aoscomm summary"]
        lines += [f"  {k}: {v}" for k, v in self.totals.items()]
        lines += ["", self.by_type.to_string()]
        if len(self.latency):
            lines += ["", "latency (ms)", self.latency.to_string()]
        if len(self.invalid):
            lines += ["", "invalid lines", self.invalid.head(10).to_string()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        cells = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{v}</td></tr>" for k, v in self.totals.items()
        )
        parts = [
            "<div class='aoscomm-summary'>",
            "<h4>aoscomm summary</h4>",
            f"<table>{cells}</table>",
            "<h5>By message type</h5>",
            self.by_type.to_html(),
        ]
        if len(self.latency):
            parts += ["<h5>Latency (ms)</h5>", self.latency.to_html(float_format=lambda x: f"{x:.3f}")]
        if len(self.invalid):
            shown = self.invalid.head(20)
            parts += [f"<h5>Invalid lines ({len(self.invalid)})</h5>", shown.to_html(index=False)]
        parts.append("</div>")
        return "".join(parts)


def _ms(s: Any) -> Any:
    pd = _deps.pandas()
    return s.dropna() / pd.Timedelta(milliseconds=1)


def _percentiles(s: Any) -> Dict[str, float]:
    ms = _ms(s)
    row: Dict[str, float] = {"count": float(len(ms))}
    for q in _PERCENTILES:
        row[f"p{int(q * 100)}"] = float(ms.quantile(q)) if len(ms) else float("nan")
    row["max"] = float(ms.max()) if len(ms) else float("nan")
    return row


def summary(df: Any) -> Summary:
    """Counts for a table from :func:`read_log` or a recording: lines, invalid and unprefixed
    lines, messages, transmissions, resent and unacked messages, nacks, requests answered; per
    direction and message type; and ack / response latency percentiles (p50, p90, p99, max in
    ms) where the table has times."""
    pd = _deps.pandas()
    p = pair(df)
    kinds = df["message_type"].astype(object)
    totals = {
        "lines": int(len(df)),
        "valid": int(df["valid"].sum()),
        "invalid": int((~df["valid"]).sum()),
        "without_direction": int(df["direction"].isna().sum()),
        "messages": int(len(p)),
        "transmissions": int(p["transmissions"].sum()),
        "resent": int((p["resends"] > 0).sum()),
        "resends": int(p["resends"].sum()),
        "unacked": int((~p["acked"]).sum()),
        "nacked": int((p["nacks"] > 0).sum()),
        "acks": int(kinds.eq(ACK).sum()),
        "nack_frames": int(kinds.eq(NACK).sum()),
        "requests_answered": int(p["response_line"].notna().sum()),
    }
    g = p.assign(
        resent=p["resends"] > 0,
        unacked=~p["acked"],
        nacked=p["nacks"] > 0,
        ack_ms=_ms(p["ack_latency"]),
    ).groupby(["direction", "message_type"], observed=True)
    by_type = g.agg(
        messages=("txn", "size"),
        transmissions=("transmissions", "sum"),
        resent=("resent", "sum"),
        unacked=("unacked", "sum"),
        nacked=("nacked", "sum"),
        ack_p50_ms=("ack_ms", "median"),
        ack_max_ms=("ack_ms", "max"),
    )
    bad = df[~df["valid"]]
    inv = bad.groupby([bad["direction"].astype(object), bad["message_type"].astype(object)]).size()
    by_type["invalid"] = [int(inv.get(k, 0)) for k in by_type.index.map(lambda k: (str(k[0]), str(k[1])))]
    latency_rows = {}
    if p["ack_latency"].notna().any():
        latency_rows["ack"] = _percentiles(p["ack_latency"])
    if p["response_latency"].notna().any():
        latency_rows["response"] = _percentiles(p["response_latency"])
    latency = pd.DataFrame.from_dict(latency_rows, orient="index")
    invalid = bad[["line", "direction", "message_type", "error"]].reset_index(drop=True)
    return Summary(totals, by_type, latency, invalid, p)
