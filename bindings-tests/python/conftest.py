"""Shared helpers for the aoscomm Python suite (the `aoscomm_cloud` / `aoscomm_client`
fixtures come from the package's own pytest plugin)."""

import json
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

import aoscomm
from aoscomm.testing import MockCloud

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "aoscomm" / "tests" / "data"
WAIT = 10.0


def canonical_frames() -> List[Path]:
    return sorted((DATA / "canonical").glob("*.json"))


def first_data_of_each_type() -> Dict[str, Dict[str, Any]]:
    """One canonical `data` object per message type (from our own test data)."""
    out: Dict[str, Dict[str, Any]] = {}
    for p in canonical_frames():
        frame = json.loads(p.read_bytes())
        out.setdefault(frame["data"]["messageType"], frame["data"])
    return out


@pytest.fixture
def cloud() -> Iterator[MockCloud]:
    with MockCloud() as c:
        yield c


@pytest.fixture
def client(cloud: MockCloud) -> Iterator[aoscomm.Client]:
    with cloud.client() as c:
        c.wait_connected(WAIT)
        yield c
