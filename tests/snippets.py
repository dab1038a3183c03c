"""Finding and running the Python snippets of Markdown/text documents."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List, Tuple

FENCE = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def python_blocks(path: Path) -> List[Tuple[int, str]]:
    """(line number, code) of every ```python block in ``path``."""
    text = path.read_text()
    return [(text.count("\n", 0, m.start()) + 2, m.group(1)) for m in FENCE.finditer(text)]


def run(code: str, name: str) -> Dict[str, Any]:
    namespace: Dict[str, Any] = {"__name__": "__snippet__"}
    exec(compile(code, name, "exec"), namespace)
    return namespace
