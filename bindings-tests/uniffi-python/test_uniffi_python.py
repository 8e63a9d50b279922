"""The uniffi-generated Python module (`aoscomm_uniffi`) against the mock cloud: the same
scenarios as the Kotlin suite. Run by ../uniffi.sh with the generated module on sys.path."""

import asyncio
import json
import queue
import threading
from pathlib import Path

import pytest

import aoscomm_uniffi as u

ROOT = Path(__file__).resolve().parents[2]
WAIT_MS = 10_000
ALERTS = '{"messageType":"alerts","items":[]}'
UNIT_TO_CLOUD = {
    "unitStatus", "monitoringData", "alerts", "newState", "stateRequest", "requestBlobUrls",
    "pushLog", "issueUnitCertificates", "installUnitCertificatesConfirmation",
    "overrideEnvVarsStatus", "startProvisioningResponse", "finishProvisioningResponse",
    "deprovisioningResponse",
}
CLOUD_TO_UNIT = {
    "desiredStatus", "stateAcceptance", "updateState", "renewCertificatesNotification",
    "issuedUnitCertificates", "overrideEnvVars", "startProvisioningRequest",
    "finishProvisioningRequest", "deprovisioningRequest", "requestLog", "blobUrls",
}


def samples():
    out = {}
    for p in sorted((ROOT / "aoscomm/tests/data/canonical").glob("*.json")):
        m = u.decode(p.read_text().strip())
        out.setdefault(m.message_type, m)
    return out


SAMPLES = samples()


class Collector(u.EventListener):
    def __init__(self):
        self.q = queue.Queue()

    def on_event(self, event):
        self.q.put(event)

    def next(self, pick, timeout=WAIT_MS / 1000):
        while True:
            v = pick(self.q.get(timeout=timeout))
            if v is not None:
                return v


@pytest.fixture
def cloud():
    c = u.MockCloud(None)
    yield c
    c.stop()


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 30))


def test_every_unit_to_cloud_type_is_acked(cloud):
    client = u.UnitClient(cloud.client_config())
    client.start()

    async def main():
        await client.wait_connected(WAIT_MS)
        return [await client.send(SAMPLES[t].data_json) for t in sorted(UNIT_TO_CLOUD)]

    ds = run(main())
    assert [d.message_type for d in ds] == sorted(UNIT_TO_CLOUD)
    assert all(d.status == u.DeliveryStatus.ACKED and d.reason is None for d in ds)
    assert UNIT_TO_CLOUD <= {m.message_type for m in cloud.received()}
    client.shutdown()


def test_pushed_messages_reach_the_listener_once(cloud):
    client = u.UnitClient(cloud.client_config())
    events = Collector()
    sub = client.subscribe(events)
    client.start()
    events.next(lambda e: e if e.is_CONNECTED() else None)
    txns = {cloud.push(SAMPLES[t].data_json): t for t in CLOUD_TO_UNIT}
    seen = {}
    while len(seen) < len(txns):
        m = events.next(lambda e: e.message if e.is_RECEIVED() else None)
        assert m.txn not in seen
        seen[m.txn] = m
    assert {t: m.message_type for t, m in seen.items()} == txns
    for txn, m in seen.items():
        assert json.loads(m.data_json) == json.loads(SAMPLES[m.message_type].data_json)
        assert cloud.wait_acked_by_unit(txn, WAIT_MS)
    sub.cancel()
    assert not sub.is_active()
    client.shutdown()


def test_request_and_response(cloud):
    cloud.answer_blob_requests(True)
    client = u.UnitClient(cloud.client_config())
    client.start()
    resp = run(client.request('{"messageType":"requestBlobUrls","digests":["sha256:00"]}', WAIT_MS))
    assert resp.message_type == "blobUrls"
    client.shutdown()


def test_cancelling_a_send_withdraws_the_message(cloud):
    cloud.drop_acks()
    cfg = cloud.client_config()
    cfg.response_timeout_ms = 200
    client = u.UnitClient(cfg)
    events = Collector()
    sub = client.subscribe(events)
    client.start()

    async def main():
        await client.wait_connected(WAIT_MS)
        task = asyncio.ensure_future(client.send(ALERTS))
        assert await asyncio.get_running_loop().run_in_executor(None, cloud.wait_received, 1, WAIT_MS)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    run(main())
    d = events.next(lambda e: e.delivery if e.is_OUTCOME() else None)
    assert (d.status, d.reason) == (u.DeliveryStatus.FAILED, "cancelled")
    assert not cloud.wait_transmissions_above(d.txn, 1, 800)
    sub.cancel()
    client.shutdown()


def test_typed_errors(cloud):
    client = u.UnitClient(cloud.client_config())
    client.start()
    with pytest.raises(u.AoscommError.Decode) as ei:
        run(client.send('{"messageType":"alerts","items":[{"tag":"systemAlert"}]}'))
    assert (ei.value.path, ei.value.reason) == ("data.items[0]", 'missing key "timestamp"')
    assert run(client.send(ALERTS)).status == u.DeliveryStatus.ACKED
    client.shutdown()
    with pytest.raises(u.AoscommError.Closed):
        run(client.send(ALERTS))
    bad = cloud.client_config()
    bad.ca_cert = cloud.client_cert_pem()
    c2 = u.UnitClient(bad)
    c2.start()
    with pytest.raises(u.AoscommError.Connection) as ei:
        run(c2.wait_connected(2000))
    assert ei.value.kind == "untrusted_server"
    c2.shutdown()


def test_no_callback_after_shutdown_returns(cloud):
    closed = threading.Event()
    late = []
    calls = threading.Semaphore(0)

    class Listener(u.EventListener):
        def on_event(self, event):
            if closed.is_set():
                late.append(event)
            calls.release()

    client = u.UnitClient(cloud.client_config())
    sub = client.subscribe(Listener())  # kept: dropping the subscription ends it
    client.start()
    stop = threading.Event()

    def pusher():
        while not stop.is_set():
            cloud.push('{"messageType":"requestLog","logType":"systemLog","filter":{}}')

    t = threading.Thread(target=pusher)
    t.start()
    for _ in range(10):
        assert calls.acquire(timeout=WAIT_MS / 1000)
    client.shutdown()
    closed.set()
    stop.set()
    t.join(WAIT_MS / 1000)
    assert late == []
    assert not sub.is_active()


def test_subscription_ends_when_dropped(cloud):
    got = []

    class Listener(u.EventListener):
        def on_event(self, event):
            got.append(event)

    client = u.UnitClient(cloud.client_config())
    client.subscribe(Listener())  # dropped at once: no event may arrive
    kept = Collector()
    sub = client.subscribe(kept)
    client.start()
    kept.next(lambda e: e if e.is_CONNECTED() else None)
    assert got == []
    sub.cancel()
    client.shutdown()


def test_objects_released_on_another_thread():
    cloud = u.MockCloud("unit-7")
    assert cloud.system_id() == "unit-7"
    errors = []
    for _ in range(5):
        client = u.UnitClient(cloud.client_config())
        sub = client.subscribe(Collector())
        client.start()
        run(client.wait_connected(WAIT_MS))
        box = [client, sub]
        del client, sub

        def release():
            try:
                box.clear()  # the last references: freed on this thread
            except BaseException as e:  # noqa: BLE001
                errors.append(e)

        th = threading.Thread(target=release)
        th.start()
        th.join(WAIT_MS / 1000)
        assert not th.is_alive()
    assert errors == []
    cloud.stop()
    assert len(u.message_types()) == 26
