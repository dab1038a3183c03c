"""LocalLeonardo against hostile clients, built for real on 127.0.0.1: it stays up, answers
with Leonardo's error body, and keeps what it stores valid JSON."""

from __future__ import annotations

import json
from typing import Any, Dict

import pytest
import requests

from leonardoaisdk.testing import LocalLeonardo

pytestmark = pytest.mark.leonardo(complete_after=0)


def _no_constant(name: str) -> Any:
    raise AssertionError(f"the server sent {name}, which is not JSON")


def auth(server: LocalLeonardo) -> Dict[str, str]:
    return {"Authorization": f"Bearer {server.api_key}"}


# --- 1. the request log is bounded ----------------------------------------------------------


@pytest.mark.leonardo(max_log_entries=50, max_logged_body=1024)
def test_request_log_keeps_the_newest_entries_and_a_slice_of_each_body(
    server: LocalLeonardo,
) -> None:
    session = requests.Session()
    big = b"x" * 50_000  # not JSON: every one of these is refused, and still logged
    for n in range(300):
        response = session.post(
            server.url + "/generations", params={"n": n}, data=big, headers=auth(server), timeout=5
        )
        assert response.status_code == 400
    log = server.request_log
    assert len(log) == 50
    assert [int(r.query["n"]) for r in log] == list(range(250, 300))  # the oldest went first
    assert sum(len(r.body) for r in log) == 50 * 1024
    assert all(r.body == big[:1024] and r.body_length == 50_000 and r.truncated for r in log)
    with pytest.raises(ValueError, match="kept 1024 of the body's 50000 bytes"):
        log[-1].json()


def test_request_log_defaults_to_1000_entries_and_64_kib_bodies(server: LocalLeonardo) -> None:
    session = requests.Session()
    for n in range(1001):
        session.get(server.url + "/me", params={"n": n}, headers=auth(server), timeout=5)
    session.post(server.url + "/generations", data=b" " * 100_000, headers=auth(server), timeout=5)
    small = session.post(
        server.url + "/generations", json={"prompt": "kept whole"}, headers=auth(server), timeout=5
    )
    assert small.status_code == 200
    log = server.request_log
    assert len(log) == 1000
    assert log[0].query == {"n": "3"}  # 1003 requests: the first three were dropped
    large, whole = log[-2], log[-1]
    assert (len(large.body), large.body_length, large.truncated) == (64 * 1024, 100_000, True)
    assert whole.json() == {"prompt": "kept whole"} and not whole.truncated


def test_log_limits_must_not_be_negative() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        LocalLeonardo(max_log_entries=-1)


# --- 4. JSON that is not JSON ------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw_body",
    [
        b'{"prompt": "a", "init_strength": NaN}',
        b'{"prompt": "a", "extra": {"deep": Infinity}}',
        b'{"prompt": "a", "extra": -Infinity}',
        b'{"prompt": "a", "extra": [1e999]}',
    ],
)
def test_non_finite_numbers_are_refused_400(server: LocalLeonardo, raw_body: bytes) -> None:
    response = requests.post(
        server.url + "/generations", data=raw_body, headers=auth(server), timeout=5
    )
    assert response.status_code == 400
    assert response.json()["code"] == "validation-failed"
    listed = requests.get(
        f"{server.url}/generations/user/{server.user_id}", headers=auth(server), timeout=5
    )
    assert json.loads(listed.content, parse_constant=_no_constant) == {"generations": []}
