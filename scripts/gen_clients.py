"""Generate every operation declaration and the typed methods of the seven sub-clients from
the API spec, into ``src/leonardoaisdk/_operations.py``.

An operation is data (method, path, request and response types); its method is a short typed
call on the request pipeline. Both follow from the spec (``x-python-method``,
``x-python-signature``, ``x-python-response-class``, summary and description), so they are
generated; what the sub-clients add by hand (waiting, paging, uploads, downloads) lives in
their own modules, which subclass the generated ``<Name>Operations`` classes.

    python scripts/gen_clients.py           # write
    python scripts/gen_clients.py --check   # exit 1 if the file is out of date
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict, List, NamedTuple, Tuple

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "spec" / "leonardo-openapi-2024-02.json"
TARGET = ROOT / "src" / "leonardoaisdk" / "_operations.py"

# The spec's method prefixes, as the SDK's attribute names and class names.
SUBCLIENTS = {
    "dataset": ("dataset", "Dataset"),
    "element": ("element", "Element"),
    "generation": ("generation", "Generation"),
    "initimage": ("init_image", "InitImage"),
    "model": ("model", "Model"),
    "user": ("user", "User"),
    "variation": ("variation", "Variation"),
}


class Param(NamedTuple):
    name: str
    hint: str
    default: str  # "" when the parameter has none


class Op(NamedTuple):
    prefix: str
    name: str
    method: str
    path: str
    summary: str
    description: str
    params: Tuple[Param, ...]
    request_class: str  # the body model, or the parameters class
    response_class: str
    body_is_request: bool


def parse_signature(signature: str) -> Tuple[Param, ...]:
    params = []
    for part in filter(None, (p.strip() for p in re.split(r",\s*(?![^\[]*\])", signature))):
        name, _, rest = part.partition(":")
        hint, _, default = rest.partition("=")
        params.append(Param(name.strip(), hint.strip(), default.strip()))
    return tuple(params)


def load_operations() -> List[Op]:
    spec = json.loads(SPEC.read_text())
    found = []
    for path, item in spec["paths"].items():
        for method, raw in item.items():
            prefix, name = raw["x-python-method"].split(".")
            params = parse_signature(raw.get("x-python-signature", ""))
            response_class = raw["x-python-response-class"]
            body_is_request = bool(params) and params[0].name == "request"
            if body_is_request:
                # Some bodies are typed Optional without a default; the seed doc marks them
                # required, and None could only be refused: the hint says what to pass.
                hint = params[0].hint.removeprefix("Optional[").removesuffix("]")
                params = (params[0]._replace(hint=hint), *params[1:])
                request_class = hint.removeprefix("operations.")
            else:
                request_class = response_class.removesuffix("Response") + "Request"
            found.append(
                Op(
                    prefix,
                    name,
                    method.upper(),
                    path,
                    raw.get("summary", "").strip(),
                    raw.get("description", "").strip(),
                    params,
                    request_class,
                    response_class,
                    body_is_request,
                )
            )
    return sorted(found, key=lambda op: (op.prefix, op.name))


def constant(op: Op) -> str:
    return op.name.upper().strip("_")


def declaration(op: Op) -> str:
    return (
        f"{constant(op)}: Operation[operations.{op.response_class}] = Operation(\n"
        f"    {op.name!r},\n    {op.method!r},\n    {op.path!r},\n"
        f"    lambda: operations.{op.request_class},\n"
        f"    lambda: operations.{op.response_class},\n)"
    )


def docstring(op: Op) -> str:
    text = op.summary + ("\n\n" + op.description if op.description else "")
    lines = []
    for paragraph in text.split("\n\n"):
        lines += textwrap.wrap(paragraph, 88) or [""]
        lines.append("")
    body = "\n        ".join(lines[:-1])
    return f'        """{body}\n        """'


def method(op: Op) -> str:
    args = ["self"]
    for index, param in enumerate(op.params):
        hint, default = param.hint, param.default
        if index == 0 and not op.body_is_request:
            hint = f"Union[{hint}, operations.{op.request_class}]"
        elif not op.body_is_request and not default:
            # Required after the first: optional in the signature, so that the older call with
            # the whole parameters object works; leaving it out otherwise is refused when the
            # request is prepared, with the parameter's name.
            hint, default = f"Optional[{hint}]", "None"
        args.append(f"{param.name}: {hint}" + (f" = {default}" if default else ""))
    args += ["*", "timeout: TimeoutArg = None", "retries: RetriesArg = None"]
    signature = f"    def {op.name}(\n        " + ",\n        ".join(args) + ","
    signature += f"\n    ) -> operations.{op.response_class}:"
    call = f"self._pipeline.call({constant(op)}, request, timeout, retries)"
    send = f"        return self._answered({call})"
    if op.body_is_request:
        body = send
    elif op.params:
        first, *rest = op.params
        keywords = "".join(f", {p.name}={p.name}" for p in rest)
        build = f"params_of(operations.{op.request_class}, {first.name}{keywords})"
        body = f"        request = {build}\n{send}"
    else:
        body = f"        request = operations.{op.request_class}()\n{send}"
    return f"{signature}\n{docstring(op)}\n{body}"


HEADER = '''"""Every operation of the API, and the typed methods of the sub-clients.

GENERATED by scripts/gen_clients.py from the API spec: do not edit; change the generator or
the spec and run it again (tests/test_generated_clients.py fails when this file drifts).
The sub-clients (``generation.py``, ``dataset.py``, ...) subclass these classes and add what
is written by hand: waiting, paging, uploads and downloads.
"""

from __future__ import annotations

from typing import Optional, Union

from ._operation import Operation
from ._pipeline import TimeoutArg
from ._retry import RetriesArg
from ._subclient import SubClient, params_of
from .models import operations

__all__ = [{names}]
'''

CLASS_DOC = (
    '    """{title} operations. Every method also takes keyword-only ``timeout`` (seconds,\n'
    "    or a ``(connect, read)`` tuple) and ``retries`` (a ``utils.RetryConfig`` or\n"
    '    ``"none"``) that override the SDK\'s settings for that call."""'
)


def render() -> str:
    ops = load_operations()
    by_prefix: Dict[str, List[Op]] = {}
    for op in ops:
        by_prefix.setdefault(op.prefix, []).append(op)
    names: List[str] = []
    parts: List[str] = []
    for prefix, (_, class_name) in SUBCLIENTS.items():
        group = by_prefix.get(prefix, [])
        parts.append(f"# --- {class_name} " + "-" * (90 - len(class_name)))
        parts += [declaration(op) for op in group]
        table = f"{prefix.upper()}_OPERATIONS"
        parts.append(f"{table} = (" + "".join(f"\n    {constant(op)}," for op in group) + "\n)")
        title = re.sub(r"(?<!^)(?=[A-Z])", " ", class_name)
        body = "\n\n".join(method(op) for op in group)
        parts.append(
            f"class {class_name}Operations(SubClient):\n{CLASS_DOC.format(title=title)}\n\n{body}"
        )
        names += [table, f"{class_name}Operations"]
    source = HEADER.format(names=", ".join(repr(n) for n in names)) + "\n\n" + "\n\n\n".join(
        parts
    )
    return _formatted(source + "\n")


def _formatted(source: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", str(TARGET), "-"],
        input=source,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return done.stdout


def main(argv: List[str]) -> int:
    source = render()
    if "--check" in argv:
        if not TARGET.exists() or TARGET.read_text() != source:
            print(f"{TARGET.relative_to(ROOT)} is stale: run python scripts/gen_clients.py")
            return 1
        return 0
    TARGET.write_text(source)
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

