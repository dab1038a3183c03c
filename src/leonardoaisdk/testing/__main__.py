"""``python -m leonardoaisdk.testing``: serve the local Leonardo API until interrupted.

``leonardo serve`` is the same command: both declare their options with
:func:`add_server_options` and run :func:`serve`, so the two cannot drift apart.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import signal
import sys
import threading
from typing import Any, Dict, List, Optional, Tuple, Union

from .. import _defaults
from .._config import check_token
from ..models.errors import ConfigurationError
from ._server import (
    DEFAULT_COMPLETE_AFTER,
    DEFAULT_CONCURRENCY_LIMIT,
    DEFAULT_MAX_BODY,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_MAX_LOG_ENTRIES,
    DEFAULT_MAX_LOGGED_BODY,
    DEFAULT_MAX_UPLOAD,
    DEFAULT_READ_TIMEOUT,
    DEFAULT_SEED,
    DEFAULT_UPLOAD_EXPIRES_AFTER,
    LocalLeonardo,
)

NO_LIMIT = "none"


def seconds_or_range(text: str) -> Union[float, Tuple[float, float]]:
    """``--complete-after``: ``1`` (seconds) or ``2-60`` (each job draws from that range)."""
    try:
        return float(text)
    except ValueError:
        pass
    low, _, high = text.partition("-")
    try:
        return float(low), float(high)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither seconds (1.5) nor a range of seconds (2-60)"
        ) from None


def limit_or_none(text: str) -> Optional[int]:
    """``--concurrency-limit``: a number of jobs, or ``none`` for no limit."""
    if text.strip().lower() == NO_LIMIT:
        return None
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither a number of jobs nor {NO_LIMIT!r}"
        ) from None


DEFAULT_PORT = 8765


def add_server_options(parser: argparse.ArgumentParser, *, api_key_default: Any = None) -> None:
    """Declare the server's options on ``parser``. ``api_key_default`` is ``None`` unless the
    caller must tell an unset ``--api-key`` from one given elsewhere (``argparse.SUPPRESS``)."""
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port on 127.0.0.1 (default {DEFAULT_PORT}; 0: any free port)",
    )
    parser.add_argument(
        "--api-key",
        default=api_key_default,
        help=f"bearer token to accept (default: ${_defaults.API_KEY_ENV} if set, "
        "else a random one)",
    )
    parser.add_argument("--user-id", help="user id to report from GET /me (default: random)")
    parser.add_argument(
        "--complete-after",
        type=seconds_or_range,
        default=DEFAULT_COMPLETE_AFTER,
        metavar="SECONDS|LOW-HIGH",
        help="seconds a job stays PENDING, or a range each job draws its duration from, "
        f"e.g. 2-60 (default {DEFAULT_COMPLETE_AFTER:g})",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        help=f"seed of the durations drawn from a --complete-after range (default {DEFAULT_SEED})",
    )
    parser.add_argument(
        "--concurrency-limit",
        type=limit_or_none,
        default=DEFAULT_CONCURRENCY_LIMIT,
        metavar=f"JOBS|{NO_LIMIT}",
        help="jobs that may be PENDING at once; one more is answered 429 "
        f"(default {DEFAULT_CONCURRENCY_LIMIT or NO_LIMIT}; the live API's is 10; "
        f"{NO_LIMIT}: no limit)",
    )
    parser.add_argument(
        "--read-timeout",
        type=float,
        default=DEFAULT_READ_TIMEOUT,
        help=f"seconds a client has to send a request (default {DEFAULT_READ_TIMEOUT:g})",
    )
    parser.add_argument(
        "--max-body",
        type=int,
        default=DEFAULT_MAX_BODY,
        help=f"largest request body in bytes; larger ones get 413 (default {DEFAULT_MAX_BODY})",
    )
    parser.add_argument(
        "--max-log-entries",
        type=int,
        default=DEFAULT_MAX_LOG_ENTRIES,
        help=f"requests the request log keeps (default {DEFAULT_MAX_LOG_ENTRIES})",
    )
    parser.add_argument(
        "--max-logged-body",
        type=int,
        default=DEFAULT_MAX_LOGGED_BODY,
        help=f"bytes of each body the request log keeps (default {DEFAULT_MAX_LOGGED_BODY})",
    )
    parser.add_argument(
        "--max-connections",
        type=int,
        default=DEFAULT_MAX_CONNECTIONS,
        help=f"connections served at once; more get 503 (default {DEFAULT_MAX_CONNECTIONS})",
    )
    parser.add_argument(
        "--max-upload",
        type=int,
        default=DEFAULT_MAX_UPLOAD,
        help=f"largest file a presigned upload accepts, in bytes (default {DEFAULT_MAX_UPLOAD})",
    )
    parser.add_argument(
        "--upload-expires-after",
        type=float,
        default=DEFAULT_UPLOAD_EXPIRES_AFTER,
        help=f"seconds a presigned upload stays valid (default {DEFAULT_UPLOAD_EXPIRES_AFTER:g})",
    )
    parser.add_argument(
        "--webhook-url",
        help="POST each generation's completion event here, as the live API does "
        "(see docs/webhooks.md)",
    )
    parser.add_argument(
        "--webhook-key",
        help="the callback key sent as 'Authorization: Bearer KEY' with each event",
    )


def _accepted_key(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Optional[str]:
    """The key to accept (None: a random one). It must be one the SDK and the CLI can send."""
    given = getattr(args, "api_key", None)
    if given:
        key, source = given, "--api-key"
    else:
        key, source = os.environ.get(_defaults.API_KEY_ENV, ""), f"${_defaults.API_KEY_ENV}"
    key = key.strip()
    if not key:
        return None
    try:
        return check_token(key, source)
    except ConfigurationError as exc:
        parser.error(str(exc))


def _say(line: str) -> None:
    try:
        print(line, flush=True)
    except BrokenPipeError:
        # Nobody reads the output any more (`... | head -2`): that is no reason to stop serving.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def export_lines(server: LocalLeonardo, *, key_from_environment: bool = False) -> List[str]:
    """The two lines that point the SDK and ``leonardo`` at ``server``, for a shell. A key
    taken from ``$LEONARDO_API_KEY`` may be a real one: it is referred to, never printed."""
    key = f'"${_defaults.API_KEY_ENV}"' if key_from_environment else shlex.quote(server.api_key)
    return [
        f"export {_defaults.SERVER_URL_ENV}={shlex.quote(server.url)}",
        f"export {_defaults.API_KEY_ENV}={key}",
    ]


_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def serve(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run the server ``args`` describe until SIGINT or SIGTERM; 0 once it stopped cleanly."""
    api_key = _accepted_key(args, parser)
    try:
        server = LocalLeonardo(
            port=args.port,
            api_key=api_key,
            user_id=args.user_id,
            complete_after=args.complete_after,
            seed=args.seed,
            concurrency_limit=args.concurrency_limit,
            read_timeout=args.read_timeout,
            max_body=args.max_body,
            max_log_entries=args.max_log_entries,
            max_logged_body=args.max_logged_body,
            max_connections=args.max_connections,
            max_upload=args.max_upload,
            upload_expires_after=args.upload_expires_after,
            webhook_url=args.webhook_url,
            webhook_key=args.webhook_key,
        )
    except ValueError as exc:
        parser.error(str(exc))
    stop = threading.Event()
    # Set explicitly, whatever was inherited: a background job of a non-interactive shell
    # (`leonardo serve &` in a script) starts with SIGINT ignored, and `kill -INT` would do
    # nothing. Installed before the server starts, so no signal is missed.
    previous = _on_stop_signals(lambda *_: stop.set())
    try:
        try:
            server.start()
        except OSError as exc:
            print(
                f"{parser.prog}: error: cannot listen on 127.0.0.1:{args.port}: {exc.strerror} "
                "(another port: --port N, or --port 0 for any free one)",
                file=sys.stderr,
            )
            return 1
        try:
            from_environment = not getattr(args, "api_key", None) and api_key is not None
            for line in export_lines(server, key_from_environment=from_environment):
                _say(line)
            _say(f"# LocalLeonardo is serving the Leonardo API at {server.url}")
            _say(f"#   user id: {server.user_id}")
            _say(
                "# Paste the two export lines into another shell: leonardo and LeonardoAiSDK() "
                "then use this server."
            )
            _say("# Press Ctrl+C to stop.")
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()
    finally:
        _restore(previous)
    _say("stopped")
    return 0


def _on_stop_signals(handler: Any) -> Dict[int, Any]:
    """Install ``handler`` for SIGINT and SIGTERM; the handlers it replaced. Only the main
    thread may set handlers: elsewhere nothing is changed (signals reach the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {number: signal.signal(number, handler) for number in _STOP_SIGNALS}


def _restore(previous: Dict[int, Any]) -> None:
    for number, handler in previous.items():
        signal.signal(number, handler if handler is not None else signal.SIG_DFL)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m leonardoaisdk.testing",
        description="Serve a local, stateful Leonardo.Ai API on 127.0.0.1 until interrupted. "
        f"It first prints the lines export {_defaults.SERVER_URL_ENV}=... and export "
        f"{_defaults.API_KEY_ENV}=... that point the SDK and the leonardo command at it.",
    )
    add_server_options(parser)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
    return serve(parser.parse_args(argv), parser)


if __name__ == "__main__":
    raise SystemExit(main())
