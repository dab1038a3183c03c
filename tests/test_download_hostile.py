"""download_images / download_generation against hostile CDNs: bodies that are not images,
ids that sanitize alike, link-local URLs, bodies past the size cap, wrong argument types.

LocalLeonardo serves what it can express (injected bodies); a raw-socket server on 127.0.0.1
serves the rest (no Content-Type, gzip bombs, endless bodies)."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import os
import socket
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import pytest

import leonardoaisdk
from leonardoaisdk import _defaults, errors
from leonardoaisdk._download import download_generation
from leonardoaisdk.models import operations, shared
from leonardoaisdk.testing import LocalLeonardo

pytestmark = pytest.mark.leonardo(complete_after=0.05)

CDN = "GET /cdn/generations/{id}/{file}"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64)
GIF = b"GIF89a" + bytes(64)
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(64)
MP4 = b"\x00\x00\x00\x18ftypmp42" + bytes(64)


def make_sdk(server: LocalLeonardo) -> leonardoaisdk.LeonardoAiSDK:
    return leonardoaisdk.LeonardoAiSDK(
        bearer_auth=server.api_key, server_url=server.url, retry_config="none"
    )


@pytest.fixture
def sdk(server: LocalLeonardo) -> leonardoaisdk.LeonardoAiSDK:
    return make_sdk(server)


def complete_generation(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK, num_images: int = 1
) -> operations.GetGenerationByIDGenerations:
    request = operations.CreateGenerationRequestBody(prompt="a fox", num_images=num_images)
    job = sdk.generation.create_generation(request).object.sd_generation_job
    server.complete(job.generation_id)
    return sdk.generation.wait_for_generation(job.generation_id, poll_interval=0.05)


def generation_at(
    *urls: str, generation_id: str = "g-1"
) -> operations.GetGenerationByIDGenerations:
    return operations.GetGenerationByIDGenerations(
        id=generation_id,
        status=shared.JobStatus.COMPLETE,
        generated_images=[operations.GeneratedImages(url=url) for url in urls],
    )


def with_url(
    generation: operations.GetGenerationByIDGenerations, url: str
) -> operations.GetGenerationByIDGenerations:
    (image,) = generation.generated_images
    return dataclasses.replace(generation, generated_images=[dataclasses.replace(image, url=url)])


# --- a raw HTTP server, for answers LocalLeonardo cannot give ------------------------------------

Respond = Callable[[socket.socket], bool]


class RawServer:
    """Answers every request on 127.0.0.1 with ``respond(connection)``; a connection is kept
    for more requests unless the answer said ``Connection: close``. Bounded: it stops
    accepting after 60 s, and serves at most 16 requests per connection."""

    def __init__(self, respond: Respond) -> None:
        self.respond = respond
        self.paths: List[str] = []
        self.finished = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def _accept(self) -> None:
        deadline = time.monotonic() + 60
        while not self._stop.is_set() and time.monotonic() < deadline:
            try:
                connection, _ = self._listener.accept()
            except socket.timeout:
                continue
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        with connection:
            connection.settimeout(5)
            for _ in range(16):
                head = b""
                try:
                    for _ in range(64):  # a request head of at most 256 KiB
                        if b"\r\n\r\n" in head:
                            break
                        data = connection.recv(4096)
                        if not data:
                            return
                        head += data
                except OSError:  # an idle connection timed out or was closed
                    return
                self.paths.append(head.split(b" ", 2)[1].decode("latin-1"))
                try:
                    keep = self.respond(connection)
                except OSError:
                    return  # the client hung up, as a client refusing the body does
                finally:
                    self.finished.set()
                if not keep:
                    return

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._listener.close()


@pytest.fixture
def raw_server() -> Iterator[Callable[[Respond], RawServer]]:
    started: List[RawServer] = []

    def start(respond: Respond) -> RawServer:
        started.append(RawServer(respond))
        return started[-1]

    yield start
    for server in started:
        server.close()


def answer(body: bytes, headers: Dict[str, str], *, framing: str = "length") -> Respond:
    """A 200 with ``body``, framed by Content-Length, by chunks, or by closing the connection."""

    def respond(connection: socket.socket) -> bool:
        lines = ["HTTP/1.1 200 OK", *(f"{name}: {value}" for name, value in headers.items())]
        payload = body
        if framing == "length":
            lines.append(f"Content-Length: {len(body)}")
        elif framing == "chunked":
            lines.append("Transfer-Encoding: chunked")
            pieces = [body[i : i + 4096] for i in range(0, len(body), 4096)]
            payload = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"
        else:
            lines.append("Connection: close")
        connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + payload)
        return framing != "close"

    return respond


# --- 1. what is not an image or video is refused, and nothing is left --------------------------


@pytest.mark.parametrize(
    ("content_type", "body", "found"),
    [
        ("text/html; charset=utf-8", b"<!doctype html><title>Access denied</title>", "text/html"),
        ("application/json", b'{"message": "Forbidden"}', "application/json"),
        ("image/png", b"<?xml version='1.0'?><Error>AccessDenied</Error>", "<?xml"),
        ("application/octet-stream", b"plain words, not pixels", "plain words"),
        ("image/png", b"", "b''"),
    ],
)
def test_a_body_that_is_not_an_image_is_refused_and_leaves_nothing(
    server: LocalLeonardo,
    sdk: leonardoaisdk.LeonardoAiSDK,
    tmp_path: Path,
    content_type: str,
    body: bytes,
    found: str,
) -> None:
    generation = complete_generation(server, sdk)
    (image,) = generation.generated_images
    signed = with_url(generation, image.url + "?X-Amz-Signature=s3cr3t-signature")
    server.inject(CDN, body=body, content_type=content_type)
    with pytest.raises(errors.ResponseValidationError) as caught:
        sdk.generation.download_images(signed, tmp_path)
    message = str(caught.value)
    assert image.url in message and "not an image or video" in message and found in message
    assert "s3cr3t" not in message
    assert os.listdir(tmp_path) == []
    assert [r.route for r in server.request_log].count(CDN) == 1  # refused, not retried


def test_a_body_without_content_type_is_refused_unless_its_bytes_are_an_image(
    raw_server: Callable[[Respond], RawServer], sdk: leonardoaisdk.LeonardoAiSDK, tmp_path: Path
) -> None:
    html = raw_server(answer(b"<html>login</html>", {}))
    with pytest.raises(errors.ResponseValidationError, match="no Content-Type, body starting"):
        sdk.generation.download_images(generation_at(f"{html.origin}/a.png"), tmp_path)
    assert os.listdir(tmp_path) == [] and html.paths == ["/a.png"]

    jpeg = raw_server(answer(JPEG, {}))
    (path,) = sdk.generation.download_images(generation_at(f"{jpeg.origin}/a.png"), tmp_path)
    assert path.name == "g-1-0.jpg" and path.read_bytes() == JPEG


@pytest.mark.parametrize(
    ("content_type", "body", "extension"),
    [
        ("image/jpeg", JPEG, ".jpg"),
        ("image/webp", WEBP, ".webp"),
        ("image/gif", GIF, ".gif"),
        ("video/mp4", MP4, ".mp4"),
        ("application/octet-stream", PNG, ".png"),
    ],
)
def test_the_extension_comes_from_the_bytes_not_the_url(
    server: LocalLeonardo,
    sdk: leonardoaisdk.LeonardoAiSDK,
    tmp_path: Path,
    content_type: str,
    body: bytes,
    extension: str,
) -> None:
    generation = complete_generation(server, sdk)
    server.inject(CDN, body=body, content_type=content_type)  # at a URL ending in .png
    (path,) = sdk.generation.download_images(generation, tmp_path)
    assert path.name == f"{generation.id}-0{extension}" and path.read_bytes() == body
    assert os.listdir(tmp_path) == [path.name]


def test_a_body_ended_by_closing_the_connection_is_saved_whole(
    raw_server: Callable[[Respond], RawServer], sdk: leonardoaisdk.LeonardoAiSDK, tmp_path: Path
) -> None:
    body = PNG + bytes(300_000)  # larger than any read buffer: read across many recv calls
    served = raw_server(answer(body, {"Content-Type": "image/png"}, framing="close"))
    (path,) = sdk.generation.download_images(generation_at(f"{served.origin}/c.png"), tmp_path)
    assert path.read_bytes() == body


# --- 2. file names are unique per id ----------------------------------------------------------


def short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def test_ids_that_sanitize_alike_get_files_of_their_own(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK, tmp_path: Path
) -> None:
    generation = complete_generation(server, sdk)
    ids = ["job.1", "job/1", "job_1", "JOB_1", "ジョブ", "生成", "", "../../x", "x"]
    names = []
    for generation_id in ids:
        (path,) = sdk.generation.download_images(
            dataclasses.replace(generation, id=generation_id), tmp_path
        )
        assert path.parent == tmp_path
        names.append(path.name)
    assert len(set(names)) == len(ids) and sorted(os.listdir(tmp_path)) == sorted(names)
    assert names[0] == f"job_1~{short_hash('job.1')}-0.png"
    assert names[2] == "job_1-0.png" and names[-1] == "x-0.png"  # safe ids keep their name
    assert names[4] == f"generation~{short_hash('ジョブ')}-0.png"
    assert names[7] == f"x~{short_hash('../../x')}-0.png"
    again = sdk.generation.download_images(dataclasses.replace(generation, id="job.1"), tmp_path)
    assert [p.name for p in again] == [names[0]]  # stable: downloading again replaces


def test_a_long_id_is_shortened_without_colliding(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK, tmp_path: Path
) -> None:
    generation = complete_generation(server, sdk)
    ids = ["a" * 120 + "1", "a" * 120 + "2"]
    names = [
        sdk.generation.download_images(dataclasses.replace(generation, id=i), tmp_path)[0].name
        for i in ids
    ]
    assert names[0] != names[1] and all(len(n) < 120 for n in names)


# --- 3. link-local hosts (cloud metadata) are refused before any connection ---------------------


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> List[Any]:
    """Every name looked up and every address a socket connects to. Anything but loopback is
    stopped, so that even code that fails these tests cannot reach the network or DNS."""
    attempts: List[Any] = []
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        if address[0] not in ("127.0.0.1", "::1"):
            raise OSError(f"test guard: no connection to {address[0]}")
        real_connect(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        attempts.append(host)
        if host not in ("127.0.0.1", "::1", "localhost"):
            raise socket.gaierror(socket.EAI_NONAME, f"test guard: no lookup of {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return attempts


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "https://169.254.0.1:8443/x.png",
        "http://169.254.169.254./x.png",
        "http://[fe80::1]/x.png",
        "http://[FE80::a9fe:a9fe%25eth0]/x.png",
        "http://[febf::1]/x.png",
        "http://[::ffff:169.254.169.254]/x.png",
        "http://[::ffff:a9fe:a9fe]/x.png",
        "http://[::169.254.169.254]/x.png",
        "http://2852039166/x.png",
        "http://0xa9fea9fe/x.png",
        "http://169.254.43518/x.png",
        "http://0251.0376.0251.0376/x.png",
        "http://user:pw@169.254.169.254/x.png",
    ],
)
def test_link_local_image_urls_are_refused_before_any_connection(
    connections: List[Any], sdk: leonardoaisdk.LeonardoAiSDK, tmp_path: Path, url: str
) -> None:
    with pytest.raises(errors.ResponseValidationError, match="link-local address"):
        sdk.generation.download_images(generation_at(url), tmp_path)
    assert connections == []
    assert os.listdir(tmp_path) == []


def test_one_link_local_url_stops_the_whole_download_before_it_starts(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK, tmp_path: Path
) -> None:
    generation = complete_generation(server, sdk, num_images=2)
    first, second = generation.generated_images
    mixed = dataclasses.replace(
        generation,
        generated_images=[first, dataclasses.replace(second, url="http://169.254.169.254/a")],
    )
    server.clear_log()
    with pytest.raises(errors.ResponseValidationError, match="link-local"):
        sdk.generation.download_images(mixed, tmp_path / "out")
    assert server.request_log == [] and not (tmp_path / "out").exists()


def test_ordinary_hosts_are_still_fetched(
    raw_server: Callable[[Respond], RawServer], sdk: leonardoaisdk.LeonardoAiSDK, tmp_path: Path
) -> None:
    served = raw_server(answer(PNG, {"Content-Type": "image/png"}))
    port = served.origin.rsplit(":", 1)[1]
    for host in ("127.0.0.1", "localhost", "[::ffff:127.0.0.1]"):
        generation = generation_at(f"http://{host}:{port}/p.png", generation_id=host.strip("[]"))
        (path,) = sdk.generation.download_images(generation, tmp_path)
        assert path.read_bytes() == PNG


# --- 4. a size cap, counted after decompression ------------------------------------------------


def download_capped(
    sdk: leonardoaisdk.LeonardoAiSDK, url: str, folder: Path, max_bytes: Optional[int]
) -> List[Path]:
    return download_generation(
        sdk.generation._pipeline, generation_at(url), folder, max_bytes=max_bytes
    )


@pytest.mark.parametrize("framing", ["length", "chunked"])
def test_a_body_past_the_cap_is_refused_and_deleted(
    raw_server: Callable[[Respond], RawServer],
    sdk: leonardoaisdk.LeonardoAiSDK,
    tmp_path: Path,
    framing: str,
) -> None:
    body = PNG + bytes(200_000)
    served = raw_server(answer(body, {"Content-Type": "image/png"}, framing=framing))
    with pytest.raises(errors.ResponseValidationError, match="larger than the download limit"):
        download_capped(sdk, f"{served.origin}/big.png", tmp_path, 100_000)
    assert os.listdir(tmp_path) == []
    (path,) = download_capped(sdk, f"{served.origin}/big.png", tmp_path, len(body))
    assert path.read_bytes() == body  # exactly at the cap is allowed


def test_a_gzip_body_that_inflates_past_the_cap_is_refused(
    raw_server: Callable[[Respond], RawServer], sdk: leonardoaisdk.LeonardoAiSDK, tmp_path: Path
) -> None:
    inflated = PNG + bytes(8 * 1024 * 1024)
    compressed = gzip.compress(inflated)
    assert len(compressed) < 100_000 < len(inflated)
    headers = {"Content-Type": "image/png", "Content-Encoding": "gzip"}
    served = raw_server(answer(compressed, headers))
    with pytest.raises(errors.ResponseValidationError, match="larger than the download limit"):
        download_capped(sdk, f"{served.origin}/bomb.png", tmp_path, 1024 * 1024)
    assert os.listdir(tmp_path) == []
    (path,) = download_capped(sdk, f"{served.origin}/bomb.png", tmp_path, len(inflated))
    assert path.stat().st_size == len(inflated)  # the cap counts inflated bytes, exactly


def test_an_endless_body_is_not_read_to_its_end(
    raw_server: Callable[[Respond], RawServer], sdk: leonardoaisdk.LeonardoAiSDK, tmp_path: Path
) -> None:
    chunk = bytes(64 * 1024)
    offered = 1024 * len(chunk)  # 64 MiB, if the client kept reading
    sent: List[int] = [0]

    def endless(connection: socket.socket) -> bool:
        head = "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nTransfer-Encoding: chunked\r\n\r\n"
        connection.sendall(head.encode() + b"%x\r\n%s\r\n" % (len(PNG), PNG))
        for _ in range(offered // len(chunk)):
            connection.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sent[0] += len(chunk)
        connection.sendall(b"0\r\n\r\n")
        return False

    served = raw_server(endless)
    started = time.monotonic()
    with pytest.raises(errors.ResponseValidationError, match="larger than the download limit"):
        download_capped(sdk, f"{served.origin}/endless.png", tmp_path, 256 * 1024)
    assert served.finished.wait(10)
    assert sent[0] < offered // 4 and time.monotonic() - started < 10
    assert os.listdir(tmp_path) == []


def test_the_cap_is_the_sdks_max_download_bytes(
    raw_server: Callable[[Respond], RawServer], server: LocalLeonardo, tmp_path: Path
) -> None:
    served = raw_server(answer(PNG + bytes(5000), {"Content-Type": "image/png"}))
    assert leonardoaisdk.LeonardoAiSDK(
        bearer_auth=server.api_key, server_url=server.url
    )._pipeline.max_download_bytes == _defaults.MAX_DOWNLOAD_BYTES
    sdk = leonardoaisdk.LeonardoAiSDK(
        bearer_auth=server.api_key, server_url=server.url, max_download_bytes=4096
    )
    with pytest.raises(errors.ResponseValidationError, match="limit of 4096 bytes"):
        sdk.generation.download_images(generation_at(f"{served.origin}/p.png"), tmp_path)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("max_bytes", [0, -1, True, 1.5, "1000"])
def test_a_cap_that_is_not_a_positive_int_is_refused(
    sdk: leonardoaisdk.LeonardoAiSDK, tmp_path: Path, max_bytes: Any
) -> None:
    with pytest.raises(errors.RequestValidationError, match="max_bytes must be a positive int"):
        download_capped(sdk, "http://127.0.0.1:1/p.png", tmp_path, max_bytes)


# --- 5. wrong argument types are a clear error before any request -----------------------------


@pytest.mark.parametrize(
    ("generation", "dest_dir", "message"),
    [
        (123, "out", "takes a generation id \\(str\\) or a generation .*not int"),
        (None, "out", "takes a generation id \\(str\\) or a generation .*not None"),
        (b"id", "out", "not bytes"),
        ({"id": "x", "status": "COMPLETE"}, "out", "not dict"),
        ("GENERATION", None, "dest_dir must be the folder to save into.*not None"),
        ("GENERATION", 42, "dest_dir must be .*not int"),
        ("GENERATION", b"out", "dest_dir must be .*not bytes"),
        ("GENERATION", "", "dest_dir must be .*not ''"),
        ("GENERATION", "a\0b", "dest_dir must be"),
    ],
)
def test_wrong_argument_types_are_a_request_validation_error_before_any_request(
    server: LocalLeonardo,
    sdk: leonardoaisdk.LeonardoAiSDK,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    generation: Any,
    dest_dir: Any,
    message: str,
) -> None:
    if generation == "GENERATION":
        generation = complete_generation(server, sdk)
    monkeypatch.chdir(tmp_path)
    server.clear_log()
    with pytest.raises(errors.RequestValidationError, match=message):
        sdk.generation.download_images(generation, dest_dir)
    assert server.request_log == [] and os.listdir(tmp_path) == []


def test_broken_generation_fields_are_a_request_validation_error(
    server: LocalLeonardo, sdk: leonardoaisdk.LeonardoAiSDK, tmp_path: Path
) -> None:
    generation = complete_generation(server, sdk)
    broken: List[Tuple[Any, str]] = [
        (dataclasses.replace(generation, id=7), "id must be a str, not int"),
        (dataclasses.replace(generation, generated_images="x.png"), "must be a list, not str"),
        (with_url(generation, 5), "a URL must be a str, not int"),
    ]
    server.clear_log()
    for value, message in broken:
        with pytest.raises(errors.RequestValidationError, match=message):
            sdk.generation.download_images(value, tmp_path)
    assert server.request_log == [] and os.listdir(tmp_path) == []


def test_a_redirect_to_a_link_local_host_is_not_followed(
    connections: List[Any], sdk: leonardoaisdk.LeonardoAiSDK, tmp_path: Path, raw_server: Any
) -> None:
    metadata = "http://169.254.169.254/latest/meta-data/"

    def redirect(connection: socket.socket) -> bool:
        connection.sendall(
            f"HTTP/1.1 302 Found\r\nLocation: {metadata}\r\nContent-Length: 0\r\n\r\n".encode()
        )
        return True

    server = raw_server(redirect)
    image_url = f"{server.origin}/cdn/a.png"
    with pytest.raises(errors.ResponseValidationError, match="link-local address"):
        sdk.generation.download_images(generation_at(image_url), tmp_path)
    assert all(address[0] == "127.0.0.1" for address in connections if isinstance(address, tuple))
    assert os.listdir(tmp_path) == []
