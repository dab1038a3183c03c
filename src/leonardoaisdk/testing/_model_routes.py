"""Models: custom models trained from a dataset, the platform models and the elements."""

from __future__ import annotations

import time
from typing import Any, Dict

from ._api import Api, Reply, Request, found, json_reply, route
from ._catalog import elements_json, platform_models_json
from ._state import Job
from ._validate import Invalid

MODEL_TYPES = (
    "GENERAL",
    "BUILDINGS",
    "CHARACTERS",
    "ENVIRONMENTS",
    "FASHION",
    "ILLUSTRATIONS",
    "GAME_ITEMS",
    "GRAPHICAL_ELEMENTS",
    "PHOTOGRAPHY",
    "PIXEL_ART",
    "PRODUCT_DESIGN",
    "TEXTURES",
    "UI_ELEMENTS",
    "VECTOR",
)
TRAINING_SD_VERSIONS = ("v1_5", "v2")
STRENGTHS = ("VERY_LOW", "LOW", "MEDIUM", "HIGH")
TRAINING_COST = 500


@route("POST /models")
def create_model(api: Api, request: Request) -> Reply:
    body = api.json_body(request)
    params = {
        "name": body.string("name", required=True),
        "instance_prompt": body.string("instance_prompt", required=True),
        "datasetId": body.string("datasetId", required=True),
        "description": body.string("description") or "",
        "modelType": body.string("modelType", choices=MODEL_TYPES) or "GENERAL",
        "resolution": body.integer("resolution") or 512,
        "sd_Version": body.string("sd_Version", choices=TRAINING_SD_VERSIONS) or "v1_5",
        "strength": body.string("strength", choices=STRENGTHS) or "MEDIUM",
        "nsfw": bool(body.boolean("nsfw")),
    }
    if params["resolution"] not in (512, 768):
        raise Invalid("resolution must be 512 or 768", "$.resolution")
    if api.records.dataset(str(params["datasetId"])) is None:
        raise Invalid(f"datasetId {params['datasetId']} is not a dataset", "$.datasetId")
    job = api.store.add("model", api.user_id, params, 0, TRAINING_COST)
    return json_reply(200, {"sdTrainingJob": {"customModelId": job.id, "apiCreditCost": job.cost}})


@route("GET /models/{id}")
def get_model(api: Api, request: Request) -> Reply:
    ident = request.params["id"]
    job = found(api.store.get(ident, ("model",)), "custom model", ident)
    return json_reply(200, {"custom_models_by_pk": _model_json(job)})


def _model_json(job: Job) -> Dict[str, Any]:
    p = job.params
    return {
        "id": job.id,
        "name": p["name"],
        "description": p["description"],
        "instancePrompt": p["instance_prompt"],
        "modelWidth": p["resolution"],
        "modelHeight": p["resolution"],
        "public": False,
        "sdVersion": p["sd_Version"],
        "status": job.status(time.monotonic()),
        "type": p["modelType"],
        "createdAt": job.created_at,
        "updatedAt": job.created_at,
    }


@route("DELETE /models/{id}")
def delete_model(api: Api, request: Request) -> Reply:
    ident = request.params["id"]
    job = found(api.store.remove(ident, ("model",)), "custom model", ident)
    return json_reply(200, {"delete_custom_models_by_pk": {"id": job.id}})


@route("GET /platformModels")
def list_platform_models(api: Api, request: Request) -> Reply:
    return json_reply(200, {"custom_models": platform_models_json(request.origin)})


@route("GET /elements")
def list_elements(api: Api, request: Request) -> Reply:
    return json_reply(200, {"loras": elements_json(request.origin)})
