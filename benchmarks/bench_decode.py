"""GET + decode through the SDK vs raw ``requests`` + ``json.loads``, same server, same run.

Prints per-call medians and the ratio SDK / baseline for one full generation and for a page of
50 generations x 4 images (targets <= 1.0x and <= 1.5x), and for decoding that page from its
bytes, ``json.loads`` + the models vs ``json.loads`` alone (target <= 2.5x).
"""

from __future__ import annotations

import gc
import json
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any, Callable, Dict, List, Set

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import requests
from tests.payloads import GENERATION_ID

import leonardoaisdk
from benchmarks._server import ONE_PATH, PAGE_PATH, serving
from leonardoaisdk._codec import plan_for

TARGETS = {"one generation": 1.0, "page of 50": 1.5, "decode page": 2.5}
REPORTED_ONLY: Set[str] = set()
"""Targets measured and printed but not enforced (none: the page decode, reported only while it
landed on either side of 2.5x, measures 1.6-1.8x since the plans compile their decoders; see
docs/performance.md)."""


def _median_pair(
    ours: Callable[[], Any], baseline: Callable[[], Any], rounds: int
) -> Dict[str, float]:
    for _ in range(max(20, rounds // 10)):  # warm up connections and plans
        ours()
        baseline()
    ours_times: List[float] = []
    base_times: List[float] = []
    gc.disable()
    try:
        for _ in range(rounds):  # interleaved, so drift hits both alike
            t0 = time.perf_counter()
            baseline()
            t1 = time.perf_counter()
            ours()
            t2 = time.perf_counter()
            base_times.append(t1 - t0)
            ours_times.append(t2 - t1)
    finally:
        gc.enable()
    base = statistics.median(base_times)
    mine = statistics.median(ours_times)
    return {"baseline_us": base * 1e6, "sdk_us": mine * 1e6, "ratio": mine / base}


def _peak_kib(fn: Callable[[], Any]) -> float:
    gc.collect()
    tracemalloc.start()
    result = fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del result
    return peak / 1024


def run(rounds: int = 2000) -> Dict[str, Dict[str, float]]:
    with serving() as (url, served):
        s = leonardoaisdk.LeonardoAiSDK(
            bearer_auth="bench-key", server_url=url, retry_config="none"
        )
        raw = requests.Session()
        headers = {"Authorization": "Bearer bench-key", "Accept": "application/json"}

        def raw_get(path: str) -> Callable[[], Any]:
            return lambda: json.loads(
                raw.get(url + path, headers=headers, timeout=(10, 60)).content
            )

        results = {
            "one generation": _median_pair(
                lambda: s.generation.get_generation_by_id(GENERATION_ID),
                raw_get(ONE_PATH),
                rounds,
            ),
            "page of 50": _median_pair(
                lambda: s.generation.get_generations_by_user_id("u-1", limit=50),
                raw_get(PAGE_PATH),
                max(200, rounds // 5),
            ),
        }
    from leonardoaisdk.models import operations

    body = served[PAGE_PATH]
    model = operations.GetGenerationsByUserIDResponseBody
    results["page of 50"]["bytes"] = len(body)
    results["decode page"] = _median_pair(
        lambda: model.from_dict(json.loads(body)), lambda: json.loads(body), max(200, rounds // 5)
    )
    # What was timed is the plans' compiled decoders (a plan compiles on its third decode), as
    # in any program that decodes more than a couple of answers.
    assert plan_for(model).decoder_source, "the page's model did not compile its decoder"
    decode_peak = _peak_kib(lambda: model.from_dict(json.loads(body)))
    json_peak = _peak_kib(lambda: json.loads(body))
    results["page memory"] = {
        "json_kib": json_peak,
        "sdk_kib": decode_peak,
        "ratio": decode_peak / json_peak,
    }
    return results


def main(rounds: int = 2000) -> int:
    results = run(rounds)
    failed = False
    for name, r in results.items():
        if "sdk_us" in r:
            target = TARGETS[name]
            ok = r["ratio"] <= target
            failed |= not ok and name not in REPORTED_ONLY
            extra = f", {r['bytes'] / 1024:.0f} KiB body" if "bytes" in r else ""
            what = name if name.startswith("decode") else f"GET {name}"
            print(
                f"{what:<19} baseline {r['baseline_us']:8.1f} us  sdk {r['sdk_us']:8.1f} us  "
                f"ratio {r['ratio']:.2f}x (target <= {target}x) {'ok' if ok else 'MISSED'}{extra}"
                + (" (reported, not enforced)" if name in REPORTED_ONLY else "")
            )
        else:
            print(
                f"decode page peak memory: json.loads {r['json_kib']:.0f} KiB, "
                f"json.loads + SDK models {r['sdk_kib']:.0f} KiB, ratio {r['ratio']:.2f}x"
            )
    return 1 if failed else 0


def count(what: str, times: int) -> None:
    """Decode the page ``times`` times (``what``: "sdk", json.loads + the models, or "json",
    json.loads alone), after the warm-up that compiles the plans: run under callgrind, for
    instruction counts that machine noise does not move (docs/performance.md, "Reproduce")."""
    from benchmarks._server import routes
    from leonardoaisdk.models import operations

    body = routes()[PAGE_PATH]
    model = operations.GetGenerationsByUserIDResponseBody
    for _ in range(5):
        model.from_dict(json.loads(body))
    for _ in range(times):
        if what == "sdk":
            model.from_dict(json.loads(body))
        else:
            json.loads(body)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--count"]:
        count(sys.argv[2], int(sys.argv[3]))
        raise SystemExit(0)
    raise SystemExit(main())
