"""The ``leonardo`` console script against odd and hostile servers: answers with fields missing
or null, text with control characters, the API key echoed back. Run as a subprocess against
LocalLeonardo with injected bodies, or against a small http.server on 127.0.0.1 for what
LocalLeonardo cannot send (reason phrases)."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest

from leonardoaisdk.testing import LocalLeonardo

LEONARDO = str(Path(sys.executable).with_name("leonardo"))
ME = "GET /me"
CREATE = "POST /generations"
GET = "GET /generations/{id}"
LIST = "GET /generations/user/{userId}"

pytestmark = pytest.mark.leonardo(complete_after=0.05)


def run(server_url: str, key: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "LEONARDO_API_KEY"}
    environment.update(env, LEONARDO_API_KEY=key)
    return subprocess.run(
        [LEONARDO, *args, "--server-url", server_url],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )


def against(server: LocalLeonardo, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run(server.url, server.api_key, *args, **env)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0 and result.stderr == "", result.stdout + result.stderr
    return result.stdout


def one_line_error(result: subprocess.CompletedProcess[str], contains: str) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("leonardo: error: ") and contains in lines[0], lines[0]
    return lines[0]


def no_raw_controls(text: str) -> None:
    """No character of C0 (but the line ends) or C1, no DEL, no bidi override."""
    for char in text:
        if char == "\n":
            continue
        assert char.isprintable(), f"raw {char!r} in {text!r}"


def generation_body(**fields: Any) -> str:
    generation = {"id": "g-1", "status": "COMPLETE", "prompt": "a fox", **fields}
    return json.dumps({"generations_by_pk": generation})


# --- 6. odd but well-formed answers: a one-line error or what can be shown, never a traceback ---


@pytest.mark.parametrize(
    "me",
    [
        {"user_details": []},
        {},
        {"user_details": None},
        {"user_details": [None]},
        {"user_details": [{}]},
        {"user_details": [{"user": None}]},
        {"user_details": [{"user": {"username": "no id"}}]},
    ],
)
def test_list_without_a_user_id_from_me_is_a_one_line_error(
    server: LocalLeonardo, me: Dict[str, Any]
) -> None:
    server.inject(ME, body=json.dumps(me))
    one_line_error(against(server, "list"), "GET /me did not say which user")


def test_list_shows_what_it_can_of_null_and_empty_generations(server: LocalLeonardo) -> None:
    body = {"generations": [None, {}, {"id": "g-2", "prompt": None}]}
    server.inject(LIST, body=json.dumps(body))
    lines = ok(against(server, "list")).splitlines()
    assert lines == ["?  ?         ?  ?", "g-2  ?         ?  ?"]
    server.inject(LIST, body=json.dumps({}))
    assert ok(against(server, "list", "--user-id", "u")) == "no generations\n"


@pytest.mark.parametrize(
    "answer",
    [{}, {"sdGenerationJob": None}, {"sdGenerationJob": {}}, {"sdGenerationJob": {"x": 1}}],
)
def test_generate_without_a_generation_id_is_a_one_line_error(
    server: LocalLeonardo, answer: Dict[str, Any]
) -> None:
    server.inject(CREATE, body=json.dumps(answer))
    one_line_error(against(server, "generate", "a fox"), "answered without a generation id")


def test_generate_without_a_cost_says_so(server: LocalLeonardo) -> None:
    server.inject(CREATE, body=json.dumps({"sdGenerationJob": {"generationId": "g-9"}}))
    assert ok(against(server, "generate", "a fox")) == "started g-9 (cost: unknown)\n"


def test_get_skips_null_images_and_shows_missing_fields_as_unknown(server: LocalLeonardo) -> None:
    images = [None, {"url": None}, {}, {"url": "http://cdn.invalid/1.png"}]
    server.inject(GET, status=200, body=generation_body(generated_images=images))
    shown = ok(against(server, "get", "g-1")).splitlines()
    assert shown == [
        "g-1  COMPLETE  ?x?",
        "  prompt: a fox",
        "  model:  ?   created: ?",
        "  image:  http://cdn.invalid/1.png",
    ]
    server.inject(GET, status=200, body=json.dumps({"generations_by_pk": {}}))
    assert ok(against(server, "get", "g-1")).splitlines()[0] == "?  ?  ?x?"
    server.inject(GET, status=200, body=generation_body(generated_images=images))
    printed = json.loads(ok(against(server, "get", "g-1", "--json")))
    assert printed["id"] == "g-1" and printed["generated_images"][-1]["url"].endswith("/1.png")


@pytest.mark.parametrize("answer", [{"generations_by_pk": None}, {}])
def test_get_of_a_null_generation_is_not_found(
    server: LocalLeonardo, answer: Dict[str, Any]
) -> None:
    server.inject(GET, status=200, body=json.dumps(answer))
    one_line_error(against(server, "get", "g-1"), "NotFoundError: generation g-1 not found")


def test_download_of_an_odd_generation_is_a_one_line_error(
    server: LocalLeonardo, tmp_path: Path
) -> None:
    server.inject(GET, status=200, body=generation_body(generated_images=[None, {}]))
    assert ok(against(server, "download", "g-1", "--out", str(tmp_path))) == ""
    image = [{"url": f"{server.origin}/cdn/generations/g-1/g-1-0.png"}]
    server.inject(GET, status=200, body=generation_body(generated_images=image))
    server.inject(
        "GET /cdn/generations/{id}/{file}", status=200, body="<html>", content_type="text/html"
    )
    line = one_line_error(
        against(server, "download", "g-1", "--out", str(tmp_path)), "ResponseValidationError"
    )
    assert "not an image or video" in line and os.listdir(tmp_path) == []


# --- 7. server text is printed with control characters escaped ----------------------------------

HOSTILE = "a fox\x1b]0;owned\x07\x1b[2J\r\nFAKE: ok\x9b31m\u202eexe.txt\x7f\x00"
ESCAPED = "a fox\\x1b]0;owned\\x07\\x1b[2J\\r\\nFAKE: ok\\x9b31m\\u202eexe.txt\\x7f\\x00"


def test_get_escapes_control_characters_in_every_field(server: LocalLeonardo) -> None:
    body = generation_body(
        id="g\x1b[1A",
        prompt=HOSTILE,
        modelId="m\n2",
        generated_images=[{"url": "http://cdn.invalid/a\x1b[0m.png"}],
    )
    server.inject(GET, status=200, body=body)
    shown = ok(against(server, "get", "g-1"))
    no_raw_controls(shown)
    assert shown.splitlines() == [
        "g\\x1b[1A  COMPLETE  ?x?",
        f"  prompt: {ESCAPED}",
        "  model:  m\\n2   created: ?",
        "  image:  http://cdn.invalid/a\\x1b[0m.png",
    ]


def test_list_escapes_control_characters(server: LocalLeonardo) -> None:
    body = {"generations": [{"id": "g\u2028-1", "status": "COMPLETE\x1b", "prompt": HOSTILE}]}
    server.inject(LIST, body=json.dumps(body))
    shown = ok(against(server, "list", "--user-id", "u"))
    no_raw_controls(shown)
    assert shown.startswith("g\\u2028-1  COMPLETE\\x1b  ?  a fox\\x1b]0;")
    assert len(shown.splitlines()) == 1


def test_json_output_escapes_control_characters(server: LocalLeonardo) -> None:
    server.inject(GET, status=200, body=generation_body(prompt=HOSTILE))
    printed = ok(against(server, "get", "g-1", "--json"))
    no_raw_controls(printed)
    assert json.loads(printed)["prompt"] == HOSTILE


def test_an_error_message_with_control_characters_stays_one_escaped_line(
    server: LocalLeonardo,
) -> None:
    error = {"error": "width\x1b[31m is bad\nleonardo: everything is fine", "code": "x\r"}
    server.inject(CREATE, status=400, body=json.dumps(error))
    line = one_line_error(against(server, "generate", "a fox"), "BadRequestError: HTTP 400")
    no_raw_controls(line)
    assert "width\\x1b[31m is bad\\nleonardo: everything is fine (code: x\\r)" in line


def test_progress_on_a_terminal_escapes_the_status() -> None:
    from leonardoaisdk.cli import Output

    class Terminal:
        def __init__(self) -> None:
            self.written = ""

        def isatty(self) -> bool:
            return True

        def write(self, text: str) -> None:
            self.written += text

        def flush(self) -> None:
            pass

    terminal = Terminal()
    output = Output(False, err=terminal, secrets=["secret-key-123"])  # type: ignore[arg-type]
    output.progress("g-1: PENDING\x1b[2J secret-key-123")
    assert terminal.written == "\r\x1b[Kg-1: PENDING\\x1b[2J [REDACTED]"


class CannedServer:
    """Answers every request with one status line, headers and body, on 127.0.0.1."""

    def __init__(self, status: int, reason: str, body: bytes = b"", content_type: str = "") -> None:
        canned = (status, reason, body, content_type)

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                self.send_response(canned[0], canned[1])
                if canned[3]:
                    self.send_header("Content-Type", canned[3])
                self.send_header("Content-Length", str(len(canned[2])))
                self.end_headers()
                self.wfile.write(canned[2])

            do_POST = do_DELETE = do_GET

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/api/rest/v1"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def canned() -> Iterator[Any]:
    started = []

    def start(status: int, reason: str, body: bytes = b"", content_type: str = "") -> CannedServer:
        started.append(CannedServer(status, reason, body, content_type))
        return started[-1]

    yield start
    for server in started:
        server.close()


def test_a_reason_phrase_with_control_characters_is_escaped(canned: Any) -> None:
    server = canned(418, "I'm a teapot\x1b[2J\x9b1m")
    line = one_line_error(run(server.url, "key-abcdef", "get", "g-1"), "HTTP 418")
    no_raw_controls(line)
    assert "I'm a teapot\\x1b[2J\\x9b1m" in line


def test_text_in_any_script_prints_on_an_ascii_console(server: LocalLeonardo) -> None:
    server.inject(GET, status=200, body=generation_body(prompt="un café, 狐"))
    shown = ok(against(server, "get", "g-1", PYTHONIOENCODING="ascii"))
    assert "  prompt: un caf\\xe9, \\u72d0" in shown.splitlines()


# --- 8. the API key never appears in the output ------------------------------------------------


def assert_no_key(result: subprocess.CompletedProcess[str], key: str) -> None:
    assert key not in result.stdout and key not in result.stderr, result.stdout + result.stderr
    assert "[REDACTED]" in result.stdout + result.stderr


def test_a_key_echoed_in_an_error_body_is_not_printed(server: LocalLeonardo) -> None:
    error = {"error": f"key {server.api_key} is revoked", "path": server.api_key, "code": "x"}
    server.inject(GET, status=401, body=json.dumps(error))
    result = against(server, "get", "g-1")
    one_line_error(result, "AuthenticationError: HTTP 401")
    assert_no_key(result, server.api_key)


def test_a_key_echoed_in_the_reason_phrase_is_not_printed(canned: Any) -> None:
    key = "local-0123456789abcdef0123456789abcdef"
    server = canned(401, f"Unauthorized: {key}")
    result = run(server.url, key, "list")
    one_line_error(result, "HTTP 401")
    assert_no_key(result, key)


@pytest.mark.parametrize("as_json", [False, True])
def test_a_key_echoed_in_data_is_not_printed(server: LocalLeonardo, as_json: bool) -> None:
    body = generation_body(prompt=f"my key is {server.api_key}", id=server.api_key)
    server.inject(GET, status=200, body=body)
    result = against(server, "get", "g-1", *(["--json"] if as_json else []))
    ok(result)
    assert_no_key(result, server.api_key)


def test_a_key_with_json_special_characters_is_not_printed_in_json(canned: Any) -> None:
    key = 'k"ey\\with-quote-and-backslash'
    body = json.dumps({"generations_by_pk": {"id": "g", "prompt": key}}).encode()
    server = canned(200, "OK", body, "application/json")
    result = run(server.url, key, "get", "g", "--json")
    printed = ok(result)
    assert json.dumps(key)[1:-1] not in printed and key not in printed
    assert json.loads(printed)["prompt"] == "[REDACTED]"


def test_a_reader_that_goes_away_ends_the_cli_quietly(server: LocalLeonardo) -> None:
    many = {"generations": [{"id": f"g-{n}", "prompt": "x" * 50} for n in range(2000)]}
    server.inject(LIST, body=json.dumps(many))
    environment = {**os.environ, "LEONARDO_API_KEY": server.api_key}
    reader, writer = os.pipe()
    os.close(reader)  # like `| head` exiting before the CLI writes
    try:
        result = subprocess.run(
            [LEONARDO, "list", "--user-id", "u", "--server-url", server.url],
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            env=environment,
            timeout=60,
        )
    finally:
        os.close(writer)
    assert result.returncode == 1 and result.stderr == ""
