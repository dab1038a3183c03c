"""A `responses` mock that answers every operation of the API spec with a realistic body, for
running documentation snippets as written.

The generation and user routes answer hand-written bodies shaped like the live API's (newer
than the spec); every other operation answers a body built from the spec's response schema
(``spec_sample``), so an operation added to the spec is answered without writing its body.
"""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import responses

from leonardoaisdk.testing._png import render_png
from tests.payloads import CDN, GENERATION_ID, USER_ID, generation

SPEC_PATH = Path(__file__).parents[1] / "spec" / "leonardo-openapi-2024-02.json"
SPEC: Dict[str, Any] = json.loads(SPEC_PATH.read_text())
SCHEMAS: Dict[str, Any] = SPEC["components"]["schemas"]
BASE = re.escape("https://cloud.leonardo.ai/api/rest/v1")
TEXTURE = {
    "id": "tex-1",
    "status": "COMPLETE",
    "prompt": "rusty metal",
    "model_asset_texture_images": [],
}

HAND_WRITTEN = [
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

MAX_DEPTH = 12  # the spec's schemas nest about 5 deep and have no cycles; this bounds a new one


def resolve(schema: Dict[str, Any]) -> Dict[str, Any]:
    """``schema`` with ``$ref`` and one-member ``allOf`` followed (keeping ``nullable``)."""
    for _ in range(MAX_DEPTH):
        if "$ref" in schema:
            schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[1]]
        elif len(schema.get("allOf", ())) == 1:
            schema = schema["allOf"][0]
        else:
            return schema
    raise ValueError(f"references nest deeper than {MAX_DEPTH}")


def spec_sample(schema: Dict[str, Any], name: str = "value", depth: int = 0) -> Any:
    """A JSON value of ``schema`` with every property set: strings named after their property
    (URLs on the mock's CDN, so downloads work), enums' COMPLETE or first value, one-item
    arrays."""
    if depth > MAX_DEPTH:
        raise ValueError(f"schema nests deeper than {MAX_DEPTH} at {name}")
    schema = resolve(schema)
    if "enum" in schema:
        return "COMPLETE" if "COMPLETE" in schema["enum"] else schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {
            key: spec_sample(value, key, depth + 1)
            for key, value in schema.get("properties", {}).items()
        }
    if kind == "array":
        return [spec_sample(schema.get("items", {}), name, depth + 1)]
    if kind == "integer":
        return 7
    if kind == "number":
        return 0.5
    if kind == "boolean":
        return True
    if kind == "string":
        if name.lower().endswith("url"):
            return f"{CDN}/{USER_ID}/samples/{name}.png"
        if name in ("createdAt", "updatedAt", "tokenRenewalDate"):
            return "2024-02-13T10:21:34.817"
        return f"{name}-sample"
    return None  # free-form: null is valid JSON for it


def spec_operations() -> List[Tuple[str, str, str, Dict[str, Any]]]:
    """(method, path template, operationId, 200 response schema) of every spec operation."""
    found = []
    for path, item in SPEC["paths"].items():
        for method, op in item.items():
            if method == "parameters":
                continue
            schema = op["responses"]["200"]["content"]["application/json"]["schema"]
            found.append((method.upper(), path, op["operationId"], schema))
    return found


def path_pattern(template: str) -> str:
    """``/datasets/{id}`` -> ``/datasets/[^/]+`` (the form of the routes here)."""
    return re.sub(r"\{[^}]+\}", "[^/]+", template)


def routes() -> List[Tuple[str, str, Any]]:
    """Every spec operation's route and body: hand-written where there is one, else sampled."""
    found = list(HAND_WRITTEN)
    covered = {(method, path) for method, path, _ in HAND_WRITTEN}
    for method, template, _, schema in spec_operations():
        if (method, path_pattern(template)) not in covered:
            found.append((method, path_pattern(template), spec_sample(schema)))
    return found


ROUTES = routes()


@contextlib.contextmanager
def mocked_api() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        for method, path, body in ROUTES:
            mock.add(method, re.compile(f"{BASE}{path}(\\?.*)?$"), json=body)
        image = render_png(64, 48, "doc snippet")
        mock.add("GET", re.compile(re.escape(CDN) + "/.*"), body=image, content_type="image/png")
        mock.add_passthru(re.compile(r"http://127\.0\.0\.1[:/]"))
        yield mock
