"""The ``leonardo`` commands for uploads, image-to-image, upscales and platform models, run as
a subprocess against LocalLeonardo."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest

import leonardoaisdk
from leonardoaisdk.testing import LocalLeonardo

from .test_cli import as_json, ok, one_line_error, run

pytestmark = pytest.mark.leonardo(complete_after=0.2)  # options of the `server` fixture


def png_size(path: Path) -> tuple:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.fixture
def image(server: LocalLeonardo, tmp_path: Path) -> Path:
    """A real PNG: the first image of a generation the server made."""
    made = as_json(run(server, "--json", "generate", "a fox", "--out", str(tmp_path / "first")))
    return Path(made["files"][0])


def test_upload_prints_the_init_image_id(server: LocalLeonardo, image: Path) -> None:
    image_id = ok(run(server, "upload", str(image))).strip()
    s = leonardoaisdk.LeonardoAiSDK(bearer_auth=server.api_key, server_url=server.url)
    stored = s.init_image.get_init_image_by_id(image_id).object.init_images_by_pk
    assert stored.id == image_id and stored.url
    got = as_json(run(server, "--json", "upload", str(image)))
    assert got["initImageId"] and got["initImageId"] != image_id


def test_upload_refuses_what_is_not_an_image_before_any_request(
    server: LocalLeonardo, tmp_path: Path
) -> None:
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    before = len(server.request_log)
    one_line_error(run(server, "upload", str(text)), "not a PNG, JPEG or WebP")
    assert len(server.request_log) == before


def test_generate_from_an_init_image(server: LocalLeonardo, image: Path, tmp_path: Path) -> None:
    made = as_json(
        run(
            server,
            "--json",
            "generate",
            "a fox, oil painting",
            "--init-image",
            str(image),
            "--init-strength",
            "0.4",
            "--out",
            str(tmp_path / "painted"),
        )
    )
    created = [r for r in server.request_log if r.route == "POST /generations"][-1].json()
    assert created["init_image_id"] and created["init_strength"] == 0.4
    assert len(made["files"]) >= 1 and all(Path(f).exists() for f in made["files"])


def test_upscale_waits_and_saves_a_larger_image(server: LocalLeonardo, tmp_path: Path) -> None:
    made = as_json(run(server, "--json", "generate", "a heron", "--out", str(tmp_path / "g")))
    image_id = made["generation"]["generated_images"][0]["id"]
    upscaled = as_json(run(server, "--json", "upscale", image_id, "--out", str(tmp_path / "up")))
    assert upscaled["variation"]["status"] == "COMPLETE"
    (saved,) = upscaled["files"]
    original = png_size(Path(made["files"][0]))
    assert png_size(Path(saved)) > original
    text = ok(run(server, "upscale", image_id))
    assert text.startswith("started upscale ")


def test_upscale_of_an_unknown_image_is_one_line(server: LocalLeonardo) -> None:
    one_line_error(run(server, "upscale", "no-such-image"), "400")


def test_models_lists_the_platform_models(server: LocalLeonardo) -> None:
    text = ok(run(server, "models"))
    default_model = "6bef9f1b-29cb-40c7-b9df-32b51c1f67d3"  # what create_generation sends
    assert default_model in text
    listed = as_json(run(server, "--json", "models"))
    assert any(m["id"] == default_model for m in listed) and all("name" in m for m in listed)


def batch_file(tmp_path: Path) -> Path:
    prompts = tmp_path / "prompts.txt"
    prompts.write_text(
        "a fox\n# a comment\n\na heron\n"
        '{"prompt": "a lighthouse", "num_images": 2, "width": 256, "height": 256}\n'
    )
    return prompts


def test_batch_runs_every_prompt_and_sums_up(server: LocalLeonardo, tmp_path: Path) -> None:
    report = as_json(
        run(server, "--json", "batch", str(batch_file(tmp_path)), "--out", str(tmp_path / "o"))
    )
    assert [r["prompt"] for r in report] == ["a fox", "a heron", "a lighthouse"]
    assert all(r["generationId"] and "error" not in r for r in report)
    assert len(report[2]["files"]) == 2 and all(Path(f).exists() for f in report[2]["files"])
    text = ok(run(server, "batch", str(batch_file(tmp_path)), "--concurrency", "2"))
    assert text.strip().splitlines()[-1].startswith("3 of 3 complete, 0 failed, ")


def test_batch_exits_1_when_a_job_failed(server: LocalLeonardo, tmp_path: Path) -> None:
    server.inject("POST /generations", status=400, times=1)
    result = run(server, "batch", str(batch_file(tmp_path)), "--concurrency", "1")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("failed") and lines[-1].startswith("2 of 3 complete, 1 failed")


def test_batch_refuses_a_bad_line_before_any_request(server: LocalLeonardo, tmp_path: Path) -> None:
    prompts = tmp_path / "prompts.txt"
    prompts.write_text('a fox\n{"prompt": 5}\n')
    before = len(server.request_log)
    one_line_error(run(server, "batch", str(prompts)), "prompts.txt:2")
    assert len(server.request_log) == before


def test_batch_shows_a_progress_bar_on_a_terminal(server: LocalLeonardo, tmp_path: Path) -> None:
    from .test_cli import LEONARDO, _run_with_terminal_stderr

    terminal = _run_with_terminal_stderr(
        [LEONARDO, "batch", str(batch_file(tmp_path)), "--server-url", server.url],
        {**os.environ, "LEONARDO_API_KEY": server.api_key},
    )
    assert "0/3 [" in terminal and "job/s" in terminal  # tqdm's counter and unit
    assert " ok]" in terminal  # a job ended: the bar moved on
    assert terminal.endswith("\r")  # cleared at the end (leave=False)
