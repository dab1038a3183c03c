"""Datasets: created empty, filled by presigned uploads or copies of generated images."""

from __future__ import annotations

from typing import Any, Dict

from ._api import Api, Reply, Request, found, json_reply, route
from ._cdn_routes import generated_png
from ._records import Dataset
from ._upload_routes import extension_of, issued_json
from ._uploads import BUCKET_PATH, IMAGE_EXTENSIONS
from ._validate import Invalid


@route("POST /datasets")
def create_dataset(api: Api, request: Request) -> Reply:
    body = api.json_body(request)
    name = str(body.string("name", required=True))
    dataset = api.records.add_dataset(api.user_id, name, body.string("description"))
    return json_reply(200, {"insert_datasets_one": {"id": dataset.id}})


@route("GET /datasets/{id}")
def get_dataset(api: Api, request: Request) -> Reply:
    ident = request.params["id"]
    dataset = found(api.records.dataset(ident), "dataset", ident)
    return json_reply(200, {"datasets_by_pk": _dataset_json(api, dataset, request.origin)})


def _dataset_json(api: Api, dataset: Dataset, origin: str) -> Dict[str, Any]:
    images = [
        {"id": image.id, "createdAt": image.created_at, "url": f"{origin}{BUCKET_PATH}/{image.key}"}
        for image in dataset.images
        if api.uploads.uploaded(image.key)  # an issued upload whose file never came is not one
    ]
    return {
        "id": dataset.id,
        "name": dataset.name,
        "description": dataset.description,
        "createdAt": dataset.created_at,
        "updatedAt": dataset.updated_at,
        "dataset_images": images,
    }


@route("DELETE /datasets/{id}")
def delete_dataset(api: Api, request: Request) -> Reply:
    ident = request.params["id"]
    dataset = found(api.records.remove_dataset(ident), "dataset", ident)
    for image in dataset.images:
        api.uploads.discard(image.key)
    return json_reply(200, {"delete_datasets_by_pk": {"id": dataset.id}})


@route("POST /datasets/{datasetId}/upload")
def upload_dataset_image(api: Api, request: Request) -> Reply:
    ident = request.params["datasetId"]
    extension = extension_of(api.json_body(request), "extension", IMAGE_EXTENSIONS)
    image = found(api.records.add_dataset_image(ident, extension), "dataset", ident)
    issued = api.uploads.issue(request.origin, "datasets", image.id, extension)
    return json_reply(200, {"uploadDatasetImage": issued_json(image.id, issued)})


@route("POST /datasets/{datasetId}/upload/gen")
def upload_dataset_image_from_generation(api: Api, request: Request) -> Reply:
    ident = request.params["datasetId"]
    image_id = str(api.json_body(request).string("generatedImageId", required=True))
    found_image = api.store.image(image_id)
    if found_image is None or found_image[0].kind != "image":
        raise Invalid(
            f"generatedImageId {image_id} is not a completed generated image", "$.generatedImageId"
        )
    image = found(api.records.add_dataset_image(ident, "png"), "dataset", ident)
    # A copy: it outlives the generation, as the real one does.
    api.uploads.store(image.key, generated_png(*found_image))
    return json_reply(200, {"uploadDatasetImageFromGen": {"id": image.id}})
