"""pytest fixtures shipped with aoscomm (loaded automatically through the ``pytest11`` entry
point):

* ``aoscomm_cloud``: a fresh :class:`aoscomm.testing.MockCloud` per test, stopped afterwards;
* ``aoscomm_client``: a started :class:`aoscomm.Client` connected to it, closed afterwards.
"""

from typing import Iterator

import pytest

from ..client import Client
from . import MockCloud


@pytest.fixture
def aoscomm_cloud() -> Iterator[MockCloud]:
    with MockCloud() as cloud:
        yield cloud


@pytest.fixture
def aoscomm_client(aoscomm_cloud: MockCloud) -> Iterator[Client]:
    with aoscomm_cloud.client() as client:
        client.wait_connected(10.0)
        yield client
