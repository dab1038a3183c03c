"""LocalLeonardo against hostile clients, built for real on 127.0.0.1 with raw sockets: it stays
up, answers HTTP/1.1 with Leonardo's error body, keeps its memory and threads bounded, and
stops completely."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
import requests

from leonardoaisdk.testing import LocalLeonardo

pytestmark = pytest.mark.leonardo(complete_after=0)

STATUS_LINE = re.compile(rb"HTTP/1\.1 (\d{3}) [^\r\n]*\r\n")


def address(server: LocalLeonardo) -> Tuple[str, int]:
    host, port = server.origin.removeprefix("http://").split(":")
    return host, int(port)


@dataclasses.dataclass
class Answer:
    status_line: bytes
    status: int
    headers: Dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body, parse_constant=_no_constant)


def _no_constant(name: str) -> Any:
    raise AssertionError(f"the server sent {name}, which is not JSON")


class Raw:
    """A raw TCP client of the server: exact bytes out, exact bytes back, every wait bounded."""

    def __init__(self, server: LocalLeonardo, timeout: float = 5.0) -> None:
        self.sock = socket.create_connection(address(server), timeout=timeout)
        self.timeout = timeout
        self.reader = self.sock.makefile("rb")

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def answer(self) -> Answer:
        """One answer; fails unless it starts with an HTTP/1.1 status line."""
        self.sock.settimeout(self.timeout)
        first = self.reader.readline(4096)
        found = STATUS_LINE.fullmatch(first)
        assert found, f"not an HTTP/1.1 status line: {first[:200]!r}"
        headers: Dict[str, str] = {}
        for _ in range(100):
            line = self.reader.readline(65536).decode("latin-1").rstrip("\r\n")
            if not line:
                break
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        body = self.reader.read(int(headers.get("content-length", "0")))
        return Answer(first, int(found.group(1)), headers, body)

    def closed_within(self, seconds: float) -> bool:
        """Whether the server closes (or resets) the connection within ``seconds``."""
        deadline = time.monotonic() + seconds
        for _ in range(10_000):
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.sock.settimeout(left)
            try:
                if not self.reader.read1(65536):
                    return True
            except ConnectionError:
                return True
            except TimeoutError:
                return False
        return False

    def reset(self) -> None:
        """Close with a TCP reset (SO_LINGER 0), as a crashing client or a proxy would."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close()

    def close(self) -> None:
        self.reader.close()
        self.sock.close()


@contextlib.contextmanager
def raw(server: LocalLeonardo, timeout: float = 5.0) -> Iterator[Raw]:
    client = Raw(server, timeout)
    try:
        yield client
    finally:
        client.close()


def request(method: str, path: str, headers: Dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def auth(server: LocalLeonardo) -> Dict[str, str]:
    return {"Authorization": f"Bearer {server.api_key}"}


def assert_error_answer(answer: Answer, status: int, code: Optional[str] = None) -> None:
    assert answer.status == status, answer
    assert answer.headers["content-type"] == "application/json"
    body = answer.json()
    assert set(body) == {"error", "path", "code"} and body["path"] == "$"
    assert isinstance(body["error"], str) and body["error"]
    if code is not None:
        assert body["code"] == code


def assert_still_serving(server: LocalLeonardo) -> None:
    response = requests.get(server.url + "/me", headers=auth(server), timeout=5)
    assert response.status_code == 200


# --- 1. the request log is bounded ----------------------------------------------------------


@pytest.mark.leonardo(max_log_entries=50, max_logged_body=1024)
def test_request_log_keeps_the_newest_entries_and_a_slice_of_each_body(
    server: LocalLeonardo,
) -> None:
    session = requests.Session()
    big = b"x" * 50_000  # not JSON: every one of these is refused, and still logged
    for n in range(300):
        response = session.post(
            server.url + "/generations", params={"n": n}, data=big, headers=auth(server), timeout=5
        )
        assert response.status_code == 400
    log = server.request_log
    assert len(log) == 50
    assert [int(r.query["n"]) for r in log] == list(range(250, 300))  # the oldest went first
    assert sum(len(r.body) for r in log) == 50 * 1024
    assert all(r.body == big[:1024] and r.body_length == 50_000 and r.truncated for r in log)
    with pytest.raises(ValueError, match="kept 1024 of the body's 50000 bytes"):
        log[-1].json()


def test_request_log_defaults_to_1000_entries_and_64_kib_bodies(server: LocalLeonardo) -> None:
    session = requests.Session()
    for n in range(1001):
        session.get(server.url + "/me", params={"n": n}, headers=auth(server), timeout=5)
    session.post(server.url + "/generations", data=b" " * 100_000, headers=auth(server), timeout=5)
    small = session.post(
        server.url + "/generations", json={"prompt": "kept whole"}, headers=auth(server), timeout=5
    )
    assert small.status_code == 200
    log = server.request_log
    assert len(log) == 1000
    assert log[0].query == {"n": "3"}  # 1003 requests: the first three were dropped
    large, whole = log[-2], log[-1]
    assert (len(large.body), large.body_length, large.truncated) == (64 * 1024, 100_000, True)
    assert whole.json() == {"prompt": "kept whole"} and not whole.truncated


def test_limits_are_checked_at_construction() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        LocalLeonardo(max_log_entries=-1)
    with pytest.raises(ValueError, match="read_timeout"):
        LocalLeonardo(read_timeout=0)
    with pytest.raises(ValueError, match="max_connections"):
        LocalLeonardo(max_connections=0)


# --- 2. oversized bodies and broken framing ---------------------------------------------------


@pytest.mark.leonardo(max_body=1024)
def test_a_body_over_max_body_is_refused_413_before_it_is_sent(server: LocalLeonardo) -> None:
    with raw(server) as client:
        # Only the headers: an answer proves the server did not wait for the body.
        client.send(
            request("POST", "/api/rest/v1/generations", {**auth(server), "Content-Length": "1025"})
        )
        answer = client.answer()
        assert_error_answer(answer, 413, "payload-too-large")
        assert answer.headers["connection"] == "close"
        assert client.closed_within(3)
    assert server.request_log == []  # refused by the transport: the API never saw it
    assert_still_serving(server)


def test_a_huge_declared_body_is_refused_413_at_once_by_default(server: LocalLeonardo) -> None:
    with raw(server) as client:
        client.send(request("POST", "/api/rest/v1/generations", {"Content-Length": str(10**9)}))
        assert_error_answer(client.answer(), 413, "payload-too-large")


def test_an_uploading_client_reads_the_413(server: LocalLeonardo) -> None:
    """A client that sends all of an 8 MB body before it reads still gets the answer: the
    server does not reset the connection under it."""
    response = requests.post(
        server.url + "/generations", data=b"x" * (8 * 1024 * 1024), headers=auth(server), timeout=10
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload-too-large"
    assert_still_serving(server)


@pytest.mark.leonardo(max_body=1024)
def test_a_chunked_body_over_max_body_is_refused_413(server: LocalLeonardo) -> None:
    with raw(server) as client:
        headers = {**auth(server), "Transfer-Encoding": "chunked"}
        client.send(request("POST", "/api/rest/v1/generations", headers, b"258\r\n" + b"x" * 600))
        client.send(b"\r\n258\r\n")  # the second 600-byte chunk would pass 1024: not read
        assert_error_answer(client.answer(), 413, "payload-too-large")


@pytest.mark.leonardo(max_body=1024)
def test_expect_100_continue_gets_the_413_instead_of_continue(server: LocalLeonardo) -> None:
    with raw(server) as client:
        headers = {**auth(server), "Content-Length": "5000", "Expect": "100-continue"}
        client.send(request("POST", "/api/rest/v1/generations", headers))
        assert_error_answer(client.answer(), 413)
    with raw(server) as client:  # a body within the limit is still invited
        body = b'{"prompt": "invited"}'
        headers = {**auth(server), "Content-Length": str(len(body)), "Expect": "100-continue"}
        client.send(request("POST", "/api/rest/v1/generations", headers))
        assert client.answer().status == 100
        client.send(body)
        assert client.answer().status == 200


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        ({"Content-Length": str(10**30)}, b""),
        ({"Content-Length": "-5"}, b""),
        ({"Content-Length": "abc"}, b""),
        ({"Content-Length": "+5"}, b"hello"),
        ({"Content-Length": "5, 6"}, b"hello"),
        ({"Transfer-Encoding": "gzip"}, b""),
        ({"Transfer-Encoding": "chunked", "Content-Length": "5"}, b"0\r\n\r\n"),
        ({"Transfer-Encoding": "chunked"}, b"ZZ\r\nhello\r\n0\r\n\r\n"),
        ({"Transfer-Encoding": "chunked"}, b"F" * 40 + b"\r\n"),
        ({"Transfer-Encoding": "chunked"}, b"-1\r\n"),
        ({"Transfer-Encoding": "chunked"}, b"1" * 5000 + b"\r\n"),
        ({"Transfer-Encoding": "chunked"}, b"2\r\nhello\r\n0\r\n\r\n"),
    ],
)
def test_unreadable_body_framing_answers_400(
    server: LocalLeonardo, headers: Dict[str, str], body: bytes, capfd: pytest.CaptureFixture[str]
) -> None:
    with raw(server) as client:
        client.send(request("POST", "/api/rest/v1/generations", {**auth(server), **headers}, body))
        answer = client.answer()
        assert_error_answer(answer, 400, "invalid-request")
        assert answer.headers["connection"] == "close"
        assert client.closed_within(3)
    assert_still_serving(server)
    assert "Traceback" not in capfd.readouterr().err


def test_two_content_lengths_that_disagree_answer_400(server: LocalLeonardo) -> None:
    with raw(server) as client:
        head = b"POST /api/rest/v1/generations HTTP/1.1\r\nContent-Length: 2\r\n"
        client.send(head + b"Content-Length: 3\r\n\r\n{}")
        assert_error_answer(client.answer(), 400)


def test_a_valid_chunked_body_with_extensions_and_trailers_is_read(server: LocalLeonardo) -> None:
    with raw(server) as client:
        body = b'7;ext=1\r\n{"promp\r\n0a\r\nt": "chunk\r\n2\r\n"}\r\n0\r\nX-Trailer: 1\r\n\r\n'
        headers = {**auth(server), "Transfer-Encoding": "chunked"}
        client.send(request("POST", "/api/rest/v1/generations", headers, body))
        assert client.answer().status == 200
    assert server.request_log[-1].json() == {"prompt": "chunk"}


# --- 3. slow, silent and idle clients; stop() --------------------------------------------------


@pytest.mark.leonardo(read_timeout=0.5)
def test_silent_and_partial_connections_close_after_read_timeout(
    server: LocalLeonardo, capfd: pytest.CaptureFixture[str]
) -> None:
    partials = [b"", b"GET /api/rest/v1/me HT", b"GET /api/rest/v1/me HTTP/1.1\r\nHost: x\r\n"]
    partials.append(request("POST", "/api/rest/v1/generations", {"Content-Length": "100"}, b"{"))
    clients: List[Raw] = []
    try:
        for n in range(200):
            client = Raw(server)
            clients.append(client)
            client.send(partials[n % len(partials)])
        assert_still_serving(server)  # while 200 connections hang
        started = time.monotonic()
        still_open = [c for c in clients if not c.closed_within(3)]
        assert still_open == [] and time.monotonic() - started < 4
    finally:
        for client in clients:
            client.close()
    assert_still_serving(server)
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.leonardo(read_timeout=0.6)
def test_a_client_dripping_bytes_cannot_outlast_read_timeout(server: LocalLeonardo) -> None:
    drip = request("GET", "/api/rest/v1/me", {"X-Filler": "y" * 200})
    with raw(server) as client:
        started = time.monotonic()
        closed_after: Optional[float] = None
        for byte in drip[:40]:  # one byte every 0.1 s: 4 s if the server never gives up
            try:
                client.send(bytes([byte]))
            except ConnectionError:
                closed_after = time.monotonic() - started
                break
            readable, _, _ = select.select([client.sock], [], [], 0.1)
            if readable and client.closed_within(0.1):
                closed_after = time.monotonic() - started
                break
        assert closed_after is not None and 0.5 < closed_after < 2.0


@pytest.mark.leonardo(read_timeout=0.5)
def test_keep_alive_connections_serve_requests_then_close_when_idle(server: LocalLeonardo) -> None:
    with raw(server) as client:
        for _ in range(4):  # each request within the timeout: the connection stays up
            client.send(request("GET", "/api/rest/v1/me", auth(server)))
            assert client.answer().status == 200
            time.sleep(0.2)
        started = time.monotonic()
        assert client.closed_within(3)
        assert time.monotonic() - started < 0.5


@pytest.mark.leonardo(max_connections=5, read_timeout=5)
def test_connections_over_max_connections_get_503_without_a_thread(server: LocalLeonardo) -> None:
    before = threading.enumerate()
    held = [Raw(server) for _ in range(5)]
    try:
        for client in held:  # each one answered: all five have their thread
            client.send(request("GET", "/api/rest/v1/me", auth(server)))
            assert client.answer().status == 200
        for _ in range(20):
            with raw(server) as extra:
                answer = extra.answer()  # before it sends a byte
                assert_error_answer(answer, 503, "too-many-connections")
                assert answer.headers["retry-after"] == "1"
                assert extra.closed_within(3)
        assert len(_new_threads(before)) <= 5
        held.pop().close()
        for _ in range(100):  # until the server has seen that close
            if len(_new_threads(before)) < 5:
                break
            time.sleep(0.02)
        assert_still_serving(server)
    finally:
        for client in held:
            client.close()


def _new_threads(before: List[threading.Thread]) -> List[threading.Thread]:
    return [t for t in threading.enumerate() if t not in before and t.is_alive()]


def test_stop_closes_every_connection_and_ends_every_thread(
    caplog: pytest.LogCaptureFixture,
) -> None:
    before = threading.enumerate()
    server = LocalLeonardo(read_timeout=30, complete_after=0).start()
    clients: List[Raw] = []
    try:
        for _ in range(20):  # half a request each
            clients.append(Raw(server))
            clients[-1].send(b"GET /api/rest/v1/me HTTP/1.1\r\nHost")
        for _ in range(5):  # idle keep-alive, after one answer
            clients.append(Raw(server))
            clients[-1].send(request("GET", "/api/rest/v1/me", auth(server)))
            assert clients[-1].answer().status == 200
        clients.append(Raw(server))  # a body that never comes
        clients[-1].send(request("POST", "/api/rest/v1/generations", {"Content-Length": "500"}))
        server.inject("GET /me", delay=60)  # a handler asleep in an injected delay
        clients.append(Raw(server))
        clients[-1].send(request("GET", "/api/rest/v1/me", auth(server)))
        for _ in range(100):  # until the delayed request is inside its handler
            if len(server.request_log) == 6 and len(_new_threads(before)) >= 28:
                break
            time.sleep(0.02)
        assert len(_new_threads(before)) >= 28  # the serve loop and 27 connections

        stopper = threading.Thread(target=server.stop)
        started = time.monotonic()
        stopper.start()
        stopper.join(10)
        assert not stopper.is_alive() and time.monotonic() - started < 3
        assert [t.name for t in _new_threads(before)] == []
        assert all(c.closed_within(1) for c in clients)
        assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    finally:
        server.stop()
        for client in clients:
            client.close()


# --- 4. JSON that is not JSON ------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw_body",
    [
        b'{"prompt": "a", "init_strength": NaN}',
        b'{"prompt": "a", "extra": {"deep": Infinity}}',
        b'{"prompt": "a", "extra": -Infinity}',
        b'{"prompt": "a", "extra": [1e999]}',
    ],
)
def test_non_finite_numbers_are_refused_400(server: LocalLeonardo, raw_body: bytes) -> None:
    response = requests.post(
        server.url + "/generations", data=raw_body, headers=auth(server), timeout=5
    )
    assert response.status_code == 400
    assert response.json()["code"] == "validation-failed"
    listed = requests.get(
        f"{server.url}/generations/user/{server.user_id}", headers=auth(server), timeout=5
    )
    assert json.loads(listed.content, parse_constant=_no_constant) == {"generations": []}


# --- 5. request lines and heads the server cannot take -----------------------------------------


@pytest.mark.parametrize(
    ("sent", "status"),
    [
        (b"NONSENSE\r\n\r\n", 400),
        (b"\x00\xff" * 100 + b"\r\n\r\n", 400),
        (b"GET /api/rest/v1/me HTTP/1.x\r\n\r\n", 400),
        (b"GET /api/rest/v1/me HTTP/1.1 extra\r\n\r\n", 400),
        (b"GET /api/rest/v1/me\r\n\r\n", 400),
        (b"GET /api/rest/v1/me HTTP/9.9\r\n\r\n", 400),  # a version it does not speak
        (b"BREW /pot HTTP/1.1\r\n\r\n", 501),
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\n" + b"X: y\r\n" * 101 + b"\r\n", 431),
        # A head over 64 KiB is refused as it arrives, not after 100 lines of 64 KiB each.
        (b"GET / HTTP/1.1\r\n" + (b"X-A: " + b"z" * 30_000 + b"\r\n") * 3, 431),
        (b"GET / HTTP/1.1\r\n" + b"X-Big: " + b"z" * 70_000 + b"\r\n\r\n", 431),
        (
            b"GET / HTTP/1.1\r\n"
            + b"X-Big: "
            + b"z" * 40_000
            + b"\r\nX-Big2: "
            + b"z" * 40_000
            + b"\r\n\r\n",
            431,
        ),
    ],
)
def test_requests_it_cannot_parse_get_an_http11_json_error(
    server: LocalLeonardo, sent: bytes, status: int, capfd: pytest.CaptureFixture[str]
) -> None:
    with raw(server) as client:
        client.send(sent)
        answer = client.answer()
        assert_error_answer(answer, status)
        assert answer.headers["connection"] == "close"
        assert client.closed_within(3)
    assert_still_serving(server)
    assert "Traceback" not in capfd.readouterr().err


# --- 6. resets are logged, not printed ---------------------------------------------------------


def test_resets_and_garbage_print_no_traceback(
    capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="leonardoaisdk.testing")
    server = LocalLeonardo(complete_after=0).start()
    try:
        created = requests.post(
            server.url + "/generations",
            json={"prompt": "big", "width": 1024, "height": 1024, "num_images": 1},
            headers=auth(server),
            timeout=5,
        ).json()["sdGenerationJob"]["generationId"]
        generation = requests.get(
            f"{server.url}/generations/{created}", headers=auth(server), timeout=5
        ).json()["generations_by_pk"]
        png_path = generation["generated_images"][0]["url"].removeprefix(server.origin)
        sends = [
            b"",  # connect, then reset
            b"GET /api/rest/v1/me HTTP/1.1\r\nHo",  # mid-head
            request(
                "POST", "/api/rest/v1/generations", {"Content-Length": "1000"}, b"{"
            ),  # mid-body
            request("GET", png_path, {}) * 8,  # mid-answer: eight pipelined images, unread
            request("GET", "/api/rest/v1/me", auth(server)) * 50,  # fifty pipelined, unread
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 300,  # TLS to plain HTTP
            b"\xff" * 5000,
        ]
        for _ in range(15):
            for sent in sends:
                client = Raw(server)
                if sent:
                    client.send(sent)
                client.reset()
        for _ in range(100):  # until the server has seen resets, not just sent them
            if any("ended" in r.getMessage() for r in caplog.records):
                break
            time.sleep(0.02)
        assert_still_serving(server)
    finally:
        server.stop()  # waits for every connection thread, so all their output is in
    assert any("ended" in r.getMessage() for r in caplog.records)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Exception occurred" not in err


# --- 7. the command takes the limits ---------------------------------------------------------


def test_module_command_takes_the_limits() -> None:
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "leonardoaisdk.testing", "--port", "0", "--api-key", "k"),
            *("--read-timeout", "0.5", "--max-body", "100", "--max-log-entries", "5"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip().partition("=")[2]
        assert url.startswith("http://127.0.0.1:")
        headers = {"Authorization": "Bearer k"}
        refused = requests.post(url + "/generations", data=b"{" * 101, headers=headers, timeout=5)
        assert refused.status_code == 413
        host, port = url.removeprefix("http://").split("/", 1)[0].split(":")
        with socket.create_connection((host, int(port)), timeout=5) as idle:
            started = time.monotonic()
            assert idle.recv(1) == b"" and time.monotonic() - started < 3
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert "Traceback" not in err
