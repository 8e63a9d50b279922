"""``Client`` (blocking) and ``AsyncClient`` (asyncio): the unit side of the channel.

Both take the same keyword settings, named after the reference's settings
(``service_discovery_url``, ``override_service_discovery_url``, ``ca_cert``, ``client_cert``,
``client_key``, ``system_id``, ``response_timeout``, ``message_log``) plus ours (queue bounds,
window, ping and reconnect timing). Certificates and keys are a path (``str`` or
``os.PathLike``) or PEM content (``bytes``, or a ``str`` containing ``-----BEGIN``).
Durations are seconds.
"""

import asyncio
import atexit
import os
import threading
import weakref
from typing import Any, List, Mapping, Optional, Tuple, TypeVar, Union

from . import _aoscomm
from ._aoscomm import Delivery, EventStream, Message, PendingDelivery

__all__ = ["Client", "AsyncClient", "DataLike", "PemLike"]

#: A ``data`` object: a dict (e.g. one of the ``aoscomm.types`` TypedDicts) or its JSON text.
DataLike = Union[Mapping[str, Any], str, bytes]
#: A certificate or key: a file path, or PEM content.
PemLike = Union[str, bytes, "os.PathLike[str]"]

_live: "weakref.WeakSet[_ClientBase]" = weakref.WeakSet()
_live_lock = threading.Lock()

_C = TypeVar("_C", bound="_ClientBase")


class _ClientBase:
    """The settings and the non-waiting methods shared by both clients."""

    def __init__(
        self,
        *,
        service_discovery_url: str,
        system_id: str,
        ca_cert: Optional[PemLike] = None,
        client_cert: Optional[PemLike] = None,
        client_key: Optional[PemLike] = None,
        override_service_discovery_url: Optional[str] = None,
        server_name: Optional[str] = None,
        response_timeout: float = 10.0,
        message_log: "Optional[Union[str, os.PathLike[str]]]" = None,
        message_log_timestamps: bool = False,
        queue_max_messages: int = 4096,
        queue_max_bytes: int = 64 * 1024 * 1024,
        overflow: str = "reject_new",
        max_in_flight: int = 256,
        max_nack_resends: int = 16,
        ping_interval: float = 30.0,
        dead_link_timeout: float = 30.0,
        connect_timeout: float = 10.0,
        reconnect_delay: float = 1.0,
        max_reconnect_delay: float = 600.0,
        reconnect_jitter: float = 0.2,
        max_message_size: int = 16 * 1024 * 1024,
        event_queue_capacity: int = 4096,
    ) -> None:
        self._native = _aoscomm.NativeClient(
            service_discovery_url=service_discovery_url,
            system_id=system_id,
            ca_cert=ca_cert,
            client_cert=client_cert,
            client_key=client_key,
            override_service_discovery_url=override_service_discovery_url,
            server_name=server_name,
            response_timeout=response_timeout,
            message_log=os.fspath(message_log) if message_log is not None else None,
            message_log_timestamps=message_log_timestamps,
            queue_max_messages=queue_max_messages,
            queue_max_bytes=queue_max_bytes,
            overflow=overflow,
            max_in_flight=max_in_flight,
            max_nack_resends=max_nack_resends,
            ping_interval=ping_interval,
            dead_link_timeout=dead_link_timeout,
            connect_timeout=connect_timeout,
            reconnect_delay=reconnect_delay,
            max_reconnect_delay=max_reconnect_delay,
            reconnect_jitter=reconnect_jitter,
            max_message_size=max_message_size,
            event_queue_capacity=event_queue_capacity,
        )
        with _live_lock:
            _live.add(self)

    def start(self: _C) -> _C:
        """Starts connecting, and reconnecting until :meth:`close`. Non-important messages are
        accepted from now on (important ones may be queued before). Returns the client."""
        self._native.start()
        return self

    @property
    def system_id(self) -> str:
        return self._native.system_id

    @property
    def is_connected(self) -> bool:
        """Whether the WebSocket is up now."""
        return self._native.is_connected

    @property
    def closed(self) -> bool:
        return self._native.closed

    def stats(self) -> "dict[str, int]":
        """Counters: ``connections``, ``sent_frames``, ``resent``, ``received_frames``."""
        return self._native.stats()

    def submit(self, data: DataLike, *, important: Optional[bool] = None) -> PendingDelivery:
        """Validates ``data`` (raises :class:`aoscomm.DecodeError` naming the field; nothing is
        queued then) and queues it; returns at once. ``important`` messages may be queued before
        :meth:`start` (default: the type's reference default)."""
        return self._native.submit(data, important=important)

    def events(self) -> EventStream:
        """A new subscription to the client's events, from now on (iterate it, or ``async
        for`` over it). Subscribe before :meth:`start` to see the first connection."""
        return self._native.events()

    def __repr__(self) -> str:
        state = "closed" if self.closed else ("connected" if self.is_connected else "not connected")
        return f"<{type(self).__name__} system_id={self.system_id!r} {state}>"


class Client(_ClientBase):
    """The blocking client. Every wait releases the interpreter and answers Ctrl-C; it works in
    threads (one client may be shared) and inside a running event loop (e.g. Jupyter's).

    ``with Client(...) as c:`` starts it and closes it on exit.
    """

    def wait_connected(self, timeout: float = 10.0) -> None:
        """Waits until connected; raises the latest connection failure
        (:class:`aoscomm.ConnectionError` subclass) or :class:`aoscomm.TimeoutError`."""
        self._native.wait_connected(timeout)

    def send(
        self, data: DataLike, *, important: Optional[bool] = None, timeout: Optional[float] = None
    ) -> Delivery:
        """Validates and queues ``data``, then waits for its outcome: a :class:`Delivery` with
        ``status`` ``"acked"``, ``"failed"`` or ``"dropped"``. With ``timeout`` (seconds),
        raises :class:`aoscomm.TimeoutError` when the outcome is not known by then (the
        message stays queued). Ctrl-C while waiting withdraws the message."""
        return self._native.send(data, important=important, timeout=timeout)

    def request(self, data: DataLike, *, timeout: Optional[float] = None) -> Message:
        """Sends a request (``requestBlobUrls``, provisioning, ...) and returns the response with
        the same ``correlationId`` (generated when absent). Raises
        :class:`aoscomm.TimeoutError` after ``timeout`` (default ``response_timeout``); the
        request is then withdrawn and never resent."""
        return self._native.request(data, timeout=timeout)

    def close(self, drain: float = 0.0) -> List[Tuple[str, str]]:
        """Stops the client. When connected, first waits up to ``drain`` seconds for held
        messages to be acked. Returns ``(message_type, txn)`` of every message still
        undelivered (each got a ``failed``/``closed`` outcome). Idempotent."""
        return self._native.close(drain)

    def __enter__(self) -> "Client":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncClient(_ClientBase):
    """The asyncio client. Awaiting ``send``/``request`` does not block the loop; cancelling
    the awaiting task withdraws the message (it is not sent again; outcome ``cancelled``).

    ``async with AsyncClient(...) as c:`` starts it and closes it on exit.
    """

    async def wait_connected(self, timeout: float = 10.0) -> None:
        """Waits until connected; raises the latest connection failure
        (:class:`aoscomm.ConnectionError` subclass) or :class:`aoscomm.TimeoutError`."""
        await self._native.wait_connected_async(timeout)

    async def send(self, data: DataLike, *, important: Optional[bool] = None) -> Delivery:
        """Validates and queues ``data`` (raising :class:`aoscomm.DecodeError` when it is
        invalid; nothing is queued then) and resolves to its :class:`Delivery`."""
        loop = asyncio.get_running_loop()
        future: "asyncio.Future[Delivery]" = loop.create_future()
        pending = self._native.submit_future(_bridge(loop), future, data, important=important)
        try:
            return await future
        except asyncio.CancelledError:
            pending.cancel()
            raise

    async def request(self, data: DataLike, *, timeout: Optional[float] = None) -> Message:
        """Sends a request and resolves to the correlated response; raises
        :class:`aoscomm.TimeoutError` after ``timeout`` (default ``response_timeout``)."""
        loop = asyncio.get_running_loop()
        future: "asyncio.Future[Message]" = loop.create_future()
        canceller = self._native.request_future(_bridge(loop), future, data, timeout=timeout)
        try:
            return await future
        except asyncio.CancelledError:
            canceller.cancel()
            raise

    async def close(self, drain: float = 0.0) -> List[Tuple[str, str]]:
        """Stops the client (see :meth:`Client.close`), without blocking the loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, self._native.close, drain)

    async def __aenter__(self) -> "AsyncClient":
        return self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


_bridges: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _aoscomm.LoopBridge]" = (
    weakref.WeakKeyDictionary()
)


def _bridge(loop: asyncio.AbstractEventLoop) -> "_aoscomm.LoopBridge":
    """The loop's bridge: outcomes computed on the client's threads are queued natively and the
    loop, woken through a socket it watches, settles all queued futures in one call."""
    b = _bridges.get(loop)
    if b is None:
        b = _aoscomm.LoopBridge()
        loop.add_reader(b.fileno(), b.drain)
        _bridges[loop] = b
    return b


def _close_all() -> None:
    with _live_lock:
        clients = list(_live)
    for c in clients:
        try:
            c._native.close(0.0)
        except Exception:  # noqa: BLE001 - best effort at interpreter exit
            pass


atexit.register(_close_all)
