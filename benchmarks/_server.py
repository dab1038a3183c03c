"""A loopback HTTP/1.1 server that answers every GET with fixed JSON bytes (keep-alive,
TCP_NODELAY), so client-side costs are what the benchmarks compare."""

from __future__ import annotations

import http.server
import threading
from typing import ClassVar, Dict, Tuple


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    routes: ClassVar[Dict[str, bytes]] = {}

    def do_GET(self) -> None:
        body = self.routes.get(self.path.split("?", 1)[0], b'{"error":"no route"}')
        self.wfile.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )

    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(routes: Dict[str, bytes]) -> Tuple[str, http.server.ThreadingHTTPServer]:
    handler = type("Handler", (_Handler,), {"routes": routes})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server
