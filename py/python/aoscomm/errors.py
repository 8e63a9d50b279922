"""The exceptions of ``aoscomm``: everything it raises on purpose derives from :class:`Error`.

Each class also derives from the closest built-in exception, so ``except ValueError`` catches a
:class:`DecodeError`, ``except TimeoutError`` catches :class:`aoscomm.TimeoutError` and
``except ConnectionError`` catches :class:`aoscomm.ConnectionError`.
"""

import builtins
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from ._aoscomm import Delivery

__all__ = [
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


class Error(Exception):
    """Base class of every ``aoscomm`` error."""


class DecodeError(Error, ValueError):
    """A frame or ``data`` object breaks a protocol rule; nothing was queued.

    ``path`` names the field (``data.nodes[1].identity``), ``reason`` the rule
    (``missing key "codename"``), ``kind`` the rule's class (``missing_key``, ``wrong_type``,
    ``too_long``, ``not_json``, ...).
    """

    def __init__(self, message: str, path: str = "", reason: str = "", kind: str = "") -> None:
        super().__init__(message)
        self.path = path
        self.reason = reason
        self.kind = kind

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (type(self), (str(self), self.path, self.reason, self.kind))


class ConfigError(Error, ValueError):
    """A setting is invalid (names the setting and the rule), or a file cannot be read."""


class SendError(Error):
    """The client refused to queue a message (not started yet, too large, ...)."""


class QueueFull(SendError):
    """The outbox is at its bound and the overflow policy refuses new messages."""


class ClosedError(Error):
    """The client (or mock cloud) is closed."""


class TimeoutError(Error, builtins.TimeoutError):
    """A wait ran out of time (a request's response, a delivery outcome, a connection)."""


class DeliveryFailed(Error):
    """A message was not acknowledged (``Delivery.raise_for_status``); see ``delivery``."""

    def __init__(self, message: str, delivery: "Optional[Delivery]" = None) -> None:
        super().__init__(message)
        self.delivery = delivery

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (type(self), (str(self), self.delivery))


class RequestFailed(DeliveryFailed):
    """A request ended without a response for another reason than a timeout or a close
    (``reason``: ``no_ack``, ``nack_limit``, ``cancelled``)."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message, None)
        self.reason = reason

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (type(self), (str(self), self.reason))


class ConnectionError(Error, builtins.ConnectionError):
    """The client could not connect. ``kind`` is the transport's classification
    (``connect``, ``timeout``, ``http_status``, ``untrusted_server``, ...)."""

    def __init__(self, message: str, kind: str = "") -> None:
        super().__init__(message)
        self.kind = kind

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (type(self), (str(self), self.kind))


class TLSError(ConnectionError):
    """TLS failed: untrusted server, hostname mismatch, client certificate missing or rejected."""


class AuthError(ConnectionError):
    """The cloud refused the unit (HTTP 401/403)."""


class DiscoveryError(ConnectionError):
    """Service discovery failed (unreachable, HTTP error, invalid answer)."""
