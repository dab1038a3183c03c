"""The async client's workflows and documented examples, against real servers on 127.0.0.1:
seed 001's nine examples with ``await`` added, waits, create-and-wait, batches, pages,
uploads and downloads. Warnings are errors (unclosed clients, never-awaited coroutines)."""

from __future__ import annotations

import asyncio
import re
import textwrap
import time
from pathlib import Path
from typing import Any, Dict, List

import pytest

from leonardoaisdk import AsyncLeonardoAiSDK, errors
from leonardoaisdk.models import operations
from leonardoaisdk.testing import LocalLeonardo
from leonardoaisdk.testing._png import render_png

from .fake_api import ROUTES
from .test_async_client import Recorder, recorder, run
from .test_seed_examples import SEED_001

pytestmark = pytest.mark.filterwarnings("error")
__all__ = ["recorder"]  # the fixture, imported to be shared

QUICK = {"timeout": 15.0, "poll_interval": 0.05}


def awaited(example: str) -> str:
    """A seed example as an async user writes it: the async client, each call awaited, inside
    a coroutine that hands back ``res`` and the client (which the test closes, as a service
    does when it shuts down); nothing else changes."""
    code = example.replace("leonardoaisdk.LeonardoAiSDK(", "leonardoaisdk.AsyncLeonardoAiSDK(")
    code = re.sub(r"^res = s\.", "res = await s.", code, flags=re.MULTILINE)
    return "async def example():\n" + textwrap.indent(code, "    ") + "    return res, s\n"


def spec_route(path: str) -> Any:
    """The sample body of the spec operation whose route ``path`` matches."""
    bare = path.split("?", 1)[0].removeprefix("/api/rest/v1")
    for _, pattern, body in ROUTES:
        if re.fullmatch(pattern, bare):
            return body
    raise AssertionError(f"no route for {path}")


@pytest.mark.parametrize(("line", "code"), SEED_001, ids=[f"line-{n}" for n, _ in SEED_001])
def test_seed_001_example_runs_with_the_async_client_and_await(
    line: int, code: str, recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEONARDO_SERVER_URL", recorder.url)
    recorder.reply = spec_route
    namespace: Dict[str, Any] = {}
    exec(compile(awaited(code), f"seed-001:{line}", "exec"), namespace)

    async def example() -> Any:
        res, s = await namespace["example"]()
        await s.aclose()
        return res

    res = run(example)
    assert len(recorder.seen) == 1
    assert recorder.seen[0].headers["authorization"] == "Bearer <YOUR_BEARER_TOKEN_HERE>"
    assert res.status_code == 200 and res.object is not None


def test_an_example_with_await_added_is_not_the_same_text() -> None:
    # The transformation did something to every example: each has one awaited call.
    for _, code in SEED_001:
        assert awaited(code).count("await s.") == 1
        assert "AsyncLeonardoAiSDK(" in awaited(code)


# --- the workflows against LocalLeonardo ------------------------------------------------------


def against(server: LocalLeonardo, **kwargs: Any) -> AsyncLeonardoAiSDK:
    return AsyncLeonardoAiSDK(bearer_auth=server.api_key, server_url=server.url, **kwargs)


def test_create_and_wait_then_download_and_page(tmp_path: Path) -> None:
    with LocalLeonardo(complete_after=0.2) as server:

        async def scenario() -> Any:
            async with against(server) as s:
                request = operations.CreateGenerationRequestBody(prompt="a fox", num_images=2)
                generation = await s.generation.create_and_wait(request, **QUICK)
                paths = await s.generation.download_images(generation.id, tmp_path)
                me = (await s.user.get_user_self()).object.user_details[0].user.id
                listed = [g.id async for g in s.generation.iter_generations_by_user_id(me)]
                return generation, paths, listed

        generation, paths, listed = run(scenario, 60)
        creates = [e for e in server.request_log if e.method == "POST"]
        downloads = [e for e in server.request_log if e.path.startswith("/cdn/")]
    assert generation.status == "COMPLETE"
    assert [p.name for p in paths] == [f"{generation.id}-{n}.png" for n in range(2)]
    assert all(p.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") for p in paths)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)
    assert listed == [generation.id]
    assert len(creates) == 1 and len(downloads) == 2


def test_a_pending_generation_is_not_downloaded(tmp_path: Path) -> None:
    with LocalLeonardo(complete_after=60) as server:

        async def scenario() -> Any:
            async with against(server) as s:
                created = await s.generation.create_generation(
                    operations.CreateGenerationRequestBody(prompt="slow")
                )
                generation_id = created.object.sd_generation_job.generation_id
                return await s.generation.download_images(generation_id, tmp_path)

        with pytest.raises(errors.SDKError, match="wait"):
            run(scenario)
    assert list(tmp_path.iterdir()) == []


def test_a_wait_ends_at_its_timeout_and_calls_an_async_on_progress() -> None:
    seen: List[str] = []

    async def on_progress(state: Any) -> None:
        await asyncio.sleep(0)
        seen.append(state.status)

    with LocalLeonardo(complete_after=60) as server:

        async def scenario() -> Any:
            async with against(server) as s:
                created = await s.generation.create_generation(
                    operations.CreateGenerationRequestBody(prompt="slow")
                )
                generation_id = created.object.sd_generation_job.generation_id
                return await s.generation.wait_for_generation(
                    generation_id, timeout=1.0, poll_interval=0.2, on_progress=on_progress
                )

        started = time.monotonic()
        with pytest.raises(errors.WaitTimeoutError) as caught:
            run(scenario)
        took = time.monotonic() - started
    assert took < 1.8
    assert 3 <= len(seen) <= 7 and set(seen) == {"PENDING"}
    assert caught.value.last_state.status == "PENDING"


def test_cancelling_a_wait_stops_polling_at_once() -> None:
    with LocalLeonardo(complete_after=60) as server:

        async def scenario() -> float:
            async with against(server) as s:
                created = await s.generation.create_generation(
                    operations.CreateGenerationRequestBody(prompt="slow")
                )
                generation_id = created.object.sd_generation_job.generation_id
                task = asyncio.ensure_future(
                    s.generation.wait_for_generation(generation_id, poll_interval=0.1)
                )
                await asyncio.sleep(0.35)
                task.cancel()
                started = time.monotonic()
                with pytest.raises(asyncio.CancelledError):
                    await task
                return time.monotonic() - started

        took = run(scenario)
        time.sleep(0.3)  # a poll already on its way when the task was cancelled lands now
        polls = sum(1 for e in server.request_log if e.method == "GET")
        time.sleep(0.6)  # a wait still polling every 0.1 s would poll 6 times more
        assert sum(1 for e in server.request_log if e.method == "GET") == polls
    assert took < 0.5
    assert 2 <= polls <= 6


def test_generate_many_runs_the_batch_in_order_within_the_accounts_slots() -> None:
    with LocalLeonardo(complete_after=0.3, concurrency_limit=3) as server:
        done: List[int] = []

        async def scenario() -> Any:
            async with against(server) as s:
                requests = [
                    operations.CreateGenerationRequestBody(prompt=f"p{i}") for i in range(7)
                ]
                return await s.generation.generate_many(
                    requests, timeout=30, on_progress=lambda n, total, result: done.append(n)
                )

        results = run(scenario, 60)
        creates = [e for e in server.request_log if e.method == "POST"]
    assert [r.request.prompt for r in results] == [f"p{i}" for i in range(7)]
    assert all(r.ok for r in results), results
    assert len(creates) == 7  # no 429 from the server: never more than 3 in flight
    assert done == list(range(1, 8))


def test_the_embedded_display_holds_the_images_the_server_serves() -> None:
    import base64
    import re as regex

    with LocalLeonardo(complete_after=0.05) as server:

        async def scenario() -> Any:
            async with against(server) as s:
                request = operations.CreateGenerationRequestBody(prompt="a owl", num_images=2)
                generation = await s.generation.create_and_wait(request, **QUICK)
                shown = await s.generation.display(generation.id, embed=True)
                return generation, shown

        generation, shown = run(scenario)
        import requests

        served = [requests.get(i.url, timeout=10).content for i in generation.generated_images]
    inlined = regex.findall(r'src="data:image/png;base64,([^"]+)"', shown.html)
    assert [base64.b64decode(data) for data in inlined] == served
    assert (shown.embedded, shown.linked, shown.failed) == (2, 0, 0)


def test_uploads_and_the_model_and_variation_waits() -> None:
    with LocalLeonardo(complete_after=0.1) as server:

        async def scenario() -> Any:
            async with against(server) as s:
                init_id = await s.init_image.upload(render_png(64, 64, "init"))
                dataset = await s.dataset.create_dataset(
                    operations.CreateDatasetRequestBody(name="cats")
                )
                dataset_id = dataset.object.insert_datasets_one.id
                image_id = await s.dataset.upload_image(dataset_id, render_png(96, 96, "tom"))
                asset_id = await s.model.upload_3d_model(
                    b"o chair\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n", extension="obj"
                )
                return init_id, image_id, asset_id

        init_id, image_id, asset_id = run(scenario, 60)
        routes = [e.route for e in server.request_log if e.method == "POST"]
    assert all(isinstance(i, str) and i for i in (init_id, image_id, asset_id))
    # Each upload: the slot from the API, then the file to the slot's presigned URL.
    assert routes[0] == "POST /init-image" and routes[2] == "POST /datasets", routes
    assert routes[3] == "POST /datasets/{datasetId}/upload"
    assert routes[5] == "POST /models-3d/upload"
    assert routes[1] == routes[4] == routes[6] == "POST /uploads"
    assert len(routes) == 7


def test_the_async_twins_are_coroutine_functions_with_the_sync_signatures() -> None:
    import inspect

    import leonardoaisdk

    sync = leonardoaisdk.LeonardoAiSDK(bearer_auth="k" * 8)
    s = AsyncLeonardoAiSDK(bearer_auth="k" * 8)
    missing = []
    for name in ("dataset", "element", "generation", "init_image", "model", "user", "variation"):
        for method_name, method in inspect.getmembers(type(getattr(sync, name))):
            if method_name.startswith("_") or not callable(method):
                continue
            twin = getattr(type(getattr(s, name)), method_name, None)
            if twin is None:
                missing.append(f"{name}.{method_name}")
                continue
            sync_signature = inspect.signature(method)
            twin_signature = inspect.signature(twin)
            assert list(twin_signature.parameters) == list(sync_signature.parameters), method_name
            if method_name.startswith("iter_"):
                assert not inspect.iscoroutinefunction(twin)
            else:
                assert inspect.iscoroutinefunction(twin), method_name
    assert missing == []
    run(s.aclose)


def test_a_download_redirected_to_a_link_local_host_is_refused_and_saves_nothing(
    tmp_path: Path,
) -> None:
    from . import payloads
    from .hostile_servers import Connection, RawServer

    def redirecting(conn: Connection) -> None:
        conn.read_request()
        conn.send(
            b"HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/latest/meta-data\r\n"
            b"Content-Length: 0\r\n\r\n"
        )

    with RawServer(redirecting) as server:
        body = payloads.generation(images=1, variations=False)
        base = server.url.split("/api/")[0]
        body["generated_images"][0]["url"] = f"{base}/cdn/a.png"
        generation = operations.GetGenerationByIDGenerations.from_dict(body)

        async def scenario() -> Any:
            async with AsyncLeonardoAiSDK(bearer_auth="k" * 8, server_url=server.url) as s:
                return await s.generation.download_images(generation, tmp_path)

        with pytest.raises(errors.ResponseValidationError, match=r"169\.254"):
            run(scenario)
        assert server.count("GET") == 1  # the redirect was not followed
    assert list(tmp_path.iterdir()) == []
