"""Shortcut for :mod:`leonardoaisdk.models.errors` (``from leonardoaisdk import errors``)."""

from .models.errors import *  # noqa: F403
from .models.errors import __all__  # noqa: F401
