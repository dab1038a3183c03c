"""What a plain import, and constructing the SDK, load: only what they need."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
{statements}
print(json.dumps(sorted(sys.modules)))
"""


def loaded_after(statements: str) -> list:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(statements=statements)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def test_a_plain_import_loads_no_http_stack_and_no_models() -> None:
    modules = loaded_after("import leonardoaisdk")
    assert "requests" not in modules and "urllib3" not in modules
    assert not [m for m in modules if m.startswith("leonardoaisdk.models.")]


def test_constructing_the_sdk_loads_no_operation_models() -> None:
    modules = loaded_after("import leonardoaisdk; leonardoaisdk.LeonardoAiSDK(bearer_auth='k')")
    assert "requests" in modules
    assert not [m for m in modules if m.startswith("leonardoaisdk.models.operations.")]


def test_using_one_model_loads_only_its_module() -> None:
    modules = loaded_after(
        "from leonardoaisdk.models import operations; operations.CreateGenerationRequestBody"
    )
    loaded = [m for m in modules if m.startswith("leonardoaisdk.models.operations.")]
    assert loaded == ["leonardoaisdk.models.operations.creategeneration"]
    assert "requests" not in modules
