"""Time to result, on LocalLeonardo: what a user waits for is the job, not the HTTP call.

- Waiting: jobs of 2 to 60 s (seeded), each waited for by ``wait_for_generation`` in its own
  thread; the time from the job's COMPLETE to the wait returning must be <= 0.6 s median and
  <= 1.2 s at p95, with at most one poll per second per job on average.
- Batches: 40 requests at ``concurrency_limit=10`` with 1 s jobs must finish within
  1.2 x ceil(40/10) x 1 s + 1 s, no job created twice; the request count is reported.
- Downloads: a generation's 8 images, each delayed 200 ms by the server, take <= 1.5x the time
  of one image.
"""

from __future__ import annotations

import math
import statistics
import sys
import threading
import time
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Dict, List

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import leonardoaisdk
from leonardoaisdk.models import operations
from leonardoaisdk.testing import LocalLeonardo

WAIT_JOBS = 24
WAIT_DURATIONS = (2.0, 60.0)
BATCH_SIZE, BATCH_CONCURRENCY, BATCH_JOB_SECONDS = 40, 10, 1.0
CDN = "GET /cdn/generations/{id}/{file}"


def sdk_for(server: LocalLeonardo) -> leonardoaisdk.LeonardoAiSDK:
    return leonardoaisdk.LeonardoAiSDK(bearer_auth=server.api_key, server_url=server.url)


def waiting() -> Dict[str, float]:
    with LocalLeonardo(
        complete_after=WAIT_DURATIONS, seed=11, concurrency_limit=WAIT_JOBS
    ) as server:
        s = sdk_for(server)
        ids = [
            s.generation.create_generation(
                operations.CreateGenerationRequestBody(prompt=f"job {n}", num_images=1)
            ).object.sd_generation_job.generation_id
            for n in range(WAIT_JOBS)
        ]
        returned: Dict[str, float] = {}

        def wait(generation_id: str) -> None:
            s.generation.wait_for_generation(generation_id, timeout=WAIT_DURATIONS[1] + 30)
            returned[generation_id] = time.monotonic()

        threads = [threading.Thread(target=wait, args=(i,)) for i in ids]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(WAIT_DURATIONS[1] + 60)
        lags = sorted(returned[i] - server.completes_at(i) for i in ids)
        # A job's poll rate: its polls after the first (which finds out whether it is already
        # done) over the time they span.
        rates = []
        for i in ids:
            times = [r.time for r in server.request_log if r.path == f"/generations/{i}"]
            rates.append((len(times) - 1) / (times[-1] - times[0]))
    return {
        "median_s": statistics.median(lags),
        "p95_s": lags[math.ceil(0.95 * len(lags)) - 1],
        "polls_per_job_second": statistics.mean(rates),
        "shortest_s": min(server.duration(i) for i in ids),
        "longest_s": max(server.duration(i) for i in ids),
    }


def batch() -> Dict[str, float]:
    with LocalLeonardo(
        complete_after=BATCH_JOB_SECONDS, concurrency_limit=BATCH_CONCURRENCY
    ) as server:
        s = sdk_for(server)
        requests = [
            operations.CreateGenerationRequestBody(prompt=f"fox {n}", num_images=1)
            for n in range(BATCH_SIZE)
        ]
        started = time.monotonic()
        results = s.generation.generate_many(requests, timeout=60)
        took = time.monotonic() - started
        creates = [r for r in server.request_log if r.route == "POST /generations"]
        created_ids = {r.generation_id for r in results}
    limit = 1.2 * math.ceil(BATCH_SIZE / BATCH_CONCURRENCY) * BATCH_JOB_SECONDS + 1
    return {
        "seconds": took,
        "limit_s": limit,
        "ok": sum(1 for r in results if r.ok),
        "creates": len(creates),
        "distinct": len(created_ids),
        "requests": len(server.request_log),
    }


def downloads() -> Dict[str, float]:
    with LocalLeonardo(complete_after=0) as server, TemporaryDirectory() as folder:
        s = sdk_for(server)

        def generation(images: int) -> operations.GetGenerationByIDGenerations:
            return s.generation.create_and_wait(
                operations.CreateGenerationRequestBody(
                    prompt="a fox", num_images=images, width=64, height=64
                ),
                poll_interval=0.05,
            )

        eight, one = generation(8), generation(1)
        times: Dict[str, List[float]] = {"eight": [], "one": []}
        for _ in range(3):
            for name, g in (("eight", eight), ("one", one)):
                server.inject(CDN, delay=0.2, times=len(g.generated_images))
                began = time.monotonic()
                s.generation.download_images(g, Path(folder) / name)
                times[name].append(time.monotonic() - began)
    eight_s, one_s = statistics.median(times["eight"]), statistics.median(times["one"])
    return {"eight_s": eight_s, "one_s": one_s, "ratio": eight_s / one_s}


def main() -> int:
    failed = False

    d = downloads()
    ok = d["ratio"] <= 1.5
    failed |= not ok
    print(
        f"download 8 images (200 ms each)  {d['eight_s'] * 1000:.0f} ms vs one "
        f"{d['one_s'] * 1000:.0f} ms: {d['ratio']:.2f}x (target <= 1.5x) {'ok' if ok else 'MISSED'}"
    )

    b = batch()
    ok = b["seconds"] <= b["limit_s"] and b["ok"] == b["creates"] == b["distinct"] == BATCH_SIZE
    failed |= not ok
    print(
        f"batch of {BATCH_SIZE} at {BATCH_CONCURRENCY} (1 s jobs)  {b['seconds']:.2f} s "
        f"(target <= {b['limit_s']:.1f} s), {b['creates']} creates, {b['requests']:.0f} requests "
        f"in all {'ok' if ok else 'MISSED'}"
    )

    w = waiting()
    ok = w["median_s"] <= 0.6 and w["p95_s"] <= 1.2 and w["polls_per_job_second"] <= 1.0
    failed |= not ok
    print(
        f"wait, {WAIT_JOBS} jobs of {w['shortest_s']:.0f}-{w['longest_s']:.0f} s: COMPLETE -> "
        f"returned median {w['median_s']:.2f} s, p95 {w['p95_s']:.2f} s (targets <= 0.6 / "
        f"1.2 s), {w['polls_per_job_second']:.3f} polls per job-second (<= 1) "
        f"{'ok' if ok else 'MISSED'}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
