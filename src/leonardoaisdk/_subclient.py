"""What every sub-client, sync or async, shares: the pipeline and argument handling."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Optional, Type, TypeVar, cast

from ._steps import Steps
from ._waiting import wait_steps
from .models.errors import RequestValidationError

if TYPE_CHECKING:
    from ._async_pipeline import AsyncPipeline
    from ._operation import Operation
    from ._pipeline import Pipeline

RequestT = TypeVar("RequestT")


ResponseT = TypeVar("ResponseT")
StateT = TypeVar("StateT")


class ClientBase:
    """What every sub-client, sync or async, shares: the pipeline, the answer hook, and the
    steps of a wait (``_steps``: the same code drives both clients)."""

    _pipeline: Any

    def __init__(self, pipeline: Any) -> None:
        self._pipeline = pipeline

    def _answered(self, response: ResponseT) -> ResponseT:
        """Every answer of this sub-client's operations passes here: the place for a
        sub-client to note something of it (``generation`` remembers what jobs cost)."""
        return response

    def _wait_steps(
        self,
        op: Operation[Any],
        request: Any,
        pick: Callable[[Any], Optional[StateT]],
        *,
        what: str,
        timeout: float,
        poll_interval: float,
        on_progress: Optional[Callable[[StateT], Any]],
    ) -> Steps[StateT]:
        """Poll ``op`` until the job ``pick(body)`` finds is COMPLETE (``wait_steps``), each
        poll ending by the wait's deadline."""

        def state(answer: Any) -> Optional[StateT]:
            body = self._answered(answer).object
            return pick(body) if body is not None else None

        return wait_steps(
            lambda deadline: self._pipeline.call(op, request, deadline=deadline),
            state,
            lambda found: getattr(found, "status", None),
            what=what,
            timeout=timeout,
            poll_interval=poll_interval,
            on_progress=on_progress,
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._pipeline.server_url}>"


class SubClient(ClientBase):
    _pipeline: Pipeline


class AsyncSubClient(ClientBase):
    _pipeline: AsyncPipeline


def params_of(request_type: Type[RequestT], first: Any, **rest: Any) -> RequestT:
    """The parameters object of a call: built from the arguments, or passed whole as the first
    argument (the older ``method(operations.XRequest(...))`` style)."""
    if isinstance(first, request_type):
        if any(value is not None for value in rest.values()):
            raise RequestValidationError(
                f"pass either a {request_type.__name__} or separate arguments, not both"
            )
        return first
    build = cast(Callable[..., RequestT], request_type)
    return build(first, **rest)
