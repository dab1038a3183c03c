"""Generate every operation declaration and the typed methods of the seven sub-clients from
the API spec, into ``src/leonardoaisdk/_operations.py``.

An operation is data (method, path, request and response types); its method is a short typed
call on the request pipeline. Both follow from the spec (``x-python-method``,
``x-python-signature``, ``x-python-response-class``, summary and description), so they are
generated; what the sub-clients add by hand (waiting, paging, uploads, downloads) lives in
their own modules, which subclass the generated ``<Name>Operations`` classes.

The async sub-clients' methods (``_async_operations.py``) come from the same spec and call the
same ``Operation`` declarations, awaited: no operation is declared twice.

    python scripts/gen_clients.py           # write both files
    python scripts/gen_clients.py --check   # exit 1 if either is out of date
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
ASYNC_TARGET = ROOT / "src" / "leonardoaisdk" / "_async_operations.py"

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


def method(op: Op, asynchronous: bool = False) -> str:
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
    define = "async def" if asynchronous else "def"
    signature = f"    {define} {op.name}(\n        " + ",\n        ".join(args) + ","
    signature += f"\n    ) -> operations.{op.response_class}:"
    call = f"self._pipeline.call({constant(op)}, request, timeout, retries)"
    if asynchronous:
        call = f"await {call}"
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

ASYNC_HEADER = '''"""The typed methods of the async sub-clients: each awaits the same
``Operation`` as its sync twin in ``_operations.py``.

GENERATED by scripts/gen_clients.py from the API spec: do not edit; change the generator or
the spec and run it again (tests/test_generated_clients.py fails when this file drifts).
"""

from __future__ import annotations

from typing import Optional, Union

from ._subclient import AsyncSubClient, params_of
from ._engine import TimeoutArg
from ._operations import {imports}
from ._retry import RetriesArg
from .models import operations

__all__ = [{names}]
'''

CLASS_DOC = (
    '    """{title} operations. Every method also takes keyword-only ``timeout`` (seconds,\n'
    "    or a ``(connect, read)`` tuple) and ``retries`` (a ``utils.RetryConfig`` or\n"
    '    ``"none"``) that override the SDK\'s settings for that call."""'
)


def render(asynchronous: bool = False) -> str:
    ops = load_operations()
    by_prefix: Dict[str, List[Op]] = {}
    for op in ops:
        by_prefix.setdefault(op.prefix, []).append(op)
    names: List[str] = []
    parts: List[str] = []
    for prefix, (_, class_name) in SUBCLIENTS.items():
        group = by_prefix.get(prefix, [])
        parts.append(f"# --- {class_name} " + "-" * (90 - len(class_name)))
        title = re.sub(r"(?<!^)(?=[A-Z])", " ", class_name)
        body = "\n\n".join(method(op, asynchronous) for op in group)
        if asynchronous:
            base, name = "AsyncSubClient", f"Async{class_name}Operations"
        else:
            parts += [declaration(op) for op in group]
            table = f"{prefix.upper()}_OPERATIONS"
            parts.append(f"{table} = (" + "".join(f"\n    {constant(op)}," for op in group) + "\n)")
            names.append(table)
            base, name = "SubClient", f"{class_name}Operations"
        parts.append(f"class {name}({base}):\n{CLASS_DOC.format(title=title)}\n\n{body}")
        names.append(name)
    header = ASYNC_HEADER if asynchronous else HEADER
    imports = "(" + ", ".join(sorted(constant(op) for op in ops)) + ",)"
    quoted = ", ".join(repr(n) for n in names)
    source = header.format(names=quoted, imports=imports) + "\n\n" + "\n\n\n".join(parts)
    return _formatted(source + "\n")


def _formatted(source: str) -> str:
    for command in (["check", "--select", "I", "--fix", "--quiet"], ["format"]):
        source = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "--stdin-filename", str(TARGET), "-"],
            input=source,
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout
    return source


def main(argv: List[str]) -> int:
    stale = 0
    for target, source in ((TARGET, render()), (ASYNC_TARGET, render(asynchronous=True))):
        if "--check" in argv:
            if not target.exists() or target.read_text() != source:
                print(f"{target.relative_to(ROOT)} is stale: run python scripts/gen_clients.py")
                stale = 1
            continue
        target.write_text(source)
        print(f"wrote {target.relative_to(ROOT)}")
    return stale


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
