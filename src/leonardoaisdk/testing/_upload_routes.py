"""Init images and the presigned-upload bucket that receives their files (and those of
dataset images and 3D models)."""

from __future__ import annotations

from typing import Any, Collection, Dict
from xml.sax.saxutils import escape

from ._api import Api, Reply, Request, found, json_reply, route
from ._uploads import BUCKET_PATH, IMAGE_EXTENSIONS, Issued, UploadRefused
from ._validate import Body, Invalid


def extension_of(body: Body, key: str, allowed: Collection[str]) -> str:
    """The file extension an upload is issued for (a file name or data there is refused)."""
    extension = str(body.string(key, required=True))
    if extension not in allowed:
        raise Invalid(
            f"invalid extension {extension[:40]!r}: expected one of {', '.join(allowed)}",
            f"$.{key}",
        )
    return extension


def issued_json(ident: str, issued: Issued) -> Dict[str, Any]:
    return {"id": ident, "url": issued.url, "key": issued.key, "fields": issued.fields}


@route("POST /init-image")
def upload_init_image(api: Api, request: Request) -> Reply:
    extension = extension_of(api.json_body(request), "extension", IMAGE_EXTENSIONS)
    image = api.records.add_init_image(api.user_id, extension)
    issued = api.uploads.issue(request.origin, "init-images", image.id, extension)
    return json_reply(200, {"uploadInitImage": issued_json(image.id, issued)})


@route("GET /init-image/{id}")
def get_init_image(api: Api, request: Request) -> Reply:
    ident = request.params["id"]
    image = found(api.records.init_image(ident), "init image", ident)
    url = f"{request.origin}{BUCKET_PATH}/{image.key}"
    return json_reply(
        200, {"init_images_by_pk": {"id": image.id, "createdAt": image.created_at, "url": url}}
    )


@route("DELETE /init-image/{id}")
def delete_init_image(api: Api, request: Request) -> Reply:
    ident = request.params["id"]
    image = found(api.records.remove_init_image(ident), "init image", ident)
    api.uploads.discard(image.key)
    return json_reply(200, {"delete_init_images_by_pk": {"id": image.id}})


@route(f"POST {BUCKET_PATH}", public=True)
def presigned_post(api: Api, request: Request) -> Reply:
    """The bucket's browser-upload endpoint: 204 when S3 would store the file."""
    try:
        key = api.uploads.receive(request.headers, request.body)
    except UploadRefused as refused:
        return s3_error(refused.status, refused.code, refused.message)
    return Reply(204, b"", headers={"Location": f"{request.origin}{BUCKET_PATH}/{key}"})


def s3_error(status: int, code: str, message: str) -> Reply:
    """S3's XML error body."""
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error>"
    )
    return Reply(status, body.encode(), "application/xml")
