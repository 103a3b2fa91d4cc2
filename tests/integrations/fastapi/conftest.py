"""Fixtures of the FastAPI integration's tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from tests.integrations.fastapi._apps import make_app


@pytest.fixture
def server(live_server: Callable[[object], Any]) -> Iterator[Any]:
    with live_server(make_app()) as running:
        yield running
