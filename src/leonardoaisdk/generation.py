"""The ``generation`` sub-client: image, texture and motion generations."""

from __future__ import annotations

from typing import Optional, Union

from ._operation import Operation
from ._pipeline import TimeoutArg
from ._retry import RetriesArg
from ._subclient import SubClient, params_of
from .models import operations

CREATE_GENERATION = Operation(
    "create_generation",
    "POST",
    "/generations",
    lambda: operations.CreateGenerationRequestBody,
    lambda: operations.CreateGenerationResponse,
)
DELETE_GENERATION_BY_ID = Operation(
    "delete_generation_by_id",
    "DELETE",
    "/generations/{id}",
    lambda: operations.DeleteGenerationByIDRequest,
    lambda: operations.DeleteGenerationByIDResponse,
)
DELETE_GENERATIONS_TEXTURE_ID = Operation(
    "delete_generations_texture_id_",
    "DELETE",
    "/generations-texture/{id}",
    lambda: operations.DeleteGenerationsTextureIDRequest,
    lambda: operations.DeleteGenerationsTextureIDResponse,
)
GET_GENERATION_BY_ID = Operation(
    "get_generation_by_id",
    "GET",
    "/generations/{id}",
    lambda: operations.GetGenerationByIDRequest,
    lambda: operations.GetGenerationByIDResponse,
)
GET_GENERATIONS_BY_USER_ID = Operation(
    "get_generations_by_user_id",
    "GET",
    "/generations/user/{userId}",
    lambda: operations.GetGenerationsByUserIDRequest,
    lambda: operations.GetGenerationsByUserIDResponse,
)
GET_GENERATIONS_TEXTURE_MODEL_MODEL_ID = Operation(
    "get_generations_texture_model_model_id_",
    "GET",
    "/generations-texture/model/{modelId}",
    lambda: operations.GetGenerationsTextureModelModelIDRequest,
    lambda: operations.GetGenerationsTextureModelModelIDResponse,
)
GET_GENERATIONS_TEXTURE_ID = Operation(
    "get_generations_texture_id_",
    "GET",
    "/generations-texture/{id}",
    lambda: operations.GetGenerationsTextureIDRequest,
    lambda: operations.GetGenerationsTextureIDResponse,
)
POST_GENERATIONS_MOTION_SVD = Operation(
    "post_generations_motion_svd",
    "POST",
    "/generations-motion-svd",
    lambda: operations.PostGenerationsMotionSvdRequestBody,
    lambda: operations.PostGenerationsMotionSvdResponse,
)
POST_GENERATIONS_TEXTURE = Operation(
    "post_generations_texture",
    "POST",
    "/generations-texture",
    lambda: operations.PostGenerationsTextureRequestBody,
    lambda: operations.PostGenerationsTextureResponse,
)

OPERATIONS = (
    CREATE_GENERATION,
    DELETE_GENERATION_BY_ID,
    DELETE_GENERATIONS_TEXTURE_ID,
    GET_GENERATION_BY_ID,
    GET_GENERATIONS_BY_USER_ID,
    GET_GENERATIONS_TEXTURE_MODEL_MODEL_ID,
    GET_GENERATIONS_TEXTURE_ID,
    POST_GENERATIONS_MOTION_SVD,
    POST_GENERATIONS_TEXTURE,
)


class Generation(SubClient):
    """Generation operations. Every method also takes keyword-only ``timeout`` (seconds, or a
    ``(connect, read)`` tuple) and ``retries`` (a ``utils.RetryConfig`` or ``"none"``) that
    override the SDK's settings for that call."""

    def create_generation(
        self,
        request: operations.CreateGenerationRequestBody,
        *,
        timeout: TimeoutArg = None,
        retries: RetriesArg = None,
    ) -> operations.CreateGenerationResponse:
        """Create a Generation of Images

        This endpoint will generate images
        """
        return self._pipeline.call(CREATE_GENERATION, request, timeout, retries)

    def delete_generation_by_id(
        self,
        id: Union[str, operations.DeleteGenerationByIDRequest],
        *,
        timeout: TimeoutArg = None,
        retries: RetriesArg = None,
    ) -> operations.DeleteGenerationByIDResponse:
        """Delete a Single Generation

        This endpoint deletes a specific generation
        """
        request = params_of(operations.DeleteGenerationByIDRequest, id)
        return self._pipeline.call(DELETE_GENERATION_BY_ID, request, timeout, retries)

    def delete_generations_texture_id_(
        self,
        id: Union[str, operations.DeleteGenerationsTextureIDRequest],
        request_body: Optional[operations.DeleteGenerationsTextureIDRequestBody] = None,
        *,
        timeout: TimeoutArg = None,
        retries: RetriesArg = None,
    ) -> operations.DeleteGenerationsTextureIDResponse:
        """Delete Texture Generation by ID

        This endpoint deletes the specific texture generation.
        """
        request = params_of(
            operations.DeleteGenerationsTextureIDRequest, id, request_body=request_body
        )
        return self._pipeline.call(DELETE_GENERATIONS_TEXTURE_ID, request, timeout, retries)

    def get_generation_by_id(
        self,
        id: Union[str, operations.GetGenerationByIDRequest],
        *,
        timeout: TimeoutArg = None,
        retries: RetriesArg = None,
    ) -> operations.GetGenerationByIDResponse:
        """Get a Single Generation

        This endpoint will provide information about a specific generation
        """
        request = params_of(operations.GetGenerationByIDRequest, id)
        return self._pipeline.call(GET_GENERATION_BY_ID, request, timeout, retries)

    def get_generations_by_user_id(
        self,
        user_id: Union[str, operations.GetGenerationsByUserIDRequest],
        limit: Optional[int] = None,
        offset: Optional[int] = None,
        *,
        timeout: TimeoutArg = None,
        retries: RetriesArg = None,
    ) -> operations.GetGenerationsByUserIDResponse:
        """Get generations by user ID

        This endpoint returns all generations by a specific user
        """
        request = params_of(
            operations.GetGenerationsByUserIDRequest, user_id, limit=limit, offset=offset
        )
        return self._pipeline.call(GET_GENERATIONS_BY_USER_ID, request, timeout, retries)

    def get_generations_texture_model_model_id_(
        self,
        model_id: Union[str, operations.GetGenerationsTextureModelModelIDRequest],
        request_body: Optional[operations.GetGenerationsTextureModelModelIDRequestBody] = None,
        limit: Optional[int] = None,
        offset: Optional[int] = None,
        *,
        timeout: TimeoutArg = None,
        retries: RetriesArg = None,
    ) -> operations.GetGenerationsTextureModelModelIDResponse:
        """Get texture generations by 3D Model ID

        This endpoint gets the specific texture generations by the 3d model id.
        """
        request = params_of(
            operations.GetGenerationsTextureModelModelIDRequest,
            model_id,
            request_body=request_body,
            limit=limit,
            offset=offset,
        )
        return self._pipeline.call(
            GET_GENERATIONS_TEXTURE_MODEL_MODEL_ID, request, timeout, retries
        )

    def get_generations_texture_id_(
        self,
        id: Union[str, operations.GetGenerationsTextureIDRequest],
        request_body: Optional[operations.GetGenerationsTextureIDRequestBody] = None,
        limit: Optional[int] = None,
        offset: Optional[int] = None,
        *,
        timeout: TimeoutArg = None,
        retries: RetriesArg = None,
    ) -> operations.GetGenerationsTextureIDResponse:
        """Get Texture Generation by ID

        This endpoint gets the specific texture generation.
        """
        request = params_of(
            operations.GetGenerationsTextureIDRequest,
            id,
            request_body=request_body,
            limit=limit,
            offset=offset,
        )
        return self._pipeline.call(GET_GENERATIONS_TEXTURE_ID, request, timeout, retries)

    def post_generations_motion_svd(
        self,
        request: operations.PostGenerationsMotionSvdRequestBody,
        *,
        timeout: TimeoutArg = None,
        retries: RetriesArg = None,
    ) -> operations.PostGenerationsMotionSvdResponse:
        """Create SVD Motion Generation

        This endpoint will generate a SVD motion generation.
        """
        return self._pipeline.call(POST_GENERATIONS_MOTION_SVD, request, timeout, retries)

    def post_generations_texture(
        self,
        request: operations.PostGenerationsTextureRequestBody,
        *,
        timeout: TimeoutArg = None,
        retries: RetriesArg = None,
    ) -> operations.PostGenerationsTextureResponse:
        """Create Texture Generation

        This endpoint will generate a texture generation.
        """
        return self._pipeline.call(POST_GENERATIONS_TEXTURE, request, timeout, retries)
