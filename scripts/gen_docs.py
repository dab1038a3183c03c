"""Generate docs/sdks/*/README.md and docs/models/**.md from the SDK's code.

    python scripts/gen_docs.py          # write the docs
    python scripts/gen_docs.py --check  # exit 1 if the checked-in docs differ (CI)

Operation pages follow the seed Generation doc's form, one per sub-client ``LeonardoAiSDK``
declares; a model page exists for every model ``leonardoaisdk.models.operations`` and
``leonardoaisdk.models.shared`` export, and for every model an operation page links to.
"""

from __future__ import annotations

import argparse
import dataclasses
import enum
import inspect
import sys
import textwrap
import typing
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import typing_inspect  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from leonardoaisdk import _fields  # noqa: E402
from leonardoaisdk._codec import is_model, model_hints, plan_for, strip_optional  # noqa: E402
from leonardoaisdk._model import Model, OperationResponse  # noqa: E402
from leonardoaisdk._operation import Operation  # noqa: E402
from leonardoaisdk._pipeline import STATUS_ERRORS  # noqa: E402
from leonardoaisdk.models import operations, shared  # noqa: E402
from leonardoaisdk.sdk import LeonardoAiSDK  # noqa: E402
from leonardoaisdk.types import Unset  # noqa: E402
from leonardoaisdk.utils import RetryConfig  # noqa: E402


def sub_clients() -> List[Tuple[str, type, Sequence[Operation[Any]]]]:
    """The sub-clients ``LeonardoAiSDK`` declares (``generation: Generation``), by attribute
    name, each with the operations its module lists in ``OPERATIONS``."""
    found = []
    for name, client in typing.get_type_hints(LeonardoAiSDK).items():
        ops = getattr(inspect.getmodule(client), "OPERATIONS", None)
        if isinstance(client, type) and ops is not None:
            found.append((name, client, ops))
    return sorted(found, key=lambda item: item[0])


# Every sub-client has a page; tests/fake_api.py answers every operation its examples call.
CLIENTS = sub_clients()
REQUESTS_RESPONSE_URL = "https://requests.readthedocs.io/en/latest/api/#requests.Response"
NONE_TYPE = type(None)
HAND_WRITTEN_PAGES = {RetryConfig: "models/utils/retryconfig.md"}
ExtraFields = Dict[str, Any]  # what additional_properties holds, as _model.ExtraFields reads


# --- tables and types ------------------------------------------------------------------------


def table(header: Sequence[str], rows: Sequence[Sequence[str]], *, uniform: bool = False) -> str:
    """A Markdown table. ``uniform`` pads every cell to the widest cell, as the seed doc does
    on operation pages; otherwise each column is as wide as its widest cell."""
    lines = [list(header), *[list(row) for row in rows]]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    if uniform:
        widths = [max(widths)] * len(widths)
    lines.insert(1, ["-" * w for w in widths])
    return "\n".join(
        "| " + " | ".join(cell.ljust(w) for cell, w in zip(line, widths)) + " |" for line in lines
    )


def package_of(cls: type) -> str:
    parts = cls.__module__.split(".")
    return parts[2] if parts[:2] == ["leonardoaisdk", "models"] else parts[1]


def page_of(cls: type) -> str:
    return f"models/{package_of(cls)}/{cls.__name__.lower()}.md"


def documented(hint: Any) -> bool:
    return isinstance(hint, type) and (
        is_model(hint) or issubclass(hint, enum.Enum) or issubclass(hint, OperationResponse)
    )


def type_text(hint: Any) -> Tuple[str, Optional[type]]:
    """How a type hint reads in the docs, and the documented class it should link to."""
    if hint is Any:
        return "Any", None
    origin = typing_inspect.get_origin(hint)
    args = typing_inspect.get_args(hint, evaluate=True)
    if typing_inspect.is_union_type(hint):  # Union[...] and X | Y alike
        rest = [a for a in args if a is not NONE_TYPE and a is not Unset]
        parts = [type_text(a) for a in rest]
        inner = parts[0][0] if len(parts) == 1 else f"Union[{', '.join(t for t, _ in parts)}]"
        link = next((cls for _, cls in parts if cls is not None), None)
        wrapper = {
            (True, True): "OptionalNullable",
            (False, True): "Omittable",
            (True, False): "Optional",
        }.get((NONE_TYPE in args, Unset in args))
        return (f"{wrapper}[{inner}]" if wrapper else inner), link
    if origin is list:
        inner, link = type_text(args[0])
        return f"List[{inner}]", link
    if origin is dict:
        return f"Dict[{', '.join(type_text(a)[0] for a in args)}]", None
    if documented(hint):
        return f"{package_of(hint)}.{hint.__name__}", hint
    if isinstance(hint, type):
        return hint.__name__, None
    return str(hint).replace("typing.", ""), None


def type_cell(hint: Any, from_page: str, links: List[type]) -> str:
    text, cls = type_text(hint)
    if cls is None:
        return f"*{text}*"
    target = HAND_WRITTEN_PAGES.get(cls)
    if target is None:
        links.append(cls)
        target = page_of(cls)
    return f"[{text}]({relative(from_page, target)})"


def relative(from_page: str, to_page: str) -> str:
    depth = from_page.count("/")
    return "../" * depth + to_page


def required_cell(required: bool) -> str:
    return ":heavy_check_mark:" if required else ":heavy_minus_sign:"


# --- operation pages ---------------------------------------------------------------------------


def example(client_name: str, op: Operation[Any], method: Any) -> str:
    params = list(inspect.signature(method).parameters.values())[1:]
    positional = [p for p in params if p.kind is p.POSITIONAL_OR_KEYWORD]
    hints = typing.get_type_hints(op.request_type)
    uses_operations = False
    lines = ["import leonardoaisdk"]
    body: List[str] = []
    if issubclass(op.request_type, Model):
        uses_operations = True
        required = [f for f in plan_for(op.request_type).fields if f.required]
        if required:
            body.append(f"req = operations.{op.request_type.__name__}(")
            body += [f"    {f.name}={example_value(f.hint, f.name, '    ')}," for f in required]
            body.append(")")
        else:
            body.append(f"req = operations.{op.request_type.__name__}()")
        body += ["", f"res = s.{client_name}.{op.name}(req)"]
    else:
        args = []
        for param in positional:
            hint = hints[param.name]
            value = example_value(hint, param.name, "    ")
            uses_operations |= value.startswith("operations.")
            args.append(f"{param.name}={value}")
        call = f"res = s.{client_name}.{op.name}("
        if any("\n" in arg for arg in args):
            body += ["", call, *[f"    {arg}," for arg in args], ")"]
        else:
            body += ["", f"{call}{', '.join(args)})"]
    if uses_operations:
        lines.append("from leonardoaisdk.models import operations")
    lines += [
        "",
        "s = leonardoaisdk.LeonardoAiSDK(",
        '    bearer_auth="<YOUR_BEARER_TOKEN_HERE>",',
        ")",
        "",
    ]
    lines += body
    lines += ["", "if res.object is not None:", "    # handle response", "    pass"]
    return "\n".join(lines)


SYNC_CLIENT = 's = leonardoaisdk.LeonardoAiSDK(\n    bearer_auth="<YOUR_BEARER_TOKEN_HERE>",\n)\n'


def async_example(sync: str) -> str:
    """The same example on ``AsyncLeonardoAiSDK``: the call awaited, inside a coroutine."""
    head, _, body = sync.partition(SYNC_CLIENT)
    body = textwrap.indent(body.strip("\n").replace("res = s.", "res = await s."), " " * 8)
    return (
        f"import asyncio\n\n{head.strip()}\n\n\nasync def main() -> None:\n"
        "    async with leonardoaisdk.AsyncLeonardoAiSDK(\n"
        '        bearer_auth="<YOUR_BEARER_TOKEN_HERE>",\n'
        f"    ) as s:\n{body}\n\n\nasyncio.run(main())"
    )


EXAMPLE_INTS = {"limit": "10", "offset": "0"}
EXAMPLE_STRINGS = {"extension": "'png'", "model_extension": "'obj'"}


def example_value(hint: Any, name: str, indent: str = "") -> str:
    core = strip_optional(hint)
    if isinstance(core, type) and issubclass(core, Model):
        required = [f for f in plan_for(core).fields if f.required]
        if not required:
            return f"operations.{core.__name__}()"
        inner = indent + "    "
        lines = [f"operations.{core.__name__}("]
        lines += [f"{inner}{f.name}={example_value(f.hint, f.name, inner)}," for f in required]
        return "\n".join([*lines, f"{indent})"])
    if core is int:
        return EXAMPLE_INTS.get(name, "1")
    return EXAMPLE_STRINGS.get(name, "'<value>'")


def operation_page(
    client_name: str, client: type, ops: Sequence[Operation[Any]]
) -> Tuple[str, List[type]]:
    page = f"sdks/{client_name}/README.md"
    links: List[type] = []
    out = [f"# {client.__name__}", f"(*{client_name}*)", "", "### Available Operations", ""]
    summaries = {op.name: docstring(getattr(client, op.name)) for op in ops}
    out += [f"* [{op.name}](#{op.name}) - {summaries[op.name][0]}" for op in ops]
    helpers = workflow_helpers(client, ops)
    if helpers:
        out += ["", "### Workflows", ""]
        out += [f"* [{name}](#{name}) - {docstring(method)[0]}" for name, method in helpers]
    for op in ops:
        method = getattr(client, op.name)
        description = summaries[op.name][1]
        out += ["", f"## {op.name}", "", description, "", "### Example Usage", "", "```python"]
        sync_example = example(client_name, op, method)
        out += [sync_example, "```", "", "With `AsyncLeonardoAiSDK`:", "", "```python"]
        out += [async_example(sync_example), "```", "", "### Parameters", ""]
        out += [parameters_table(op, method, page, links), "", "", "### Response", ""]
        response = type_cell(op.response_type, page, links).replace("[", "**[", 1)
        out += [response + "**", "### Errors", ""]
        out += [table(["Error Object", "Status Code", "Content Type"], ERROR_ROWS, uniform=True)]
    for name, method in helpers:
        out += ["", f"## {name}", "", *helper_section(client_name, name, method)]
    return "\n".join(out) + "\n", links


def helper_section(client_name: str, name: str, method: Any) -> List[str]:
    signature = str(inspect.signature(method)).replace("(self, ", "(", 1).replace("'", "")
    summary, *details = (inspect.getdoc(method) or "").split("\n\n")
    lines = [" ".join(summary.split()), "", "```text", f"s.{client_name}.{name}{signature}", "```"]
    for paragraph in details:
        lines += ["", " ".join(paragraph.split())]
    return lines


def workflow_helpers(client: type, ops: Sequence[Operation[Any]]) -> List[Tuple[str, Any]]:
    """The client's public methods that are not API operations, in the order they are defined."""
    operations_ = {op.name for op in ops}
    return [
        (name, member)
        for name, member in vars(client).items()
        if callable(member) and not name.startswith("_") and name not in operations_
    ]


def docstring(method: Any) -> Tuple[str, str]:
    summary, _, description = (inspect.getdoc(method) or "").partition("\n\n")
    return " ".join(summary.split()), " ".join(description.split())


def _error_rows() -> List[List[str]]:
    by_class: Dict[type, List[str]] = {}
    for status, cls in STATUS_ERRORS.items():
        by_class.setdefault(cls, []).append(str(status))
    rows = [
        [f"errors.{cls.__name__}", ", ".join(codes), "application/json"]
        for cls, codes in by_class.items()
    ]
    rows.append(["errors.ServerError", "5XX", "application/json"])
    rows.append(["errors.SDKError", "4x-5xx", "*/*"])
    return rows


ERROR_ROWS = _error_rows()

OPTION_DESCRIPTIONS = {
    "timeout": "Seconds, or `(connect, read)`, for this call; overrides the SDK's timeout.",
    "retries": 'A `utils.RetryConfig` for this call, or `"none"`; overrides the SDK\'s.',
}


def parameters_table(op: Operation[Any], method: Any, page: str, links: List[type]) -> str:
    params = [
        p
        for p in list(inspect.signature(method).parameters.values())[1:]
        if p.kind is p.POSITIONAL_OR_KEYWORD
    ]
    rows = []
    if issubclass(op.request_type, Model):
        (param,) = params
        cell = type_cell(op.request_type, page, links)
        rows.append(
            [
                f"`{param.name}`",
                cell,
                required_cell(True),
                "The request object to use for the request.",
            ]
        )
    else:
        hints = typing.get_type_hints(op.request_type)
        fields = {f.name: f for f in dataclasses.fields(op.request_type)}
        for param in params:
            field = fields[param.name]
            required = field.default is dataclasses.MISSING
            rows.append(
                [
                    f"`{param.name}`",
                    type_cell(hints[param.name], page, links),
                    required_cell(required),
                    field.metadata.get(_fields.DESCRIPTION) or "N/A",
                ]
            )
    method_hints = typing.get_type_hints(method)
    for name, description in OPTION_DESCRIPTIONS.items():
        cell = type_cell(method_hints[name], page, links)
        rows.append([f"`{name}`", cell, required_cell(False), description])
    return table(["Parameter", "Type", "Required", "Description"], rows, uniform=True)


# --- model pages ---------------------------------------------------------------------------------


def wire_cell(field: dataclasses.Field) -> str:  # type: ignore[type-arg]
    location = field.metadata.get(_fields.LOCATION)
    wire = _fields.wire_name(field)
    if _fields.is_extra(field):
        return "*(any other key)*"
    if location == _fields.PATH:
        return f"path `{{{wire}}}`"
    if location == _fields.QUERY:
        return f"query `{wire}`"
    if location == _fields.REQUEST_BODY:
        return "JSON body"
    if location == _fields.BODY:
        return f"`{wire}`"
    return "—"


ENVELOPE_DESCRIPTIONS = {
    "content_type": "The response's Content-Type header.",
    "status_code": "The HTTP status code.",
    "raw_response": "The raw HTTP response, for headers and anything else not modelled.",
    "object": "The decoded response body.",
}
EXTRA_DESCRIPTION = (
    "JSON properties this model does not declare, by JSON key: received ones are kept here, "
    "and ones set here are sent."
)


def model_page(cls: type) -> Tuple[str, List[type]]:
    page = page_of(cls)
    links: List[type] = []
    doc = " ".join((inspect.getdoc(cls) or "").split()) if cls.__doc__ else ""
    out = [f"# {cls.__name__}", ""]
    if doc and not doc.startswith(f"{cls.__name__}("):
        out += [doc, ""]
    if issubclass(cls, enum.Enum):
        out += [
            "Values the API sends that this SDK does not know yet are kept as plain strings; "
            "any string may also be sent.",
            "",
            "",
            "## Values",
            "",
            table(["Name", "Value"], [[f"`{m.name}`", str(m.value)] for m in cls]),
        ]
        return "\n".join(out) + "\n", links
    hints = (
        model_hints(cls)
        if issubclass(cls, Model)
        else typing.get_type_hints(cls, localns=_localns())
    )
    rows = []
    for field in dataclasses.fields(cls):
        required = (
            field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
        )
        if issubclass(cls, OperationResponse):
            description = ENVELOPE_DESCRIPTIONS[field.name]
            wire = "—"
        elif _fields.is_extra(field):
            description, wire = EXTRA_DESCRIPTION, wire_cell(field)
        else:
            description = field.metadata.get(_fields.DESCRIPTION, "")
            default = field.default
            if not required and default is not None and not isinstance(default, Unset):
                shown = default.value if isinstance(default, enum.Enum) else default
                description = f"{description} Default: `{shown}`.".strip()
            if field.metadata.get(_fields.NULLABLE):
                description = f"{description} Nullable.".strip()
            wire = wire_cell(field)
        if field.name == "raw_response":
            cell = f"[requests.Response]({REQUESTS_RESPONSE_URL})"
        elif _fields.is_extra(field):
            cell = type_cell(ExtraFields, page, links)  # its runtime hint is dataclasses-json's
        else:
            hint = hints[field.name]
            if issubclass(cls, OperationResponse) and field.name == "object":
                hint = Optional[cls.body_type]
            cell = type_cell(hint, page, links)
        rows.append([f"`{field.name}`", wire, cell, required_cell(required), description])
    out += ["", "## Fields", "", table(["Field", "Wire", "Type", "Required", "Description"], rows)]
    if issubclass(cls, Model):
        out += properties_section(cls, page, links)
    return "\n".join(out) + "\n", links


def properties_section(cls: type, page: str, links: List[type]) -> List[str]:
    """Read-only values computed from the fields (e.g. ``created_at_datetime``)."""
    rows = []
    for name in sorted(dir(cls)):
        member = inspect.getattr_static(cls, name)
        if name.startswith("_") or not isinstance(member, property):
            continue
        hint = typing.get_type_hints(member.fget)["return"]
        doc = " ".join((inspect.getdoc(member) or "").split())
        rows.append([f"`{name}`", type_cell(hint, page, links), doc])
    if not rows:
        return []
    return ["", "## Properties", "", table(["Property", "Type", "Description"], rows)]


def _localns() -> Dict[str, Any]:
    import requests

    return {"requests": requests}


RETRY_CONFIG_PAGE = """# RetryConfig

`leonardoaisdk.utils.RetryConfig`: when and how the SDK retries. Pass it as
`LeonardoAiSDK(retry_config=...)` or per call as `retries=...`; the string `"none"` disables
retries.

{table}

`BackoffStrategy` fields, all in milliseconds except `exponent`:

{backoff}
"""


def utils_pages() -> Dict[str, str]:
    from leonardoaisdk.utils import BackoffStrategy, RetryConfig

    def rows(cls: type) -> List[List[str]]:
        hints = typing.get_type_hints(cls)
        return [
            [f"`{f.name}`", type_text(hints[f.name])[0], f"`{f.default!r}`"]
            for f in dataclasses.fields(cls)
        ]

    text = RETRY_CONFIG_PAGE.format(
        table=table(["Field", "Type", "Default"], rows(RetryConfig)),
        backoff=table(["Field", "Type", "Default"], rows(BackoffStrategy)),
    )
    return {"models/utils/retryconfig.md": text}


def render() -> Dict[str, str]:
    pages: Dict[str, str] = {}
    # Every exported model; the parameters classes, which are no models, only as linked to.
    todo: List[type] = [
        getattr(package, name)
        for package in (operations, shared)
        for name in package.__all__
        if documented(getattr(package, name))
    ]
    for name, client, ops in CLIENTS:
        text, links = operation_page(name, client, ops)
        pages[f"sdks/{name}/README.md"] = text
        todo += links
    while todo:
        cls = todo.pop()
        if page_of(cls) in pages:
            continue
        text, links = model_page(cls)
        pages[page_of(cls)] = text
        todo += links
    pages.update(utils_pages())
    return pages


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if docs/ is out of date")
    args = parser.parse_args(argv)
    docs = ROOT / "docs"
    pages = render()
    generated_dirs = ("sdks", "models")
    existing = {str(p.relative_to(docs)) for d in generated_dirs for p in (docs / d).rglob("*.md")}
    stale = sorted(existing - set(pages))
    changed = sorted(
        p for p, text in pages.items() if not (docs / p).exists() or (docs / p).read_text() != text
    )
    if args.check:
        for path in changed + stale:
            print(f"docs/{path} is out of date: run python scripts/gen_docs.py", file=sys.stderr)
        return 1 if changed or stale else 0
    for path in stale:
        (docs / path).unlink()
    for path in changed:
        (docs / path).parent.mkdir(parents=True, exist_ok=True)
        (docs / path).write_text(pages[path])
    print(f"{len(pages)} pages, {len(changed)} written, {len(stale)} removed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
