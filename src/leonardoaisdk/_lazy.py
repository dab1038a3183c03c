"""Module-level lazy exports: a name's module is imported the first time the name is used.

A plain ``import leonardoaisdk`` (or ``from leonardoaisdk.models import operations``) then
costs almost nothing; only the models and the HTTP stack a program touches get imported.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any, Callable, Dict, List, Tuple


def lazy_exports(
    package: str, exports: Dict[str, str]
) -> Tuple[Callable[[str], Any], Callable[[], List[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``; ``exports`` maps name -> relative module.

    A name equal to its module's last component (``"errors": ".errors"``) exports the module.
    """

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        imported = importlib.import_module(module, package)
        value = imported if module.rsplit(".", 1)[-1] == name else getattr(imported, name)
        setattr(sys.modules[package], name, value)  # later lookups skip this function
        return value

    def __dir__() -> List[str]:
        return sorted(set(vars(sys.modules[package])) | set(exports))

    return __getattr__, __dir__
