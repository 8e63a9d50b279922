"""The asyncio client: awaitable send/request, `async for` over events, cancellation that
withdraws the message, concurrency on one loop. Each test runs its own loop (asyncio.run)."""

import asyncio

import pytest

import aoscomm
from conftest import WAIT

ALERTS = {"messageType": "alerts", "items": []}
BLOB_REQUEST = {"messageType": "requestBlobUrls", "digests": ["sha256:00"]}


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, WAIT * 3))


def test_send_request_and_events(cloud):
    cloud.answer_blob_requests()

    async def main():
        async with cloud.async_client() as c:
            events = c.events()
            await c.wait_connected(WAIT)
            d = await c.send(ALERTS)
            resp = await c.request(BLOB_REQUEST, timeout=WAIT)
            txn = cloud.push({"messageType": "stateAcceptance", "item": {"id": "i"},
                              "subject": {"id": "s"}, "instance": 1, "checksum": "00",
                              "result": "accepted", "reason": ""})
            async for e in events:
                if e.kind == "message":
                    return d, resp, e.message, txn

    d, resp, msg, txn = run(main())
    assert d.status == "acked" and d.transmissions == 1
    assert resp.message_type == "blobUrls"
    assert (msg.message_type, msg.txn) == ("stateAcceptance", txn)


def test_send_validates_before_queueing(cloud):
    async def main():
        async with cloud.async_client() as c:
            await c.wait_connected(WAIT)
            with pytest.raises(aoscomm.DecodeError) as ei:
                await c.send({"messageType": "alerts", "items": [1]})
            assert ei.value.path == "data.items[0]"
            return await c.send(ALERTS)

    assert run(main()).ok
    assert len(cloud.received_of("alerts")) == 1


def test_many_sends_in_flight_on_one_loop(cloud):
    async def main():
        async with cloud.async_client(max_in_flight=64) as c:
            await c.wait_connected(WAIT)
            return await asyncio.gather(*(c.send(ALERTS) for _ in range(500)))

    ds = run(main())
    assert len(ds) == 500 and all(d.ok for d in ds)
    assert len({d.txn for d in ds}) == 500


def test_cancelling_a_send_withdraws_the_message(cloud):
    cloud.drop_acks()

    async def main():
        async with cloud.async_client(response_timeout=0.2) as c:
            await c.wait_connected(WAIT)
            events = c.events()
            task = asyncio.ensure_future(c.send(ALERTS))
            # Wait (in a thread, not blocking the loop) until the frame reached the cloud.
            assert await asyncio.get_running_loop().run_in_executor(
                None, cloud.wait_received, 1, WAIT
            )
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            async for e in events:
                if e.kind == "delivery":
                    return e.delivery

    d = run(main())
    assert (d.status, d.reason, d.transmissions) == ("failed", "cancelled", 1)
    # Withdrawn: no resend even after several response timeouts.
    assert not cloud.wait_for(lambda: cloud.transmissions(d.txn) > 1, timeout=0.8)


def test_wait_for_timeout_on_a_request_withdraws_it(cloud):
    async def main():
        async with cloud.async_client() as c:
            await c.wait_connected(WAIT)
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(c.request(BLOB_REQUEST, timeout=30), 0.3)
            # The cloud answers blob requests from now on: a withdrawn request gets no
            # response routed anywhere, a new one works.
            cloud.answer_blob_requests()
            return await c.request(BLOB_REQUEST, timeout=WAIT)

    assert run(main()).message_type == "blobUrls"
    assert len(cloud.received_of("requestBlobUrls")) == 2


def test_request_timeout_raises_timeout_error(cloud):
    async def main():
        async with cloud.async_client() as c:
            await c.wait_connected(WAIT)
            await c.request(BLOB_REQUEST, timeout=0.2)

    with pytest.raises(aoscomm.TimeoutError):
        run(main())


def test_wait_connected_raises_the_connection_failure(cloud):
    async def main():
        async with cloud.async_client(ca_cert=cloud.client_cert_pem) as c:
            await c.wait_connected(1.0)

    with pytest.raises(aoscomm.TLSError):
        run(main())


def test_close_does_not_block_the_loop_and_reports(cloud):
    cloud.drop_acks()

    async def main():
        c = cloud.async_client().start()
        await c.wait_connected(WAIT)
        task = asyncio.ensure_future(c.send(ALERTS))
        await asyncio.get_running_loop().run_in_executor(None, cloud.wait_received, 1, WAIT)
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0)

        t = asyncio.ensure_future(ticker())
        undelivered = await c.close(drain=0.3)
        t.cancel()
        return undelivered, await task, ticks

    undelivered, d, ticks = run(main())
    assert undelivered == [("alerts", d.txn)]
    assert (d.status, d.reason) == ("failed", "closed")
    assert ticks > 10, "the loop kept running while close() drained"


def test_two_loops_in_two_threads(cloud):
    import threading

    results = []

    def worker():
        async def main():
            async with cloud.async_client() as c:
                await c.wait_connected(WAIT)
                return [await c.send(ALERTS) for _ in range(20)]

        results.extend(asyncio.run(main()))

    ts = [threading.Thread(target=worker) for _ in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(WAIT * 3)
    assert len(results) == 40 and all(d.ok for d in results)
