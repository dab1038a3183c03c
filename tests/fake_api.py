"""A `responses` mock that answers every documented route with a realistic body, for running
documentation snippets as written."""

from __future__ import annotations

import contextlib
import re
from typing import Iterator

import responses

from leonardoaisdk.testing._png import render_png
from tests.payloads import CDN, GENERATION_ID, USER_ID, generation

BASE = re.escape("https://cloud.leonardo.ai/api/rest/v1")
TEXTURE = {
    "id": "tex-1",
    "status": "COMPLETE",
    "prompt": "rusty metal",
    "model_asset_texture_images": [],
}

ROUTES = [
    (
        "POST",
        "/generations",
        {"sdGenerationJob": {"generationId": GENERATION_ID, "apiCreditCost": 24}},
    ),
    (
        "POST",
        "/generations-motion-svd",
        {"sdGenerationJob": {"generationId": "m-1", "apiCreditCost": 25}},
    ),
    (
        "POST",
        "/generations-texture",
        {"textureGenerationJob": {"id": "tex-1", "apiCreditCost": 10}},
    ),
    ("GET", "/generations/user/[^/]+", {"generations": [generation()]}),
    ("GET", "/generations/[^/]+", {"generations_by_pk": generation()}),
    ("DELETE", "/generations/[^/]+", {"delete_generations_by_pk": {"id": GENERATION_ID}}),
    ("GET", "/generations-texture/model/[^/]+", {"model_asset_texture_generations": [TEXTURE]}),
    ("GET", "/generations-texture/[^/]+", {"model_asset_texture_generations_by_pk": TEXTURE}),
    (
        "DELETE",
        "/generations-texture/[^/]+",
        {"delete_model_asset_texture_generations_by_pk": {"id": "tex-1"}},
    ),
    ("GET", "/me", {"user_details": [{"user": {"id": USER_ID, "username": "painter"}}]}),
]


@contextlib.contextmanager
def mocked_api() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        for method, path, body in ROUTES:
            mock.add(method, re.compile(f"{BASE}{path}(\\?.*)?$"), json=body)
        image = render_png(64, 48, "doc snippet")
        mock.add("GET", re.compile(re.escape(CDN) + "/.*"), body=image, content_type="image/png")
        mock.add_passthru(re.compile(r"http://127\.0\.0\.1[:/]"))
        yield mock
