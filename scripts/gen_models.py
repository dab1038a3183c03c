"""Generate the model modules under src/leonardoaisdk/models/{operations,shared}/ from the spec.

    python scripts/gen_models.py          # write the modules
    python scripts/gen_models.py --check  # exit 1, listing the modules that differ (CI)

Every schema of spec/leonardo-openapi-2024-02.json becomes a dataclasses-json model (or an
``ApiEnum``) named by its ``x-python-class``, in the module its ``x-python-module`` names. Each
operation also gets, in the module of its response body: its parameters class (when it takes
path or query parameters, an optional ``request_body``, or nothing at all) and its response
envelope. Field sets the spec repeats are declared once, as the shapes of ``SHAPES`` below, in
``operations/_shapes_*.py`` (``operations/_shapes.py`` names them all); the generator refuses to
run when a repeated set is not mapped there, or when a schema mapped to a shape disagrees with
it.

The output goes through ``ruff check --select I --fix`` and ``ruff format``, so it is what the
linters want and the same on every run.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Set, Tuple

ROOT = Path(__file__).resolve().parents[1]
SPEC_PATH = ROOT / "spec" / "leonardo-openapi-2024-02.json"
MODELS = ROOT / "src" / "leonardoaisdk" / "models"
SHAPES_MODULE = "operations/_shapes"

# Modules of models/shared/ written by hand (not spec schemas), and the names they export.
HAND_WRITTEN = {"shared/security": ["Security"]}

SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}


@dataclass(frozen=True)
class Shape:
    """A field set the spec defines more than once, declared once as a (generic) base class."""

    doc: str
    schemas: Tuple[str, ...]
    # Properties whose type differs per schema (a model of each operation's own): their type
    # parameter. Every property that refers to a model must have one.
    type_params: Dict[str, str] = field(default_factory=dict)
    # A Jupyter display, by the name of its function in leonardoaisdk._display.
    html: Optional[str] = None
    html_doc: str = ""


SHAPES: Dict[str, Shape] = {
    "GenerationFields": Shape(
        "A generation: ``generated_images`` of ``ImageT``, ``generation_elements`` of "
        "``ElementT``.",
        ("GetGenerationByIDGenerations", "GetGenerationsByUserIDGenerations"),
        {"generated_images": "ImageT", "generation_elements": "ElementT"},
        html="generation_html",
        html_doc="Jupyter: the generation as a grid of its images with prompt, status, size, "
        "model, cost.",
    ),
    "GeneratedImageFields": Shape(
        "A generated image, with variations of ``VariationT``.",
        ("GeneratedImages", "GetGenerationsByUserIDGeneratedImages"),
        {"generated_image_variation_generics": "VariationT"},
    ),
    "GenerationElementFields": Shape(
        "An element applied to a generation; its ``lora`` is a ``LoraT``.",
        ("GenerationElements", "GetGenerationsByUserIDGenerationElements"),
        {"lora": "LoraT"},
    ),
    "VariationFields": Shape(
        "A variation of a generated image.",
        (
            "GetGenerationByIDGeneratedImageVariationGeneric",
            "GetGenerationsByUserIDGeneratedImageVariationGeneric",
        ),
    ),
    "ElementFields": Shape(
        "An element (LoRA) used for a generation.", ("GetGenerationByIDLoras", "Elements")
    ),
    "TextureGenerationFields": Shape(
        "A texture generation, with images of ``TextureImageT``.",
        (
            "GetGenerationsTextureIDModelAssetTextureGenerations",
            "GetGenerationsTextureModelModelIDModelAssetTextureGenerations",
        ),
        {"model_asset_texture_images": "TextureImageT"},
    ),
    "TextureImageFields": Shape(
        "An image of a texture generation.",
        ("GetGenerationsTextureIDModelAssetTextureImages", "ModelAssetTextureImages"),
    ),
    "StoredImageFields": Shape(
        "An uploaded image: an init image, or an image of a dataset.",
        ("DatasetImages", "GetInitImageByIDInitImages"),
    ),
    "ModelAssetFields": Shape(
        "A 3D model asset.", ("GetModels3dIDModelAssets", "GetModels3dUserUserIDModelAssets")
    ),
    "PresignedUploadFields": Shape(
        "Where to upload an image: a presigned ``url`` and the form ``fields`` (JSON text) to "
        "send with it.",
        ("DatasetUploadOutput", "InitImageUploadOutput"),
    ),
    "ImageExtensionFields": Shape(
        "The extension of an image to upload.",
        ("UploadDatasetImageRequestBody", "UploadInitImageRequestBody"),
    ),
}

# Repeated field sets left as separate classes, and why. A set of one property (``id``) is
# never folded: a base class would save nothing.
NOT_FOLDED: Dict[Tuple[str, ...], str] = {}

# Responses with a Jupyter display (``_display.response_html`` reads generations and jobs).
RESPONSE_HTML = {
    "create_generation",
    "get_generation_by_id",
    "get_generations_by_user_id",
    "post_generations_motion_svd",
}

# The spec describes no parameters. These are the texts of the seed docs where they have one,
# and ours otherwise; `limit`, `offset` and path parameters the body may carry instead have
# descriptions of their own (parameter_description).
PARAMETER_DESCRIPTIONS = {
    ("delete_generation_by_id", "id"): "The ID of the generation to delete.",
    ("get_generation_by_id", "id"): "The ID of the generation to return.",
    ("get_generations_by_user_id", "user_id"): "The ID of the user whose generations to return.",
    ("delete_dataset_by_id", "id"): "The ID of the dataset to delete.",
    ("get_dataset_by_id", "id"): "The ID of the dataset to return.",
    ("upload_dataset_image", "dataset_id"): "The ID of the dataset to upload the image to.",
    ("upload_dataset_image_from_gen", "dataset_id"): "The ID of the dataset to add the image to.",
    ("delete_init_image_by_id", "id"): "The ID of the init image to delete.",
    ("get_init_image_by_id", "id"): "The ID of the init image to return.",
    ("delete_model_by_id", "id"): "The ID of the custom model to delete.",
    ("get_model_by_id", "id"): "The ID of the custom model to return.",
    ("get_variation_by_id", "id"): "The ID of the variation to return.",
}
QUERY_DESCRIPTIONS = {
    "limit": "How many items to return at most. The API's default is {default}.",
    "offset": "How many items to skip from the newest. The API's default is {default}.",
}

TIMESTAMP_SUFFIXES = ("_at", "_date")


class SpecError(Exception):
    """The spec holds something the generator does not know how to declare."""


def clean(text: Optional[str]) -> str:
    """A description as the models carry it: the spec's escaped quotes unescaped."""
    return (text or "").replace('\\\\"', '"').replace('\\"', '"').strip()


def snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def sentence(text: Optional[str]) -> str:
    cleaned = clean(text)
    return cleaned if not cleaned or cleaned.endswith(".") else cleaned + "."


def ref_name(node: Dict[str, Any]) -> Optional[str]:
    if "$ref" in node:
        return str(node["$ref"]).rsplit("/", 1)[-1]
    if "allOf" in node:
        return str(node["allOf"][0]["$ref"]).rsplit("/", 1)[-1]
    return None


def refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield str(value).rsplit("/", 1)[-1]
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def docstring(text: str, indent: str, raw: bool = True) -> str:
    prefix = 'r"""' if raw else '"""'
    if '"""' in text or text.endswith('"'):
        raise SpecError(f"cannot write {text!r} as a docstring")
    return f'{indent}{prefix}{text}"""'


@dataclass
class Operation:
    op_id: str
    method: str
    path: str
    spec: Dict[str, Any]

    @property
    def python_method(self) -> str:
        return str(self.spec["x-python-method"])

    @property
    def response_class(self) -> str:
        return str(self.spec["x-python-response-class"])

    @property
    def body_schema(self) -> Optional[str]:
        content = self.spec.get("requestBody", {}).get("content", {}).get("application/json")
        return None if content is None else ref_name(content["schema"])

    @property
    def response_schema(self) -> str:
        name = ref_name(self.spec["responses"]["200"]["content"]["application/json"]["schema"])
        assert name is not None
        return name

    @property
    def params_class(self) -> Optional[str]:
        """The parameters class: for path or query parameters, an optional ``request_body``
        argument, or (``GetUserSelfRequest`` style, empty) when the operation takes nothing."""
        body = self.spec.get("requestBody")
        takes_params = bool(self.spec.get("parameters")) or (
            body is not None and body.get("x-python-name") == "request_body"
        )
        if not takes_params and body is not None:
            return None  # the body model is the request
        name = self.response_class.removesuffix("Response") + "Request"
        declared = self.spec.get("x-python-request-class")
        if takes_params and declared != name:
            raise SpecError(f"{self.op_id}: x-python-request-class {declared!r}, not {name!r}")
        return name


class Spec:
    def __init__(self, data: Dict[str, Any]) -> None:
        self.schemas: Dict[str, Dict[str, Any]] = data["components"]["schemas"]
        self.operations = [
            Operation(op["operationId"], method.upper(), path, op)
            for path, item in data["paths"].items()
            for method, op in item.items()
        ]
        self.sent = self._sent()
        self.shape_of: Dict[str, str] = {}
        for shape_name, shape in SHAPES.items():
            for schema in shape.schemas:
                self.shape_of[schema] = shape_name
        self.shape_modules = self._shape_modules()
        self.shape_module = {
            shape: module for module, shapes in self.shape_modules.items() for shape in shapes
        }

    def _shape_modules(self) -> Dict[str, List[str]]:
        """The modules the shapes are declared in, and the shapes of each: those the same model
        modules use share one, so that importing a model module declares no shape it does not
        use (each dataclass costs its import about half a millisecond)."""
        groups: Dict[Tuple[str, ...], List[str]] = {}
        for shape_name, shape in SHAPES.items():
            users = tuple(sorted({self.module(schema) for schema in shape.schemas}))
            groups.setdefault(users, []).append(shape_name)
        return {
            f"{SHAPES_MODULE}_{snake_case(shapes[0].removesuffix('Fields'))}": shapes
            for shapes in groups.values()
        }

    def _sent(self) -> Set[str]:
        """Request bodies and every model they contain: declared as ``RequestModel``."""
        todo = [op.body_schema for op in self.operations if op.body_schema]
        sent: Set[str] = set()
        while todo:
            name = todo.pop()
            if name is None or name in sent or self.is_enum(name):
                continue
            sent.add(name)
            todo += list(refs(self.schemas[name]))
        return sent

    def is_enum(self, name: str) -> bool:
        return "enum" in self.schemas[name]

    def cls(self, name: str) -> str:
        return str(self.schemas[name]["x-python-class"])

    def module(self, name: str) -> str:
        return str(self.schemas[name]["x-python-module"])

    def properties(self, name: str) -> Dict[str, Dict[str, Any]]:
        props: Dict[str, Dict[str, Any]] = self.schemas[name].get("properties", {})
        return props


# --- shapes: detection and checks ---------------------------------------------------------------


def type_signature(spec: Spec, prop: Dict[str, Any]) -> str:
    target = ref_name(prop)
    if target is not None:
        return f"enum {target}" if spec.is_enum(target) else "model"
    if prop.get("type") == "array":
        return f"list of {type_signature(spec, prop['items'])}"
    return str(prop.get("type"))


def field_signature(spec: Spec, name: str) -> Tuple[Any, ...]:
    """What a model's declaration depends on, except the models its properties refer to."""
    required = set(spec.schemas[name].get("required", []))
    properties = tuple(
        (
            wire,
            prop["x-python-name"],
            type_signature(spec, prop),
            bool(prop.get("nullable")),
            json.dumps(prop.get("default")),
            clean(prop.get("description")),
            wire in required,
        )
        for wire, prop in spec.properties(name).items()
    )
    return (*properties, name in spec.sent)


def check_shapes(spec: Spec) -> None:
    """Fail unless every repeated field set is a shape (or left out on purpose), and every
    schema mapped to a shape has exactly the shape's fields."""
    groups: Dict[Tuple[Any, ...], List[str]] = {}
    for name in spec.schemas:
        if not spec.is_enum(name) and len(spec.properties(name)) >= 2:
            groups.setdefault(field_signature(spec, name), []).append(name)
    problems = []
    for names in groups.values():
        if len(names) < 2:
            continue
        members = sorted(names)
        mapped = {spec.shape_of.get(n) for n in members}
        if tuple(members) in NOT_FOLDED:
            continue
        if len(mapped) != 1 or None in mapped:
            problems.append(f"{', '.join(members)} share one field set: map them to one shape")
    for shape_name, shape in SHAPES.items():
        first = shape.schemas[0]
        for other in shape.schemas[1:]:
            if field_signature(spec, other) != field_signature(spec, first):
                problems.append(f"{shape_name}: {other}'s fields differ from {first}'s")
        models = {
            prop["x-python-name"]
            for prop in spec.properties(first).values()
            if type_signature(spec, prop).endswith("model")
        }
        if models != set(shape.type_params):
            problems.append(
                f"{shape_name}: type parameters {sorted(shape.type_params)} "
                f"for the model-typed fields {sorted(models)}"
            )
    if problems:
        raise SpecError("\n".join(problems))


# --- writing modules ----------------------------------------------------------------------------


class Imports:
    """The imports a module needs, as ``from <module> import <name>`` pairs."""

    def __init__(self, here: str) -> None:
        self.here = here  # e.g. "operations/creategeneration"
        self.names: Dict[str, Set[str]] = {}
        self.modules: Set[str] = set()

    def add(self, module: str, *names: str) -> None:
        self.names.setdefault(module, set()).update(names)

    def sdk(self, module: str, *names: str) -> None:
        """Import from the SDK's own ``leonardoaisdk.<module>``."""
        self.add("..." + module, *names)

    def model(self, target_module: str, name: str) -> None:
        """Import a model class from another model module (``shared/job_status``)."""
        if target_module == self.here:
            return
        package, module = target_module.split("/")
        if package == self.here.split("/")[0]:
            self.add(f".{module}", name)
        else:
            self.add(f"..{package}.{module}", name)

    def render(self) -> str:
        lines = ["from __future__ import annotations", ""]
        lines += [f"import {m}" for m in sorted(self.modules)]
        for module, names in sorted(self.names.items()):
            lines.append(f"from {module} import {', '.join(sorted(names))}")
        return "\n".join(lines)


class ModuleWriter:
    def __init__(self, spec: Spec, here: str) -> None:
        self.spec = spec
        self.here = here
        self.imports = Imports(here)
        self.typing: Set[str] = set()

    # types

    def hint(self, prop: Dict[str, Any], type_param: Optional[str] = None) -> str:
        if type_param is not None:
            if prop.get("type") == "array":
                self.typing.add("List")
                return f"List[{type_param}]"
            return type_param
        target = ref_name(prop)
        if target is not None:
            name = self.spec.cls(target)
            self.imports.model(self.spec.module(target), name)
            if self.spec.is_enum(target):
                self.typing.add("Union")
                return f"Union[{name}, str]"
            return name
        if prop.get("type") == "array":
            self.typing.add("List")
            return f"List[{self.hint(prop['items'])}]"
        if prop.get("type") not in SCALARS:
            raise SpecError(f"{self.here}: no Python type for {prop}")
        return SCALARS[prop["type"]]

    def default(self, prop: Dict[str, Any]) -> str:
        value = prop["default"]
        target = ref_name(prop)
        if target is not None and self.spec.is_enum(target):
            members = self.spec.schemas[target]["x-python-members"]
            (member,) = [m for m, v in members.items() if v == value]
            return f"{self.spec.cls(target)}.{member}"
        return repr(value)

    # models

    def model_fields(self, name: str, type_params: Optional[Dict[str, str]] = None) -> List[str]:
        """The field declarations of schema ``name``: required ones first (a dataclass needs
        them before fields with defaults), then the rest, in the spec's order."""
        type_params = type_params or {}
        sent = name in self.spec.sent
        required = set(self.spec.schemas[name].get("required", []))
        props = self.spec.properties(name)
        order = [w for w in props if w in required] + [w for w in props if w not in required]
        lines = []
        for wire in order:
            prop = props[wire]
            python = prop["x-python-name"]
            hint = self.hint(prop, type_params.get(python))
            description = clean(prop.get("description"))
            described = [f"description={description!r}"] if description else []
            nullable = bool(prop.get("nullable"))
            if wire in required:
                if not sent:
                    raise SpecError(f"{name}.{wire}: a required property of a response model")
                self.imports.sdk("_fields", "required_field")
                args = ", ".join([repr(wire), *described])
                lines.append(f"    {python}: {hint} = required_field({args})")
                continue
            self.imports.sdk("_fields", "api_field")
            options = []
            if "default" in prop:
                options.append(f"default={self.default(prop)}")
            elif sent:
                self.imports.sdk("types", "UNSET")
                options.append("default=UNSET")
            if nullable:
                options.append("nullable=True")
            if sent:
                wrapper = "OptionalNullable" if nullable else "Omittable"
                self.imports.sdk("types", wrapper)
            else:
                wrapper = "Optional"
                self.typing.add("Optional")
            args = ", ".join([repr(wire), *options, *described])
            lines.append(f"    {python}: {wrapper}[{hint}] = api_field({args})")
        self.imports.sdk("_fields", "extra_fields")
        self.imports.sdk("_model", "ExtraFields")
        lines.append("    additional_properties: ExtraFields = extra_fields()")
        lines += self.timestamp_properties(name)
        return lines

    def timestamp_properties(self, name: str) -> List[str]:
        lines = []
        for prop in self.spec.properties(name).values():
            python = prop["x-python-name"]
            if prop.get("type") != "string" or not python.endswith(TIMESTAMP_SUFFIXES):
                continue
            self.imports.modules.add("datetime")
            self.imports.sdk("_codec", "parse_timestamp")
            self.typing.add("Optional")
            doc = textwrap.wrap(
                f"``{python}`` as a timezone-aware datetime (UTC if the API names no zone), "
                "or ``None`` when absent or not a timestamp.",
                width=100 - len('        """'),
            )
            body = "\n        ".join(doc)
            lines += [
                "",
                "    @property",
                f"    def {python}_datetime(self) -> Optional[datetime.datetime]:",
                f'        """{body}"""',
                f"        return parse_timestamp(self.{python})",
            ]
        return lines

    def model_class(self, name: str) -> str:
        schema = self.spec.schemas[name]
        cls = self.spec.cls(name)
        doc = sentence(schema.get("description"))
        shape_name = self.spec.shape_of.get(name)
        if shape_name is not None:  # the shape declares the fields; this class binds its types
            shape = SHAPES[shape_name]
            self.imports.add("." + self.spec.shape_module[shape_name].split("/")[1], shape_name)
            args = []
            for prop in self.spec.properties(name).values():
                if prop["x-python-name"] in shape.type_params:
                    target = next(refs(prop))
                    args.append(self.spec.cls(target))
                    self.imports.model(self.spec.module(target), self.spec.cls(target))
            base = f"{shape_name}[{', '.join(args)}]" if args else shape_name
            body = docstring(doc, "    ") if doc else "    pass"
            return f"class {cls}({base}):\n{body}\n"
        base = "RequestModel" if name in self.spec.sent else "Model"
        self.imports.modules.add("dataclasses")
        self.imports.sdk("_model", base)
        lines = ["@dataclasses.dataclass(repr=False)", f"class {cls}({base}):"]
        if doc:
            lines += [docstring(doc, "    "), ""]
        lines += self.model_fields(name)
        return "\n".join(lines) + "\n"

    def enum_class(self, name: str) -> str:
        schema = self.spec.schemas[name]
        self.imports.sdk("_enum", "ApiEnum")
        lines = [f"class {self.spec.cls(name)}(ApiEnum):"]
        doc = sentence(schema.get("description"))
        if doc:
            lines += [docstring(doc, "    "), ""]
        members = schema["x-python-members"]
        by_value = {value: member for member, value in members.items()}
        if sorted(by_value) != sorted(schema["enum"]) or len(by_value) != len(members):
            raise SpecError(f"{name}: x-python-members do not name each value once")
        lines += [f"    {by_value[value]} = {value!r}" for value in schema["enum"]]
        return "\n".join(lines) + "\n"

    # operations

    def params_class(self, op: Operation) -> str:
        cls = op.params_class
        assert cls is not None
        self.imports.modules.add("dataclasses")
        lines = ["@dataclasses.dataclass", f"class {cls}:"]
        params = {p["x-python-name"]: p for p in op.spec.get("parameters", [])}
        body = op.spec.get("requestBody")
        order = [part.split(":")[0].strip() for part in op.spec["x-python-signature"].split(",")]
        order = [name for name in order if name]
        expected = set(params) | ({"request_body"} if body is not None else set())
        if set(order) != expected:
            raise SpecError(f"{op.op_id}: signature {order} for parameters {sorted(expected)}")
        if not order:
            lines.append(docstring(f"``{op.python_method}`` takes no parameters.", "    ", False))
            return "\n".join(lines) + "\n"
        lines += [docstring(f"The parameters of ``{op.python_method}``.", "    ", False), ""]
        for name in order:
            if name == "request_body":
                assert body is not None and op.body_schema is not None
                model = self.spec.cls(op.body_schema)
                self.imports.model(self.spec.module(op.body_schema), model)
                self.imports.sdk("_fields", "body_param")
                description = clean(self.spec.schemas[op.body_schema].get("description"))
                if body.get("required"):
                    lines.append(
                        f"    request_body: {model} = "
                        f"body_param(required=True, description={description!r})"
                    )
                else:
                    self.typing.add("Optional")
                    lines.append(
                        f"    request_body: Optional[{model}] = "
                        f"body_param(description={description!r})"
                    )
                continue
            param = params[name]
            description = parameter_description(self.spec, op, param)
            hint = self.hint(param["schema"])
            if param["in"] == "path":
                if not param.get("required"):
                    raise SpecError(f"{op.op_id}: optional path parameter {name}")
                self.imports.sdk("_fields", "path_param")
                call = f"path_param({param['name']!r}, description={description!r})"
                lines.append(f"    {name}: {hint} = {call}")
            elif param["in"] == "query":
                if param.get("required"):
                    raise SpecError(f"{op.op_id}: required query parameter {name}")
                self.imports.sdk("_fields", "query_param")
                self.typing.add("Optional")
                call = f"query_param({param['name']!r}, description={description!r})"
                lines.append(f"    {name}: Optional[{hint}] = {call}")
            else:
                raise SpecError(f"{op.op_id}: a parameter in {param['in']}")
        return "\n".join(lines) + "\n"

    def response_class(self, op: Operation) -> str:
        body = self.spec.cls(op.response_schema)
        self.imports.model(self.spec.module(op.response_schema), body)
        self.imports.sdk("_model", "OperationResponse", "object_alias")
        lines = [
            f"class {op.response_class}(OperationResponse[{body}]):",
            docstring(
                f"What ``{op.python_method}`` returns; ``object`` is the decoded body.",
                "    ",
                False,
            ),
            "",
            f"    {op.op_id}_200_application_json_object = object_alias()",
        ]
        if op.op_id in RESPONSE_HTML:
            self.imports.sdk("_display", "response_html")
            lines += [
                "",
                "    def _repr_html_(self) -> str:",
                '        """Jupyter: what the response holds, as HTML."""',
                "        return response_html(self)",
            ]
        return "\n".join(lines) + "\n"

    def render(self, docstring_text: str, classes: Sequence[str]) -> str:
        if self.typing:
            self.imports.add("typing", *self.typing)
        doc = docstring_text + ("\n" if "\n" in docstring_text else "")
        parts = [docstring(doc, "", False), self.imports.render(), *classes]
        return "\n\n\n".join(part.rstrip("\n") for part in parts) + "\n"


def parameter_description(spec: Spec, op: Operation, param: Dict[str, Any]) -> str:
    name, wire = param["x-python-name"], param["name"]
    if param["in"] == "query" and name in QUERY_DESCRIPTIONS:
        return QUERY_DESCRIPTIONS[name].format(default=param["schema"]["default"])
    body = op.spec.get("requestBody")
    optional_body = body is not None and not body.get("required") and op.body_schema is not None
    if optional_body and wire in spec.properties(str(op.body_schema)):
        return f'_"{wire}" is required (enter it either in parameters or request body)_'
    try:
        return PARAMETER_DESCRIPTIONS[(op.op_id, name)]
    except KeyError:
        raise SpecError(f"{op.op_id}: describe {name} in PARAMETER_DESCRIPTIONS") from None


# --- modules --------------------------------------------------------------------------------------


def schema_order(spec: Spec, roots: Sequence[str], module: str) -> List[str]:
    """The schemas of ``module`` in the order an operation reaches them (request body first),
    each after the models a shape's type parameters bind (those are evaluated at class
    creation), then any the operations do not reach, by name."""
    reached: List[str] = []
    seen: Set[str] = set()

    def visit(name: str) -> None:
        if name in seen:
            return
        seen.add(name)
        if spec.module(name) == module:
            reached.append(name)
        for target in refs(spec.schemas[name]):
            visit(target)

    for root in roots:
        visit(root)
    reached += sorted(n for n in spec.schemas if spec.module(n) == module and n not in seen)

    ordered: List[str] = []

    def place(name: str) -> None:
        if name in ordered:
            return
        shape = spec.shape_of.get(name)
        if shape is not None:
            for prop in spec.properties(name).values():
                if prop["x-python-name"] in SHAPES[shape].type_params:
                    target = next(refs(prop))
                    if spec.module(target) == module:
                        place(target)
        ordered.append(name)

    for name in reached:
        place(name)
    return ordered


def module_docstring(spec: Spec, module: str, ops: Sequence[Operation], names: List[str]) -> str:
    if ops:
        described = " and ".join(f"``{op.python_method}`` ({op.method} {op.path})" for op in ops)
        return f"Models of {described}."
    if len(names) == 1:
        kind = "enum" if spec.is_enum(names[0]) else "model"
        return f"The ``{spec.cls(names[0])}`` {kind}."
    return f"Models of {', '.join(f'``{spec.cls(n)}``' for n in names)}."


SHAPES_DOC = (
    "Field sets the spec defines more than once, once per operation (e.g. a generation as\n"
    "``GET /generations/{id}`` and as ``GET /generations/user/{userId}`` send it).\n\n"
    "Each public model names its shape and, where the two differ, the types of its parts:\n"
    "``class GetGenerationByIDGenerations(GenerationFields[GeneratedImages, "
    "GenerationElements])``.\nThe codec fills the type parameters in once per class "
    "(``_codec.model_hints``)."
)
GENERATED_FROM_SHAPES = "Generated by scripts/gen_models.py from its ``SHAPES`` table."


def shape_module(spec: Spec, module: str, shapes: Sequence[str]) -> Tuple[str, List[str]]:
    """The source of one module of shapes, and the names it declares."""
    writer = ModuleWriter(spec, module)
    classes = []
    type_vars: List[str] = []
    for shape_name in shapes:
        shape = SHAPES[shape_name]
        first = shape.schemas[0]
        base = "RequestModel" if first in spec.sent else "Model"
        writer.imports.modules.add("dataclasses")
        writer.imports.sdk("_model", base)
        params = [
            shape.type_params[prop["x-python-name"]]
            for prop in spec.properties(first).values()
            if prop["x-python-name"] in shape.type_params
        ]
        for param in params:
            if param not in type_vars:
                type_vars.append(param)
        if params:
            writer.typing.add("Generic")
            bases = f"{base}, Generic[{', '.join(params)}]"
        else:
            bases = base
        lines = ["@dataclasses.dataclass(repr=False)", f"class {shape_name}({bases}):"]
        lines += [docstring(shape.doc, "    ", False), ""]
        lines += writer.model_fields(first, shape.type_params)
        if shape.html:
            writer.imports.sdk("_display", shape.html)
            lines += [
                "",
                "    def _repr_html_(self) -> str:",
                docstring(shape.html_doc, "        ", False),
                f"        return {shape.html}(self)",
            ]
        classes.append("\n".join(lines) + "\n")
    if type_vars:
        writer.typing.add("TypeVar")
        classes.insert(0, "\n".join(f'{t} = TypeVar("{t}")' for t in type_vars))
    used_by = sorted({spec.module(schema) for name in shapes for schema in SHAPES[name].schemas})
    doc = "\n".join(
        [
            "Shapes (see ``_shapes``) of the models of",
            "",
            *(f"- ``{m}``" for m in used_by),
            "",
            GENERATED_FROM_SHAPES,
        ]
    )
    return writer.render(doc, classes), [*type_vars, *shapes]


def shapes_index(exports: Dict[str, str]) -> str:
    """``operations/_shapes.py``: every shape (and type parameter) by name, loaded on first use
    from the module that declares it."""
    by_module: Dict[str, List[str]] = {}
    for name, module in exports.items():
        by_module.setdefault(module, []).append(name)
    lines = [f'"""{SHAPES_DOC}', ""]
    lines += [
        "The shapes are declared in modules of their own (``_shapes_*``), one for the shapes the",
        "same model modules use; this module names them all, each loaded on first use.",
        "",
        GENERATED_FROM_SHAPES,
        '"""',
        "",
        "import importlib",
        "from typing import TYPE_CHECKING, Any",
        "",
        "if TYPE_CHECKING:",
    ]
    for module, names in sorted(by_module.items()):
        lines.append(f"    from {module} import {', '.join(sorted(names))}")
    lines += ["", "_EXPORTS = {"]
    lines += [f'    "{name}": "{exports[name]}",' for name in sorted(exports)]
    lines += ["}", "", "__all__ = ["]
    lines += [f'    "{name}",' for name in sorted(exports)]
    lines += [
        "]",
        "",
        "",
        "def __getattr__(name: str) -> Any:",
        "    module = _EXPORTS.get(name)",
        "    if module is None:",
        '        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")',
        "    value = getattr(importlib.import_module(module, __package__), name)",
        "    globals()[name] = value  # later lookups skip this function",
        "    return value",
    ]
    return "\n".join(lines) + "\n"


def package_init(exports: Dict[str, str], doc: str, modules: Sequence[str] = ()) -> str:
    """A package ``__init__`` whose names load on first use (``_lazy.lazy_exports``); the
    private ``modules`` are attributes of the package too (loaded on first use, not exported)."""
    by_module: Dict[str, List[str]] = {}
    for name, module in exports.items():
        by_module.setdefault(module, []).append(name)
    lines = [f'"""{doc}', "", "Names load on first use, so importing this package is cheap.", '"""']
    lines += ["", "from typing import TYPE_CHECKING", "", "from ..._lazy import lazy_exports", ""]
    lines.append("if TYPE_CHECKING:")
    for module, names in sorted(by_module.items()):
        lines.append(f"    from {module} import {', '.join(sorted(names))}")
    lines += ["", "_EXPORTS = {"]
    lines += [f'    "{name}": "{exports[name]}",' for name in sorted(exports)]
    lines += [f'    "{module}": ".{module}",' for module in modules]
    lines += ["}", "", "__all__ = ["]
    lines += [f'    "{name}",' for name in sorted(exports)]
    lines += ["]", "", "__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)"]
    return "\n".join(lines) + "\n"


def render(spec: Spec) -> Dict[str, str]:
    """Every generated file, by path relative to src/leonardoaisdk/models/."""
    check_shapes(spec)
    ops_by_module: Dict[str, List[Operation]] = {}
    for op in spec.operations:
        ops_by_module.setdefault(spec.module(op.response_schema), []).append(op)
    modules = sorted({spec.module(n) for n in spec.schemas} | set(ops_by_module))
    files: Dict[str, str] = {}
    exports: Dict[str, Dict[str, str]] = {"operations": {}, "shared": {}}
    for module in modules:
        package, basename = module.split("/")
        ops = sorted(ops_by_module.get(module, []), key=lambda o: o.op_id)
        roots = [n for op in ops for n in (op.body_schema, op.response_schema) if n is not None]
        names = schema_order(spec, roots, module)
        writer = ModuleWriter(spec, module)
        classes = [
            writer.enum_class(n) if spec.is_enum(n) else writer.model_class(n) for n in names
        ]
        public = [spec.cls(n) for n in names]
        for op in ops:
            if op.params_class is not None:
                classes.append(writer.params_class(op))
                public.append(op.params_class)
            classes.append(writer.response_class(op))
            public.append(op.response_class)
        for name in public:
            if name in exports[package]:
                raise SpecError(f"{name} is declared twice")
            exports[package][name] = f".{basename}"
        doc = module_docstring(spec, module, ops, names)
        files[f"{module}.py"] = writer.render(doc, classes)
    for module, names in HAND_WRITTEN.items():
        package, basename = module.split("/")
        exports[package].update({name: f".{basename}" for name in names})
    shape_exports: Dict[str, str] = {}
    for module, shapes in spec.shape_modules.items():
        files[f"{module}.py"], names = shape_module(spec, module, shapes)
        shape_exports.update({name: "." + module.split("/")[1] for name in names})
    files[f"{SHAPES_MODULE}.py"] = shapes_index(shape_exports)
    files["operations/__init__.py"] = package_init(
        exports["operations"],
        "Request and response models of each operation.",
        [SHAPES_MODULE.split("/")[1]],
    )
    files["shared/__init__.py"] = package_init(
        exports["shared"], "Models and enums shared by several operations."
    )
    return formatted(files)


def formatted(files: Dict[str, str]) -> Dict[str, str]:
    """``files`` as ruff leaves them: imports sorted, then formatted (pyproject's settings)."""
    config = str(ROOT / "pyproject.toml")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        for path, text in files.items():
            (base / path).parent.mkdir(parents=True, exist_ok=True)
            (base / path).write_text(text)
        ruff = [sys.executable, "-m", "ruff"]
        fix = [*ruff, "check", "--config", config, "--select", "I", "--fix", "--quiet", tmp]
        subprocess.run(fix, check=True, capture_output=True)
        subprocess.run([*ruff, "format", "--config", config, "--quiet", tmp], check=True)
        return {path: (base / path).read_text() for path in files}


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the modules are stale")
    args = parser.parse_args(argv)
    try:
        files = render(Spec(json.loads(SPEC_PATH.read_text())))
    except SpecError as exc:
        print(f"gen_models: {exc}", file=sys.stderr)
        return 2
    changed = sorted(
        path
        for path, text in files.items()
        if not (MODELS / path).exists() or (MODELS / path).read_text() != text
    )
    hand_written = {f"{m}.py" for m in HAND_WRITTEN}
    stale = sorted(
        str(p.relative_to(MODELS))
        for package in ("operations", "shared")
        for p in (MODELS / package).glob("*.py")
        if str(p.relative_to(MODELS)) not in files
        and str(p.relative_to(MODELS)) not in hand_written
    )
    if args.check:
        for path in changed + stale:
            print(f"src/leonardoaisdk/models/{path} differs: run python scripts/gen_models.py")
        return 1 if changed or stale else 0
    for path in stale:
        (MODELS / path).unlink()
    for path in changed:
        (MODELS / path).write_text(files[path])
    print(f"{len(files)} modules, {len(changed)} written, {len(stale)} removed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
