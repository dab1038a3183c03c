"""The Jupyter display: escaped HTML, checked for real in headless Chromium, and the example
notebook executed with nbclient against the local server."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

import leonardoaisdk
from leonardoaisdk.models import operations
from leonardoaisdk.testing import LocalLeonardo

ROOT = Path(__file__).parents[1]
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# CI sets this: there a missing browser is a failure, not a skip.
REQUIRE_BROWSER = os.environ.get("LEONARDO_REQUIRE_BROWSER") == "1"


pytestmark = pytest.mark.leonardo(complete_after=0)  # options of the `server` fixture


@pytest.fixture
def sdk(server: LocalLeonardo) -> leonardoaisdk.LeonardoAiSDK:
    return leonardoaisdk.LeonardoAiSDK(bearer_auth=server.api_key, server_url=server.url)


def created(
    sdk: leonardoaisdk.LeonardoAiSDK, **fields: Any
) -> operations.GetGenerationByIDGenerations:
    request = operations.CreateGenerationRequestBody(
        **{"num_images": 3, "width": 256, "height": 192, **fields}
    )
    generation_id = sdk.generation.create_generation(request).object.sd_generation_job.generation_id
    return sdk.generation.wait_for_generation(generation_id, poll_interval=0.05)


class Page(HTMLParser):
    """What an HTML fragment holds: its text, and its elements with their attributes."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: List[Tuple[str, Dict[str, Any]]] = []
        self.text: List[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: List[Tuple[str, Any]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def tags(self, name: str) -> List[Dict[str, Any]]:
        return [attrs for tag, attrs in self.elements if tag == name]


def test_a_generation_shows_its_images_and_facts(sdk: leonardoaisdk.LeonardoAiSDK) -> None:
    generation = created(sdk, prompt="a red kite")
    page = Page(generation._repr_html_())
    assert [img["src"] for img in page.tags("img")] == [i.url for i in generation.generated_images]
    text = " ".join(page.text)
    for fact in (
        "a red kite",
        "COMPLETE",
        "256\u00d7192",  # the multiplication sign, from &times;
        generation.model_id,
        "6 credits",
        generation.id,
    ):
        assert fact in text
    response = sdk.generation.get_generation_by_id(generation.id)
    assert response._repr_html_() == generation._repr_html_()


def test_all_text_is_escaped_and_only_http_urls_are_used(sdk: leonardoaisdk.LeonardoAiSDK) -> None:
    generation = created(sdk, prompt='<script>alert(1)</script><img src=x onerror="alert(2)">')
    hostile = dataclasses.replace(
        generation,
        model_id='"><b>model</b>',
        generated_images=[
            dataclasses.replace(generation.generated_images[0], url="javascript:alert(3)"),
            dataclasses.replace(generation.generated_images[1], url='https://cdn.example/a"b.png'),
        ],
    )
    html = hostile._repr_html_()
    page = Page(html)
    assert not page.tags("script") and not page.tags("b")[1:]  # only our own status <b>
    assert [img["src"] for img in page.tags("img")] == ['https://cdn.example/a"b.png']
    assert "javascript:" not in html
    assert "<script>alert(1)</script>" in " ".join(page.text)


def test_pending_lists_and_started_jobs_display(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK
) -> None:
    with LocalLeonardo(complete_after=60) as slow:
        slow_sdk = leonardoaisdk.LeonardoAiSDK(bearer_auth=slow.api_key, server_url=slow.url)
        started = slow_sdk.generation.create_generation(operations.CreateGenerationRequestBody())
        assert "started · 8 credits" in started._repr_html_()
        pending = slow_sdk.generation.get_generation_by_id(
            started.object.sd_generation_job.generation_id
        )
        assert "no images yet" in pending._repr_html_() and "PENDING" in pending._repr_html_()
    for n in range(2):
        created(sdk, prompt=f"listed {n}")
    listed = sdk.generation.get_generations_by_user_id(server.user_id)._repr_html_()
    assert listed.count('class="leonardo-generation"') == 2 and "2 generations" in listed
    assert (
        "cost unknown"
        in leonardoaisdk.LeonardoAiSDK(bearer_auth=server.api_key, server_url=server.url)
        .generation.get_generation_by_id(listed_id(sdk, server))
        ._repr_html_()
    )


def listed_id(sdk: leonardoaisdk.LeonardoAiSDK, server: LocalLeonardo) -> str:
    generation_id: str = next(sdk.generation.iter_generations_by_user_id(server.user_id)).id
    return generation_id


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if REQUIRE_BROWSER:
            pytest.fail("chromium is required (LEONARDO_REQUIRE_BROWSER=1) but not installed")
        pytest.skip("Debian's chromium is not installed (CI installs it and runs this test)")
    return found


HARNESS = """<!doctype html><html><head><meta charset="utf-8"><title>display</title></head>
<body>{fragment}<pre id="loaded">waiting</pre><script>
const images = [...document.images];
Promise.all(images.map(i => i.complete ? null : new Promise(r => {{ i.onload = i.onerror = r; }})))
  .then(() => {{
    document.getElementById("loaded").textContent =
      JSON.stringify(images.map(i => [i.naturalWidth, i.naturalHeight]));
  }});
</script></body></html>"""


def test_the_display_renders_in_headless_chromium_with_every_image_loaded(
    sdk: leonardoaisdk.LeonardoAiSDK, tmp_path: Path
) -> None:
    browser = _chromium()
    generation = created(sdk, prompt="<i>a heron</i> in the reeds")
    page = tmp_path / "display.html"
    page.write_text(HARNESS.format(fragment=generation._repr_html_()))
    common = [
        browser,
        *CHROMIUM_FLAGS,
        f"--user-data-dir={tmp_path / 'profile'}",
        "--virtual-time-budget=15000",
    ]

    dom = subprocess.run(
        [*common, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120
    )
    loaded = re.search(r'<pre id="loaded">(.*?)</pre>', dom.stdout)
    assert loaded is not None, dom.stdout[-2000:] + dom.stderr[-2000:]
    assert json.loads(loaded.group(1)) == [[256, 192]] * 3  # every image decoded, at its real size
    assert "&lt;i&gt;a heron&lt;/i&gt; in the reeds" in dom.stdout  # shown as text, not markup

    shot = tmp_path / "display.png"
    subprocess.run(
        [*common, "--window-size=1000,600", f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        timeout=120,
    )
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", data[16:24]) == (1000, 600)


NOTEBOOK = ROOT / "examples" / "notebook.ipynb"
NOTEBOOK_IMAGES = 2  # the example asks for 2 images of 256x192
REWRITE = "python -m tests.test_notebook_display rewrites it"


def executed_notebook(workdir: Path) -> Any:
    """The example notebook, its outputs cleared and made anew in ``workdir`` against the local
    server (no key, no server URL from the environment)."""
    import nbclient
    import nbformat

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    env = {
        k: v for k, v in os.environ.items() if k not in ("LEONARDO_API_KEY", "LEONARDO_SERVER_URL")
    }
    client = nbclient.NotebookClient(
        notebook,
        timeout=120,
        startup_timeout=60,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(workdir)}},
    )
    client.execute(env=env)
    return notebook


def html_outputs(notebook: Any) -> List[str]:
    return [
        output["data"]["text/html"]
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if "text/html" in output.get("data", {})
    ]


def output_shapes(notebook: Any) -> List[List[Tuple[str, ...]]]:
    """Per code cell, what each output is: its kind, its formats and how many images it has."""
    shapes = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        shape: List[Tuple[str, ...]] = []
        for output in cell.outputs:
            data = output.get("data", {})
            images = str(len(Page(data.get("text/html", "")).tags("img")))
            kind = (output["output_type"], output.get("name", ""), *sorted(data), images)
            if not (shape and kind[0] == "stream" and shape[-1] == kind):
                shape.append(kind)  # how many progress lines a wait prints depends on timing
        shapes.append(shape)
    return shapes


def embedded_pngs(html: str) -> List[bytes]:
    """The PNG bytes of every ``<img>`` in ``html``; fails on an image that is not one."""
    import base64

    found = []
    for img in Page(html).tags("img"):
        prefix = "data:image/png;base64,"
        assert img["src"].startswith(prefix), img["src"][:80]
        found.append(base64.b64decode(img["src"][len(prefix) :], validate=True))
    return found


def test_the_example_notebook_runs_against_the_local_server(tmp_path: Path) -> None:
    import nbformat

    notebook = executed_notebook(tmp_path)
    html = html_outputs(notebook)
    assert len(html) == 3
    assert "started" in html[0]
    for shown in html[1:]:  # the finished generation, then the listing that holds it
        assert 'class="leonardo-generation"' in shown
        pngs = embedded_pngs(shown)
        assert len(pngs) == NOTEBOOK_IMAGES
        assert all(struct.unpack(">II", png[16:24]) == (256, 192) for png in pngs)
    assert "1 generation" in html[2]
    saved = sorted((tmp_path / "out" / "notebook").glob("*.png"))
    assert len(saved) == NOTEBOOK_IMAGES
    # The notebook embeds the very files download_images saves.
    assert sorted(p.read_bytes() for p in saved) == sorted(embedded_pngs(html[1]))
    committed = nbformat.read(NOTEBOOK, as_version=4)
    assert output_shapes(committed) == output_shapes(notebook), (
        f"the committed outputs are not what the cells make today: {REWRITE}"
    )


def test_the_committed_notebook_keeps_its_pictures() -> None:
    import nbformat

    committed = nbformat.read(NOTEBOOK, as_version=4)
    html = html_outputs(committed)
    assert len(html) == 3, f"commit the notebook with its outputs: {REWRITE}"
    pngs = [png for shown in html for png in embedded_pngs(shown)]
    assert len(pngs) == 2 * NOTEBOOK_IMAGES
    for png in pngs:
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and struct.unpack(">II", png[16:24]) == (
            256,
            192,
        )
    assert "127.0.0.1" not in "".join(
        img["src"] for shown in html for img in Page(shown).tags("img")
    )
    assert NOTEBOOK.stat().st_size < 250_000  # small enough to read in a diff viewer


def test_the_committed_notebook_shows_its_images_in_chromium_with_no_server(
    tmp_path: Path,
) -> None:
    import nbformat

    browser = _chromium()
    committed = nbformat.read(NOTEBOOK, as_version=4)
    page = tmp_path / "notebook.html"
    page.write_text(HARNESS.format(fragment="".join(html_outputs(committed))), encoding="utf-8")
    dom = subprocess.run(
        [
            browser,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--virtual-time-budget=15000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    loaded = re.search(r'<pre id="loaded">(.*?)</pre>', dom.stdout)
    assert loaded is not None, dom.stdout[-2000:] + dom.stderr[-2000:]
    assert json.loads(loaded.group(1)) == [[256, 192]] * (2 * NOTEBOOK_IMAGES)


def rewrite_the_example_notebook() -> None:
    """Run the example notebook against the local server and save it with its outputs."""
    import tempfile

    import nbformat

    with tempfile.TemporaryDirectory() as workdir:
        notebook = executed_notebook(Path(workdir))
    nbformat.write(notebook, NOTEBOOK)


if __name__ == "__main__":
    rewrite_the_example_notebook()
