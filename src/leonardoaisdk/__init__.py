"""leonardoaisdk: a typed Python SDK for the Leonardo.Ai REST API.

    import leonardoaisdk
    s = leonardoaisdk.LeonardoAiSDK(bearer_auth="...")
    res = s.generation.get_generation_by_id(id="...")

Everything loads on first use: ``import leonardoaisdk`` alone imports no HTTP stack.
"""

from typing import TYPE_CHECKING

from ._lazy import lazy_exports
from ._version import __version__

if TYPE_CHECKING:
    from . import errors, models, utils
    from .async_sdk import AsyncLeonardoAiSDK
    from .sdk import LeonardoAiSDK
    from .types import UNSET

__all__ = [
    "AsyncLeonardoAiSDK",
    "LeonardoAiSDK",
    "UNSET",
    "__version__",
    "errors",
    "models",
    "utils",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "AsyncLeonardoAiSDK": ".async_sdk",
        "LeonardoAiSDK": ".sdk",
        "UNSET": ".types",
        "errors": ".errors",
        "models": ".models",
        "utils": ".utils",
    },
)
