"""The ``variation`` sub-client. Variations of a generated image: upscale, no background, unzoom."""

from __future__ import annotations

from ._operations import VARIATION_OPERATIONS, VariationOperations

OPERATIONS = VARIATION_OPERATIONS


class Variation(VariationOperations):
    """Variation operations; keyword-only ``timeout`` and ``retries`` as on ``generation``."""
