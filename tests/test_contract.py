"""The SDK against the API facts in spec/leonardo-openapi-2024-02.json.

Every schema of the spec must exist under its ``x-python-class`` in the module
``x-python-module`` names, with exactly the spec's properties (wire name, Python name, type,
nullability, default, description) and enum members; every operation of the SDK's sub-clients
must have the spec's method, path, parameters and classes.
"""

from __future__ import annotations

import enum
import importlib
import inspect
import json
import typing
from pathlib import Path
from typing import Any, Dict, Iterator, List, Set, Tuple

import pytest

from leonardoaisdk import _fields
from leonardoaisdk._codec import plan_for, strip_optional
from leonardoaisdk._operation import Operation
from leonardoaisdk.sdk import LeonardoAiSDK
from leonardoaisdk.types import UNSET

SPEC = json.loads(
    (Path(__file__).parents[1] / "spec" / "leonardo-openapi-2024-02.json").read_text()
)
SCHEMAS: Dict[str, Any] = SPEC["components"]["schemas"]
SCALARS = {"string": str, "integer": int, "number": float, "boolean": bool}


def _clean(text: str) -> str:
    return text.replace('\\\\"', '"').replace('\\"', '"').strip()


def _ref(node: Dict[str, Any]) -> str:
    if "$ref" in node:
        return str(node["$ref"]).rsplit("/", 1)[-1]
    return str(node["allOf"][0]["$ref"]).rsplit("/", 1)[-1]


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value.rsplit("/", 1)[-1]
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _spec_operations() -> Dict[str, Tuple[str, str, Dict[str, Any]]]:
    found = {}
    for path, item in SPEC["paths"].items():
        for method, op in item.items():
            found[op["operationId"]] = (method.upper(), path, op)
    return found


def _sdk_operations() -> Dict[str, Tuple[type, Operation[Any]]]:
    """The operations of the sub-clients ``LeonardoAiSDK`` declares (``generation: Generation``),
    each from its module's ``OPERATIONS``."""
    found: Dict[str, Tuple[type, Operation[Any]]] = {}
    for client in typing.get_type_hints(LeonardoAiSDK).values():
        operations = getattr(inspect.getmodule(client), "OPERATIONS", None)
        if isinstance(client, type) and operations is not None:
            found.update({op.name: (client, op) for op in operations})
    return found


SPEC_OPERATIONS = _spec_operations()
SDK_OPERATIONS = _sdk_operations()
# The operations the SDK has had since its first release; the others come with their sub-clients.
FIRST_OPERATIONS = {
    op_id
    for op_id, (_, path, op) in SPEC_OPERATIONS.items()
    if op.get("tags") == ["Generation"] or path == "/me"
}


def _reachable() -> Tuple[Set[str], Set[str]]:
    """All schemas the operations reach, and those that are sent (request bodies and parts)."""
    seen: Set[str] = set()
    sent: Set[str] = set()
    todo: List[str] = []
    for _, _, op in SPEC_OPERATIONS.values():
        todo += list(_refs(op))
        sent.update(_refs(op.get("requestBody", {})))
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += list(_refs(SCHEMAS[name]))
    for name in list(sent):
        sent.update(r for r in _refs(SCHEMAS[name]) if "enum" not in SCHEMAS[r])
    return seen, sent


REACHABLE, SENT = _reachable()


def _sdk_class(schema_name: str) -> Any:
    schema = SCHEMAS[schema_name]
    package, module = schema["x-python-module"].split("/")
    exported = getattr(
        importlib.import_module(f"leonardoaisdk.models.{package}"), schema["x-python-class"]
    )
    defined_in = importlib.import_module(f"leonardoaisdk.models.{package}.{module}")
    assert getattr(defined_in, schema["x-python-class"]) is exported
    return exported


def _expected_hint(prop: Dict[str, Any]) -> Any:
    if "$ref" in prop or "allOf" in prop:
        target = _ref(prop)
        cls = _sdk_class(target)
        return typing.Union[cls, str] if "enum" in SCHEMAS[target] else cls
    if prop.get("type") == "array":
        return List[_expected_hint(prop["items"])]  # type: ignore[misc]
    return SCALARS[prop["type"]]


def test_the_sdk_covers_the_specs_operations_and_invents_none() -> None:
    assert set(SDK_OPERATIONS) <= set(SPEC_OPERATIONS)
    assert set(SDK_OPERATIONS) >= FIRST_OPERATIONS


def test_every_schema_of_the_spec_is_reached_and_checked() -> None:
    assert set(SCHEMAS) == REACHABLE


@pytest.mark.parametrize("name", sorted(REACHABLE))
def test_schema_matches_the_spec(name: str) -> None:
    schema = SCHEMAS[name]
    cls = _sdk_class(name)
    if "enum" in schema:
        assert issubclass(cls, enum.Enum) and issubclass(cls, str)
        assert {m.name: m.value for m in cls} == schema["x-python-members"]
        assert [m.value for m in cls] == schema["enum"]
        return
    plan = plan_for(cls)
    properties = schema.get("properties", {})
    assert {f.wire: f.name for f in plan.fields} == {
        wire: prop["x-python-name"] for wire, prop in properties.items()
    }, "every property present under its wire and Python name, and nothing invented"
    assert plan.extra_name == "additional_properties"
    is_request = name in SENT
    required = set(schema.get("required", []))
    for field in plan.fields:
        prop = properties[field.wire]
        assert field.nullable == bool(prop.get("nullable")), field.name
        assert field.required == (field.wire in required), field.name
        assert field.description == _clean(prop.get("description", "")), field.name
        assert strip_optional(field.hint) == _expected_hint(prop), field.name
        if "default" in prop:
            assert field.default == prop["default"], field.name
        elif field.required:
            assert field.default is None
        else:
            assert field.default is (UNSET if is_request else None), field.name


@pytest.mark.parametrize("op_id", sorted(SPEC_OPERATIONS))
def test_operation_matches_the_spec(op_id: str) -> None:
    method, path, spec_op = SPEC_OPERATIONS[op_id]
    if op_id not in SDK_OPERATIONS and op_id not in FIRST_OPERATIONS:
        pytest.skip(f"no sub-client has {op_id} yet (its models: tests/test_generated_models.py)")
    client, op = SDK_OPERATIONS[op_id]
    assert (op.method, op.path) == (method, path)
    assert f"{client.__name__.lower()}.{op.name}" == spec_op["x-python-method"]
    assert op.response_type.__name__ == spec_op["x-python-response-class"]
    assert op.response_type.body_type is _sdk_class(
        _ref(spec_op["responses"]["200"]["content"]["application/json"]["schema"])
    )
    operations = importlib.import_module("leonardoaisdk.models.operations")
    assert getattr(operations, op.response_type.__name__) is op.response_type

    body_ref = spec_op.get("requestBody", {}).get("content", {}).get("application/json", {})
    params = spec_op.get("parameters", [])
    if "x-python-request-class" in spec_op:
        assert op.request_type.__name__ == spec_op["x-python-request-class"]
        assert getattr(operations, op.request_type.__name__) is op.request_type
        declared = {
            (f.name, _fields.wire_name(f), f.metadata[_fields.LOCATION])
            for f in typing.cast(Any, op.request_type).__dataclass_fields__.values()
        }
        expected = {(p["x-python-name"], p["name"], p["in"]) for p in params}
        if body_ref:
            expected.add(("request_body", None, _fields.REQUEST_BODY))
            hints = typing.get_type_hints(op.request_type)
            assert strip_optional(hints["request_body"]) is _sdk_class(_ref(body_ref["schema"]))
        assert declared == expected
    elif body_ref:
        assert op.request_type is _sdk_class(_ref(body_ref["schema"]))
    else:
        assert not params

    method_params = list(inspect.signature(getattr(client, op.name)).parameters.values())[1:]
    positional = [p.name for p in method_params if p.kind is p.POSITIONAL_OR_KEYWORD]
    keyword_only = [p.name for p in method_params if p.kind is p.KEYWORD_ONLY]
    signature = spec_op["x-python-signature"]
    assert positional == [part.split(":")[0].strip() for part in signature.split(",") if part]
    assert keyword_only == ["timeout", "retries"]
    summary, _, description = inspect.getdoc(getattr(client, op.name)).partition("\n\n")
    assert summary == spec_op["summary"]
    assert " ".join(description.split()) == spec_op["description"]


def test_no_model_in_the_sdk_is_unknown_to_the_spec() -> None:
    spec_classes = {SCHEMAS[n]["x-python-class"] for n in REACHABLE}
    spec_classes |= {op.get("x-python-request-class") for _, _, op in SPEC_OPERATIONS.values()}
    spec_classes |= {op["x-python-response-class"] for _, _, op in SPEC_OPERATIONS.values()}
    # auth, and the empty parameters classes of the operations that take nothing (GET /me)
    spec_classes |= {"Security", "GetUserSelfRequest", "GetElementsRequest"}
    spec_classes |= {"GetPlatformModelsRequest"}
    for package in ("operations", "shared"):
        module = importlib.import_module(f"leonardoaisdk.models.{package}")
        assert set(module.__all__) <= spec_classes, package
        for name in module.__all__:
            getattr(module, name)
