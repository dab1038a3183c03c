"""The ``model`` sub-client.

Custom models (trained from a dataset), platform models, and 3D models for texture generations.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Optional

from . import _defaults
from ._operations import GET_MODEL_BY_ID, MODEL_OPERATIONS, ModelOperations
from ._pipeline import TimeoutArg
from ._retry import RetriesArg
from ._steps import Steps, run_sync
from ._subclient import ClientBase
from ._uploads import ImageSource, checked_model, send_to_slot
from .models import operations

OPERATIONS = MODEL_OPERATIONS


class ModelWorkflows(ClientBase):
    """The steps of the model workflows, shared by ``Model`` and ``AsyncModel``."""

    def _upload_3d_model_steps(
        self,
        model: ImageSource,
        name: Optional[str],
        extension: Optional[str],
        timeout: TimeoutArg,
        retries: RetriesArg,
    ) -> Steps[str]:
        upload = checked_model(model, extension)
        label = name or (Path(str(model)).stem if not isinstance(model, bytes) else "model")
        request = operations.PostModels3dUploadRequestBody(
            name=label, model_extension=upload.extension
        )
        answer = yield self.post_models_3d_upload(  # type: ignore[attr-defined]
            request, timeout=timeout, retries=retries
        )
        slot = answer.object.upload_model_asset if answer.object is not None else None
        slot_id: str = yield from send_to_slot(
            self._pipeline, upload, slot, "3D model", timeout, retries, prefix="model_"
        )
        return slot_id

    def _model_wait_steps(
        self, id: str, timeout: float, poll_interval: float, on_progress: Any
    ) -> Steps[operations.GetModelByIDCustomModels]:
        return self._wait_steps(
            GET_MODEL_BY_ID,
            operations.GetModelByIDRequest(id),
            lambda body: body.custom_models_by_pk,
            what=f"model {id}",
            timeout=timeout,
            poll_interval=poll_interval,
            on_progress=on_progress,
        )


class Model(ModelWorkflows, ModelOperations):
    """Model operations; keyword-only ``timeout`` and ``retries`` as on ``generation``."""

    def upload_3d_model(
        self,
        model: ImageSource,
        *,
        name: Optional[str] = None,
        extension: Optional[str] = None,
        timeout: TimeoutArg = None,
        retries: RetriesArg = None,
    ) -> str:
        """Upload a 3D model file (a path or its bytes) and return its model asset id, for
        ``generation.post_generations_texture``. The extension comes from the file name or
        ``extension=``; ``name`` defaults to the file's stem."""
        return run_sync(self._upload_3d_model_steps(model, name, extension, timeout, retries))

    def wait_for_model(
        self,
        id: str,
        *,
        timeout: float = _defaults.MODEL_WAIT_TIMEOUT,
        poll_interval: float = _defaults.WAIT_POLL_INTERVAL,
        on_progress: Optional[Callable[[operations.GetModelByIDCustomModels], None]] = None,
    ) -> operations.GetModelByIDCustomModels:
        """Wait until custom model ``id`` has trained (COMPLETE) and return it; as
        ``generation.wait_for_generation`` (training takes minutes: ``timeout`` is an hour)."""
        return run_sync(self._model_wait_steps(id, timeout, poll_interval, on_progress))
