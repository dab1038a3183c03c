"""Routes of the Generation operations (images, SVD motion, textures) and ``GET /me``."""

from __future__ import annotations

import math
import random
import time
from typing import Any, Dict, Optional

from ..models.shared import ControlnetType, SdGenerationSchedulers, SdGenerationStyle, SdVersions
from . import _png
from ._api import DEFAULT_MODEL_ID, Api, Reply, Request, found, json_reply, page, route
from ._state import generation_json, texture_json
from ._validate import Invalid, accepted

# The live API's limits, wider than the 2024-02 spec's 1024 (see the API README).
MIN_SIDE, MAX_SIDE = 32, 1536
IMAGE_KINDS = ("image", "motion")


@route("GET /me")
def me(api: Api, request: Request) -> Reply:
    return json_reply(
        200,
        {
            "user_details": [
                {
                    "user": {"id": api.user_id, "username": "local-leonardo"},
                    "tokenRenewalDate": None,
                    "subscriptionTokens": 8500,
                    "subscriptionGptTokens": 5000,
                    "subscriptionModelTokens": 10,
                    # null when the server has no limit
                    "apiConcurrencySlots": api.store.concurrency_limit,
                }
            ]
        },
    )


@route("POST /generations")
def create_generation(api: Api, request: Request) -> Reply:
    body = api.json_body(request)
    width = body.integer("width", MIN_SIDE, MAX_SIDE, multiple_of=8) or 512
    height = body.integer("height", MIN_SIDE, MAX_SIDE, multiple_of=8) or 512
    most = 4 if max(width, height) > 768 else 8
    num_images = body.integer("num_images", 1, most)
    params = {
        "prompt": body.string("prompt", required=True),
        "negative_prompt": body.string("negative_prompt"),
        "modelId": body.string("modelId") or DEFAULT_MODEL_ID,
        "width": width,
        "height": height,
        "seed": body.integer("seed", 0, 2**32 - 1),
        "guidance_scale": body.integer("guidance_scale", 1, 20),
        "num_inference_steps": body.integer("num_inference_steps", 30, 60),
        "init_strength": body.number("init_strength", 0.1, 0.9),
        "contrastRatio": body.number("contrastRatio", 0, 1),
        "promptMagicStrength": body.number("promptMagicStrength", 0.1, 1.0),
        "promptMagic": body.boolean("promptMagic"),
        "promptMagicVersion": body.string("promptMagicVersion"),
        "photoReal": body.boolean("photoReal"),
        "photoRealStrength": body.number("photoRealStrength", 0.45, 0.55),
        "public": body.boolean("public"),
        "presetStyle": body.string("presetStyle", choices=accepted(SdGenerationStyle)),
        "scheduler": body.string("scheduler", choices=accepted(SdGenerationSchedulers)),
        "sd_version": body.string("sd_version", choices=accepted(SdVersions)),
        "controlNetType": body.string("controlNetType", choices=accepted(ControlnetType)),
        "init_image_id": _init_image(api, body.string("init_image_id")),
    }
    if params["seed"] is None:
        params["seed"] = random.randrange(2**32)
    count = num_images or 4
    cost = count * math.ceil(width * height / (512 * 512)) * 2
    job = api.store.add("image", api.user_id, params, count, cost)
    return json_reply(200, {"sdGenerationJob": {"generationId": job.id, "apiCreditCost": cost}})


@route("GET /generations/{id}")
def get_generation(api: Api, request: Request) -> Reply:
    ident = request.params["id"]
    job = found(api.store.get(ident, IMAGE_KINDS), "generation", ident)
    variations = api.store.variations_of(job.image_ids)
    return json_reply(
        200,
        {"generations_by_pk": generation_json(job, request.origin, time.monotonic(), variations)},
    )


@route("DELETE /generations/{id}")
def delete_generation(api: Api, request: Request) -> Reply:
    ident = request.params["id"]
    job = found(api.store.remove(ident, IMAGE_KINDS), "generation", ident)
    return json_reply(200, {"delete_generations_by_pk": {"id": job.id}})


@route("GET /generations/user/{userId}")
def list_generations(api: Api, request: Request) -> Reply:
    limit, offset = page(request)
    jobs = api.store.newest_first(IMAGE_KINDS, request.params["userId"])[offset : offset + limit]
    now = time.monotonic()
    listed = [
        generation_json(j, request.origin, now, api.store.variations_of(j.image_ids)) for j in jobs
    ]
    return json_reply(200, {"generations": listed})


@route("POST /generations-motion-svd")
def create_motion(api: Api, request: Request) -> Reply:
    body = api.json_body(request)
    image_id = str(body.string("imageId", required=True))
    strength = body.integer("motionStrength", 1, 10)
    body.boolean("isPublic")
    params = _motion_source(api, image_id, body.boolean("isInitImage"), body.boolean("isVariation"))
    params["motionStrength"] = strength or 5
    job = api.store.add("motion", api.user_id, params, 1, 25)
    return json_reply(200, {"sdGenerationJob": {"generationId": job.id, "apiCreditCost": job.cost}})


def _motion_source(
    api: Api, image_id: str, is_init_image: Optional[bool], is_variation: Optional[bool]
) -> Dict[str, Any]:
    """What a motion job renders from: a generated image, a variation or an init image."""
    if is_init_image:
        image = api.records.init_image(image_id)
        data = api.uploads.file(image.key) if image is not None else None
        if data is None:
            raise Invalid(f"imageId {image_id} is not an uploaded init image", "$.imageId")
        # Rendered at the init image's size, within the API's bounds (a PNG header can claim any).
        declared = _png.size(data) or (512, 512)
        width, height = (min(max(side, MIN_SIDE), MAX_SIDE) for side in declared)
        return {
            "prompt": "",
            "seed": random.randrange(2**32),
            "width": width,
            "height": height,
            "sourceImage": (image_id, 0),
        }
    if is_variation:
        variation = api.store.completed(image_id, ("variation",))
        if variation is None:
            raise Invalid(f"imageId {image_id} is not a completed variation", "$.imageId")
        return dict(variation.params, sourceImage=(variation.id, 0))
    source = api.store.image(image_id)
    if source is None:
        raise Invalid(f"imageId {image_id} is not a completed generated image", "$.imageId")
    job, index = source
    return dict(job.params, sourceImage=(job.id, index))


@route("POST /generations-texture")
def create_texture(api: Api, request: Request) -> Reply:
    body = api.json_body(request)
    params = {
        "modelAssetId": body.string("modelAssetId", required=True),
        "prompt": body.string("prompt", required=True),
        "negative_prompt": body.string("negative_prompt"),
        "seed": body.integer("seed", 0, 2**32 - 1),
        "preview": body.boolean("preview"),
        "sd_version": body.string("sd_version"),
        "front_rotation_offset": body.integer("front_rotation_offset", 0, 360),
        "preview_direction": body.string("preview_direction"),
    }
    asset_id = str(params["modelAssetId"])
    asset = api.records.model_asset(asset_id)
    if asset is None or not api.uploads.uploaded(asset.key):
        raise Invalid(f"modelAssetId {asset_id} is not an uploaded 3D model", "$.modelAssetId")
    if params["seed"] is None:
        params["seed"] = random.randrange(2**32)
    job = api.store.add("texture", str(params["modelAssetId"]), params, 4, 10)
    return json_reply(200, {"textureGenerationJob": {"id": job.id, "apiCreditCost": job.cost}})


@route("GET /generations-texture/{id}")
def get_texture(api: Api, request: Request) -> Reply:
    ident = request.params["id"]
    job = found(api.store.get(ident, ("texture",)), "texture generation", ident)
    return json_reply(
        200,
        {
            "model_asset_texture_generations_by_pk": texture_json(
                job, request.origin, time.monotonic()
            )
        },
    )


@route("DELETE /generations-texture/{id}")
def delete_texture(api: Api, request: Request) -> Reply:
    ident = request.params["id"]
    job = found(api.store.remove(ident, ("texture",)), "texture generation", ident)
    return json_reply(200, {"delete_model_asset_texture_generations_by_pk": {"id": job.id}})


@route("GET /generations-texture/model/{modelId}")
def list_textures(api: Api, request: Request) -> Reply:
    limit, offset = page(request)
    jobs = api.store.newest_first(("texture",), request.params["modelId"])[offset : offset + limit]
    now = time.monotonic()
    return json_reply(
        200,
        {"model_asset_texture_generations": [texture_json(j, request.origin, now) for j in jobs]},
    )


def _init_image(api: Api, ident: Optional[str]) -> Optional[str]:
    """An ``init_image_id``, which must name an init image whose file was uploaded."""
    if ident is None:
        return None
    image = api.records.init_image(ident)
    if image is None or not api.uploads.uploaded(image.key):
        raise Invalid(f"init_image_id {ident} is not an uploaded init image", "$.init_image_id")
    return ident
