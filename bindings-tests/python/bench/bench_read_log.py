#!/usr/bin/env python3
"""read_log benchmark: aoscomm.analysis.read_log (Rust, every core, Arrow) against the same
table built by pure Python: the standard ``json`` module + pandas, and ``orjson`` + pandas.

A log of --mb megabytes (default 200) is generated from our canonical frames (every v7 type,
fresh txns, TX/RX prefixes with a timestamp, 1 % invalid lines, a truncated last line). Each
reader builds a DataFrame with the columns line, direction, message_type, txn, correlation_id,
system_id, created_at, logged_at, size, valid, error. The peers only parse JSON; read_log also
validates every message against the v7 model (so its ``valid`` is stricter). Prints MB/s, the
median wall time of --repeat runs, CPU time, and ratios against each peer; exits non-zero when
the tables disagree on row count or on the rows that are JSON.

    python bench_read_log.py             # 200 MB, median of 3
    python bench_read_log.py --quick     # 10 MB, 1 run (CI smoke)
"""

import argparse
import gc
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Dict, List

import pandas as pd

import aoscomm
import aoscomm.analysis as an

ROOT = Path(__file__).resolve().parents[3]
CANONICAL = ROOT / "aoscomm" / "tests" / "data" / "canonical"


def generate(path: Path, megabytes: float, seed: int = 7) -> int:
    rnd = random.Random(seed)
    frames = []
    for p in sorted(CANONICAL.glob("*.json")):
        obj = json.loads(p.read_bytes())
        if obj["data"]["messageType"] in ("ack", "nack"):
            continue
        frames.append(obj)
    target = int(megabytes * 1e6)
    written = 0
    t = 1_796_292_000.0
    with open(path, "wb") as f:
        while written < target:
            obj = frames[rnd.randrange(len(frames))]
            txn = str(uuid.UUID(int=rnd.getrandbits(128), version=4))
            obj["header"]["txn"] = txn
            direction = "TX" if aoscomm.decode(obj).message_type in aoscomm.UNIT_TO_CLOUD else "RX"
            back = "RX" if direction == "TX" else "TX"
            t += 0.01
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int(t * 1e6) % 1_000_000:06d}Z"
            ack = {"header": {"version": 7, "systemId": obj["header"]["systemId"], "createdAt": stamp, "txn": txn}, "data": {"messageType": "ack"}}
            lines = [
                f"{stamp} {direction}: " + json.dumps(obj, separators=(",", ":")),
                f"{stamp} {back}: " + json.dumps(ack, separators=(",", ":")),
            ]
            if rnd.random() < 0.01:
                lines.append(f"{stamp} RX: " + '{"header":{"version":7,"txn":"' + txn + '"},"data":{"messageType":"bogus"}}')
            chunk = ("\n".join(lines) + "\n").encode()
            f.write(chunk)
            written += len(chunk)
        f.write(b'TX: {"header":{"version":7,"systemId":"cut')
        written += 40
    return path.stat().st_size


def peer_reader(loads: Callable[[Any], Any], name: str) -> Callable[[Path], Any]:
    def read(path: Path) -> Any:
        cols: Dict[str, List[Any]] = {k: [] for k in (
            "line", "direction", "message_type", "txn", "correlation_id", "system_id",
            "created_at", "logged_at", "size", "valid", "error")}
        with open(path, "rb") as f:
            for n, raw in enumerate(f, 1):
                raw = raw.rstrip(b"\r\n")
                if not raw.strip():
                    continue
                logged = None
                body = raw
                if raw[:1].isdigit():
                    sp = raw.find(b" ")
                    logged, body = raw[:sp].decode(), raw[sp + 1:]
                direction = None
                if body.startswith(b"TX: ") or body.startswith(b"RX: "):
                    direction, body = body[:2].decode(), body[4:]
                h: Dict[str, Any] = {}
                d: Dict[str, Any] = {}
                err = None
                try:
                    obj = loads(body)
                    h, d = obj.get("header") or {}, obj.get("data") or {}
                except ValueError as e:
                    err = f"json: {e}"
                if direction is None:
                    err = "line: no TX/RX prefix"
                cols["line"].append(n)
                cols["direction"].append(direction)
                cols["message_type"].append(d.get("messageType"))
                cols["txn"].append(h.get("txn"))
                cols["correlation_id"].append(d.get("correlationId"))
                cols["system_id"].append(h.get("systemId"))
                cols["created_at"].append(h.get("createdAt"))
                cols["logged_at"].append(logged)
                cols["size"].append(len(body))
                cols["valid"].append(err is None)
                cols["error"].append(err)
        df = pd.DataFrame(cols)
        df["created_at"] = pd.to_datetime(df["created_at"], utc=True, format="ISO8601")
        df["logged_at"] = pd.to_datetime(df["logged_at"], utc=True, format="ISO8601")
        df["direction"] = df["direction"].astype("category")
        df["message_type"] = df["message_type"].astype("category")
        return df

    read.__name__ = name
    return read


def measure(fn: Callable[[Path], Any], path: Path, repeat: int) -> Dict[str, Any]:
    walls, cpus = [], []
    df = None
    for _ in range(repeat):
        df = None
        gc.collect()
        c0, w0 = time.process_time(), time.perf_counter()
        df = fn(path)
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return {"wall": statistics.median(walls), "cpu": statistics.median(cpus), "df": df}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=200.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="10 MB, 1 run")
    ap.add_argument("--log", type=Path, help="reuse or keep the generated log here")
    args = ap.parse_args()
    if args.quick:
        args.mb, args.repeat = 10.0, 1
    try:
        import orjson
    except ImportError:
        print("orjson is not installed: pip install -r requirements.txt", file=sys.stderr)
        return 2
    tmp = None
    path = args.log
    if path is None:
        tmp = tempfile.TemporaryDirectory(prefix="aoscomm-bench-")
        path = Path(tmp.name) / "cloud.log"
    if not path.exists():
        t0 = time.perf_counter()
        size = generate(path, args.mb)
        print(f"generated {size / 1e6:.1f} MB log in {time.perf_counter() - t0:.1f} s: {path}")
    size = path.stat().st_size
    mb = size / 1e6
    readers = [
        ("aoscomm read_log", lambda p: an.read_log(p, progress=False)),
        ("json + pandas", peer_reader(json.loads, "json")),
        ("orjson + pandas", peer_reader(orjson.loads, "orjson")),
    ]
    results = {}
    for name, fn in readers:
        results[name] = measure(fn, path, args.repeat)
        r = results[name]
        print(f"{name:18s} {mb / r['wall']:8.1f} MB/s  wall {r['wall']:7.2f} s  cpu {r['cpu']:7.2f} s  rows {len(r['df'])}", flush=True)
    ours = results["aoscomm read_log"]
    for name in ("json + pandas", "orjson + pandas"):
        print(f"read_log vs {name}: x{results[name]['wall'] / ours['wall']:.2f} throughput, x{ours['cpu'] / results[name]['cpu']:.2f} CPU")
    print(f"cores: {os.cpu_count()}, {mb:.1f} MB, median of {args.repeat}, aoscomm {aoscomm.__version__}")
    ok = True
    n = {name: len(r["df"]) for name, r in results.items()}
    if len(set(n.values())) != 1:
        print(f"row counts differ: {n}", file=sys.stderr)
        ok = False
    a, j = ours["df"], results["json + pandas"]["df"]
    if len(a) == len(j):
        if not (a["txn"].fillna("").to_numpy() == j["txn"].fillna("").to_numpy()).all():
            print("txn columns differ", file=sys.stderr)
            ok = False
        # Rows that are JSON with a direction: read_log may call some invalid (v7 rules), never the reverse.
        if (a["valid"].to_numpy() & ~j["valid"].to_numpy()).any():
            print("read_log accepted a row that is not JSON", file=sys.stderr)
            ok = False
    if tmp is not None:
        tmp.cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
