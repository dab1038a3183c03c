"""Run every benchmark and print its ratios; exit 1 if any target is missed.

python benchmarks/run.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import (
    bench_decode,
    bench_import,
    bench_server,
    bench_threads,
    bench_time_to_result,
)

BENCHMARKS = (
    ("one call", bench_decode),
    ("16 threads", bench_threads),
    ("start-up", bench_import),
    ("local server", bench_server),
    ("time to result", bench_time_to_result),
)


def main() -> int:
    failures = 0
    for name, module in BENCHMARKS:
        print(f"== {name} ==", flush=True)
        failures += module.main()
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
