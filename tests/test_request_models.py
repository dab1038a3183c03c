"""Request models: three states per field, spec defaults, extra fields, and clear input errors."""

from __future__ import annotations

import copy
import dataclasses
import json
import math
import pickle
from typing import Any

import pytest
import responses

import leonardoaisdk
from leonardoaisdk import errors
from leonardoaisdk.models import operations, shared
from leonardoaisdk.types import UNSET, Unset
from tests.conftest import BASE


def _sent_body(mock: responses.RequestsMock) -> Any:
    return json.loads(mock.calls[-1].request.body)


@pytest.fixture
def created(mock: responses.RequestsMock) -> responses.RequestsMock:
    mock.post(BASE + "/generations", json={"sdGenerationJob": {"generationId": "g-1"}})
    return mock


def test_unset_fields_are_not_sent_and_none_on_nullable_fields_is_sent_as_null(
    sdk: leonardoaisdk.LeonardoAiSDK, created: responses.RequestsMock
) -> None:
    sdk.generation.create_generation(
        operations.CreateGenerationRequestBody(seed=None, num_images=3, alchemy=UNSET)
    )
    body = _sent_body(created)
    assert body["seed"] is None
    assert body["num_images"] == 3
    assert "alchemy" not in body and "tiling" not in body


def test_spec_defaults_are_sent_and_can_be_unset(
    sdk: leonardoaisdk.LeonardoAiSDK, mock: responses.RequestsMock
) -> None:
    mock.post(BASE + "/generations", json={"sdGenerationJob": None})
    mock.post(BASE + "/generations", json={"sdGenerationJob": None})
    sdk.generation.create_generation(operations.CreateGenerationRequestBody())
    sdk.generation.create_generation(
        operations.CreateGenerationRequestBody(model_id=UNSET, width=UNSET, height=UNSET)
    )
    first, second = (json.loads(call.request.body) for call in mock.calls)
    assert first == {
        "prompt": "An oil painting of a cat",
        "modelId": "6bef9f1b-29cb-40c7-b9df-32b51c1f67d3",
        "width": 512,
        "height": 512,
    }
    assert second == {"prompt": "An oil painting of a cat"}


def test_values_newer_than_the_sdk_can_be_sent(
    sdk: leonardoaisdk.LeonardoAiSDK, created: responses.RequestsMock
) -> None:
    request = operations.CreateGenerationRequestBody(
        preset_style="BOKEH", sd_version="PHOENIX", scheduler="NEW_SCHEDULER"
    )
    request.additional_properties["transparency"] = "foreground_only"
    request.additional_properties["controlnets"] = [{"initImageId": "i-1", "weight": 0.5}]
    sdk.generation.create_generation(request)
    body = _sent_body(created)
    assert body["presetStyle"] == "BOKEH" and body["sd_version"] == "PHOENIX"
    assert body["scheduler"] == "NEW_SCHEDULER"
    assert body["transparency"] == "foreground_only"
    assert body["controlnets"] == [{"initImageId": "i-1", "weight": 0.5}]


def test_extra_fields_can_be_passed_to_the_constructor_and_nested_models(
    sdk: leonardoaisdk.LeonardoAiSDK, created: responses.RequestsMock
) -> None:
    sdk.generation.create_generation(
        operations.CreateGenerationRequestBody(
            elements=[shared.ElementInput(ak_uuid="e", additional_properties={"mode": "x"})],
            additional_properties={"photoRealVersion": "v2"},
        )
    )
    body = _sent_body(created)
    assert body["photoRealVersion"] == "v2"
    assert body["elements"] == [{"akUUID": "e", "mode": "x"}]


BAD_INPUTS = [
    (dict(width="512"), "CreateGenerationRequestBody.width: expected int, got str '512'"),
    (dict(width=512.0), "CreateGenerationRequestBody.width: expected int, got float"),
    (dict(num_images=True), "CreateGenerationRequestBody.num_images: expected int, got bool"),
    (dict(prompt=None), "CreateGenerationRequestBody.prompt: cannot be None"),
    (dict(preset_style=None), "CreateGenerationRequestBody.preset_style: cannot be None"),
    (dict(preset_style=shared.SdVersions.V2), "preset_style: expected SdGenerationStyle or str"),
    (dict(public="yes"), "CreateGenerationRequestBody.public: expected bool, got str"),
    (dict(init_strength=math.nan), "init_strength: expected a finite number"),
    (dict(init_strength="0.5"), "init_strength: expected float, got str"),
    (dict(image_prompts="img-1"), "image_prompts: expected a list, got str"),
    (dict(image_prompts=["a", 2]), r"image_prompts[1]: expected str, got int"),
    (
        dict(elements=[shared.ElementInput(), {"akUUID": "x"}]),
        "CreateGenerationRequestBody.elements[1]: expected ElementInput, got dict",
    ),
    (
        dict(elements=[shared.ElementInput(weight="heavy")]),
        "CreateGenerationRequestBody.elements[0].weight: expected float, got str",
    ),
    (
        dict(additional_properties={"width": 1024}),
        "additional_properties: 'width' is a modelled field; set .width instead",
    ),
    (dict(additional_properties={"x": object()}), "cannot be sent as JSON"),
    (dict(additional_properties={1: "x"}), "additional_properties: keys must be str"),
    (dict(additional_properties=None), "additional_properties: expected a dict, got NoneType"),
    (dict(additional_properties=b""), "additional_properties: expected a dict, got bytes"),
]


@pytest.mark.parametrize(("fields", "message"), BAD_INPUTS)
def test_bad_input_is_refused_before_sending_with_a_clear_error(
    sdk: leonardoaisdk.LeonardoAiSDK, mock: responses.RequestsMock, fields: Any, message: str
) -> None:
    request = operations.CreateGenerationRequestBody(**fields)
    with pytest.raises(errors.RequestValidationError) as caught:
        sdk.generation.create_generation(request)
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert len(mock.calls) == 0


def test_required_fields_must_be_set(
    sdk: leonardoaisdk.LeonardoAiSDK, mock: responses.RequestsMock
) -> None:
    with pytest.raises(TypeError):
        operations.PostGenerationsMotionSvdRequestBody()  # type: ignore[call-arg]
    request = operations.PostGenerationsMotionSvdRequestBody(image_id=UNSET)  # type: ignore[arg-type]
    with pytest.raises(errors.RequestValidationError, match="image_id: is required"):
        sdk.generation.post_generations_motion_svd(request)
    assert len(mock.calls) == 0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: s.generation.get_generation_by_id(""), "id: is required"),
        (lambda s: s.generation.get_generation_by_id(None), "id: is required"),
        (lambda s: s.generation.get_generation_by_id(42), "id: expected str, got int"),
        (lambda s: s.generation.get_generations_by_user_id("u", limit="10"), "limit: expected int"),
        (
            lambda s: s.generation.get_generations_by_user_id("u", offset=1.5),
            "offset: expected int",
        ),
        (
            lambda s: s.generation.get_generations_texture_id_("t", request_body={"id": "t"}),
            "request_body: expected a request body model, got dict",
        ),
        (
            lambda s: s.generation.create_generation({"prompt": "cat"}),
            "create_generation() expects CreateGenerationRequestBody, got dict",
        ),
        (
            lambda s: s.generation.post_generations_texture(None),
            "post_generations_texture() expects PostGenerationsTextureRequestBody, got NoneType",
        ),
    ],
)
def test_bad_parameters_are_refused_before_sending(
    sdk: leonardoaisdk.LeonardoAiSDK, mock: responses.RequestsMock, call: Any, message: str
) -> None:
    with pytest.raises(errors.RequestValidationError) as caught:
        call(sdk)
    assert message in str(caught.value)
    assert len(mock.calls) == 0


def test_a_failed_validation_leaves_the_request_untouched(
    sdk: leonardoaisdk.LeonardoAiSDK, mock: responses.RequestsMock
) -> None:
    request = operations.CreateGenerationRequestBody(prompt="keep me", width="wide")  # type: ignore[arg-type]
    before = copy.deepcopy(request)
    with pytest.raises(errors.RequestValidationError):
        sdk.generation.create_generation(request)
    assert request == before
    request.width = 640
    mock.post(BASE + "/generations", json={"sdGenerationJob": None})
    sdk.generation.create_generation(request)
    assert _sent_body(mock)["prompt"] == "keep me" and _sent_body(mock)["width"] == 640


def test_unset_is_one_falsy_sentinel_that_survives_copies() -> None:
    assert Unset() is UNSET and not UNSET and repr(UNSET) == "UNSET"
    assert copy.copy(UNSET) is UNSET and copy.deepcopy(UNSET) is UNSET
    assert pickle.loads(pickle.dumps(UNSET)) is UNSET
    request = operations.CreateGenerationRequestBody(prompt="p")
    assert dataclasses.replace(request, seed=3).seed == 3
    assert copy.deepcopy(request).alchemy is UNSET
    assert pickle.loads(pickle.dumps(request)) == request


def test_repr_shows_what_is_set() -> None:
    request = operations.CreateGenerationRequestBody(
        prompt="p", seed=None, additional_properties={"x": 1}
    )
    text = repr(request)
    assert text.startswith("CreateGenerationRequestBody(")
    assert "prompt='p'" in text and "seed=None" in text and "additional_properties={'x': 1}" in text
    assert "alchemy" not in text
