"""aoscomm: the unit side of the AosCloud cloud-communication channel (protocol v7).

* :func:`decode` / :func:`encode` / :func:`decode_data`: the codec (every field, limit and
  encoding of the reference; errors name the field and the rule).
* :class:`Client` (blocking) and :class:`AsyncClient` (asyncio): discovery, WebSocket over
  mutual TLS, acks, resends, nacks, reconnects, request/response.
* :mod:`aoscomm.testing`: a mock cloud for tests (and a pytest fixture).
* :mod:`aoscomm.types`: ``TypedDict`` shapes of every message's ``data``.

Rust-side log records go to the :mod:`logging` logger ``"aoscomm"``.
"""

import atexit as _atexit

from . import _aoscomm

# atexit runs handlers last-in first-out: registered before the client module's handler, the
# log pump stops only after every client has closed.
_atexit.register(_aoscomm.shutdown_logging)

from ._aoscomm import (
    CLOUD_TO_UNIT,
    MESSAGE_TYPES,
    PROTOCOL_VERSION,
    UNIT_TO_CLOUD,
    Delivery,
    Event,
    EventStream,
    Message,
    PendingDelivery,
    decode,
    decode_data,
    encode,
)
from .client import AsyncClient, Client, DataLike, PemLike
from .errors import (
    AuthError,
    ClosedError,
    ConfigError,
    ConnectionError,
    DecodeError,
    DeliveryFailed,
    DiscoveryError,
    Error,
    QueueFull,
    RequestFailed,
    SendError,
    TimeoutError,
    TLSError,
)

__version__: str = _aoscomm.__version__

__all__ = [
    "__version__",
    "PROTOCOL_VERSION",
    "MESSAGE_TYPES",
    "UNIT_TO_CLOUD",
    "CLOUD_TO_UNIT",
    "decode",
    "decode_data",
    "encode",
    "Message",
    "Delivery",
    "PendingDelivery",
    "Event",
    "EventStream",
    "Client",
    "AsyncClient",
    "DataLike",
    "PemLike",
    "Error",
    "DecodeError",
    "ConfigError",
    "SendError",
    "QueueFull",
    "ClosedError",
    "TimeoutError",
    "DeliveryFailed",
    "RequestFailed",
    "ConnectionError",
    "TLSError",
    "AuthError",
    "DiscoveryError",
]
