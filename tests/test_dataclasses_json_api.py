"""dataclasses-json's API on every model: to_dict/from_dict/to_json/from_json, and schema().

``schema()`` is a working marshmallow schema for every request model: a web backend can validate
its own clients' input with ``CreateGenerationRequestBody.schema().load(d)`` (wire names in, a
model out), and ``dump`` gives what ``to_dict`` gives.
"""

from __future__ import annotations

import copy
import json
import math
import subprocess
import sys
from typing import Any, Dict, List

import marshmallow
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leonardoaisdk import errors
from leonardoaisdk._codec import enum_of, is_model, list_item, plan_for, strip_optional
from leonardoaisdk.models import operations, shared
from leonardoaisdk.types import UNSET
from tests.payloads import generation, generations_page
from tests.test_dataclasses_json_differential import MODELS, REQUEST_MODELS, payload_of

RESPONSE_BODIES = [
    (operations.GetGenerationByIDResponseBody, {"generations_by_pk": generation()}),
    (operations.GetGenerationsByUserIDResponseBody, generations_page(3, 2)),
    (
        operations.GetUserSelfResponseBody,
        {"user_details": [{"user": {"id": "u", "username": "x"}, "tokenRenewalDate": None}]},
    ),
]


@pytest.mark.parametrize(("cls", "payload"), RESPONSE_BODIES)
def test_to_json_and_from_json_round_trip_exactly(cls: Any, payload: Dict[str, Any]) -> None:
    body = cls.from_json(json.dumps(payload))
    assert body == cls.from_dict(copy.deepcopy(payload))
    assert json.loads(body.to_json()) == body.to_dict()
    assert cls.from_json(body.to_json()) == body
    assert cls.from_json(body.to_json().encode()) == body  # bytes, as json.loads takes
    assert body.to_json(indent=2, sort_keys=True) == json.dumps(
        body.to_dict(), indent=2, sort_keys=True
    )


def test_from_json_refuses_what_is_not_json_with_an_sdk_error() -> None:
    with pytest.raises(errors.ResponseValidationError, match="not JSON"):
        operations.GetGenerationByIDResponseBody.from_json("{nope")
    with pytest.raises(errors.ResponseValidationError, match=r"expected object"):
        operations.GetGenerationByIDResponseBody.from_json("[1]")


def test_to_json_refuses_what_is_not_json_with_an_sdk_error() -> None:
    request = operations.CreateGenerationRequestBody(additional_properties={"x": object()})
    with pytest.raises(errors.RequestValidationError, match="cannot be written as JSON"):
        request.to_json()


def test_unset_fields_are_not_emitted_and_none_on_nullable_fields_is_null() -> None:
    request = operations.CreateGenerationRequestBody(prompt="p", seed=None, alchemy=UNSET)
    for encoded in (request.to_dict(), json.loads(request.to_json())):
        assert encoded["seed"] is None and "alchemy" not in encoded and "tiling" not in encoded


def test_from_dict_infer_missing_gives_none_for_absent_properties() -> None:
    decoded = operations.CreateGenerationRequestBody.from_dict({"prompt": "p"}, infer_missing=True)
    assert decoded.prompt == "p" and decoded.alchemy is None and decoded.width is None
    assert operations.CreateGenerationRequestBody.from_dict({}).alchemy is UNSET


# --- schema() ---------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", REQUEST_MODELS, ids=lambda c: c.__name__)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_schema_load_gives_what_from_dict_gives_and_dump_what_to_dict_gives(
    cls: Any, data: st.DataObject
) -> None:
    payload = data.draw(payload_of(cls, future=True, sparse=True, null_items=False))
    payload = _sendable(cls, payload)
    schema = cls.schema()
    loaded = schema.load(copy.deepcopy(payload))
    assert type(loaded) is cls
    assert loaded == cls.from_dict(copy.deepcopy(payload))
    assert schema.dump(loaded) == loaded.to_dict()
    assert cls.schema().load(schema.dump(loaded)) == loaded


def _sendable(cls: Any, payload: Dict[str, Any]) -> Dict[str, Any]:
    """``payload`` without nulls where the request model's field takes none."""
    plan = plan_for(cls)
    takes_null = {f.wire for f in plan.fields if f.nullable}
    return {
        k: v
        for k, v in payload.items()
        if v is not None or k in takes_null or k not in plan.wire_names
    }


def _wrong_value(hint: Any) -> Any:
    core = strip_optional(hint)
    if enum_of(core) is not None or core is str:
        return 7
    if core in (int, float):
        return "7"
    if core is bool:
        return "true"
    if is_model(core):
        return ["not", "an", "object"]
    if list_item(core) is not None:
        return {"not": "a list"}
    raise AssertionError(hint)


REQUEST_FIELDS = [(cls, f) for cls in REQUEST_MODELS for f in plan_for(cls).fields]


@pytest.mark.parametrize(
    ("cls", "field"), REQUEST_FIELDS, ids=[f"{c.__name__}.{f.name}" for c, f in REQUEST_FIELDS]
)
def test_schema_load_refuses_a_wrong_type_in_any_field_naming_its_wire_name(
    cls: Any, field: Any
) -> None:
    payload = {f.wire: "x" for f in plan_for(cls).fields if f.required}
    payload[field.wire] = _wrong_value(field.hint)
    with pytest.raises(marshmallow.ValidationError) as caught:
        cls.schema().load(payload)
    assert list(caught.value.messages) == [field.wire]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("cls", "field"), REQUEST_FIELDS, ids=[f"{c.__name__}.{f.name}" for c, f in REQUEST_FIELDS]
)
def test_schema_load_takes_null_exactly_where_the_api_does(cls: Any, field: Any) -> None:
    payload = {f.wire: "x" for f in plan_for(cls).fields if f.required}
    payload[field.wire] = None
    if field.nullable:
        assert getattr(cls.schema().load(payload), field.name) is None
    else:
        with pytest.raises(marshmallow.ValidationError, match="may not be null"):
            cls.schema().load(payload)


def test_schema_load_of_the_documented_example() -> None:
    loaded = operations.CreateGenerationRequestBody.schema().load(
        {
            "prompt": "A cat",
            "presetStyle": "BOKEH",  # newer than this SDK: kept as a string
            "sd_version": "v2",
            "elements": [{"akUUID": "e-1", "weight": 0.5, "mode": "soft"}],
            "alchemy": None,
            "photoRealVersion": "v2",
        }
    )
    assert isinstance(loaded, operations.CreateGenerationRequestBody)
    assert loaded.prompt == "A cat" and loaded.preset_style == "BOKEH"
    assert type(loaded.preset_style) is str and loaded.sd_version is shared.SdVersions.V2
    assert loaded.elements == [
        shared.ElementInput(ak_uuid="e-1", weight=0.5, additional_properties={"mode": "soft"})
    ]
    assert loaded.alchemy is None and loaded.tiling is UNSET and loaded.width == 512
    assert loaded.additional_properties == {"photoRealVersion": "v2"}


BAD_LOADS: List[Any] = [
    ({"width": "512"}, "width", "Expected integer"),
    ({"width": 512.5}, "width", "Expected integer"),
    ({"num_images": True}, "num_images", "Expected integer"),
    ({"public": "yes"}, "public", "Expected boolean"),
    ({"presetStyle": 3}, "presetStyle", "Expected string (SdGenerationStyle)"),
    ({"imagePrompts": "img"}, "imagePrompts", "Not a valid list"),
    ({"imagePrompts": ["a", None]}, "imagePrompts", "may not be null"),
    ({"elements": [{"weight": "heavy"}]}, "elements", "Expected number"),
    ({"contrastRatio": math.nan}, "contrastRatio", "expected a finite number"),
    ({"prompt": "\udcff"}, "prompt", "not valid Unicode"),
]


@pytest.mark.parametrize(("payload", "key", "message"), BAD_LOADS)
def test_schema_load_refuses_what_could_not_be_sent(
    payload: Dict[str, Any], key: str, message: str
) -> None:
    with pytest.raises(marshmallow.ValidationError) as caught:
        operations.CreateGenerationRequestBody.schema().load(payload)
    assert key in caught.value.messages  # type: ignore[operator]
    assert message in json.dumps(caught.value.messages, ensure_ascii=False)


def test_schema_load_requires_required_fields() -> None:
    schema = operations.PostGenerationsMotionSvdRequestBody.schema()
    with pytest.raises(marshmallow.ValidationError, match="imageId"):
        schema.load({"isPublic": True})
    loaded = schema.load({"imageId": "i-1"})
    assert loaded == operations.PostGenerationsMotionSvdRequestBody(image_id="i-1")


def test_schema_dump_of_a_model_built_in_python() -> None:
    request = operations.CreateGenerationRequestBody(
        prompt="p",
        seed=None,
        preset_style=shared.SdGenerationStyle.ANIME,
        elements=[shared.ElementInput(ak_uuid="e")],
        additional_properties={"x": 1},
    )
    dumped = operations.CreateGenerationRequestBody.schema().dump(request)
    assert dumped == request.to_dict()
    assert dumped["presetStyle"] == "ANIME" and dumped["seed"] is None and "alchemy" not in dumped


def test_schema_many() -> None:
    schema = shared.ElementInput.schema(many=True)
    loaded = schema.load([{"akUUID": "a"}, {"weight": 2}])
    assert loaded == [shared.ElementInput(ak_uuid="a"), shared.ElementInput(weight=2)]
    assert schema.dump(loaded) == [{"akUUID": "a"}, {"weight": 2}]


@pytest.mark.parametrize("cls", MODELS, ids=lambda c: c.__name__)
def test_every_model_has_a_schema_that_loads_an_empty_object(cls: Any) -> None:
    payload = {f.wire: "x" for f in plan_for(cls).fields if f.required}
    assert cls.schema().load(payload) == cls.from_dict(payload)


def test_schema_of_a_response_model_loads_what_the_api_sends() -> None:
    payload = {"generations_by_pk": generation(images=1)}
    loaded = operations.GetGenerationByIDResponseBody.schema().load(copy.deepcopy(payload))
    assert loaded == operations.GetGenerationByIDResponseBody.from_dict(copy.deepcopy(payload))


PROBE = """
import json, sys
{statements}
print(json.dumps(["dataclasses_json" in sys.modules, "marshmallow" in sys.modules]))
"""


@pytest.mark.parametrize(
    ("statements", "loaded"),
    [
        ("import leonardoaisdk", False),
        ("from leonardoaisdk.models import operations, shared", False),
        ("from leonardoaisdk.models import operations; operations.UserDetails", True),
    ],
)
def test_dataclasses_json_loads_with_the_first_model(statements: str, loaded: bool) -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(statements=statements)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(out) == [loaded, loaded]
