"""The blocking client against the mock cloud: every message type both ways, requests, nacks,
resends, reconnects, duplicates, bad input, errors, threads, Ctrl-C, logging, leaks, exit.
Every wait is bounded (and pytest-timeout bounds each test); nothing sleeps to synchronise."""

import asyncio
import gc
import logging
import os
import subprocess
import sys
import threading
import weakref

import pytest

import aoscomm
from aoscomm.testing import MockCloud
from conftest import WAIT, first_data_of_each_type

SAMPLES = first_data_of_each_type()
ALERTS = {"messageType": "alerts", "items": []}
BLOB_REQUEST = {"messageType": "requestBlobUrls", "digests": ["sha256:00"]}


def wait_event(events, kind, timeout=WAIT, pred=lambda e: True):
    """The first event of `kind` matching `pred` (TimeoutError when none comes)."""
    while True:
        e = events.get(timeout=timeout)
        assert e is not None, "event stream ended"
        if e.kind == kind and pred(e):
            return e


@pytest.mark.parametrize("mtype", sorted(set(aoscomm.UNIT_TO_CLOUD) - {"ack"}))
def test_every_unit_to_cloud_type_is_sent_and_acked(cloud, client, mtype):
    d = client.send(SAMPLES[mtype], timeout=WAIT)
    assert (d.status, d.reason, d.transmissions, d.message_type) == ("acked", None, 1, mtype)
    assert d.ok and d.raise_for_status() is d
    got = [m for m in cloud.received if m.txn == d.txn]
    assert len(got) == 1 and got[0].message_type == mtype
    assert got[0].data == SAMPLES[mtype]
    assert cloud.violations == []


def test_every_cloud_to_unit_type_is_received_once_and_acked(cloud):
    kinds = sorted(set(aoscomm.CLOUD_TO_UNIT) - {"ack", "nack"})
    assert len(kinds) == 11
    with cloud.client() as c, c.events() as ev:
        c.wait_connected(WAIT)
        txns = {cloud.push(SAMPLES[t]): t for t in kinds}
        got = {}
        while len(got) < len(kinds):
            m = wait_event(ev, "message").message
            assert m.txn not in got
            got[m.txn] = m
        assert {t: m.message_type for t, m in got.items()} == txns
        for txn, m in got.items():
            assert m.data == SAMPLES[txns[txn]]
            assert m.system_id == cloud.system_id
        assert cloud.wait_for(lambda: set(txns) <= set(cloud.acks_from_unit), WAIT)


def test_request_gets_the_correlated_response(cloud, client):
    cloud.answer_blob_requests()
    r = client.request(BLOB_REQUEST, timeout=WAIT)
    assert r.message_type == "blobUrls"
    sent = [m for m in cloud.received if m.message_type == "requestBlobUrls"]
    assert len(sent) == 1 and r.correlation_id == sent[0].correlation_id
    assert r.data["items"][0]["digest"] == "sha256:00"


def test_request_without_response_times_out_and_is_not_resent(cloud, client):
    with pytest.raises(aoscomm.TimeoutError):
        client.request(BLOB_REQUEST, timeout=0.2)
    assert not cloud.wait_for(
        lambda: len(cloud.received_of("requestBlobUrls")) > 1, timeout=0.5
    )


def test_nack_then_resend_after_retry_after(cloud, client):
    cloud.nack(0.05, first=1)
    d = client.send(ALERTS, timeout=WAIT)
    assert (d.status, d.transmissions) == ("acked", 2)
    assert cloud.transmissions(d.txn) == 2


def test_dropped_acks_mean_three_resends_then_failure(cloud):
    cloud.drop_acks()
    with cloud.client(response_timeout=0.2) as c:
        c.wait_connected(WAIT)
        d = c.send(ALERTS, timeout=WAIT)
        assert (d.status, d.reason, d.transmissions) == ("failed", "no_ack", 4)
        assert cloud.transmissions(d.txn) == 4
        with pytest.raises(aoscomm.DeliveryFailed) as ei:
            d.raise_for_status()
        assert ei.value.delivery == d


def test_reconnects_after_the_cloud_closes_the_connection(cloud):
    with cloud.client() as c, c.events() as ev:
        wait_event(ev, "connected")
        assert cloud.close_connection()
        wait_event(ev, "disconnected")
        wait_event(ev, "connected")
        # The unit may see its connection up a moment before the mock has registered it.
        assert cloud.wait_connections(2, WAIT) and cloud.connections == 2
        assert c.send(ALERTS, timeout=WAIT).ok
        assert c.stats()["connections"] == 2


def test_unacked_message_survives_a_dropped_connection(cloud):
    cloud.drop_acks()
    with cloud.client(response_timeout=5.0) as c:
        c.wait_connected(WAIT)
        p = c.submit(ALERTS)
        assert cloud.wait_received(1, WAIT)
        cloud.ack_all()
        assert cloud.drop_connection()
        d = p.result(timeout=WAIT)
        assert d.ok and d.transmissions == 2


def test_duplicate_txn_is_delivered_once_and_acked_twice(cloud):
    frame = aoscomm.encode(SAMPLES["stateAcceptance"], system_id=cloud.system_id)
    txn = aoscomm.decode(frame).txn
    with cloud.client() as c, c.events() as ev:
        c.wait_connected(WAIT)
        cloud.push_raw(frame)
        cloud.push_raw(frame)
        assert cloud.wait_for(lambda: cloud.acks_from_unit.count(txn) == 2, WAIT)
        # A marker after the duplicates: once it arrives, the duplicate would have too.
        marker = cloud.push(SAMPLES["requestLog"])
        msgs = []
        while not msgs or msgs[-1].txn != marker:
            msgs.append(wait_event(ev, "message").message)
        assert [m.txn for m in msgs] == [txn, marker]


def test_bad_input_raises_decode_error_and_the_client_goes_on(cloud, client):
    before = len(cloud.received)
    with pytest.raises(aoscomm.DecodeError) as ei:
        client.send({"messageType": "alerts", "items": [{"tag": "systemAlert"}]})
    assert (ei.value.path, ei.value.reason) == ("data.items[0]", 'missing key "timestamp"')
    with pytest.raises(aoscomm.DecodeError) as ei:
        client.submit({"messageType": "noSuchType"})
    assert ei.value.path == "data.messageType"
    with pytest.raises(aoscomm.DecodeError) as ei:
        client.submit(b"{not json")
    assert ei.value.kind == "syntax"
    with pytest.raises(aoscomm.SendError):
        client.submit({"messageType": "ack"})
    assert client.send(ALERTS, timeout=WAIT).ok
    assert len(cloud.received) == before + 1


def test_sync_client_works_inside_a_running_event_loop(cloud):
    async def main():
        # The blocking client inside a coroutine, as in a Jupyter cell.
        with cloud.client() as c:
            c.wait_connected(WAIT)
            return c.send(ALERTS, timeout=WAIT).status, c.request(BLOB_REQUEST, timeout=WAIT)

    cloud.answer_blob_requests()
    status, resp = asyncio.run(main())
    assert status == "acked" and resp.message_type == "blobUrls"


def test_eight_threads_share_one_client(cloud, client):
    results, errors = [], []

    def worker():
        try:
            for _ in range(50):
                results.append(client.send(ALERTS, timeout=WAIT))
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT * 3)
    assert errors == []
    assert len(results) == 400 and all(d.ok for d in results)
    assert len({d.txn for d in results}) == 400
    assert len({m.txn for m in cloud.received_of("alerts")}) == 400


def test_pending_delivery_and_cancel(cloud, client):
    cloud.drop_acks()
    p = client.submit(ALERTS)
    assert p.txn and not p.done()
    assert cloud.wait_received(1, WAIT)
    assert p.cancel() and not p.cancel()
    d = p.result(timeout=WAIT)
    assert (d.status, d.reason) == ("failed", "cancelled")
    with pytest.raises(aoscomm.TimeoutError):
        client.submit(ALERTS).result(timeout=0.05)


def test_close_reports_undelivered_messages(cloud):
    cloud.drop_acks()
    c = cloud.client().start()
    c.wait_connected(WAIT)
    p = c.submit(ALERTS)
    undelivered = c.close()
    assert undelivered == [("alerts", p.txn)]
    assert (p.result(timeout=WAIT).status, p.result().reason) == ("failed", "closed")
    assert c.closed and c.close() == []
    with pytest.raises(aoscomm.ClosedError):
        c.submit(ALERTS)


def test_queue_bound_raises_queue_full():
    with MockCloud() as cloud:
        # Discovery on a closed port: nothing is ever delivered, the queue fills.
        c = cloud.client(service_discovery_url="https://127.0.0.1:9/sd", queue_max_messages=2)
        with c:
            c.submit(ALERTS)
            c.submit(ALERTS)
            with pytest.raises(aoscomm.QueueFull):
                c.submit(ALERTS)


def test_important_messages_may_be_queued_before_start(cloud):
    c = cloud.client()
    with pytest.raises(aoscomm.SendError):
        c.submit(ALERTS, important=False)
    p = c.submit(ALERTS, important=True)
    with c:
        assert p.result(timeout=WAIT).ok


def test_ctrl_c_interrupts_a_blocking_wait(cloud, client):
    import _thread
    import signal

    # A process started in the background may inherit SIGINT ignored (then Python installs no
    # handler and Ctrl-C does nothing): make it the interactive default for this test.
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        ev = client.events()
        threading.Timer(0.2, _thread.interrupt_main).start()
        with pytest.raises(KeyboardInterrupt):
            ev.get(timeout=None)  # nothing comes: only Ctrl-C ends it
    finally:
        signal.signal(signal.SIGINT, old)
    assert client.send(ALERTS, timeout=WAIT).ok


# ---- errors ----------------------------------------------------------------------------


def test_untrusted_server_is_a_tls_error(cloud):
    # The client certificate is no CA: the server's chain cannot be verified.
    with cloud.client(ca_cert=cloud.client_cert_pem) as c:
        with pytest.raises(aoscomm.TLSError) as ei:
            c.wait_connected(2.0)
    assert ei.value.kind == "untrusted_server"
    assert isinstance(ei.value, ConnectionError)


def test_unreachable_discovery_is_a_discovery_error(cloud):
    with cloud.client(service_discovery_url="https://127.0.0.1:9/sd") as c:
        with pytest.raises(aoscomm.DiscoveryError) as ei:
            c.wait_connected(1.0)
    assert ei.value.kind == "connect"


def test_rejected_upgrade_is_an_auth_error(cloud):
    cloud.reject_upgrades(401, n=1000)
    with cloud.client() as c:
        with pytest.raises(aoscomm.AuthError) as ei:
            c.wait_connected(1.0)
    assert "401" in str(ei.value)


def test_connect_failed_events_carry_the_exception(cloud):
    with cloud.client(service_discovery_url="https://127.0.0.1:9/sd") as c, c.events() as ev:
        e = wait_event(ev, "connect_failed")
    assert isinstance(e.error, aoscomm.DiscoveryError) and e.reason


@pytest.mark.parametrize(
    "setting,value,needle",
    [
        ("response_timeout", -1, "response_timeout"),
        ("ping_interval", float("nan"), "ping_interval"),
        ("overflow", "sometimes", "overflow"),
        ("queue_max_messages", 0, "queue_max_messages"),
        ("system_id", "", "system_id"),
        ("ca_cert", "/no/such/ca.pem", "/no/such/ca.pem"),
        ("client_key", 42, "client_key"),
    ],
)
def test_bad_settings_raise_config_error_naming_the_setting(cloud, setting, value, needle):
    with pytest.raises(aoscomm.ConfigError) as ei:
        cloud.client(**{setting: value})
    assert needle in str(ei.value)


def test_pem_settings_accept_paths_bytes_and_pathlike(cloud):
    import pathlib

    for ca in (cloud.ca_cert, cloud.ca_pem, pathlib.Path(cloud.ca_cert), cloud.ca_pem.decode()):
        with cloud.client(ca_cert=ca) as c:
            c.wait_connected(WAIT)


# ---- logging, message log, leaks, exit ------------------------------------------------


def test_rust_logs_reach_the_aoscomm_logger(cloud):
    got = threading.Event()
    records = []

    class Handler(logging.Handler):
        def emit(self, record):
            records.append(record)
            if "connected" in record.getMessage():
                got.set()

    logger = logging.getLogger("aoscomm")
    h = Handler()
    logger.addHandler(h)
    old = logger.level
    logger.setLevel(logging.INFO)
    try:
        with cloud.client() as c:
            c.wait_connected(WAIT)
            assert got.wait(WAIT)
    finally:
        logger.removeHandler(h)
        logger.setLevel(old)
    rec = next(r for r in records if "connected" in r.getMessage())
    assert rec.name == "aoscomm" and rec.levelno == logging.INFO
    assert "aoscomm::client::driver" in rec.getMessage()


def test_message_log_lines_decode(cloud, tmp_path):
    log = tmp_path / "cloud.log"
    with cloud.client(message_log=log) as c:
        c.wait_connected(WAIT)
        assert c.send(ALERTS, timeout=WAIT).ok
    lines = log.read_text().splitlines()
    assert lines[0].startswith("TX: ") and any(l.startswith("RX: ") for l in lines)
    for line in lines:
        aoscomm.decode(line[4:])


def _threads():
    return len(os.listdir("/proc/self/task"))


def test_no_leaked_objects_or_threads_after_close(cloud):
    # One client first, so lazily started process-wide threads exist before the baseline.
    with cloud.client() as c:
        c.wait_connected(WAIT)
    gc.collect()
    base = _threads()
    refs = []
    for _ in range(5):
        c = cloud.client()
        ev = c.events()
        with c:
            c.wait_connected(WAIT)
            p = c.submit(ALERTS)
            d = p.result(timeout=WAIT)
        refs += [weakref.ref(c), weakref.ref(ev), weakref.ref(p)]
        del c, ev, p, d
    gc.collect()
    assert [r() for r in refs] == [None] * len(refs)
    # The clients' runtime threads are gone once they are closed.
    assert _threads() <= base


def test_unclosed_clients_do_not_break_interpreter_exit(tmp_path):
    script = tmp_path / "exit.py"
    script.write_text(
        """
import asyncio, logging, aoscomm
from aoscomm.testing import MockCloud
logging.basicConfig(level=logging.DEBUG)
cloud = MockCloud()
cloud.drop_acks()
c = cloud.client()
c.start()
c.wait_connected(10)
pending = [c.submit({"messageType": "alerts", "items": []}) for _ in range(100)]
a = cloud.async_client()
async def main():
    await a.start().wait_connected(10)
    asyncio.ensure_future(a.send({"messageType": "alerts", "items": []}))
asyncio.run(main())
print("exiting")
"""
    )
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "exiting" in r.stdout
    assert "Fatal Python error" not in r.stderr and "panicked" not in r.stderr


def test_shipped_pytest_fixture(aoscomm_client, aoscomm_cloud):
    assert aoscomm_client.is_connected
    assert aoscomm_client.send(ALERTS, timeout=WAIT).ok
    assert len(aoscomm_cloud.received_of("alerts")) == 1
