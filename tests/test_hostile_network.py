"""The SDK's promises against servers that misbehave on purpose, built for real on 127.0.0.1:
no POST sent twice, every call within its deadline, bounded memory, the key never shown."""

from __future__ import annotations

import gzip
import json
import os
import pickle
import socket
import time
import tracemalloc
from pathlib import Path
from typing import Any, Iterator

import pytest
import trustme

import leonardoaisdk
from leonardoaisdk import errors
from leonardoaisdk.models import operations
from leonardoaisdk.utils import BackoffStrategy, RetryConfig

from . import payloads
from .hostile_servers import Connection, RawServer, http_answer

TOKEN = "hostile-test-token-7c1e55b2a9"
CREATED = json.dumps(
    {"sdGenerationJob": {"generationId": payloads.GENERATION_ID, "apiCreditCost": 6}}
).encode()
FOUND = json.dumps({"generations_by_pk": payloads.generation(status="PENDING")}).encode()
FAST_RETRIES = RetryConfig("backoff", BackoffStrategy(10, 20, 2.0, 10_000), max_retries=2)


def sdk_for(server: RawServer, **kwargs: Any) -> leonardoaisdk.LeonardoAiSDK:
    kwargs.setdefault("retry_config", FAST_RETRIES)
    return leonardoaisdk.LeonardoAiSDK(bearer_auth=TOKEN, server_url=server.url, **kwargs)


def create(s: leonardoaisdk.LeonardoAiSDK) -> Any:
    return s.generation.create_generation(operations.CreateGenerationRequestBody(prompt="a fox"))


# --- money: a POST that may have reached the server is never sent again -----------------------


@pytest.fixture
def tls_trust(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A CA made for this test, trusted through REQUESTS_CA_BUNDLE, and a server context."""
    ca = trustme.CA()
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    context = __import__("ssl").create_default_context(__import__("ssl").Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    yield context


def test_a_post_after_a_tls_handshake_failure_is_sent_again(tls_trust: Any) -> None:
    def handler(conn: Connection) -> None:
        if conn.number == 1:  # no handshake: plain text where a ServerHello belongs
            conn.sock.recv(4096)
            conn.send(b"HTTP/1.1 400 Bad Request\r\n\r\n")
            return
        conn.read_request()
        conn.send(http_answer(body=CREATED))

    with RawServer(handler, tls=tls_trust, plain_first=1) as server:
        result = create(sdk_for(server))
        assert result.object.sd_generation_job.generation_id == payloads.GENERATION_ID
        assert server.connections == 2
        assert server.count("POST") == 1


def test_a_tls_error_after_the_request_was_read_never_repeats_the_post(tls_trust: Any) -> None:
    def handler(conn: Connection) -> None:
        conn.read_request()
        # Bytes that are no TLS record, under the TLS layer: the client's read fails.
        raw = socket.socket(fileno=os.dup(conn.sock.fileno()))
        try:
            raw.sendall(b"\x17\x03\x03\x00\x10not-a-tls-record-at-all")
        finally:
            raw.close()
        time.sleep(0.2)

    with RawServer(handler, tls=tls_trust) as server:
        with pytest.raises(errors.APIConnectionError) as caught:
            create(sdk_for(server))
        time.sleep(0.3)  # a retry, were there one, would have arrived by now
        assert server.count("POST") == 1
        assert server.connections == 1
        assert TOKEN not in str(caught.value)


@pytest.mark.parametrize("how", ["close", "reset"])
def test_a_post_whose_answer_never_comes_is_sent_once(how: str) -> None:
    def handler(conn: Connection) -> None:
        conn.read_request()
        if how == "reset":
            conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")

    with RawServer(handler) as server:
        with pytest.raises(errors.APIConnectionError):
            create(sdk_for(server))
        time.sleep(0.2)
        assert server.count("POST") == 1


# --- time: every call ends within the time the caller gave -----------------------------------


def drip_headers(conn: Connection) -> None:
    conn.read_request()
    conn.drip(http_answer(body=FOUND), every=0.5, stop_after=15)


def drip_body(conn: Connection) -> None:
    conn.read_request()
    answer = http_answer(body=FOUND)
    head, _, body = answer.partition(b"\r\n\r\n")
    conn.send(head + b"\r\n\r\n")
    conn.drip(body, every=0.5, stop_after=15)


@pytest.mark.parametrize("dripper", [drip_headers, drip_body], ids=["headers", "body"])
def test_a_dripping_server_cannot_hold_a_call_past_its_timeout(dripper: Any) -> None:
    with RawServer(dripper) as server:
        s = sdk_for(server, retry_config="none")
        started = time.monotonic()
        with pytest.raises(errors.APITimeoutError):
            s.generation.get_generation_by_id(payloads.GENERATION_ID, timeout=2)
        took = time.monotonic() - started
    assert 1.9 < took < 3.0


def test_retries_of_a_dripping_server_end_within_the_elapsed_limit() -> None:
    policy = RetryConfig("backoff", BackoffStrategy(10, 20, 2.0, 3_000), max_retries=10)
    with RawServer(drip_body) as server:
        s = sdk_for(server, retry_config=policy)
        started = time.monotonic()
        with pytest.raises(errors.APITimeoutError):
            s.generation.get_generation_by_id(payloads.GENERATION_ID, timeout=1)
        took = time.monotonic() - started
        assert server.count("GET") >= 2  # it did retry, cut to what was left
    assert took < 3.6


def test_a_wait_ends_at_its_timeout_against_a_silent_server() -> None:
    def silent(conn: Connection) -> None:
        conn.read_request()
        conn.server.stopping.wait(15)

    with RawServer(silent) as server:
        s = sdk_for(server)
        started = time.monotonic()
        with pytest.raises(errors.WaitTimeoutError):
            s.generation.wait_for_generation(payloads.GENERATION_ID, timeout=2)
        took = time.monotonic() - started
    assert took < 2.6


def test_paging_stops_when_the_server_ignores_offset() -> None:
    page = json.dumps(payloads.generations_page(count=3, images=1)).encode()

    def same_page(conn: Connection) -> None:
        for _ in range(100):
            conn.read_request()
            conn.send(http_answer(body=page))

    with RawServer(same_page) as server:
        s = sdk_for(server)
        found = list(s.generation.iter_generations_by_user_id(payloads.USER_ID, page_size=3))
        assert len(found) == 3
        assert server.count("GET") == 3  # the first page, and twice the same again


def test_a_bad_page_size_fails_at_the_call_not_at_the_first_next() -> None:
    s = leonardoaisdk.LeonardoAiSDK(bearer_auth=TOKEN)
    for bad in (0, -1, "5", True, 2.5):
        with pytest.raises(errors.RequestValidationError, match="page_size"):
            s.generation.iter_generations_by_user_id(payloads.USER_ID, page_size=bad)


# --- memory: a hostile answer cannot exhaust the process --------------------------------------


def test_a_declared_huge_body_is_refused_unread() -> None:
    def huge(conn: Connection) -> None:
        conn.read_request()
        conn.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
        conn.send(b"Content-Length: 600000000\r\n\r\n{")
        for _ in range(200):  # at most 12.5 MiB, were the client to keep reading
            conn.send(b" " * 65536)

    with RawServer(huge) as server:
        s = sdk_for(server, max_response_bytes=1_000_000)
        with pytest.raises(errors.ResponseValidationError, match="max_response_bytes"):
            s.generation.get_generation_by_id(payloads.GENERATION_ID)


@pytest.mark.parametrize("encoding", ["chunked", "gzip"])
def test_an_endless_or_inflating_body_stops_at_the_cap_with_bounded_memory(encoding: str) -> None:
    zeros = gzip.compress(b" " * (64 * 1024 * 1024), compresslevel=9)  # ~64 KiB -> 64 MiB

    def endless(conn: Connection) -> None:
        conn.read_request()
        if encoding == "gzip":
            conn.send(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
                + f"Content-Length: {len(zeros)}\r\n\r\n".encode()
                + zeros
            )
            return
        conn.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
        conn.send(b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b" " * 65536
        for _ in range(1000):  # 64 MiB at most
            conn.send(b"10000\r\n" + chunk + b"\r\n")

    with RawServer(endless) as server:
        s = sdk_for(server, max_response_bytes=2_000_000, retry_config="none")
        tracemalloc.start()
        try:
            with pytest.raises(errors.ResponseValidationError, match="max_response_bytes"):
                s.generation.get_generation_by_id(payloads.GENERATION_ID)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 8_000_000


# --- secrets: the key appears nowhere it was not sent -----------------------------------------


def echoing(status: str, content_type: str = "application/json") -> Any:
    def handler(conn: Connection) -> None:
        conn.read_request()
        # An error body for the statuses; for a 200, a shape no model accepts.
        echo = f"bad key {TOKEN}"
        body = json.dumps({"error": echo, "code": "x", "generations_by_pk": echo}).encode()
        conn.send(
            http_answer(status, body=body, content_type=content_type, extra=f"X-Echo: {TOKEN}\r\n")
        )

    return handler


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
    with RawServer(echoing(status, content_type)) as server:
        s = sdk_for(server, retry_config="none")
        with pytest.raises(error_type) as caught:
            s.generation.get_generation_by_id(payloads.GENERATION_ID)
    error = caught.value
    shown = [str(error), repr(error), error.body, error.message, str(error.raw_response.reason)]
    shown += [f"{k}: {v}" for k, v in error.raw_response.headers.items()]
    assert all(TOKEN not in text for text in shown), shown
    assert TOKEN.encode() not in pickle.dumps(error)
    assert TOKEN.encode() not in error.raw_response.content


def test_a_pickled_response_or_error_never_carries_the_key_in_request_headers() -> None:
    def found(conn: Connection) -> None:
        conn.read_request()
        conn.send(http_answer(body=FOUND))
        conn.read_request()
        conn.send(http_answer("404 Not Found", body=b'{"error": "no"}'))

    with RawServer(found) as server:
        s = sdk_for(server)
        response = s.generation.get_generation_by_id(payloads.GENERATION_ID)
        with pytest.raises(errors.NotFoundError) as caught:
            s.generation.get_generation_by_id(payloads.GENERATION_ID)
    sent = response.raw_response.request.headers["Authorization"]
    assert sent == f"Bearer {TOKEN}"  # what went on the wire
    assert TOKEN not in repr(response.raw_response.request.headers)
    for obj in (response, response.raw_response, caught.value):
        assert TOKEN.encode() not in pickle.dumps(obj)
    revived = pickle.loads(pickle.dumps(caught.value))
    assert isinstance(revived, errors.NotFoundError) and revived.status_code == 404


def test_a_password_in_the_server_url_never_shows_in_errors() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    s = leonardoaisdk.LeonardoAiSDK(
        bearer_auth=TOKEN,
        server_url=f"http://alice:hunter2-secret@127.0.0.1:{port}/api/rest/v1",
        retry_config="none",
    )
    with pytest.raises(errors.APIConnectionError) as caught:
        s.user.get_user_self()
    assert "hunter2-secret" not in str(caught.value) and "hunter2-secret" not in repr(s)
    assert "127.0.0.1" in str(caught.value)


# --- crashes and unclear errors ---------------------------------------------------------------


@pytest.mark.parametrize(
    "retry_after",
    [
        "Fri, 31 Dec 2147483648 23:59:59 GMT",  # a year past 2**31: OverflowError in datetime
        "Fri, 31 Dec 99999999999 23:59:59 GMT",
        "Fri, 31 Dec 99999 23:59:59 GMT",
        "Mon, 01 Jan 10000 00:00:00 GMT",
        "1e400",
        "nan",
        "-5",
    ],
)
def test_any_retry_after_gives_a_rate_limit_error(retry_after: str) -> None:
    def limited(conn: Connection) -> None:
        conn.read_request()
        conn.send(http_answer("429 Too Many Requests", extra=f"Retry-After: {retry_after}\r\n"))

    with RawServer(limited) as server:
        s = sdk_for(server, retry_config="none")
        with pytest.raises(errors.RateLimitError) as caught:
            s.user.get_user_self()
    assert caught.value.retry_after is None or caught.value.retry_after >= 0


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"bearer_auth": "ключ-123"}, "ASCII"),
        ({"bearer_auth": "Bearer abc123"}, "without the prefix"),
        ({"bearer_auth": "abc\n123"}, "ASCII"),
        ({"timeout": float("inf")}, "at most"),
        ({"timeout": 1e10}, "at most"),
        ({"timeout": float("nan")}, "positive"),
        ({"timeout": (5, float("inf"))}, "at most"),
        ({"client": "x"}, "requests.Session"),
        ({"max_response_bytes": 0}, "max_response_bytes"),
        ({"max_download_bytes": "1"}, "max_download_bytes"),
    ],
)
def test_bad_settings_are_refused_when_the_sdk_is_made(kwargs: Any, says: str) -> None:
    kwargs.setdefault("bearer_auth", TOKEN)
    with pytest.raises(errors.ConfigurationError, match=says):
        leonardoaisdk.LeonardoAiSDK(**kwargs)


def test_a_bad_key_from_the_environment_is_refused_when_the_sdk_is_made(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LEONARDO_API_KEY", "ключ-123")
    with pytest.raises(errors.ConfigurationError, match="LEONARDO_API_KEY"):
        leonardoaisdk.LeonardoAiSDK()


def test_a_bad_key_from_a_callable_is_refused_before_sending() -> None:
    s = leonardoaisdk.LeonardoAiSDK(bearer_auth=lambda: "ключ-123", server_url="http://127.0.0.1:9")
    with pytest.raises(errors.ConfigurationError, match="ASCII"):
        s.user.get_user_self()


@pytest.mark.parametrize("bad", [float("inf"), 1e10, -1, 0])
def test_a_bad_timeout_per_call_is_refused(bad: float) -> None:
    s = leonardoaisdk.LeonardoAiSDK(bearer_auth=TOKEN, server_url="http://127.0.0.1:9")
    with pytest.raises(errors.ConfigurationError, match="timeout"):
        s.user.get_user_self(timeout=bad)
    with pytest.raises(errors.RequestValidationError, match="timeout"):
        s.generation.wait_for_generation(payloads.GENERATION_ID, timeout=bad)


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda: BackoffStrategy(initial_interval=-1000), "initial_interval"),
        (lambda: BackoffStrategy(max_interval=-5), "max_interval"),
        (lambda: BackoffStrategy(exponent=float("nan")), "exponent"),
        (lambda: BackoffStrategy(max_elapsed_time="10"), "max_elapsed_time"),
        (lambda: RetryConfig(max_retries="3"), "max_retries"),
        (lambda: RetryConfig(max_retries=-1), "max_retries"),
        (lambda: RetryConfig(backoff="fast"), "backoff"),
        (lambda: RetryConfig(retry_connection_errors="yes"), "retry_connection_errors"),
    ],
)
def test_bad_retry_settings_are_refused_when_made(make: Any, says: str) -> None:
    with pytest.raises(errors.ConfigurationError, match=says):
        make()
