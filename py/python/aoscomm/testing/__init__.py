"""Test helpers: :class:`MockCloud`, an in-process AosCloud (HTTPS discovery + WebSocket over
mutual TLS on 127.0.0.1, with a generated test PKI) that records what it receives and can be
scripted (push, nack, drop acks, close the connection, answer blob requests).

>>> from aoscomm.testing import MockCloud
>>> with MockCloud() as cloud, cloud.client() as client:
...     client.wait_connected()
...     client.send({"messageType": "alerts", "items": []}).status
'acked'
"""

import atexit
import os
import tempfile
import threading
import weakref
from typing import Any, Callable, List, Optional

from .. import _aoscomm
from .._aoscomm import Message
from ..client import AsyncClient, Client, DataLike

__all__ = ["MockCloud"]

_live: "weakref.WeakSet[MockCloud]" = weakref.WeakSet()
_live_lock = threading.Lock()


class MockCloud:
    """A running mock cloud; a context manager (``stop()`` on exit).

    ``discovery_url``, ``system_id`` and the PEM files ``ca_cert``, ``client_cert``,
    ``client_key`` (paths in a temporary directory; ``*_pem`` give the bytes) configure a unit;
    :meth:`client` and :meth:`async_client` return a client already configured for it, with
    short reconnect delays.
    """

    def __init__(self, system_id: str = "test_system_id", *, next_request_delay: float = 0.03) -> None:
        self._native = _aoscomm.NativeMockCloud(system_id, next_request_delay=next_request_delay)
        self._dir = tempfile.TemporaryDirectory(prefix="aoscomm-mock-")
        self._native.write_pki(self._dir.name)
        with _live_lock:
            _live.add(self)

    # ---- where it is -------------------------------------------------------------------

    @property
    def discovery_url(self) -> str:
        return self._native.discovery_url

    @property
    def ws_url(self) -> str:
        return self._native.ws_url

    @property
    def system_id(self) -> str:
        return self._native.system_id

    @property
    def ca_cert(self) -> str:
        """Path of the test CA certificate (PEM)."""
        return os.path.join(self._dir.name, "ca.pem")

    @property
    def client_cert(self) -> str:
        """Path of the unit's client certificate (PEM)."""
        return os.path.join(self._dir.name, "client.pem")

    @property
    def client_key(self) -> str:
        """Path of the unit's client key (PKCS#8 PEM)."""
        return os.path.join(self._dir.name, "client-key.pem")

    @property
    def ca_pem(self) -> bytes:
        return self._native.ca_pem

    @property
    def client_cert_pem(self) -> bytes:
        return self._native.client_cert_pem

    @property
    def client_key_pem(self) -> bytes:
        return self._native.client_key_pem

    def settings(self, **overrides: Any) -> "dict[str, Any]":
        """The client settings for this cloud (short reconnect delays), with ``overrides``."""
        s: "dict[str, Any]" = dict(
            service_discovery_url=self.discovery_url,
            system_id=self.system_id,
            ca_cert=self.ca_cert,
            client_cert=self.client_cert,
            client_key=self.client_key,
            response_timeout=5.0,
            reconnect_delay=0.02,
            reconnect_jitter=0.0,
            connect_timeout=5.0,
        )
        s.update(overrides)
        return s

    def client(self, **overrides: Any) -> Client:
        """A :class:`aoscomm.Client` configured for this cloud (not started: use ``with`` or
        ``start()``)."""
        return Client(**self.settings(**overrides))

    def async_client(self, **overrides: Any) -> AsyncClient:
        """An :class:`aoscomm.AsyncClient` configured for this cloud (not started)."""
        return AsyncClient(**self.settings(**overrides))

    # ---- scripting ---------------------------------------------------------------------

    def ack_all(self) -> None:
        """Ack every message at once (the default)."""
        self._native.ack_all()

    def drop_acks(self) -> None:
        """Answer nothing: the unit resends after its response timeout, then gives up."""
        self._native.drop_acks()

    def nack(self, retry_after: float = 0.5, *, first: Optional[int] = None) -> None:
        """Nack with ``retryAfter`` (seconds): every transmission, or only the first ``first``
        transmissions of each txn (then ack)."""
        self._native.nack(retry_after, first=first)

    def ack_after(self, delay: float) -> None:
        """Ack each message ``delay`` seconds after receiving it."""
        self._native.ack_after(delay)

    def answer_blob_requests(self, on: bool = True) -> None:
        """Answer ``requestBlobUrls`` with ``blobUrls`` (same ``correlationId``)."""
        self._native.answer_blob_requests(on)

    def close_after(self, n: int) -> None:
        """Close the connection on receiving the ``n``-th next frame (0 cancels)."""
        self._native.close_after(n)

    def reject_upgrades(self, status: int, n: int = 1) -> None:
        """Answer the next ``n`` WebSocket upgrades with HTTP ``status``."""
        self._native.reject_upgrades(status, n)

    def fail_discovery(self, status: int, n: int = 1) -> None:
        """Answer the next ``n`` discovery requests with HTTP ``status``."""
        self._native.fail_discovery(status, n)

    def push(self, data: DataLike) -> str:
        """Sends a cloud→unit message (validated first; header made by the cloud) on the open
        connection, or queues it for the next one. Returns its txn."""
        return self._native.push(data)

    def push_raw(self, frame: bytes) -> None:
        """Sends ``frame`` as one BINARY frame, unvalidated (e.g. a duplicate txn)."""
        self._native.push_raw(frame)

    def push_text(self, text: str) -> None:
        """Sends a TEXT frame (v7 units ignore them)."""
        self._native.push_text(text)

    def close_connection(self) -> bool:
        """Closes the open connection with a close frame; False when none is open."""
        return self._native.close_connection()

    def drop_connection(self) -> bool:
        """Drops the open connection without a close frame; False when none is open."""
        return self._native.drop_connection()

    def hold_connection(self) -> bool:
        """Stops reading and writing on the open connection (pings go unanswered)."""
        return self._native.hold_connection()

    # ---- observation -------------------------------------------------------------------

    @property
    def received(self) -> List[Message]:
        """The frames the unit sent that decode (acks for pushed messages included), in order."""
        return self._native.received

    @property
    def received_raw(self) -> List[bytes]:
        """Every BINARY frame received, as bytes."""
        return self._native.received_raw

    def received_of(self, message_type: str) -> List[Message]:
        """The received messages of one type."""
        return [m for m in self._native.received if m.message_type == message_type]

    @property
    def pushed(self) -> List[str]:
        """Txns of the messages the cloud pushed."""
        return self._native.pushed

    @property
    def acks_from_unit(self) -> List[str]:
        """Txns the unit acknowledged."""
        return self._native.acks_from_unit

    @property
    def connections(self) -> int:
        """WebSocket connections accepted so far."""
        return self._native.connections

    @property
    def violations(self) -> List[str]:
        """Protocol rules the unit broke, as text (empty for a well-behaved unit)."""
        return self._native.violations

    def transmissions(self, txn: str) -> int:
        """How often the unit transmitted ``txn``."""
        return self._native.transmissions(txn)

    def wait_received(self, n: int, timeout: float = 10.0) -> bool:
        """Waits for at least ``n`` received frames; False when ``timeout`` passes first."""
        return self._native.wait_received(n, timeout)

    def wait_connections(self, n: int, timeout: float = 10.0) -> bool:
        """Waits for at least ``n`` connections; False when ``timeout`` passes first."""
        return self._native.wait_connections(n, timeout)

    def wait_for(self, predicate: Callable[[], object], timeout: float = 10.0) -> bool:
        """Waits until ``predicate()`` is true, re-checked whenever the cloud's state changes;
        False when ``timeout`` passes first."""
        return self._native.wait_for(predicate, timeout)

    # ---- life ----------------------------------------------------------------------------

    def stop(self) -> None:
        """Stops the endpoints and ends every connection. Idempotent."""
        self._native.stop()
        self._dir.cleanup()

    @property
    def stopped(self) -> bool:
        return self._native.stopped

    def __enter__(self) -> "MockCloud":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<MockCloud {self.discovery_url} system_id={self.system_id!r}>"


def _stop_all() -> None:
    with _live_lock:
        clouds = list(_live)
    for c in clouds:
        try:
            c.stop()
        except Exception:  # noqa: BLE001 - best effort at interpreter exit
            pass


atexit.register(_stop_all)
