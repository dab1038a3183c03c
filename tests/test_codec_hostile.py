"""Hostile values in the codec and in request building (issue 8).

What the SDK decoded it can encode back (``to_dict`` of a received model never fails on what was
received: ``[null]`` items, NaN/infinity, lone surrogates); what it sends is checked before it is
sent (non-finite numbers, text that is not valid Unicode, ids that are no path segment).
"""

from __future__ import annotations

import copy
import json
import math
import re
from typing import Any, Callable, List, Tuple, Union

import pytest
import responses
from hypothesis import given, settings
from hypothesis import strategies as st

import leonardoaisdk
from leonardoaisdk import errors
from leonardoaisdk.models import operations, shared
from tests.conftest import BASE
from tests.payloads import generation, generations_page

LONE_SURROGATE = "\udcff"


def _same_json(a: Any, b: Any) -> bool:
    """Equality of decoded JSON where NaN equals NaN (it never equals itself)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_json(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_json(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


# --- received models: whatever decoded encodes back -----------------------------------------


RECEIVED: List[Tuple[str, Any, Callable[[Any], bool]]] = [
    (
        "null image",
        {"generated_images": [None, {"url": "u"}]},
        lambda g: g["generated_images"][0] is None and g["generated_images"][1]["url"] == "u",
    ),
    (
        "null variation",
        {"generated_images": [{"generated_image_variation_generics": [None]}]},
        lambda g: g["generated_images"][0]["generated_image_variation_generics"] == [None],
    ),
    ("null element", {"generation_elements": [None]}, lambda g: g["generation_elements"] == [None]),
    ("NaN", {"guidanceScale": float("nan")}, lambda g: math.isnan(g["guidanceScale"])),
    (
        "infinity",
        {"initStrength": float("inf"), "photoRealStrength": float("-inf")},
        lambda g: g["initStrength"] == math.inf and g["photoRealStrength"] == -math.inf,
    ),
    (
        "lone surrogate",
        {"prompt": LONE_SURROGATE, "status": LONE_SURROGATE},
        lambda g: g["prompt"] == LONE_SURROGATE and g["status"] == LONE_SURROGATE,
    ),
    (
        "hostile unknown property",
        {"somethingNew": [float("nan"), None, LONE_SURROGATE]},
        lambda g: _same_json(g["somethingNew"], [float("nan"), None, LONE_SURROGATE]),
    ),
]


@pytest.mark.parametrize(("name", "fields", "check"), RECEIVED, ids=[n for n, _, _ in RECEIVED])
def test_to_dict_of_a_received_model_gives_back_what_was_received(
    name: str, fields: Any, check: Callable[[Any], bool]
) -> None:
    received = {"generations_by_pk": {**generation(images=1), **fields}}
    body = operations.GetGenerationByIDResponseBody.from_dict(copy.deepcopy(received))
    again = body.to_dict()
    assert check(again["generations_by_pk"])
    assert _same_json(operations.GetGenerationByIDResponseBody.from_dict(again).to_dict(), again)
    assert check(json.loads(body.to_json())["generations_by_pk"])


def test_a_received_model_with_nan_and_null_items_survives_to_json_and_from_json() -> None:
    text = json.dumps(
        {"generations": [{"guidanceScale": float("nan"), "generated_images": [None]}, None]}
    )
    body = operations.GetGenerationsByUserIDResponseBody.from_json(text)
    again = operations.GetGenerationsByUserIDResponseBody.from_json(body.to_json())
    assert _same_json(again.to_dict(), body.to_dict())
    assert again.generations is not None and again.generations[1] is None


def test_a_page_received_through_the_sdk_encodes_back(
    sdk: leonardoaisdk.LeonardoAiSDK, mock: responses.RequestsMock
) -> None:
    page = generations_page(2, 2)
    page["generations"][0]["generated_images"].append(None)
    page["generations"][1]["guidanceScale"] = float("nan")
    mock.get(BASE + "/generations/user/u-1", body=json.dumps(page), content_type="application/json")
    res = sdk.generation.get_generations_by_user_id("u-1")
    assert res.object is not None
    encoded = res.object.to_dict()
    assert encoded["generations"][0]["generated_images"][-1] is None
    assert math.isnan(encoded["generations"][1]["guidanceScale"])


JSON_WITH_HOSTILE_LEAVES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()  # NaN and infinities included: json.loads accepts them
    | st.text(max_size=6)
    | st.just(LONE_SURROGATE),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=8,
)
Path = Tuple[Union[str, int], ...]
DOCUMENT = {"generations": [generation(images=1)]}


def _places(value: Any, prefix: Path = ()) -> List[Path]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _places(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _places(child, (*prefix, index))
    return found


@settings(max_examples=300, deadline=None)
@given(path=st.sampled_from(_places(DOCUMENT)[1:]), value=JSON_WITH_HOSTILE_LEAVES)
def test_whatever_decodes_encodes_back_and_decodes_the_same(path: Path, value: Any) -> None:
    document = copy.deepcopy(DOCUMENT)
    parent: Any = document
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    try:
        body = operations.GetGenerationsByUserIDResponseBody.from_dict(document)
    except errors.ResponseValidationError:
        return
    encoded = body.to_dict()
    assert _same_json(
        operations.GetGenerationsByUserIDResponseBody.from_dict(encoded).to_dict(), encoded
    )


# --- sent models: refused before sending -----------------------------------------------------


def test_non_finite_numbers_are_still_refused_in_requests(
    sdk: leonardoaisdk.LeonardoAiSDK, mock: responses.RequestsMock
) -> None:
    request = operations.CreateGenerationRequestBody(contrast_ratio=math.inf)
    with pytest.raises(errors.RequestValidationError, match=r"contrast_ratio: expected a finite"):
        request.to_dict()
    with pytest.raises(errors.RequestValidationError, match=r"contrast_ratio: expected a finite"):
        sdk.generation.create_generation(request)
    assert len(mock.calls) == 0


SURROGATE_REQUESTS: List[Tuple[str, Callable[[], Any], str]] = [
    (
        "a string field",
        lambda: operations.CreateGenerationRequestBody(prompt=LONE_SURROGATE),
        "CreateGenerationRequestBody.prompt: is not valid Unicode",
    ),
    (
        "an enum field",
        lambda: operations.CreateGenerationRequestBody(preset_style="X" + LONE_SURROGATE),
        "CreateGenerationRequestBody.preset_style: is not valid Unicode",
    ),
    (
        "a list item",
        lambda: operations.CreateGenerationRequestBody(image_prompts=["ok", LONE_SURROGATE]),
        "CreateGenerationRequestBody.image_prompts[1]: is not valid Unicode",
    ),
    (
        "a nested model",
        lambda: operations.CreateGenerationRequestBody(
            elements=[shared.ElementInput(ak_uuid=LONE_SURROGATE)]
        ),
        "CreateGenerationRequestBody.elements[0].ak_uuid: is not valid Unicode",
    ),
]


@pytest.mark.parametrize(
    ("where", "make", "message"), SURROGATE_REQUESTS, ids=[w for w, _, _ in SURROGATE_REQUESTS]
)
def test_a_lone_surrogate_is_refused_naming_the_field(
    sdk: leonardoaisdk.LeonardoAiSDK,
    mock: responses.RequestsMock,
    where: str,
    make: Callable[[], Any],
    message: str,
) -> None:
    with pytest.raises(errors.RequestValidationError) as caught:
        sdk.generation.create_generation(make())
    assert message in str(caught.value)
    with pytest.raises(errors.RequestValidationError) as caught:
        make().to_dict()
    assert message in str(caught.value)
    with pytest.raises(errors.RequestValidationError) as caught:
        make().to_json()
    assert message in str(caught.value)
    assert len(mock.calls) == 0


def test_a_lone_surrogate_in_extra_properties_is_refused_at_send_time(
    sdk: leonardoaisdk.LeonardoAiSDK, mock: responses.RequestsMock
) -> None:
    request = operations.CreateGenerationRequestBody(additional_properties={"x": LONE_SURROGATE})
    with pytest.raises(errors.RequestValidationError, match="not valid Unicode"):
        sdk.generation.create_generation(request)
    assert len(mock.calls) == 0


def test_a_lone_surrogate_in_a_path_parameter_is_refused(
    sdk: leonardoaisdk.LeonardoAiSDK, mock: responses.RequestsMock
) -> None:
    with pytest.raises(errors.RequestValidationError, match="id: is not valid Unicode"):
        sdk.generation.get_generation_by_id("g" + LONE_SURROGATE)
    assert len(mock.calls) == 0


def test_valid_non_ascii_text_is_sent_as_utf8(
    sdk: leonardoaisdk.LeonardoAiSDK, mock: responses.RequestsMock
) -> None:
    mock.post(BASE + "/generations", json={"sdGenerationJob": None})
    sdk.generation.create_generation(operations.CreateGenerationRequestBody(prompt="猫 🐈 é"))
    assert json.loads(mock.calls[0].request.body)["prompt"] == "猫 🐈 é"


@pytest.mark.parametrize("dots", [".", ".."])
@pytest.mark.parametrize(
    "call",
    [
        lambda s, v: s.generation.delete_generation_by_id(v),
        lambda s, v: s.generation.get_generation_by_id(v),
        lambda s, v: s.generation.get_generations_by_user_id(v),
        lambda s, v: s.generation.get_generations_texture_model_model_id_(v),
    ],
    ids=["delete", "get", "by-user", "texture-by-model"],
)
def test_dot_segments_are_refused_as_path_parameters(
    sdk: leonardoaisdk.LeonardoAiSDK, mock: responses.RequestsMock, call: Any, dots: str
) -> None:
    with pytest.raises(errors.RequestValidationError, match="not an id but a path step"):
        call(sdk, dots)
    assert len(mock.calls) == 0


@pytest.mark.parametrize("odd_id", ["...", ".x", "a/..", "%2e%2e", "./"])
def test_ids_with_dots_that_are_one_segment_are_sent_as_one_segment(
    sdk: leonardoaisdk.LeonardoAiSDK, mock: responses.RequestsMock, odd_id: str
) -> None:
    one_segment = re.compile(re.escape(BASE) + r"/generations/[^/]+$")
    mock.get(one_segment, json={"generations_by_pk": None})
    sdk.generation.get_generation_by_id(odd_id)
    assert one_segment.match(mock.calls[0].request.url)
