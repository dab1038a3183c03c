"""The ``element`` sub-client. Elements (LoRAs) to apply to generations."""

from __future__ import annotations

from ._operations import ELEMENT_OPERATIONS, ElementOperations

OPERATIONS = ELEMENT_OPERATIONS


class Element(ElementOperations):
    """Element operations; keyword-only ``timeout`` and ``retries`` as on ``generation``."""
