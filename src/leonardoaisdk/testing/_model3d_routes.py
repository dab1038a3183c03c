"""3D models: uploaded through a presigned POST; an uploaded one can be textured."""

from __future__ import annotations

from typing import Any, Dict

from ._api import Api, Reply, Request, found, json_reply, page, route
from ._records import ModelAsset
from ._upload_routes import extension_of
from ._uploads import BUCKET_PATH, MODEL_EXTENSIONS


def _asset_json(asset: ModelAsset, origin: str) -> Dict[str, Any]:
    return {
        "id": asset.id,
        "name": asset.name,
        "userId": asset.owner,
        "meshUrl": f"{origin}{BUCKET_PATH}/{asset.key}",
        "createdAt": asset.created_at,
        "updatedAt": asset.created_at,
    }


@route("POST /models-3d/upload")
def upload_model_asset(api: Api, request: Request) -> Reply:
    body = api.json_body(request)
    extension = extension_of(body, "modelExtension", MODEL_EXTENSIONS)
    asset = api.records.add_model_asset(api.user_id, body.string("name"), extension)
    issued = api.uploads.issue(request.origin, "models-3d", asset.id, extension)
    answer = {
        "modelId": asset.id,
        "modelUrl": issued.url,
        "modelKey": issued.key,
        "modelFields": issued.fields,
    }
    return json_reply(200, {"uploadModelAsset": answer})


@route("GET /models-3d/{id}")
def get_model_asset(api: Api, request: Request) -> Reply:
    page(request)  # the spec lists limit and offset here too: checked, with nothing to page
    ident = request.params["id"]
    asset = found(api.records.model_asset(ident), "3D model", ident)
    return json_reply(200, {"model_assets_by_pk": _asset_json(asset, request.origin)})


@route("GET /models-3d/user/{userId}")
def list_model_assets(api: Api, request: Request) -> Reply:
    limit, offset = page(request)
    assets = api.records.model_assets_newest_first(request.params["userId"])
    listed = [_asset_json(a, request.origin) for a in assets[offset : offset + limit]]
    return json_reply(200, {"model_assets": listed})


@route("DELETE /models-3d/{id}")
def delete_model_asset(api: Api, request: Request) -> Reply:
    ident = request.params["id"]
    asset = found(api.records.remove_model_asset(ident), "3D model", ident)
    api.uploads.discard(asset.key)
    return json_reply(200, {"delete_model_assets_by_pk": {"id": asset.id}})
