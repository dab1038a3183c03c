"""The ``user`` sub-client: who the API key belongs to (needed to list your generations)."""

from __future__ import annotations

from ._operation import Operation
from ._pipeline import TimeoutArg
from ._retry import RetriesArg
from ._subclient import SubClient
from .models import operations

GET_USER_SELF = Operation(
    "get_user_self",
    "GET",
    "/me",
    lambda: operations.GetUserSelfRequest,
    lambda: operations.GetUserSelfResponse,
)

OPERATIONS = (GET_USER_SELF,)


class User(SubClient):
    """User operations; keyword-only ``timeout`` and ``retries`` as on ``generation``."""

    def get_user_self(
        self, *, timeout: TimeoutArg = None, retries: RetriesArg = None
    ) -> operations.GetUserSelfResponse:
        """Get user information

        This endpoint will return your user information such as your user id, username, token
        renewal date and current amounts of the following: subscription tokens, gpt (prompt
        generation) tokens, and model training tokens
        """
        return self._pipeline.call(GET_USER_SELF, operations.GetUserSelfRequest(), timeout, retries)
