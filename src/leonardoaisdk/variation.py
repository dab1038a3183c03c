"""The ``variation`` sub-client: variations of a generated image (upscale, no background,
unzoom)."""

from __future__ import annotations

from typing import Any, Callable, Optional

from . import _defaults
from ._operations import GET_VARIATION_BY_ID, VARIATION_OPERATIONS, VariationOperations
from ._steps import Steps, run_sync
from ._subclient import ClientBase
from .models import operations

OPERATIONS = VARIATION_OPERATIONS


class VariationWorkflows(ClientBase):
    """The steps of the variation workflows, shared by ``Variation`` and ``AsyncVariation``."""

    def _variation_wait_steps(
        self, id: str, timeout: float, poll_interval: float, on_progress: Any
    ) -> Steps[operations.GeneratedImageVariationGeneric]:
        def pick(
            body: operations.GetVariationByIDResponseBody,
        ) -> Optional[operations.GeneratedImageVariationGeneric]:
            found = body.generated_image_variation_generic or []
            mine = [v for v in found if v is not None and v.id in (id, None)]
            return mine[0] if mine else None

        return self._wait_steps(
            GET_VARIATION_BY_ID,
            operations.GetVariationByIDRequest(id),
            pick,
            what=f"variation {id}",
            timeout=timeout,
            poll_interval=poll_interval,
            on_progress=on_progress,
        )


class Variation(VariationWorkflows, VariationOperations):
    """Variation operations; keyword-only ``timeout`` and ``retries`` as on ``generation``."""

    def wait_for_variation(
        self,
        id: str,
        *,
        timeout: float = _defaults.WAIT_TIMEOUT,
        poll_interval: float = _defaults.WAIT_POLL_INTERVAL,
        on_progress: Optional[Callable[[operations.GeneratedImageVariationGeneric], None]] = None,
    ) -> operations.GeneratedImageVariationGeneric:
        """Wait until variation ``id`` (an upscale, no-background or unzoom job) is COMPLETE and
        return it, with its ``url``; as ``generation.wait_for_generation``.
        ``generation.download_images`` saves it."""
        return run_sync(self._variation_wait_steps(id, timeout, poll_interval, on_progress))
