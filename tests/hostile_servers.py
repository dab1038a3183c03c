"""Misbehaving servers on 127.0.0.1, built from raw sockets (optionally TLS), for the tests
that prove the SDK's promises hold against them.

Each server handles connections on a thread with a per-socket timeout, counts the requests it
read in full, and stops (joining its threads) on ``close()``; every loop is bounded.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
from typing import Callable, List, Optional

Handler = Callable[["Connection"], None]


class Connection:
    """One accepted connection, with helpers to read a whole request and answer it."""

    def __init__(self, sock: socket.socket, server: RawServer, number: int) -> None:
        self.sock = sock
        self.server = server
        self.number = number
        self._buffer = b""

    def read_request(self) -> bytes:
        """The request line, headers and ``Content-Length`` body; counts it on the server."""
        while b"\r\n\r\n" not in self._buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("client went away before its headers")
            self._buffer += chunk
        head, _, rest = self._buffer.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(rest) < length:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("client went away before its body")
            rest += chunk
        request = head + b"\r\n\r\n" + rest[:length]
        self._buffer = rest[length:]
        self.server.record(request)
        return request

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def drip(self, data: bytes, every: float, stop_after: float) -> None:
        """Send ``data`` a byte at a time, ``every`` seconds, for at most ``stop_after`` s."""
        ends = time.monotonic() + stop_after
        for index in range(len(data)):
            if time.monotonic() > ends or self.server.stopping.is_set():
                return
            self.sock.sendall(data[index : index + 1])
            self.server.stopping.wait(every)


class RawServer:
    """Accepts connections on 127.0.0.1 and runs ``handler(connection)`` for each."""

    def __init__(
        self,
        handler: Handler,
        *,
        tls: Optional[ssl.SSLContext] = None,
        plain_first: int = 0,
        socket_timeout: float = 10.0,
    ) -> None:
        self.handler = handler
        self.tls = tls
        self.plain_first = plain_first  # connections handled before (without) the handshake
        self.socket_timeout = socket_timeout
        self.requests: List[bytes] = []
        self.connections = 0
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self._threads: List[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True)
        self._acceptor.start()

    @property
    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}/api/rest/v1"

    def record(self, request: bytes) -> None:
        with self._lock:
            self.requests.append(request)

    def count(self, method: str) -> int:
        with self._lock:
            return sum(1 for r in self.requests if r.startswith(method.encode() + b" "))

    def _accept_loop(self) -> None:
        while not self.stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except (socket.timeout, OSError):
                continue
            with self._lock:
                self.connections += 1
                number = self.connections
            thread = threading.Thread(target=self._serve, args=(sock, number), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, sock: socket.socket, number: int) -> None:
        sock.settimeout(self.socket_timeout)
        try:
            if self.tls is not None and number > self.plain_first:
                sock = self.tls.wrap_socket(sock, server_side=True)
            self.handler(Connection(sock, self, number))
        except (OSError, ConnectionError, ssl.SSLError):
            pass  # the client gave up: that is what these servers provoke
        finally:
            with contextlib.suppress(OSError):
                sock.close()

    def close(self) -> None:
        self.stopping.set()
        self._acceptor.join(5)
        for thread in self._threads:
            thread.join(5)
        self._listener.close()

    def __enter__(self) -> RawServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def http_answer(
    status: str = "200 OK",
    body: bytes = b"{}",
    content_type: str = "application/json",
    extra: str = "",
) -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\n{extra}\r\n"
    )
    return head.encode("latin-1") + body
