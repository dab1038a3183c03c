"""LocalLeonardo itself, spoken to with plain ``requests`` (no SDK), as any client would."""

from __future__ import annotations

import concurrent.futures
import json
import re
import socket
import struct
import time
import zlib
from typing import Any, Dict, Optional, Tuple

import pytest
import requests

from leonardoaisdk.testing import LocalLeonardo


class Client:
    """Raw HTTP to a LocalLeonardo, authenticated."""

    def __init__(self, server: LocalLeonardo) -> None:
        self.server = server
        self.session = requests.Session()
        self.headers = {"Authorization": f"Bearer {server.api_key}"}

    def call(self, method: str, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.session.request(
            method, self.server.url + path, data=body, headers=headers, timeout=10, **kwargs
        )

    def create(self, **body: Any) -> str:
        response = self.call("POST", "/generations", {"prompt": "a cat", **body})
        assert response.status_code == 200, response.text
        generation_id: str = response.json()["sdGenerationJob"]["generationId"]
        return generation_id

    def generation(self, generation_id: str) -> Dict[str, Any]:
        response = self.call("GET", f"/generations/{generation_id}")
        assert response.status_code == 200, response.text
        found: Dict[str, Any] = response.json()["generations_by_pk"]
        return found


pytestmark = pytest.mark.leonardo(complete_after=0.2)  # options of the `server` fixture


@pytest.fixture
def client(server: LocalLeonardo) -> Client:
    return Client(server)


def png_size(data: bytes) -> Tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    width, height = struct.unpack(">II", data[16:24])
    crc = struct.unpack(">I", data[29:33])[0]
    assert crc == zlib.crc32(data[12:29])
    return width, height


def assert_leonardo_error(response: requests.Response, status: int, code: str) -> None:
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error", "path", "code"}
    assert body["code"] == code and isinstance(body["error"], str) and body["error"]


def test_listens_on_an_ephemeral_loopback_port_and_stops() -> None:
    server = LocalLeonardo().start()
    host, port = server.origin.removeprefix("http://").split(":")
    assert host == "127.0.0.1" and int(port) > 0
    assert server.url == f"http://127.0.0.1:{port}/api/rest/v1"
    server.stop()
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", int(port))) != 0
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.url


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "invalid-headers"),
        ({"Authorization": "Basic abc"}, "invalid-headers"),
        ({"Authorization": "Bearer nope"}, "invalid-jwt"),
    ],
)
def test_missing_or_wrong_token_answers_401(
    server: LocalLeonardo, headers: Dict[str, str], code: str
) -> None:
    response = requests.get(server.url + "/me", headers=headers, timeout=10)
    assert_leonardo_error(response, 401, code)


def test_me_reports_the_user(server: LocalLeonardo, client: Client) -> None:
    details = client.call("GET", "/me").json()["user_details"][0]
    assert details["user"]["id"] == server.user_id


def test_generation_goes_from_pending_to_complete_with_real_pngs(client: Client) -> None:
    created = client.call(
        "POST",
        "/generations",
        {"prompt": "a cat", "num_images": 3, "width": 256, "height": 192, "seed": 7},
    )
    job = created.json()["sdGenerationJob"]
    assert job["apiCreditCost"] > 0
    pending = client.generation(job["generationId"])
    assert pending["status"] == "PENDING" and pending["generated_images"] == []
    time.sleep(0.25)
    done = client.generation(job["generationId"])
    assert done["status"] == "COMPLETE"
    assert (done["imageWidth"], done["imageHeight"], done["seed"]) == (256, 192, 7)
    images = done["generated_images"]
    assert len(images) == 3
    bodies = []
    for image in images:
        assert image["url"].startswith(client.server.origin + "/cdn/")
        response = requests.get(image["url"], timeout=10)  # no token: like a CDN
        assert response.headers["Content-Type"] == "image/png"
        assert png_size(response.content) == (256, 192)
        bodies.append(response.content)
    assert len(set(bodies)) == 3


def test_images_differ_per_prompt_and_seed_and_repeat_for_the_same(
    client: Client, server: LocalLeonardo
) -> None:
    ids = [
        client.create(prompt=p, seed=s, num_images=1)
        for p, s in (("a cat", 1), ("a cat", 2), ("a dog", 1), ("a cat", 1))
    ]
    for generation_id in ids:
        server.complete(generation_id)
    pngs = [
        requests.get(client.generation(i)["generated_images"][0]["url"], timeout=10).content
        for i in ids
    ]
    assert len({pngs[0], pngs[1], pngs[2]}) == 3
    assert pngs[0] == pngs[3]


def test_listing_is_newest_first_and_honours_limit_and_offset(
    server: LocalLeonardo, client: Client
) -> None:
    ids = [client.create(prompt=f"p{n}") for n in range(5)]
    listed = client.call(
        "GET", f"/generations/user/{server.user_id}", params={"limit": 2, "offset": 1}
    ).json()
    assert [g["id"] for g in listed["generations"]] == [ids[3], ids[2]]
    everything = client.call("GET", f"/generations/user/{server.user_id}").json()["generations"]
    assert [g["id"] for g in everything] == ids[::-1]
    other = client.call("GET", "/generations/user/someone-else").json()
    assert other == {"generations": []}
    assert_leonardo_error(
        client.call("GET", f"/generations/user/{server.user_id}", params={"limit": "x"}),
        400,
        "validation-failed",
    )


def test_delete_removes_and_unknown_ids_answer_404(client: Client) -> None:
    generation_id = client.create()
    deleted = client.call("DELETE", f"/generations/{generation_id}")
    assert deleted.json() == {"delete_generations_by_pk": {"id": generation_id}}
    assert_leonardo_error(client.call("GET", f"/generations/{generation_id}"), 404, "not-found")
    assert_leonardo_error(client.call("DELETE", f"/generations/{generation_id}"), 404, "not-found")
    assert_leonardo_error(client.call("GET", "/generations-texture/nope"), 404, "not-found")
    assert_leonardo_error(client.call("GET", "/no/such/route"), 404, "not-found")


@pytest.mark.parametrize(
    "body",
    [
        {"width": 33},
        {"width": 16},
        {"height": 1544},  # the live API takes sides up to 1536
        {"num_images": 0},
        {"num_images": 9},
        {"num_images": 5, "width": 1024},
        {"guidance_scale": 0},
        {"guidance_scale": 21},
        {"num_inference_steps": 61},
        {"init_strength": 0.95},
        {"width": "512"},
        {"num_images": True},
        {"presetStyle": "NOT_A_STYLE"},
        {"sd_version": "v9"},
        {"prompt": ""},
        {"prompt": 5},
    ],
)
def test_out_of_range_or_mistyped_input_answers_400(client: Client, body: Dict[str, Any]) -> None:
    response = client.call("POST", "/generations", {"prompt": "a cat", **body})
    assert_leonardo_error(response, 400, "validation-failed")
    assert response.json()["path"].startswith("$.")


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe"])
def test_bad_json_answers_400(client: Client, raw: bytes) -> None:
    assert_leonardo_error(client.call("POST", "/generations", raw), 400, "validation-failed")


def test_newer_values_and_unknown_fields_are_accepted(client: Client) -> None:
    generation_id = client.create(
        presetStyle="BOKEH", sd_version="PHOENIX", transparency="foreground_only"
    )
    generation = client.generation(generation_id)
    assert generation["presetStyle"] == "BOKEH" and generation["sdVersion"] == "PHOENIX"


def test_texture_jobs(client: Client, server: LocalLeonardo) -> None:
    asset = server.add_model_asset()  # texture jobs need an uploaded 3D model
    created = client.call(
        "POST",
        "/generations-texture",
        {"modelAssetId": asset, "prompt": "rusty metal", "seed": 3},
    )
    job = created.json()["textureGenerationJob"]
    assert job["apiCreditCost"] > 0
    pending = client.call("GET", f"/generations-texture/{job['id']}").json()[
        "model_asset_texture_generations_by_pk"
    ]
    assert pending["status"] == "PENDING" and pending["model_asset_texture_images"] == []
    server.complete(job["id"])
    done = client.call("GET", f"/generations-texture/{job['id']}").json()[
        "model_asset_texture_generations_by_pk"
    ]
    assert [i["type"] for i in done["model_asset_texture_images"]] == [
        "ALBEDO",
        "NORMAL",
        "ROUGHNESS",
        "DISPLACEMENT",
    ]
    assert png_size(
        requests.get(done["model_asset_texture_images"][0]["url"], timeout=10).content
    ) == (512, 512)
    listed = client.call("GET", f"/generations-texture/model/{asset}").json()[
        "model_asset_texture_generations"
    ]
    assert [t["id"] for t in listed] == [job["id"]]
    assert client.call("DELETE", f"/generations-texture/{job['id']}").json() == {
        "delete_model_asset_texture_generations_by_pk": {"id": job["id"]}
    }
    assert_leonardo_error(
        client.call("POST", "/generations-texture", {"prompt": "x"}), 400, "validation-failed"
    )


def test_motion_from_a_generated_image_carries_an_mp4(
    client: Client, server: LocalLeonardo
) -> None:
    source = client.create(num_images=1)
    assert_leonardo_error(
        client.call("POST", "/generations-motion-svd", {"imageId": "missing"}),
        400,
        "validation-failed",
    )
    server.complete(source)
    image_id = client.generation(source)["generated_images"][0]["id"]
    created = client.call(
        "POST", "/generations-motion-svd", {"imageId": image_id, "motionStrength": 4}
    )
    motion_id = created.json()["sdGenerationJob"]["generationId"]
    server.complete(motion_id)
    motion = client.generation(motion_id)["generated_images"][0]
    assert motion["motion"] is True and motion["motionStrength"] == 4
    video = requests.get(motion["motionMP4URL"], timeout=10)
    assert video.headers["Content-Type"] == "video/mp4" and video.content[4:8] == b"ftyp"


def test_fail_and_complete_force_a_status(client: Client, server: LocalLeonardo) -> None:
    generation_id = client.create()
    server.fail(generation_id)
    assert client.generation(generation_id)["status"] == "FAILED"
    with pytest.raises(KeyError):
        server.complete("no-such-job")


# --- fault injection ------------------------------------------------------------------------


def test_injected_status_refuses_without_processing(client: Client, server: LocalLeonardo) -> None:
    server.inject("POST /generations", status=429, retry_after=3)
    refused = client.call("POST", "/generations", {"prompt": "x"})
    assert_leonardo_error(refused, 429, "rate-limited")
    assert refused.headers["Retry-After"] == "3"
    assert client.call("GET", f"/generations/user/{server.user_id}").json() == {"generations": []}
    client.create()  # only the next request was affected
    assert len(client.call("GET", f"/generations/user/{server.user_id}").json()["generations"]) == 1


def test_faults_apply_to_the_next_n_requests_in_order(
    client: Client, server: LocalLeonardo
) -> None:
    server.inject("GET /me", times=2, status=503)
    server.inject("GET /me", status=500)
    assert [client.call("GET", "/me").status_code for _ in range(4)] == [503, 503, 500, 200]


def test_injected_delay(client: Client, server: LocalLeonardo) -> None:
    server.inject("GET /me", delay=0.3)
    started = time.monotonic()
    assert client.call("GET", "/me").status_code == 200
    assert time.monotonic() - started >= 0.3


def test_drop_resets_the_connection_after_doing_the_work(
    client: Client, server: LocalLeonardo
) -> None:
    server.inject("POST /generations", drop=True)
    with pytest.raises(requests.ConnectionError):
        client.call("POST", "/generations", {"prompt": "x"})
    assert len(client.call("GET", f"/generations/user/{server.user_id}").json()["generations"]) == 1


def test_malformed_body_wrong_content_type_and_truncation(
    client: Client, server: LocalLeonardo
) -> None:
    server.inject("GET /me", body='{"user_details": [')
    server.inject("GET /me", content_type="text/html")
    server.inject("GET /me", truncate=True)
    malformed = client.call("GET", "/me")
    assert malformed.status_code == 200 and malformed.content == b'{"user_details": ['
    assert client.call("GET", "/me").headers["Content-Type"] == "text/html"
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        client.call("GET", "/me")
    assert client.call("GET", "/me").json()["user_details"]


def test_unknown_route_names_are_refused(server: LocalLeonardo) -> None:
    with pytest.raises(ValueError, match=re.escape("unknown route 'GET /generation/{id}'")):
        server.inject("GET /generation/{id}", status=500)
    assert "GET /generations/{id}" in server.routes


def test_request_log_records_what_reached_the_server(client: Client, server: LocalLeonardo) -> None:
    generation_id = client.create(prompt="logged")
    client.call("GET", f"/generations/{generation_id}", params={"x": "1"})
    log = server.request_log
    assert [(r.method, r.path, r.route) for r in log] == [
        ("POST", "/generations", "POST /generations"),
        ("GET", f"/generations/{generation_id}", "GET /generations/{id}"),
    ]
    assert log[0].json()["prompt"] == "logged" and log[1].query == {"x": "1"}
    log.clear()
    assert len(server.request_log) == 2
    server.clear_log()
    assert server.request_log == []


def test_garbage_never_takes_the_server_down(server: LocalLeonardo, client: Client) -> None:
    host, port = server.origin.removeprefix("http://").split(":")
    for garbage in (
        b"NONSENSE\r\n\r\n",
        b"POST /api/rest/v1/generations HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
        b"\x00\xff" * 100 + b"\r\n\r\n",
    ):
        with socket.create_connection((host, int(port)), timeout=5) as raw:
            raw.sendall(garbage)
            raw.recv(4096)
    chunked = client.call("POST", "/generations", iter([b'{"prompt": ', b'"chunked"}']))
    assert chunked.status_code == 200
    assert client.call("GET", "/me").status_code == 200


@pytest.mark.leonardo(complete_after=0.2, concurrency_limit=None)  # 64 jobs pending at once
def test_serves_many_threads_at_once(client: Client, server: LocalLeonardo) -> None:
    def work(n: int) -> Optional[str]:
        own = Client(server)
        generation_id = own.create(prompt=f"thread {n}")
        return own.generation(generation_id)["prompt"]

    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        prompts = list(pool.map(work, range(64)))
    assert sorted(prompts) == sorted(f"thread {n}" for n in range(64))
