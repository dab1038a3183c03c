"""The SDK through real HTTP to LocalLeonardo: every operation, end to end.

Uses the ``leonardo_server`` / ``leonardo_sdk`` fixtures the package registers as a pytest
plugin, exactly as a user's suite would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import requests

import leonardoaisdk
from leonardoaisdk import errors
from leonardoaisdk.models import operations, shared
from leonardoaisdk.testing import LocalLeonardo

ROOT = Path(__file__).parents[1]


def test_image_generation_lifecycle(
    leonardo_server: LocalLeonardo, leonardo_sdk: leonardoaisdk.LeonardoAiSDK
) -> None:
    s = leonardo_sdk
    me = s.user.get_user_self().object.user_details[0].user
    assert me.id == leonardo_server.user_id

    created = s.generation.create_generation(
        operations.CreateGenerationRequestBody(
            prompt="a red bicycle", num_images=2, width=320, height=240, seed=5
        )
    )
    job = created.object.sd_generation_job
    assert job.api_credit_cost > 0

    pending = s.generation.get_generation_by_id(job.generation_id).object.generations_by_pk
    assert pending.status is shared.JobStatus.PENDING and pending.generated_images == []
    leonardo_server.complete(job.generation_id)
    done = s.generation.get_generation_by_id(job.generation_id).object.generations_by_pk
    assert done.status is shared.JobStatus.COMPLETE
    assert (done.prompt, done.image_width, done.image_height, done.seed) == (
        "a red bicycle",
        320,
        240,
        5,
    )
    assert len(done.generated_images) == 2
    assert requests.get(done.generated_images[0].url, timeout=10).content.startswith(b"\x89PNG")

    listed = s.generation.get_generations_by_user_id(user_id=me.id, limit=10, offset=0)
    assert [g.id for g in listed.object.generations] == [job.generation_id]

    deleted = s.generation.delete_generation_by_id(id=job.generation_id)
    assert deleted.object.delete_generations_by_pk.id == job.generation_id
    with pytest.raises(errors.NotFoundError) as caught:
        s.generation.get_generation_by_id(job.generation_id)
    assert caught.value.code == "not-found" and caught.value.path == "$"


def test_pending_turns_complete_by_itself(leonardo_sdk: leonardoaisdk.LeonardoAiSDK) -> None:
    job = leonardo_sdk.generation.create_generation(
        operations.CreateGenerationRequestBody()
    ).object.sd_generation_job
    time.sleep(0.15)  # the fixture's server completes jobs after 0.1 s
    generation = leonardo_sdk.generation.get_generation_by_id(
        job.generation_id
    ).object.generations_by_pk
    assert generation.status is shared.JobStatus.COMPLETE and len(generation.generated_images) == 4


def test_texture_operations(
    leonardo_server: LocalLeonardo, leonardo_sdk: leonardoaisdk.LeonardoAiSDK
) -> None:
    s = leonardo_sdk
    asset = leonardo_server.add_model_asset()  # texture jobs need an uploaded 3D model
    created = s.generation.post_generations_texture(
        operations.PostGenerationsTextureRequestBody(
            model_asset_id=asset, prompt="mossy stone", seed=11
        )
    )
    texture_id = created.object.texture_generation_job.id
    leonardo_server.complete(texture_id)

    got = s.generation.get_generations_texture_id_(id=texture_id)
    texture = got.object.model_asset_texture_generations_by_pk
    assert texture.status is shared.JobStatus.COMPLETE and texture.prompt == "mossy stone"
    assert texture.model_asset_texture_images[0].type is shared.ModelAssetTextureTypes.ALBEDO

    listed = s.generation.get_generations_texture_model_model_id_(
        model_id=asset,
        request_body=operations.GetGenerationsTextureModelModelIDRequestBody(),
        limit=5,
    )
    assert [t.id for t in listed.object.model_asset_texture_generations] == [texture_id]

    deleted = s.generation.delete_generations_texture_id_(
        id=texture_id, request_body=operations.DeleteGenerationsTextureIDRequestBody(id=texture_id)
    )
    assert deleted.object.delete_model_asset_texture_generations_by_pk.id == texture_id
    assert leonardo_server.request_log[-1].json() == {"id": texture_id}
    with pytest.raises(errors.NotFoundError):
        s.generation.get_generations_texture_id_(id=texture_id)


def test_motion_operation(
    leonardo_server: LocalLeonardo, leonardo_sdk: leonardoaisdk.LeonardoAiSDK
) -> None:
    s = leonardo_sdk
    source = s.generation.create_generation(operations.CreateGenerationRequestBody(num_images=1))
    source_id = source.object.sd_generation_job.generation_id
    leonardo_server.complete(source_id)
    image_id = (
        s.generation.get_generation_by_id(source_id).object.generations_by_pk.generated_images[0].id
    )

    motion = s.generation.post_generations_motion_svd(
        operations.PostGenerationsMotionSvdRequestBody(image_id=image_id, motion_strength=3)
    )
    motion_id = motion.object.sd_generation_job.generation_id
    leonardo_server.complete(motion_id)
    frame = s.generation.get_generation_by_id(motion_id).object.generations_by_pk.generated_images[
        0
    ]
    assert frame.motion is True and frame.motion_strength == 3
    assert frame.motion_mp4_url is not None and frame.motion_mp4_url.endswith(".mp4")


def test_server_validation_surfaces_as_bad_request_error(
    leonardo_sdk: leonardoaisdk.LeonardoAiSDK,
) -> None:
    with pytest.raises(errors.BadRequestError) as caught:
        leonardo_sdk.generation.create_generation(
            operations.CreateGenerationRequestBody(width=1004)
        )
    assert caught.value.status_code == 400 and caught.value.path == "$.width"
    assert "multiple of 8" in str(caught.value)


def test_wrong_key_is_an_authentication_error(leonardo_server: LocalLeonardo) -> None:
    s = leonardoaisdk.LeonardoAiSDK(bearer_auth="not-the-key", server_url=leonardo_server.url)
    with pytest.raises(errors.AuthenticationError) as caught:
        s.user.get_user_self()
    assert "not-the-key" not in str(caught.value) and caught.value.code == "invalid-jwt"


@pytest.mark.leonardo(complete_after=30, user_id="fixed-user")
def test_marker_configures_the_fixture_server(
    leonardo_server: LocalLeonardo, leonardo_sdk: leonardoaisdk.LeonardoAiSDK
) -> None:
    assert leonardo_server.user_id == "fixed-user"
    job = leonardo_sdk.generation.create_generation(
        operations.CreateGenerationRequestBody()
    ).object.sd_generation_job
    time.sleep(0.2)
    assert (
        leonardo_sdk.generation.get_generation_by_id(
            job.generation_id
        ).object.generations_by_pk.status
        == "PENDING"
    )


def test_the_fixtures_reach_a_users_own_test_suite(tmp_path: Path) -> None:
    (tmp_path / "test_user_code.py").write_text(
        textwrap.dedent(
            """
            from leonardoaisdk.models import operations

            def test_uses_fixtures(leonardo_server, leonardo_sdk):
                req = operations.CreateGenerationRequestBody()
                res = leonardo_sdk.generation.create_generation(req)
                assert res.object.sd_generation_job.generation_id
                assert [r.path for r in leonardo_server.request_log] == ["/generations"]
            """
        )
    )
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout


def test_module_command_serves_until_interrupted() -> None:
    from tests.test_serve import MODULE, exports, first_lines, start, stop

    # SIGINT explicitly ignored on entry (as a background job of a script gets it), so that
    # the test does not depend on what the test runner inherited.
    process = start(MODULE, "--api-key", "cli-key", "--complete-after", "0", sigint="SIG_IGN")
    try:
        lines = first_lines(process, 4)
        found = exports(lines[:2])
        url = found["LEONARDO_SERVER_URL"]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/api/rest/v1")
        assert found["LEONARDO_API_KEY"] == "cli-key"
        user_id = lines[3].split(": ", 1)[1].strip()
        s = leonardoaisdk.LeonardoAiSDK(bearer_auth="cli-key", server_url=url)
        assert s.user.get_user_self().object.user_details[0].user.id == user_id
        status, out, err = stop(process, signal.SIGINT)
        assert (status, err, out.splitlines()[-1]) == (0, "", "stopped")
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)


def test_quickstart_runs_against_the_local_server_without_a_key(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "LEONARDO_API_KEY"}
    run = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "quickstart.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Using the local server" in run.stdout and "Deleted generation" in run.stdout
    saved = sorted(tmp_path.glob("*.png"))
    assert len(saved) == 2 and all(p.read_bytes().startswith(b"\x89PNG") for p in saved)
