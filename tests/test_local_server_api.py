"""LocalLeonardo's 31 operations and the state that ties them together, over real HTTP with
plain ``requests`` (no SDK): init images and presigned uploads, datasets, model training,
platform models, elements, variations and 3D models."""

from __future__ import annotations

import json
import struct
import time
import zlib
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest
import requests

from leonardoaisdk.testing import LocalLeonardo

SPEC = Path(__file__).resolve().parents[1] / "spec" / "leonardo-openapi-2024-02.json"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
WEBP = b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 64
OBJ = b"# a triangle\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n"
COMPLETE_AFTER = 0.1
WAIT_SECONDS = 5.0

pytestmark = pytest.mark.leonardo(complete_after=COMPLETE_AFTER)


class Client:
    """Raw HTTP to a LocalLeonardo, authenticated."""

    def __init__(self, server: LocalLeonardo) -> None:
        self.server = server
        self.session = requests.Session()
        self.headers = {"Authorization": f"Bearer {server.api_key}"}

    def call(self, method: str, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        data = json.dumps(body) if isinstance(body, (dict, list)) else body
        headers = {**self.headers, "Content-Type": "application/json"}
        return self.session.request(
            method, self.server.url + path, data=data, headers=headers, timeout=10, **kwargs
        )

    def ok(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Any:
        response = self.call(method, path, body, **kwargs)
        assert response.status_code == 200, response.text
        return response.json()

    def generated_image(self, **body: Any) -> Tuple[str, str]:
        """A completed generation with one image: (generation id, image id)."""
        created = self.ok("POST", "/generations", {"prompt": "a fox", "num_images": 1, **body})
        generation_id = created["sdGenerationJob"]["generationId"]
        self.server.complete(generation_id)
        generation = self.ok("GET", f"/generations/{generation_id}")["generations_by_pk"]
        return generation_id, generation["generated_images"][0]["id"]

    def wait_until(self, read: Callable[[], Dict[str, Any]], status: str) -> Dict[str, Any]:
        """Poll ``read`` until its ``status`` is ``status``: at most 100 polls and 5 seconds."""
        deadline = time.monotonic() + WAIT_SECONDS
        for _ in range(100):
            found = read()
            if found["status"] == status or time.monotonic() > deadline:
                return found
            time.sleep(COMPLETE_AFTER / 4)
        return read()


def presigned_post(
    upload: Dict[str, str],
    content: bytes,
    *,
    fields: Optional[Dict[str, str]] = None,
    headers: Optional[Dict[str, str]] = None,
) -> requests.Response:
    """The browser-style upload: every field of the answer, then the file."""
    sent = json.loads(upload["fields"]) if fields is None else fields
    return requests.post(
        upload["url"],
        data=sent,
        files={"file": ("upload.bin", content)},
        headers=headers or {},
        timeout=10,
    )


def png_size(data: bytes) -> Tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    assert struct.unpack(">I", data[29:33])[0] == zlib.crc32(data[12:29])
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def assert_leonardo_error(response: requests.Response, status: int, code: str) -> Dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/json"
    body: Dict[str, Any] = response.json()
    assert set(body) == {"error", "path", "code"}
    assert body["code"] == code and isinstance(body["error"], str) and body["error"]
    return body


def assert_s3_error(response: requests.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/xml"
    assert f"<Code>{code}</Code>" in response.text


@pytest.fixture
def client(server: LocalLeonardo) -> Client:
    return Client(server)


def init_image_upload(client: Client, extension: str = "png") -> Dict[str, str]:
    upload: Dict[str, str] = client.ok("POST", "/init-image", {"extension": extension})[
        "uploadInitImage"
    ]
    return upload


# --- the routes ------------------------------------------------------------------------------


def test_every_operation_of_the_spec_has_a_route(server: LocalLeonardo) -> None:
    spec = json.loads(SPEC.read_text())
    operations = [
        f"{method.upper()} {path}"
        for path, methods in spec["paths"].items()
        for method in methods
        if method in ("get", "post", "delete", "put", "patch")
    ]
    assert len(operations) == 31
    assert set(operations) <= set(server.routes)


def test_every_api_route_requires_the_key(server: LocalLeonardo) -> None:
    for route in server.routes:
        method, template = route.split(" ", 1)
        if template.startswith(("/cdn/", "/uploads")):
            continue
        path = template.replace("{", "").replace("}", "")
        response = requests.request(method, server.url + path, timeout=10)
        assert_leonardo_error(response, 401, "invalid-headers")


# --- init images and presigned uploads -------------------------------------------------------


def test_init_image_upload_then_generation_from_it(client: Client, server: LocalLeonardo) -> None:
    upload = init_image_upload(client)
    assert set(upload) == {"id", "url", "key", "fields"}
    fields = json.loads(upload["fields"])
    assert isinstance(upload["fields"], str) and fields["key"] == upload["key"]
    assert upload["url"] == server.origin + "/uploads"
    not_yet = client.call("POST", "/generations", {"prompt": "x", "init_image_id": upload["id"]})
    assert assert_leonardo_error(not_yet, 400, "validation-failed")["path"] == "$.init_image_id"

    uploaded = presigned_post(upload, PNG)
    assert uploaded.status_code == 204 and uploaded.content == b""
    got = client.ok("GET", f"/init-image/{upload['id']}")["init_images_by_pk"]
    assert got["id"] == upload["id"] and set(got) == {"id", "createdAt", "url"}
    assert requests.get(got["url"], timeout=10).content == PNG

    created = client.ok("POST", "/generations", {"prompt": "x", "init_image_id": upload["id"]})
    assert created["sdGenerationJob"]["generationId"]

    deleted = client.ok("DELETE", f"/init-image/{upload['id']}")
    assert deleted == {"delete_init_images_by_pk": {"id": upload["id"]}}
    assert_leonardo_error(client.call("GET", f"/init-image/{upload['id']}"), 404, "not-found")
    assert requests.get(got["url"], timeout=10).status_code == 404
    gone = client.call("POST", "/generations", {"prompt": "x", "init_image_id": upload["id"]})
    assert_leonardo_error(gone, 400, "validation-failed")


@pytest.mark.parametrize("extension", ["cat.png", "gif", "PNG ", "", "iVBORw0KGgo="])
def test_an_init_image_extension_must_be_an_image_type(client: Client, extension: str) -> None:
    response = client.call("POST", "/init-image", {"extension": extension})
    assert assert_leonardo_error(response, 400, "validation-failed")["path"] == "$.extension"


@pytest.mark.parametrize("extension,content", [("jpg", JPEG), ("jpeg", JPEG), ("webp", WEBP)])
def test_each_image_type_is_checked_by_its_signature(
    client: Client, extension: str, content: bytes
) -> None:
    assert presigned_post(init_image_upload(client, extension), content).status_code == 204
    assert_s3_error(
        presigned_post(init_image_upload(client, extension), PNG), 400, "InvalidArgument"
    )


def test_unknown_init_images_answer_404_and_400(client: Client) -> None:
    assert_leonardo_error(client.call("GET", "/init-image/nope"), 404, "not-found")
    assert_leonardo_error(client.call("DELETE", "/init-image/nope"), 404, "not-found")
    unknown = client.call("POST", "/generations", {"prompt": "x", "init_image_id": "nope"})
    assert_leonardo_error(unknown, 400, "validation-failed")


def _without(name: str) -> Callable[[Dict[str, str]], Dict[str, str]]:
    return lambda fields: {k: v for k, v in fields.items() if k != name}


def _changed(name: str) -> Callable[[Dict[str, str]], Dict[str, str]]:
    return lambda fields: {**fields, name: fields[name] + "x"}


@pytest.mark.parametrize(
    "alter,status,code",
    [
        (_without("Policy"), 403, "AccessDenied"),
        (_without("X-Amz-Signature"), 403, "AccessDenied"),
        (_without("Content-Type"), 403, "AccessDenied"),
        (_without("key"), 400, "InvalidArgument"),
        (_changed("X-Amz-Signature"), 403, "SignatureDoesNotMatch"),
        (_changed("Policy"), 403, "SignatureDoesNotMatch"),
        (_changed("Content-Type"), 403, "AccessDenied"),
        (_changed("key"), 403, "AccessDenied"),
        (lambda fields: {**fields, "acl": "public-read"}, 403, "AccessDenied"),
    ],
)
def test_a_presigned_post_needs_every_field_unchanged(
    client: Client,
    alter: Callable[[Dict[str, str]], Dict[str, str]],
    status: int,
    code: str,
) -> None:
    upload = init_image_upload(client)
    fields = alter(json.loads(upload["fields"]))
    assert_s3_error(presigned_post(upload, PNG, fields=fields), status, code)
    assert client.ok("POST", "/generations", {"prompt": "x"})  # the server is fine
    refused = client.call("POST", "/generations", {"prompt": "x", "init_image_id": upload["id"]})
    assert_leonardo_error(refused, 400, "validation-failed")


def test_a_presigned_post_refuses_a_leonardo_authorization_header(client: Client) -> None:
    upload = init_image_upload(client)
    assert_s3_error(presigned_post(upload, PNG, headers=client.headers), 400, "InvalidArgument")
    assert presigned_post(upload, PNG).status_code == 204


def test_a_presigned_post_checks_the_file_bytes(client: Client) -> None:
    upload = init_image_upload(client)
    assert_s3_error(presigned_post(upload, JPEG), 400, "InvalidArgument")
    assert_s3_error(presigned_post(upload, b"GIF89a" + PNG), 400, "InvalidArgument")
    assert_s3_error(presigned_post(upload, b""), 400, "EntityTooSmall")


def test_a_presigned_post_needs_a_file_and_a_form(client: Client) -> None:
    upload = init_image_upload(client)
    no_file = requests.post(upload["url"], files=json.loads(upload["fields"]), timeout=10)
    assert_s3_error(no_file, 400, "InvalidArgument")
    not_a_form = requests.post(upload["url"], data=b"raw bytes", timeout=10)
    assert_s3_error(not_a_form, 400, "MalformedPOSTRequest")
    boundary = "b0undary"
    cut = requests.post(
        upload["url"],
        data=f'--{boundary}\r\nContent-Disposition: form-data; name="key"\r\n\r\nk',
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        timeout=10,
    )
    assert_s3_error(cut, 400, "MalformedPOSTRequest")


@pytest.mark.leonardo(max_upload=1000, complete_after=COMPLETE_AFTER)
def test_a_presigned_post_has_a_size_limit(client: Client) -> None:
    upload = init_image_upload(client)
    assert_s3_error(presigned_post(upload, PNG + bytes(1000)), 400, "EntityTooLarge")
    assert presigned_post(upload, PNG + bytes(1000 - len(PNG))).status_code == 204
    # Far over the limit: refused from the headers, before the body is read.
    huge = presigned_post(upload, PNG + bytes(200_000))
    assert_leonardo_error(huge, 413, "payload-too-large")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_presigned_post_expires() -> None:
    clock = FakeClock()
    with LocalLeonardo(upload_expires_after=120, clock=clock) as server:
        client = Client(server)
        early, late = init_image_upload(client), init_image_upload(client)
        clock.now += 119.9
        assert presigned_post(early, PNG).status_code == 204
        clock.now += 0.1
        assert_s3_error(presigned_post(late, PNG), 403, "AccessDenied")
        assert "expired" in presigned_post(late, PNG).text


def test_an_upload_can_be_replaced_until_it_expires(client: Client) -> None:
    upload = init_image_upload(client)
    assert presigned_post(upload, PNG).status_code == 204
    assert presigned_post(upload, PNG + b"2").status_code == 204
    url = client.ok("GET", f"/init-image/{upload['id']}")["init_images_by_pk"]["url"]
    assert requests.get(url, timeout=10).content == PNG + b"2"


def test_uploaded_files_are_only_served_once_uploaded(
    client: Client, server: LocalLeonardo
) -> None:
    upload = init_image_upload(client)
    assert requests.get(f"{server.origin}/uploads/{upload['key']}", timeout=10).status_code == 404
    presigned_post(upload, PNG)
    served = requests.get(f"{server.origin}/uploads/{upload['key']}", timeout=10)
    assert served.content == PNG and served.headers["Content-Type"] == "image/png"


# --- datasets and models ----------------------------------------------------------------------


def test_a_dataset_holds_uploaded_and_generated_images(client: Client) -> None:
    created = client.ok("POST", "/datasets", {"name": "foxes", "description": "red ones"})
    dataset_id = created["insert_datasets_one"]["id"]
    upload = client.ok("POST", f"/datasets/{dataset_id}/upload", {"extension": "png"})[
        "uploadDatasetImage"
    ]
    assert set(upload) == {"id", "url", "key", "fields"}
    empty = client.ok("GET", f"/datasets/{dataset_id}")["datasets_by_pk"]
    assert empty["dataset_images"] == []  # issued, not uploaded: not an image yet
    assert presigned_post(upload, PNG).status_code == 204

    _, image_id = client.generated_image(width=256, height=128)
    copied = client.ok("POST", f"/datasets/{dataset_id}/upload/gen", {"generatedImageId": image_id})
    copy_id = copied["uploadDatasetImageFromGen"]["id"]

    dataset = client.ok("GET", f"/datasets/{dataset_id}")["datasets_by_pk"]
    assert dataset["name"] == "foxes" and dataset["description"] == "red ones"
    assert {"createdAt", "updatedAt", "id"} <= set(dataset)
    images = dataset["dataset_images"]
    assert [i["id"] for i in images] == [upload["id"], copy_id]
    assert all(set(i) == {"id", "createdAt", "url"} for i in images)
    assert requests.get(images[0]["url"], timeout=10).content == PNG
    assert png_size(requests.get(images[1]["url"], timeout=10).content) == (256, 128)

    assert client.ok("DELETE", f"/datasets/{dataset_id}") == {
        "delete_datasets_by_pk": {"id": dataset_id}
    }
    assert_leonardo_error(client.call("GET", f"/datasets/{dataset_id}"), 404, "not-found")
    assert requests.get(images[1]["url"], timeout=10).status_code == 404


def test_dataset_errors(client: Client) -> None:
    assert_leonardo_error(client.call("POST", "/datasets", {}), 400, "validation-failed")
    assert_leonardo_error(client.call("GET", "/datasets/nope"), 404, "not-found")
    assert_leonardo_error(client.call("DELETE", "/datasets/nope"), 404, "not-found")
    upload = client.call("POST", "/datasets/nope/upload", {"extension": "png"})
    assert_leonardo_error(upload, 404, "not-found")
    dataset_id = client.ok("POST", "/datasets", {"name": "d"})["insert_datasets_one"]["id"]
    bad_extension = client.call("POST", f"/datasets/{dataset_id}/upload", {"extension": "a.png"})
    assert_leonardo_error(bad_extension, 400, "validation-failed")
    unknown_image = client.call(
        "POST", f"/datasets/{dataset_id}/upload/gen", {"generatedImageId": "nope"}
    )
    assert_leonardo_error(unknown_image, 400, "validation-failed")


def test_a_model_trains_from_a_dataset(client: Client) -> None:
    dataset_id = client.ok("POST", "/datasets", {"name": "d"})["insert_datasets_one"]["id"]
    body = {"name": "Fox", "instance_prompt": "a fox", "datasetId": dataset_id, "resolution": 768}
    job = client.ok("POST", "/models", body)["sdTrainingJob"]
    assert job["apiCreditCost"] > 0
    model_id = job["customModelId"]
    model = client.ok("GET", f"/models/{model_id}")["custom_models_by_pk"]
    assert model["status"] == "PENDING"
    assert (model["name"], model["instancePrompt"], model["modelWidth"]) == ("Fox", "a fox", 768)
    assert (model["type"], model["sdVersion"], model["public"]) == ("GENERAL", "v1_5", False)
    done = client.wait_until(
        lambda: client.ok("GET", f"/models/{model_id}")["custom_models_by_pk"], "COMPLETE"
    )
    assert done["status"] == "COMPLETE"
    assert client.ok("DELETE", f"/models/{model_id}") == {
        "delete_custom_models_by_pk": {"id": model_id}
    }
    assert_leonardo_error(client.call("GET", f"/models/{model_id}"), 404, "not-found")


@pytest.mark.parametrize(
    "change",
    [
        {"datasetId": "nope"},
        {"datasetId": None},
        {"name": None},
        {"instance_prompt": None},
        {"resolution": 640},
        {"modelType": "CATS"},
        {"sd_Version": "v9"},
        {"strength": "MAX"},
        {"nsfw": "no"},
    ],
)
def test_model_training_input_answers_400(client: Client, change: Dict[str, Any]) -> None:
    dataset_id = client.ok("POST", "/datasets", {"name": "d"})["insert_datasets_one"]["id"]
    body = {"name": "Fox", "instance_prompt": "a fox", "datasetId": dataset_id, **change}
    assert_leonardo_error(client.call("POST", "/models", body), 400, "validation-failed")


def test_unknown_models_answer_404(client: Client) -> None:
    assert_leonardo_error(client.call("GET", "/models/nope"), 404, "not-found")
    assert_leonardo_error(client.call("DELETE", "/models/nope"), 404, "not-found")


def test_platform_models_include_the_sdk_default_model(client: Client) -> None:
    spec = json.loads(SPEC.read_text())
    default_model = spec["components"]["schemas"]["CreateGenerationRequestBody"]["properties"][
        "modelId"
    ]["default"]
    models = client.ok("GET", "/platformModels")["custom_models"]
    assert default_model in [m["id"] for m in models] and len(models) >= 5
    for model in models:
        assert set(model) == {"id", "name", "description", "featured", "nsfw", "generated_image"}
        assert model["name"] and model["description"] and model["nsfw"] is False
    preview = requests.get(models[0]["generated_image"]["url"], timeout=10)
    assert png_size(preview.content) == (256, 256)


def test_elements_are_listed(client: Client) -> None:
    loras = client.ok("GET", "/elements")["loras"]
    assert len(loras) >= 5 and len({e["akUUID"] for e in loras}) == len(loras)
    for element in loras:
        assert set(element) == {
            "akUUID",
            "name",
            "description",
            "baseModel",
            "creatorName",
            "urlImage",
            "weightDefault",
            "weightMin",
            "weightMax",
        }
        assert element["weightMin"] <= element["weightDefault"] <= element["weightMax"]
    assert requests.get(loras[0]["urlImage"], timeout=10).status_code == 200


# --- variations ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path,answer,size",
    [
        ("/variations/upscale", "sdUpscaleJob", (512, 256)),
        ("/variations/nobg", "sdNobgJob", (256, 128)),
        ("/variations/unzoom", "sdUnzoomJob", (384, 192)),
    ],
)
def test_a_variation_of_a_generated_image(
    client: Client, path: str, answer: str, size: Tuple[int, int]
) -> None:
    generation_id, image_id = client.generated_image(width=256, height=128)
    job = client.ok("POST", path, {"id": image_id})[answer]
    assert job["apiCreditCost"] > 0
    variation_id = job["id"]

    def read() -> Dict[str, Any]:
        found: List[Dict[str, Any]] = client.ok("GET", f"/variations/{variation_id}")[
            "generated_image_variation_generic"
        ]
        assert len(found) == 1
        return found[0]

    pending = read()
    assert pending["status"] == "PENDING" and pending["url"] is None
    done = client.wait_until(read, "COMPLETE")
    assert set(done) == {"id", "createdAt", "status", "transformType", "url"}
    assert done["status"] == "COMPLETE" and done["transformType"] == answer[2:-3].upper()
    assert png_size(requests.get(done["url"], timeout=10).content) == size
    generation = client.ok("GET", f"/generations/{generation_id}")["generations_by_pk"]
    listed = generation["generated_images"][0]["generated_image_variation_generics"]
    assert [(v["id"], v["status"], v["url"]) for v in listed] == [
        (variation_id, "COMPLETE", done["url"])
    ]


def test_a_variation_of_a_variation(client: Client, server: LocalLeonardo) -> None:
    _, image_id = client.generated_image(width=128, height=128)
    upscale_id = client.ok("POST", "/variations/upscale", {"id": image_id})["sdUpscaleJob"]["id"]
    early = client.call("POST", "/variations/nobg", {"id": upscale_id, "isVariation": True})
    assert_leonardo_error(early, 400, "validation-failed")  # the upscale is not done yet
    server.complete(upscale_id)
    nobg = client.ok("POST", "/variations/nobg", {"id": upscale_id, "isVariation": True})
    server.complete(nobg["sdNobgJob"]["id"])
    done = client.ok("GET", f"/variations/{nobg['sdNobgJob']['id']}")
    url = done["generated_image_variation_generic"][0]["url"]
    assert png_size(requests.get(url, timeout=10).content) == (256, 256)


def test_variation_errors(client: Client, server: LocalLeonardo) -> None:
    for path in ("/variations/upscale", "/variations/nobg", "/variations/unzoom"):
        assert_leonardo_error(client.call("POST", path, {"id": "nope"}), 400, "validation-failed")
        assert_leonardo_error(client.call("POST", path, {}), 400, "validation-failed")
    pending = client.ok("POST", "/generations", {"prompt": "x", "num_images": 1})
    server.fail(pending["sdGenerationJob"]["generationId"])
    assert_leonardo_error(client.call("GET", "/variations/nope"), 404, "not-found")


# --- 3D models and textures ---------------------------------------------------------------------


def test_an_uploaded_3d_model_can_be_textured(client: Client, server: LocalLeonardo) -> None:
    upload = client.ok("POST", "/models-3d/upload", {"modelExtension": "obj", "name": "cube"})[
        "uploadModelAsset"
    ]
    assert set(upload) == {"modelId", "modelUrl", "modelKey", "modelFields"}
    asset_id = upload["modelId"]
    texture = {"modelAssetId": asset_id, "prompt": "rusty metal"}
    not_yet = client.call("POST", "/generations-texture", texture)
    assert assert_leonardo_error(not_yet, 400, "validation-failed")["path"] == "$.modelAssetId"

    as_upload = {"url": upload["modelUrl"], "fields": upload["modelFields"]}
    assert_s3_error(presigned_post(as_upload, PNG), 400, "InvalidArgument")
    assert presigned_post(as_upload, OBJ).status_code == 204
    job = client.ok("POST", "/generations-texture", texture)["textureGenerationJob"]
    assert job["id"]

    asset = client.ok("GET", f"/models-3d/{asset_id}")["model_assets_by_pk"]
    assert set(asset) == {"id", "name", "userId", "meshUrl", "createdAt", "updatedAt"}
    assert (asset["name"], asset["userId"]) == ("cube", server.user_id)
    assert requests.get(asset["meshUrl"], timeout=10).content == OBJ
    listed = client.ok("GET", f"/models-3d/user/{server.user_id}")["model_assets"]
    assert [a["id"] for a in listed] == [asset_id]

    assert client.ok("DELETE", f"/models-3d/{asset_id}") == {
        "delete_model_assets_by_pk": {"id": asset_id}
    }
    assert_leonardo_error(client.call("GET", f"/models-3d/{asset_id}"), 404, "not-found")
    after = client.call("POST", "/generations-texture", texture)
    assert_leonardo_error(after, 400, "validation-failed")


def test_3d_model_errors(client: Client) -> None:
    for extension in ("png", "model.obj", ""):
        response = client.call("POST", "/models-3d/upload", {"modelExtension": extension})
        assert (
            assert_leonardo_error(response, 400, "validation-failed")["path"] == "$.modelExtension"
        )
    assert_leonardo_error(client.call("GET", "/models-3d/nope"), 404, "not-found")
    assert_leonardo_error(client.call("DELETE", "/models-3d/nope"), 404, "not-found")
    unknown = client.call("POST", "/generations-texture", {"modelAssetId": "nope", "prompt": "x"})
    assert_leonardo_error(unknown, 400, "validation-failed")


def test_3d_models_are_listed_newest_first_with_limit_and_offset(
    client: Client, server: LocalLeonardo
) -> None:
    ids = [server.add_model_asset(name=f"m{i}") for i in range(5)]
    path = f"/models-3d/user/{server.user_id}"
    listed = client.ok("GET", path, params={"limit": 2, "offset": 1})["model_assets"]
    assert [a["id"] for a in listed] == [ids[3], ids[2]]
    assert client.ok("GET", "/models-3d/user/someone-else")["model_assets"] == []


def test_helpers_add_uploaded_assets(client: Client, server: LocalLeonardo) -> None:
    asset_id = server.add_model_asset()
    assert client.ok("POST", "/generations-texture", {"modelAssetId": asset_id, "prompt": "x"})
    init_id = server.add_init_image()
    assert client.ok("POST", "/generations", {"prompt": "x", "init_image_id": init_id})
    with pytest.raises(ValueError):
        server.add_init_image(extension="gif")


def test_motion_from_an_init_image(client: Client, server: LocalLeonardo) -> None:
    init_id = server.add_init_image()
    body = {"imageId": init_id, "isInitImage": True}
    job = client.ok("POST", "/generations-motion-svd", body)["sdGenerationJob"]
    server.complete(job["generationId"])
    generation = client.ok("GET", f"/generations/{job['generationId']}")["generations_by_pk"]
    image = generation["generated_images"][0]
    assert (generation["imageWidth"], generation["imageHeight"]) == (64, 64)
    assert png_size(requests.get(image["url"], timeout=10).content) == (64, 64)
    unknown = client.call("POST", "/generations-motion-svd", {"imageId": "no", "isInitImage": True})
    assert_leonardo_error(unknown, 400, "validation-failed")


# --- the live API's limits ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "body", [{"width": 1360, "height": 768}, {"width": 1536, "height": 1536, "num_images": 4}]
)
def test_the_live_api_sizes_are_valid(client: Client, body: Dict[str, Any]) -> None:
    assert client.ok("POST", "/generations", {"prompt": "x", **body})


@pytest.mark.parametrize(
    "body",
    [{"width": 1544}, {"height": 1540}, {"width": 1360, "num_images": 5}, {"num_images": 9}],
)
def test_beyond_the_live_api_sizes_answers_400(client: Client, body: Dict[str, Any]) -> None:
    response = client.call("POST", "/generations", {"prompt": "x", **body})
    assert_leonardo_error(response, 400, "validation-failed")


def test_list_limits_have_no_maximum(client: Client, server: LocalLeonardo) -> None:
    for path in (f"/generations/user/{server.user_id}", f"/models-3d/user/{server.user_id}"):
        assert client.call("GET", path, params={"limit": 10**6}).status_code == 200
        bad = client.call("GET", path, params={"limit": 0})
        assert_leonardo_error(bad, 400, "validation-failed")


# --- faults on the new routes -------------------------------------------------------------------


def test_faults_apply_to_the_new_routes(client: Client, server: LocalLeonardo) -> None:
    assert {"GET /datasets/{id}", "POST /uploads", "GET /variations/{id}"} <= set(server.routes)
    dataset_id = client.ok("POST", "/datasets", {"name": "d"})["insert_datasets_one"]["id"]
    server.inject("GET /datasets/{id}", status=503, retry_after=2)
    refused = client.call("GET", f"/datasets/{dataset_id}")
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "2"
    assert client.ok("GET", f"/datasets/{dataset_id}")
    upload = init_image_upload(client)
    server.inject("POST /uploads", status=500)
    assert presigned_post(upload, PNG).status_code == 500
    assert presigned_post(upload, PNG).status_code == 204
    routes = [r.route for r in server.request_log]
    assert routes.count("POST /uploads") == 2 and routes.count("GET /datasets/{id}") == 2


def test_expired_unused_uploads_are_forgotten() -> None:
    clock = FakeClock()
    with LocalLeonardo(clock=clock) as server:
        client = Client(server)
        kept = init_image_upload(client)
        assert presigned_post(kept, PNG).status_code == 204
        for _ in range(1100):  # past the pruning threshold, each expired before the next
            clock.now += 121
            init_image_upload(client)
        slots = server._uploads._slots  # not observable over HTTP: the bound is internal
        assert len(slots) < 1100 and kept["key"] in slots
        assert requests.get(f"{server.origin}/uploads/{kept['key']}", timeout=10).content == PNG


@pytest.mark.parametrize(
    "body",
    [
        b"".join(
            b'--b\r\nContent-Disposition: form-data; name="f%d"\r\n\r\nx\r\n' % i for i in range(70)
        )
        + b"--b--\r\n",
        b'--b\r\nContent-Disposition: form-data; name="key"\r\n\r\n\xff\xfe\r\n--b--\r\n',
        b"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n",
        b'--b\r\nContent-Disposition: form-data; name="key"\r\nx\r\n--b--\r\n',
        b"no boundary here",
    ],
)
def test_malformed_forms_are_refused(client: Client, body: bytes) -> None:
    upload = init_image_upload(client)
    response = requests.post(
        upload["url"],
        data=body,
        headers={"Content-Type": "multipart/form-data; boundary=b"},
        timeout=10,
    )
    assert_s3_error(response, 400, "MalformedPOSTRequest")


def test_a_204_keeps_the_connection_usable(client: Client) -> None:
    upload = init_image_upload(client)
    session = requests.Session()
    fields = json.loads(upload["fields"])
    for _ in range(3):
        sent = session.post(upload["url"], data=fields, files={"file": PNG}, timeout=10)
        assert sent.status_code == 204 and "Content-Length" not in sent.headers
