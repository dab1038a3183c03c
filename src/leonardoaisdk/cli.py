"""The ``leonardo`` command: generate, get, list, wait, download, delete, serve.

The key comes from ``--api-key`` or ``LEONARDO_API_KEY``. ``--api-key``, ``--server-url`` and
``--json`` may stand before or after the subcommand. API and network errors print one line to
stderr (``leonardo: error: ...``) and exit 1; usage errors exit 2; Ctrl+C exits 130. Text from
the server is printed with control characters escaped and the API key removed.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import itertools
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, TextIO

from . import _defaults
from .models import errors

EXIT_ERROR = 1
EXIT_INTERRUPTED = 130


def _common_options() -> argparse.ArgumentParser:
    # SUPPRESS: an option given before the subcommand is not reset by the subcommand's parser.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--api-key", default=argparse.SUPPRESS, help="API key (default: $LEONARDO_API_KEY)"
    )
    common.add_argument("--server-url", default=argparse.SUPPRESS, help="API base URL")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common_options()
    parser = argparse.ArgumentParser(
        prog="leonardo",
        parents=[common],
        description="Leonardo.Ai image generation from the shell.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, parents=[common], help=summary, description=summary)

    generate = command("generate", "start a generation (and optionally wait for it and save it)")
    generate.add_argument("prompt")
    generate.add_argument("--model-id")
    generate.add_argument("--width", type=int)
    generate.add_argument("--height", type=int)
    generate.add_argument("--num-images", type=int)
    generate.add_argument("--preset-style", help="e.g. CINEMATIC, DYNAMIC, NONE")
    generate.add_argument("--negative-prompt")
    generate.add_argument("--seed", type=int)
    generate.add_argument(
        "--init-image", type=Path, metavar="PATH", help="start from this image (uploaded first)"
    )
    generate.add_argument("--init-strength", type=float, help="how much of it to keep, 0.1-0.9")
    generate.add_argument("--wait", action="store_true", help="wait until it is complete")
    generate.add_argument("--out", type=Path, help="save the images here (implies --wait)")
    _wait_options(generate)

    command("get", "show a generation").add_argument("id")

    listing = command("list", "list generations, newest first")
    listing.add_argument("--user-id", help="whose (default: the key's own user)")
    listing.add_argument(
        "--limit", type=int, help="at most this many (default: 10, or all with --since)"
    )
    listing.add_argument(
        "--since", metavar="DATE", help="only generations created since then (ISO 8601, UTC)"
    )

    waiting = command("wait", "wait until a generation is complete")
    waiting.add_argument("id")
    _wait_options(waiting)

    download = command("download", "save a complete generation's images")
    download.add_argument("id")
    download.add_argument("--out", type=Path, required=True)

    command("delete", "delete a generation").add_argument("id")

    upload = command("upload", "upload an init image and print its id")
    upload.add_argument("image", type=Path)

    upscale = command("upscale", "upscale a generated image (by its image id)")
    upscale.add_argument("image_id")
    upscale.add_argument("--wait", action="store_true", help="wait until it is complete")
    upscale.add_argument("--out", type=Path, help="save the result here (implies --wait)")
    _wait_options(upscale)

    command("models", "list the platform models")

    batch = command("batch", "run many generations at once, at the account's concurrency")
    batch.add_argument(
        "prompts", type=Path, help="a file: one prompt per line, or JSON lines of request fields"
    )
    batch.add_argument("--concurrency", type=int, help="jobs at once (default: the account's)")
    batch.add_argument("--out", type=Path, help="save every job's images here")
    batch.add_argument("--timeout", type=float, default=_defaults.WAIT_TIMEOUT, help="per job, s")

    serve = command("serve", "run the local Leonardo server until interrupted")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--complete-after", type=float, default=1.0)
    return parser


def _wait_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--timeout", type=float, default=_defaults.WAIT_TIMEOUT, help="seconds")
    parser.add_argument("--poll-interval", type=float, default=_defaults.WAIT_POLL_INTERVAL)


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


def _sdk(args: argparse.Namespace) -> Any:
    from .sdk import LeonardoAiSDK

    key = _api_key(args)
    if not key:
        raise errors.ConfigurationError(
            f"no API key: pass --api-key KEY or set {_defaults.API_KEY_ENV} "
            "(to try it offline: leonardo serve)"
        )
    return LeonardoAiSDK(bearer_auth=key, server_url=getattr(args, "server_url", None))


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
    finally:
        out.end_progress()


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
        options["init_image_id"] = sdk.init_image.upload(args.init_image)
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
    out.data({"files": _save(_sdk(args), args.id, args.out, out)})


def cmd_delete(args: argparse.Namespace, out: Output) -> None:
    response = _sdk(args).generation.delete_generation_by_id(args.id)
    deleted_id = _field(response, "object", "delete_generations_by_pk", "id") or args.id
    out.line(f"deleted {deleted_id}")
    out.data({"id": deleted_id})


def cmd_upload(args: argparse.Namespace, out: Output) -> None:
    image_id = _sdk(args).init_image.upload(args.image)
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
            raise errors.RequestValidationError(f"{path}:{number}: {exc}") from None
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


def cmd_serve(args: argparse.Namespace, out: Output) -> None:
    from .testing.__main__ import main as serve

    argv = ["--port", str(args.port), "--complete-after", str(args.complete_after)]
    if getattr(args, "api_key", None):
        argv += ["--api-key", args.api_key]
    raise SystemExit(serve(argv))


COMMANDS: Dict[str, Callable[[argparse.Namespace, Output], None]] = {
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
    _tolerate_unencodable_text()
    key = _api_key(args)
    out = Output(getattr(args, "json", False), secrets=[key] if key else [])
    try:
        COMMANDS[args.command](args, out)
        out.out.flush()  # here, not at exit, so that a closed pipe is caught below
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
