"""``create_and_wait`` and ``generate_many`` against LocalLeonardo: jobs in flight bounded by
the concurrency, results in input order, creates never repeated (but after a 429), failures
recorded while the batch goes on, Ctrl+C reported, and polling by listing, not per job."""

from __future__ import annotations

import threading
from typing import Any, List, Tuple

import pytest

import leonardoaisdk
from leonardoaisdk import errors
from leonardoaisdk.models import operations
from leonardoaisdk.testing import LocalLeonardo

JOB_SECONDS = 0.3
pytestmark = pytest.mark.leonardo(complete_after=JOB_SECONDS)  # options of the `server` fixture


@pytest.fixture
def sdk(server: LocalLeonardo) -> leonardoaisdk.LeonardoAiSDK:
    return leonardoaisdk.LeonardoAiSDK(bearer_auth=server.api_key, server_url=server.url)


def prompts(n: int) -> List[operations.CreateGenerationRequestBody]:
    return [
        operations.CreateGenerationRequestBody(prompt=f"fox {i}", num_images=1) for i in range(n)
    ]


def creates(server: LocalLeonardo) -> List[Any]:
    return [r for r in server.request_log if r.route == "POST /generations"]


def test_create_and_wait_returns_the_complete_generation(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK
) -> None:
    request = operations.CreateGenerationRequestBody(prompt="a heron", num_images=2)
    generation = sdk.generation.create_and_wait(request, poll_interval=0.05, timeout=10)
    assert str(generation.status) == "COMPLETE" and generation.prompt == "a heron"
    assert len(generation.generated_images) == 2
    assert len(creates(server)) == 1


def test_create_and_wait_never_repeats_the_create(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK
) -> None:
    server.inject("POST /generations", status=500, times=3)
    with pytest.raises(errors.ServerError):
        sdk.generation.create_and_wait(operations.CreateGenerationRequestBody(prompt="x"))
    assert len(creates(server)) == 1


def test_a_batch_keeps_its_order_and_at_most_concurrency_jobs_in_flight(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK
) -> None:
    seen: List[Tuple[int, int]] = []
    results = sdk.generation.generate_many(
        prompts(12),
        concurrency=4,
        timeout=20,
        on_progress=lambda done, total, result: seen.append((done, total)),
    )
    assert [r.request.prompt for r in results] == [f"fox {i}" for i in range(12)]
    assert all(r.ok and r.error is None for r in results)
    assert [r.generation.prompt for r in results] == [f"fox {i}" for i in range(12)]
    assert len({r.generation_id for r in results}) == 12
    assert seen == [(n, 12) for n in range(1, 13)]
    times = [r.time for r in creates(server)]
    assert len(times) == 12  # no create twice
    for t in times:  # a job lasts JOB_SECONDS: never more than 4 started within one
        assert sum(1 for u in times if t - JOB_SECONDS < u <= t) <= 4


def test_a_batch_polls_by_listing_not_per_job(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK
) -> None:
    sdk.generation.generate_many(prompts(8), concurrency=8, timeout=20)
    routes = [r.route for r in server.request_log]
    assert routes.count("GET /generations/user/{userId}") >= 1
    assert routes.count("GET /generations/{id}") == 0


def test_a_429_on_a_create_waits_and_tries_again(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK
) -> None:
    server.inject("POST /generations", status=429, retry_after=0.2, times=2)
    results = sdk.generation.generate_many(prompts(3), concurrency=3, timeout=20)
    assert all(r.ok for r in results)
    made = [r for r in creates(server)]
    assert len(made) == 5  # two refused (not created), three created
    assert len({r.generation_id for r in results}) == 3


def test_one_failed_job_is_recorded_and_the_batch_goes_on(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK
) -> None:
    server.inject("POST /generations", status=400, times=1)
    results = sdk.generation.generate_many(prompts(4), concurrency=2, timeout=20)
    assert isinstance(results[0].error, errors.BadRequestError) and results[0].generation is None
    assert all(r.ok for r in results[1:])


def test_a_job_that_ends_failed_is_a_generation_failed_error() -> None:
    ended: List[str] = []
    with LocalLeonardo(complete_after=60) as slow:
        s = leonardoaisdk.LeonardoAiSDK(bearer_auth=slow.api_key, server_url=slow.url)

        def fail_both_once_created() -> None:
            for _ in range(200):  # bounded: 10 s
                made = [r for r in slow.request_log if r.route == "POST /generations"]
                if len(made) == 2:
                    break
                threading.Event().wait(0.05)
            body = s.generation.get_generations_by_user_id(slow.user_id).object
            for job in body.generations:
                slow.fail(job.id)

        killer = threading.Thread(target=fail_both_once_created)
        killer.start()
        results = s.generation.generate_many(
            prompts(2), timeout=20, on_progress=lambda d, t, r: ended.append(r.generation_id)
        )
        killer.join(10)
    assert all(isinstance(r.error, errors.GenerationFailedError) for r in results)
    assert sorted(ended) == sorted(r.generation_id for r in results)


def test_ctrl_c_starts_no_further_job_and_reports_the_created_ones(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK
) -> None:
    def interrupt(done: int, total: int, result: Any) -> None:
        raise KeyboardInterrupt

    with pytest.raises(errors.BatchInterrupted) as caught:
        sdk.generation.generate_many(prompts(6), concurrency=2, timeout=20, on_progress=interrupt)
    made = creates(server)
    assert caught.value.created_ids and len(caught.value.created_ids) == len(made) <= 3
    assert isinstance(caught.value, KeyboardInterrupt)
    assert len(caught.value.results) == 6


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"requests": ["a fox"]}, "requests\\[0\\]"),
        ({"concurrency": 0}, "concurrency"),
        ({"concurrency": True}, "concurrency"),
        ({"timeout": 0}, "timeout"),
    ],
)
def test_bad_batch_arguments_fail_at_the_call(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK, kwargs: Any, says: str
) -> None:
    kwargs.setdefault("requests", prompts(1))
    with pytest.raises(errors.RequestValidationError, match=says):
        sdk.generation.generate_many(**kwargs)
    assert creates(server) == []


def test_an_empty_batch_makes_no_request(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK
) -> None:
    assert sdk.generation.generate_many([]) == []
    assert server.request_log == []


@pytest.mark.leonardo(complete_after=JOB_SECONDS, concurrency_limit=3)
def test_the_default_concurrency_is_the_accounts_slots(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK
) -> None:
    results = sdk.generation.generate_many(prompts(7), timeout=20)
    assert all(r.ok for r in results)
    made = creates(server)
    assert len(made) == 7  # not one 429: it never asked for more than the account's 3 slots
    times = [r.time for r in made]
    for t in times:
        assert sum(1 for u in times if t - JOB_SECONDS < u <= t) <= 3
