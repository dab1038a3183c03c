"""The Leonardo API as the local server speaks it: routes, auth, validation, answers.

Transport-free: :meth:`Api.handle` takes a parsed request and returns a :class:`Reply`.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import random
import re
import time
from typing import Any, Callable, Dict, List, Optional, Pattern, Tuple

from ..models.shared import ControlnetType, SdGenerationSchedulers, SdGenerationStyle, SdVersions
from . import _png
from ._state import Job, Store, generation_json, texture_json
from ._validate import Body, Invalid, accepted, query_int

API_PREFIX = "/api/rest/v1"
DEFAULT_MODEL_ID = "6bef9f1b-29cb-40c7-b9df-32b51c1f67d3"


@dataclasses.dataclass
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: Dict[str, str] = dataclasses.field(default_factory=dict)


def json_reply(status: int, data: Any) -> Reply:
    # allow_nan=False: a NaN that slipped in fails loudly (500) instead of serving invalid JSON
    return Reply(status, json.dumps(data, separators=(",", ":"), allow_nan=False).encode())


def error_reply(status: int, message: str, code: str, path: str = "$") -> Reply:
    """Leonardo's error body: ``{"error": ..., "path": ..., "code": ...}``."""
    return json_reply(status, {"error": message, "path": path, "code": code})


ERROR_CODES = {
    400: "validation-failed",
    401: "invalid-jwt",
    403: "permission-denied",
    404: "not-found",
    408: "timeout",
    429: "rate-limited",
}


def status_reply(status: int) -> Reply:
    """A generic answer for an injected status."""
    code = ERROR_CODES.get(status, "unexpected")
    return error_reply(status, f"injected {status}", code)


@dataclasses.dataclass(frozen=True)
class Request:
    method: str
    path: str  # relative to the API prefix for API routes
    query: Dict[str, str]
    headers: Dict[str, str]  # lower-case names
    body: bytes
    params: Dict[str, str]  # from the route template
    origin: str  # "http://127.0.0.1:port", for absolute image URLs


Handler = Callable[["Api", Request], Reply]


@dataclasses.dataclass(frozen=True)
class Route:
    key: str  # e.g. "GET /generations/{id}", the name faults are injected under
    method: str
    pattern: Pattern[str]
    handler: Handler
    public: bool  # served without auth (the image CDN)


ROUTES: List[Route] = []


def route(key: str, *, public: bool = False) -> Callable[[Handler], Handler]:
    method, template = key.split(" ", 1)
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)

    def register(handler: Handler) -> Handler:
        ROUTES.append(Route(key, method, re.compile(f"^{regex}$"), handler, public))
        return handler

    return register


def match(method: str, url_path: str) -> Tuple[Optional[Route], Dict[str, str], str]:
    """The route for a request, its template parameters, and the path the route sees."""
    public = not url_path.startswith(API_PREFIX + "/")
    path = url_path if public else url_path[len(API_PREFIX) :]
    for candidate in ROUTES:
        if candidate.method == method and candidate.public == public:
            found = candidate.pattern.match(path)
            if found:
                return candidate, found.groupdict(), path
    return None, {}, path


class Api:
    def __init__(self, store: Store, api_key: str, user_id: str) -> None:
        self.store = store
        self.api_key = api_key
        self.user_id = user_id

    def handle(self, found: Optional[Route], request: Request) -> Reply:
        if found is None:
            return error_reply(404, f"no route for {request.method} {request.path}", "not-found")
        if not found.public:
            denied = self._authenticate(request.headers.get("authorization"))
            if denied is not None:
                return denied
        try:
            return found.handler(self, request)
        except Invalid as exc:
            return error_reply(400, exc.message, ERROR_CODES[400], exc.path)
        except NotFound as exc:
            return error_reply(404, str(exc), ERROR_CODES[404])

    def _authenticate(self, header: Optional[str]) -> Optional[Reply]:
        if not header:
            return error_reply(401, "Authorization header is missing", "invalid-headers")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return error_reply(401, "Malformed Authorization header", "invalid-headers")
        if token != self.api_key:
            return error_reply(401, "Invalid API key", "invalid-jwt")
        return None

    # --- helpers ----------------------------------------------------------------------------

    @staticmethod
    def json_body(request: Request) -> Body:
        if not request.body.strip():
            return Body({})
        try:
            data = json.loads(
                request.body, parse_constant=_refuse_constant, parse_float=_finite_float
            )
        except (ValueError, RecursionError):
            raise Invalid("request body is not valid JSON") from None
        return Body(data)


def _refuse_constant(name: str) -> Any:
    """``NaN`` and ``Infinity``, which Python's json reads but JSON does not have."""
    raise Invalid(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999: valid JSON, but no number can hold it
        raise Invalid(f"the number {text[:40]} is out of range")
    return value


class NotFound(Exception):
    def __init__(self, what: str, ident: str) -> None:
        super().__init__(f"{what} {ident} not found")


def _found(job: Optional[Job], what: str, ident: str) -> Job:
    if job is None:
        raise NotFound(what, ident)
    return job


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
                    "apiConcurrencySlots": 10,
                }
            ]
        },
    )


@route("POST /generations")
def create_generation(api: Api, request: Request) -> Reply:
    body = api.json_body(request)
    width = body.integer("width", 32, 1024, multiple_of=8) or 512
    height = body.integer("height", 32, 1024, multiple_of=8) or 512
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
    job = _found(api.store.get(ident, IMAGE_KINDS), "generation", ident)
    return json_reply(
        200, {"generations_by_pk": generation_json(job, request.origin, time.monotonic())}
    )


@route("DELETE /generations/{id}")
def delete_generation(api: Api, request: Request) -> Reply:
    ident = request.params["id"]
    job = _found(api.store.remove(ident, IMAGE_KINDS), "generation", ident)
    return json_reply(200, {"delete_generations_by_pk": {"id": job.id}})


def _page(request: Request) -> Tuple[int, int]:
    limit = query_int(request.query, "limit", 10, 1, 1000)
    offset = query_int(request.query, "offset", 0, 0, 10**9)
    return limit, offset


@route("GET /generations/user/{userId}")
def list_generations(api: Api, request: Request) -> Reply:
    limit, offset = _page(request)
    jobs = api.store.newest_first(IMAGE_KINDS, request.params["userId"])[offset : offset + limit]
    now = time.monotonic()
    return json_reply(200, {"generations": [generation_json(j, request.origin, now) for j in jobs]})


@route("POST /generations-motion-svd")
def create_motion(api: Api, request: Request) -> Reply:
    body = api.json_body(request)
    image_id = body.string("imageId", required=True)
    strength = body.integer("motionStrength", 1, 10)
    body.boolean("isPublic")
    body.boolean("isInitImage")
    body.boolean("isVariation")
    found = api.store.image(str(image_id))
    if found is None:
        raise Invalid(f"imageId {image_id} is not a completed generated image", "$.imageId")
    source, index = found
    params = dict(source.params, motionStrength=strength or 5, sourceImage=(source.id, index))
    job = api.store.add("motion", api.user_id, params, 1, 25)
    return json_reply(200, {"sdGenerationJob": {"generationId": job.id, "apiCreditCost": job.cost}})


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
    if params["seed"] is None:
        params["seed"] = random.randrange(2**32)
    job = api.store.add("texture", str(params["modelAssetId"]), params, 4, 10)
    return json_reply(200, {"textureGenerationJob": {"id": job.id, "apiCreditCost": job.cost}})


@route("GET /generations-texture/{id}")
def get_texture(api: Api, request: Request) -> Reply:
    ident = request.params["id"]
    job = _found(api.store.get(ident, ("texture",)), "texture generation", ident)
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
    job = _found(api.store.remove(ident, ("texture",)), "texture generation", ident)
    return json_reply(200, {"delete_model_asset_texture_generations_by_pk": {"id": job.id}})


@route("GET /generations-texture/model/{modelId}")
def list_textures(api: Api, request: Request) -> Reply:
    limit, offset = _page(request)
    jobs = api.store.newest_first(("texture",), request.params["modelId"])[offset : offset + limit]
    now = time.monotonic()
    return json_reply(
        200,
        {"model_asset_texture_generations": [texture_json(j, request.origin, now) for j in jobs]},
    )


# --- the image CDN: no auth, like the real one ---------------------------------------------------


def _cdn_image(api: Api, request: Request, kinds: Tuple[str, ...]) -> Reply:
    name, _, extension = request.params["file"].rpartition(".")
    found = api.store.image(name)
    if found is None or found[0].id != request.params["id"] or found[0].kind not in kinds:
        return Reply(404, b"Not Found", "text/plain")
    job, index = found
    if extension == "mp4" and job.kind == "motion":
        return Reply(200, _png.PLACEHOLDER_MP4, "video/mp4")
    if extension != "png":
        return Reply(404, b"Not Found", "text/plain")
    return Reply(
        200, _png_for(job, index), "image/png", {"Cache-Control": "public, max-age=31536000"}
    )


def _png_for(job: Job, index: int) -> bytes:
    p = job.params
    if job.kind == "texture":
        return _render(512, 512, ("texture", p["prompt"], p["seed"], index))
    if job.kind == "motion":
        source_id, source_index = p["sourceImage"]
        return _render(p["width"], p["height"], (p["prompt"], p["seed"], source_index, source_id))
    return _render(p["width"], p["height"], (p["prompt"], p["seed"], index))


@functools.lru_cache(maxsize=64)  # up to ~10 MB of PNGs
def _render(width: int, height: int, identity: Tuple[Any, ...]) -> bytes:
    return _png.render_png(width, height, *identity)


@route("GET /cdn/generations/{id}/{file}", public=True)
def cdn_generation_image(api: Api, request: Request) -> Reply:
    return _cdn_image(api, request, ("image", "motion"))


@route("GET /cdn/motion/{id}/{file}", public=True)
def cdn_motion_video(api: Api, request: Request) -> Reply:
    return _cdn_image(api, request, ("motion",))


@route("GET /cdn/textures/{id}/{file}", public=True)
def cdn_texture_image(api: Api, request: Request) -> Reply:
    return _cdn_image(api, request, ("texture",))
