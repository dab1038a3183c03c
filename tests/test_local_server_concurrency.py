"""LocalLeonardo's concurrency limit and job durations, over real HTTP with plain ``requests``."""

from __future__ import annotations

import concurrent.futures
import signal
import subprocess
import sys
import threading
import time
from typing import Any, Dict, List

import pytest
import requests

from leonardoaisdk.testing import LocalLeonardo
from leonardoaisdk.testing.__main__ import main

LONG = 60.0  # a job duration no test waits for: the job stays PENDING throughout
WAIT = 5.0  # the most any test waits for a job that should complete


def call(server: LocalLeonardo, method: str, path: str, body: Any = None) -> requests.Response:
    return requests.request(
        method,
        server.url + path,
        json=body,
        headers={"Authorization": f"Bearer {server.api_key}"},
        timeout=10,
    )


def create(server: LocalLeonardo, prompt: str = "a cat") -> requests.Response:
    return call(server, "POST", "/generations", {"prompt": prompt, "num_images": 1})


def created_id(response: requests.Response) -> str:
    assert response.status_code == 200, response.text
    generation_id: str = response.json()["sdGenerationJob"]["generationId"]
    return generation_id


def status(server: LocalLeonardo, generation_id: str) -> str:
    response = call(server, "GET", f"/generations/{generation_id}")
    assert response.status_code == 200, response.text
    found: str = response.json()["generations_by_pk"]["status"]
    return found


def listed(server: LocalLeonardo) -> List[Dict[str, Any]]:
    response = call(server, "GET", f"/generations/user/{server.user_id}?limit=1000")
    assert response.status_code == 200, response.text
    generations: List[Dict[str, Any]] = response.json()["generations"]
    return generations


def assert_rate_limited(response: requests.Response) -> None:
    assert response.status_code == 429, response.text
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error", "path", "code"}
    assert body["code"] == "rate-limited" and body["path"] == "$"
    assert "concurrency limit" in body["error"]


def slots(server: LocalLeonardo) -> Any:
    response = call(server, "GET", "/me")
    assert response.status_code == 200, response.text
    return response.json()["user_details"][0]["apiConcurrencySlots"]


# --- the concurrency limit ------------------------------------------------------------------


def test_the_eleventh_pending_generation_is_refused_with_429_and_creates_nothing() -> None:
    with LocalLeonardo(complete_after=LONG) as server:
        assert server.concurrency_limit == 10  # the live API's default
        ids = [created_id(create(server, f"job {n}")) for n in range(10)]
        refused = create(server, "one too many")
        assert_rate_limited(refused)
        assert sorted(g["id"] for g in listed(server)) == sorted(ids)
        assert "one too many" not in {g["prompt"] for g in listed(server)}
        assert_rate_limited(create(server))  # still full: a refusal took no slot either


@pytest.mark.parametrize("end", ["complete", "fail", "delete"])
def test_ending_a_job_frees_its_slot_at_once(end: str) -> None:
    with LocalLeonardo(complete_after=LONG, concurrency_limit=2) as server:
        first = created_id(create(server))
        created_id(create(server))
        assert_rate_limited(create(server))
        if end == "complete":
            server.complete(first)
        elif end == "fail":
            server.fail(first)
        else:
            assert call(server, "DELETE", f"/generations/{first}").status_code == 200
        created_id(create(server))
        assert_rate_limited(create(server))


def test_a_slot_frees_when_the_job_completes_by_itself() -> None:
    with LocalLeonardo(complete_after=0.3, concurrency_limit=1) as server:
        first = created_id(create(server))
        assert_rate_limited(create(server))
        time.sleep(max(0.0, server.completes_at(first) - time.monotonic()))
        assert status(server, first) == "COMPLETE"
        created_id(create(server))


def test_me_reports_the_limit_as_api_concurrency_slots() -> None:
    with LocalLeonardo() as default, LocalLeonardo(concurrency_limit=3) as three:
        assert slots(default) == 10
        assert slots(three) == 3
    with LocalLeonardo(concurrency_limit=None) as unlimited:
        assert unlimited.concurrency_limit is None
        assert slots(unlimited) is None


def test_no_limit_lets_any_number_of_jobs_be_pending() -> None:
    with LocalLeonardo(complete_after=LONG, concurrency_limit=None) as server:
        for n in range(25):
            created_id(create(server, f"job {n}"))
        assert {g["status"] for g in listed(server)} == {"PENDING"}


def test_jobs_that_complete_at_once_hold_no_slot() -> None:
    with LocalLeonardo(complete_after=0, concurrency_limit=1) as server:
        for n in range(30):
            assert status(server, created_id(create(server, f"job {n}"))) == "COMPLETE"


def test_simultaneous_creates_get_exactly_the_limit_of_slots() -> None:
    with LocalLeonardo(complete_after=LONG, concurrency_limit=10) as server:
        start = threading.Barrier(30)

        def attempt(n: int) -> int:
            start.wait()
            return create(server, f"job {n}").status_code

        with concurrent.futures.ThreadPoolExecutor(max_workers=30) as pool:
            codes = list(pool.map(attempt, range(30)))
        assert sorted(codes) == [200] * 10 + [429] * 20
        assert len(listed(server)) == 10


def test_variations_and_motion_share_the_image_pool_and_textures_have_their_own() -> None:
    with LocalLeonardo(complete_after=LONG, concurrency_limit=2) as server:
        source = created_id(create(server))
        server.complete(source)
        image_id = call(server, "GET", f"/generations/{source}").json()["generations_by_pk"][
            "generated_images"
        ][0]["id"]
        upscale = call(server, "POST", "/variations/upscale", {"id": image_id})
        assert upscale.status_code == 200, upscale.text
        motion = call(server, "POST", "/generations-motion-svd", {"imageId": image_id})
        assert motion.status_code == 200, motion.text
        assert_rate_limited(call(server, "POST", "/variations/nobg", {"id": image_id}))
        assert_rate_limited(create(server))

        asset_id = server.add_model_asset()
        for _ in range(2):  # the image pool is full, the 3D pool is not
            texture = call(
                server, "POST", "/generations-texture", {"modelAssetId": asset_id, "prompt": "x"}
            )
            assert texture.status_code == 200, texture.text
        assert_rate_limited(
            call(server, "POST", "/generations-texture", {"modelAssetId": asset_id, "prompt": "x"})
        )


def test_model_trainings_are_not_limited() -> None:
    with LocalLeonardo(complete_after=LONG, concurrency_limit=1) as server:
        created_id(create(server))
        dataset = call(server, "POST", "/datasets", {"name": "cats"}).json()
        dataset_id = dataset["insert_datasets_one"]["id"]
        for n in range(3):
            training = call(
                server,
                "POST",
                "/models",
                {"name": f"m{n}", "instance_prompt": "a cat", "datasetId": dataset_id},
            )
            assert training.status_code == 200, training.text


def test_an_invalid_body_is_still_answered_400_when_the_pool_is_full() -> None:
    with LocalLeonardo(complete_after=LONG, concurrency_limit=1) as server:
        created_id(create(server))
        invalid = call(server, "POST", "/generations", {"prompt": "x", "width": 7})
        assert invalid.status_code == 400


@pytest.mark.parametrize("limit", [0, -1])
def test_a_limit_below_one_is_refused(limit: int) -> None:
    with pytest.raises(ValueError, match="None for no limit"):
        LocalLeonardo(concurrency_limit=limit)


# --- job durations --------------------------------------------------------------------------


def durations_of_a_run(seed: int, jobs: int = 8) -> List[float]:
    with LocalLeonardo(complete_after=(2, 60), seed=seed, concurrency_limit=None) as server:
        return [server.duration(created_id(create(server, f"job {n}"))) for n in range(jobs)]


def test_durations_drawn_from_a_range_are_repeatable_for_a_seed_and_within_it() -> None:
    first = durations_of_a_run(seed=7)
    assert durations_of_a_run(seed=7) == first
    assert all(2 <= d <= 60 for d in first)
    assert len(set(first)) == len(first)  # drawn, not all the same
    assert durations_of_a_run(seed=8) != first
    assert durations_of_a_run(seed=0) == durations_of_a_run(seed=0)  # the default seed


def test_completes_at_is_creation_plus_duration_in_monotonic_time() -> None:
    with LocalLeonardo(complete_after=(2, 60)) as server:
        before = time.monotonic()
        generation_id = created_id(create(server))
        after = time.monotonic()
        duration = server.duration(generation_id)
        assert before + duration <= server.completes_at(generation_id) <= after + duration


def test_a_fixed_duration_is_the_same_for_every_job() -> None:
    with LocalLeonardo(complete_after=LONG, concurrency_limit=None) as server:
        ids = [created_id(create(server)) for _ in range(3)]
        assert [server.duration(i) for i in ids] == [LONG] * 3


def test_a_job_is_pending_before_its_time_and_complete_after_it() -> None:
    with LocalLeonardo(complete_after=(0.4, 0.8), seed=3) as server:
        generation_id = created_id(create(server))
        completes_at = server.completes_at(generation_id)
        assert completes_at - time.monotonic() > 0.2
        assert status(server, generation_id) == "PENDING"
        deadline = time.monotonic() + WAIT
        while status(server, generation_id) == "PENDING":
            assert time.monotonic() < deadline, "the job never completed"
            time.sleep(0.02)
        assert time.monotonic() >= completes_at  # not a moment before its time
        assert status(server, generation_id) == "COMPLETE"


def test_completing_or_failing_early_moves_completes_at_to_that_moment() -> None:
    with LocalLeonardo(complete_after=LONG) as server:
        completed, failed = created_id(create(server)), created_id(create(server))
        before = time.monotonic()
        server.complete(completed)
        server.fail(failed)
        for job in (completed, failed):
            assert before <= server.completes_at(job) <= time.monotonic()
            assert server.duration(job) == LONG
        assert status(server, completed) == "COMPLETE" and status(server, failed) == "FAILED"


def test_zero_still_completes_every_job_at_once() -> None:
    with LocalLeonardo(complete_after=0) as server:
        generation_id = created_id(create(server))
        assert server.duration(generation_id) == 0
        assert status(server, generation_id) == "COMPLETE"


def test_unknown_job_ids_raise_key_error() -> None:
    with LocalLeonardo() as server:
        with pytest.raises(KeyError):
            server.completes_at("no-such-job")
        with pytest.raises(KeyError):
            server.duration("no-such-job")


@pytest.mark.parametrize("complete_after", [-1, (5, 1), (-1, 2), (0, float("inf")), (1, 2, 3)])
def test_impossible_durations_are_refused(complete_after: Any) -> None:
    with pytest.raises(ValueError, match="complete_after"):
        LocalLeonardo(complete_after=complete_after)


# --- the pytest marker and the command ------------------------------------------------------


@pytest.mark.leonardo(concurrency_limit=2, complete_after=(30, 40), seed=5)
def test_the_pytest_marker_takes_the_options(leonardo_server: LocalLeonardo) -> None:
    assert slots(leonardo_server) == 2
    first = created_id(create(leonardo_server))
    assert 30 <= leonardo_server.duration(first) <= 40
    created_id(create(leonardo_server))
    assert_rate_limited(create(leonardo_server))


def test_the_module_command_takes_the_options() -> None:
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "leonardoaisdk.testing", "--port", "0", "--api-key", "k"),
            *("--concurrency-limit", "2", "--complete-after", "2-60", "--seed", "4"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip().partition("=")[2]  # export ...=URL
        assert url.startswith("http://127.0.0.1:")
        headers = {"Authorization": "Bearer k"}
        me = requests.get(url + "/me", headers=headers, timeout=5).json()
        assert me["user_details"][0]["apiConcurrencySlots"] == 2
        answers = [
            requests.post(url + "/generations", json={"prompt": "x"}, headers=headers, timeout=5)
            for _ in range(3)
        ]
        assert [a.status_code for a in answers] == [200, 200, 429]
        pending = [
            requests.get(
                url + f"/generations/{a.json()['sdGenerationJob']['generationId']}",
                headers=headers,
                timeout=5,
            ).json()["generations_by_pk"]["status"]
            for a in answers[:2]
        ]
        assert pending == ["PENDING", "PENDING"]  # at least 2 s each
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=10)
    assert process.returncode == 0, err


@pytest.mark.parametrize(
    "argv",
    [
        ["--complete-after", "soon"],
        ["--complete-after", "-1"],
        ["--complete-after", "60-2"],
        ["--concurrency-limit", "many"],
        ["--concurrency-limit", "0"],
        ["--seed", "x"],
    ],
)
def test_the_module_command_refuses_bad_options(
    argv: List[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--port", "0", *argv])
    assert exited.value.code == 2
    assert "error" in capsys.readouterr().err


def test_the_module_command_takes_none_for_no_limit() -> None:
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "leonardoaisdk.testing", "--port", "0", "--api-key", "k"),
            *("--concurrency-limit", "none"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip().partition("=")[2]  # export ...=URL
        me = requests.get(url + "/me", headers={"Authorization": "Bearer k"}, timeout=5).json()
        assert me["user_details"][0]["apiConcurrencySlots"] is None
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=10)
