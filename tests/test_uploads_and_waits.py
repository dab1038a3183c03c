"""The flows users write by hand beyond generations, checked on the wire: presigned uploads
(init images, dataset images, 3D models), waiting for variations and custom models, and
downloading a variation."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path
from typing import Any, Dict, List

import pytest
import responses

import leonardoaisdk
from leonardoaisdk import errors
from leonardoaisdk.models import operations

from .conftest import BASE, TOKEN

STORAGE = "https://storage.example.test/uploads"
FIELDS = {"key": "u/1/init.png", "policy": "eyJ4Ijoi", "x-amz-signature": "5ig"}


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    raw = b"".join(b"\0" + b"\xff\x00\x00" * width for _ in range(height))
    chunk = lambda kind, data: (  # noqa: E731
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def s() -> leonardoaisdk.LeonardoAiSDK:
    return leonardoaisdk.LeonardoAiSDK(bearer_auth=TOKEN, retry_config="none")


def storage_form(request: Any) -> Dict[str, Any]:
    """The multipart form a storage POST carried, field name -> value (bytes for the file)."""
    import email.parser
    import email.policy

    head = f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.body)
    found = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        found[name] = part.get_payload(decode=True)
        if part.get_filename():
            found["filename"] = part.get_filename()
    return found


def slot(key: str, **extra: Any) -> Dict[str, Any]:
    return {key: {"id": "img-1", "url": STORAGE, "key": "u/1/init.png", **extra}}


# --- presigned uploads -------------------------------------------------------------------------


def test_init_image_upload_is_the_whole_flow(
    mock: responses.RequestsMock, s: leonardoaisdk.LeonardoAiSDK, tmp_path: Path
) -> None:
    image = tmp_path / "fox.png"
    image.write_bytes(png_bytes())
    mock.post(BASE + "/init-image", json=slot("uploadInitImage", fields=json.dumps(FIELDS)))
    mock.post(STORAGE, status=204)
    assert s.init_image.upload(image) == "img-1"
    asked, stored = mock.calls[0].request, mock.calls[1].request
    assert json.loads(asked.body) == {"extension": "png"}
    assert asked.headers["Authorization"] == f"Bearer {TOKEN}"
    assert "Authorization" not in stored.headers
    form = storage_form(stored)
    assert {k: form[k].decode() for k in FIELDS} == FIELDS
    assert form["file"] == image.read_bytes() and form["filename"] == "fox.png"
    assert list(form)[: len(FIELDS)] == list(FIELDS)  # S3 wants the fields before the file


def test_init_image_upload_takes_bytes_and_names_the_extension(
    mock: responses.RequestsMock, s: leonardoaisdk.LeonardoAiSDK
) -> None:
    jpeg = b"\xff\xd8\xff\xe0" + b"\0" * 64
    mock.post(BASE + "/init-image", json=slot("uploadInitImage", fields="{}"))
    mock.post(STORAGE, status=204)
    assert s.init_image.upload(jpeg, extension="jpeg") == "img-1"
    assert json.loads(mock.calls[0].request.body) == {"extension": "jpeg"}


@pytest.mark.parametrize(
    ("source", "extension", "says"),
    [
        (b"<html>not an image</html>", None, "not a PNG, JPEG or WebP"),
        (png_bytes(), "jpg", "is a PNG image"),
        (png_bytes(), "gif", "extension must be one of"),
        (b"", None, "empty"),
        (123, None, "pass the image as a path"),
        ("/nonexistent/fox.png", None, "cannot read"),
    ],
)
def test_a_bad_file_is_refused_before_any_request(
    mock: responses.RequestsMock,
    s: leonardoaisdk.LeonardoAiSDK,
    source: Any,
    extension: Any,
    says: str,
) -> None:
    with pytest.raises(errors.RequestValidationError, match=says):
        s.init_image.upload(source, extension=extension)
    assert len(mock.calls) == 0


@pytest.mark.parametrize("fields", [None, "not json", "[1, 2]"])
def test_unusable_upload_fields_are_a_clear_error(
    mock: responses.RequestsMock, s: leonardoaisdk.LeonardoAiSDK, fields: Any
) -> None:
    mock.post(BASE + "/init-image", json=slot("uploadInitImage", fields=fields))
    with pytest.raises(errors.ResponseValidationError, match="upload fields"):
        s.init_image.upload(png_bytes())


def test_a_refused_storage_post_is_an_sdk_error(
    mock: responses.RequestsMock, s: leonardoaisdk.LeonardoAiSDK
) -> None:
    mock.post(BASE + "/init-image", json=slot("uploadInitImage", fields="{}"))
    mock.post(STORAGE, status=403, body="<Error><Code>AccessDenied</Code></Error>")
    with pytest.raises(errors.PermissionDeniedError):
        s.init_image.upload(png_bytes())


def test_dataset_image_upload(mock: responses.RequestsMock, s: leonardoaisdk.LeonardoAiSDK) -> None:
    mock.post(
        BASE + "/datasets/ds-1/upload", json=slot("uploadDatasetImage", fields=json.dumps(FIELDS))
    )
    mock.post(STORAGE, status=204)
    assert s.dataset.upload_image("ds-1", png_bytes()) == "img-1"
    assert json.loads(mock.calls[0].request.body) == {"extension": "png"}
    assert storage_form(mock.calls[1].request)["file"] == png_bytes()


def test_3d_model_upload(
    mock: responses.RequestsMock, s: leonardoaisdk.LeonardoAiSDK, tmp_path: Path
) -> None:
    model = tmp_path / "chair.glb"
    model.write_bytes(b"glTF\x02\0\0\0" + b"\0" * 32)
    mock.post(
        BASE + "/models-3d/upload",
        json={
            "uploadModelAsset": {
                "modelId": "m-1",
                "modelUrl": STORAGE,
                "modelKey": "k",
                "modelFields": json.dumps(FIELDS),
            }
        },
    )
    mock.post(STORAGE, status=204)
    assert s.model.upload_3d_model(model) == "m-1"
    assert json.loads(mock.calls[0].request.body) == {"name": "chair", "modelExtension": "glb"}
    assert storage_form(mock.calls[1].request)["filename"] == "chair.glb"
    with pytest.raises(errors.RequestValidationError, match="extension"):
        s.model.upload_3d_model(b"bytes without a kind")


# --- waiting for variations and models --------------------------------------------------------


def answers(mock: responses.RequestsMock, url: str, bodies: List[Dict[str, Any]]) -> None:
    for body in bodies:
        mock.get(url, json=body)


def variation(status: str, url: Any = None) -> Dict[str, Any]:
    item = {"id": "v-1", "status": status, "transformType": "UPSCALE", "url": url}
    return {"generated_image_variation_generic": [item]}


def test_wait_for_variation_polls_until_complete(
    mock: responses.RequestsMock, s: leonardoaisdk.LeonardoAiSDK
) -> None:
    done_url = "https://cdn.example.test/v-1.png"
    answers(mock, BASE + "/variations/v-1", [variation("PENDING"), variation("COMPLETE", done_url)])
    seen: List[str] = []
    found = s.variation.wait_for_variation(
        "v-1", poll_interval=0.01, on_progress=lambda v: seen.append(str(v.status))
    )
    assert found.url == done_url and seen == ["PENDING", "COMPLETE"]


def test_wait_for_variation_raises_when_it_fails(
    mock: responses.RequestsMock, s: leonardoaisdk.LeonardoAiSDK
) -> None:
    answers(mock, BASE + "/variations/v-1", [variation("FAILED")])
    with pytest.raises(errors.GenerationFailedError):
        s.variation.wait_for_variation("v-1", poll_interval=0.01)


def test_wait_for_model_polls_until_trained(
    mock: responses.RequestsMock, s: leonardoaisdk.LeonardoAiSDK
) -> None:
    model = {"id": "cm-1", "name": "my style", "status": "PENDING"}
    answers(
        mock,
        BASE + "/models/cm-1",
        [{"custom_models_by_pk": model}, {"custom_models_by_pk": {**model, "status": "COMPLETE"}}],
    )
    assert str(s.model.wait_for_model("cm-1", poll_interval=0.01).status) == "COMPLETE"


def test_download_images_saves_a_variation(
    mock: responses.RequestsMock, s: leonardoaisdk.LeonardoAiSDK, tmp_path: Path
) -> None:
    done_url = "https://cdn.example.test/v-1.png"
    mock.get(done_url, body=png_bytes(4, 4), content_type="image/png")
    done = operations.GeneratedImageVariationGeneric.from_dict(
        variation("COMPLETE", done_url)["generated_image_variation_generic"][0]
    )
    (path,) = s.generation.download_images(done, tmp_path)
    assert path.name == "v-1-upscale.png" and path.read_bytes() == png_bytes(4, 4)
    pending = operations.GeneratedImageVariationGeneric.from_dict(
        {"id": "v-2", "status": "PENDING", "transformType": "NOBG"}
    )
    with pytest.raises(errors.RequestValidationError, match="wait_for_variation"):
        s.generation.download_images(pending, tmp_path)
