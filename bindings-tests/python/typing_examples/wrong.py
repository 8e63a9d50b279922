"""Mistakes `mypy --strict` must report (test_typing.py asserts each line is flagged)."""

import aoscomm
from aoscomm.types import AlertsData

bad_type: AlertsData = {"messageType": "alert", "items": []}  # E: wrong literal
missing: AlertsData = {"messageType": "alerts"}  # E: missing key
d: aoscomm.Delivery = aoscomm.decode(b"")  # E: wrong return type
n: int = aoscomm.decode(b"").txn  # E: str is not int
