"""Constructing the SDK: auth sources, server selection, the session, timeouts."""

from __future__ import annotations

import itertools
from typing import Any, List

import pytest
import requests
import responses

import leonardoaisdk
from leonardoaisdk import errors
from leonardoaisdk.models import shared
from leonardoaisdk.testing import LocalLeonardo
from tests.conftest import BASE, TOKEN

ME = {"user_details": []}


def _auth_header(mock: responses.RequestsMock, index: int = -1) -> str:
    value: str = mock.calls[index].request.headers["Authorization"]
    return value


def test_bearer_auth_string(mock: responses.RequestsMock) -> None:
    mock.get(BASE + "/me", json=ME)
    leonardoaisdk.LeonardoAiSDK(bearer_auth=TOKEN).user.get_user_self()
    assert _auth_header(mock) == f"Bearer {TOKEN}"


def test_bearer_auth_callable_is_called_per_request(mock: responses.RequestsMock) -> None:
    tokens = (f"rotated-{n}" for n in itertools.count())
    s = leonardoaisdk.LeonardoAiSDK(bearer_auth=lambda: next(tokens))
    mock.get(BASE + "/me", json=ME)
    mock.get(BASE + "/me", json=ME)
    s.user.get_user_self()
    s.user.get_user_self()
    assert [_auth_header(mock, i) for i in (0, 1)] == ["Bearer rotated-0", "Bearer rotated-1"]


@pytest.mark.parametrize("bad", [None, "", 42, "two words", "line\nbreak"])
def test_a_bad_token_from_the_callable_is_refused_without_sending(
    mock: responses.RequestsMock, bad: Any
) -> None:
    s = leonardoaisdk.LeonardoAiSDK(bearer_auth=lambda: bad)
    with pytest.raises(errors.ConfigurationError) as caught:
        s.user.get_user_self()
    assert len(mock.calls) == 0
    if isinstance(bad, str) and bad:
        assert bad not in str(caught.value)


def test_older_security_form(mock: responses.RequestsMock) -> None:
    mock.get(BASE + "/me", json=ME)
    s = leonardoaisdk.LeonardoAiSDK(security=shared.Security(bearer_auth=TOKEN))
    s.user.get_user_self()
    assert _auth_header(mock) == f"Bearer {TOKEN}"
    assert TOKEN not in repr(shared.Security(bearer_auth=TOKEN))


def test_key_from_environment(
    mock: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEONARDO_API_KEY", "env-key")
    mock.get(BASE + "/me", json=ME)
    mock.get(BASE + "/me", json=ME)
    leonardoaisdk.LeonardoAiSDK().user.get_user_self()
    leonardoaisdk.LeonardoAiSDK(security=shared.Security(bearer_auth="")).user.get_user_self()
    assert _auth_header(mock, 0) == _auth_header(mock, 1) == "Bearer env-key"


def test_no_key_anywhere_is_a_clear_error_at_construction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEONARDO_API_KEY", raising=False)
    with pytest.raises(errors.ConfigurationError) as caught:
        leonardoaisdk.LeonardoAiSDK()
    message = str(caught.value)
    assert "bearer_auth=" in message and "LEONARDO_API_KEY" in message


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(bearer_auth="a", security=shared.Security(bearer_auth="b")), "not both"),
        (dict(bearer_auth=123), "bearer_auth must be a str"),
        (dict(bearer_auth="k", server_idx=1), "server_idx must be an int from 0 to 0"),
        (dict(bearer_auth="k", server_url="ftp://x"), "must start with http"),
        (dict(bearer_auth="k", server_url="http://{host}:1"), "url_params['host']"),
        (dict(bearer_auth="k", timeout=0), "positive"),
        (dict(bearer_auth="k", timeout=(1, "x")), "positive"),
        (dict(bearer_auth="k", timeout="5"), "timeout must be"),
        (dict(bearer_auth="k", retry_config="sometimes"), "retries must be"),
    ],
)
def test_bad_configuration_is_refused(kwargs: Any, message: str) -> None:
    with pytest.raises(errors.ConfigurationError) as caught:
        leonardoaisdk.LeonardoAiSDK(**kwargs)
    assert message in str(caught.value)


def test_server_url_with_url_params_and_trailing_slash(mock: responses.RequestsMock) -> None:
    mock.get("http://127.0.0.1:9999/v9/me", json=ME)
    s = leonardoaisdk.LeonardoAiSDK(
        bearer_auth="k",
        server_url="http://{host}:{port}/{version}/",
        url_params={"host": "127.0.0.1", "port": "9999", "version": "v9"},
    )
    assert s.server_url == "http://127.0.0.1:9999/v9"
    s.user.get_user_self()
    assert mock.calls[0].request.url == "http://127.0.0.1:9999/v9/me"


def test_server_idx_zero_is_the_production_server() -> None:
    assert leonardoaisdk.LeonardoAiSDK(bearer_auth="k", server_idx=0).server_url == BASE


class RecordingSession(requests.Session):
    def __init__(self) -> None:
        super().__init__()
        self.calls: List[Any] = []

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        self.calls.append((method, url, kwargs))
        return super().request(method, url, *args, **kwargs)


def test_given_session_is_used_and_never_changed(mock: responses.RequestsMock) -> None:
    session = RecordingSession()
    session.headers["X-Team"] = "render"
    headers_before = dict(session.headers)
    adapters_before = dict(session.adapters)
    mock.get(BASE + "/me", json=ME)
    with leonardoaisdk.LeonardoAiSDK(bearer_auth=TOKEN, client=session) as s:
        s.user.get_user_self()
    assert [c[:2] for c in session.calls] == [("GET", BASE + "/me")]
    assert dict(session.headers) == headers_before and dict(session.adapters) == adapters_before
    assert mock.calls[0].request.headers["X-Team"] == "render"
    assert "Authorization" not in session.headers


@pytest.mark.parametrize(
    ("sdk_timeout", "call_timeout", "expected"),
    [
        (None, None, (10.0, 60.0)),
        (5, None, (5.0, 5.0)),
        ((2, 30), None, (2.0, 30.0)),
        ((2, 30), 7.5, (7.5, 7.5)),
        (None, (1, 2), (1.0, 2.0)),
    ],
)
def test_every_request_has_a_timeout(
    mock: responses.RequestsMock, sdk_timeout: Any, call_timeout: Any, expected: Any
) -> None:
    session = RecordingSession()
    mock.get(BASE + "/me", json=ME)
    s = leonardoaisdk.LeonardoAiSDK(bearer_auth=TOKEN, client=session, timeout=sdk_timeout)
    s.user.get_user_self(timeout=call_timeout)
    assert session.calls[0][2]["timeout"] == expected


def test_repr_of_sdk_objects_never_shows_the_token() -> None:
    s = leonardoaisdk.LeonardoAiSDK(bearer_auth=TOKEN)
    for obj in (s, s.generation, s.user, s._pipeline):
        assert TOKEN not in repr(obj)
    assert TOKEN not in str(vars(s._pipeline).get("_token"))


# --- the server URL from LEONARDO_SERVER_URL ---------------------------------------------------


def test_the_server_url_comes_from_the_environment(
    server: LocalLeonardo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEONARDO_SERVER_URL", server.url + "/")
    monkeypatch.setenv("LEONARDO_API_KEY", server.api_key)
    s = leonardoaisdk.LeonardoAiSDK()
    assert s.server_url == server.url
    assert s.user.get_user_self().object.user_details[0].user.id == server.user_id
    assert [r.route for r in server.request_log] == ["GET /me"]


def test_an_explicit_server_url_or_index_wins_over_the_environment(
    server: LocalLeonardo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEONARDO_SERVER_URL", "http://127.0.0.1:1/nothing-listens-here")
    s = leonardoaisdk.LeonardoAiSDK(bearer_auth=server.api_key, server_url=server.url)
    assert s.user.get_user_self().object.user_details[0].user.id == server.user_id
    assert leonardoaisdk.LeonardoAiSDK(bearer_auth="k", server_idx=0).server_url == BASE


@pytest.mark.parametrize("unset", [None, ""])
def test_without_the_variable_the_production_server_is_used(
    mock: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch, unset: Any
) -> None:
    if unset is None:
        monkeypatch.delenv("LEONARDO_SERVER_URL", raising=False)
    else:
        monkeypatch.setenv("LEONARDO_SERVER_URL", unset)
    mock.get(BASE + "/me", json=ME)
    leonardoaisdk.LeonardoAiSDK(bearer_auth=TOKEN).user.get_user_self()
    assert mock.calls[0].request.url == BASE + "/me"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ftp://x", "$LEONARDO_SERVER_URL must start with http:// or https://, not 'ftp://x'"),
        ("127.0.0.1:8765/api/rest/v1", "$LEONARDO_SERVER_URL must start with http://"),
        ("http://{host}:1", "$LEONARDO_SERVER_URL needs url_params['host']"),
    ],
)
def test_a_bad_server_url_in_the_environment_is_refused_by_name(
    monkeypatch: pytest.MonkeyPatch, value: str, message: str
) -> None:
    monkeypatch.setenv("LEONARDO_SERVER_URL", value)
    with pytest.raises(errors.ConfigurationError) as caught:
        leonardoaisdk.LeonardoAiSDK(bearer_auth="k")
    assert str(caught.value).startswith(message)


def test_the_variable_takes_url_params_like_server_url(
    mock: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEONARDO_SERVER_URL", "http://127.0.0.1:{port}/v9/")
    mock.get("http://127.0.0.1:9999/v9/me", json=ME)
    s = leonardoaisdk.LeonardoAiSDK(bearer_auth="k", url_params={"port": "9999"})
    s.user.get_user_self()
    assert mock.calls[0].request.url == "http://127.0.0.1:9999/v9/me"
