"""The ``leonardo`` command: generate, get, list, wait, download, delete, serve.

The key comes from ``--api-key`` or ``LEONARDO_API_KEY``, the server from ``--server-url`` or
``LEONARDO_SERVER_URL``. ``--api-key``, ``--server-url`` and ``--json`` may stand before or
after the subcommand. API and network errors print one line to stderr (``leonardo: error:
...``) and exit 1; usage errors exit 2; Ctrl+C exits 130. Text from the server is printed with
control characters escaped and the API key removed. Errors speak of the CLI's commands and
options, never of the Python API behind them.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import itertools
import json
import math
import os
import re
import shlex
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, TextIO, Type

from . import _config, _defaults
from ._enum import ApiEnum
from .models import errors

EXIT_ERROR = 1
EXIT_INTERRUPTED = 130


def _common_options() -> argparse.ArgumentParser:
    # SUPPRESS: an option given before the subcommand is not reset by the subcommand's parser.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--api-key",
        default=argparse.SUPPRESS,
        help=f"API key (default: ${_defaults.API_KEY_ENV})",
    )
    common.add_argument(
        "--server-url",
        default=argparse.SUPPRESS,
        help=f"API base URL (default: ${_defaults.SERVER_URL_ENV}, else {_defaults.SERVERS[0]})",
    )
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    return common


class _CommandParser(argparse.ArgumentParser):
    """A subcommand's parser. ``declare_options``, if given, declares its options the first time
    the parser is used, so that a command does not import what only another command needs
    (``serve``'s options come with the local server's package)."""

    def __init__(
        self,
        *args: Any,
        declare_options: Optional[Callable[[argparse.ArgumentParser], None]] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._declare_options = declare_options

    def _declared(self) -> None:
        declare, self._declare_options = self._declare_options, None
        if declare is not None:
            declare(self)

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        self._declared()
        return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        self._declared()
        return super().format_usage()

    def format_help(self) -> str:
        self._declared()
        return super().format_help()


def build_parser() -> argparse.ArgumentParser:
    from .models.shared import SdGenerationStyle

    common = _common_options()
    parser = argparse.ArgumentParser(
        prog="leonardo",
        parents=[common],
        description="Leonardo.Ai image generation from the shell.",
    )
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_CommandParser
    )

    def command(name: str, summary: str, **options: Any) -> argparse.ArgumentParser:
        options.setdefault("parents", [common])
        sub = commands.add_parser(name, help=summary, description=summary, **options)
        sub.set_defaults(command_parser=sub)
        return sub

    generate = command("generate", "start a generation (and optionally wait for it and save it)")
    generate.add_argument("prompt")
    generate.add_argument("--model-id")
    generate.add_argument("--width", type=int)
    generate.add_argument("--height", type=int)
    generate.add_argument("--num-images", type=int)
    generate.add_argument(
        "--preset-style",
        metavar="STYLE",
        help=_known_values("the style", SdGenerationStyle),
    )
    generate.add_argument("--negative-prompt")
    generate.add_argument("--seed", type=int)
    generate.add_argument(
        "--init-image", type=Path, metavar="PATH", help="start from this image (uploaded first)"
    )
    generate.add_argument("--init-strength", type=float, help="how much of it to keep, 0.1-0.9")
    generate.add_argument("--wait", action="store_true", help="wait until it is complete")
    generate.add_argument("--out", type=Path, help="save the images here (implies --wait)")
    _wait_options(generate)

    command("get", "show a generation").add_argument("id", type=_non_empty)

    listing = command("list", "list generations, newest first")
    listing.add_argument("--user-id", type=_non_empty, help="whose (default: the key's own user)")
    listing.add_argument(
        "--limit", type=_positive_int, help="at most this many (default: 10, or all with --since)"
    )
    listing.add_argument(
        "--since",
        type=_moment,
        metavar="DATE",
        help="only generations created since then (ISO 8601, UTC)",
    )

    waiting = command("wait", "wait until a generation is complete")
    waiting.add_argument("id", type=_non_empty)
    _wait_options(waiting)

    download = command("download", "save a complete generation's images")
    download.add_argument("id", type=_non_empty)
    download.add_argument("--out", type=Path, required=True)

    command("delete", "delete a generation").add_argument("id", type=_non_empty)

    upload = command("upload", "upload an init image and print its id")
    upload.add_argument("image", type=Path)

    upscale = command("upscale", "upscale a generated image (by its image id)")
    upscale.add_argument("image_id", type=_non_empty)
    upscale.add_argument("--wait", action="store_true", help="wait until it is complete")
    upscale.add_argument("--out", type=Path, help="save the result here (implies --wait)")
    _wait_options(upscale)

    command("models", "list the platform models")

    batch = command("batch", "run many generations at once, at the account's concurrency")
    batch.add_argument(
        "prompts", type=Path, help="a file: one prompt per line, or JSON lines of request fields"
    )
    batch.add_argument(
        "--concurrency", type=_positive_int, help="jobs at once (default: the account's)"
    )
    batch.add_argument("--out", type=Path, help="save every job's images here")
    batch.add_argument(
        "--timeout", type=_seconds, default=_defaults.WAIT_TIMEOUT, help="per job, seconds"
    )

    command(
        "serve",
        "run the local Leonardo server until interrupted; it first prints the two export "
        f"lines ({_defaults.SERVER_URL_ENV}, {_defaults.API_KEY_ENV}) that point leonardo "
        "and the SDK at it",
        parents=[],
        declare_options=_serve_options,
    )
    return parser


def _serve_options(parser: argparse.ArgumentParser) -> None:
    from .testing.__main__ import add_server_options

    # SUPPRESS: `leonardo --api-key KEY serve` must keep the key given before the subcommand.
    add_server_options(parser, api_key_default=argparse.SUPPRESS)
    # Accepted only to be refused by name (see _refuse_what_serve_ignores).
    parser.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    parser.add_argument("--server-url", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def _wait_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--timeout", type=_seconds, default=_defaults.WAIT_TIMEOUT, help="seconds (default: 300)"
    )
    parser.add_argument(
        "--poll-interval",
        type=_seconds,
        default=_defaults.WAIT_POLL_INTERVAL,
        help="seconds between polls (default: 1)",
    )


def _known_values(summary: str, values: Type[ApiEnum]) -> str:
    """Help naming the values the SDK knows; the API adds values, which are sent as given."""
    known = ", ".join(sorted(member.value for member in values))
    return f"{summary}: {known}, or a newer value the API takes (sent as given)"


# Option values are checked here, so that a mistake is a usage error naming the option, not an
# SDK error naming a Python argument.


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not 0 < seconds <= _defaults.MAX_TIMEOUT:  # also refuses nan
        raise argparse.ArgumentTypeError(
            f"must be a positive number of seconds, at most {_defaults.MAX_TIMEOUT:g}, not {text!r}"
        )
    return seconds


def _positive_int(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, not {text!r}")
    return number


def _non_empty(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return text


def _moment(text: str) -> str:
    from ._codec import parse_timestamp

    if parse_timestamp(text.strip()) is None:
        raise argparse.ArgumentTypeError(
            f"must be an ISO 8601 date or time such as 2024-02-01, not {text!r}"
        )
    return text


REDACTED = "[REDACTED]"
MIN_SECRET_LENGTH = 6
"""A shorter API key is not redacted: it cannot be a real key, and replacing it would turn
ordinary words of the output into ``[REDACTED]``."""


def printable(text: str) -> str:
    """``text`` with every non-printable character escaped as ``repr`` would (``\\n``,
    ``\\x1b``, ``\\u202e``): server text must neither break the CLI's lines nor send
    escape sequences to the terminal."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


class Output:
    """Human lines to stdout, or JSON; progress to stderr only when it is a terminal.

    Everything printed passes through :meth:`safe` (or, for JSON, :meth:`redact`): the API key
    is removed and control characters are escaped, whatever the server sent.
    """

    def __init__(
        self,
        as_json: bool,
        out: Optional[TextIO] = None,
        err: Optional[TextIO] = None,
        secrets: Sequence[str] = (),
    ) -> None:
        self.as_json = as_json
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        # A secret also as JSON writes it (quotes and backslashes escaped).
        long_enough = [s for s in secrets if len(s) >= MIN_SECRET_LENGTH]
        forms = {form for s in long_enough for form in (s, json.dumps(s)[1:-1])}
        self._secrets = sorted(forms, key=len, reverse=True)
        self._progress_shown = False

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def safe(self, text: str) -> str:
        return printable(self.redact(text))

    def line(self, text: str) -> None:
        if not self.as_json:
            print(self.safe(text), file=self.out)

    def data(self, value: Any) -> None:
        if self.as_json:
            # ensure_ascii (the default) escapes every control and non-ASCII character.
            print(self.redact(json.dumps(value, indent=2, default=str)), file=self.out)

    def error(self, text: str) -> None:
        print(f"leonardo: error: {self.safe(text)}", file=self.err)

    def progress(self, text: str) -> None:
        if self.err.isatty():
            self.err.write(f"\r\x1b[K{self.safe(text)}")
            self.err.flush()
            self._progress_shown = True

    def end_progress(self) -> None:
        if self._progress_shown:
            self.err.write("\r\x1b[K")
            self.err.flush()
            self._progress_shown = False


def _api_key(args: argparse.Namespace) -> Optional[str]:
    key: Optional[str] = getattr(args, "api_key", None) or os.environ.get(_defaults.API_KEY_ENV)
    return key


NO_KEY = (
    f"no API key: pass --api-key KEY or set {_defaults.API_KEY_ENV} (keys are created at "
    "https://app.leonardo.ai/api-access); to try it without a key, run `leonardo serve` in "
    "another shell and paste the two export lines it prints into this one"
)


def _sdk(args: argparse.Namespace) -> Any:
    """The SDK for ``args``; a bad key or URL is refused naming the option or variable that
    gave it (the SDK would name its own ``bearer_auth`` and ``server_url``)."""
    from .sdk import LeonardoAiSDK

    given_key = getattr(args, "api_key", None)
    key_source = "--api-key" if given_key else f"${_defaults.API_KEY_ENV}"
    key = (_api_key(args) or "").strip()
    if not key:
        raise errors.ConfigurationError(NO_KEY)
    _config.check_token(key, key_source)

    url = getattr(args, "server_url", None)
    url_source = "--server-url"
    if url is None:
        url, url_source = _config.server_url_from_environment(), f"${_defaults.SERVER_URL_ENV}"
    if url is not None:
        names = _config.placeholders(url)
        if names:
            raise errors.ConfigurationError(
                f"{url_source} has the placeholder {{{names[0]}}}: give the whole URL, "
                "e.g. http://127.0.0.1:8765/api/rest/v1"
            )
        url = _config.check_server_url(url, None, url_source)
    return LeonardoAiSDK(bearer_auth=key, server_url=url)


# The API may leave out any field, or send null for it: commands read answers only through
# these, never assuming a field is there.


def _field(value: Any, *names: str) -> Any:
    """``value.<name>.<name>...``, or None as soon as a link is missing or null."""
    for name in names:
        if value is None:
            return None
        value = getattr(value, name, None)
    return value


def _items(value: Any) -> List[Any]:
    """The non-null entries of a list field (``[]`` if it is missing or not a list)."""
    return [item for item in value if item is not None] if isinstance(value, list) else []


def _known(value: Any) -> str:
    return "?" if value is None else str(value)


def _without_null_items(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = [f.name for f in dataclasses.fields(value) if f.init]
        return dataclasses.replace(
            value, **{name: _without_null_items(getattr(value, name)) for name in fields}
        )
    if isinstance(value, list):
        return [_without_null_items(item) for item in value if item is not None]
    return value


def _as_json(model: Any) -> Any:
    """``model.to_dict()``; a model cannot encode the ``null`` entries of lists it was decoded
    from (``generated_images: [null]``), so those are left out if they stop it."""
    try:
        return model.to_dict()
    except errors.SDKError:
        return _without_null_items(model).to_dict()


def _describe(generation: Any, out: Output) -> None:
    width, height = _known(generation.image_width), _known(generation.image_height)
    out.line(f"{_known(generation.id)}  {_known(generation.status)}  {width}x{height}")
    out.line(f"  prompt: {_known(generation.prompt)}")
    out.line(f"  model:  {_known(generation.model_id)}   created: {_known(generation.created_at)}")
    for image in _items(generation.generated_images):
        if _field(image, "url"):
            out.line(f"  image:  {image.url}")


def _wait(sdk: Any, generation_id: str, args: argparse.Namespace, out: Output) -> Any:
    started = time.monotonic()

    def show(generation: Any) -> None:
        status = _known(_field(generation, "status"))
        out.progress(f"{generation_id}: {status} ({time.monotonic() - started:.0f} s)")

    try:
        return sdk.generation.wait_for_generation(
            generation_id, timeout=args.timeout, poll_interval=args.poll_interval, on_progress=show
        )
    except errors.WaitTimeoutError as exc:
        again = f"leonardo wait {shlex.quote(generation_id)} --timeout SECONDS"
        raise errors.WaitTimeoutError(
            f"{exc.message}; it may still complete: {again} waits again",
            last_state=exc.last_state,
        ) from None
    finally:
        out.end_progress()


def _upload_init_image(sdk: Any, path: Path) -> str:
    try:
        image_id: str = sdk.init_image.upload(path)
    except errors.RequestValidationError as exc:
        raise errors.RequestValidationError(_with_renaming_advice(exc.message)) from None
    return image_id


_MISNAMED_IMAGE = re.compile(
    r"(?P<what>is an? (?P<found>\w+) image by its first bytes, not \w+: )"
    r"pass the matching extension$"
)


def _with_renaming_advice(message: str) -> str:
    """The SDK's advice for an image whose name lies about its type is to pass ``extension=``;
    the CLI has no such option: the file's name is what says the type."""
    return _MISNAMED_IMAGE.sub(
        lambda found: f"{found['what']}rename the file to end in .{found['found'].lower()}",
        message,
    )


def _save(sdk: Any, generation: Any, folder: Path, out: Output) -> List[str]:
    paths = [str(p) for p in sdk.generation.download_images(generation, folder)]
    for path in paths:
        out.line(f"saved {path}")
    return paths


def cmd_generate(args: argparse.Namespace, out: Output) -> None:
    from .models import operations

    sdk = _sdk(args)
    options = {
        "model_id": args.model_id,
        "width": args.width,
        "height": args.height,
        "num_images": args.num_images,
        "preset_style": args.preset_style,
        "negative_prompt": args.negative_prompt,
        "seed": args.seed,
    }
    if args.init_image is not None:
        options["init_image_id"] = _upload_init_image(sdk, args.init_image)
        out.line(f"uploaded {args.init_image} as init image {options['init_image_id']}")
        options["init_strength"] = args.init_strength
    request = operations.CreateGenerationRequestBody(
        prompt=args.prompt, **{k: v for k, v in options.items() if v is not None}
    )
    from ._batch import created_generation_id

    created = sdk.generation.create_generation(request)
    generation_id = created_generation_id(created)
    job = _field(created, "object", "sd_generation_job")
    cost = _field(job, "api_credit_cost")
    out.line(f"started {generation_id} (cost: {'unknown' if cost is None else f'{cost} credits'})")
    result: Dict[str, Any] = {"generationId": generation_id, "apiCreditCost": cost}
    if args.wait or args.out is not None:
        generation = _wait(sdk, generation_id, args, out)
        _describe(generation, out)
        result["generation"] = _as_json(generation)
        if args.out is not None:
            result["files"] = _save(sdk, generation, args.out, out)
    out.data(result)


def cmd_get(args: argparse.Namespace, out: Output) -> None:
    generation = _sdk(args).generation._existing_generation(args.id)
    _describe(generation, out)
    if out.as_json:
        out.data(_as_json(generation))


def _own_user_id(sdk: Any) -> str:
    details = _items(_field(sdk.user.get_user_self(), "object", "user_details"))
    user_id = _field(details[0], "user", "id") if details else None
    if not isinstance(user_id, str) or not user_id:
        raise errors.ResponseValidationError(
            "GET /me did not say which user the API key belongs to: pass --user-id"
        )
    return user_id


def cmd_list(args: argparse.Namespace, out: Output) -> None:
    sdk = _sdk(args)
    user_id = args.user_id or _own_user_id(sdk)
    if args.since is not None:
        found = sdk.generation.iter_generations_by_user_id(user_id, since=args.since)
        generations = list(itertools.islice(found, args.limit))
    else:
        response = sdk.generation.get_generations_by_user_id(user_id, limit=args.limit or 10)
        generations = _items(_field(response, "object", "generations"))
    for g in generations:
        prompt = _known(g.prompt)[:60]
        out.line(f"{_known(g.id)}  {_known(g.status):<8}  {_known(g.created_at)}  {prompt}")
    if not generations:
        out.line("no generations")
    if out.as_json:
        out.data([_as_json(g) for g in generations])


def cmd_wait(args: argparse.Namespace, out: Output) -> None:
    generation = _wait(_sdk(args), args.id, args, out)
    _describe(generation, out)
    if out.as_json:
        out.data(_as_json(generation))


def cmd_download(args: argparse.Namespace, out: Output) -> None:
    sdk = _sdk(args)
    generation = sdk.generation._existing_generation(args.id)
    status = _field(generation, "status")
    if str(status) != "COMPLETE":
        raise errors.RequestValidationError(_not_downloadable(args.id, status))
    out.data({"files": _save(sdk, generation, args.out, out)})


def _not_downloadable(generation_id: str, status: Any) -> str:
    if str(status) == "FAILED":
        return f"generation {generation_id} FAILED: it has no images to download"
    return (
        f"generation {generation_id} is {_known(status)}, not COMPLETE: run "
        f"`leonardo wait {shlex.quote(generation_id)}`, then this download again"
    )


def cmd_delete(args: argparse.Namespace, out: Output) -> None:
    response = _sdk(args).generation.delete_generation_by_id(args.id)
    deleted_id = _field(response, "object", "delete_generations_by_pk", "id") or args.id
    out.line(f"deleted {deleted_id}")
    out.data({"id": deleted_id})


def cmd_upload(args: argparse.Namespace, out: Output) -> None:
    image_id = _upload_init_image(_sdk(args), args.image)
    out.line(image_id)
    out.data({"initImageId": image_id})


def cmd_upscale(args: argparse.Namespace, out: Output) -> None:
    from .models import operations

    sdk = _sdk(args)
    request = operations.CreateVariationUpscaleRequestBody(id=args.image_id)
    job = _field(sdk.variation.create_variation_upscale(request), "object", "sd_upscale_job")
    variation_id = _field(job, "id")
    if not isinstance(variation_id, str) or not variation_id:
        raise errors.ResponseValidationError(
            "POST /variations/upscale answered without a job id; the job may have started"
        )
    out.line(f"started upscale {variation_id}")
    result: Dict[str, Any] = {"id": variation_id, "apiCreditCost": _field(job, "api_credit_cost")}
    if args.wait or args.out is not None:
        started = time.monotonic()

        def show(variation: Any) -> None:
            status = _known(_field(variation, "status"))
            out.progress(f"{variation_id}: {status} ({time.monotonic() - started:.0f} s)")

        try:
            variation = sdk.variation.wait_for_variation(
                variation_id,
                timeout=args.timeout,
                poll_interval=args.poll_interval,
                on_progress=show,
            )
        except errors.WaitTimeoutError as exc:
            raise errors.WaitTimeoutError(
                f"{exc.message}; a larger --timeout waits longer", last_state=exc.last_state
            ) from None
        finally:
            out.end_progress()
        out.line(f"{variation_id}  {_known(variation.status)}  {_known(variation.url)}")
        result["variation"] = _as_json(variation)
        if args.out is not None:
            result["files"] = _save(sdk, variation, args.out, out)
    out.data(result)


def cmd_models(args: argparse.Namespace, out: Output) -> None:
    response = _sdk(args).model.get_platform_models()
    models = _items(_field(response, "object", "custom_models"))
    for model in models:
        featured = "featured" if _field(model, "featured") else ""
        out.line(f"{_known(model.id)}  {_known(model.name):<28}  {featured}")
    if not models:
        out.line("no platform models")
    if out.as_json:
        out.data([_as_json(m) for m in models])


def _batch_requests(path: Path) -> List[Any]:
    from .models import operations

    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise errors.RequestValidationError(f"cannot read {path}: {exc}") from None
    requests: List[Any] = []
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if not text.startswith("{"):
            requests.append(operations.CreateGenerationRequestBody(prompt=text))
            continue
        try:
            fields = json.loads(text)
            if not isinstance(fields, dict):
                raise ValueError("not a JSON object")
            requests.append(operations.CreateGenerationRequestBody.from_dict(fields))
        except (ValueError, errors.SDKError) as exc:
            # The line is JSON of request fields: the model's Python name means nothing here.
            problem = str(exc).replace(
                f"{operations.CreateGenerationRequestBody.__name__}: ", "", 1
            )
            raise errors.RequestValidationError(f"{path}:{number}: {problem}") from None
    if not requests:
        raise errors.RequestValidationError(f"{path} holds no prompt")
    return requests


def cmd_batch(args: argparse.Namespace, out: Output) -> None:
    requests = _batch_requests(args.prompts)
    sdk = _sdk(args)
    bar = _progress_bar(len(requests), out)
    started = time.monotonic()

    def progress(done: int, total: int, result: Any) -> None:
        if bar is not None:
            bar.set_postfix_str(f"{result.generation_id or '-'} {'ok' if result.ok else 'failed'}")
            bar.update(1)

    try:
        results = sdk.generation.generate_many(
            requests, concurrency=args.concurrency, timeout=args.timeout, on_progress=progress
        )
    finally:
        if bar is not None:
            bar.close()
    report = []
    for index, result in enumerate(results):
        entry: Dict[str, Any] = {"index": index, "prompt": result.request.prompt}
        entry["generationId"] = result.generation_id
        if result.ok:
            if args.out is not None:
                entry["files"] = _save(sdk, result.generation, args.out, out)
            out.line(f"ok      {_known(result.generation_id)}  {_known(result.request.prompt)}")
        else:
            entry["error"] = str(result.error)
            out.line(f"failed  {_known(result.generation_id)}  {result.error}")
        report.append(entry)
    failed = sum(1 for r in results if not r.ok)
    seconds = time.monotonic() - started
    complete = len(results) - failed
    out.line(f"{complete} of {len(results)} complete, {failed} failed, {seconds:.1f} s")
    out.data(report)
    if failed:
        raise _BatchFailed(failed)


class _BatchFailed(Exception):
    """Some jobs of a batch failed: already reported job by job; exit status 1."""


def _progress_bar(total: int, out: Output) -> Any:
    """A tqdm bar on a terminal (stderr), else none: scripts and pipes get the summary only."""
    if out.as_json or not out.err.isatty():
        return None
    import shutil

    from tqdm import tqdm  # type: ignore[import-untyped]

    # A terminal that reports no size (0 x 0) would hide the bar: fall back to 80 x 24.
    size = shutil.get_terminal_size((80, 24))
    return tqdm(
        total=total,
        unit="job",
        file=out.err,
        leave=False,
        ncols=size.columns or 80,
        nrows=size.lines or 24,
    )


def cmd_serve(args: argparse.Namespace, out: Output) -> Optional[int]:
    from .testing.__main__ import serve

    return serve(args, args.command_parser)


# The CLI's global options that mean nothing to serve, and why: refused rather than ignored.
_NOT_FOR_SERVE = {
    "json": (
        "--json",
        f"serve prints shell lines (export {_defaults.SERVER_URL_ENV}=..., "
        f"export {_defaults.API_KEY_ENV}=...), not JSON",
    ),
    "server_url": (
        "--server-url",
        "serve listens on 127.0.0.1 and prints its own URL; choose the port with --port",
    ),
}


def _refuse_what_serve_ignores(args: argparse.Namespace) -> None:
    for dest, (option, why) in _NOT_FOR_SERVE.items():
        if hasattr(args, dest):
            args.command_parser.error(f"{option} does not apply to serve: {why}")


def _refuse_undecodable_text(args: argparse.Namespace) -> None:
    """An argument that is not UTF-8 (bytes the shell passed through) is a usage error naming
    the argument, not an encoding error of the request model later."""
    parser = args.command_parser
    for dest, value in vars(args).items():
        if not isinstance(value, str):
            continue
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            name = next(
                (
                    (action.option_strings or [action.metavar or action.dest])[0]
                    for action in parser._actions
                    if action.dest == dest
                ),
                dest,
            )
            parser.error(f"argument {name}: not valid UTF-8 text (at character {exc.start})")


COMMANDS: Dict[str, Callable[[argparse.Namespace, Output], Optional[int]]] = {
    "generate": cmd_generate,
    "get": cmd_get,
    "list": cmd_list,
    "wait": cmd_wait,
    "download": cmd_download,
    "delete": cmd_delete,
    "upload": cmd_upload,
    "upscale": cmd_upscale,
    "models": cmd_models,
    "batch": cmd_batch,
    "serve": cmd_serve,
}


def _tolerate_unencodable_text() -> None:
    # A prompt in any script must not crash the CLI on an ASCII or cp1252 console.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        _refuse_what_serve_ignores(args)
    _refuse_undecodable_text(args)
    _tolerate_unencodable_text()
    key = _api_key(args)
    out = Output(getattr(args, "json", False), secrets=[key] if key else [])
    try:
        status = COMMANDS[args.command](args, out)
        out.out.flush()  # here, not at exit, so that a closed pipe is caught below
        if status:
            return status
    except _BatchFailed:
        out.out.flush()
        return EXIT_ERROR
    except errors.SDKError as exc:  # the one place an SDK error becomes the CLI's error line
        out.end_progress()
        out.error(f"{type(exc).__name__}: {exc}")
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader went away (`leonardo list | head -1`): stop quietly, as other tools do.
        # stdout is pointed at /dev/null so that the interpreter's last flush cannot fail too.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), out.out.fileno())
        return EXIT_ERROR
    except errors.BatchInterrupted as exc:
        out.end_progress()
        created = ", ".join(exc.created_ids) or "none"
        print(f"leonardo: interrupted; generations already created: {created}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        out.end_progress()
        print("leonardo: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
