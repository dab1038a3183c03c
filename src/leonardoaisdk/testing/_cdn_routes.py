"""The CDN and the upload bucket's downloads: no auth, like the real ones.

Generated images, textures and variations are rendered on request (real PNGs, the same bytes
for the same job); uploaded files are served back as they were stored.
"""

from __future__ import annotations

import functools
from typing import Any, Tuple

from . import _png
from ._api import Api, Reply, Request, route
from ._catalog import THUMBNAIL_SIDE
from ._state import Job
from ._uploads import BUCKET_PATH, CONTENT_TYPES

CACHE_FOREVER = {"Cache-Control": "public, max-age=31536000"}


def _not_found() -> Reply:
    return Reply(404, b"Not Found", "text/plain")


def _cdn_image(api: Api, request: Request, kinds: Tuple[str, ...]) -> Reply:
    name, _, extension = request.params["file"].rpartition(".")
    found = api.store.image(name)
    if found is None or found[0].id != request.params["id"] or found[0].kind not in kinds:
        return _not_found()
    job, index = found
    if extension == "mp4" and job.kind == "motion":
        return Reply(200, _png.PLACEHOLDER_MP4, "video/mp4")
    if extension != "png":
        return _not_found()
    return Reply(200, generated_png(job, index), "image/png", dict(CACHE_FOREVER))


def generated_png(job: Job, index: int) -> bytes:
    p = job.params
    if job.kind == "texture":
        return render(512, 512, ("texture", p["prompt"], p["seed"], index))
    if job.kind == "motion":
        source_id, source_index = p["sourceImage"]
        return render(p["width"], p["height"], (p["prompt"], p["seed"], source_index, source_id))
    return render(p["width"], p["height"], (p["prompt"], p["seed"], index))


@functools.lru_cache(maxsize=64)  # up to ~10 MB of PNGs
def render(width: int, height: int, identity: Tuple[Any, ...]) -> bytes:
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


@route("GET /cdn/variations/{id}/{file}", public=True)
def cdn_variation_image(api: Api, request: Request) -> Reply:
    job = api.store.completed(request.params["id"], ("variation",))
    if job is None or request.params["file"] != f"{job.id}.png":
        return _not_found()
    p = job.params
    identity = ("variation", p["transformType"], p["prompt"], p["seed"], p["sourceImageId"])
    return Reply(200, render(p["width"], p["height"], identity), "image/png", dict(CACHE_FOREVER))


@route("GET /cdn/catalog/{id}/{file}", public=True)
def cdn_catalog_image(api: Api, request: Request) -> Reply:
    """The preview images of platform models and elements."""
    if request.params["file"] != "preview.png":
        return _not_found()
    identity = ("catalog", request.params["id"])
    return Reply(200, render(THUMBNAIL_SIDE, THUMBNAIL_SIDE, identity), "image/png")


@route(f"GET {BUCKET_PATH}/{{folder}}/{{file}}", public=True)
def uploaded_file(api: Api, request: Request) -> Reply:
    key = f"{request.params['folder']}/{request.params['file']}"
    data = api.uploads.file(key)
    if data is None:
        return _not_found()
    extension = key.rpartition(".")[2]
    return Reply(200, data, CONTENT_TYPES.get(extension, "application/octet-stream"))
