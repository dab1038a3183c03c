"""The operation declarations and sub-client methods come from the spec: the generated file is
up to date, and every operation of the spec is a method of its sub-client, named and typed as
``x-python-method`` and ``x-python-signature`` say."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

import leonardoaisdk
from leonardoaisdk import _operations

ROOT = Path(__file__).resolve().parents[1]
SPEC = json.loads((ROOT / "spec" / "leonardo-openapi-2024-02.json").read_text())
ATTRIBUTES = {"initimage": "init_image"}


def spec_operations() -> List[Tuple[str, str, str, Dict[str, Any]]]:
    found = []
    for path, item in SPEC["paths"].items():
        for method, op in item.items():
            prefix, name = op["x-python-method"].split(".")
            found.append((ATTRIBUTES.get(prefix, prefix), name, f"{method.upper()} {path}", op))
    return found


OPERATIONS = spec_operations()


def test_the_generated_file_is_up_to_date() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_clients.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_there_are_seven_sub_clients_and_31_operations() -> None:
    s = leonardoaisdk.LeonardoAiSDK(bearer_auth="k")
    attributes = {attribute for attribute, _, _, _ in OPERATIONS}
    assert attributes == {
        "dataset",
        "element",
        "generation",
        "init_image",
        "model",
        "user",
        "variation",
    }
    for attribute in attributes:
        assert getattr(s, attribute).__class__.__module__ == f"leonardoaisdk.{attribute}"
    declared = [
        op
        for name in _operations.__all__
        if name.endswith("_OPERATIONS")
        for op in getattr(_operations, name)
    ]
    assert len(OPERATIONS) == len(declared) == 31


@pytest.mark.parametrize(
    ("attribute", "name", "route", "spec_op"), OPERATIONS, ids=[o[1] for o in OPERATIONS]
)
def test_each_operation_is_a_typed_method_of_its_sub_client(
    attribute: str, name: str, route: str, spec_op: Dict[str, Any]
) -> None:
    s = leonardoaisdk.LeonardoAiSDK(bearer_auth="k")
    method = getattr(getattr(s, attribute), name)
    parameters = list(inspect.signature(method).parameters.values())
    expected = [
        part.split(":")[0].strip()
        for part in spec_op.get("x-python-signature", "").split(", ")
        if part.strip() and ":" in part
    ]
    assert [p.name for p in parameters] == [*expected, "timeout", "retries"]
    assert all(p.kind is p.KEYWORD_ONLY for p in parameters[-2:])
    assert spec_op["x-python-response-class"] in str(inspect.signature(method).return_annotation)
    assert method.__doc__.splitlines()[0] == spec_op["summary"].strip()
    declared = {
        op.name: op
        for group in _operations.__all__
        if group.endswith("_OPERATIONS")
        for op in getattr(_operations, group)
    }[name]
    assert f"{declared.method} {declared.path}" == route


def test_a_required_parameter_after_the_first_is_refused_when_left_out() -> None:
    from leonardoaisdk import errors
    from leonardoaisdk.models import operations

    s = leonardoaisdk.LeonardoAiSDK(bearer_auth="k", server_url="http://127.0.0.1:9")
    body = operations.UploadDatasetImageRequestBody(extension="png")
    with pytest.raises(errors.RequestValidationError, match="dataset_id"):
        s.dataset.upload_dataset_image(body)
