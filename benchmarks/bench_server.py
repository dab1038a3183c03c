"""LocalLeonardo latency for small requests over one keep-alive connection.

Uses ``http.client`` (the lightest stdlib client) so the figures are the server's. Target
(issue 3): small responses well under a millisecond; a p99 near 40 ms would mean a
Nagle/delayed-ACK stall.
"""

from __future__ import annotations

import http.client
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from leonardoaisdk.testing import LocalLeonardo

TARGET_MEDIAN_MS = 1.0
STALL_MS = 20.0


def _measure(call: Callable[[], None], rounds: int) -> Dict[str, float]:
    for _ in range(50):
        call()
    times: List[float] = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"median_ms": statistics.median(times), "p99_ms": times[int(len(times) * 0.99) - 1]}


def run(rounds: int = 2000) -> Dict[str, Dict[str, float]]:
    with LocalLeonardo(complete_after=0) as server:
        host, port = server.origin.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port))
        headers = {"Authorization": f"Bearer {server.api_key}", "Content-Type": "application/json"}
        body = json.dumps({"prompt": "a cat", "num_images": 1}).encode()

        def request(method: str, path: str, payload: bytes = b"") -> Callable[[], None]:
            def call() -> None:
                url = "/api/rest/v1" + path
                connection.request(method, url, body=payload or None, headers=headers)
                response = connection.getresponse()
                response.read()
                assert response.status == 200, response.status

            return call

        results = {
            "GET /me": _measure(request("GET", "/me"), rounds),
            "POST /generations": _measure(request("POST", "/generations", body), rounds // 4),
        }
        connection.close()
        return results


def main(rounds: int = 2000) -> int:
    failed = False
    for name, r in run(rounds).items():
        ok = r["median_ms"] < TARGET_MEDIAN_MS and r["p99_ms"] < STALL_MS
        failed |= not ok
        print(
            f"{name:<18} median {r['median_ms']:.3f} ms  p99 {r['p99_ms']:.3f} ms  "
            f"(target: median < {TARGET_MEDIAN_MS} ms, no stalls) {'ok' if ok else 'MISSED'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
