"""Every route of the local server, registered by importing the module of each resource."""

from __future__ import annotations

from typing import List

from . import (  # noqa: F401  (imported for their @route registrations)
    _cdn_routes,
    _dataset_routes,
    _generation_routes,
    _model3d_routes,
    _model_routes,
    _upload_routes,
    _variation_routes,
)
from ._api import ROUTES, Route

__all__ = ["ROUTES", "all_routes"]


def all_routes() -> List[Route]:
    return list(ROUTES)
