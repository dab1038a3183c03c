"""``python -m leonardoaisdk.testing``: serve the local Leonardo API until interrupted."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any, List, Optional, Tuple, Union

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


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m leonardoaisdk.testing",
        description="Serve a local, stateful Leonardo.Ai API on 127.0.0.1 until interrupted.",
    )
    parser.add_argument(
        "--port", type=int, default=8765, help="port to listen on (0: any free port)"
    )
    parser.add_argument("--api-key", help="bearer token to accept (default: a random one)")
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
    args = parser.parse_args(argv)
    try:
        server = LocalLeonardo(
            port=args.port,
            api_key=args.api_key,
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
        )
    except ValueError as exc:
        parser.error(str(exc))
    try:
        server.start()
    except OSError as exc:
        print(f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror}", file=sys.stderr)
        return 1
    stop = threading.Event()

    def request_stop(*_: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    print(f"LocalLeonardo is serving the Leonardo API at {server.url}")
    print(f"  api key: {server.api_key}")
    print(f"  user id: {server.user_id}")
    print(f"Use it with: LeonardoAiSDK(bearer_auth={server.api_key!r}, server_url={server.url!r})")
    print("Press Ctrl+C to stop.", flush=True)
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
