"""The ``leonardo`` console script, run as a subprocess against LocalLeonardo."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

from leonardoaisdk.testing import LocalLeonardo

LEONARDO = str(Path(sys.executable).with_name("leonardo"))


pytestmark = pytest.mark.leonardo(complete_after=0.3)  # options of the `server` fixture


def run(
    server: Optional[LocalLeonardo], *args: str, key: Optional[str] = None, **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if k not in ("LEONARDO_API_KEY", "LEONARDO_SERVER_URL")
    }
    environment.update(env)
    if server is not None:
        environment["LEONARDO_API_KEY"] = key or server.api_key
        args = (*args, "--server-url", server.url)
    return subprocess.run(
        [LEONARDO, *args], capture_output=True, text=True, env=environment, timeout=120
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def as_json(result: subprocess.CompletedProcess[str]) -> Any:
    return json.loads(ok(result))


def one_line_error(result: subprocess.CompletedProcess[str], contains: str) -> None:
    assert result.returncode == 1
    assert result.stdout == "" or result.stdout.startswith("started")
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("leonardo: ") and contains in lines[0], (
        result.stderr
    )
    assert "Traceback" not in result.stderr


def test_generate_prints_the_job(server: LocalLeonardo) -> None:
    out = ok(
        run(
            server,
            "generate",
            "a lighthouse",
            "--num-images",
            "2",
            "--width",
            "256",
            "--height",
            "128",
        )
    )
    assert out.startswith("started ") and "(cost: 4 credits)" in out
    sent = server.request_log[-1].json()
    assert sent["prompt"] == "a lighthouse" and sent["num_images"] == 2 and sent["width"] == 256


def test_generate_wait_out_saves_the_images(server: LocalLeonardo, tmp_path: Path) -> None:
    out = ok(
        run(
            server,
            "generate",
            "a fox",
            "--num-images",
            "2",
            "--preset-style",
            "CINEMATIC",
            "--model-id",
            "m-1",
            "--wait",
            "--out",
            str(tmp_path),
        )
    )
    assert "COMPLETE" in out and out.count("saved ") == 2
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".png", ".png"]
    sent = next(r for r in server.request_log if r.route == "POST /generations").json()
    assert sent["presetStyle"] == "CINEMATIC" and sent["modelId"] == "m-1"


@pytest.mark.parametrize("where", ["before", "after"])
def test_global_options_go_before_or_after_the_subcommand(
    server: LocalLeonardo, where: str
) -> None:
    options = ["--json", "--api-key", server.api_key, "--server-url", server.url]
    args = [*options, "generate", "a cat"] if where == "before" else ["generate", "a cat", *options]
    result = subprocess.run(
        [LEONARDO, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": os.environ["PATH"]},
    )
    data = as_json(result)
    assert data["generationId"] and data["apiCreditCost"] == 8


def test_get_list_wait_download_delete(server: LocalLeonardo, tmp_path: Path) -> None:
    generation_id = as_json(run(server, "--json", "generate", "a heron"))["generationId"]

    waited = as_json(run(server, "wait", generation_id, "--poll-interval", "0.05", "--json"))
    assert waited["id"] == generation_id and waited["status"] == "COMPLETE"

    shown = ok(run(server, "get", generation_id))
    assert shown.startswith(f"{generation_id}  COMPLETE  512x512") and "prompt: a heron" in shown
    assert as_json(run(server, "get", generation_id, "--json"))["prompt"] == "a heron"

    listed = ok(run(server, "list", "--user-id", server.user_id, "--limit", "5"))
    assert listed.startswith(f"{generation_id}  COMPLETE") and "a heron" in listed
    assert [g["id"] for g in as_json(run(server, "list", "--json"))] == [
        generation_id
    ]  # default: own user

    files = as_json(run(server, "download", generation_id, "--out", str(tmp_path), "--json"))[
        "files"
    ]
    assert len(files) == 4 and all(Path(f).read_bytes()[:4] == b"\x89PNG" for f in files)

    assert ok(run(server, "delete", generation_id)).strip() == f"deleted {generation_id}"
    one_line_error(run(server, "get", generation_id), "NotFoundError: HTTP 404")


def test_api_and_network_errors_are_one_line_without_traceback(server: LocalLeonardo) -> None:
    one_line_error(
        run(server, "list", key="wrong-key"), "AuthenticationError: HTTP 401: Invalid API key"
    )
    one_line_error(
        run(server, "generate", "x", "--width", "1001"),
        "BadRequestError: HTTP 400: width must be a multiple of 8",
    )
    one_line_error(
        run(None, "get", "g", "--server-url", "http://127.0.0.1:1/x", "--api-key", "k"),
        "Connection refused",
    )
    doomed = as_json(run(server, "--json", "generate", "doomed"))["generationId"]
    server.fail(doomed)
    one_line_error(run(server, "wait", doomed, "--poll-interval", "0.05"), "GenerationFailedError")


def test_missing_key_and_bad_usage(server: LocalLeonardo) -> None:
    no_key = run(None, "list")
    one_line_error(no_key, "no API key: pass --api-key KEY or set LEONARDO_API_KEY")
    # ... and how to get a key, or use the local server instead (one line all the same).
    for advice in ("https://app.leonardo.ai/api-access", "run `leonardo serve`", "export lines"):
        assert advice in no_key.stderr
    usage = run(None, "generate")
    assert usage.returncode == 2 and "required: prompt" in usage.stderr
    assert run(None, "frobnicate").returncode == 2
    assert "generate" in ok(run(None, "--help"))


def test_progress_is_shown_only_on_a_terminal(server: LocalLeonardo) -> None:
    with LocalLeonardo(complete_after=1.0) as slow:
        generation_id = as_json(run(slow, "--json", "generate", "slow"))["generationId"]
        piped = run(slow, "wait", generation_id, "--poll-interval", "0.1")
        assert piped.returncode == 0 and piped.stderr == ""

    # The job stays PENDING until the command has polled it once, however slowly the command
    # starts on a loaded machine; then it completes.
    with LocalLeonardo(complete_after=600) as held:
        generation_id = as_json(run(held, "--json", "generate", "slow"))["generationId"]
        completer = threading.Thread(target=_complete_once_polled, args=(held, generation_id))
        completer.start()
        terminal = _run_with_terminal_stderr(
            [LEONARDO, "wait", generation_id, "--poll-interval", "0.1", "--server-url", held.url],
            {**os.environ, "LEONARDO_API_KEY": held.api_key},
        )
        completer.join(35)
    assert f"\r\x1b[K{generation_id}: PENDING (" in terminal
    assert terminal.endswith("\r\x1b[K")  # the progress line is cleared at the end


def _complete_once_polled(server: LocalLeonardo, generation_id: str) -> None:
    deadline = time.monotonic() + 30
    path = f"/generations/{generation_id}"
    while time.monotonic() < deadline:
        if any(e.method == "GET" and e.path == path for e in server.request_log):
            time.sleep(0.3)  # a few polls see it PENDING
            server.complete(generation_id)
            return
        time.sleep(0.02)


def _run_with_terminal_stderr(command: List[str], env: Dict[str, str]) -> str:
    controller, terminal = pty.openpty()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=terminal, env=env)
    os.close(terminal)
    seen = b""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the other end closed
                break
            if not chunk:
                break
            seen += chunk
        elif process.poll() is not None:
            break
    assert process.wait(timeout=10) == 0
    os.close(controller)
    return seen.decode()


def test_serve_runs_the_local_server_until_interrupted() -> None:
    from .test_serve import SERVE, exports, first_lines, start, stop

    # SIGINT explicitly ignored on entry, as a background job of a script gets it: the test
    # must not depend on what the test runner inherited.
    process = start(SERVE, "--api-key", "serve-key", sigint="SIG_IGN")
    try:
        url = exports(first_lines(process, 2))["LEONARDO_SERVER_URL"]
        listed = subprocess.run(
            [LEONARDO, "list", "--json", "--api-key", "serve-key", "--server-url", url],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert as_json(listed) == []
        status, out, err = stop(process, signal.SIGINT)
        assert (status, err, out.splitlines()[-1]) == (0, "", "stopped")
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)
