"""``leonardo serve`` and ``python -m leonardoaisdk.testing``, run as subprocesses: the export
lines they print first, their shared options, what serve refuses, and stopping on SIGINT or
SIGTERM whatever disposition the process inherited."""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

import pytest
import requests

import leonardoaisdk
from leonardoaisdk import cli
from leonardoaisdk.testing import __main__ as module_command

LEONARDO = str(Path(sys.executable).with_name("leonardo"))
SERVE = [LEONARDO, "serve"]
MODULE = [sys.executable, "-m", "leonardoaisdk.testing"]
COMMANDS = {"leonardo serve": SERVE, "python -m leonardoaisdk.testing": MODULE}

# Sets one signal's disposition, then becomes the command (exec keeps an ignored signal
# ignored): the server under test inherits exactly that, whatever the test runner has.
LAUNCHER = (
    "import os, signal, sys; "
    "signal.signal(getattr(signal, sys.argv[1]), getattr(signal, sys.argv[2])); "
    "os.execv(sys.argv[3], sys.argv[3:])"
)


def clean_environment(**extra: str) -> Dict[str, str]:
    """This process's environment without the variables that point leonardo somewhere."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("LEONARDO_API_KEY", "LEONARDO_SERVER_URL")
    }
    env.update(extra)
    return env


def start(
    command: List[str],
    *options: str,
    sigint: str = "SIG_IGN",
    sigterm: str = "SIG_DFL",
    env: Optional[Dict[str, str]] = None,
) -> subprocess.Popen[str]:
    """``command`` with ``options`` on a free port, SIGINT and SIGTERM set as given (default:
    SIGINT ignored, as a background job of a shell script gets it); stdout and stderr piped."""
    launcher = [sys.executable, "-c", LAUNCHER]
    # The two dispositions are set by two launchers in a row, each then exec'ing the next.
    argv = [*launcher, "SIGINT", sigint, *launcher, "SIGTERM", sigterm]
    return subprocess.Popen(
        [*argv, *command, "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env if env is not None else clean_environment(),
    )


def first_lines(process: subprocess.Popen[str], count: int, timeout: float = 30) -> List[str]:
    """The first ``count`` lines of its stdout, or a failure after ``timeout`` seconds."""
    lines: List[str] = []
    assert process.stdout is not None
    stdout = process.stdout

    def read() -> None:
        for _ in range(count):
            line = stdout.readline()
            if not line:
                return
            lines.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    assert len(lines) == count, f"{lines} within {timeout} s; stderr: {stderr_of(process)}"
    return lines


def stderr_of(process: subprocess.Popen[str]) -> str:
    if process.poll() is None:
        return "(still running)"
    return process.stderr.read() if process.stderr else ""


def exports(lines: List[str]) -> Dict[str, str]:
    """``export NAME=VALUE`` lines as the shell reads them."""
    found = {}
    for line in lines:
        words = shlex.split(line)
        assert len(words) == 2 and words[0] == "export", line
        name, _, value = words[1].partition("=")
        found[name] = value
    return found


def stop(
    process: subprocess.Popen[str], number: int = signal.SIGINT, within: float = 10
) -> Tuple[int, str, str]:
    """Send signal ``number``; its exit status and the rest of its output, once it exited
    within ``within`` seconds (else the test fails, and the process is killed)."""
    process.send_signal(number)
    try:
        out, err = process.communicate(timeout=within)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate(timeout=10)
        pytest.fail(f"still running {within} s after signal {number}")
    return process.returncode, out, err


@pytest.fixture
def processes() -> Iterator[List[subprocess.Popen[str]]]:
    """Processes a test starts; whatever is still running at its end is killed."""
    started: List[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)


# --- the export lines ------------------------------------------------------------------------


@pytest.mark.parametrize("name", COMMANDS)
def test_the_first_two_lines_are_the_exports_that_point_leonardo_at_it(
    name: str, processes: list
) -> None:
    server = start(COMMANDS[name], "--api-key", "serve-key-1")
    processes.append(server)
    lines = first_lines(server, 2)
    url = exports(lines)["LEONARDO_SERVER_URL"]
    port = int(url.split(":")[2].split("/")[0])
    assert lines == [
        f"export LEONARDO_SERVER_URL=http://127.0.0.1:{port}/api/rest/v1\n",
        "export LEONARDO_API_KEY=serve-key-1\n",
    ]
    # Only the two variables, no option: the CLI and the SDK find the server through them.
    env = clean_environment(**exports(lines))
    created = subprocess.run(
        [LEONARDO, "--json", "generate", "a fox"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert created.returncode == 0, created.stderr
    s = leonardoaisdk.LeonardoAiSDK(bearer_auth="serve-key-1", server_url=url)
    listed = s.generation.get_generations_by_user_id(
        s.user.get_user_self().object.user_details[0].user.id
    ).object.generations
    assert [g.prompt for g in listed] == ["a fox"]
    status, out, err = stop(server)
    assert (status, err) == (0, "")
    assert out.splitlines()[-1] == "stopped"


EVAL_AND_PRINT = [
    "sh",
    "-c",
    'eval "$1"; printf "%s\\n%s" "$LEONARDO_API_KEY" "$LEONARDO_SERVER_URL"',
    "sh",  # $0; the lines are $1
]


def test_the_export_lines_are_quoted_for_the_shell(processes: list) -> None:
    key = "k'ey\"$HOME`x`;#"
    server = start(SERVE, "--api-key", key)
    processes.append(server)
    lines = "".join(first_lines(server, 2))
    shown = subprocess.run(
        [*EVAL_AND_PRINT, lines],
        capture_output=True,
        text=True,
        timeout=30,
        env=clean_environment(),
    )
    assert shown.returncode == 0, shown.stderr
    got_key, got_url = shown.stdout.split("\n")
    assert got_key == key and got_url.startswith("http://127.0.0.1:")


@pytest.mark.parametrize("name", COMMANDS)
def test_the_key_defaults_to_leonardo_api_key_then_a_random_one(name: str, processes: list) -> None:
    from_env = start(COMMANDS[name], env=clean_environment(LEONARDO_API_KEY=" mykey123 "))
    random_one = start(COMMANDS[name])
    given = start(
        COMMANDS[name], "--api-key", "flag-key", env=clean_environment(LEONARDO_API_KEY="mykey123")
    )
    processes.extend([from_env, random_one, given])
    from_env_lines = first_lines(from_env, 2)
    # A key from the environment may be a real one: it is referred to, never printed.
    assert "mykey123" not in "".join(from_env_lines)
    from_env_exports = exports(from_env_lines)
    assert from_env_exports["LEONARDO_API_KEY"] == "$LEONARDO_API_KEY"
    me = requests.get(
        from_env_exports["LEONARDO_SERVER_URL"] + "/me",
        headers={"Authorization": "Bearer mykey123"},
        timeout=10,
    )
    assert me.status_code == 200
    random_key = exports(first_lines(random_one, 2))["LEONARDO_API_KEY"]
    assert random_key and random_key != "mykey123"
    given_exports = exports(first_lines(given, 2))
    assert given_exports["LEONARDO_API_KEY"] == "flag-key"
    me = requests.get(
        given_exports["LEONARDO_SERVER_URL"] + "/me",
        headers={"Authorization": "Bearer flag-key"},
        timeout=10,
    )
    assert me.status_code == 200


def test_the_key_given_before_the_subcommand_is_kept(processes: list) -> None:
    server = subprocess.Popen(
        [LEONARDO, "--api-key", "global-key", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_environment(),
    )
    processes.append(server)
    assert exports(first_lines(server, 2))["LEONARDO_API_KEY"] == "global-key"


def test_the_help_says_where_the_key_comes_from() -> None:
    shown = subprocess.run(
        [LEONARDO, "serve", "--help"],
        capture_output=True,
        text=True,
        timeout=30,
        env=clean_environment(COLUMNS="200"),
    )
    help_line = next(line for line in shown.stdout.splitlines() if "  --api-key" in line)
    assert "default: $LEONARDO_API_KEY if set, else a random one" in help_line


@pytest.mark.parametrize("key", ["Bearer abcdefgh", "two words"])
def test_a_key_the_sdk_could_not_send_is_refused(key: str) -> None:
    refused = subprocess.run(
        [*SERVE, "--port", "0", "--api-key", key],
        capture_output=True,
        text=True,
        timeout=30,
        env=clean_environment(),
    )
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.splitlines()[-1].startswith("leonardo serve: error: --api-key ")
    assert key not in refused.stderr


# --- the same options --------------------------------------------------------------------------


def _option_strings(parser: argparse.ArgumentParser) -> Dict[str, Tuple[object, object]]:
    """Each visible option, with its type and default."""
    return {
        option: (action.type, action.default)
        for action in parser._actions
        if action.help != argparse.SUPPRESS
        for option in action.option_strings
    }


def test_serve_and_the_module_command_have_the_same_options() -> None:
    serve = cli.build_parser().parse_args(["serve"]).command_parser
    module = module_command.build_parser()
    serve_options, module_options = _option_strings(serve), _option_strings(module)
    assert set(serve_options) == set(module_options)
    assert {"--user-id", "--complete-after", "--concurrency-limit", "--seed"} <= set(serve_options)
    for option, (kind, default) in module_options.items():
        if option == "--api-key":  # the CLI must tell it apart from a key given before `serve`
            assert serve_options[option] == (kind, argparse.SUPPRESS)
        else:
            assert serve_options[option] == (kind, default), option


def test_serve_passes_every_option_to_the_server(processes: list) -> None:
    server = start(
        SERVE,
        *("--api-key", "k-opt", "--user-id", "u-7", "--concurrency-limit", "2"),
        *("--complete-after", "2-60", "--seed", "4", "--max-body", "100"),
    )
    processes.append(server)
    url = exports(first_lines(server, 2))["LEONARDO_SERVER_URL"]
    headers = {"Authorization": "Bearer k-opt"}
    me = requests.get(url + "/me", headers=headers, timeout=10).json()["user_details"][0]
    assert me["user"]["id"] == "u-7" and me["apiConcurrencySlots"] == 2
    answers = [
        requests.post(url + "/generations", json={"prompt": "x"}, headers=headers, timeout=10)
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [200, 200, 429]  # 2-60 s: still PENDING
    too_big = requests.post(url + "/generations", data=b"{" * 101, headers=headers, timeout=10)
    assert too_big.status_code == 413


@pytest.mark.parametrize(
    ("argv", "refused"),
    [
        (["serve", "--json"], "--json does not apply to serve"),
        (["--json", "serve"], "--json does not apply to serve"),
        (["serve", "--server-url", "http://127.0.0.1:1"], "--server-url does not apply to serve"),
        (["--server-url", "http://127.0.0.1:1", "serve"], "--server-url does not apply to serve"),
        (["serve", "--complete-after", "soon"], "argument --complete-after"),
    ],
)
def test_serve_refuses_what_does_not_apply_to_it(argv: List[str], refused: str) -> None:
    result = subprocess.run(
        [LEONARDO, *argv, "--port", "0"],
        capture_output=True,
        text=True,
        timeout=30,
        env=clean_environment(),
    )
    assert result.returncode == 2 and result.stdout == ""  # no server was started
    last = result.stderr.splitlines()[-1]
    assert last.startswith("leonardo serve: error: ") and refused in last
    assert "Traceback" not in result.stderr


def test_a_port_in_use_is_one_line(processes: list) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [*SERVE, "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
            env=clean_environment(),
        )
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith(f"leonardo serve: error: cannot listen on 127.0.0.1:{port}: ")
    assert "--port 0" in result.stderr and len(result.stderr.splitlines()) == 1


# --- stopping ---------------------------------------------------------------------------------

IGNORES_SIGINT = (
    "import signal; "
    "print('ignored' if signal.getsignal(signal.SIGINT) == signal.SIG_IGN else 'handled')"
)


def test_the_launcher_really_sets_the_inherited_disposition() -> None:
    """The premise of the tests below: without its own handler, the server would inherit
    SIGINT ignored, and SIGINT would not stop it."""
    probe = [sys.executable, "-c", IGNORES_SIGINT]
    launched = subprocess.run(
        [sys.executable, "-c", LAUNCHER, "SIGINT", "SIG_IGN", *probe],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert launched.stdout.strip() == "ignored"


@pytest.mark.parametrize(
    ("name", "number", "sigint", "sigterm"),
    [
        ("leonardo serve", signal.SIGINT, "SIG_IGN", "SIG_DFL"),
        ("leonardo serve", signal.SIGINT, "SIG_DFL", "SIG_DFL"),
        ("leonardo serve", signal.SIGTERM, "SIG_IGN", "SIG_IGN"),
        ("python -m leonardoaisdk.testing", signal.SIGINT, "SIG_IGN", "SIG_DFL"),
        ("python -m leonardoaisdk.testing", signal.SIGINT, "SIG_DFL", "SIG_DFL"),
        ("python -m leonardoaisdk.testing", signal.SIGTERM, "SIG_IGN", "SIG_IGN"),
    ],
)
def test_a_signal_stops_it_cleanly_whatever_it_inherited(
    name: str, number: int, sigint: str, sigterm: str, processes: list
) -> None:
    server = start(COMMANDS[name], sigint=sigint, sigterm=sigterm)
    processes.append(server)
    url = exports(first_lines(server, 2))["LEONARDO_SERVER_URL"]
    started = time.monotonic()
    status, out, err = stop(server, number)
    assert time.monotonic() - started < 10
    assert status == 0 and err == "", err
    assert out.splitlines()[-1] == "stopped"
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/me", timeout=5)


def test_kill_int_stops_a_background_job_of_a_shell_script(tmp_path: Path) -> None:
    """What a CI script does: `leonardo serve &`, read the exports, `kill -INT`. A background
    job of a non-interactive shell starts with SIGINT ignored."""
    log = tmp_path / "serve.log"
    script = (
        # The premise, checked in the same kind of shell: a background job ignores SIGINT.
        '"$1" -c "$4" & wait "$!"\n'
        '"$2" serve --port 0 > "$3" 2>&1 &\n'
        'echo "pid $!"\n'
        'wait "$!"\n'
        'echo "exit $?"\n'
    )
    shell = subprocess.Popen(
        ["bash", "-c", script, "bash", sys.executable, LEONARDO, str(log), IGNORES_SIGINT],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_environment(),
    )
    pid = None
    try:
        premise, pid_line = first_lines(shell, 2)
        assert premise.strip() == "ignored"
        pid = int(pid_line.split()[1])
        deadline = time.monotonic() + 30
        while "export LEONARDO_API_KEY=" not in (log.read_text() if log.exists() else ""):
            assert time.monotonic() < deadline, "no export lines within 30 s"
            time.sleep(0.05)
        os.kill(pid, signal.SIGINT)
        out, err = shell.communicate(timeout=15)
        pid = None  # the shell waited for it: it has exited, and its pid may be reused
    finally:
        if pid is not None:  # still running: the shell's job is not killed with the shell
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if shell.poll() is None:
            shell.kill()
            shell.communicate(timeout=10)
    assert out.strip() == "exit 0", out + err
    text = log.read_text()
    assert text.splitlines()[-1] == "stopped" and "Traceback" not in text


def test_only_serve_loads_the_local_server() -> None:
    """serve's options come from the local server's package: the other commands, and
    `leonardo --help`, must not pay for importing it."""
    probe = (
        "import contextlib, io, sys\n"
        "from leonardoaisdk import cli\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    cli.build_parser().parse_args(sys.argv[1:])\n"
        "print('leonardoaisdk.testing' in sys.modules)\n"
    )
    loaded = {
        " ".join(argv): subprocess.run(
            [sys.executable, "-c", probe, *argv], capture_output=True, text=True, timeout=30
        ).stdout.strip()
        for argv in (["list"], ["--help"], ["generate", "--help"], ["serve"])
    }
    assert loaded == {
        "list": "False",
        "--help": "False",
        "generate --help": "False",
        "serve": "True",
    }
