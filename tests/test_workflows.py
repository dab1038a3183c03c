"""wait_for_generation, iter_generations_by_user_id and download_images against LocalLeonardo."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import statistics
import struct
import time
from pathlib import Path
from typing import Any, Iterator, List

import pytest
import requests

import leonardoaisdk
from leonardoaisdk import errors
from leonardoaisdk.models import operations, shared
from leonardoaisdk.testing import LocalLeonardo

GET_BY_ID = "GET /generations/{id}"
CDN = "GET /cdn/generations/{id}/{file}"


pytestmark = pytest.mark.leonardo(complete_after=0.6)  # options of the `server` fixture


def make_sdk(server: LocalLeonardo, **options: Any) -> leonardoaisdk.LeonardoAiSDK:
    return leonardoaisdk.LeonardoAiSDK(bearer_auth=server.api_key, server_url=server.url, **options)


@pytest.fixture
def sdk(server: LocalLeonardo) -> leonardoaisdk.LeonardoAiSDK:
    return make_sdk(server)


def start(sdk: leonardoaisdk.LeonardoAiSDK, **fields: Any) -> str:
    request = operations.CreateGenerationRequestBody(
        **{"prompt": "a fox", "num_images": 2, **fields}
    )
    generation_id: str = sdk.generation.create_generation(
        request
    ).object.sd_generation_job.generation_id
    return generation_id


def poll_times(server: LocalLeonardo) -> List[float]:
    return [r.time for r in server.request_log if r.route == GET_BY_ID]


# --- wait_for_generation -----------------------------------------------------------------------


def test_wait_returns_the_complete_generation_and_reports_progress(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK
) -> None:
    generation_id = start(sdk)
    seen: List[str] = []
    generation = sdk.generation.wait_for_generation(
        generation_id, poll_interval=0.1, on_progress=lambda g: seen.append(str(g.status))
    )
    assert isinstance(generation, operations.GetGenerationByIDGenerations)
    assert generation.status is shared.JobStatus.COMPLETE and len(generation.generated_images) == 2
    assert seen[-1] == "COMPLETE" and set(seen[:-1]) == {"PENDING"} and len(seen) >= 2


def test_wait_polls_at_a_steady_cadence_and_never_busy_loops(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK
) -> None:
    generation_id = start(sdk)
    server.clear_log()
    sdk.generation.wait_for_generation(generation_id, poll_interval=0.05)
    times = poll_times(server)
    gaps = [b - a for a, b in zip(times, times[1:])]
    # 0.6 s of PENDING polled every 0.05 s: about 12 polls, each gap one interval, not a spin
    # and not a growing backoff (x1.5 from 0.05 s would make 5 polls, its last gap 0.25 s).
    assert 7 <= len(times) <= 16
    # Polls are anchored to a fixed cadence, so one that arrived late is followed by a shorter
    # gap; a spin would show gaps of a millisecond, again and again.
    assert sorted(gaps)[1] >= 0.02
    assert 0.045 <= statistics.median(gaps) <= 0.08


def test_wait_polls_less_often_while_the_api_fails(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK
) -> None:
    generation_id = start(sdk)
    server.inject("GET /generations/{id}", status=503, times=20)
    server.clear_log()
    quick = leonardoaisdk.LeonardoAiSDK(
        bearer_auth=server.api_key, server_url=server.url, retry_config="none"
    )
    with pytest.raises(errors.WaitTimeoutError):
        quick.generation.wait_for_generation(generation_id, poll_interval=0.05, timeout=1.0)
    times = poll_times(server)
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert 3 <= len(times) <= 7  # 0.05, 0.1, 0.2, 0.4 ... rather than 20 polls
    assert gaps[-1] > gaps[0] * 3
    for bad in (0, -1, float("nan")):
        with pytest.raises(errors.RequestValidationError, match="poll_interval"):
            sdk.generation.wait_for_generation(generation_id, poll_interval=bad)


def test_wait_raises_generation_failed_with_the_generation(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK
) -> None:
    generation_id = start(sdk)
    server.fail(generation_id)
    with pytest.raises(errors.GenerationFailedError) as caught:
        sdk.generation.wait_for_generation(generation_id, poll_interval=0.05)
    assert caught.value.generation.id == generation_id
    assert caught.value.generation.status is shared.JobStatus.FAILED


def test_wait_times_out_with_the_last_state(server: LocalLeonardo) -> None:
    with LocalLeonardo(complete_after=60) as slow:
        sdk = make_sdk(slow)
        generation_id = start(sdk)
        started = time.monotonic()
        with pytest.raises(errors.WaitTimeoutError) as caught:
            sdk.generation.wait_for_generation(generation_id, timeout=0.5, poll_interval=0.1)
        assert 0.5 <= time.monotonic() - started < 1.0
    assert caught.value.last_state.status is shared.JobStatus.PENDING
    assert "still PENDING after 0.5 s" in str(caught.value)


def test_wait_honours_retry_after_on_429(server: LocalLeonardo) -> None:
    sdk = make_sdk(server, retry_config="none")  # so each 429 reaches the wait loop itself
    generation_id = start(sdk)
    server.inject(GET_BY_ID, times=2, status=429, retry_after=0.4)
    server.clear_log()
    sdk.generation.wait_for_generation(generation_id, poll_interval=0.05)
    times = poll_times(server)
    assert times[1] - times[0] >= 0.38 and times[2] - times[1] >= 0.38


def test_wait_rides_out_server_errors_but_not_a_missing_generation(
    server: LocalLeonardo,
) -> None:
    sdk = make_sdk(server, retry_config="none")
    generation_id = start(sdk)
    server.inject(GET_BY_ID, times=3, status=503)
    assert sdk.generation.wait_for_generation(generation_id, poll_interval=0.05).id == generation_id
    with pytest.raises(errors.NotFoundError):
        sdk.generation.wait_for_generation("no-such-generation", poll_interval=0.05)


def test_wait_for_texture_generation(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK
) -> None:
    created = sdk.generation.post_generations_texture(
        operations.PostGenerationsTextureRequestBody(
            model_asset_id=server.add_model_asset(), prompt="bark"
        )
    )
    texture = sdk.generation.wait_for_texture_generation(
        created.object.texture_generation_job.id, poll_interval=0.05
    )
    assert (
        texture.status is shared.JobStatus.COMPLETE and len(texture.model_asset_texture_images) == 4
    )


# --- iter_generations_by_user_id ---------------------------------------------------------------


def test_iterates_every_page_lazily_and_stops_at_the_end(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK
) -> None:
    ids = [start(sdk, prompt=f"p{n}") for n in range(7)]
    server.clear_log()
    iterator = sdk.generation.iter_generations_by_user_id(server.user_id, page_size=3)
    assert server.request_log == []  # nothing is fetched until asked
    first = next(iterator)
    assert first.id == ids[-1] and len(server.request_log) == 1
    rest = list(iterator)
    assert [g.id for g in [first, *rest]] == ids[::-1]
    assert [r.query for r in server.request_log] == [
        {"limit": "3", "offset": "0"},
        {"limit": "3", "offset": "3"},
        {"limit": "3", "offset": "6"},
    ]


def test_an_exact_multiple_of_the_page_size_ends_with_an_empty_page(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK
) -> None:
    for n in range(4):
        start(sdk, prompt=f"p{n}")
    assert len(list(sdk.generation.iter_generations_by_user_id(server.user_id, page_size=2))) == 4
    assert sum(1 for r in server.request_log if r.route == "GET /generations/user/{userId}") == 3


def test_generations_created_while_iterating_cause_no_duplicates(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK
) -> None:
    original = [start(sdk, prompt=f"p{n}") for n in range(6)]
    seen = []
    for generation in sdk.generation.iter_generations_by_user_id(server.user_id, page_size=2):
        seen.append(generation.id)
        if len(seen) == 2:  # two newer ones push every later page back by two
            start(sdk, prompt="newer 1")
            start(sdk, prompt="newer 2")
    assert len(seen) == len(set(seen))
    assert set(original) <= set(seen)


def test_page_size_must_be_positive(sdk: leonardoaisdk.LeonardoAiSDK) -> None:
    with pytest.raises(errors.RequestValidationError):
        list(sdk.generation.iter_generations_by_user_id("u", page_size=0))


# --- download_images ---------------------------------------------------------------------------


def png_size(path: Path) -> Any:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_download_by_id_and_by_object_with_stable_names(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK, tmp_path: Path
) -> None:
    generation_id = start(sdk, width=320, height=256)
    generation = sdk.generation.wait_for_generation(generation_id, poll_interval=0.05)
    by_id = sdk.generation.download_images(generation_id, tmp_path / "new" / "folder")
    assert [p.name for p in by_id] == [f"{generation_id}-0.png", f"{generation_id}-1.png"]
    assert all(png_size(p) == (320, 256) for p in by_id)
    again = sdk.generation.download_images(generation, tmp_path / "new" / "folder")
    assert again == by_id
    assert sorted(os.listdir(tmp_path / "new" / "folder")) == sorted(p.name for p in by_id)
    umask = os.umask(0)
    os.umask(umask)
    assert by_id[0].stat().st_mode & 0o777 == 0o666 & ~umask


def test_downloads_never_carry_the_api_key(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK, tmp_path: Path
) -> None:
    generation_id = start(sdk)
    sdk.generation.wait_for_generation(generation_id, poll_interval=0.05)
    sdk.generation.download_images(generation_id, tmp_path)
    image_requests = [r for r in server.request_log if r.route == CDN]
    assert len(image_requests) == 2
    assert all("authorization" not in r.headers for r in image_requests)


def test_an_interrupted_download_leaves_no_partial_file(
    server: LocalLeonardo,
    sdk: leonardoaisdk.LeonardoAiSDK,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    generation_id = start(sdk)
    generation = sdk.generation.wait_for_generation(generation_id, poll_interval=0.05)
    server.inject(CDN, times=100, truncate=True)  # every attempt of every image is cut short
    with pytest.raises(errors.APIConnectionError):
        sdk.generation.download_images(generation, tmp_path)
    assert os.listdir(tmp_path) == []
    server.clear_faults()

    original = requests.Response.iter_content

    def interrupted(self: requests.Response, *args: Any, **kwargs: Any) -> Iterator[bytes]:
        chunks = original(self, 1024)
        yield next(chunks)
        raise KeyboardInterrupt

    monkeypatch.setattr(requests.Response, "iter_content", interrupted)
    with pytest.raises(KeyboardInterrupt):
        sdk.generation.download_images(generation, tmp_path)
    assert os.listdir(tmp_path) == []


def test_a_cut_download_is_retried(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK, tmp_path: Path
) -> None:
    generation_id = start(sdk, num_images=1)
    generation = sdk.generation.wait_for_generation(generation_id, poll_interval=0.05)
    server.inject(CDN, truncate=True)
    (path,) = sdk.generation.download_images(generation, tmp_path)
    assert png_size(path) == (512, 512) and os.listdir(tmp_path) == [path.name]


def test_file_names_are_safe_whatever_the_ids_and_urls(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK, tmp_path: Path
) -> None:
    generation = sdk.generation.wait_for_generation(start(sdk, num_images=1), poll_interval=0.05)
    hostile = dataclasses.replace(generation, id="../../../tmp/evil")
    target = tmp_path / "out"
    (path,) = sdk.generation.download_images(hostile, target)
    # Sanitizing changed the id, so the name carries a hash of it: no other id shares the file.
    digest = hashlib.sha256(b"../../../tmp/evil").hexdigest()[:8]
    assert path.parent == target and path.name == f"tmp_evil~{digest}-0.png"
    bad_url = dataclasses.replace(
        generation,
        generated_images=[
            dataclasses.replace(generation.generated_images[0], url="file:///etc/passwd")
        ],
    )
    with pytest.raises(errors.ResponseValidationError, match="not an http"):
        sdk.generation.download_images(bad_url, target)


def test_motion_generations_download_their_video(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK, tmp_path: Path
) -> None:
    source = sdk.generation.wait_for_generation(start(sdk, num_images=1), poll_interval=0.05)
    motion = sdk.generation.post_generations_motion_svd(
        operations.PostGenerationsMotionSvdRequestBody(image_id=source.generated_images[0].id)
    )
    motion_id = motion.object.sd_generation_job.generation_id
    server.complete(motion_id)
    paths = sdk.generation.download_images(motion_id, tmp_path)
    assert [p.name for p in paths] == [f"{motion_id}-0.png", f"{motion_id}-0-motion.mp4"]
    assert paths[1].read_bytes()[4:8] == b"ftyp"


def test_a_pending_generation_cannot_be_downloaded(
    sdk: leonardoaisdk.LeonardoAiSDK, tmp_path: Path
) -> None:
    generation_id = start(sdk)
    with pytest.raises(errors.RequestValidationError, match="PENDING: wait_for_generation"):
        sdk.generation.download_images(generation_id, tmp_path)
    with pytest.raises(errors.NotFoundError):
        sdk.generation.download_images("no-such-generation", tmp_path)


def test_a_folder_that_cannot_be_written_is_an_sdk_error(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK, tmp_path: Path
) -> None:
    generation = sdk.generation.wait_for_generation(start(sdk, num_images=1), poll_interval=0.05)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(errors.SDKError, match="cannot save images"):
        sdk.generation.download_images(generation, blocker / "inside")
