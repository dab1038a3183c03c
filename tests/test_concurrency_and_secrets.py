"""One SDK shared by many threads; the token never shows in reprs, errors or logs."""

from __future__ import annotations

import concurrent.futures
import logging
import threading
from typing import List, Tuple

import pytest

import leonardoaisdk
from leonardoaisdk import errors
from leonardoaisdk.models import operations, shared
from leonardoaisdk.testing import LocalLeonardo
from leonardoaisdk.utils import BackoffStrategy, RetryConfig

THREADS = 16
CALLS_PER_THREAD = 100


pytestmark = pytest.mark.leonardo(
    complete_after=0,
    api_key="secret-token-0123456789abcdef",
    max_log_entries=THREADS * CALLS_PER_THREAD,  # the test counts every request
)  # options of the `server` fixture


def test_sixteen_threads_share_one_sdk_and_each_call_gets_its_own_answer(
    server: LocalLeonardo,
) -> None:
    sdk = leonardoaisdk.LeonardoAiSDK(bearer_auth=server.api_key, server_url=server.url)
    session = sdk._pipeline.session
    headers_before = dict(session.headers)
    start = threading.Barrier(THREADS)

    def worker(n: int) -> List[Tuple[str, str]]:
        start.wait()
        seen = []
        for i in range(CALLS_PER_THREAD // 2):
            prompt = f"thread {n} call {i}"
            created = sdk.generation.create_generation(
                operations.CreateGenerationRequestBody(
                    prompt=prompt, num_images=1, seed=n * 1000 + i
                )
            )
            generation_id = created.object.sd_generation_job.generation_id
            got = sdk.generation.get_generation_by_id(generation_id).object.generations_by_pk
            seen.append((prompt, f"{got.prompt}|{got.seed}|{got.id == generation_id}"))
        return seen

    with concurrent.futures.ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = [r for batch in pool.map(worker, range(THREADS)) for r in batch]

    assert len(results) == THREADS * CALLS_PER_THREAD // 2
    for prompt, answer in results:
        n, i = (int(part) for part in prompt.removeprefix("thread ").split(" call "))
        assert answer == f"{prompt}|{n * 1000 + i}|True"
    assert len(server.request_log) == THREADS * CALLS_PER_THREAD
    assert dict(session.headers) == headers_before
    assert "Authorization" not in session.headers


def test_debug_logs_each_attempt_with_the_token_redacted(
    server: LocalLeonardo, caplog: pytest.LogCaptureFixture
) -> None:
    retries = RetryConfig("backoff", BackoffStrategy(10, 10, 1.0, 5_000))
    sdk = leonardoaisdk.LeonardoAiSDK(
        bearer_auth=server.api_key, server_url=server.url, retry_config=retries
    )
    server.inject("GET /me", status=503)
    server.inject(
        "GET /generations/{id}", status=401, body=f'{{"error": "bad token {server.api_key}"}}'
    )
    with caplog.at_level(logging.DEBUG):
        sdk.user.get_user_self()
        with pytest.raises(errors.AuthenticationError) as caught:
            sdk.generation.get_generation_by_id("g-1")
        logging.getLogger("leonardoaisdk").debug("error was: %s / %r", caught.value, caught.value)

    ours = [r for r in caplog.records if r.name == "leonardoaisdk"]
    attempts = [r.getMessage() for r in ours if " -> " in r.getMessage()]
    assert attempts[0].startswith(f"GET {server.url}/me -> 503 (attempt 1, ")
    assert attempts[1].startswith(f"GET {server.url}/me -> 200 (attempt 2, ")
    assert " ms) headers=" in attempts[0] and "'Authorization': 'Bearer [REDACTED]'" in attempts[0]
    assert any(
        m.startswith(f"retrying GET {server.url}/me in ") for m in (r.getMessage() for r in ours)
    )
    assert attempts[2].startswith(f"GET {server.url}/generations/g-1 -> 401 (attempt 1, ")
    for record in caplog.records:  # ours, urllib3's, everyone's
        assert server.api_key not in record.getMessage()


def test_the_token_never_appears_in_reprs_or_errors(server: LocalLeonardo) -> None:
    token = server.api_key
    sdk = leonardoaisdk.LeonardoAiSDK(
        security=shared.Security(bearer_auth=token), server_url=server.url
    )
    server.inject("GET /me", status=500, body=f'{{"error": "{token}", "code": "{token}"}}')
    with pytest.raises(errors.ServerError) as caught:
        sdk.user.get_user_self(retries="none")
    error = caught.value
    shown = [
        repr(sdk),
        str(sdk),
        repr(sdk.generation),
        repr(sdk.user),
        repr(shared.Security(bearer_auth=token)),
    ]
    shown += [str(error), repr(error), error.message, error.body, str(error.args), str(error.code)]
    for text in shown:
        assert token not in text


def test_a_callable_token_is_read_per_request_and_never_cached(server: LocalLeonardo) -> None:
    calls = []

    def token() -> str:
        calls.append(1)
        return server.api_key

    sdk = leonardoaisdk.LeonardoAiSDK(bearer_auth=token, server_url=server.url)
    for _ in range(3):
        sdk.user.get_user_self()
    assert len(calls) == 3
