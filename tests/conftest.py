"""Fixtures shared by every test package."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "catalog" / "errors.yaml"


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the user's check cache."""
    monkeypatch.setenv("ERRCAT_CACHE_DIR", str(tmp_path_factory.mktemp("errcat-cache")))
    monkeypatch.delenv("ERRCAT_CATALOG", raising=False)


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture
def catalog_path() -> Path:
    return CATALOG
