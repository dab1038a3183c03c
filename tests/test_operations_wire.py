"""Every operation: the exact request on the wire, and what the caller gets back."""

from __future__ import annotations

import dataclasses
import json
from typing import Any, Callable, Dict, Optional
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

import leonardoaisdk
from leonardoaisdk.models import operations, shared
from tests.conftest import BASE, TOKEN
from tests.payloads import GENERATION_ID, MODEL_ID, USER_ID, generation

DEFAULT_CREATE_BODY = {
    "prompt": "An oil painting of a cat",
    "modelId": MODEL_ID,
    "width": 512,
    "height": 512,
}

TEXTURE_GENERATION = {
    "createdAt": "2024-02-13T10:21:34.817",
    "id": "tex-1",
    "model_asset_texture_images": [
        {"id": "img-1", "type": "ALBEDO", "url": "https://cdn.leonardo.ai/t/albedo.jpg"},
        {"id": "img-2", "type": "METALLIC", "url": "https://cdn.leonardo.ai/t/metal.jpg"},
    ],
    "negativePrompt": None,
    "prompt": "rusty metal",
    "seed": 12,
    "status": "PENDING",
}


@dataclasses.dataclass
class Case:
    id: str
    call: Callable[[leonardoaisdk.LeonardoAiSDK], Any]
    method: str
    path: str
    reply: Dict[str, Any]
    check: Callable[[Any], None]
    query: Dict[str, Any] = dataclasses.field(default_factory=dict)
    body: Optional[Dict[str, Any]] = None


def _check_create(res: operations.CreateGenerationResponse) -> None:
    assert isinstance(res, operations.CreateGenerationResponse)
    assert res.object is not None and res.object.sd_generation_job is not None
    assert res.object.sd_generation_job.generation_id == GENERATION_ID
    assert res.object.sd_generation_job.api_credit_cost == 24


def _check_get(res: operations.GetGenerationByIDResponse) -> None:
    assert res.object is not None
    gen = res.object.generations_by_pk
    assert isinstance(gen, operations.GetGenerationByIDGenerations)
    assert gen.id == GENERATION_ID
    assert gen.status is shared.JobStatus.COMPLETE
    assert gen.image_width == 1024 and gen.image_height == 768
    assert gen.sd_version == "SDXL_LIGHTNING"  # newer than the spec: kept as a string
    assert gen.preset_style is shared.SdGenerationStyle.DYNAMIC
    assert gen.generated_images is not None and len(gen.generated_images) == 4
    first = gen.generated_images[0]
    assert isinstance(first, operations.GeneratedImages)
    assert first.url is not None and first.url.endswith("Default_cat_0.jpg")
    variation = (first.generated_image_variation_generics or [])[0]
    assert variation.transform_type is shared.VariationType.UPSCALE
    lora = (gen.generation_elements or [])[0].lora
    assert lora is not None and lora.base_model == "SDXL_1_0" and lora.weight_min == -1
    # The live API sends these on generations too; the spec models them only on images.
    assert gen.additional_properties == {
        "fantasyAvatar": None,
        "motion": None,
        "motionModel": None,
        "motionStrength": None,
        "imageToVideo": None,
    }


def _check_list(res: operations.GetGenerationsByUserIDResponse) -> None:
    assert res.object is not None and res.object.generations is not None
    assert [g.id for g in res.object.generations] == ["g-1", "g-2"]
    assert isinstance(res.object.generations[0], operations.GetGenerationsByUserIDGenerations)
    assert res.object.generations[1].status is shared.JobStatus.PENDING


def _check_texture_get(res: operations.GetGenerationsTextureIDResponse) -> None:
    assert res.object is not None
    tex = res.object.model_asset_texture_generations_by_pk
    assert tex is not None and tex.id == "tex-1" and tex.status is shared.JobStatus.PENDING
    images = tex.model_asset_texture_images or []
    assert images[0].type is shared.ModelAssetTextureTypes.ALBEDO
    assert images[1].type == "METALLIC"


CASES = [
    Case(
        "create_generation-defaults",
        lambda s: s.generation.create_generation(operations.CreateGenerationRequestBody()),
        "POST",
        "/generations",
        {"sdGenerationJob": {"generationId": GENERATION_ID, "apiCreditCost": 24}},
        _check_create,
        body=DEFAULT_CREATE_BODY,
    ),
    Case(
        "create_generation-filled",
        lambda s: s.generation.create_generation(
            operations.CreateGenerationRequestBody(
                prompt="a lighthouse at dusk",
                num_images=2,
                guidance_scale=7,
                preset_style=shared.SdGenerationStyle.RENDER_3_D,
                scheduler=shared.SdGenerationSchedulers.LEONARDO,
                sd_version=shared.SdVersions.V2,
                control_net_type=shared.ControlnetType.CANNY,
                elements=[shared.ElementInput(ak_uuid="el-1", weight=0.4)],
                image_prompts=["img-a", "img-b"],
                negative_prompt=None,
                photo_real_strength=0.45,
                seed=42,
            )
        ),
        "POST",
        "/generations",
        {"sdGenerationJob": {"generationId": GENERATION_ID, "apiCreditCost": 24}},
        _check_create,
        body={
            **DEFAULT_CREATE_BODY,
            "prompt": "a lighthouse at dusk",
            "num_images": 2,
            "guidance_scale": 7,
            "presetStyle": "RENDER_3D",
            "scheduler": "LEONARDO",
            "sd_version": "v2",
            "controlNetType": "CANNY",
            "elements": [{"akUUID": "el-1", "weight": 0.4}],
            "imagePrompts": ["img-a", "img-b"],
            "negative_prompt": None,
            "photoRealStrength": 0.45,
            "seed": 42,
        },
    ),
    Case(
        "delete_generation_by_id",
        lambda s: s.generation.delete_generation_by_id(id=GENERATION_ID),
        "DELETE",
        f"/generations/{GENERATION_ID}",
        {"delete_generations_by_pk": {"id": GENERATION_ID}},
        lambda res: _expect(
            isinstance(res, operations.DeleteGenerationByIDResponse)
            and isinstance(res.object.delete_generations_by_pk, operations.Generations)
            and res.object.delete_generations_by_pk.id == GENERATION_ID
        ),
    ),
    Case(
        "delete_generations_texture_id_",
        lambda s: s.generation.delete_generations_texture_id_(
            id="tex-1", request_body=operations.DeleteGenerationsTextureIDRequestBody(id="tex-1")
        ),
        "DELETE",
        "/generations-texture/tex-1",
        {"delete_model_asset_texture_generations_by_pk": {"id": "tex-1"}},
        lambda res: _expect(
            res.object.delete_model_asset_texture_generations_by_pk.id == "tex-1"
            and isinstance(
                res.object.delete_model_asset_texture_generations_by_pk,
                operations.ModelAssetTextureGenerations,
            )
        ),
        body={"id": "tex-1"},
    ),
    Case(
        "get_generation_by_id",
        lambda s: s.generation.get_generation_by_id(id=GENERATION_ID),
        "GET",
        f"/generations/{GENERATION_ID}",
        {"generations_by_pk": generation()},
        _check_get,
    ),
    Case(
        "get_generations_by_user_id",
        lambda s: s.generation.get_generations_by_user_id(user_id=USER_ID, limit=2, offset=4),
        "GET",
        f"/generations/user/{USER_ID}",
        {
            "generations": [
                generation("g-1", images=1),
                generation("g-2", images=0, status="PENDING"),
            ]
        },
        _check_list,
        query={"limit": ["2"], "offset": ["4"]},
    ),
    Case(
        "get_generations_texture_model_model_id_",
        lambda s: s.generation.get_generations_texture_model_model_id_(
            model_id="model-3d",
            request_body=operations.GetGenerationsTextureModelModelIDRequestBody(),
            limit=5,
            offset=0,
        ),
        "GET",
        "/generations-texture/model/model-3d",
        {"model_asset_texture_generations": [TEXTURE_GENERATION]},
        lambda res: _expect(
            res.object.model_asset_texture_generations[0].model_asset_texture_images[0].type
            is shared.ModelAssetTextureTypes.ALBEDO
            and isinstance(
                res.object.model_asset_texture_generations[0],
                operations.GetGenerationsTextureModelModelIDModelAssetTextureGenerations,
            )
        ),
        query={"limit": ["5"], "offset": ["0"]},
        body={},
    ),
    Case(
        "get_generations_texture_id_",
        lambda s: s.generation.get_generations_texture_id_(id="tex-1", limit=3),
        "GET",
        "/generations-texture/tex-1",
        {"model_asset_texture_generations_by_pk": TEXTURE_GENERATION},
        _check_texture_get,
        query={"limit": ["3"]},
    ),
    Case(
        "post_generations_motion_svd",
        lambda s: s.generation.post_generations_motion_svd(
            operations.PostGenerationsMotionSvdRequestBody(
                image_id="img-9", motion_strength=5, is_public=False
            )
        ),
        "POST",
        "/generations-motion-svd",
        {"sdGenerationJob": {"generationId": "motion-1", "apiCreditCost": 25}},
        lambda res: _expect(
            isinstance(res.object.sd_generation_job, operations.MotionSvdGenerationOutput)
            and res.object.sd_generation_job.generation_id == "motion-1"
            and res.object.sd_generation_job.api_credit_cost == 25
        ),
        body={"imageId": "img-9", "motionStrength": 5, "isPublic": False},
    ),
    Case(
        "post_generations_texture",
        lambda s: s.generation.post_generations_texture(
            operations.PostGenerationsTextureRequestBody(
                model_asset_id="asset-1", prompt="rusty metal", preview=True, seed=None
            )
        ),
        "POST",
        "/generations-texture",
        {"textureGenerationJob": {"id": "tex-9", "apiCreditCost": 10}},
        lambda res: _expect(
            isinstance(res.object.texture_generation_job, operations.TextureGenerationJobOutput)
            and res.object.texture_generation_job.id == "tex-9"
        ),
        body={"modelAssetId": "asset-1", "prompt": "rusty metal", "preview": True, "seed": None},
    ),
    Case(
        "get_user_self",
        lambda s: s.user.get_user_self(),
        "GET",
        "/me",
        {
            "user_details": [
                {
                    "user": {"id": USER_ID, "username": "painter"},
                    "tokenRenewalDate": None,
                    "subscriptionTokens": 150,
                    "subscriptionGptTokens": 0,
                    "subscriptionModelTokens": 0,
                    "apiConcurrencySlots": 10,
                    "apiPaidTokens": 3000,
                }
            ]
        },
        lambda res: _expect(
            res.object.user_details[0].user.id == USER_ID
            and res.object.user_details[0].api_concurrency_slots == 10
            and res.object.user_details[0].additional_properties == {"apiPaidTokens": 3000}
        ),
    ),
]


def _expect(condition: bool) -> None:
    assert condition


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_request_on_the_wire_and_decoded_result(
    case: Case, sdk: leonardoaisdk.LeonardoAiSDK, mock: responses.RequestsMock
) -> None:
    mock.add(case.method, BASE + case.path, json=case.reply)

    result = case.call(sdk)

    assert len(mock.calls) == 1
    sent: requests.PreparedRequest = mock.calls[0].request
    url = urlsplit(sent.url)
    assert sent.method == case.method
    assert url.path == "/api/rest/v1" + case.path
    assert parse_qs(url.query) == case.query
    assert sent.headers["Authorization"] == f"Bearer {TOKEN}"
    assert sent.headers["Accept"] == "application/json"
    assert sent.headers["User-Agent"].startswith(f"leonardoaisdk/{leonardoaisdk.__version__} ")
    if case.body is None:
        assert sent.body is None
        assert "Content-Type" not in sent.headers
    else:
        assert sent.headers["Content-Type"] == "application/json"
        assert json.loads(sent.body) == case.body
    assert result.status_code == 200
    assert result.content_type == "application/json"
    assert result.raw_response is mock.calls[0].response
    case.check(result)


def test_path_parameters_are_percent_encoded(
    sdk: leonardoaisdk.LeonardoAiSDK, mock: responses.RequestsMock
) -> None:
    mock.get(BASE + "/generations/a%2Fb%3Fc%20d%23e", json={"generations_by_pk": None})
    res = sdk.generation.get_generation_by_id("a/b?c d#e")
    assert urlsplit(mock.calls[0].request.url).path == "/api/rest/v1/generations/a%2Fb%3Fc%20d%23e"
    assert res.object is not None and res.object.generations_by_pk is None


def test_query_parameters_left_as_none_are_not_sent(
    sdk: leonardoaisdk.LeonardoAiSDK, mock: responses.RequestsMock
) -> None:
    mock.get(BASE + f"/generations/user/{USER_ID}", json={"generations": []})
    sdk.generation.get_generations_by_user_id(USER_ID)
    assert urlsplit(mock.calls[0].request.url).query == ""


def test_older_request_object_style_still_works(
    sdk: leonardoaisdk.LeonardoAiSDK, mock: responses.RequestsMock
) -> None:
    mock.get(BASE + f"/generations/user/{USER_ID}", json={"generations": []})
    mock.get(BASE + "/generations/g-1", json={"generations_by_pk": generation("g-1")})
    mock.delete(BASE + "/generations/g-1", json={"delete_generations_by_pk": {"id": "g-1"}})

    listed = sdk.generation.get_generations_by_user_id(
        operations.GetGenerationsByUserIDRequest(user_id=USER_ID, limit=7, offset=1)
    )
    got = sdk.generation.get_generation_by_id(operations.GetGenerationByIDRequest(id="g-1"))
    deleted = sdk.generation.delete_generation_by_id(
        operations.DeleteGenerationByIDRequest(id="g-1")
    )

    assert parse_qs(urlsplit(mock.calls[0].request.url).query) == {"limit": ["7"], "offset": ["1"]}
    assert listed.get_generations_by_user_id_200_application_json_object is listed.object
    assert got.get_generation_by_id_200_application_json_object.generations_by_pk.id == "g-1"
    assert deleted.delete_generation_by_id_200_application_json_object is deleted.object


def test_request_object_and_separate_arguments_together_are_rejected(
    sdk: leonardoaisdk.LeonardoAiSDK,
) -> None:
    with pytest.raises(leonardoaisdk.errors.RequestValidationError, match="not both"):
        sdk.generation.get_generations_by_user_id(
            operations.GetGenerationsByUserIDRequest(user_id=USER_ID), limit=3
        )
