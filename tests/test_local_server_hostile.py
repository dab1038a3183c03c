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
