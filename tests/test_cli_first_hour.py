"""The ``leonardo`` command as a new user meets it: LEONARDO_SERVER_URL, the missing-key
advice, errors in the CLI's own terms (never the Python API's), and enum options that list
their known values yet send newer ones. Run as a subprocess against LocalLeonardo."""

from __future__ import annotations

import dataclasses
import enum
import json
import re
import subprocess
from pathlib import Path
from typing import Dict, List, Type, Union

import pytest

from leonardoaisdk import cli
from leonardoaisdk.models import operations, shared
from leonardoaisdk.testing import LocalLeonardo

from .test_cli import LEONARDO, as_json, ok, one_line_error
from .test_serve import clean_environment

pytestmark = pytest.mark.leonardo(complete_after=30)  # jobs stay PENDING unless completed

PYTHON_API = re.compile(
    r"wait_for_\w*|\w+\(\)|\b(?:timeout|poll_interval|extension|since|user_id|limit)="
    r"|\bpoll_interval\b|\bbearer_auth\b|\bserver_url\b|\burl_params\b|\bdest_dir\b"
    r"|\bconcurrency must\b|\btimeout must\b|\bsince must\b|RequestBody|Request\.\w"
)


def leonardo(*args: Union[str, bytes], **env: str) -> subprocess.CompletedProcess[str]:
    """``leonardo ARGS`` with only ``env`` pointing it anywhere."""
    return subprocess.run(
        [LEONARDO, *args],
        capture_output=True,
        text=True,
        env=clean_environment(**env),
        timeout=60,
    )


def against(server: LocalLeonardo, *args: Union[str, bytes]) -> subprocess.CompletedProcess[str]:
    return leonardo(*args, LEONARDO_API_KEY=server.api_key, LEONARDO_SERVER_URL=server.url)


def speaks_cli(result: subprocess.CompletedProcess[str]) -> str:
    """Its one error line, which names no Python API."""
    assert "Traceback" not in result.stderr, result.stderr
    line = result.stderr.strip().splitlines()[-1]
    assert not PYTHON_API.search(line), line
    return line


def usage_error(result: subprocess.CompletedProcess[str], command: str, contains: str) -> None:
    assert result.returncode == 2 and result.stdout == "", result.stdout + result.stderr
    line = speaks_cli(result)
    assert line.startswith(f"leonardo {command}: error: ") and contains in line, line


def created_id(server: LocalLeonardo) -> str:
    return str(as_json(against(server, "--json", "generate", "a fox"))["generationId"])


# --- LEONARDO_SERVER_URL ---------------------------------------------------------------------


def test_the_server_url_comes_from_leonardo_server_url(server: LocalLeonardo) -> None:
    listed = leonardo(
        "--json", "list", LEONARDO_API_KEY=server.api_key, LEONARDO_SERVER_URL=server.url
    )
    assert as_json(listed) == []
    assert [r.route for r in server.request_log] == ["GET /me", "GET /generations/user/{userId}"]


def test_server_url_wins_over_the_variable(server: LocalLeonardo) -> None:
    nowhere = "http://127.0.0.1:1/nothing-listens-here"
    listed = leonardo(
        "list",
        "--server-url",
        server.url,
        LEONARDO_API_KEY=server.api_key,
        LEONARDO_SERVER_URL=nowhere,
    )
    assert ok(listed) == "no generations\n"
    assert len(server.request_log) == 2


@pytest.mark.parametrize(
    ("where", "value", "message"),
    [
        ("variable", "ftp://x", "$LEONARDO_SERVER_URL must start with http:// or https://"),
        ("variable", "http://{host}/v1", "$LEONARDO_SERVER_URL has the placeholder {host}"),
        ("option", "127.0.0.1:8765", "--server-url must start with http:// or https://"),
        ("option", "http://{host}/v1", "--server-url has the placeholder {host}"),
    ],
)
def test_a_bad_server_url_is_refused_by_where_it_came_from(
    where: str, value: str, message: str
) -> None:
    if where == "variable":
        result = leonardo("list", LEONARDO_API_KEY="k-123456", LEONARDO_SERVER_URL=value)
    else:
        result = leonardo("list", "--server-url", value, LEONARDO_API_KEY="k-123456")
    one_line_error(result, f"ConfigurationError: {message}")
    speaks_cli(result)


@pytest.mark.parametrize("unset", [None, ""])
def test_without_the_variable_the_production_server_is_used(
    monkeypatch: pytest.MonkeyPatch, unset: Union[str, None]
) -> None:
    if unset is None:
        monkeypatch.delenv("LEONARDO_SERVER_URL", raising=False)
    else:
        monkeypatch.setenv("LEONARDO_SERVER_URL", unset)
    # In-process, and no request: the production server is not reached from the tests.
    sdk = cli._sdk(cli.build_parser().parse_args(["list", "--api-key", "k-123456"]))
    assert sdk.server_url == "https://cloud.leonardo.ai/api/rest/v1"


# --- the key ----------------------------------------------------------------------------------


def test_the_missing_key_error_says_how_to_use_the_local_server() -> None:
    result = leonardo("list")
    one_line_error(result, "no API key: pass --api-key KEY or set LEONARDO_API_KEY")
    line = speaks_cli(result)
    assert "https://app.leonardo.ai/api-access" in line
    assert "run `leonardo serve` in another shell and paste the two export lines" in line


@pytest.mark.parametrize(
    ("where", "key", "message"),
    [
        ("option", "Bearer abcdefgh", "--api-key starts with 'Bearer ': pass the API key alone"),
        ("variable", "Bearer abcdefgh", "$LEONARDO_API_KEY starts with 'Bearer '"),
        ("variable", "two words", "$LEONARDO_API_KEY must be printable ASCII without spaces"),
    ],
)
def test_a_bad_key_is_refused_by_where_it_came_from(where: str, key: str, message: str) -> None:
    url = "http://127.0.0.1:1/api/rest/v1"
    if where == "option":
        result = leonardo("list", "--api-key", key, LEONARDO_SERVER_URL=url)
    else:
        result = leonardo("list", LEONARDO_API_KEY=key, LEONARDO_SERVER_URL=url)
    one_line_error(result, f"ConfigurationError: {message}")
    assert key not in speaks_cli(result)


# --- errors in the CLI's terms -----------------------------------------------------------------


def test_downloading_a_pending_generation_says_to_run_leonardo_wait(
    server: LocalLeonardo, tmp_path: Path
) -> None:
    generation_id = created_id(server)
    result = against(server, "download", generation_id, "--out", str(tmp_path))
    one_line_error(result, f"generation {generation_id} is PENDING, not COMPLETE")
    assert f"run `leonardo wait {generation_id}`, then this download again" in speaks_cli(result)
    assert list(tmp_path.iterdir()) == []

    server.complete(generation_id)
    assert (
        ok(against(server, "download", generation_id, "--out", str(tmp_path))).count("saved") == 4
    )


def test_downloading_a_failed_generation_says_it_has_no_images(
    server: LocalLeonardo, tmp_path: Path
) -> None:
    generation_id = created_id(server)
    server.fail(generation_id)
    result = against(server, "download", generation_id, "--out", str(tmp_path))
    one_line_error(result, f"generation {generation_id} FAILED: it has no images to download")
    speaks_cli(result)


def test_running_out_of_time_says_how_to_wait_again(server: LocalLeonardo) -> None:
    generation_id = created_id(server)
    result = against(server, "wait", generation_id, "--timeout", "0.3", "--poll-interval", "0.1")
    one_line_error(result, f"WaitTimeoutError: generation {generation_id} was still PENDING")
    assert f"leonardo wait {generation_id} --timeout SECONDS waits again" in speaks_cli(result)


def test_an_upscale_running_out_of_time_says_to_wait_longer(server: LocalLeonardo) -> None:
    generation_id = created_id(server)
    server.complete(generation_id)
    generated = as_json(against(server, "--json", "get", generation_id))["generated_images"]
    result = against(
        server, "upscale", generated[0]["id"], "--timeout", "0.3", "--poll-interval", "0.1"
    )
    assert result.returncode == 0  # without --wait or --out it does not wait
    result = against(
        server,
        "upscale",
        generated[0]["id"],
        "--wait",
        "--timeout",
        "0.3",
        "--poll-interval",
        "0.1",
    )
    one_line_error(result, "WaitTimeoutError: variation ")
    assert speaks_cli(result).endswith(
        "was still PENDING after 0.3 s; a larger --timeout waits longer"
    )


@pytest.mark.parametrize(
    ("argv", "command", "message"),
    [
        (["wait", "g-1", "--timeout", "0"], "wait", "argument --timeout: must be a positive"),
        (["wait", "g-1", "--timeout", "nan"], "wait", "argument --timeout: must be a positive"),
        (["wait", "g-1", "--poll-interval", "-1"], "wait", "argument --poll-interval: must be"),
        (["generate", "x", "--wait", "--timeout", "1e9"], "generate", "at most 86400"),
        (["upscale", "i-1", "--timeout", "0"], "upscale", "argument --timeout"),
        (["batch", "prompts.txt", "--timeout", "-5"], "batch", "argument --timeout"),
        (["batch", "prompts.txt", "--concurrency", "0"], "batch", "argument --concurrency"),
        (["list", "--limit", "0"], "list", "argument --limit: must be a positive whole number"),
        (["list", "--limit", "-1", "--since", "2024-01-01"], "list", "argument --limit"),
        (["list", "--since", "yesterday"], "list", "argument --since: must be an ISO 8601 date"),
        (["list", "--user-id", ""], "list", "argument --user-id: must not be empty"),
        (["get", ""], "get", "argument id: must not be empty"),
        (["download", " ", "--out", "o"], "download", "argument id: must not be empty"),
    ],
)
def test_a_bad_option_value_is_a_usage_error_naming_the_option(
    server: LocalLeonardo, argv: List[str], command: str, message: str
) -> None:
    usage_error(against(server, *argv), command, message)
    assert server.request_log == []  # refused before any request


def test_an_argument_that_is_not_utf8_is_a_usage_error(server: LocalLeonardo) -> None:
    result = against(server, b"generate", b"a fox \xff")
    usage_error(result, "generate", "argument prompt: not valid UTF-8 text (at character 6)")
    assert server.request_log == []


@pytest.mark.parametrize("command", ["upload", "generate"])
def test_an_image_whose_name_lies_about_its_type_says_to_rename_it(
    server: LocalLeonardo, tmp_path: Path, command: str
) -> None:
    jpeg_named_png = tmp_path / "sketch.png"
    jpeg_named_png.write_bytes(b"\xff\xd8\xff\xe0" + bytes(100))
    argv = ["upload", str(jpeg_named_png)]
    if command == "generate":
        argv = ["generate", "a fox", "--init-image", str(jpeg_named_png)]
    result = against(server, *argv)
    one_line_error(result, "sketch.png is a JPG image by its first bytes, not png")
    assert speaks_cli(result).endswith(": rename the file to end in .jpg")
    assert server.request_log == []


def test_a_bad_batch_line_names_the_json_field_not_the_model(
    server: LocalLeonardo, tmp_path: Path
) -> None:
    prompts = tmp_path / "prompts.txt"
    prompts.write_text('a fox\n{"prompt": 5}\n')
    result = against(server, "batch", str(prompts))
    one_line_error(result, "prompts.txt:2: expected string at $.prompt, found integer")
    speaks_cli(result)


# --- enum options ------------------------------------------------------------------------------


def _enum_of(field_type: str) -> Type[enum.Enum]:
    """The SDK enum a request field's annotation names, e.g. ``Union[SdGenerationStyle, str]``."""
    for name in re.findall(r"\w+", field_type):
        candidate = getattr(shared, name, None)
        if isinstance(candidate, type) and issubclass(candidate, enum.Enum):
            return candidate
    raise LookupError(field_type)


def _enum_options() -> Dict[str, Type[enum.Enum]]:
    """Every option of ``leonardo generate`` that sets an enum field of the request."""
    generate = cli.build_parser().parse_args(["generate", "x"]).command_parser
    fields = {
        f.name: str(f.type) for f in dataclasses.fields(operations.CreateGenerationRequestBody)
    }
    found = {}
    for action in generate._actions:
        field_type = fields.get(action.dest, "")
        try:
            found[action.option_strings[0]] = _enum_of(field_type)
        except LookupError:
            continue
    return found


def _help_of(option: str, help_text: str) -> str:
    """The help entry of ``option`` in ``--help`` output, its lines joined."""
    entry = re.search(rf"^  {re.escape(option)} .*?(?=^  -|\Z)", help_text, re.M | re.S)
    assert entry is not None, help_text
    return " ".join(entry.group(0).split())


def test_every_enum_option_lists_the_known_values_in_its_help() -> None:
    options = _enum_options()
    assert options == {"--preset-style": shared.SdGenerationStyle}
    shown = ok(leonardo("generate", "--help", COLUMNS="80"))
    for option, values in options.items():
        entry = _help_of(option, shown)
        known, newer, _ = entry.split(": ", 1)[1].partition(", or a newer value")
        assert newer and "the API takes (sent as given)" in entry, entry
        assert known.split(", ") == sorted(member.value for member in values), entry


def test_an_enum_value_newer_than_the_sdk_is_sent_as_given(server: LocalLeonardo) -> None:
    newer = "BOKEH"  # a style the live API (and LocalLeonardo) takes, the SDK's enum not
    assert newer not in {member.value for member in shared.SdGenerationStyle}
    result = against(server, "--json", "generate", "a fox", "--preset-style", newer)
    assert as_json(result)["generationId"]
    sent = [r for r in server.request_log if r.route == "POST /generations"][-1].json()
    assert sent["presetStyle"] == newer


def test_an_enum_value_the_api_refuses_is_its_one_line_error(server: LocalLeonardo) -> None:
    result = against(server, "generate", "a fox", "--preset-style", "NO_SUCH_STYLE")
    one_line_error(result, "BadRequestError: HTTP 400: unexpected value 'NO_SUCH_STYLE'")
    sent = json.loads(server.request_log[-1].body)
    assert sent["presetStyle"] == "NO_SUCH_STYLE"  # the CLI sent it; the API said no
