"""aoscomm.analysis: read_log, pair, summary, plots, rich views and live recordings, on logs
written here with exact expected counts."""

import json
import sys
from pathlib import Path
from typing import Any, List, Optional

import pytest

pd = pytest.importorskip("pandas")  # the analysis extra is installed by run.sh: never skipped there
import matplotlib  # noqa: E402

matplotlib.use("Agg")

import aoscomm  # noqa: E402
import aoscomm.analysis as an  # noqa: E402
from aoscomm.testing import MockCloud  # noqa: E402

from conftest import WAIT, first_data_of_each_type  # noqa: E402

T0 = "2026-12-03T10:00:"


def frame(t: str, txn: str, *, corr: Optional[str] = None, extra: str = "", created: bool = True) -> str:
    created_at = f',"createdAt":"{T0}00.000000Z"' if created else ""
    c = f',"correlationId":"{corr}"' if corr else ""
    return (
        f'{{"header":{{"version":7,"systemId":"unit-1"{created_at},"txn":"{txn}"}},'
        f'"data":{{"messageType":"{t}"{c}{extra}}}}}'
    )


ALERTS = ',"items":[]'
DIGESTS = ',"digests":["sha256:' + "a" * 64 + '"]'
BLOB_URLS = ',"items":[]'


def at(seconds: float) -> str:
    return f"{T0}{seconds:09.6f}Z "


def conversation() -> List[str]:
    """A timestamped conversation with every case pair() must tell apart."""
    return [
        # a: sent 3 times (2 resends), acked 250 ms after the third transmission
        at(0.0) + "TX: " + frame("alerts", "a", extra=ALERTS),
        at(1.0) + "TX: " + frame("alerts", "a", extra=ALERTS),
        at(2.0) + "TX: " + frame("alerts", "a", extra=ALERTS),
        at(2.25) + "RX: " + frame("ack", "a"),
        # b: never acked
        at(3.0) + "TX: " + frame("alerts", "b", extra=ALERTS),
        # c: nacked, resent, acked 10 ms later
        at(4.0) + "TX: " + frame("alerts", "c", extra=ALERTS),
        at(4.005) + "RX: " + frame("nack", "c", extra=',"retryAfter":500'),
        at(4.5) + "TX: " + frame("alerts", "c", extra=ALERTS),
        at(4.51) + "RX: " + frame("ack", "c"),
        # r: a request answered 100 ms later by s (acked by the unit)
        at(5.0) + "TX: " + frame("requestBlobUrls", "r", corr="k1", extra=DIGESTS),
        at(5.001) + "RX: " + frame("ack", "r"),
        at(5.1) + "RX: " + frame("blobUrls", "s", corr="k1", extra=BLOB_URLS),
        at(5.102) + "TX: " + frame("ack", "s"),
        # two bad lines: an unknown type (header kept) and no direction
        at(6.0) + "RX: " + frame("noSuchType", "x"),
        "garbage without a prefix",
        "",
        # a truncated last line (no newline)
        at(7.0) + 'TX: {"header":{"version":7,"systemId":"unit-1","txn":"t"',
    ]


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    p = tmp_path / "cloud.log"
    p.write_bytes("\n".join(conversation()).encode())
    return p


@pytest.fixture
def df(log_path: Path) -> Any:
    return an.read_log(log_path)


def test_read_log_rows_columns_and_types(df: Any) -> None:
    assert list(df.columns) == list(an.COLUMNS)
    assert len(df) == 16  # 17 lines, one blank
    assert df["line"].tolist() == list(range(1, 16)) + [17]
    assert int(df["valid"].sum()) == 13
    assert df["direction"].value_counts().to_dict() == {"TX": 9, "RX": 6}
    assert str(df["direction"].dtype) == "category"
    assert str(df["message_type"].dtype) == "category"
    assert str(df["created_at"].dtype) == "datetime64[ns, UTC]"
    assert str(df["monotonic"].dtype) == "timedelta64[ns]"
    assert df["logged_at"].notna().sum() == 15
    assert df["logged_at"][3] - df["logged_at"][2] == pd.Timedelta(milliseconds=250)
    assert df["created_at"][0] == pd.Timestamp("2026-12-03T10:00:00Z")
    assert df["monotonic"].isna().all()
    assert (df["message_type"] == "alerts").sum() == 6
    assert df["correlation_id"].dropna().tolist() == ["k1", "k1"]
    assert df["system_id"].dropna().unique().tolist() == ["unit-1"]


def test_invalid_lines_say_why(df: Any) -> None:
    bad = df[~df["valid"]].reset_index(drop=True)
    assert bad["line"].tolist() == [14, 15, 17]
    # Unknown type: the header and type are still read; the error names the path and rule.
    assert bad["txn"][0] == "x" and bad["message_type"][0] == "noSuchType"
    assert bad["error"][0].startswith("data.messageType:")
    assert pd.isna(bad["direction"][1])
    assert bad["error"][1].startswith('line: expected "TX: " or "RX: "')
    assert bad["error"][2].startswith("truncated last line (no newline):")
    assert df["error"][df["valid"]].isna().all()


def test_bytes_and_path_give_the_same_table(log_path: Path, df: Any) -> None:
    from_bytes = an.read_log(log_path.read_bytes())
    pd.testing.assert_frame_equal(from_bytes, df)
    from_str = an.read_log(str(log_path))
    pd.testing.assert_frame_equal(from_str, df)


def test_reference_log_without_timestamps(tmp_path: Path) -> None:
    lines = [line.split(" ", 1)[1] for line in conversation()[:13]]
    p = tmp_path / "reference.log"
    p.write_text("\n".join(lines) + "\n")
    df = an.read_log(p)
    assert len(df) == 13 and bool(df["valid"].all())
    assert df["logged_at"].isna().all()
    pairs = an.pair(df)
    assert pairs["ack_latency"].isna().all()
    assert pairs["acked"].tolist() == [True, False, True, True, True]
    with pytest.raises(ValueError, match="no timestamps"):
        an.latency(df)
    assert an.timeline(df).get_xlabel().startswith("line")


def big_log(n: int) -> bytes:
    out = []
    for i in range(n):
        if i % 7 == 3:
            out.append("not a log line")
        elif i % 2:
            out.append("RX: " + frame("ack", f"t{i - 1}"))
        else:
            out.append("TX: " + frame("alerts", f"t{i}", extra=ALERTS))
    return ("\n".join(out) + "\n").encode()


def test_threads_and_blocks_do_not_change_the_table() -> None:
    content = big_log(20_000)
    assert len(content) > 2_000_000  # more than one 1 MB piece per thread
    one = an.read_log(content, threads=1, block_size=1 << 30)
    many = an.read_log(content, threads=2, block_size=64 << 10)
    pd.testing.assert_frame_equal(one, many)
    assert len(one) == 20_000
    assert int((~one["valid"]).sum()) == 2_857
    assert one["line"].tolist() == list(range(1, 20_001))


def test_progress_callback_reaches_the_total() -> None:
    content = big_log(5_000)
    seen: List[Any] = []
    an.read_log(content, block_size=64 << 10, progress=lambda done, total: seen.append((done, total)))
    assert len(seen) > 5
    assert seen[-1] == (len(content), len(content))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_progress_bar_uses_tqdm_when_forced(capsys: Any) -> None:
    pytest.importorskip("tqdm")
    an.read_log(big_log(100), progress=True)
    assert "read_log" in capsys.readouterr().err


def test_progress_without_tqdm_falls_back(monkeypatch: Any, capsys: Any) -> None:
    from aoscomm.analysis import _log

    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    an.read_log(big_log(100), progress=True)
    err = capsys.readouterr().err
    assert "read_log: 100% of" in err
    # In a notebook kernel: IPython's own <progress> bar.
    pytest.importorskip("IPython")
    monkeypatch.setattr(_log, "_in_notebook", lambda: True)
    bar = _log._progress(True, 1000)
    assert isinstance(bar, _log._NotebookProgress)
    bar.update_to(500)
    assert "value='500'" in bar.bar._repr_html_()
    capsys.readouterr()


def test_missing_optional_dependency_names_the_extra(monkeypatch: Any, log_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(an.MissingDependency, match=r"needs pyarrow .*pip install 'aoscomm\[analysis\]'"):
        an.read_log(log_path)
    assert issubclass(an.MissingDependency, ImportError)


def test_bad_source_is_a_clear_error() -> None:
    with pytest.raises(TypeError, match="source: expected a path"):
        an.read_log(12)  # type: ignore[arg-type]
    with pytest.raises(OSError, match="cannot open"):
        an.read_log("/nonexistent/cloud.log")


def test_message_data_and_raw_on_demand(df: Any) -> None:
    m = an.message(df, 9)
    assert isinstance(m, aoscomm.Message)
    assert (m.message_type, m.txn, m.correlation_id) == ("requestBlobUrls", "r", "k1")
    assert an.data(df, 0) == {"messageType": "alerts", "items": []}
    assert an.raw(df, 3) == frame("ack", "a").encode()
    # Filtering and copying keep the source.
    sub = df[df["message_type"] == "blobUrls"].copy()
    assert an.message(sub, 11).txn == "s"
    with pytest.raises(aoscomm.DecodeError) as e:
        an.message(df, 13)
    assert e.value.path == "data.messageType"
    with pytest.raises(ValueError, match="not a table from aoscomm.analysis"):
        an.message(pd.DataFrame({"offset": [0], "size": [1]}), 0)


def test_with_data_adds_decoded_dicts(log_path: Path) -> None:
    df = an.read_log(log_path, with_data=True)
    assert df["data"][0] == {"messageType": "alerts", "items": []}
    assert df["data"][6] == {"messageType": "nack", "retryAfter": 500}
    assert df["data"][~df["valid"]].isna().all()


def test_pair(df: Any) -> None:
    p = an.pair(df).set_index("txn")
    assert list(an.pair(df).columns) == list(an._pair.PAIR_COLUMNS)
    assert p.index.tolist() == ["a", "b", "c", "r", "s", "x"]
    assert p["transmissions"].to_dict() == {"a": 3, "b": 1, "c": 2, "r": 1, "s": 1, "x": 1}
    assert p["resends"]["a"] == 2
    assert p["acked"].to_dict() == {"a": True, "b": False, "c": True, "r": True, "s": True, "x": False}
    assert p["nacks"].to_dict() == {"a": 0, "b": 0, "c": 1, "r": 0, "s": 0, "x": 0}
    assert p["ack_line"]["a"] == 4
    assert p["ack_latency"]["a"] == pd.Timedelta(milliseconds=250)
    assert p["ack_latency"]["c"] == pd.Timedelta(milliseconds=10)
    assert p["ack_latency"]["s"] == pd.Timedelta(milliseconds=2)
    assert pd.isna(p["ack_latency"]["b"])
    assert p["response_line"]["r"] == 12
    assert p["response_type"]["r"] == "blobUrls"
    assert p["response_latency"]["r"] == pd.Timedelta(milliseconds=100)
    assert p["response_line"].isna().sum() == 5
    assert p["direction"].astype(str).to_dict() == {"a": "TX", "b": "TX", "c": "TX", "r": "TX", "s": "RX", "x": "RX"}
    assert bool(p["valid"]["x"]) is False


def test_summary(df: Any) -> None:
    s = an.summary(df)
    assert s.totals == {
        "lines": 16,
        "valid": 13,
        "invalid": 3,
        "without_direction": 1,
        "messages": 6,
        "transmissions": 9,
        "resent": 2,
        "resends": 3,
        "unacked": 2,
        "nacked": 1,
        "acks": 4,
        "nack_frames": 1,
        "requests_answered": 1,
    }
    row = s.by_type.loc[("TX", "alerts")]
    assert (row["messages"], row["transmissions"], row["resent"], row["unacked"], row["nacked"]) == (3, 6, 2, 1, 1)
    assert s.by_type.loc[("RX", "noSuchType"), "invalid"] == 1
    assert s.latency.loc["ack", "count"] == 4  # 250, 10, 1 and 2 ms
    assert s.latency.loc["ack", "max"] == pytest.approx(250.0)
    assert s.latency.loc["ack", "p50"] == pytest.approx(6.0)
    assert s.latency.loc["response", "p50"] == pytest.approx(100.0)
    assert s.invalid["line"].tolist() == [14, 15, 17]
    html = s._repr_html_()
    assert "By message type" in html and "Invalid lines (3)" in html and "noSuchType" in html
    assert "unacked: 2" in repr(s)


def test_timeline_marks_resends_unacked_and_invalid(df: Any) -> None:
    ax = an.timeline(df)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["TX (unit → cloud)", "RX (cloud → unit)", "resend", "unacked", "invalid"]
    offsets = {lbl: len(c.get_offsets()) for lbl, c in zip(labels, ax.collections)}
    assert offsets == {"TX (unit → cloud)": 9, "RX (cloud → unit)": 6, "resend": 3, "unacked": 2, "invalid": 2}
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "alerts", "blobUrls", "noSuchType", "requestBlobUrls", "nack", "ack", "(invalid)"
    ]
    assert ax.get_xlabel() == "time (UTC)"


def test_latency_plot(df: Any) -> None:
    ax = an.latency(df)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["alerts", "blobUrls", "requestBlobUrls"]
    assert sum(len(c.get_offsets()) for c in ax.collections) == 4
    ax = an.latency(df, kind="response")
    assert "1 messages" in ax.get_title()
    with pytest.raises(ValueError, match="kind"):
        an.latency(df, kind="nope")


def test_message_repr_html_escapes() -> None:
    m = aoscomm.decode(frame("alerts", "<t>", extra=',"items":[{"tag":"systemAlert","node":{"codename":"n"},"message":"<script>x</script>","timestamp":"2026-01-01T00:00:00Z"}]'))
    html = m._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;t&gt;" in html and "unit → cloud" in html


def test_empty_log(tmp_path: Path) -> None:
    p = tmp_path / "empty.log"
    p.write_bytes(b"")
    df = an.read_log(p)
    assert len(df) == 0 and list(df.columns) == list(an.COLUMNS)
    assert len(an.pair(df)) == 0
    assert an.summary(df).totals["messages"] == 0


def test_record_a_live_session_with_a_nack_and_dropped_acks() -> None:
    data = first_data_of_each_type()
    with MockCloud() as cloud:
        with cloud.client(response_timeout=0.3) as client:
            with an.record(client) as rec:
                client.wait_connected(WAIT)
                cloud.nack(0.05, first=1)
                assert client.send({"messageType": "alerts", "items": []}).status == "acked"
                cloud.drop_acks()
                failed = client.send({"messageType": "alerts", "items": []}, timeout=WAIT)
                assert (failed.status, failed.reason) == ("failed", "no_ack")
                cloud.ack_all()
                txn = cloud.push(data["desiredStatus"])
                assert cloud.wait_for(lambda: txn in cloud.acks_from_unit, WAIT)
                cloud.answer_blob_requests()
                resp = client.request({"messageType": "requestBlobUrls", "digests": ["sha256:" + "b" * 64]})
                assert resp.message_type == "blobUrls"
                assert cloud.wait_for(lambda: resp.txn in cloud.acks_from_unit, WAIT)
            assert rec.stopped
            n = len(rec)
            client.send({"messageType": "alerts", "items": []})
            assert len(rec) == n  # stopped: nothing more is kept
    df = rec.dataframe()
    assert len(df) == n and bool(df["valid"].all())
    assert df["monotonic"].notna().all() and df["monotonic"].is_monotonic_increasing
    assert df["offset"].tolist() == list(range(n))
    p = an.pair(df)
    alerts = p[p["message_type"] == "alerts"].reset_index(drop=True)
    assert alerts["transmissions"].tolist() == [2, 4]  # nacked once; 3 resends without an ack
    assert alerts["nacks"].tolist() == [1, 0]
    assert alerts["acked"].tolist() == [True, False]
    pushed = p[p["message_type"] == "desiredStatus"]
    assert pushed["direction"].astype(str).tolist() == ["RX"] and bool(pushed["acked"].all())
    req = p[p["message_type"] == "requestBlobUrls"].iloc[0]
    assert req["response_type"] == "blobUrls" and req["response_latency"] > pd.Timedelta(0)
    s = an.summary(df)
    assert (s.totals["unacked"], s.totals["resends"], s.totals["nacked"]) == (1, 4, 1)
    assert an.message(df, 0).message_type == "alerts"
    # The recording as a timestamped log reads back to the same messages.
    again = an.read_log(rec.to_log())
    assert again["txn"].tolist() == df["txn"].tolist()
    assert again["logged_at"].notna().all()


def test_recording_limit_and_errors(cloud: MockCloud) -> None:
    with cloud.client() as client:
        client.wait_connected(WAIT)
        rec = an.record(client, max_bytes=300)
        for _ in range(3):
            client.send({"messageType": "alerts", "items": []})
        rec.stop()
        assert len(rec) >= 1 and rec.bytes <= 300 and rec.dropped >= 1
        assert len(rec) + rec.dropped == 6
        assert json.loads(rec.frame(0))["data"]["messageType"] == "alerts"
        with pytest.raises(IndexError, match="not in the recording"):
            rec.frame(99)
        with pytest.raises(ValueError, match="max_bytes"):
            an.record(client, max_bytes=0)
    with pytest.raises(TypeError, match="client: expected"):
        an.record(object())
