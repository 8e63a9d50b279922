"""A typed script against the public API; `mypy --strict` must accept it (test_typing.py)."""

import asyncio
from typing import List

import aoscomm
from aoscomm.testing import MockCloud
from aoscomm.types import AlertsData, RequestBlobUrlsData, UnitStatusData


def unit_status() -> UnitStatusData:
    return {"messageType": "unitStatus", "isDeltaInfo": False, "unitConfig": [], "nodes": [],
            "items": [], "instances": [], "subjects": []}


def blocking(cloud: MockCloud) -> List[str]:
    alerts: AlertsData = {"messageType": "alerts", "items": []}
    client = cloud.client(response_timeout=5.0)
    events = client.events()  # before start: sees the first connection too
    with client:
        client.wait_connected(10.0)
        d: aoscomm.Delivery = client.send(alerts, timeout=10.0)
        pending: aoscomm.PendingDelivery = client.submit(unit_status())
        pending.result(10.0).raise_for_status()
        req: RequestBlobUrlsData = {"messageType": "requestBlobUrls", "digests": ["sha256:00"]}
        try:
            resp: aoscomm.Message = client.request(req, timeout=1.0)
            print(resp.message_type, resp.data.get("items"))
        except aoscomm.TimeoutError:
            pass
        for ev in events:
            if ev.kind == "delivery" and ev.delivery is not None:
                print(ev.delivery.status)
                break
        return [d.txn, d.status]


async def asynchronous(cloud: MockCloud) -> str:
    client = cloud.async_client()
    events = client.events()
    async with client:
        await client.wait_connected(10.0)
        d = await client.send({"messageType": "alerts", "items": []})
        async for ev in events:
            print(ev.kind)
            break
        return d.status


def codec() -> None:
    try:
        m = aoscomm.decode(b"{}")
    except aoscomm.DecodeError as e:
        print(e.path, e.reason, e.kind)
    else:
        print(m.txn, m.correlation_id, m.created_at, aoscomm.encode(m))


if __name__ == "__main__":
    with MockCloud() as c:
        print(blocking(c), asyncio.run(asynchronous(c)))
    codec()
