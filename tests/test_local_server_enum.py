"""LocalLeonardo's 400 for an unknown enum value names the values it accepts, on the wire."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest
import requests

import leonardoaisdk
from leonardoaisdk import errors
from leonardoaisdk.models import operations, shared
from leonardoaisdk.testing import LocalLeonardo
from leonardoaisdk.testing._validate import SEEN_LATER

LEONARDO = str(Path(sys.executable).with_name("leonardo"))
LISTED = ", expected one of: "


def _members(enum_cls: Any) -> List[str]:
    # Written out here rather than taken from the server, so that a list which drops or
    # invents a value fails.
    return sorted({m.value for m in enum_cls} | set(SEEN_LATER.get(enum_cls.__name__, ())))


GENERATION_ENUMS: List[Tuple[str, List[str]]] = [
    ("presetStyle", _members(shared.SdGenerationStyle)),
    ("scheduler", _members(shared.SdGenerationSchedulers)),
    ("sd_version", _members(shared.SdVersions)),
    ("controlNetType", _members(shared.ControlnetType)),
]
MODEL_ENUMS: List[Tuple[str, List[str]]] = [
    ("modelType", [m.value for m in shared.CustomModelType]),
    ("sd_Version", ["v1_5", "v2"]),
    ("strength", [m.value for m in shared.Strength]),
]


@pytest.fixture(scope="module")
def server() -> Iterator[LocalLeonardo]:
    # No concurrency limit: every accepted value is tried, and the jobs would otherwise queue.
    with LocalLeonardo(complete_after=0, concurrency_limit=None) as running:
        yield running


def _post(server: LocalLeonardo, path: str, body: Dict[str, Any]) -> requests.Response:
    return requests.post(
        server.url + path,
        json=body,
        headers={"Authorization": f"Bearer {server.api_key}"},
        timeout=10,
    )


def _refusal(response: requests.Response, field: str, value: str) -> List[str]:
    """The values a 400 for ``field`` lists, after checking the rest of Leonardo's error body."""
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "validation-failed" and body["path"] == f"$.{field}"
    message: str = body["error"]
    head, sep, values = message.partition(LISTED)
    assert sep, message
    assert head == f"unexpected value {value!r} for {field}"
    return values.split(", ")


def _model_body(server: LocalLeonardo) -> Dict[str, Any]:
    dataset = _post(server, "/datasets", {"name": "enum-check"})
    assert dataset.status_code == 200, dataset.text
    return {
        "name": "m",
        "instance_prompt": "a fox",
        "datasetId": dataset.json()["insert_datasets_one"]["id"],
    }


@pytest.mark.parametrize(
    ("field", "expected"), GENERATION_ENUMS, ids=[f for f, _ in GENERATION_ENUMS]
)
def test_generation_enum_refusal_lists_exactly_the_accepted_values(
    server: LocalLeonardo, field: str, expected: List[str]
) -> None:
    listed = _refusal(
        _post(server, "/generations", {"prompt": "a fox", field: "NOT_A_VALUE"}),
        field,
        "NOT_A_VALUE",
    )
    assert listed == expected  # sorted: the same message on every run
    for value in listed:
        response = _post(server, "/generations", {"prompt": "a fox", field: value})
        assert response.status_code == 200, (value, response.text)


@pytest.mark.parametrize(("field", "expected"), MODEL_ENUMS, ids=[f for f, _ in MODEL_ENUMS])
def test_model_training_enum_refusal_lists_the_accepted_values(
    server: LocalLeonardo, field: str, expected: List[str]
) -> None:
    body = _model_body(server)
    listed = _refusal(_post(server, "/models", {**body, field: "nope"}), field, "nope")
    assert sorted(listed) == sorted(expected)
    for value in listed:
        response = _post(server, "/models", {**body, field: value})
        assert response.status_code == 200, (value, response.text)


def test_a_near_miss_is_refused_and_the_list_shows_the_spelling(server: LocalLeonardo) -> None:
    listed = _refusal(
        _post(server, "/generations", {"prompt": "a fox", "presetStyle": "cinematic"}),
        "presetStyle",
        "cinematic",
    )
    assert "CINEMATIC" in listed and "cinematic" not in listed


def test_the_sdk_error_carries_the_list(server: LocalLeonardo) -> None:
    sdk = leonardoaisdk.LeonardoAiSDK(
        bearer_auth=server.api_key, server_url=server.url, retry_config="none"
    )
    with pytest.raises(errors.SDKError) as raised:
        sdk.generation.create_generation(
            operations.CreateGenerationRequestBody(prompt="a fox", sd_version="v9")
        )
    assert raised.value.status_code == 400
    assert "unexpected value 'v9' for sd_version" in str(raised.value)
    assert f"{LISTED}{', '.join(_members(shared.SdVersions))}" in str(raised.value)


def test_the_cli_error_carries_the_list(server: LocalLeonardo) -> None:
    environment = {**os.environ, "LEONARDO_API_KEY": server.api_key}
    result = subprocess.run(
        [LEONARDO, "generate", "a fox", "--preset-style", "NOPE", "--server-url", server.url],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("leonardo: "), result.stderr
    assert "'NOPE' for presetStyle" in lines[0] and "CINEMATIC, CINEMATIC_CLOSEUP" in lines[0]
