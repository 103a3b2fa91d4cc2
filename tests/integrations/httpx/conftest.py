"""Fixtures of the httpx integration's tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def slept() -> list[float]:
    return []
