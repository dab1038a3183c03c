"""Every operation end to end: the SDK over real HTTP to LocalLeonardo, in the flows a user
runs (datasets to a trained model, init images, variations, 3D models and textures, the
catalogue).

Uses the ``leonardo_server`` / ``leonardo_sdk`` fixtures (jobs complete after 0.1 s); every
wait has a timeout.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path
from typing import Any, Tuple

import pytest
import requests

import leonardoaisdk
from leonardoaisdk import errors
from leonardoaisdk.models import operations, shared
from leonardoaisdk.testing import LocalLeonardo
from leonardoaisdk.testing._png import render_png
from tests.fake_api import spec_operations

SDK = leonardoaisdk.LeonardoAiSDK
WAIT = {"timeout": 15.0, "poll_interval": 0.05}
OBJ_MODEL = b"o chair\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n"


def ok(res: Any) -> Any:
    """``res`` is a 200 JSON answer, its old ``<op>_200_application_json_object`` alias is
    ``res.object``; returns ``res.object``."""
    assert res.status_code == 200 and res.content_type.startswith("application/json")
    aliases = [n for n in dir(type(res)) if n.endswith("_200_application_json_object")]
    assert len(aliases) == 1, aliases
    assert res.object is not None
    assert getattr(res, aliases[0]) is res.object
    return res.object


def png_size(data: bytes) -> Tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def generate(s: SDK, **fields: Any) -> operations.GetGenerationByIDGenerations:
    job = ok(
        s.generation.create_generation(operations.CreateGenerationRequestBody(**fields))
    ).sd_generation_job
    return s.generation.wait_for_generation(job.generation_id, **WAIT)


def test_every_operation_is_called_in_this_module() -> None:
    source = Path(__file__).read_text()
    ops = [op_id for _, _, op_id, _ in spec_operations()]
    assert len(ops) == 31
    missing = [op for op in ops if not re.search(rf"\.{op}\(", source)]
    assert missing == []


def test_dataset_to_trained_custom_model(leonardo_server: LocalLeonardo, leonardo_sdk: SDK) -> None:
    s = leonardo_sdk
    created = ok(
        s.dataset.create_dataset(
            operations.CreateDatasetRequestBody(name="my cat", description="photos of Tom")
        )
    )
    dataset_id = created.insert_datasets_one.id
    assert dataset_id

    uploaded_id = s.dataset.upload_image(dataset_id, render_png(96, 96, "tom on a sofa"))
    image = generate(s, prompt="a tabby cat", num_images=1, width=256, height=256).generated_images[
        0
    ]
    copied = ok(
        s.dataset.upload_dataset_image_from_gen(
            operations.UploadDatasetImageFromGenRequestBody(generated_image_id=image.id),
            dataset_id,
        )
    ).upload_dataset_image_from_gen
    assert copied.id and copied.id != uploaded_id

    dataset = ok(s.dataset.get_dataset_by_id(dataset_id)).datasets_by_pk
    assert isinstance(dataset, operations.GetDatasetByIDDatasets)
    assert (dataset.id, dataset.name, dataset.description) == (
        dataset_id,
        "my cat",
        "photos of Tom",
    )
    assert sorted(i.id for i in dataset.dataset_images) == sorted([uploaded_id, copied.id])
    for listed in dataset.dataset_images:
        got = requests.get(listed.url, timeout=10)
        assert got.status_code == 200 and got.content.startswith(b"\x89PNG")

    training = ok(
        s.model.create_model(
            operations.CreateModelRequestBody(
                dataset_id=dataset_id,
                instance_prompt="a photo of sks cat",
                name="Tom",
                resolution=768,
            )
        )
    ).sd_training_job
    model_id = training.custom_model_id
    assert model_id and training.api_credit_cost is not None
    trained = s.model.wait_for_model(model_id, **WAIT)
    assert trained.status is shared.JobStatus.COMPLETE and trained.id == model_id

    model = ok(s.model.get_model_by_id(model_id)).custom_models_by_pk
    assert (model.name, model.instance_prompt, model.status) == (
        "Tom",
        "a photo of sks cat",
        shared.JobStatus.COMPLETE,
    )
    assert model.model_width == 768 and model.model_height == 768
    deleted = ok(s.model.delete_model_by_id(model_id)).delete_custom_models_by_pk
    assert deleted.id == model_id
    with pytest.raises(errors.NotFoundError):
        s.model.get_model_by_id(model_id)

    assert ok(s.dataset.delete_dataset_by_id(dataset_id)).delete_datasets_by_pk.id == dataset_id
    with pytest.raises(errors.NotFoundError):
        s.dataset.get_dataset_by_id(dataset_id)


def test_init_image_to_image_generation(leonardo_sdk: SDK) -> None:
    s = leonardo_sdk
    init_id = s.init_image.upload(render_png(128, 128, "a sketch"))

    got = ok(s.init_image.get_init_image_by_id(init_id)).init_images_by_pk
    assert isinstance(got, operations.GetInitImageByIDInitImages) and got.id == init_id
    assert png_size(requests.get(got.url, timeout=10).content) == (128, 128)

    done = generate(s, prompt="a finished painting", init_image_id=init_id, init_strength=0.4)
    assert done.status is shared.JobStatus.COMPLETE and done.generated_images

    deleted = ok(s.init_image.delete_init_image_by_id(init_id)).delete_init_images_by_pk
    assert deleted.id == init_id
    with pytest.raises(errors.NotFoundError):
        s.init_image.get_init_image_by_id(init_id)
    with pytest.raises(errors.BadRequestError):  # a deleted init image is no longer usable
        s.generation.create_generation(
            operations.CreateGenerationRequestBody(init_image_id=init_id)
        )


def test_variations_are_waited_for_and_downloaded(leonardo_sdk: SDK, tmp_path: Path) -> None:
    s = leonardo_sdk
    source = generate(s, prompt="a castle", num_images=1, width=256, height=192)
    (original,) = s.generation.download_images(source, tmp_path / "original")
    assert png_size(original.read_bytes()) == (256, 192)
    image_id = source.generated_images[0].id

    upscale = ok(
        s.variation.create_variation_upscale(
            operations.CreateVariationUpscaleRequestBody(id=image_id)
        )
    ).sd_upscale_job.id
    nobg = ok(
        s.variation.create_variation_no_bg(operations.CreateVariationNoBGRequestBody(id=image_id))
    ).sd_nobg_job.id
    unzoom = ok(
        s.variation.post_variations_unzoom(operations.PostVariationsUnzoomRequestBody(id=image_id))
    ).sd_unzoom_job.id
    assert len({upscale, nobg, unzoom}) == 3

    sizes = {}
    for kind, job_id in (("UPSCALE", upscale), ("NOBG", nobg), ("UNZOOM", unzoom)):
        variation = s.variation.wait_for_variation(job_id, **WAIT)
        assert variation.id == job_id and variation.status is shared.JobStatus.COMPLETE
        assert variation.transform_type == getattr(shared.VariationType, kind)
        (path,) = s.generation.download_images(variation, tmp_path / kind)
        assert path.parent == tmp_path / kind and path.suffix == ".png"
        sizes[kind] = png_size(path.read_bytes())
    width, height = 256, 192
    assert sizes["UPSCALE"][0] > width and sizes["UPSCALE"][1] > height
    assert sizes["UPSCALE"] == (2 * width, 2 * height)
    assert sizes["NOBG"] == (width, height)
    assert sizes["UNZOOM"] == (width * 3 // 2, height * 3 // 2)

    listed = ok(s.variation.get_variation_by_id(upscale)).generated_image_variation_generic
    assert [v.id for v in listed] == [upscale]
    assert listed[0].transform_type is shared.VariationType.UPSCALE
    again = s.generation.get_generation_by_id(source.id).object.generations_by_pk
    variations = again.generated_images[0].generated_image_variation_generics
    assert {v.id for v in variations} == {upscale, nobg, unzoom}


def test_3d_model_upload_to_texture(
    leonardo_server: LocalLeonardo, leonardo_sdk: SDK, tmp_path: Path
) -> None:
    s = leonardo_sdk
    path = tmp_path / "chair.obj"
    path.write_bytes(OBJ_MODEL)
    asset_id = s.model.upload_3d_model(path)

    texture_id = ok(
        s.generation.post_generations_texture(
            operations.PostGenerationsTextureRequestBody(
                model_asset_id=asset_id, prompt="weathered oak", seed=3
            )
        )
    ).texture_generation_job.id
    texture = s.generation.wait_for_texture_generation(texture_id, **WAIT)
    assert texture.status is shared.JobStatus.COMPLETE and texture.prompt == "weathered oak"
    by_model = ok(
        s.generation.get_generations_texture_model_model_id_(asset_id, limit=10, offset=0)
    ).model_asset_texture_generations
    assert [t.id for t in by_model] == [texture_id]
    got_texture = ok(s.generation.get_generations_texture_id_(texture_id))
    assert got_texture.model_asset_texture_generations_by_pk.id == texture_id

    asset = ok(s.model.get_models_3d_id_(asset_id)).model_assets_by_pk
    assert isinstance(asset, operations.GetModels3dIDModelAssets)
    assert (asset.id, asset.name, asset.user_id) == (asset_id, "chair", leonardo_server.user_id)
    assert requests.get(asset.mesh_url, timeout=10).content == OBJ_MODEL

    second = leonardo_server.add_model_asset()
    mine = ok(
        s.model.get_models_3d_user_user_id_(leonardo_server.user_id, limit=10, offset=0)
    ).model_assets
    assert {a.id for a in mine} == {asset_id, second}
    first_page = ok(s.model.get_models_3d_user_user_id_(leonardo_server.user_id, limit=1))
    assert len(first_page.model_assets) == 1

    removed = ok(
        s.generation.delete_generations_texture_id_(
            texture_id,
            request_body=operations.DeleteGenerationsTextureIDRequestBody(id=texture_id),
        )
    )
    assert removed.delete_model_asset_texture_generations_by_pk.id == texture_id
    deleted = ok(s.model.delete_models_3d_id_(asset_id)).delete_model_assets_by_pk
    assert deleted.id == asset_id
    with pytest.raises(errors.NotFoundError):
        s.model.get_models_3d_id_(asset_id)
    left = ok(s.model.get_models_3d_user_user_id_(leonardo_server.user_id)).model_assets
    assert [a.id for a in left] == [second]


def test_raw_3d_upload_slot(leonardo_sdk: SDK) -> None:
    slot = ok(
        leonardo_sdk.model.post_models_3d_upload(
            operations.PostModels3dUploadRequestBody(model_extension="glb", name="lamp")
        )
    ).upload_model_asset
    assert slot.model_id and slot.model_url and slot.model_fields
    # not uploaded yet: a texture cannot use it
    with pytest.raises(errors.BadRequestError):
        leonardo_sdk.generation.post_generations_texture(
            operations.PostGenerationsTextureRequestBody(model_asset_id=slot.model_id)
        )


def test_raw_upload_slots(leonardo_sdk: SDK) -> None:
    s = leonardo_sdk
    init_slot = ok(
        s.init_image.upload_init_image(operations.UploadInitImageRequestBody(extension="jpg"))
    ).upload_init_image
    assert init_slot.id and init_slot.url and init_slot.fields
    dataset_id = ok(
        s.dataset.create_dataset(operations.CreateDatasetRequestBody(name="empty"))
    ).insert_datasets_one.id
    dataset_slot = ok(
        s.dataset.upload_dataset_image(
            operations.UploadDatasetImageRequestBody(extension="webp"), dataset_id
        )
    ).upload_dataset_image
    assert dataset_slot.id and dataset_slot.url and dataset_slot.fields
    # not uploaded yet: the dataset lists no image
    assert ok(s.dataset.get_dataset_by_id(dataset_id)).datasets_by_pk.dataset_images == []


def test_catalogue_and_the_default_model(leonardo_server: LocalLeonardo, leonardo_sdk: SDK) -> None:
    s = leonardo_sdk
    default_model = operations.CreateGenerationRequestBody().model_id
    assert isinstance(default_model, str) and default_model

    models = ok(s.model.get_platform_models()).custom_models
    assert default_model in [m.id for m in models]
    for model in models:
        assert isinstance(model, operations.GetPlatformModelsCustomModels) and model.name
        preview = model.generated_image
        if preview is not None and preview.url:
            assert requests.get(preview.url, timeout=10).content.startswith(b"\x89PNG")

    s.generation.create_generation(operations.CreateGenerationRequestBody())
    assert leonardo_server.request_log[-1].json()["modelId"] == default_model

    elements = ok(s.element.get_elements()).loras
    assert elements
    for element in elements:
        assert isinstance(element, operations.Loras)
        assert element.ak_uuid and element.name and element.base_model
        assert element.weight_min <= element.weight_default <= element.weight_max


def test_generations_of_a_user_and_motion(
    leonardo_server: LocalLeonardo, leonardo_sdk: SDK
) -> None:
    s = leonardo_sdk
    user = ok(s.user.get_user_self()).user_details[0].user
    assert user.id == leonardo_server.user_id
    source = generate(s, prompt="a waterfall", num_images=1)
    got = ok(s.generation.get_generation_by_id(source.id)).generations_by_pk
    assert got.id == source.id and got.prompt == "a waterfall"

    motion_id = ok(
        s.generation.post_generations_motion_svd(
            operations.PostGenerationsMotionSvdRequestBody(
                image_id=source.generated_images[0].id, motion_strength=4
            )
        )
    ).sd_generation_job.generation_id
    motion = s.generation.wait_for_generation(motion_id, **WAIT)
    frame = motion.generated_images[0]
    assert frame.motion is True and frame.motion_strength == 4
    assert frame.motion_mp4_url is not None

    listed = ok(s.generation.get_generations_by_user_id(user.id, limit=10, offset=0))
    assert {g.id for g in listed.generations} == {source.id, motion_id}
    deleted = ok(s.generation.delete_generation_by_id(motion_id)).delete_generations_by_pk
    assert deleted.id == motion_id
    listed = ok(s.generation.get_generations_by_user_id(user.id))
    assert [g.id for g in listed.generations] == [source.id]
