"""LocalLeonardo's webhook deliveries: what it POSTs, when, its retries and timeouts, and that
neither a slow receiver nor stop() leaves the API or a thread behind. All on loopback."""

from __future__ import annotations

import contextlib
import dataclasses
import http.server
import json
import logging
import queue
import socket
import threading
import time
from typing import Any, Callable, Dict, Iterator, List, Optional, Union

import pytest
import requests

import leonardoaisdk
from leonardoaisdk.models import operations
from leonardoaisdk.models.shared import JobStatus
from leonardoaisdk.testing import LocalLeonardo, WebhookDelivery, _webhooks
from leonardoaisdk.webhooks import WebhookEvent, WebhookEventType, parse_event

KEY = "whk-7d2e-local-callback"
WAIT = 10.0  # the longest any bounded wait here may take


@dataclasses.dataclass
class Received:
    path: str
    headers: Dict[str, str]
    body: bytes
    at: float  # time.monotonic()


# What the receiver does with a request: answer a status, or sleep (cut short on close) first.
Behaviour = Union[int, float]


class Receiver:
    """A webhook endpoint on 127.0.0.1: records each POST and answers from ``script`` (a status,
    or seconds to stall before answering 204), then ``default``."""

    def __init__(self, script: Optional[List[Behaviour]] = None, default: int = 204) -> None:
        self.received: queue.Queue[Received] = queue.Queue()
        self._script = list(script or [])
        self._default = default
        self._lock = threading.Lock()
        self.closing = threading.Event()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                receiver.received.put(
                    Received(self.path, dict(self.headers.items()), body, time.monotonic())
                )
                behaviour = receiver._next()
                if isinstance(behaviour, float):
                    receiver.closing.wait(behaviour)
                    behaviour = 204
                self.send_response(behaviour)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/hooks/leonardo?tenant=7"

    def _next(self) -> Behaviour:
        with self._lock:
            return self._script.pop(0) if self._script else self._default

    def get(self, timeout: float = WAIT) -> Received:
        return self.received.get(timeout=timeout)

    def next_event(self) -> WebhookEvent:
        """The next request, parsed as a handler would (its own headers, the key checked)."""
        got = self.get()
        return parse_event(got.body, got.headers, callback_key=KEY)

    def close(self) -> None:
        self.closing.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(WAIT)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    endpoint = Receiver()
    yield endpoint
    endpoint.close()


def sdk_for(server: LocalLeonardo) -> leonardoaisdk.LeonardoAiSDK:
    return leonardoaisdk.LeonardoAiSDK(
        bearer_auth=server.api_key, server_url=server.url, retry_config="none"
    )


def create(server: LocalLeonardo, **fields: Any) -> str:
    body = operations.CreateGenerationRequestBody(prompt="a fox at dusk", **fields)
    created = sdk_for(server).generation.create_generation(body).object
    assert created is not None
    return created.sd_generation_job.generation_id


def wait_for(check: Callable[[], Any], timeout: float = WAIT) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError(f"not within {timeout} s")


def deliveries_for(server: LocalLeonardo, generation_id: str) -> List[WebhookDelivery]:
    return [d for d in server.webhook_deliveries if d.generation_id == generation_id]


def final_delivery(server: LocalLeonardo, generation_id: str) -> List[WebhookDelivery]:
    return wait_for(
        lambda: (
            [d for d in deliveries_for(server, generation_id) if not d.will_retry]
            and deliveries_for(server, generation_id)
        )
    )


def webhook_threads(server_port: Optional[int] = None) -> List[threading.Thread]:
    prefix = f"LocalLeonardo {server_port} webhook" if server_port else "LocalLeonardo "
    return [t for t in threading.enumerate() if t.name.startswith(prefix) and "webhook" in t.name]


# --- what is sent ---------------------------------------------------------------------------


def test_a_generation_that_completes_is_posted_once_without_anyone_polling(
    receiver: Receiver,
) -> None:
    with LocalLeonardo(complete_after=0.3, webhook_url=receiver.url, webhook_key=KEY) as server:
        before = time.time()
        generation_id = create(server, num_images=2, width=512, height=768)
        got = receiver.get()  # nobody polls: the server itself noticed the end
        after = time.time()

        assert 0 <= got.at - server.completes_at(generation_id) < 2
        assert got.path == "/hooks/leonardo?tenant=7"
        headers = {k.lower(): v for k, v in got.headers.items()}
        assert headers["authorization"] == f"Bearer {KEY}"
        assert headers["content-type"] == "application/json"
        assert int(headers["content-length"]) == len(got.body)

        wire = json.loads(got.body)
        assert sorted(wire) == ["api_version", "data", "object", "timestamp", "type"]
        assert (wire["type"], wire["object"], wire["api_version"]) == (
            "image_generation.complete",
            "generation",
            "v1",
        )
        assert before * 1000 - 1 <= wire["timestamp"] <= after * 1000 + 1
        sent = wire["data"]["object"]
        assert "generated_images" not in sent and len(sent["images"]) == 2
        assert {"id", "url", "nsfw", "likeCount", "motionMP4URL"} <= set(sent["images"][0])

        event = parse_event(got.body, got.headers, callback_key=KEY)
        assert event.type is WebhookEventType.IMAGE_GENERATION_COMPLETE
        generation = event.generation
        assert generation is not None and generation.id == generation_id
        assert generation.status is JobStatus.COMPLETE
        assert (generation.image_width, generation.image_height) == (512, 768)
        assert generation.prompt == "a fox at dusk"
        # The event's images are the generation's, and their URLs serve them.
        polled = sdk_for(server).generation.get_generation_by_id(generation_id).object
        assert polled is not None and polled.generations_by_pk is not None
        assert [i.url for i in generation.images or []] == [
            i.url for i in polled.generations_by_pk.generated_images or []
        ]
        image = requests.get(generation.images[0].url, timeout=WAIT)  # type: ignore[index]
        assert image.status_code == 200 and image.content.startswith(b"\x89PNG")

        (delivery,) = final_delivery(server, generation_id)
        assert (delivery.url, delivery.event_type, delivery.attempt) == (
            receiver.url,
            "image_generation.complete",
            1,
        )
        assert (delivery.status, delivery.error, delivery.ok, delivery.will_retry) == (
            204,
            None,
            True,
            False,
        )
        assert before <= delivery.time <= time.time() and 0 <= delivery.elapsed < 3

        time.sleep(0.5)  # polled and waited on: still exactly one event
        assert receiver.received.qsize() == 0 and len(server.webhook_deliveries) == 1


def test_complete_and_fail_send_at_once_and_a_later_change_sends_nothing_more(
    receiver: Receiver,
) -> None:
    with LocalLeonardo(complete_after=60, webhook_url=receiver.url, webhook_key=KEY) as server:
        done, failed = create(server), create(server)
        started = time.monotonic()
        server.complete(done)
        first = receiver.next_event()
        server.fail(failed)
        second = receiver.next_event()
        assert time.monotonic() - started < 3

        assert first.generation is not None and first.generation.id == done
        assert first.generation.status is JobStatus.COMPLETE
        assert first.generation.images is not None and len(first.generation.images) == 4
        assert second.generation is not None and second.generation.id == failed
        assert second.generation.status is JobStatus.FAILED
        assert second.generation.images == []
        assert second.type == "image_generation.complete"  # the only type the live API documents

        server.fail(done)  # already ended and announced
        time.sleep(0.5)
        assert receiver.received.qsize() == 0


def test_motion_generations_are_announced_too(receiver: Receiver) -> None:
    with LocalLeonardo(complete_after=0, webhook_url=receiver.url, webhook_key=KEY) as server:
        source = create(server, num_images=1)
        source_event = receiver.next_event()
        assert source_event.generation is not None and source_event.generation.images
        sdk = sdk_for(server)
        motion = sdk.generation.post_generations_motion_svd(
            operations.PostGenerationsMotionSvdRequestBody(
                image_id=source_event.generation.images[0].id
            )
        ).object
        assert motion is not None
        event = receiver.next_event()
        assert event.generation is not None and event.generation.images
        assert event.generation.id == motion.sd_generation_job.generation_id != source
        assert event.generation.images[0].motion_mp4_url is not None


def test_a_generation_deleted_while_pending_sends_nothing(receiver: Receiver) -> None:
    with LocalLeonardo(complete_after=0.3, webhook_url=receiver.url, webhook_key=KEY) as server:
        generation_id = create(server)
        sdk_for(server).generation.delete_generation_by_id(generation_id)
        time.sleep(0.8)
        assert receiver.received.qsize() == 0 and server.webhook_deliveries == []


def test_without_a_key_no_authorization_is_sent(receiver: Receiver) -> None:
    with LocalLeonardo(complete_after=0, webhook_url=receiver.url) as server:
        create(server)
        got = receiver.get()
        assert "authorization" not in {k.lower() for k in got.headers}
        assert json.loads(got.body)["type"] == "image_generation.complete"


def test_without_a_webhook_url_nothing_is_sent_and_no_thread_runs() -> None:
    with LocalLeonardo(complete_after=0) as server:
        create(server)
        assert server.webhook_deliveries == [] and webhook_threads() == []


# --- retries, timeouts ----------------------------------------------------------------------


def test_a_5xx_is_retried_with_backoff_then_delivered() -> None:
    receiver = Receiver(script=[503, 500])
    try:
        with LocalLeonardo(
            complete_after=0, webhook_url=receiver.url, webhook_key=KEY, webhook_backoff=0.1
        ) as server:
            generation_id = create(server)
            attempts = [receiver.get() for _ in range(3)]
            assert len({a.body for a in attempts}) == 1  # the same event each time
            gaps = [b.at - a.at for a, b in zip(attempts, attempts[1:])]
            assert gaps[0] >= 0.1 and gaps[1] >= 0.2  # doubling backoff

            records = final_delivery(server, generation_id)
            assert [(d.attempt, d.status, d.will_retry) for d in records] == [
                (1, 503, True),
                (2, 500, True),
                (3, 204, False),
            ]
            assert records[-1].ok and not records[0].ok
    finally:
        receiver.close()


def test_retries_stop_after_webhook_retries() -> None:
    receiver = Receiver(default=502)
    try:
        with LocalLeonardo(
            complete_after=0,
            webhook_url=receiver.url,
            webhook_retries=2,
            webhook_backoff=0.01,
        ) as server:
            generation_id = create(server)
            records = final_delivery(server, generation_id)
            assert [(d.attempt, d.status, d.will_retry) for d in records] == [
                (1, 502, True),
                (2, 502, True),
                (3, 502, False),
            ]
            time.sleep(0.3)
            assert receiver.received.qsize() == 3
    finally:
        receiver.close()


def test_a_4xx_is_not_retried() -> None:
    receiver = Receiver(script=[401])
    try:
        with LocalLeonardo(complete_after=0, webhook_url=receiver.url, webhook_backoff=0.01) as s:
            generation_id = create(s)
            (record,) = final_delivery(s, generation_id)
            assert (record.status, record.ok, record.will_retry) == (401, False, False)
            time.sleep(0.3)
            assert receiver.received.qsize() == 1
    finally:
        receiver.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_refused_connection_is_retried_and_recorded() -> None:
    url = f"http://127.0.0.1:{free_port()}/hook"
    with LocalLeonardo(
        complete_after=0, webhook_url=url, webhook_retries=2, webhook_backoff=0.05
    ) as server:
        generation_id = create(server)
        records = final_delivery(server, generation_id)
        assert [(d.attempt, d.status, d.error, d.will_retry) for d in records] == [
            (1, None, "connection refused", True),
            (2, None, "connection refused", True),
            (3, None, "connection refused", False),
        ]
        assert records[2].time - records[1].time >= 0.1


def test_localhost_reaches_a_receiver_on_either_address(receiver: Receiver) -> None:
    url = receiver.url.replace("127.0.0.1", "localhost")  # ::1 may come first and refuse
    with LocalLeonardo(complete_after=0, webhook_url=url) as server:
        generation_id = create(server)
        assert json.loads(receiver.get().body)["data"]["object"]["id"] == generation_id
        (record,) = final_delivery(server, generation_id)
        assert record.status == 204


@contextlib.contextmanager
def raw_endpoint(serve: Callable[[socket.socket], None]) -> Iterator[str]:
    """A listening socket whose connections ``serve`` handles, each in a thread."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    stop = threading.Event()
    threads: List[threading.Thread] = []

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except socket.timeout:
                continue
            thread = threading.Thread(target=serve, args=(conn,), daemon=True)
            threads.append(thread)
            thread.start()

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/hook"
    finally:
        stop.set()
        acceptor.join(WAIT)
        listener.close()
        for thread in threads:
            thread.join(WAIT)


def test_an_attempt_has_one_deadline_even_against_a_dripping_receiver() -> None:
    done = threading.Event()

    def drip(conn: socket.socket) -> None:
        with conn:
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"y" * 200:
                if done.wait(0.05):
                    return
                with contextlib.suppress(OSError):
                    conn.sendall(bytes([byte]))

    with (
        raw_endpoint(drip) as url,
        LocalLeonardo(
            complete_after=0, webhook_url=url, webhook_timeout=0.5, webhook_backoff=0.01
        ) as server,
    ):
        generation_id = create(server)
        (record,) = final_delivery(server, generation_id)
        done.set()
        assert (record.status, record.error, record.will_retry) == (
            None,
            "no answer within 0.5 s",
            False,  # a timeout may have been received: it is not sent again
        )
        assert 0.5 <= record.elapsed < 1.5


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (b"", "closed the connection without answering"),
        (b"HTTP/1.1 200 O", "closed the connection in the middle of its answer"),
        (b"SSH-2.0-OpenSSH_9.6\r\n\r\n", "answered something that is not HTTP/1.x"),
    ],
)
def test_a_receiver_that_answers_no_http_is_recorded(answer: bytes, error: str) -> None:
    def reply(conn: socket.socket) -> None:
        with conn:
            conn.settimeout(WAIT)
            conn.recv(65536)
            conn.sendall(answer)

    with raw_endpoint(reply) as url, LocalLeonardo(complete_after=0, webhook_url=url) as server:
        generation_id = create(server)
        (record,) = final_delivery(server, generation_id)
        assert (record.status, record.error, record.will_retry) == (None, error, False)


def test_a_slow_receiver_never_slows_the_api_and_stop_ends_every_thread_at_once() -> None:
    receiver = Receiver(default=30.0)  # stalls 30 s on every request
    try:
        server = LocalLeonardo(
            complete_after=0,
            concurrency_limit=None,
            webhook_url=receiver.url,
            webhook_key=KEY,
            webhook_timeout=30,
        ).start()
        port = int(server.origin.rsplit(":", 1)[1])
        try:
            first = create(server)
            receiver.get()  # one sender is now held by the receiver
            sdk = sdk_for(server)
            for _ in range(20):  # more events than senders: they queue, the API does not wait
                started = time.monotonic()
                create(server)
                sdk.generation.get_generation_by_id(first)
                assert time.monotonic() - started < 2  # the receiver stalls 30 s
            assert len(webhook_threads(port)) == 1 + _webhooks.SENDERS
        finally:
            started = time.monotonic()
            server.stop()
            stopped_in = time.monotonic() - started
        assert stopped_in < 3  # in-flight attempts are cut short, not waited out
        wait_for(lambda: not webhook_threads(port), timeout=2)
        # Cut short by stop(), the attempts are no failure of the receiver's: none is recorded.
        assert server.webhook_deliveries == []
    finally:
        receiver.close()


def test_a_full_queue_drops_the_event_and_records_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_webhooks, "SENDERS", 1)
    monkeypatch.setattr(_webhooks, "MAX_QUEUED", 1)
    receiver = Receiver(default=30.0)
    try:
        with LocalLeonardo(complete_after=60, webhook_url=receiver.url) as server:
            held, queued, dropped = create(server), create(server), create(server)
            server.complete(held)
            receiver.get()  # the only sender is busy
            server.complete(queued)
            wait_for(lambda: len(server._webhooks._queue) == 1)  # type: ignore[union-attr]
            server.complete(dropped)
            (record,) = wait_for(lambda: deliveries_for(server, dropped))
            assert (record.status, record.will_retry) == (None, False)
            assert record.error == "dropped: 1 events already wait"
    finally:
        receiver.close()


def test_stop_and_start_again_keeps_delivering(receiver: Receiver) -> None:
    server = LocalLeonardo(complete_after=0.2, webhook_url=receiver.url)
    with server:
        create(server)
        receiver.get()
    assert webhook_threads() == []
    with server:
        generation_id = create(server)
        assert json.loads(receiver.get().body)["data"]["object"]["id"] == generation_id


# --- https ----------------------------------------------------------------------------------


def test_an_https_receiver_is_reached_with_its_certificate_checked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    trustme = pytest.importorskip("trustme")
    import ssl

    authority = trustme.CA()
    certificate = authority.issue_cert("localhost", "127.0.0.1")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(context)
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    seen: queue.Queue[bytes] = queue.Queue()

    def tls(conn: socket.socket) -> None:
        try:
            with context.wrap_socket(conn, server_side=True) as secure:
                secure.settimeout(WAIT)
                data = b""
                while b"\r\n\r\n" not in data:
                    data += secure.recv(65536)
                seen.put(data)
                secure.sendall(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
        except (OSError, ssl.SSLError):
            seen.put(b"handshake refused")

    with raw_endpoint(tls) as http_url:
        url = http_url.replace("http://", "https://")
        untrusted = LocalLeonardo(complete_after=0, webhook_url=url)
        with untrusted:
            generation_id = create(untrusted)
            (record,) = final_delivery(untrusted, generation_id)
            assert record.status is None and record.error is not None
            assert record.error.startswith("TLS certificate not accepted")
        seen.get(timeout=WAIT)

        monkeypatch.setenv("SSL_CERT_FILE", str(bundle))  # read when the server is made
        with LocalLeonardo(complete_after=0, webhook_url=url, webhook_key=KEY) as server:
            generation_id = create(server)
            (record,) = final_delivery(server, generation_id)
            assert record.status == 204 and record.ok
            assert f"authorization: Bearer {KEY}".encode() in seen.get(timeout=WAIT)


# --- configuration and the key ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "ftp://127.0.0.1/hook",
        "127.0.0.1:8000/hook",
        "http://",
        "http:///hook",
        "http://user:pw@127.0.0.1/hook",
        "http://127.0.0.1/a b",
        "http://127.0.0.1/a\r\nX-Injected: 1",
        "http://127.0.0.1:99999/hook",
        "http://bücher.example/hook",
        b"http://127.0.0.1/hook",
    ],
)
def test_a_webhook_url_it_cannot_post_to_is_refused(url: Any) -> None:
    with pytest.raises(ValueError, match="webhook_url"):
        LocalLeonardo(webhook_url=url)


@pytest.mark.parametrize("key", ["", 7, f"{KEY}\r\nX-Injected: 1", f" {KEY}", f"{KEY}\n"])
def test_a_webhook_key_that_cannot_be_sent_is_refused_without_showing_it(key: Any) -> None:
    with pytest.raises(ValueError, match="webhook_key") as caught:
        LocalLeonardo(webhook_url="http://127.0.0.1:9/hook", webhook_key=key)
    assert KEY not in str(caught.value)


@pytest.mark.parametrize(
    "options",
    [
        {"webhook_key": KEY},
        {"webhook_url": "http://127.0.0.1:9/", "webhook_timeout": 0},
        {"webhook_url": "http://127.0.0.1:9/", "webhook_retries": -1},
        {"webhook_url": "http://127.0.0.1:9/", "webhook_backoff": -0.5},
    ],
)
def test_inconsistent_webhook_options_are_refused(options: Dict[str, Any]) -> None:
    with pytest.raises(ValueError) as caught:
        LocalLeonardo(**options)
    assert KEY not in str(caught.value)


def test_the_key_is_in_no_repr_record_or_log_line(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="leonardoaisdk.testing")
    url = f"http://127.0.0.1:{free_port()}/hook"
    server = LocalLeonardo(
        complete_after=0, webhook_url=url, webhook_key=KEY, webhook_retries=1, webhook_backoff=0.01
    )
    with server:
        generation_id = create(server)
        records = final_delivery(server, generation_id)
        webhooks = server._webhooks
        shown = [repr(server), str(server), repr(records), repr(webhooks), repr(webhooks._target)]  # type: ignore[union-attr]
    logged = [r.getMessage() for r in caplog.records]
    assert sum("connection refused" in line for line in logged) == 2
    for text in shown + logged:
        assert KEY not in text
