"""The webhook examples end to end: each app on a real loopback server, LocalLeonardo's webhook
pointed at it, a generation made through LeonardoAiSDK, and the typed event handed on."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, ContextManager, Dict, Iterator, List

import pytest
import requests

import leonardoaisdk
from leonardoaisdk.models import operations
from leonardoaisdk.models.shared import JobStatus
from leonardoaisdk.testing import LocalLeonardo, WebhookDelivery
from leonardoaisdk.webhooks import MAX_EVENT_BYTES, WebhookEvent, WebhookEventType

ROOT = Path(__file__).parents[1]
KEY = "whk-example-5a9c0e"
WAIT = 15.0
ROUTE = "/leonardo/webhook"


def load_example(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        f"example_{name}", ROOT / "examples" / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextlib.contextmanager
def serve_fastapi(app: Any) -> Iterator[str]:
    import uvicorn

    listener = socket.create_server(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + WAIT
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
            time.sleep(0.02)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(WAIT)
        listener.close()
        assert not thread.is_alive()


@contextlib.contextmanager
def serve_flask(app: Any) -> Iterator[str]:
    from werkzeug.serving import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log(self, *args: Any) -> None:
            pass

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(WAIT)
        assert not thread.is_alive()


SERVERS: Dict[str, Callable[[Any], ContextManager[str]]] = {
    "webhook_fastapi": serve_fastapi,
    "webhook_flask": serve_flask,
}
EXAMPLES = sorted(SERVERS)


def create(server: LocalLeonardo, **fields: Any) -> str:
    """A generation made through the SDK, as the user's code would: its id."""
    sdk = leonardoaisdk.LeonardoAiSDK(bearer_auth=server.api_key, server_url=server.url)
    job = sdk.generation.create_generation(operations.CreateGenerationRequestBody(**fields)).object
    assert job is not None
    return job.sd_generation_job.generation_id


def final(server: LocalLeonardo, generation_id: str) -> List[WebhookDelivery]:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        records = [d for d in server.webhook_deliveries if d.generation_id == generation_id]
        if records and not records[-1].will_retry:
            return records
        time.sleep(0.02)
    raise AssertionError("no final delivery")


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_example_route_receives_the_typed_event_and_hands_it_on(name: str) -> None:
    example = load_example(name)
    # Nothing consumes the queue: the route must answer without waiting for its consumer.
    events: queue.Queue[WebhookEvent] = queue.Queue()
    with (
        SERVERS[name](example.create_app(KEY, events)) as origin,
        LocalLeonardo(complete_after=0.2, webhook_url=origin + ROUTE, webhook_key=KEY) as server,
    ):
        generation_id = create(server, prompt="a lighthouse", num_images=3)

        event = events.get(timeout=WAIT)
        assert isinstance(event, WebhookEvent)
        assert event.type is WebhookEventType.IMAGE_GENERATION_COMPLETE
        assert event.generation is not None and event.generation.id == generation_id
        assert event.generation.status is JobStatus.COMPLETE
        assert event.generation.images is not None and len(event.generation.images) == 3
        assert all(i.url and i.url.startswith(server.origin) for i in event.generation.images)

        (delivery,) = final(server, generation_id)
        assert delivery.status == 204 and delivery.elapsed < 2


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_example_route_refuses_what_is_not_a_leonardo_event(name: str) -> None:
    example = load_example(name)
    events: queue.Queue[WebhookEvent] = queue.Queue()
    with SERVERS[name](example.create_app(KEY, events)) as origin:
        with LocalLeonardo(
            complete_after=0, webhook_url=origin + ROUTE, webhook_key="whk-someone-else"
        ) as server:
            (delivery,) = final(server, create(server, prompt="x"))
            assert (delivery.status, delivery.will_retry) == (401, False)

        url = origin + ROUTE
        auth = {"Authorization": f"Bearer {KEY}"}
        missing = requests.post(url, data=b"{}", timeout=WAIT)
        assert missing.status_code == 401 and "no Authorization header" in missing.text
        wrong = requests.post(url, data=b"{}", headers={"Authorization": "Bearer no"}, timeout=WAIT)
        assert wrong.status_code == 401 and KEY not in wrong.text
        broken = requests.post(url, data=b"{nope", headers=auth, timeout=WAIT)
        assert broken.status_code == 400 and "not JSON" in broken.text
        array = requests.post(url, data=b"[]", headers=auth, timeout=WAIT)
        assert array.status_code == 400
        huge = requests.post(url, data=b" " * (MAX_EVENT_BYTES + 1), headers=auth, timeout=WAIT)
        assert huge.status_code == 413
        assert events.qsize() == 0


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_example_runs_as_a_script_and_its_worker_handles_the_event(name: str) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(os.environ, LEONARDO_WEBHOOK_KEY=KEY, PORT=str(port), PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "examples" / f"{name}.py")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(
        target=lambda: [lines.put(line) for line in process.stdout or ()], daemon=True
    )
    reader.start()
    try:
        deadline = time.monotonic() + WAIT
        while True:
            assert process.poll() is None, "the example exited"
            assert time.monotonic() < deadline, "the example did not listen"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        with LocalLeonardo(
            complete_after=0,
            webhook_url=f"http://127.0.0.1:{port}{ROUTE}",
            webhook_key=KEY,
        ) as server:
            generation_id = create(server, prompt="a fox", num_images=1)
            line = ""
            deadline = time.monotonic() + WAIT
            while generation_id not in line:  # the framework may print its own lines first
                line = lines.get(timeout=max(0.01, deadline - time.monotonic()))
            assert "image_generation.complete" in line
            assert server.origin + "/cdn/generations/" in line  # the image URL
    finally:
        process.terminate()
        try:
            process.wait(WAIT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(WAIT)
        reader.join(WAIT)
