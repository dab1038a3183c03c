"""All 31 operations of the spec on the wire: the exact request each SDK method sends, and what
the caller gets back, decoded against the spec's response schema.

Each operation answers a body built from its 200 schema with every property set
(``tests.fake_api.spec_sample``); the decoded ``res.object`` is walked alongside the schema, so
every nested model must be its spec class and every value its spec type.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import re
from typing import Any, Callable, Dict, List, Optional
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

import leonardoaisdk
from leonardoaisdk import errors
from leonardoaisdk._codec import plan_for
from leonardoaisdk._model import Model
from leonardoaisdk.models import operations, shared
from leonardoaisdk.utils import BackoffStrategy, RetryConfig
from tests.conftest import BASE, TOKEN
from tests.fake_api import SCHEMAS, path_pattern, resolve, spec_operations, spec_sample
from tests.payloads import MODEL_ID, USER_ID

SDK = leonardoaisdk.LeonardoAiSDK
SPEC_OPS = {op_id: (method, path, schema) for method, path, op_id, schema in spec_operations()}


@dataclasses.dataclass
class Case:
    op: str  # the spec's operationId, which is the SDK method's name
    client: str
    call: Callable[[SDK], Any]
    path: str
    query: Dict[str, List[str]] = dataclasses.field(default_factory=dict)
    body: Optional[Dict[str, Any]] = None  # the JSON body expected, by wire name
    legacy: Optional[Callable[[SDK], Any]] = None  # the same call with the parameters object
    name: str = ""

    @property
    def id(self) -> str:
        return self.op + (f"-{self.name}" if self.name else "")


CASES = [
    # --- dataset ---
    Case(
        "create_dataset",
        "dataset",
        lambda s: s.dataset.create_dataset(
            operations.CreateDatasetRequestBody(name="cats", description=None)
        ),
        "/datasets",
        body={"name": "cats", "description": None},
    ),
    Case(
        "create_dataset",
        "dataset",
        lambda s: s.dataset.create_dataset(operations.CreateDatasetRequestBody(name="dogs")),
        "/datasets",
        body={"name": "dogs"},  # description left unset: not sent
        name="unset",
    ),
    Case(
        "delete_dataset_by_id",
        "dataset",
        lambda s: s.dataset.delete_dataset_by_id("ds-1"),
        "/datasets/ds-1",
        legacy=lambda s: s.dataset.delete_dataset_by_id(
            operations.DeleteDatasetByIDRequest(id="ds-1")
        ),
    ),
    Case(
        "get_dataset_by_id",
        "dataset",
        lambda s: s.dataset.get_dataset_by_id(id="ds-1"),
        "/datasets/ds-1",
        legacy=lambda s: s.dataset.get_dataset_by_id(operations.GetDatasetByIDRequest(id="ds-1")),
    ),
    Case(
        "upload_dataset_image",
        "dataset",
        lambda s: s.dataset.upload_dataset_image(
            operations.UploadDatasetImageRequestBody(extension="png"), dataset_id="ds-1"
        ),
        "/datasets/ds-1/upload",
        body={"extension": "png"},
        legacy=lambda s: s.dataset.upload_dataset_image(
            operations.UploadDatasetImageRequest(
                request_body=operations.UploadDatasetImageRequestBody(extension="png"),
                dataset_id="ds-1",
            )
        ),
    ),
    Case(
        "upload_dataset_image_from_gen",
        "dataset",
        lambda s: s.dataset.upload_dataset_image_from_gen(
            operations.UploadDatasetImageFromGenRequestBody(generated_image_id="img-1"), "ds-1"
        ),
        "/datasets/ds-1/upload/gen",
        body={"generatedImageId": "img-1"},
        legacy=lambda s: s.dataset.upload_dataset_image_from_gen(
            operations.UploadDatasetImageFromGenRequest(
                request_body=operations.UploadDatasetImageFromGenRequestBody(
                    generated_image_id="img-1"
                ),
                dataset_id="ds-1",
            )
        ),
    ),
    # --- element ---
    Case("get_elements", "element", lambda s: s.element.get_elements(), "/elements"),
    # --- generation ---
    Case(
        "create_generation",
        "generation",
        lambda s: s.generation.create_generation(
            operations.CreateGenerationRequestBody(
                prompt="a lighthouse at dusk",
                num_images=2,
                width=1024,
                preset_style=shared.SdGenerationStyle.RENDER_3_D,
                elements=[shared.ElementInput(ak_uuid="el-1", weight=0.4)],
                negative_prompt=None,
                seed=42,
            )
        ),
        "/generations",
        body={
            "prompt": "a lighthouse at dusk",
            "num_images": 2,
            "width": 1024,
            "height": 512,  # spec default, sent
            "modelId": MODEL_ID,  # spec default, sent
            "presetStyle": "RENDER_3D",
            "elements": [{"akUUID": "el-1", "weight": 0.4}],
            "negative_prompt": None,
            "seed": 42,
        },
    ),
    Case(
        "delete_generation_by_id",
        "generation",
        lambda s: s.generation.delete_generation_by_id("gen-1"),
        "/generations/gen-1",
        legacy=lambda s: s.generation.delete_generation_by_id(
            operations.DeleteGenerationByIDRequest(id="gen-1")
        ),
    ),
    Case(
        "delete_generations_texture_id_",
        "generation",
        lambda s: s.generation.delete_generations_texture_id_(
            "tex-1", request_body=operations.DeleteGenerationsTextureIDRequestBody(id="tex-1")
        ),
        "/generations-texture/tex-1",
        body={"id": "tex-1"},
        legacy=lambda s: s.generation.delete_generations_texture_id_(
            operations.DeleteGenerationsTextureIDRequest(
                id="tex-1",
                request_body=operations.DeleteGenerationsTextureIDRequestBody(id="tex-1"),
            )
        ),
    ),
    Case(
        "get_generation_by_id",
        "generation",
        lambda s: s.generation.get_generation_by_id(id="gen-1"),
        "/generations/gen-1",
        legacy=lambda s: s.generation.get_generation_by_id(
            operations.GetGenerationByIDRequest(id="gen-1")
        ),
    ),
    Case(
        "get_generations_by_user_id",
        "generation",
        lambda s: s.generation.get_generations_by_user_id(USER_ID, limit=2, offset=4),
        f"/generations/user/{USER_ID}",
        query={"limit": ["2"], "offset": ["4"]},
        legacy=lambda s: s.generation.get_generations_by_user_id(
            operations.GetGenerationsByUserIDRequest(user_id=USER_ID, limit=2, offset=4)
        ),
    ),
    Case(
        "get_generations_texture_id_",
        "generation",
        lambda s: s.generation.get_generations_texture_id_(
            "tex-1",
            request_body=operations.GetGenerationsTextureIDRequestBody(id=None),
            limit=3,
            offset=6,
        ),
        "/generations-texture/tex-1",
        query={"limit": ["3"], "offset": ["6"]},
        body={"id": None},
        legacy=lambda s: s.generation.get_generations_texture_id_(
            operations.GetGenerationsTextureIDRequest(
                id="tex-1",
                request_body=operations.GetGenerationsTextureIDRequestBody(id=None),
                limit=3,
                offset=6,
            )
        ),
    ),
    Case(
        "get_generations_texture_model_model_id_",
        "generation",
        lambda s: s.generation.get_generations_texture_model_model_id_(
            "m3d-1",
            request_body=operations.GetGenerationsTextureModelModelIDRequestBody(
                limit=5, offset=None
            ),
            limit=5,
            offset=0,
        ),
        "/generations-texture/model/m3d-1",
        query={"limit": ["5"], "offset": ["0"]},
        body={"limit": 5, "offset": None},  # modelId left unset
        legacy=lambda s: s.generation.get_generations_texture_model_model_id_(
            operations.GetGenerationsTextureModelModelIDRequest(
                model_id="m3d-1",
                request_body=operations.GetGenerationsTextureModelModelIDRequestBody(
                    limit=5, offset=None
                ),
                limit=5,
                offset=0,
            )
        ),
    ),
    Case(
        "post_generations_motion_svd",
        "generation",
        lambda s: s.generation.post_generations_motion_svd(
            operations.PostGenerationsMotionSvdRequestBody(
                image_id="img-9", motion_strength=5, is_public=False, is_init_image=None
            )
        ),
        "/generations-motion-svd",
        body={"imageId": "img-9", "motionStrength": 5, "isPublic": False, "isInitImage": None},
    ),
    Case(
        "post_generations_texture",
        "generation",
        lambda s: s.generation.post_generations_texture(
            operations.PostGenerationsTextureRequestBody(
                model_asset_id="asset-1",
                prompt="rusty metal",
                preview=True,
                front_rotation_offset=90,
                seed=None,
            )
        ),
        "/generations-texture",
        body={
            "modelAssetId": "asset-1",
            "prompt": "rusty metal",
            "preview": True,
            "front_rotation_offset": 90,
            "seed": None,
        },
    ),
    # --- init_image ---
    Case(
        "delete_init_image_by_id",
        "init_image",
        lambda s: s.init_image.delete_init_image_by_id("ii-1"),
        "/init-image/ii-1",
        legacy=lambda s: s.init_image.delete_init_image_by_id(
            operations.DeleteInitImageByIDRequest(id="ii-1")
        ),
    ),
    Case(
        "get_init_image_by_id",
        "init_image",
        lambda s: s.init_image.get_init_image_by_id(id="ii-1"),
        "/init-image/ii-1",
        legacy=lambda s: s.init_image.get_init_image_by_id(
            operations.GetInitImageByIDRequest(id="ii-1")
        ),
    ),
    Case(
        "upload_init_image",
        "init_image",
        lambda s: s.init_image.upload_init_image(
            operations.UploadInitImageRequestBody(extension="jpg")
        ),
        "/init-image",
        body={"extension": "jpg"},
    ),
    # --- model ---
    Case(
        "create_model",
        "model",
        lambda s: s.model.create_model(
            operations.CreateModelRequestBody(
                dataset_id="ds-1",
                instance_prompt="a photo of sks cat",
                name="My cat",
                resolution=768,
                strength=shared.Strength.HIGH,
            )
        ),
        "/models",
        body={
            "datasetId": "ds-1",
            "instance_prompt": "a photo of sks cat",
            "name": "My cat",
            "resolution": 768,
            "strength": "HIGH",
            # spec defaults, sent; sd_Version left unset
            "description": "",
            "modelType": "GENERAL",
            "nsfw": False,
        },
    ),
    Case(
        "delete_model_by_id",
        "model",
        lambda s: s.model.delete_model_by_id("cm-1"),
        "/models/cm-1",
        legacy=lambda s: s.model.delete_model_by_id(operations.DeleteModelByIDRequest(id="cm-1")),
    ),
    Case(
        "delete_models_3d_id_",
        "model",
        lambda s: s.model.delete_models_3d_id_(
            "m3d-1", request_body=operations.DeleteModels3dIDRequestBody(id="m3d-1")
        ),
        "/models-3d/m3d-1",
        body={"id": "m3d-1"},
        legacy=lambda s: s.model.delete_models_3d_id_(
            operations.DeleteModels3dIDRequest(
                id="m3d-1", request_body=operations.DeleteModels3dIDRequestBody(id="m3d-1")
            )
        ),
    ),
    Case(
        "get_model_by_id",
        "model",
        lambda s: s.model.get_model_by_id(id="cm-1"),
        "/models/cm-1",
        legacy=lambda s: s.model.get_model_by_id(operations.GetModelByIDRequest(id="cm-1")),
    ),
    Case(
        "get_models_3d_id_",
        "model",
        lambda s: s.model.get_models_3d_id_(
            "m3d-1", request_body=operations.GetModels3dIDRequestBody(id=None), limit=1, offset=0
        ),
        "/models-3d/m3d-1",
        query={"limit": ["1"], "offset": ["0"]},
        body={"id": None},
        legacy=lambda s: s.model.get_models_3d_id_(
            operations.GetModels3dIDRequest(
                id="m3d-1",
                request_body=operations.GetModels3dIDRequestBody(id=None),
                limit=1,
                offset=0,
            )
        ),
    ),
    Case(
        "get_models_3d_user_user_id_",
        "model",
        lambda s: s.model.get_models_3d_user_user_id_(
            USER_ID,
            request_body=operations.GetModels3dUserUserIDRequestBody(user_id=USER_ID),
            limit=10,
            offset=20,
        ),
        f"/models-3d/user/{USER_ID}",
        query={"limit": ["10"], "offset": ["20"]},
        body={"userId": USER_ID},
        legacy=lambda s: s.model.get_models_3d_user_user_id_(
            operations.GetModels3dUserUserIDRequest(
                user_id=USER_ID,
                request_body=operations.GetModels3dUserUserIDRequestBody(user_id=USER_ID),
                limit=10,
                offset=20,
            )
        ),
    ),
    Case(
        "get_platform_models", "model", lambda s: s.model.get_platform_models(), "/platformModels"
    ),
    Case(
        "post_models_3d_upload",
        "model",
        lambda s: s.model.post_models_3d_upload(
            operations.PostModels3dUploadRequestBody(model_extension="glb", name=None)
        ),
        "/models-3d/upload",
        body={"modelExtension": "glb", "name": None},
    ),
    # --- user ---
    Case("get_user_self", "user", lambda s: s.user.get_user_self(), "/me"),
    # --- variation ---
    Case(
        "create_variation_no_bg",
        "variation",
        lambda s: s.variation.create_variation_no_bg(
            operations.CreateVariationNoBGRequestBody(id="img-1", is_variation=False)
        ),
        "/variations/nobg",
        body={"id": "img-1", "isVariation": False},
    ),
    Case(
        "create_variation_upscale",
        "variation",
        lambda s: s.variation.create_variation_upscale(
            operations.CreateVariationUpscaleRequestBody(id="img-1")
        ),
        "/variations/upscale",
        body={"id": "img-1"},
    ),
    Case(
        "get_variation_by_id",
        "variation",
        lambda s: s.variation.get_variation_by_id("var-1"),
        "/variations/var-1",
        legacy=lambda s: s.variation.get_variation_by_id(
            operations.GetVariationByIDRequest(id="var-1")
        ),
    ),
    Case(
        "post_variations_unzoom",
        "variation",
        lambda s: s.variation.post_variations_unzoom(
            operations.PostVariationsUnzoomRequestBody(id="img-1", is_variation=None)
        ),
        "/variations/unzoom",
        body={"id": "img-1", "isVariation": None},
    ),
]

LEGACY = [case for case in CASES if case.legacy is not None]
LEGACY_PARAMS = [pytest.param(case, id=case.id) for case in LEGACY]


def test_every_operation_of_the_spec_has_a_case() -> None:
    assert len(SPEC_OPS) == 31
    assert {case.op for case in CASES} == set(SPEC_OPS)
    # ... and a case calls it on the sub-client that declares it
    for case in CASES:
        mro = type(getattr(SDK(bearer_auth="k"), case.client)).__mro__
        generated = [c for c in mro if c.__module__ == "leonardoaisdk._operations"]
        assert len(generated) == 1 and case.op in vars(generated[0])


def test_every_operation_with_parameters_is_called_the_older_way_too() -> None:
    with_params = {
        case.op
        for case in CASES
        if "{" in SPEC_OPS[case.op][1] or case.query or case.op.startswith("delete_")
    }
    assert with_params <= {case.op for case in LEGACY}


def _sent(mock: responses.RequestsMock, index: int = 0) -> requests.PreparedRequest:
    request: requests.PreparedRequest = mock.calls[index].request
    return request


def _check_request(sent: requests.PreparedRequest, case: Case) -> None:
    method, template, _ = SPEC_OPS[case.op]
    assert re.fullmatch(path_pattern(template), case.path), (template, case.path)
    url = urlsplit(sent.url)
    assert sent.method == method
    assert url.path == "/api/rest/v1" + case.path
    assert parse_qs(url.query, keep_blank_values=True) == case.query
    assert sent.headers["Authorization"] == f"Bearer {TOKEN}"
    if case.body is None:
        assert sent.body is None
        assert "Content-Type" not in sent.headers
    else:
        assert sent.headers["Content-Type"] == "application/json"
        assert isinstance(sent.body, bytes)
        assert json.loads(sent.body) == case.body


def check_decoded(value: Any, schema: Dict[str, Any], sent: Any, at: str) -> None:
    """``value``, decoded from JSON ``sent``, has the type ``schema`` gives it, recursively."""
    schema = resolve(schema)
    if "enum" in schema:
        enum_type = getattr(shared, schema["x-python-class"])
        assert isinstance(value, enum_type), at
        assert value.value == sent, at
        return
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        if "x-python-class" in schema:
            assert type(value).__name__ == schema["x-python-class"], at
        assert isinstance(value, Model), at
        for key, prop in schema.get("properties", {}).items():
            name = prop.get("x-python-name", key)
            check_decoded(getattr(value, name), prop, sent[key], f"{at}.{name}")
        assert value.additional_properties == {}, at
    elif kind == "array":
        assert isinstance(value, list) and len(value) == len(sent), at
        for index, (item, raw) in enumerate(zip(value, sent)):
            check_decoded(item, schema.get("items", {}), raw, f"{at}[{index}]")
    else:
        expected = {"integer": int, "number": float, "boolean": bool, "string": str}[kind]
        assert type(value) is expected and value == sent, at


def _reply(case: Case) -> Dict[str, Any]:
    reply = spec_sample(SPEC_OPS[case.op][2])
    assert isinstance(reply, dict) and reply, case.op
    return reply


def _check_result(res: Any, case: Case, mock: responses.RequestsMock) -> None:
    _, _, schema = SPEC_OPS[case.op]
    reply = _reply(case)
    body_schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[1]]
    assert type(res).__name__ == body_schema["x-python-class"].replace("ResponseBody", "Response")
    assert res.status_code == 200
    assert res.content_type == "application/json"
    assert res.raw_response is mock.calls[-1].response
    check_decoded(res.object, schema, reply, "object")
    # nothing was lost: the model encodes back to exactly what was received
    assert plan_for(type(res).body_type).encode(res.object) == reply
    assert getattr(res, f"{case.op}_200_application_json_object") is res.object


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_request_on_the_wire_and_decoded_result(
    case: Case, sdk: SDK, mock: responses.RequestsMock
) -> None:
    method, _, _ = SPEC_OPS[case.op]
    mock.add(method, BASE + case.path, json=_reply(case))

    res = case.call(sdk)

    assert len(mock.calls) == 1
    _check_request(_sent(mock), case)
    _check_result(res, case, mock)


@pytest.mark.parametrize("case", LEGACY_PARAMS)
def test_older_parameters_object_style(case: Case, sdk: SDK, mock: responses.RequestsMock) -> None:
    assert case.legacy is not None
    method, _, _ = SPEC_OPS[case.op]
    mock.add(method, BASE + case.path, json=_reply(case))
    mock.add(method, BASE + case.path, json=_reply(case))
    mock.assert_all_requests_are_fired = False  # the count is asserted below

    new_style = case.call(sdk)
    res = case.legacy(sdk)

    assert len(mock.calls) == 2
    _check_request(_sent(mock, 1), case)
    assert _sent(mock, 1).url == _sent(mock, 0).url and _sent(mock, 1).body == _sent(mock, 0).body
    _check_result(res, case, mock)
    assert res.object == new_style.object


def test_decoding_check_catches_a_wrong_type() -> None:
    """The schema walk fails on a value of another type, so the tests above can fail."""
    schema = SPEC_OPS["get_user_self"][2]
    reply = spec_sample(schema)
    decoded = plan_for(operations.GetUserSelfResponseBody).decode(reply)
    check_decoded(decoded, schema, reply, "object")
    reply["user_details"][0]["subscriptionTokens"] = "7"
    with pytest.raises(AssertionError):
        check_decoded(decoded, schema, reply, "object")
    decoded.user_details[0].subscription_tokens = 7.0
    with pytest.raises(AssertionError):
        check_decoded(decoded, schema, {**spec_sample(schema)}, "object")


# --- errors and retries: one GET and one POST (where there is one) per sub-client -------------

FAST_RETRIES = RetryConfig("backoff", BackoffStrategy(1, 5, 1.5, 5_000), True)
ERROR_BODY = {"error": "not found", "path": "$", "code": "not-found"}
BY_ID = {case.id: case for case in CASES}
GETS = {
    "dataset": "get_dataset_by_id",
    "element": "get_elements",
    "generation": "get_generation_by_id",
    "init_image": "get_init_image_by_id",
    "model": "get_model_by_id",
    "user": "get_user_self",
    "variation": "get_variation_by_id",
}
POSTS = {
    "dataset": "create_dataset",
    "generation": "create_generation",
    "init_image": "upload_init_image",
    "model": "create_model",
    "variation": "create_variation_upscale",
}


def test_every_sub_client_is_covered_by_the_error_tests() -> None:
    clients = {name for name in vars(SDK(bearer_auth="k")) if not name.startswith("_")}
    assert set(GETS) == clients
    # element and user have no POST operation
    assert set(POSTS) == {
        c
        for c in clients
        if any(SPEC_OPS[case.op][0] == "POST" for case in CASES if case.client == c)
    }


@pytest.mark.parametrize("op", sorted({*GETS.values(), *POSTS.values()}))
def test_404_is_not_found_error(op: str, mock: responses.RequestsMock) -> None:
    case = BY_ID[op]
    method, _, _ = SPEC_OPS[op]
    mock.add(method, BASE + case.path, json=ERROR_BODY, status=404)
    s = SDK(bearer_auth=TOKEN, retry_config=FAST_RETRIES)

    with pytest.raises(errors.NotFoundError) as caught:
        case.call(s)

    assert len(mock.calls) == 1  # a 404 is not retried
    assert caught.value.status_code == 404 and caught.value.code == "not-found"


@pytest.mark.parametrize("op", sorted(GETS.values()))
def test_500_on_a_get_is_retried(op: str, mock: responses.RequestsMock) -> None:
    case = BY_ID[op]
    mock.add("GET", BASE + case.path, json={"error": "boom"}, status=500)
    mock.add("GET", BASE + case.path, json=_reply(case))
    s = SDK(bearer_auth=TOKEN, retry_config=FAST_RETRIES)

    res = case.call(s)

    assert len(mock.calls) == 2
    assert [c.response.status_code for c in mock.calls] == [500, 200]
    _check_result(res, case, mock)


@pytest.mark.parametrize("op", sorted(POSTS.values()))
def test_500_on_a_post_is_not_retried(op: str, mock: responses.RequestsMock) -> None:
    case = BY_ID[op]
    mock.add("POST", BASE + case.path, json={"error": "boom"}, status=500)
    mock.add("POST", BASE + case.path, json=_reply(case))
    s = SDK(bearer_auth=TOKEN, retry_config=FAST_RETRIES)

    with pytest.raises(errors.ServerError) as caught:
        case.call(s)

    assert len(mock.calls) == 1  # the job may have been created: not sent again
    assert caught.value.status_code == 500
    mock.assert_all_requests_are_fired = False


def test_enum_members_are_enums() -> None:  # the walk relies on shared enums being Enums
    for name, schema in SCHEMAS.items():
        if "enum" in schema:
            assert issubclass(getattr(shared, schema["x-python-class"]), enum.Enum), name
