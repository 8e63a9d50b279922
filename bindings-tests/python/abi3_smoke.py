"""The one abi3 wheel on another CPython: codec, blocking and asyncio clients against the
mock cloud. Run by run.sh with every CPython >= 3.9 it finds; exits non-zero on failure."""

import asyncio
import sys

import aoscomm
from aoscomm.testing import MockCloud

ALERTS = {"messageType": "alerts", "items": []}

frame = aoscomm.encode(ALERTS, system_id="unit-1")
assert aoscomm.decode(frame).data == ALERTS
try:
    aoscomm.decode_data({"messageType": "alerts", "items": [{"tag": "systemAlert"}]})
    raise SystemExit("DecodeError expected")
except aoscomm.DecodeError as e:
    assert e.path == "data.items[0]", e.path

with MockCloud() as cloud:
    with cloud.client() as c:
        c.wait_connected(10)
        assert c.send(ALERTS, timeout=10).status == "acked"

    async def main() -> str:
        async with cloud.async_client() as a:
            await a.wait_connected(10)
            return (await a.send(ALERTS)).status

    assert asyncio.run(main()) == "acked"

# aoscomm.analysis imports without its extra and says what is missing when used.
import aoscomm.analysis as an  # noqa: E402

try:
    an.read_log(b"TX: {}")
    print("aoscomm.analysis: the extra is installed here")
except an.MissingDependency as e:
    assert "pip install 'aoscomm[analysis]'" in str(e), e
print("abi3 smoke ok on", sys.version.split()[0])
