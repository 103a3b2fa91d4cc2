"""Fixtures shared by every test package."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from errcat.toolchain.model import Catalog

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "catalog" / "errors.yaml"


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the user's check cache."""
    monkeypatch.setenv("ERRCAT_CACHE_DIR", str(tmp_path_factory.mktemp("errcat-cache")))
    monkeypatch.delenv("ERRCAT_CATALOG", raising=False)


@pytest.fixture
def hostile_catalog() -> Catalog:
    """The shipped catalog with a hostile string in every free-text field."""
    from tests.builders import build, hostile_data

    return build(hostile_data())


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture
def catalog_path() -> Path:
    return CATALOG


class LiveServer:
    """An ASGI app served by a real uvicorn on 127.0.0.1, in a thread of the test process."""

    def __init__(self, app: object) -> None:
        import socket
        import threading

        import uvicorn

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port: int = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._sock = sock

    def __enter__(self) -> LiveServer:
        import time

        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()


@pytest.fixture
def live_server() -> Callable[[object], LiveServer]:
    """``with live_server(app) as server: httpx.get(server.url + "/")``."""
    return LiveServer
