"""The models scripts/gen_models.py generates: up to date, complete, and faithful both ways.

Every operation of the spec has its parameters, response and alias classes in
``leonardoaisdk.models.operations``; every model decodes and re-encodes a full and a sparse
payload built from its schema. (tests/test_contract.py checks each field against the spec.)
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import subprocess
import sys
import typing
from pathlib import Path
from typing import Any, Dict, List

import pytest

from leonardoaisdk import _fields
from leonardoaisdk._codec import plan_for, strip_optional
from leonardoaisdk._model import OperationResponse, RequestModel
from leonardoaisdk.models import operations
from leonardoaisdk.types import UNSET

from .test_contract import SCHEMAS, SPEC_OPERATIONS, _ref, _sdk_class

ROOT = Path(__file__).resolve().parents[1]
OBJECT_SCHEMAS = sorted(name for name, schema in SCHEMAS.items() if "enum" not in schema)
SAMPLES = {"string": "text", "integer": 7, "number": 0.25, "boolean": True}


def test_the_generated_modules_are_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_models.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _params_class_name(op: Dict[str, Any]) -> str:
    return str(op["x-python-response-class"]).removesuffix("Response") + "Request"


@pytest.mark.parametrize("op_id", sorted(SPEC_OPERATIONS))
def test_every_operation_has_its_classes(op_id: str) -> None:
    _, _, op = SPEC_OPERATIONS[op_id]
    response = getattr(operations, op["x-python-response-class"])
    assert issubclass(response, OperationResponse)
    body = _ref(op["responses"]["200"]["content"]["application/json"]["schema"])
    assert response.body_type is _sdk_class(body)
    assert (
        response.__module__
        == f"leonardoaisdk.models.{SCHEMAS[body]['x-python-module']}".replace("/", ".")
    )
    method = op["x-python-method"]
    assert f"``{method}`` returns" in (response.__doc__ or "")
    alias = inspect.getattr_static(response, f"{op_id}_200_application_json_object")
    assert isinstance(alias, property)
    decoded = response("application/json", 200, typing.cast(Any, None), object="body")
    assert getattr(decoded, f"{op_id}_200_application_json_object") == "body"

    request_body = op.get("requestBody")
    params = op.get("parameters", [])
    takes_params = bool(params) or (
        request_body is not None and request_body.get("x-python-name") == "request_body"
    )
    if request_body is not None and not takes_params:
        assert not hasattr(operations, _params_class_name(op))
        return
    params_class = getattr(operations, _params_class_name(op))
    assert params_class.__module__ == response.__module__
    fields = dataclasses.fields(params_class)
    signature = [part.split(":")[0].strip() for part in op["x-python-signature"].split(",")]
    assert [f.name for f in fields] == [name for name in signature if name]
    expected = {(p["x-python-name"], p["name"], p["in"]) for p in params}
    if request_body is not None:
        expected.add(("request_body", None, _fields.REQUEST_BODY))
        hints = typing.get_type_hints(params_class)
        body_class = _sdk_class(_ref(request_body["content"]["application/json"]["schema"]))
        assert strip_optional(hints["request_body"]) is body_class
        body_field = next(f for f in fields if f.name == "request_body")
        assert (body_field.default is dataclasses.MISSING) == bool(request_body.get("required"))
    assert {
        (f.name, _fields.wire_name(f), f.metadata[_fields.LOCATION]) for f in fields
    } == expected
    for field in fields:
        assert field.metadata[_fields.DESCRIPTION], field.name


def _value(node: Dict[str, Any], full: bool) -> Any:
    if "$ref" in node or "allOf" in node:
        target = SCHEMAS[_ref(node)]
        return target["enum"][-1] if "enum" in target else _payload(_ref(node), full)
    if node.get("type") == "array":
        return [_value(node["items"], full)]
    return SAMPLES[node["type"]]


def _payload(name: str, full: bool) -> Dict[str, Any]:
    """Every property (``full``), or only the required ones and ``null`` for the nullable."""
    schema = SCHEMAS[name]
    required = set(schema.get("required", []))
    payload: Dict[str, Any] = {}
    for wire, prop in schema.get("properties", {}).items():
        if full or wire in required:
            payload[wire] = _value(prop, full)
        elif prop.get("nullable"):
            payload[wire] = None
    return payload


def _with_defaults(name: str, payload: Dict[str, Any]) -> Dict[str, Any]:
    """What encoding a decoded ``payload`` gives: the absent properties that have a default
    in the spec are there with it, in nested models too."""
    schema = SCHEMAS[name]
    expected: Dict[str, Any] = {}
    for wire, prop in schema.get("properties", {}).items():
        if wire in payload:
            value = payload[wire]
            if isinstance(value, dict):
                value = _with_defaults(_ref(prop), value)
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                value = [_with_defaults(_ref(prop["items"]), v) for v in value]
            expected[wire] = value
        elif "default" in prop:
            expected[wire] = prop["default"]
    return expected


@pytest.mark.parametrize("full", [True, False], ids=["full", "sparse"])
@pytest.mark.parametrize("name", OBJECT_SCHEMAS)
def test_every_model_round_trips_a_payload_built_from_the_spec(name: str, full: bool) -> None:
    cls = _sdk_class(name)
    payload = _payload(name, full)
    decoded = cls.from_dict(payload)
    assert decoded.to_dict() == _with_defaults(name, payload)
    assert cls.from_dict(decoded.to_dict()) == decoded
    assert cls.from_json(decoded.to_json()) == decoded
    assert not decoded.additional_properties
    if full:
        for field in plan_for(cls).fields:
            assert getattr(decoded, field.name) not in (None, UNSET), field.name


@pytest.mark.parametrize("name", OBJECT_SCHEMAS)
def test_unknown_properties_survive_the_round_trip(name: str) -> None:
    cls = _sdk_class(name)
    payload = {**_payload(name, True), "addedLater": {"nested": [1, 2]}}
    decoded = cls.from_dict(payload)
    assert decoded.additional_properties == {"addedLater": {"nested": [1, 2]}}
    assert decoded.to_dict()["addedLater"] == {"nested": [1, 2]}


def test_request_models_are_the_ones_sent() -> None:
    sent: List[str] = []
    for _, _, op in SPEC_OPERATIONS.values():
        content = op.get("requestBody", {}).get("content", {}).get("application/json")
        if content:
            sent.append(_ref(content["schema"]))
    for name in OBJECT_SCHEMAS:
        assert issubclass(_sdk_class(name), RequestModel) == (
            name in sent or name == "ElementInput"
        ), name


def test_every_generated_module_is_importable_on_its_own() -> None:
    for path in sorted((ROOT / "src" / "leonardoaisdk" / "models").glob("*/*.py")):
        importlib.import_module(f"leonardoaisdk.models.{path.parent.name}.{path.stem}")
