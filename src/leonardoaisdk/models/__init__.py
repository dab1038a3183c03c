"""The SDK's models: ``operations`` (per operation), ``shared`` (enums and shared parts), ``errors``."""

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from . import errors, operations, shared

__all__ = ["errors", "operations", "shared"]

__getattr__, __dir__ = lazy_exports(
    __name__, {"errors": ".errors", "operations": ".operations", "shared": ".shared"}
)
