"""The embedded display, ``s.generation.display(..., embed=True)``: thumbnails inlined as
``data:`` URIs through the download path's checks, placeholders for what cannot be shown,
and a page that renders in headless Chromium with no server left running."""

from __future__ import annotations

import base64
import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest
import requests

import leonardoaisdk
from leonardoaisdk.models import errors
from leonardoaisdk.testing import LocalLeonardo
from leonardoaisdk.testing._png import PLACEHOLDER_MP4, render_png
from tests.hostile_servers import Connection, RawServer, http_answer
from tests.test_notebook_display import CHROMIUM_FLAGS, Page, _chromium, created

pytestmark = pytest.mark.leonardo(complete_after=0)  # options of the `server` fixture

PNG_PREFIX = "data:image/png;base64,"


@pytest.fixture
def sdk(server: LocalLeonardo) -> leonardoaisdk.LeonardoAiSDK:
    return leonardoaisdk.LeonardoAiSDK(bearer_auth=server.api_key, server_url=server.url)


def decoded(src: str, prefix: str = PNG_PREFIX) -> bytes:
    assert src.startswith(prefix), src[:80]
    return base64.b64decode(src[len(prefix) :], validate=True)


def notes(html: str) -> str:
    return " ".join(Page(html).text)


def test_embedded_thumbnails_are_the_bytes_the_server_serves(
    sdk: leonardoaisdk.LeonardoAiSDK,
) -> None:
    generation = created(sdk, prompt="a blue heron")
    shown = sdk.generation.display(generation, embed=True)
    images = Page(shown.html).tags("img")
    served = [requests.get(i.url, timeout=10).content for i in generation.generated_images]
    assert [decoded(img["src"]) for img in images] == served
    assert all(png.startswith(b"\x89PNG") for png in served)
    # Each thumbnail still opens the full image, and the facts are those of the linked display.
    links = [a["href"] for a in Page(shown.html).tags("a")]
    assert links == [i.url for i in generation.generated_images]
    assert notes(shown.html) == notes(generation._repr_html_())
    assert (shown.embedded, shown.linked, shown.failed) == (3, 0, 0)
    assert shown._repr_html_() == shown.html
    assert repr(shown).startswith(f"<GenerationDisplay of generation {generation.id}: 3 images")
    assert "3 images embedded, 0 linked, 0 not shown" in repr(shown)

    by_id = sdk.generation.display(generation.id, embed=True)
    assert [img["src"] for img in Page(by_id.html).tags("img")] == [i["src"] for i in images]
    response = sdk.generation.get_generation_by_id(generation.id)
    assert sdk.generation.display(response, embed=True).html == by_id.html


def test_linked_display_is_the_generations_own(sdk: leonardoaisdk.LeonardoAiSDK) -> None:
    generation = created(sdk, prompt="a linked fox")
    shown = sdk.generation.display(generation)
    assert shown.html == generation._repr_html_()
    assert (shown.embedded, shown.linked, shown.failed) == (0, 3, 0)


def test_a_listing_embeds_every_generation(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK
) -> None:
    made = [created(sdk, prompt=f"listed {n}", num_images=2) for n in range(2)]
    page = sdk.generation.get_generations_by_user_id(server.user_id)
    shown = sdk.generation.display(page, embed=True)
    assert shown.html.count('class="leonardo-generation"') == 2 and "2 generations" in shown.html
    expected = {requests.get(i.url, timeout=10).content for g in made for i in g.generated_images}
    assert {decoded(img["src"]) for img in Page(shown.html).tags("img")} == expected
    assert repr(shown).startswith("<GenerationDisplay of 2 generations (")
    as_list = sdk.generation.display(list(page.object.generations), embed=True)
    assert as_list.html == shown.html
    empty = sdk.generation.display([], embed=True)
    assert "0 generations" in empty.html and empty.embedded == 0


GOOD_PNG = render_png(64, 48, "the good one")

# path -> (status, Content-Type, body, extra headers)
HOSTILE: Dict[str, Any] = {
    "/good.png": ("200 OK", "image/png", GOOD_PNG, ""),
    "/script.svg": (
        "200 OK",
        "image/svg+xml",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
        b"<script>alert(2)</script></svg>",
        "",
    ),
    "/page-as-png.png": ("200 OK", "image/png", b"<html><script>alert(3)</script></html>", ""),
    "/png-as-page.png": ("200 OK", "text/html", GOOD_PNG, ""),
    "/missing.png": ("404 Not Found", "text/plain", b"gone", ""),
    "/video.png": ("200 OK", "video/mp4", PLACEHOLDER_MP4, ""),
    "/to-metadata.png": (
        "302 Found",
        "text/plain",
        b"",
        "Location: http://169.254.169.254/latest/meta-data/\r\n",
    ),
}


def answer_by_path(connection: Connection) -> None:
    request = connection.read_request()
    path = request.split(b" ", 2)[1].decode()
    status, content_type, body, extra = HOSTILE.get(path, ("404 Not Found", "text/plain", b"", ""))
    connection.send(http_answer(status, body, content_type, extra + "Connection: close\r\n"))


def test_hostile_images_are_never_embedded_and_the_rest_still_render(
    sdk: leonardoaisdk.LeonardoAiSDK,
) -> None:
    generation = created(sdk, prompt="hostile", num_images=1)
    image = generation.generated_images[0]
    with RawServer(answer_by_path) as cdn:
        urls = [f"http://127.0.0.1:{cdn.port}{path}" for path in HOSTILE]
        urls += ["http://169.254.169.254/latest/meta-data/", "javascript:alert(4)"]
        hostile = dataclasses.replace(
            generation, generated_images=[dataclasses.replace(image, url=u) for u in urls]
        )
        shown = sdk.generation.display(hostile, embed=True)
        assert not [r for r in cdn.requests if b"authorization:" in r.lower()]
        asked = sorted(r.split(b" ", 2)[1].decode() for r in cdn.requests)
    assert asked == sorted(HOSTILE)  # each once; the link-local and javascript: ones never

    page = Page(shown.html)
    (img,) = page.tags("img")
    assert decoded(img["src"]) == GOOD_PNG
    assert not page.tags("script") and not page.tags("svg")
    assert shown.html.count("data:") == 1 and "javascript:" not in shown.html
    placeholders = [attrs for attrs in page.tags("div") if attrs.get("role") == "img"]
    assert len(placeholders) == len(urls) - 1
    assert (shown.embedded, shown.linked, shown.failed) == (1, 0, len(urls) - 1)
    text = notes(shown.html)
    for reason in (
        "'image/svg+xml'",  # the SVG: an image type, but not bytes the SDK inlines
        "body starting b'<html>",
        "Content-Type 'text/html'",
        "HTTP 404",
        "a video (.mp4)",
        "169.254.169.254 is a link-local address",  # the redirect, and the URL itself
        "not an http(s) image URL",
    ):
        assert reason in text, reason
    assert text.count("link-local") == 2


def test_an_image_over_the_cap_is_linked_with_a_note_without_pillow(
    sdk: leonardoaisdk.LeonardoAiSDK, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("PIL", "PIL.Image"):  # as if Pillow were not installed, even once imported
        monkeypatch.setitem(sys.modules, name, None)
    generation = created(sdk, prompt="too big to embed", num_images=2)
    shown = sdk.generation.display(generation, embed=True, max_embed_bytes=1000)
    assert [img["src"] for img in Page(shown.html).tags("img")] == [
        i.url for i in generation.generated_images
    ]
    text = notes(shown.html)
    assert text.count("linked, not embedded: larger than 1000 bytes") == 2
    assert "install Pillow" in text
    assert (shown.embedded, shown.linked, shown.failed) == (0, 2, 0)
    fits = max(len(requests.get(i.url, timeout=10).content) for i in generation.generated_images)
    assert sdk.generation.display(generation, embed=True, max_embed_bytes=fits).embedded == 2


def test_an_image_over_the_cap_is_downscaled_with_pillow(
    sdk: leonardoaisdk.LeonardoAiSDK,
) -> None:
    image_module = pytest.importorskip("PIL.Image")
    import io

    generation = created(sdk, prompt="downscaled", num_images=1, width=1024, height=768)
    original = requests.get(generation.generated_images[0].url, timeout=10).content
    cap = 40_000
    assert len(original) > cap
    shown = sdk.generation.display(generation, embed=True, max_embed_bytes=cap)
    (img,) = Page(shown.html).tags("img")
    small = decoded(img["src"], "data:image/jpeg;base64,")
    assert len(small) <= cap
    with image_module.open(io.BytesIO(small)) as opened:
        width, height = opened.size
    assert max(width, height) <= 768 and abs(width / height - 4 / 3) < 0.02
    assert f"a {width}\u00d7{height} copy, downscaled" in notes(shown.html)
    assert shown.embedded == 1


def test_wrong_arguments_are_refused_before_any_request(
    sdk: leonardoaisdk.LeonardoAiSDK,
) -> None:
    for wrong in (42, b"id", None, [object()]):
        with pytest.raises(errors.RequestValidationError, match="display\\(\\) takes"):
            sdk.generation.display(wrong, embed=True)
    for cap in (0, -1, True, 1.5):
        with pytest.raises(errors.RequestValidationError, match="max_embed_bytes"):
            sdk.generation.display([], embed=True, max_embed_bytes=cap)  # type: ignore[arg-type]
    with pytest.raises(errors.RequestValidationError, match="embed must be"):
        sdk.generation.display([], embed="yes")  # type: ignore[arg-type]
    with pytest.raises(errors.NotFoundError):
        sdk.generation.display("no-such-generation", embed=True)


HARNESS = """<!doctype html><html><head><meta charset="utf-8"><title>waiting</title></head>
<body>{fragment}<script>
const images = [...document.images];
Promise.all(images.map(i => i.complete ? null : new Promise(r => {{ i.onload = i.onerror = r; }})))
  .then(() => {{
    document.title = JSON.stringify(
      images.map(i => [i.naturalWidth, i.naturalHeight, i.currentSrc.split(",")[0]]));
  }});
</script></body></html>"""


def loaded_in_chromium(fragment: str, folder: Path) -> List[Any]:
    """Each image of ``fragment`` as the browser loaded it from a file: width, height and the
    start of its source."""
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / "embedded.html"
    page.write_text(HARNESS.format(fragment=fragment), encoding="utf-8")
    dom = subprocess.run(
        [
            _chromium(),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={folder / 'profile'}",
            "--virtual-time-budget=15000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    title = re.search(r"<title>(.*?)</title>", dom.stdout, re.S)
    assert title is not None and title.group(1) != "waiting", (
        dom.stdout[-2000:] + dom.stderr[-2000:]
    )
    import html

    found: List[Any] = json.loads(html.unescape(title.group(1)))
    return found


def test_the_embedded_display_renders_in_chromium_after_the_server_is_gone(
    tmp_path: Path,
) -> None:
    _chromium()  # skip (or fail in CI) before starting anything
    with LocalLeonardo(complete_after=0) as gone:
        s = leonardoaisdk.LeonardoAiSDK(bearer_auth=gone.api_key, server_url=gone.url)
        generation = created(s, prompt="<b>an egret</b>")
        shown = s.generation.display(generation, embed=True)
        linked = generation._repr_html_()
    with pytest.raises(requests.ConnectionError):  # the images' server really is gone
        requests.get(generation.generated_images[0].url, timeout=5)
    assert loaded_in_chromium(shown.html, tmp_path) == [[256, 192, "data:image/png;base64"]] * 3
    # The same page linked by URL shows nothing now: what embedding is for.
    assert [w for w, _, _ in loaded_in_chromium(linked, tmp_path / "linked")] == [0, 0, 0]
