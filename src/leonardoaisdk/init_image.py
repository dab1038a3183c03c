"""The ``init_image`` sub-client.

Init images: images uploaded to start a generation from (image-to-image).
"""

from __future__ import annotations

from typing import Optional

from ._operations import INITIMAGE_OPERATIONS, InitImageOperations
from ._pipeline import TimeoutArg
from ._retry import RetriesArg
from ._uploads import ImageSource, checked_image, send_to_slot
from .models import operations

OPERATIONS = INITIMAGE_OPERATIONS


class InitImage(InitImageOperations):
    """InitImage operations; keyword-only ``timeout`` and ``retries`` as on ``generation``."""

    def upload(
        self,
        image: ImageSource,
        *,
        extension: Optional[str] = None,
        timeout: TimeoutArg = None,
        retries: RetriesArg = None,
    ) -> str:
        """Upload an image (a path or its bytes) and return its id, for ``init_image_id`` of
        ``generation.create_generation``.

        The whole flow: the file is checked first (it exists, is a PNG, JPEG or WebP by its
        bytes, and matches ``extension`` if given), then ``upload_init_image`` asks for an
        upload slot and the file is POSTed to it with the slot's form fields and no API key.
        """
        upload = checked_image(image, extension)
        request = operations.UploadInitImageRequestBody(extension=upload.extension)
        body = self.upload_init_image(request, timeout=timeout, retries=retries).object
        slot = body.upload_init_image if body is not None else None
        return send_to_slot(self._pipeline, upload, slot, "init image", timeout, retries)
