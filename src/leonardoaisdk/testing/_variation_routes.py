"""Variations of a generated image (or of another variation): upscale, no background, unzoom.

Each is a job that is ``PENDING`` for ``complete_after`` seconds, then ``COMPLETE`` with the URL
of a real PNG: an upscale is twice the size of its source, an unzoom half as large again, a
background removal the same size.
"""

from __future__ import annotations

import time
from typing import Any, Dict, Optional, Tuple

from ._api import Api, Reply, Request, found, json_reply, route
from ._state import variation_json
from ._validate import Invalid

SCALES = {"UPSCALE": 2.0, "UNZOOM": 1.5, "NOBG": 1.0}
COSTS = {"UPSCALE": 5, "UNZOOM": 4, "NOBG": 2}


def _scaled(side: int, scale: float) -> int:
    return max(8, round(side * scale / 8) * 8)


def _source(api: Api, image_id: str, is_variation: Optional[bool]) -> Tuple[str, Dict[str, Any]]:
    """The image a variation is made from: its id and what it was rendered from."""
    if is_variation:
        variation = api.store.completed(image_id, ("variation",))
        if variation is None:
            raise Invalid(f"id {image_id} is not a completed variation", "$.id")
        return variation.id, variation.params
    source = api.store.image(image_id)
    if source is None or source[0].kind != "image":
        raise Invalid(f"id {image_id} is not a completed generated image", "$.id")
    return image_id, source[0].params


def _create(api: Api, request: Request, transform: str, answer_key: str, variable: bool) -> Reply:
    body = api.json_body(request)
    image_id = str(body.string("id", required=True))
    is_variation = body.boolean("isVariation") if variable else None
    source_id, source = _source(api, image_id, is_variation)
    scale = SCALES[transform]
    params = {
        "transformType": transform,
        "sourceImageId": source_id,
        "prompt": source["prompt"],
        "seed": source["seed"],
        "width": _scaled(source["width"], scale),
        "height": _scaled(source["height"], scale),
    }
    job = api.store.add("variation", source_id, params, 0, COSTS[transform])
    return json_reply(200, {answer_key: {"id": job.id, "apiCreditCost": job.cost}})


@route("POST /variations/upscale")
def create_upscale(api: Api, request: Request) -> Reply:
    return _create(api, request, "UPSCALE", "sdUpscaleJob", variable=False)


@route("POST /variations/nobg")
def create_no_background(api: Api, request: Request) -> Reply:
    return _create(api, request, "NOBG", "sdNobgJob", variable=True)


@route("POST /variations/unzoom")
def create_unzoom(api: Api, request: Request) -> Reply:
    return _create(api, request, "UNZOOM", "sdUnzoomJob", variable=True)


@route("GET /variations/{id}")
def get_variation(api: Api, request: Request) -> Reply:
    ident = request.params["id"]
    job = found(api.store.get(ident, ("variation",)), "variation", ident)
    answer = variation_json(job, request.origin, time.monotonic())
    return json_reply(200, {"generated_image_variation_generic": [answer]})
