"""Decoding the payloads the live API really sends, and refusing what is not JSON of our shape."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
import sys
import types
import typing
from typing import Any, Dict, List, Optional, Tuple, TypeVar, Union

import pytest
import responses

import leonardoaisdk
from leonardoaisdk import errors
from leonardoaisdk._codec import (
    admits_none,
    bind,
    enum_of,
    list_item,
    model_hints,
    strip_optional,
    type_bindings,
)
from leonardoaisdk.models import operations, shared
from leonardoaisdk.types import Omittable, OptionalNullable, Unset
from tests.conftest import BASE, TOKEN
from tests.payloads import GENERATION_ID, generation, generations_page

URL = f"{BASE}/generations/{GENERATION_ID}"


def _get(sdk: leonardoaisdk.LeonardoAiSDK) -> operations.GetGenerationByIDGenerations:
    res = sdk.generation.get_generation_by_id(GENERATION_ID)
    assert res.object is not None and res.object.generations_by_pk is not None
    return res.object.generations_by_pk


@pytest.mark.parametrize(
    ("field", "value", "member"),
    [
        ("sdVersion", "v1_5", shared.SdVersions.V1_5),
        ("sdVersion", "SDXL_0_9", None),
        ("sdVersion", "PHOENIX", None),
        ("presetStyle", "RENDER_3D", shared.SdGenerationStyle.RENDER_3_D),
        ("presetStyle", "BOKEH", None),
        ("presetStyle", "STOCK_PHOTO", None),
        (
            "scheduler",
            "EULER_ANCESTRAL_DISCRETE",
            shared.SdGenerationSchedulers.EULER_ANCESTRAL_DISCRETE,
        ),
        ("status", "QUEUED", None),
    ],
)
def test_enum_values_known_become_members_unknown_stay_strings(
    sdk: leonardoaisdk.LeonardoAiSDK,
    mock: responses.RequestsMock,
    field: str,
    value: str,
    member: Any,
) -> None:
    mock.get(URL, json={"generations_by_pk": generation(**{field: value})})
    gen = _get(sdk)
    python_name = {"sdVersion": "sd_version", "presetStyle": "preset_style"}.get(field, field)
    decoded = getattr(gen, python_name)
    if member is None:
        assert type(decoded) is str and decoded == value
    else:
        assert decoded is member


def test_missing_fields_decode_as_none(
    sdk: leonardoaisdk.LeonardoAiSDK, mock: responses.RequestsMock
) -> None:
    mock.get(URL, json={"generations_by_pk": {"id": GENERATION_ID}})
    gen = _get(sdk)
    assert gen.id == GENERATION_ID
    assert gen.status is None and gen.generated_images is None and gen.prompt is None
    assert gen.additional_properties == {}


def test_null_is_accepted_for_every_field(
    sdk: leonardoaisdk.LeonardoAiSDK, mock: responses.RequestsMock
) -> None:
    body = {key: None for key in generation()}
    body["generated_images"] = [dict.fromkeys(generation()["generated_images"][0]), None]
    mock.get(URL, json={"generations_by_pk": body})
    gen = _get(sdk)
    assert gen.prompt is None and gen.status is None and gen.image_width is None
    assert gen.generated_images is not None
    assert gen.generated_images[0].url is None and gen.generated_images[1] is None


def test_unknown_fields_are_kept_at_every_level(
    sdk: leonardoaisdk.LeonardoAiSDK, mock: responses.RequestsMock
) -> None:
    body = generation(images=1, transparency="foreground_only")
    body["generated_images"][0]["blurHash"] = "LEHV6nWB2yk8"
    mock.get(URL, json={"generations_by_pk": body, "requestId": "r-1"})
    res = sdk.generation.get_generation_by_id(GENERATION_ID)
    assert res.object is not None and res.object.additional_properties == {"requestId": "r-1"}
    gen = res.object.generations_by_pk
    assert gen is not None and gen.additional_properties["transparency"] == "foreground_only"
    assert gen.generated_images is not None
    assert gen.generated_images[0].additional_properties == {"blurHash": "LEHV6nWB2yk8"}


def test_integral_floats_are_accepted_for_integers(
    sdk: leonardoaisdk.LeonardoAiSDK, mock: responses.RequestsMock
) -> None:
    mock.get(URL, json={"generations_by_pk": generation(imageWidth=1024.0, guidanceScale=7)})
    gen = _get(sdk)
    assert gen.image_width == 1024 and type(gen.image_width) is int
    assert gen.guidance_scale == 7


def test_a_page_of_fifty_generations_decodes(
    sdk: leonardoaisdk.LeonardoAiSDK, mock: responses.RequestsMock
) -> None:
    mock.get(BASE + "/generations/user/u-1", json=generations_page(50, 4))
    res = sdk.generation.get_generations_by_user_id("u-1", limit=50)
    assert res.object is not None and res.object.generations is not None
    assert len(res.object.generations) == 50
    assert all(len(g.generated_images or []) == 4 for g in res.object.generations)


WRONG_SHAPES = [
    ({"generations_by_pk": []}, "$.generations_by_pk", "object"),
    (
        {"generations_by_pk": {"generated_images": {}}},
        "$.generations_by_pk.generated_images",
        "array",
    ),
    (
        {"generations_by_pk": {"generated_images": [{"url": "x"}, {"url": 7}]}},
        "$.generations_by_pk.generated_images[1].url",
        "string",
    ),
    ({"generations_by_pk": {"status": 3}}, "$.generations_by_pk.status", "string (JobStatus)"),
    ({"generations_by_pk": {"imageWidth": "512"}}, "$.generations_by_pk.imageWidth", "integer"),
    ({"generations_by_pk": {"imageWidth": True}}, "$.generations_by_pk.imageWidth", "integer"),
    ({"generations_by_pk": {"imageWidth": 1.5}}, "$.generations_by_pk.imageWidth", "integer"),
    ({"generations_by_pk": {"public": "false"}}, "$.generations_by_pk.public", "boolean"),
    ({"generations_by_pk": {"guidanceScale": "7"}}, "$.generations_by_pk.guidanceScale", "number"),
    (
        {"generations_by_pk": {"generation_elements": [{"lora": [1]}]}},
        "$.generations_by_pk.generation_elements[0].lora",
        "object",
    ),
    ([1, 2, 3], "$", "object"),
    ("a string", "$", "object"),
    (None, "$", "object"),
]


@pytest.mark.parametrize(("body", "where", "expected"), WRONG_SHAPES)
def test_json_of_the_wrong_shape_raises_response_validation_error(
    sdk: leonardoaisdk.LeonardoAiSDK,
    mock: responses.RequestsMock,
    body: Any,
    where: str,
    expected: str,
) -> None:
    mock.get(URL, body=json.dumps(body), content_type="application/json")
    with pytest.raises(errors.ResponseValidationError) as caught:
        sdk.generation.get_generation_by_id(GENERATION_ID)
    error = caught.value
    model_name = r"( \(\w+\))?"  # objects name the model they should have been
    assert re.search(
        f"expected {re.escape(expected)}{model_name} at {re.escape(where)},", str(error)
    )
    assert error.status_code == 200
    assert error.raw_response is mock.calls[0].response


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"generations_by_pk": {', "application/json"),
        (b"", "application/json"),
        (b"\xff\xfe\x00garbage", "application/json"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json"),
        (b"<html>Bad gateway</html>", "text/html"),
        (b'{"generations_by_pk": null}', "text/plain"),
        (b'{"generations_by_pk": null}', ""),
    ],
    ids=["truncated", "empty", "not-utf8", "deeply-nested", "html", "text-plain", "no-type"],
)
def test_malformed_or_non_json_200_raises_response_validation_error(
    sdk: leonardoaisdk.LeonardoAiSDK, mock: responses.RequestsMock, body: bytes, content_type: str
) -> None:
    mock.get(URL, body=body, content_type=content_type)
    with pytest.raises(errors.ResponseValidationError) as caught:
        sdk.generation.get_generation_by_id(GENERATION_ID)
    assert isinstance(caught.value, errors.SDKError)
    assert caught.value.raw_response is not None and caught.value.status_code == 200


def test_json_content_type_with_charset_and_vendor_suffix_is_json(
    sdk: leonardoaisdk.LeonardoAiSDK, mock: responses.RequestsMock
) -> None:
    mock.get(
        URL, body=b'{"generations_by_pk": null}', content_type="application/json; charset=utf-8"
    )
    mock.get(URL, body=b'{"generations_by_pk": null}', content_type="application/problem+json")
    assert sdk.generation.get_generation_by_id(GENERATION_ID).object is not None
    assert sdk.generation.get_generation_by_id(GENERATION_ID).object is not None


def test_no_content_gives_no_object(
    sdk: leonardoaisdk.LeonardoAiSDK, mock: responses.RequestsMock
) -> None:
    mock.delete(URL, status=204)
    res = sdk.generation.delete_generation_by_id(GENERATION_ID)
    assert res.status_code == 204 and res.object is None


def test_from_dict_and_to_dict_round_trip_by_wire_name() -> None:
    data = generation(images=2, somethingNew={"nested": [1, 2]})
    gen = operations.GetGenerationByIDGenerations.from_dict(copy.deepcopy(data))
    again = operations.GetGenerationByIDGenerations.from_dict(gen.to_dict())
    assert again == gen
    assert gen.to_dict()["somethingNew"] == {"nested": [1, 2]}
    assert gen.to_dict()["generated_images"][0]["url"] == data["generated_images"][0]["url"]


def test_from_dict_rejects_wrong_shapes_with_an_sdk_error() -> None:
    with pytest.raises(errors.ResponseValidationError, match=r"expected array at \$\.generations"):
        operations.GetGenerationsByUserIDResponseBody.from_dict({"generations": "nope"})


def test_error_for_a_decode_failure_does_not_contain_the_token(
    sdk: leonardoaisdk.LeonardoAiSDK, mock: responses.RequestsMock
) -> None:
    mock.get(URL, body=f"not json {TOKEN}".encode(), content_type="application/json")
    with pytest.raises(errors.ResponseValidationError) as caught:
        sdk.generation.get_generation_by_id(GENERATION_ID)
    assert TOKEN not in str(caught.value) and TOKEN not in repr(caught.value)


# --- type analysis (typing_inspect), on every supported Python ---------------------------------

PEP_604 = sys.version_info >= (3, 10)


def _hints_for_analysis() -> List[Tuple[Any, Any]]:
    """(hint, its core type): typing's spellings, and PEP 604 / 585 ones where they exist."""
    cases: List[Tuple[Any, Any]] = [
        (Optional[int], int),
        (OptionalNullable[str], str),
        (Omittable[List[str]], List[str]),
        (Optional[Union[shared.JobStatus, str]], Union[shared.JobStatus, str]),
        (List[int], List[int]),
        (int, int),
    ]
    if PEP_604:
        cases += [
            (int | None, int),
            (None | str, str),
            (list[int] | None, list[int]),
            (shared.JobStatus | str | None, Union[shared.JobStatus, str]),
            (str | Unset, str),
        ]
    return cases


@pytest.mark.parametrize(("hint", "core"), _hints_for_analysis(), ids=str)
def test_strip_optional_finds_the_core_type(hint: Any, core: Any) -> None:
    assert strip_optional(hint) == core


def test_enum_of_knows_an_enum_that_admits_unknown_values_in_either_spelling() -> None:
    assert enum_of(Union[shared.JobStatus, str]) is shared.JobStatus
    assert enum_of(shared.JobStatus) is shared.JobStatus
    assert enum_of(Union[shared.JobStatus, int]) is None and enum_of(str) is None
    if PEP_604:
        assert enum_of(shared.JobStatus | str) is shared.JobStatus


def test_admits_none_and_list_item() -> None:
    assert admits_none(Optional[int]) and admits_none(OptionalNullable[int])
    assert not admits_none(Omittable[int]) and not admits_none(int)
    assert list_item(List[str]) is str and list_item(Optional[List[str]]) is None
    assert list_item(Dict[str, Any]) is None
    if PEP_604:
        assert admits_none(int | None) and not admits_none(int | str)
        assert list_item(list[str]) is str


ItemT = TypeVar("ItemT")


def test_type_parameters_of_generic_bases_are_bound() -> None:
    bindings = type_bindings(operations.GetGenerationByIDGenerations)
    assert operations.GeneratedImages in bindings.values()
    hints = model_hints(operations.GetGenerationByIDGenerations)
    assert hints["generated_images"] == Optional[List[operations.GeneratedImages]]
    assert bind(Optional[List[ItemT]], {ItemT: int}) == Optional[List[int]]
    assert bind(Dict[str, ItemT], {ItemT: float}) == Dict[str, float]
    assert bind(Optional[List[ItemT]], {}) == Optional[List[ItemT]]  # unbound: left as is
    if PEP_604:
        assert bind(list[ItemT] | None, {ItemT: str}) == Optional[list[str]]


def test_bound_types_are_what_dataclasses_and_dataclasses_json_see() -> None:
    """Undecorated ``class A(Shape[X])`` gets fields of the bound types, so that
    ``dataclasses.fields`` and ``typing.get_type_hints`` (dataclasses-json's view) agree."""
    for cls, images in [
        (operations.GetGenerationByIDGenerations, operations.GeneratedImages),
        (
            operations.GetGenerationsByUserIDGenerations,
            operations.GetGenerationsByUserIDGeneratedImages,
        ),
    ]:
        (field,) = [f for f in dataclasses.fields(cls) if f.name == "generated_images"]
        assert field.type == Optional[List[images]]
        assert typing.get_type_hints(cls)["generated_images"] == Optional[List[images]]
        assert [f.name for f in dataclasses.fields(cls)] == [
            f.name for f in dataclasses.fields(operations._shapes.GenerationFields)
        ]


@pytest.mark.skipif(not PEP_604, reason="X | Y annotations evaluate from Python 3.10")
def test_a_model_annotated_with_pep_604_unions_decodes_and_encodes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = types.ModuleType("tests_pep604_models")  # a module, as models live in
    monkeypatch.setitem(sys.modules, module.__name__, module)
    exec(
        "from __future__ import annotations\n"
        "import dataclasses\n"
        "from leonardoaisdk._fields import api_field, extra_fields\n"
        "from leonardoaisdk._model import ExtraFields, Model\n"
        "from leonardoaisdk.models import shared\n"
        "@dataclasses.dataclass(repr=False)\n"
        "class Pep604(Model):\n"
        "    count: int | None = api_field('count')\n"
        "    tags: list[str] | None = api_field('tags')\n"
        "    status: shared.JobStatus | str | None = api_field('status')\n"
        "    additional_properties: ExtraFields = extra_fields()\n",
        module.__dict__,
    )
    model = module.Pep604
    decoded = model.from_dict({"count": 2.0, "tags": ["a"], "status": "COMPLETE", "x": 1})
    assert decoded.count == 2 and type(decoded.count) is int and decoded.tags == ["a"]
    assert decoded.status is shared.JobStatus.COMPLETE and decoded.additional_properties == {"x": 1}
    assert decoded.to_dict() == {"count": 2, "tags": ["a"], "status": "COMPLETE", "x": 1}
    with pytest.raises(errors.ResponseValidationError, match=r"expected integer at \$\.count"):
        model.from_dict({"count": "2"})
