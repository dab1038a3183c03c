"""Import time of the SDK vs ``import requests, dataclasses_json``, in fresh interpreters.

Each sample is one new process timing only its import statement; samples alternate between
the candidates, and medians are compared. Target (issue 2): ``import leonardoaisdk`` <= 1.2x.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from typing import Dict, List

BASELINE = "import requests, dataclasses_json"
CANDIDATES = {
    "import leonardoaisdk": "import leonardoaisdk",
    "first call ready": (
        "import leonardoaisdk; from leonardoaisdk.models import operations; "
        "s = leonardoaisdk.LeonardoAiSDK(bearer_auth='k'); operations.CreateGenerationRequestBody"
    ),
}
TARGET = 1.2

TIMER = "import time; t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"


def sample(stmt: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", TIMER.format(stmt=stmt)], check=True, capture_output=True, text=True
    )
    return float(out.stdout.strip())


def run(samples: int = 15) -> Dict[str, Dict[str, float]]:
    statements = {"baseline": BASELINE, **CANDIDATES}
    for stmt in statements.values():
        sample(stmt)  # warm the filesystem cache and .pyc files
    times: Dict[str, List[float]] = {name: [] for name in statements}
    for _ in range(samples):
        for name, stmt in statements.items():
            times[name].append(sample(stmt))
    base = statistics.median(times["baseline"])
    return {
        name: {"ms": statistics.median(t) * 1000, "ratio": statistics.median(t) / base}
        for name, t in times.items()
    }


def main(samples: int = 15) -> int:
    results = run(samples)
    print(f"{BASELINE:<40} {results['baseline']['ms']:7.1f} ms")
    for name in CANDIDATES:
        r = results[name]
        print(f"{name:<40} {r['ms']:7.1f} ms  ratio {r['ratio']:.2f}x")
    ok = results["import leonardoaisdk"]["ratio"] <= TARGET
    print(f"import leonardoaisdk: target <= {TARGET}x {'ok' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
