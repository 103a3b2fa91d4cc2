"""A bare HTTP/1.1 server on 127.0.0.1 that misbehaves on cue: trickles, stalls and resets.

uvicorn always answers well, so the transport cases that need a broken server (a body
reset halfway, headers sent a byte at a time) use this one: real sockets, a thread per
connection, a script of steps per answer. Every loop is bounded by its script, and the
server stops every thread on exit.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Iterable, Sequence

#: A step that closes the connection with a TCP reset (SO_LINGER 0) instead of a clean close.
RESET = "reset"

Step = bytes | float | str


def response_head(status: int, headers: dict[str, str] | None = None, length: int | None = None) -> bytes:
    """A status line and headers (``Connection: close``, so every answer has its own connection)."""
    lines = [f"HTTP/1.1 {status} X", "Connection: close", "Content-Type: application/json"]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def answer(status: int, body: bytes, headers: dict[str, str] | None = None) -> list[Step]:
    """A whole, well-formed answer."""
    return [response_head(status, headers, len(body)) + body]


def trickle(data: bytes, interval: float) -> list[Step]:
    """``data`` one byte at a time, ``interval`` seconds apart."""
    steps: list[Step] = []
    for byte in data:
        steps += [bytes([byte]), interval]
    return steps


class RawServer:
    """Serves each connection the next script (the last one repeats) and records each request's head."""

    def __init__(self, *scripts: Sequence[Step]) -> None:
        self.scripts = [list(script) for script in scripts]
        self.requests: list[bytes] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def __enter__(self) -> RawServer:
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in list(self._threads):
            thread.join(timeout=5)
        self._listener.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                script = self.scripts.pop(0) if len(self.scripts) > 1 else self.scripts[0]
            thread = threading.Thread(target=self._serve, args=(conn, script), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, conn: socket.socket, script: Iterable[Step]) -> None:
        with conn:
            conn.settimeout(5)
            try:
                head = self._read_request(conn)
            except OSError:
                return
            with self._lock:
                self.requests.append(head)
            for step in script:
                if self._stop.is_set():
                    return
                try:
                    if isinstance(step, bytes):
                        conn.sendall(step)
                    elif step == RESET:
                        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                        return
                    else:
                        assert isinstance(step, float)
                        self._stop.wait(step)
                except OSError:  # the client went away: the rest of the script is moot
                    return
            # Wait (bounded) for the client to close, so that it reads everything before the FIN.
            deadline = time.monotonic() + 2
            conn.settimeout(0.05)
            while not self._stop.is_set() and time.monotonic() < deadline:
                try:
                    if not conn.recv(4096):
                        return
                except TimeoutError:
                    continue
                except OSError:
                    return

    @staticmethod
    def _read_request(conn: socket.socket) -> bytes:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                raise ConnectionResetError("the client closed before sending a request")
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(rest) < length:
            chunk = conn.recv(4096)
            if not chunk:
                break
            rest += chunk
        return head
