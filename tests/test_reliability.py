"""Timeouts, retries and typed errors, proven against LocalLeonardo's fault injection.

Server-side request counts show what was sent twice and what never is: a POST creates a job
and costs credits, so it is repeated only when the server provably did not get it.
"""

from __future__ import annotations

import email.utils
import socket
import time
from typing import Dict, List

import pytest

import leonardoaisdk
from leonardoaisdk import errors
from leonardoaisdk._pipeline import Pipeline
from leonardoaisdk.models import operations
from leonardoaisdk.testing import LocalLeonardo
from leonardoaisdk.utils import BackoffStrategy, RetryConfig

FAST_RETRIES = RetryConfig("backoff", BackoffStrategy(20, 100, 2.0, 10_000), True)
GET_ME = "GET /me"
POST_GENERATIONS = "POST /generations"


pytestmark = pytest.mark.leonardo(complete_after=0)  # options of the `server` fixture


@pytest.fixture
def sdk(server: LocalLeonardo) -> leonardoaisdk.LeonardoAiSDK:
    return leonardoaisdk.LeonardoAiSDK(
        bearer_auth=server.api_key, server_url=server.url, retry_config=FAST_RETRIES, timeout=(2, 2)
    )


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> List[float]:
    """Record the pipeline's waits instead of sleeping them."""
    recorded: List[float] = []
    monkeypatch.setattr(Pipeline, "_sleep", lambda self, seconds: recorded.append(seconds))
    return recorded


def requests_on(server: LocalLeonardo, route: str) -> int:
    return sum(1 for r in server.request_log if r.route == route)


def jobs_created(server: LocalLeonardo) -> int:
    sdk = leonardoaisdk.LeonardoAiSDK(bearer_auth=server.api_key, server_url=server.url)
    listed = sdk.generation.get_generations_by_user_id(server.user_id, limit=100)
    return len(listed.object.generations)


def create(sdk: leonardoaisdk.LeonardoAiSDK) -> operations.CreateGenerationResponse:
    return sdk.generation.create_generation(operations.CreateGenerationRequestBody(prompt="a fox"))


# --- 429 and Retry-After ----------------------------------------------------------------------


def test_get_after_429_waits_the_retry_after_and_succeeds(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK
) -> None:
    server.inject(GET_ME, status=429, retry_after=1)
    started = time.monotonic()
    assert sdk.user.get_user_self().status_code == 200
    assert time.monotonic() - started >= 1.0
    assert requests_on(server, GET_ME) == 2


def test_retry_after_as_an_http_date(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK, waits: List[float]
) -> None:
    server.inject(
        GET_ME, status=503, retry_after=email.utils.formatdate(time.time() + 5, usegmt=True)
    )
    assert sdk.user.get_user_self().status_code == 200
    assert len(waits) == 1 and 3.5 <= waits[0] <= 5.0


def test_a_429_post_is_retried_because_the_server_refused_it(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK, waits: List[float]
) -> None:
    server.inject(POST_GENERATIONS, status=429, retry_after=2)
    assert create(sdk).object.sd_generation_job.generation_id
    assert waits == [2.0]
    assert requests_on(server, POST_GENERATIONS) == 2 and jobs_created(server) == 1


def test_a_retry_after_beyond_the_cap_is_not_waited_for(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK, waits: List[float]
) -> None:
    server.inject(GET_ME, status=429, retry_after=120)
    with pytest.raises(errors.RateLimitError) as caught:
        sdk.user.get_user_self()
    assert caught.value.retry_after == 120 and caught.value.raw_response is not None
    assert waits == [] and requests_on(server, GET_ME) == 1


def test_the_default_policy_gives_up_after_two_retries(
    server: LocalLeonardo, waits: List[float]
) -> None:
    sdk = leonardoaisdk.LeonardoAiSDK(bearer_auth=server.api_key, server_url=server.url)
    server.inject(GET_ME, times=5, status=503)
    with pytest.raises(errors.ServerError) as caught:
        sdk.user.get_user_self()
    assert caught.value.status_code == 503
    assert requests_on(server, GET_ME) == 3
    assert 0.4 <= waits[0] <= 0.6 and 0.8 <= waits[1] <= 1.2  # 0.5 s doubling, +-20% jitter


def test_backoff_is_capped_and_jittered() -> None:
    from leonardoaisdk._retry import RetryPolicy

    policy = RetryPolicy.from_config(RetryConfig(max_retries=10))
    waits = [policy.backoff(n) for n in range(1, 11)]
    assert all(w <= 8.0 for w in waits) and waits[-1] >= 6.4
    assert len({round(policy.backoff(1), 6) for _ in range(20)}) > 1


# --- 5xx ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 504, 408])
def test_get_is_retried_after_a_transient_status(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK, status: int
) -> None:
    server.inject(GET_ME, status=status)
    assert sdk.user.get_user_self().status_code == 200
    assert requests_on(server, GET_ME) == 2


def test_delete_is_retried_after_a_server_error(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK
) -> None:
    generation_id = create(sdk).object.sd_generation_job.generation_id
    server.inject("DELETE /generations/{id}", status=502)
    assert sdk.generation.delete_generation_by_id(generation_id).status_code == 200
    assert requests_on(server, "DELETE /generations/{id}") == 2


@pytest.mark.parametrize("status", [500, 503])
def test_post_is_never_repeated_after_a_server_error(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK, status: int
) -> None:
    server.inject(POST_GENERATIONS, status=status)
    with pytest.raises(errors.ServerError) as caught:
        create(sdk)
    assert caught.value.status_code == status and caught.value.raw_response is not None
    assert requests_on(server, POST_GENERATIONS) == 1


def test_client_errors_are_not_retried(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK
) -> None:
    server.inject(GET_ME, status=404)
    with pytest.raises(errors.NotFoundError):
        sdk.user.get_user_self()
    assert requests_on(server, GET_ME) == 1


# --- connection resets, timeouts, refused connections ------------------------------------------


CUT_SHORT = [{"drop": True}, {"truncate": True}]  # reset without an answer; half an answer


@pytest.mark.parametrize("fault", CUT_SHORT, ids=["reset", "truncated"])
def test_get_is_retried_after_a_lost_answer(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK, fault: Dict[str, bool]
) -> None:
    server.inject(GET_ME, **fault)
    assert sdk.user.get_user_self().object.user_details[0].user.id == server.user_id
    assert requests_on(server, GET_ME) == 2


@pytest.mark.parametrize("fault", CUT_SHORT, ids=["reset", "truncated"])
def test_post_is_not_repeated_after_a_lost_answer(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK, fault: Dict[str, bool]
) -> None:
    server.inject(POST_GENERATIONS, **fault)
    with pytest.raises(errors.APIConnectionError) as caught:
        create(sdk)
    assert not isinstance(caught.value, errors.APITimeoutError)
    assert requests_on(server, POST_GENERATIONS) == 1
    assert jobs_created(server) == 1  # the server did the work; a retry would have doubled it


def test_get_is_retried_after_a_read_timeout(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK
) -> None:
    server.inject(GET_ME, delay=0.6)
    started = time.monotonic()
    assert sdk.user.get_user_self(timeout=(2, 0.3)).status_code == 200
    assert 0.3 <= time.monotonic() - started < 1.5
    assert requests_on(server, GET_ME) == 2


def test_post_read_timeout_raises_within_the_timeout_and_is_not_repeated(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK
) -> None:
    server.inject(POST_GENERATIONS, delay=0.8)
    started = time.monotonic()
    with pytest.raises(errors.APITimeoutError):
        sdk.generation.create_generation(operations.CreateGenerationRequestBody(), timeout=(2, 0.3))
    assert 0.3 <= time.monotonic() - started < 0.7
    time.sleep(0.7)  # let the server finish the slow request
    assert requests_on(server, POST_GENERATIONS) == 1 and jobs_created(server) == 1


def test_a_timeout_without_retries_bounds_the_call(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK
) -> None:
    server.inject(GET_ME, delay=2)
    started = time.monotonic()
    with pytest.raises(errors.APITimeoutError) as caught:
        sdk.user.get_user_self(timeout=0.25, retries="none")
    assert time.monotonic() - started < 0.6
    assert caught.value.raw_response is None and caught.value.status_code is None


def test_retried_timeouts_end_in_a_timeout_error(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK
) -> None:
    server.inject(GET_ME, times=3, delay=0.5)
    started = time.monotonic()
    with pytest.raises(errors.APITimeoutError):
        sdk.user.get_user_self(timeout=(2, 0.2))
    assert time.monotonic() - started < 1.5  # three 0.2 s attempts and two short waits
    assert requests_on(server, GET_ME) == 3


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_a_post_is_retried_when_the_connection_was_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    port = _free_port()
    late = LocalLeonardo(port=port, api_key="late-key", complete_after=0)
    # The first attempt finds nothing listening; the server comes up during the backoff wait.
    monkeypatch.setattr(Pipeline, "_sleep", lambda self, seconds: late.start())
    try:
        sdk = leonardoaisdk.LeonardoAiSDK(
            bearer_auth="late-key", server_url=f"http://127.0.0.1:{port}/api/rest/v1"
        )
        assert create(sdk).object.sd_generation_job.generation_id
        assert requests_on(late, POST_GENERATIONS) == 1 and jobs_created(late) == 1
    finally:
        late.stop()


def test_refused_connections_end_in_a_connection_error(waits: List[float]) -> None:
    sdk = leonardoaisdk.LeonardoAiSDK(
        bearer_auth="k", server_url=f"http://127.0.0.1:{_free_port()}"
    )
    with pytest.raises(errors.APIConnectionError) as caught:
        sdk.user.get_user_self()
    assert len(waits) == 2 and caught.value.raw_response is None
    assert "k" not in caught.value.message.split("Bearer")[-1][:3]
    no_retry = RetryConfig("backoff", BackoffStrategy(), retry_connection_errors=False)
    waits.clear()
    with pytest.raises(errors.APIConnectionError):
        sdk.user.get_user_self(retries=no_retry)
    assert waits == []


# --- broken answers ----------------------------------------------------------------------------


def test_malformed_json_is_a_response_validation_error(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK
) -> None:
    server.inject(GET_ME, body='{"user_details": [{"user": ')
    with pytest.raises(errors.ResponseValidationError) as caught:
        sdk.user.get_user_self()
    assert caught.value.status_code == 200 and caught.value.raw_response is not None
    assert requests_on(server, GET_ME) == 1


def test_a_wrong_content_type_is_a_response_validation_error(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK
) -> None:
    server.inject(GET_ME, content_type="text/html; charset=utf-8")
    with pytest.raises(errors.ResponseValidationError, match="text/html"):
        sdk.user.get_user_self()
