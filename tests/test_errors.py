"""4xx/5xx become typed SDKErrors carrying the response; the token never shows in them."""

from __future__ import annotations

import json
from typing import Any

import pytest
import responses

import leonardoaisdk
from leonardoaisdk import errors
from tests.conftest import BASE, TOKEN

URL = f"{BASE}/generations/g-1"


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, errors.BadRequestError),
        (401, errors.AuthenticationError),
        (403, errors.PermissionDeniedError),
        (404, errors.NotFoundError),
        (409, errors.APIStatusError),
        (422, errors.BadRequestError),
        (429, errors.RateLimitError),
        (500, errors.ServerError),
        (503, errors.ServerError),
        (599, errors.ServerError),
    ],
)
def test_status_maps_to_typed_error_with_leonardo_error_fields(
    sdk: leonardoaisdk.LeonardoAiSDK, mock: responses.RequestsMock, status: int, cls: Any
) -> None:
    body = {"error": "something about g-1", "path": "$.id", "code": "constraint-violation"}
    mock.get(URL, json=body, status=status)
    with pytest.raises(errors.SDKError) as caught:
        sdk.generation.get_generation_by_id("g-1")
    error = caught.value
    assert type(error) is cls
    assert error.status_code == status
    assert error.message == "something about g-1"
    assert (error.error, error.path, error.code) == (
        "something about g-1",
        "$.id",
        "constraint-violation",
    )
    assert json.loads(error.body) == body
    assert error.raw_response is mock.calls[0].response
    assert str(error) == f"HTTP {status}: something about g-1 (code: constraint-violation)"


def test_non_json_error_body_uses_the_reason_phrase(
    sdk: leonardoaisdk.LeonardoAiSDK, mock: responses.RequestsMock
) -> None:
    mock.get(
        URL, body="<html><h1>502 Bad Gateway</h1></html>", status=502, content_type="text/html"
    )
    with pytest.raises(errors.ServerError) as caught:
        sdk.generation.get_generation_by_id("g-1")
    assert caught.value.message == "Bad Gateway"
    assert caught.value.body.startswith("<html>")
    assert caught.value.error is None and caught.value.code is None
    assert str(caught.value) == "HTTP 502: Bad Gateway"


@pytest.mark.parametrize(
    "body",
    ['{"error": 5, "code": ["x"]}', "[1, 2]", '{"error": ', "null", "{" * 50_000],
)
def test_odd_error_bodies_still_give_a_clean_error(
    sdk: leonardoaisdk.LeonardoAiSDK, mock: responses.RequestsMock, body: str
) -> None:
    mock.get(URL, body=body, status=400, content_type="application/json")
    with pytest.raises(errors.BadRequestError) as caught:
        sdk.generation.get_generation_by_id("g-1")
    assert caught.value.message == "Bad Request" and caught.value.code is None


def test_rate_limit_error_carries_retry_after(
    sdk: leonardoaisdk.LeonardoAiSDK, mock: responses.RequestsMock
) -> None:
    mock.get(URL, json={"error": "slow down"}, status=429, headers={"Retry-After": "17"})
    with pytest.raises(errors.RateLimitError) as caught:
        sdk.generation.get_generation_by_id("g-1")
    assert caught.value.retry_after == 17.0


def test_token_echoed_by_the_server_never_reaches_str_repr_or_body(
    sdk: leonardoaisdk.LeonardoAiSDK, mock: responses.RequestsMock
) -> None:
    mock.get(
        URL,
        json={"error": f"invalid token {TOKEN}", "path": "$", "code": "invalid-jwt"},
        status=401,
    )
    with pytest.raises(errors.AuthenticationError) as caught:
        sdk.generation.get_generation_by_id("g-1")
    error = caught.value
    for text in (str(error), repr(error), error.message, error.body, str(error.args)):
        assert TOKEN not in text
    assert "[REDACTED]" in error.message


def test_every_error_is_an_sdk_error() -> None:
    for name in errors.__all__:
        if name == "BatchInterrupted":  # Ctrl+C, not an error: it must stop the program
            assert issubclass(errors.BatchInterrupted, KeyboardInterrupt)
            assert not issubclass(errors.BatchInterrupted, Exception)
            continue
        assert issubclass(getattr(errors, name), errors.SDKError)
    assert leonardoaisdk.errors.SDKError is leonardoaisdk.models.errors.SDKError
