"""A loopback HTTP/1.1 server that answers every GET with fixed JSON bytes (keep-alive,
TCP_NODELAY), so client-side costs are what the benchmarks compare.

It runs in a process of its own (``python benchmarks/_server.py`` prints its URL), so that the
server's work neither shares the client's interpreter lock nor is counted as the client's.
"""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
from pathlib import Path
from typing import ClassVar, Dict, Iterator, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from contextlib import contextmanager

from tests.payloads import GENERATION_ID, generation, generations_page

ONE_PATH = f"/generations/{GENERATION_ID}"
PAGE_PATH = "/generations/user/u-1"


def routes() -> Dict[str, bytes]:
    return {
        ONE_PATH: json.dumps({"generations_by_pk": generation()}).encode(),
        PAGE_PATH: json.dumps(generations_page(50, 4)).encode(),
    }


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    routes: ClassVar[Dict[str, bytes]] = {}

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0].removeprefix("/api/rest/v1")
        body = self.routes.get(path, b'{"error":"no route"}')
        self.wfile.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serving() -> Iterator[Tuple[str, Dict[str, bytes]]]:
    """The URL of a benchmark server in another process, and the bytes it serves."""
    process = subprocess.Popen(
        [sys.executable, __file__], stdout=subprocess.PIPE, stdin=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        if not url.startswith("http://"):
            raise RuntimeError("the benchmark server did not start")
        yield url, routes()
    finally:
        process.kill()
        process.wait(10)


def main() -> None:
    handler = type("Handler", (_Handler,), {"routes": routes()})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.request_queue_size = 128
    print(f"http://127.0.0.1:{server.server_address[1]}/api/rest/v1", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
