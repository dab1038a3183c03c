"""``iter_generations_by_user_id(since=...)`` and ``leonardo list --since``: paging stops at
the first generation older than ``since``, whatever ISO form the API gives its timestamps."""

from __future__ import annotations

import datetime
import json
from typing import Any, Dict, List

import pytest
import responses

import leonardoaisdk
from leonardoaisdk import errors
from leonardoaisdk.testing import LocalLeonardo

from . import payloads
from .conftest import BASE, TOKEN
from .test_cli import as_json

USER = payloads.USER_ID
# Newest first, as the API lists them; each in another of the forms the API has sent.
CREATED = [
    "2024-02-03T10:00:00.123Z",
    "2024-02-02T10:00:00+00:00",
    "2024-02-01T00:30:00.5+01:00",  # 23:30 UTC on Jan 31: before Feb 1
    "2024-01-31T23:59:59",
    "2024-01-15T08:00:00.000000Z",
]


def page(created: List[str], first: int = 0) -> Dict[str, Any]:
    return {
        "generations": [
            payloads.generation(f"g-{first + n}", images=1, createdAt=when)
            for n, when in enumerate(created)
        ]
    }


def serve_pages(mock: responses.RequestsMock, page_size: int) -> List[str]:
    asked: List[str] = []

    def answer(request: Any) -> Any:
        asked.append(request.url)
        offset = int(request.params.get("offset", 0))
        chunk = CREATED[offset : offset + page_size]
        return 200, {"Content-Type": "application/json"}, json.dumps(page(chunk, offset))

    mock.add_callback("GET", f"{BASE}/generations/user/{USER}", callback=answer)
    return asked


@pytest.mark.parametrize(
    "since",
    [
        "2024-02-01",
        "2024-02-01T00:00:00Z",
        "2024-02-01T01:00:00+01:00",
        datetime.date(2024, 2, 1),
        datetime.datetime(2024, 2, 1),  # naive: UTC
        datetime.datetime(2024, 2, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=1))),
    ],
)
def test_paging_stops_at_the_first_generation_older_than_since(
    mock: responses.RequestsMock, since: Any
) -> None:
    asked = serve_pages(mock, page_size=2)
    sdk = leonardoaisdk.LeonardoAiSDK(bearer_auth=TOKEN)
    found = list(sdk.generation.iter_generations_by_user_id(USER, page_size=2, since=since))
    assert [g.id for g in found] == ["g-0", "g-1"]
    assert len(asked) == 2  # the second page showed an older one: no third page asked for
    assert all(g.created_at_datetime.tzinfo is not None for g in found)


def test_without_since_every_page_is_read(mock: responses.RequestsMock) -> None:
    asked = serve_pages(mock, page_size=2)
    sdk = leonardoaisdk.LeonardoAiSDK(bearer_auth=TOKEN)
    found = list(sdk.generation.iter_generations_by_user_id(USER, page_size=2))
    assert [g.id for g in found] == [f"g-{n}" for n in range(5)]
    assert len(asked) == 3


@pytest.mark.parametrize("bad", ["last tuesday", "2024-13-01", 20240201, ""])
def test_a_bad_since_fails_at_the_call(bad: Any) -> None:
    sdk = leonardoaisdk.LeonardoAiSDK(bearer_auth=TOKEN)
    with pytest.raises(errors.RequestValidationError, match="since"):
        sdk.generation.iter_generations_by_user_id(USER, since=bad)


def test_leonardo_list_since(server: LocalLeonardo) -> None:
    server.inject(
        "GET /generations/user/{userId}", body=json.dumps(page(CREATED)), times=1
    )
    from .test_cli import run

    listed = as_json(run(server, "--json", "list", "--user-id", USER, "--since", "2024-02-01"))
    assert [g["id"] for g in listed] == ["g-0", "g-1"]
    refused = run(server, "list", "--user-id", USER, "--since", "someday")
    assert refused.returncode == 2 and "since" in refused.stderr  # a usage error
    assert "Traceback" not in refused.stderr
