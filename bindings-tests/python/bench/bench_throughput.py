#!/usr/bin/env python3
"""Throughput of acked messages over loopback mutual TLS: ``aoscomm.AsyncClient`` against a
plain-Python peer client (``websockets`` + ``ssl`` + ``json`` + ``uuid``), both talking to the
same mock cloud (``aoscomm.testing.MockCloud``).

For each client and window W (the most unacked messages at once), it times N messages sent by
W worker tasks, each sending one message and awaiting its ack in a loop, and reports messages
per second and the client's CPU time per message. The mock cloud runs in a child process, so
that this process's CPU time is the client's alone; the cloud's own CPU time per message is
reported beside it.

    python bench_throughput.py                  # full run: N = 2000 (W=1) / 20000 (W=64), 3 repeats
    python bench_throughput.py --quick          # smoke test (CI): small N, 1 repeat
    python bench_throughput.py --json out.json  # also write the results

Exits non-zero on any failure: a message not acked, a resend or reconnect, a protocol
violation seen by the cloud, an exception, or a measurement over its time limit.
"""

from __future__ import annotations

import argparse
import asyncio
import faulthandler
import gc
import http.client
import json
import mmap
import multiprocessing
import os
import platform
import ssl
import statistics
import sys
import time
import urllib.parse
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from multiprocessing.connection import Connection
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Sequence

from websockets.asyncio.client import ClientConnection, connect
from websockets.version import version as websockets_version

import aoscomm

#: The message sent: small, valid for both clients (ours validates every message).
PAYLOAD: Dict[str, Any] = {"messageType": "alerts", "items": []}

CLIENTS = ("aoscomm", "websockets")
#: Seconds to wait for the cloud child to start, or to answer a query.
CLOUD_TIMEOUT = 30.0


class BenchError(Exception):
    """A failed check: the run is invalid."""


# ---- the mock cloud, in a child process ---------------------------------------------------


@dataclass(frozen=True)
class CloudInfo:
    """Where the child's mock cloud is, and the unit's credentials (PEM paths the child owns)."""

    discovery_url: str
    ws_url: str
    system_id: str
    ca_cert: str
    client_cert: str
    client_key: str


def _cloud_process(conn: Connection) -> None:
    """Child process: runs a ``MockCloud`` until told to stop (or the parent goes away),
    answering ``"stats"`` queries with its CPU time, connection count and violations."""
    from aoscomm.testing import MockCloud

    cloud = MockCloud()
    try:
        conn.send(
            {
                "discovery_url": cloud.discovery_url,
                "ws_url": cloud.ws_url,
                "system_id": cloud.system_id,
                "ca_cert": cloud.ca_cert,
                "client_cert": cloud.client_cert,
                "client_key": cloud.client_key,
            }
        )
        while True:
            try:
                cmd = conn.recv()
            except EOFError:  # the parent has exited
                break
            if cmd != "stats":
                break
            conn.send(
                {
                    "cpu": time.process_time(),
                    "connections": cloud.connections,
                    "violations": cloud.violations,
                }
            )
    finally:
        cloud.stop()


class CloudProcess:
    """The parent's handle on the cloud child."""

    def __init__(self) -> None:
        # spawn, not fork: this process may already run the native client's threads
        ctx = multiprocessing.get_context("spawn")
        self._conn, child_conn = ctx.Pipe()
        self._proc = ctx.Process(target=_cloud_process, args=(child_conn,), daemon=True)
        self._proc.start()
        child_conn.close()
        self.info = CloudInfo(**self._ask(None))

    def _ask(self, cmd: Optional[str]) -> Dict[str, Any]:
        if cmd is not None:
            self._conn.send(cmd)
        try:
            if not self._conn.poll(CLOUD_TIMEOUT):
                raise BenchError(f"the mock cloud did not answer within {CLOUD_TIMEOUT:.0f} s")
            answer: Dict[str, Any] = self._conn.recv()
        except (EOFError, OSError):
            code = self._proc.exitcode
            raise BenchError(f"the mock cloud process exited (code {code})") from None
        return answer

    def stats(self) -> Dict[str, Any]:
        """The cloud's CPU time (s), connections accepted so far and violations seen."""
        s = self._ask("stats")
        if s["violations"]:
            raise BenchError(f"the mock cloud saw protocol violations: {s['violations'][:5]}")
        return s

    def stop(self) -> None:
        try:
            self._conn.send("stop")
        except OSError:
            pass
        self._proc.join(10)
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join()


# ---- the plain-Python peer client ---------------------------------------------------------


def _tls_context(info: CloudInfo) -> ssl.SSLContext:
    """Verifies the cloud against the test CA and presents the unit's certificate."""
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=info.ca_cert)
    ctx.load_cert_chain(info.client_cert, info.client_key)
    return ctx


def _get_ci(obj: Mapping[str, Any], key: str) -> Any:
    """``obj[key]`` with the key matched case-insensitively, as the reference parses
    discovery answers (protocol §4.3); None when absent."""
    for k, v in obj.items():
        if k.lower() == key.lower():
            return v
    return None


def discover(info: CloudInfo, ctx: ssl.SSLContext) -> tuple[str, str]:
    """Service discovery (protocol §4.2-4.3): returns ``(connectionInfo[0], authToken)``."""
    url = urllib.parse.urlsplit(info.discovery_url)
    body = json.dumps(
        {"supportedProtocols": ["wss"], "systemId": info.system_id, "version": 7},
        sort_keys=True,
        separators=(",", ":"),
    )
    conn = http.client.HTTPSConnection(url.hostname or "", url.port or 443, context=ctx, timeout=10)
    try:
        path = (url.path or "/") + (f"?{url.query}" if url.query else "")
        conn.request(
            "POST",
            path,
            body=body,
            headers={
                "Accept": "application/json",
                "Content-Type": "application/json",
                "Connection": "close",
            },
        )
        resp = conn.getresponse()
        raw = resp.read()
        if resp.status != 200:
            raise BenchError(f"discovery: HTTP {resp.status}")
    finally:
        conn.close()
    answer = json.loads(raw)
    urls = _get_ci(answer, "connectionInfo")
    if not urls:
        raise BenchError("discovery: no connection info received")
    return str(urls[0]), str(_get_ci(answer, "authToken") or "")


class PeerClient:
    """A minimal v7 unit: BINARY JSON frames, each resolved by the cloud's ack of its txn, at
    most ``window`` unacked at once. No queue, resend or reconnect: anything but an ack of an
    outstanding txn is an error (the mock acks everything)."""

    def __init__(self, ws: ClientConnection, system_id: str, window: int) -> None:
        self._ws = ws
        self._system_id = system_id
        self._window = asyncio.Semaphore(window)
        self._pending: Dict[str, asyncio.Future[None]] = {}
        self._error: Optional[BaseException] = None
        self._reader = asyncio.get_running_loop().create_task(self._read())

    @classmethod
    async def connect(cls, info: CloudInfo, window: int) -> PeerClient:
        ctx = _tls_context(info)
        url, token = await asyncio.to_thread(discover, info, ctx)
        ws = await connect(
            url,
            ssl=ctx,
            additional_headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            compression=None,  # the unit does not offer permessage-deflate
            proxy=None,  # loopback: never consult the environment's proxy settings
            open_timeout=10,
        )
        return cls(ws, info.system_id, window)

    def _frame(self, data: Mapping[str, Any]) -> tuple[str, bytes]:
        txn = str(uuid.uuid4())
        header = {
            "version": 7,
            "systemId": self._system_id,
            "createdAt": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "txn": txn,
        }
        frame = json.dumps({"header": header, "data": data}, separators=(",", ":"))
        return txn, frame.encode()

    async def send(self, data: Mapping[str, Any]) -> None:
        """Sends one message and returns when the cloud has acked it."""
        async with self._window:
            if self._error is not None:
                raise BenchError(f"connection failed: {self._error!r}")
            txn, frame = self._frame(data)
            fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._pending[txn] = fut
            try:
                await self._ws.send(frame)  # bytes: a BINARY frame
                await fut
            finally:
                self._pending.pop(txn, None)

    async def _read(self) -> None:
        try:
            async for raw in self._ws:
                if isinstance(raw, str):
                    continue  # v7 units ignore TEXT frames (protocol §1.1)
                frame = json.loads(raw)
                txn = frame["header"]["txn"]
                kind = frame["data"]["messageType"]
                fut = self._pending.get(txn)
                if fut is None:
                    raise BenchError(f"unexpected {kind!r} frame, txn {txn}")
                if fut.done():
                    continue  # its sender was cancelled
                if kind == "ack":
                    fut.set_result(None)
                else:
                    fut.set_exception(BenchError(f"txn {txn} answered with {kind!r}"))
            raise BenchError("the cloud closed the connection")
        except BaseException as e:  # noqa: BLE001 - handed to every waiting sender
            self._error = e
            for fut in self._pending.values():
                if not fut.done():
                    fut.set_exception(BenchError(f"connection failed: {e!r}"))
            if isinstance(e, asyncio.CancelledError):
                raise

    async def close(self) -> None:
        await self._ws.close()
        self._reader.cancel()
        try:
            await self._reader
        except asyncio.CancelledError:
            pass


# ---- measuring ----------------------------------------------------------------------------


async def drive(send_one: Callable[[], Awaitable[None]], n: int, window: int) -> None:
    """Sends ``n`` messages with ``window`` workers, each awaiting its message's ack before
    sending the next: ``window`` messages are unacked at any time (until the tail)."""
    remaining = n

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await send_one()

    try:
        async with asyncio.TaskGroup() as tg:
            for _ in range(min(window, n)):
                tg.create_task(worker())
    except BaseExceptionGroup as eg:  # report the first failure, not the group
        raise eg.exceptions[0] from None


@dataclass
class Sample:
    """One timed run."""

    seconds: float
    client_cpu_s: float
    cloud_cpu_s: float


async def timed(
    cloud: CloudProcess, send_one: Callable[[], Awaitable[None]], n: int, window: int
) -> Sample:
    gc.collect()
    cloud_cpu0 = cloud.stats()["cpu"]
    # process_time (CLOCK_PROCESS_CPUTIME_ID, ns resolution; getrusage has µs) covers every
    # thread of this process: the event loop and, for aoscomm, the native client's threads.
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    await drive(send_one, n, window)
    t1 = time.perf_counter()
    cpu1 = time.process_time()
    cloud_cpu1 = cloud.stats()["cpu"]
    return Sample(t1 - t0, cpu1 - cpu0, cloud_cpu1 - cloud_cpu0)


async def measure_aoscomm(cloud: CloudProcess, window: int, n: int, warmup: int) -> Sample:
    info = cloud.info
    client = aoscomm.AsyncClient(
        service_discovery_url=info.discovery_url,
        system_id=info.system_id,
        ca_cert=info.ca_cert,
        client_cert=info.client_cert,
        client_key=info.client_key,
        max_in_flight=window,
    )
    async with client as c:
        await c.wait_connected(timeout=10)

        async def send_one() -> None:
            d = await c.send(PAYLOAD)
            if d.status != "acked":
                raise BenchError(f"aoscomm: txn {d.txn} {d.status}: {d.reason}")

        await drive(send_one, warmup, window)
        sample = await timed(cloud, send_one, n, window)
        stats = c.stats()
    # A reconnect or resend would be hidden by the client: the run would not compare like
    # with like.
    if stats["connections"] != 1 or stats["resent"] != 0:
        raise BenchError(f"aoscomm: reconnected or resent during the run: {stats}")
    return sample


async def measure_websockets(cloud: CloudProcess, window: int, n: int, warmup: int) -> Sample:
    peer = await PeerClient.connect(cloud.info, window)
    try:

        async def send_one() -> None:
            await peer.send(PAYLOAD)

        await drive(send_one, warmup, window)
        return await timed(cloud, send_one, n, window)
    finally:
        await peer.close()


MEASURE = {"aoscomm": measure_aoscomm, "websockets": measure_websockets}


@dataclass
class Result:
    """The median of a client's samples at one window."""

    client: str
    window: int
    messages: int
    msgs_per_s: float
    cpu_us_per_msg: float
    cloud_cpu_us_per_msg: float
    samples: List[Sample] = field(default_factory=list)


def summarize(client: str, window: int, n: int, samples: Sequence[Sample]) -> Result:
    return Result(
        client=client,
        window=window,
        messages=n,
        msgs_per_s=statistics.median(n / s.seconds for s in samples),
        cpu_us_per_msg=statistics.median(s.client_cpu_s / n * 1e6 for s in samples),
        cloud_cpu_us_per_msg=statistics.median(s.cloud_cpu_s / n * 1e6 for s in samples),
        samples=list(samples),
    )


async def run(args: argparse.Namespace, cloud: CloudProcess) -> List[Result]:
    samples: Dict[tuple[str, int], List[Sample]] = {}
    # Repeats are interleaved (client by client, window by window) so that a drift of the
    # machine's speed over the run weighs on both clients alike.
    for rep in range(args.repeat):
        for window, n in zip(args.windows, args.counts):
            for client in CLIENTS:
                connections = cloud.stats()["connections"]
                try:
                    s = await asyncio.wait_for(
                        MEASURE[client](cloud, window, n, args.warmup), args.timeout
                    )
                except (asyncio.TimeoutError, TimeoutError):
                    raise BenchError(
                        f"{client}, window {window}: over the {args.timeout:.0f} s limit"
                    ) from None
                if cloud.stats()["connections"] != connections + 1:
                    raise BenchError(f"{client}, window {window}: more than one connection")
                samples.setdefault((client, window), []).append(s)
                print(
                    f"  run {rep + 1}/{args.repeat} {client:<10} W={window:<3} "
                    f"{n / s.seconds:9.0f} msg/s {s.client_cpu_s / n * 1e6:7.1f} µs CPU/msg",
                    file=sys.stderr,
                    flush=True,
                )
    return [
        summarize(client, window, n, samples[(client, window)])
        for window, n in zip(args.windows, args.counts)
        for client in CLIENTS
    ]


def ratios(results: Sequence[Result]) -> Dict[int, Dict[str, float]]:
    """aoscomm / websockets per window: msg/s (higher is better for aoscomm) and CPU per
    message (lower is better)."""
    by = {(r.client, r.window): r for r in results}
    out: Dict[int, Dict[str, float]] = {}
    for window in sorted({r.window for r in results}):
        a, w = by[("aoscomm", window)], by[("websockets", window)]
        out[window] = {
            "msgs_per_s": a.msgs_per_s / w.msgs_per_s,
            "cpu_per_msg": a.cpu_us_per_msg / w.cpu_us_per_msg,
        }
    return out


def print_table(results: Sequence[Result], repeat: int) -> None:
    print(f"\nacked messages over loopback mTLS, median of {repeat} run(s)")
    print(
        f"{'client':<11}{'window':>7}{'messages':>10}{'msg/s':>10}"
        f"{'CPU µs/msg':>12}{'cloud CPU µs/msg':>18}"
    )
    for r in results:
        print(
            f"{r.client:<11}{r.window:>7}{r.messages:>10}{r.msgs_per_s:>10.0f}"
            f"{r.cpu_us_per_msg:>12.1f}{r.cloud_cpu_us_per_msg:>18.1f}"
        )
    print("\naoscomm / websockets")
    for window, q in ratios(results).items():
        print(
            f"  window {window:<3} msg/s x{q['msgs_per_s']:.2f}   CPU/msg x{q['cpu_per_msg']:.2f}"
        )


def extension_has_debug_info() -> bool:
    """Whether the native extension carries DWARF debug info: the mark of a debug build
    (``maturin develop`` without ``--release``; release builds strip it), whose unoptimized
    Rust makes aoscomm (and the mock cloud) much slower than a release build."""
    path = aoscomm._aoscomm.__file__
    if path is None:
        return False
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
        # the name as it stands in the ELF section-name table
        return m.rfind(b"\0.debug_info\0") != -1


# ---- command line -------------------------------------------------------------------------


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--quick", action="store_true", help="smoke test: small N, 1 repeat (CI)")
    p.add_argument(
        "--messages",
        type=int,
        help="messages per timed run, every window (default 2000 at window 1, else 20000; "
        "--quick: 200 / 2000)",
    )
    p.add_argument("--windows", default="1,64", help="comma-separated windows (default 1,64)")
    p.add_argument(
        "--repeat", type=int, help="timed runs per client and window (default 3; --quick 1)"
    )
    p.add_argument("--warmup", type=int, help="untimed messages first (default 500; --quick 100)")
    p.add_argument(
        "--timeout", type=float, default=120.0, help="seconds per measurement (default 120)"
    )
    p.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = p.parse_args(argv)

    args.windows = [int(w) for w in args.windows.split(",") if w.strip()]
    scale = 10 if args.quick else 1
    args.counts = [args.messages or (2000 if w == 1 else 20000) // scale for w in args.windows]
    args.repeat = args.repeat or (1 if args.quick else 3)
    args.warmup = args.warmup if args.warmup is not None else (100 if args.quick else 500)
    if not args.windows or min(args.windows) < 1 or min(args.counts) < 1 or args.repeat < 1:
        p.error("windows, --messages and --repeat must be positive")
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    ext_debug = extension_has_debug_info()
    if ext_debug:
        print(
            "bench_throughput: WARNING: aoscomm's native extension has debug info, probably a "
            "debug build (maturin develop without --release): its figures are not representative",
            file=sys.stderr,
        )
    # A hard stop for the whole run even if a native call ignored cancellation: dump every
    # thread's stack and exit(1) (the cloud child then sees EOF and stops).
    budget = args.timeout * args.repeat * len(args.windows) * len(CLIENTS) + 2 * CLOUD_TIMEOUT
    faulthandler.dump_traceback_later(budget, exit=True)
    cloud: Optional[CloudProcess] = None
    try:
        cloud = CloudProcess()
        results = asyncio.run(run(args, cloud))
    except Exception as e:  # noqa: BLE001 - any failure fails the benchmark
        print(f"bench_throughput: FAILED: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    finally:
        if cloud is not None:
            cloud.stop()
        faulthandler.cancel_dump_traceback_later()
    elapsed = time.perf_counter() - started

    print_table(results, args.repeat)
    if ext_debug:
        print("(aoscomm's extension is a debug build: build it with --release to compare)")
    print(f"\ntotal {elapsed:.1f} s")
    if args.json:
        doc = {
            "environment": {
                "python": platform.python_version(),
                "platform": platform.platform(),
                "cpus": os.cpu_count(),
                "aoscomm": aoscomm.__version__,
                "websockets": websockets_version,
                "extension_has_debug_info": ext_debug,
            },
            "settings": {
                "payload": PAYLOAD,
                "repeat": args.repeat,
                "warmup": args.warmup,
                "quick": args.quick,
            },
            "results": [asdict(r) for r in results],
            "ratios_aoscomm_over_websockets": {str(w): q for w, q in ratios(results).items()},
            "total_seconds": elapsed,
        }
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
