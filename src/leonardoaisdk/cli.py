"""The ``leonardo`` command: generate, get, list, wait, download, delete, serve.

The key comes from ``--api-key`` or ``LEONARDO_API_KEY``. ``--api-key``, ``--server-url`` and
``--json`` may stand before or after the subcommand. API and network errors print one line to
stderr and exit 1; usage errors exit 2; Ctrl+C exits 130.
"""

from __future__ import annotations

import argparse
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
    generate.add_argument("--wait", action="store_true", help="wait until it is complete")
    generate.add_argument("--out", type=Path, help="save the images here (implies --wait)")
    _wait_options(generate)

    command("get", "show a generation").add_argument("id")

    listing = command("list", "list generations, newest first")
    listing.add_argument("--user-id", help="whose (default: the key's own user)")
    listing.add_argument("--limit", type=int, default=10)

    waiting = command("wait", "wait until a generation is complete")
    waiting.add_argument("id")
    _wait_options(waiting)

    download = command("download", "save a complete generation's images")
    download.add_argument("id")
    download.add_argument("--out", type=Path, required=True)

    command("delete", "delete a generation").add_argument("id")

    serve = command("serve", "run the local Leonardo server until interrupted")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--complete-after", type=float, default=1.0)
    return parser


def _wait_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--timeout", type=float, default=_defaults.WAIT_TIMEOUT, help="seconds")
    parser.add_argument("--poll-interval", type=float, default=_defaults.WAIT_POLL_INTERVAL)


class Output:
    """Human lines to stdout, or JSON; progress to stderr only when it is a terminal."""

    def __init__(self, as_json: bool, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> None:
        self.as_json = as_json
        self.out = out
        self.err = err
        self._progress_shown = False

    def line(self, text: str) -> None:
        if not self.as_json:
            print(text, file=self.out)

    def data(self, value: Any) -> None:
        if self.as_json:
            print(json.dumps(value, indent=2, default=str), file=self.out)

    def progress(self, text: str) -> None:
        if self.err.isatty():
            self.err.write(f"\r\x1b[K{text}")
            self.err.flush()
            self._progress_shown = True

    def end_progress(self) -> None:
        if self._progress_shown:
            self.err.write("\r\x1b[K")
            self.err.flush()
            self._progress_shown = False


def _sdk(args: argparse.Namespace) -> Any:
    from .sdk import LeonardoAiSDK

    key = getattr(args, "api_key", None) or os.environ.get(_defaults.API_KEY_ENV)
    if not key:
        raise errors.ConfigurationError(
            f"no API key: pass --api-key KEY or set {_defaults.API_KEY_ENV} "
            "(to try it offline: leonardo serve)"
        )
    return LeonardoAiSDK(bearer_auth=key, server_url=getattr(args, "server_url", None))


def _describe(generation: Any, out: Output) -> None:
    out.line(
        f"{generation.id}  {generation.status}  {generation.image_width}x{generation.image_height}"
    )
    out.line(f"  prompt: {generation.prompt}")
    out.line(f"  model:  {generation.model_id}   created: {generation.created_at}")
    for image in generation.generated_images or []:
        out.line(f"  image:  {image.url}")


def _wait(sdk: Any, generation_id: str, args: argparse.Namespace, out: Output) -> Any:
    started = time.monotonic()

    def show(generation: Any) -> None:
        out.progress(f"{generation_id}: {generation.status} ({time.monotonic() - started:.0f} s)")

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
    request = operations.CreateGenerationRequestBody(
        prompt=args.prompt, **{k: v for k, v in options.items() if v is not None}
    )
    job = sdk.generation.create_generation(request).object.sd_generation_job
    out.line(f"started {job.generation_id} (cost: {job.api_credit_cost} credits)")
    result: Dict[str, Any] = {
        "generationId": job.generation_id,
        "apiCreditCost": job.api_credit_cost,
    }
    if args.wait or args.out is not None:
        generation = _wait(sdk, job.generation_id, args, out)
        _describe(generation, out)
        result["generation"] = generation.to_dict()
        if args.out is not None:
            result["files"] = _save(sdk, generation, args.out, out)
    out.data(result)


def cmd_get(args: argparse.Namespace, out: Output) -> None:
    generation = _sdk(args).generation._existing_generation(args.id)
    _describe(generation, out)
    out.data(generation.to_dict())


def cmd_list(args: argparse.Namespace, out: Output) -> None:
    sdk = _sdk(args)
    user_id = args.user_id or sdk.user.get_user_self().object.user_details[0].user.id
    generations = (
        sdk.generation.get_generations_by_user_id(user_id, limit=args.limit).object.generations
        or []
    )
    for g in generations:
        prompt = (g.prompt or "")[:60]
        out.line(f"{g.id}  {g.status!s:<8}  {g.created_at}  {prompt}")
    if not generations:
        out.line("no generations")
    out.data([g.to_dict() for g in generations])


def cmd_wait(args: argparse.Namespace, out: Output) -> None:
    generation = _wait(_sdk(args), args.id, args, out)
    _describe(generation, out)
    out.data(generation.to_dict())


def cmd_download(args: argparse.Namespace, out: Output) -> None:
    out.data({"files": _save(_sdk(args), args.id, args.out, out)})


def cmd_delete(args: argparse.Namespace, out: Output) -> None:
    deleted = _sdk(args).generation.delete_generation_by_id(args.id).object.delete_generations_by_pk
    deleted_id = deleted.id if deleted else args.id
    out.line(f"deleted {deleted_id}")
    out.data({"id": deleted_id})


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
    "serve": cmd_serve,
}


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    out = Output(getattr(args, "json", False))
    try:
        COMMANDS[args.command](args, out)
    except errors.SDKError as exc:
        out.end_progress()
        print(f"leonardo: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        out.end_progress()
        print("leonardo: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
