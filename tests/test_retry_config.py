"""retry_config in the official SDK's shape is honoured (fault injection: test_reliability)."""

from __future__ import annotations

from typing import List

import pytest
import responses

import leonardoaisdk
from leonardoaisdk import errors
from leonardoaisdk._pipeline import Pipeline
from leonardoaisdk.models import operations
from leonardoaisdk.utils import BackoffStrategy, RetryConfig
from tests.conftest import BASE, TOKEN


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> List[float]:
    slept: List[float] = []
    monkeypatch.setattr(Pipeline, "_sleep", lambda self, seconds: slept.append(seconds))
    return slept


def _sdk(retry_config: object) -> leonardoaisdk.LeonardoAiSDK:
    return leonardoaisdk.LeonardoAiSDK(bearer_auth=TOKEN, retry_config=retry_config)  # type: ignore[arg-type]


def test_official_shape_retries_a_get_with_its_backoff(
    mock: responses.RequestsMock, sleeps: List[float]
) -> None:
    config = RetryConfig("backoff", BackoffStrategy(100, 1000, 3.0, 60_000), False)
    mock.get(BASE + "/me", status=503)
    mock.get(BASE + "/me", status=502)
    mock.get(BASE + "/me", json={"user_details": []})
    res = _sdk(config).user.get_user_self()
    assert res.status_code == 200 and len(mock.calls) == 3
    assert 0.08 <= sleeps[0] <= 0.12 and 0.24 <= sleeps[1] <= 0.36  # 100 ms, then x3, +-20%


def test_none_disables_retries(mock: responses.RequestsMock, sleeps: List[float]) -> None:
    mock.get(BASE + "/me", status=503)
    with pytest.raises(errors.ServerError):
        _sdk("none").user.get_user_self()
    assert len(mock.calls) == 1 and sleeps == []


def test_per_call_retries_override_the_sdk(
    mock: responses.RequestsMock, sleeps: List[float]
) -> None:
    mock.get(BASE + "/me", status=500)
    mock.get(BASE + "/me", json={"user_details": []})
    s = _sdk("none")
    assert (
        s.user.get_user_self(
            retries=RetryConfig("backoff", BackoffStrategy(10, 10, 1, 1000))
        ).status_code
        == 200
    )
    assert len(sleeps) == 1


def test_a_post_is_not_repeated_after_a_server_error(
    mock: responses.RequestsMock, sleeps: List[float]
) -> None:
    mock.post(BASE + "/generations", status=500)
    with pytest.raises(errors.ServerError):
        _sdk(None).generation.create_generation(operations.CreateGenerationRequestBody())
    assert len(mock.calls) == 1 and sleeps == []


def test_bad_retry_config_is_a_configuration_error() -> None:
    with pytest.raises(errors.ConfigurationError, match="strategy"):
        RetryConfig("sometimes")
    with pytest.raises(errors.ConfigurationError, match="max_retries"):
        RetryConfig(max_retries=-1)
