"""``AsyncLeonardoAiSDK``: the same requests on the wire and the same results as the sync
client, for every operation, and the same promises against hostile servers on 127.0.0.1.

Each test runs its coroutine with ``asyncio.run``; warnings are errors here, so an unclosed
client, a never-awaited coroutine or a destroyed pending task fails the test.
"""

from __future__ import annotations

import asyncio
import json
import pickle
import socket
import subprocess
import sys
import threading
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Awaitable, Callable, Dict, Iterator, List, Optional, Tuple, TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

import leonardoaisdk
from leonardoaisdk import AsyncLeonardoAiSDK, errors
from leonardoaisdk.models import operations
from leonardoaisdk.testing import LocalLeonardo
from leonardoaisdk.utils import BackoffStrategy, RetryConfig

from . import payloads
from .hostile_servers import Connection, RawServer, http_answer
from .test_all_operations_wire import CASES, Case, _reply
from .test_hostile_network import CREATED, FOUND, TOKEN, drip_body, drip_headers, tls_trust

pytestmark = pytest.mark.filterwarnings("error")
__all__ = ["tls_trust"]  # the fixture, imported to be shared

T = TypeVar("T")
FAST_RETRIES = RetryConfig("backoff", BackoffStrategy(10, 20, 2.0, 10_000), max_retries=2)


def run(make: Callable[[], Awaitable[T]], limit: float = 30.0) -> T:
    """Run a coroutine to its end, at most ``limit`` seconds; no task may be left pending."""

    async def bounded() -> T:
        result = await asyncio.wait_for(make(), limit)
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        assert others == [], others
        return result

    return asyncio.run(bounded())


def async_sdk(url: str, **kwargs: Any) -> AsyncLeonardoAiSDK:
    kwargs.setdefault("retry_config", FAST_RETRIES)
    return AsyncLeonardoAiSDK(bearer_auth=TOKEN, server_url=url, **kwargs)


def create(s: AsyncLeonardoAiSDK) -> Awaitable[Any]:
    return s.generation.create_generation(operations.CreateGenerationRequestBody(prompt="a fox"))


# --- the same requests and results as the sync client ------------------------------------------


class Seen:
    def __init__(self, method: str, path: str, headers: Dict[str, str], body: bytes) -> None:
        self.method = method
        split = urlsplit(path)
        self.path = split.path
        self.query = parse_qs(split.query)
        self.headers = headers
        self.body = json.loads(body) if body else None


class Recorder(ThreadingHTTPServer):
    """Answers every request with ``reply`` and records what it was sent."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _RecordingHandler)
        self.reply: Any = {}
        self.seen: List[Seen] = []
        self.peers: set[Tuple[str, int]] = set()
        self.open_connections = 0
        self.most_open_connections = 0
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/api/rest/v1"


class _RecordingHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Recorder

    def setup(self) -> None:
        super().setup()
        with self.server.lock:
            self.server.open_connections += 1
            most = max(self.server.most_open_connections, self.server.open_connections)
            self.server.most_open_connections = most

    def finish(self) -> None:
        with self.server.lock:
            self.server.open_connections -= 1
        super().finish()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        with self.server.lock:
            self.server.seen.append(Seen(self.command, self.path, headers, body))
            self.server.peers.add(self.client_address)
        reply = self.server.reply
        data = json.dumps(reply(self.path) if callable(reply) else reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_DELETE = do_PUT = _answer

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    server = Recorder()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


# Headers each HTTP library adds on its own (requests frames an empty DELETE with
# Content-Length: 0, httpx does not); everything the SDK sets must be equal.
LIBRARY_HEADERS = {"user-agent", "accept-encoding", "connection", "host", "content-length"}


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_both_clients_send_the_same_request_and_decode_the_same_result(
    case: Case, recorder: Recorder
) -> None:
    recorder.reply = _reply(case)
    with leonardoaisdk.LeonardoAiSDK(bearer_auth=TOKEN, server_url=recorder.url) as sync:
        sync_result = case.call(sync)

    async def call_async() -> Any:
        async with async_sdk(recorder.url) as s:
            return await case.call(s)

    async_result = run(call_async)
    assert len(recorder.seen) == 2
    by_sync, by_async = recorder.seen
    assert (by_async.method, by_async.path, by_async.query) == (
        by_sync.method,
        by_sync.path,
        by_sync.query,
    )
    assert by_async.body == by_sync.body
    mine = {k: v for k, v in by_async.headers.items() if k not in LIBRARY_HEADERS}
    assert mine == {k: v for k, v in by_sync.headers.items() if k not in LIBRARY_HEADERS}
    assert mine["authorization"] == f"Bearer {TOKEN}"
    assert type(async_result) is type(sync_result)
    assert async_result.object == sync_result.object and async_result.object is not None
    assert async_result.status_code == sync_result.status_code == 200
    assert isinstance(async_result.raw_response, httpx.Response)


def test_every_sync_method_has_an_async_twin_with_the_same_signature() -> None:
    import inspect

    sync = leonardoaisdk.LeonardoAiSDK(bearer_auth=TOKEN)
    s = AsyncLeonardoAiSDK(bearer_auth=TOKEN)
    checked = 0
    for name in ("dataset", "element", "generation", "init_image", "model", "user", "variation"):
        for method_name, method in inspect.getmembers(type(getattr(sync, name))):
            if method_name.startswith("_") or not callable(method):
                continue
            twin = getattr(type(getattr(s, name)), method_name, None)
            assert twin is not None, f"{name}.{method_name}"
            # The same parameters; the results differ only as an Iterator and an AsyncIterator.
            twin_parameters = inspect.signature(twin).parameters
            assert twin_parameters == inspect.signature(method).parameters, method_name
            checked += 1
    assert checked >= 31
    run(s.aclose)


# --- construction ------------------------------------------------------------------------------


def test_the_sync_client_imports_neither_httpx_nor_asyncio() -> None:
    code = (
        "import leonardoaisdk, sys\n"
        "s = leonardoaisdk.LeonardoAiSDK(bearer_auth='k' * 8)\n"
        "s.generation, s.model, s.variation, s.dataset, s.init_image\n"
        "print('httpx' in sys.modules, 'asyncio' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False False", done.stderr


def test_without_httpx_the_async_client_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['httpx'] = None\n"
        "import leonardoaisdk\n"
        "try:\n    leonardoaisdk.AsyncLeonardoAiSDK(bearer_auth='k' * 8)\n"
        "except leonardoaisdk.errors.ConfigurationError as e:\n    print(e)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "pip install 'leonardoaisdk[async]'" in done.stdout, done.stderr


def test_a_client_of_the_users_is_used_unchanged_and_left_open(recorder: Recorder) -> None:
    recorder.reply = {"generations_by_pk": payloads.generation()}

    async def scenario() -> None:
        async with httpx.AsyncClient(headers={"X-Team": "blue"}, timeout=3.0) as client:
            before = (dict(client.headers), client.timeout, client.follow_redirects)
            async with AsyncLeonardoAiSDK(
                bearer_auth=TOKEN, server_url=recorder.url, client=client
            ) as s:
                await s.generation.get_generation_by_id(payloads.GENERATION_ID)
            assert not client.is_closed
            assert (dict(client.headers), client.timeout, client.follow_redirects) == before
            await client.get(recorder.url + "/me")  # still usable

    run(scenario)
    assert recorder.seen[0].headers["x-team"] == "blue"


def test_bearer_auth_may_be_an_async_callable_called_per_request(recorder: Recorder) -> None:
    recorder.reply = {"generations_by_pk": payloads.generation()}
    keys = iter(["first-key-123", "second-key-456"])

    async def key() -> str:
        await asyncio.sleep(0)
        return next(keys)

    async def scenario() -> None:
        async with AsyncLeonardoAiSDK(bearer_auth=key, server_url=recorder.url) as s:
            for _ in range(2):
                await s.generation.get_generation_by_id(payloads.GENERATION_ID)

    run(scenario)
    sent = [seen.headers["authorization"] for seen in recorder.seen]
    assert sent == ["Bearer first-key-123", "Bearer second-key-456"]


def test_the_same_settings_are_refused_as_by_the_sync_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("LEONARDO_API_KEY", raising=False)
    for kwargs in ({}, {"bearer_auth": "Bearer abcdefgh"}, {"bearer_auth": "k" * 8, "timeout": 0}):
        with pytest.raises(errors.ConfigurationError) as sync_error:
            leonardoaisdk.LeonardoAiSDK(**kwargs)
        with pytest.raises(errors.ConfigurationError) as async_error:
            AsyncLeonardoAiSDK(**kwargs)
        assert str(async_error.value) == str(sync_error.value)
    with pytest.raises(errors.ConfigurationError, match=r"httpx\.AsyncClient"):
        AsyncLeonardoAiSDK(bearer_auth="k" * 8, client=object())  # type: ignore[arg-type]


def test_a_server_url_without_the_api_path_gets_a_404_that_names_the_right_url() -> None:
    with LocalLeonardo() as server:
        root = server.url.split("/api/rest/v1")[0]
        sync = leonardoaisdk.LeonardoAiSDK(bearer_auth=server.api_key, server_url=root)
        with pytest.raises(errors.NotFoundError) as sync_error:
            sync.user.get_user_self()

        async def call() -> Any:
            async with AsyncLeonardoAiSDK(bearer_auth=server.api_key, server_url=root) as s:
                return await s.user.get_user_self()

        with pytest.raises(errors.NotFoundError) as async_error:
            run(call)
    for error in (sync_error.value, async_error.value):
        assert f"server_url='{root}/api/rest/v1'" in str(error)
        assert "LEONARDO_SERVER_URL" in str(error)


# --- money: a POST that may have reached the server is never sent again ------------------------


def test_a_post_after_a_tls_handshake_failure_is_sent_again(
    tls_trust: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    monkeypatch.setenv("SSL_CERT_FILE", os.environ["REQUESTS_CA_BUNDLE"])

    def handler(conn: Connection) -> None:
        if conn.number == 1:
            conn.sock.recv(4096)
            conn.send(b"HTTP/1.1 400 Bad Request\r\n\r\n")
            return
        conn.read_request()
        conn.send(http_answer(body=CREATED))

    with RawServer(handler, tls=tls_trust, plain_first=1) as server:

        async def scenario() -> Any:
            async with async_sdk(server.url) as s:
                return await create(s)

        result = run(scenario)
        assert result.object.sd_generation_job.generation_id == payloads.GENERATION_ID
        assert server.connections == 2
        assert server.count("POST") == 1


def test_a_tls_error_after_the_request_was_read_never_repeats_the_post(
    tls_trust: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    monkeypatch.setenv("SSL_CERT_FILE", os.environ["REQUESTS_CA_BUNDLE"])

    def handler(conn: Connection) -> None:
        conn.read_request()
        raw = socket.socket(fileno=os.dup(conn.sock.fileno()))
        try:
            raw.sendall(b"\x17\x03\x03\x00\x10not-a-tls-record-at-all")
        finally:
            raw.close()
        time.sleep(0.2)

    with RawServer(handler, tls=tls_trust) as server:

        async def scenario() -> Any:
            async with async_sdk(server.url) as s:
                return await create(s)

        with pytest.raises(errors.APIConnectionError) as caught:
            run(scenario)
        time.sleep(0.3)
        assert server.count("POST") == 1
        assert TOKEN not in str(caught.value)


@pytest.mark.parametrize("how", ["close", "reset"])
def test_a_post_whose_answer_never_comes_is_sent_once(how: str) -> None:
    def handler(conn: Connection) -> None:
        conn.read_request()
        if how == "reset":
            conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")

    with RawServer(handler) as server:

        async def scenario() -> Any:
            async with async_sdk(server.url) as s:
                return await create(s)

        with pytest.raises(errors.APIConnectionError):
            run(scenario)
        time.sleep(0.2)
        assert server.count("POST") == 1


def test_a_refused_connection_is_an_api_connection_error_that_says_so() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]

    async def scenario() -> Any:
        async with async_sdk(f"http://127.0.0.1:{port}/api/rest/v1") as s:
            return await create(s)

    with pytest.raises(errors.APIConnectionError) as caught:
        run(scenario)
    assert "Connection refused" in str(caught.value)


# --- time --------------------------------------------------------------------------------------


@pytest.mark.parametrize("dripper", [drip_headers, drip_body], ids=["headers", "body"])
def test_a_dripping_server_cannot_hold_a_call_past_its_timeout(dripper: Any) -> None:
    with RawServer(dripper) as server:

        async def scenario() -> Any:
            async with async_sdk(server.url, retry_config="none") as s:
                return await s.generation.get_generation_by_id(payloads.GENERATION_ID, timeout=2)

        started = time.monotonic()
        with pytest.raises(errors.APITimeoutError):
            run(scenario)
        took = time.monotonic() - started
    assert 1.9 < took < 3.0


def test_retries_of_a_dripping_server_end_within_the_elapsed_limit() -> None:
    policy = RetryConfig("backoff", BackoffStrategy(10, 20, 2.0, 3_000), max_retries=10)
    with RawServer(drip_body) as server:

        async def scenario() -> Any:
            async with async_sdk(server.url, retry_config=policy) as s:
                return await s.generation.get_generation_by_id(payloads.GENERATION_ID, timeout=1)

        started = time.monotonic()
        with pytest.raises(errors.APITimeoutError):
            run(scenario)
        took = time.monotonic() - started
        assert server.count("GET") >= 2
    assert took < 3.6


def test_a_wait_ends_at_its_timeout_against_a_silent_server() -> None:
    def silent(conn: Connection) -> None:
        conn.read_request()
        conn.server.stopping.wait(15)

    with RawServer(silent) as server:

        async def scenario() -> Any:
            async with async_sdk(server.url) as s:
                return await s.generation.wait_for_generation(payloads.GENERATION_ID, timeout=2)

        started = time.monotonic()
        with pytest.raises(errors.WaitTimeoutError):
            run(scenario)
        took = time.monotonic() - started
    assert took < 2.6


# --- cancellation ------------------------------------------------------------------------------


def silent_after_request(conn: Connection) -> None:
    conn.read_request()
    conn.server.stopping.wait(15)


def test_cancelling_a_create_stops_at_once_and_never_repeats_it() -> None:
    with RawServer(silent_after_request) as server:

        async def scenario() -> float:
            async with async_sdk(server.url) as s:
                task = asyncio.ensure_future(create(s))
                for _ in range(200):  # until the server has read the POST, at most 2 s
                    if server.count("POST"):
                        break
                    await asyncio.sleep(0.01)
                task.cancel()
                started = time.monotonic()
                with pytest.raises(asyncio.CancelledError):
                    await task
                took = time.monotonic() - started
                pool = s._pipeline.client._transport._pool  # type: ignore[attr-defined]
                assert pool.connections == []  # the cancelled call's connection was dropped
                return took

        took = run(scenario)
        time.sleep(0.3)  # a repeat, were there one, would have arrived by now
        assert took < 0.5
        assert server.count("POST") == 1


# --- memory ------------------------------------------------------------------------------------


def test_a_declared_huge_body_is_refused_unread() -> None:
    def huge(conn: Connection) -> None:
        conn.read_request()
        conn.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
        conn.send(b"Content-Length: 600000000\r\n\r\n{")
        for _ in range(200):
            conn.send(b" " * 65536)

    with RawServer(huge) as server:

        async def scenario() -> Any:
            async with async_sdk(server.url, max_response_bytes=1_000_000) as s:
                return await s.generation.get_generation_by_id(payloads.GENERATION_ID)

        with pytest.raises(errors.ResponseValidationError, match="max_response_bytes"):
            run(scenario)


def test_an_endless_body_stops_at_the_cap_with_bounded_memory() -> None:
    def endless(conn: Connection) -> None:
        conn.read_request()
        conn.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
        conn.send(b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b" " * 65536
        for _ in range(1000):
            conn.send(b"10000\r\n" + chunk + b"\r\n")

    with RawServer(endless) as server:

        async def scenario() -> Any:
            async with async_sdk(
                server.url, max_response_bytes=2_000_000, retry_config="none"
            ) as s:
                return await s.generation.get_generation_by_id(payloads.GENERATION_ID)

        tracemalloc.start()
        try:
            with pytest.raises(errors.ResponseValidationError, match="max_response_bytes"):
                run(scenario)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 8_000_000


# --- secrets -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "content_type", "error_type"),
    [
        (f"500 {TOKEN}", "application/json", errors.ServerError),
        (f"418 {TOKEN}", "text/plain", errors.APIStatusError),
        ("200 OK", f"text/{TOKEN}", errors.ResponseValidationError),
        ("200 OK", "application/json; x=1", errors.ResponseValidationError),
    ],
    ids=["reason-phrase", "status-body", "content-type", "body-of-a-validation-error"],
)
def test_an_echoed_key_is_scrubbed_from_every_part_of_an_error(
    status: str, content_type: str, error_type: type
) -> None:
    from .test_hostile_network import echoing

    with RawServer(echoing(status, content_type)) as server:

        async def scenario() -> Any:
            async with async_sdk(server.url, retry_config="none") as s:
                return await s.generation.get_generation_by_id(payloads.GENERATION_ID)

        with pytest.raises(error_type) as caught:
            run(scenario)
    error = caught.value
    response = error.raw_response
    shown = [str(error), repr(error), error.body, error.message, response.reason_phrase]
    shown += [f"{k}: {v}" for k, v in response.headers.items()]
    shown += [f"{k}: {v}" for k, v in response.request.headers.items()]
    assert all(TOKEN not in text for text in shown), shown
    assert TOKEN.encode() not in pickle.dumps(error)
    assert TOKEN not in response.text


def test_a_kept_or_pickled_response_never_carries_the_key() -> None:
    def found(conn: Connection) -> None:
        conn.read_request()
        conn.send(http_answer(body=FOUND))

    with RawServer(found) as server:

        async def scenario() -> Any:
            async with async_sdk(server.url) as s:
                return await s.generation.get_generation_by_id(payloads.GENERATION_ID)

        response = run(scenario)
        assert TOKEN.encode() in server.requests[0]  # it was sent
    assert TOKEN not in repr(response.raw_response.request.headers)
    assert TOKEN.encode() not in pickle.dumps(response.raw_response)
    assert TOKEN.encode() not in pickle.dumps(response)


# --- one client, many tasks --------------------------------------------------------------------


def test_a_thousand_concurrent_gets_share_one_bounded_pool_without_cross_talk(
    recorder: Recorder,
) -> None:
    def by_path(path: str) -> Dict[str, Any]:
        # A small answer: the server shares this process's time with the 1,000 calls.
        return {"generations_by_pk": {"id": path.rsplit("/", 1)[1], "status": "COMPLETE"}}

    recorder.reply = by_path
    ids = [f"00000000-0000-4000-8000-{n:012d}" for n in range(1000)]

    async def scenario() -> List[Optional[str]]:
        # Each call may wait its turn for one of the pool's connections: time for a loaded CI.
        async with async_sdk(recorder.url, timeout=120) as s:
            results = await asyncio.gather(*(s.generation.get_generation_by_id(i) for i in ids))
        return [r.object.generations_by_pk.id for r in results]

    assert run(scenario, limit=240) == ids
    assert len(recorder.seen) == 1000
    from leonardoaisdk import _defaults

    assert 1 < recorder.most_open_connections <= _defaults.POOL_MAXSIZE
