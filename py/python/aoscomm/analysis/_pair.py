"""Messages joined with their acks, nacks, resends and responses."""

from typing import Any, Optional

from . import _deps

ACK = "ack"
NACK = "nack"
_OTHER_SIDE = {"TX": "RX", "RX": "TX"}
_KEY = ["direction", "txn"]

#: The columns of :func:`pair`, in order.
PAIR_COLUMNS = (
    "direction",
    "txn",
    "message_type",
    "correlation_id",
    "first_line",
    "transmissions",
    "resends",
    "nacks",
    "acked",
    "ack_line",
    "first_sent",
    "acked_at",
    "ack_latency",
    "response_line",
    "response_type",
    "response_latency",
    "valid",
)


def clock_column(df: Any) -> Optional[str]:
    """The column latencies are measured on: ``monotonic`` (recordings), else ``logged_at``
    (timestamped logs), else None (the reference's log has no times)."""
    for c in ("monotonic", "logged_at"):
        if c in df.columns and bool(df[c].notna().any()):
            return c
    return None


def pair(df: Any) -> Any:
    """One row per message (a ``direction`` and ``txn`` other than an ack or nack), in the order
    of first transmission:

    * ``transmissions``: frames with that direction and txn (``resends`` = transmissions - 1);
    * ``acked`` / ``ack_line``: the first ``ack`` with the same txn in the other direction;
      ``nacks``: how many ``nack`` frames it got;
    * ``first_sent``, ``acked_at`` and ``ack_latency`` (the ack's time minus the last
      transmission before it) when the table has times (a recording, or a log written with
      timestamps); NaT otherwise;
    * ``response_line``, ``response_type``, ``response_latency``: for a message with a
      ``correlationId``, the first later message in the other direction with the same
      ``correlationId`` (the request's response); set on the request's row;
    * ``valid``: every transmission decoded.

    Lines without a direction or txn (unreadable ones) are left out; :func:`summary` counts them.
    """
    pd = _deps.pandas()
    clock = clock_column(df)
    d = df[df["direction"].notna() & df["txn"].notna()]
    t = d[clock] if clock is not None else pd.Series(pd.NaT, index=d.index, dtype="datetime64[ns, UTC]")
    base = pd.DataFrame(
        {
            "direction": d["direction"].astype(str),
            "txn": d["txn"].astype(str),
            "message_type": d["message_type"].astype(object),
            "correlation_id": d["correlation_id"].astype(object),
            "line": d["line"],
            "valid": d["valid"],
            "t": t,
        }
    )
    is_ack = base["message_type"].eq(ACK)
    is_nack = base["message_type"].eq(NACK)
    msgs = base[~(is_ack | is_nack)]
    # An ack/nack travels the other way from the message it answers.
    acks = base[is_ack].assign(direction=lambda x: x["direction"].map(_OTHER_SIDE))
    nacks = base[is_nack].assign(direction=lambda x: x["direction"].map(_OTHER_SIDE))

    if msgs.empty:
        return _no_pairs(pd)

    out = msgs.groupby(_KEY, sort=False).agg(
        message_type=("message_type", "first"),
        correlation_id=("correlation_id", "first"),
        first_line=("line", "min"),
        transmissions=("line", "size"),
        valid=("valid", "all"),
        first_sent=("t", "min"),
    )
    first_ack = acks.groupby(_KEY, sort=False).agg(ack_line=("line", "min"), acked_at=("t", "min"))
    out = out.join(first_ack, how="left")
    out = out.join(nacks.groupby(_KEY, sort=False).size().rename("nacks"), how="left")
    out["nacks"] = out["nacks"].fillna(0).astype("int64")
    out["acked"] = out["ack_line"].notna()
    out["resends"] = out["transmissions"] - 1

    # The transmission the ack answered: the last one before it.
    sent = msgs.join(out[["ack_line"]], on=_KEY)
    before = sent[sent["line"] < sent["ack_line"]]
    out = out.join(before.groupby(_KEY, sort=False)["t"].max().rename("last_sent"), how="left")
    out["ack_latency"] = out["acked_at"] - out["last_sent"]
    out = out.reset_index().sort_values("first_line", kind="stable")

    # Requests and responses by correlationId.
    c = out[out["correlation_id"].notna()]
    req = c.drop_duplicates("correlation_id", keep="first")[
        ["correlation_id", "direction", "first_line", "first_sent"]
    ]
    cand = c.merge(req, on="correlation_id", suffixes=("", "_req"))
    cand = cand[(cand["direction"] != cand["direction_req"]) & (cand["first_line"] > cand["first_line_req"])]
    resp = cand.sort_values("first_line", kind="stable").drop_duplicates("correlation_id", keep="first")
    resp = pd.DataFrame(
        {
            "first_line": resp["first_line_req"].to_numpy(),
            "response_line": resp["first_line"].to_numpy(),
            "response_type": resp["message_type"].to_numpy(),
            "response_latency": (resp["first_sent"] - resp["first_sent_req"]).to_numpy(),
        }
    )
    out = out.merge(resp, on="first_line", how="left")
    out["response_line"] = out["response_line"].astype("Int64")
    out["ack_line"] = out["ack_line"].astype("Int64")
    out["response_latency"] = pd.to_timedelta(out["response_latency"])
    out["ack_latency"] = pd.to_timedelta(out["ack_latency"])
    out["direction"] = out["direction"].astype(pd.CategoricalDtype(["TX", "RX"]))
    out["message_type"] = out["message_type"].astype("category")
    out["txn"] = out["txn"].astype(pd.StringDtype("pyarrow"))
    out["correlation_id"] = out["correlation_id"].astype(pd.StringDtype("pyarrow"))
    out["response_type"] = out["response_type"].astype(pd.StringDtype("pyarrow"))
    return out[list(PAIR_COLUMNS)].reset_index(drop=True)


def _no_pairs(pd: Any) -> Any:
    """The empty result, with the column types of a non-empty one."""
    text = pd.StringDtype("pyarrow")
    types = {
        "direction": pd.CategoricalDtype(["TX", "RX"]),
        "txn": text,
        "message_type": "category",
        "correlation_id": text,
        "first_line": "int64",
        "transmissions": "int64",
        "resends": "int64",
        "nacks": "int64",
        "acked": "bool",
        "ack_line": "Int64",
        "first_sent": "datetime64[ns, UTC]",
        "acked_at": "datetime64[ns, UTC]",
        "ack_latency": "timedelta64[ns]",
        "response_line": "Int64",
        "response_type": text,
        "response_latency": "timedelta64[ns]",
        "valid": "bool",
    }
    return pd.DataFrame({c: pd.Series([], dtype=types[c]) for c in PAIR_COLUMNS})
