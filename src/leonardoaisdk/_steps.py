"""Workflows written once for both clients.

A workflow (wait, create and wait, a batch, pages, an upload) is a generator of steps. Where it
calls an operation it yields the call's result: ``body = yield self.get_generation_by_id(id)``.
On the sync client that call has already happened and its answer is handed straight back; on
the async client it is a coroutine, which the async driver awaits, sending back its answer or
throwing its exception into the workflow at the ``yield``, so ``try``/``except`` around a
``yield`` works the same in both. A ``Sleep`` is a pause; an ``Item`` is a value an iterator
gives out.
"""

from __future__ import annotations

import inspect
import time
from typing import Any, AsyncIterator, Generator, Iterator, NamedTuple, Optional, TypeVar

from ._engine import Sleep

T = TypeVar("T")
Steps = Generator[Any, Any, T]

__all__ = ["Item", "Sleep", "Steps", "iterate_async", "iterate_sync", "run_async", "run_sync"]


class Item(NamedTuple):
    value: Any


def run_sync(steps: Steps[T]) -> T:
    reply: Any = None
    error: Optional[BaseException] = None
    try:
        while True:
            try:
                step = steps.throw(error) if error is not None else steps.send(reply)
            except StopIteration as done:
                result: T = done.value
                return result
            reply, error = None, None
            if isinstance(step, Sleep):
                try:
                    time.sleep(step.seconds)
                except BaseException as exc:  # Ctrl+C in a pause: the workflow decides
                    error = exc
            else:
                reply = step
    finally:
        steps.close()


async def run_async(steps: Steps[T]) -> T:
    import asyncio  # here, not at the top: the sync client never loads asyncio

    reply: Any = None
    error: Optional[BaseException] = None
    try:
        while True:
            try:
                step = steps.throw(error) if error is not None else steps.send(reply)
            except StopIteration as done:
                result: T = done.value
                return result
            reply, error = None, None
            try:
                if isinstance(step, Sleep):
                    await asyncio.sleep(step.seconds)
                elif inspect.isawaitable(step):
                    reply = await step
                else:
                    reply = step
            except Exception as exc:  # a cancel is not the workflow's to handle
                error = exc
    finally:
        steps.close()


def iterate_sync(steps: Steps[None]) -> Iterator[Any]:
    reply: Any = None
    try:
        while True:
            try:
                step = steps.send(reply)
            except StopIteration:
                return
            reply = None
            if isinstance(step, Item):
                yield step.value
            elif isinstance(step, Sleep):
                time.sleep(step.seconds)
            else:
                reply = step
    finally:
        steps.close()


async def iterate_async(steps: Steps[None]) -> AsyncIterator[Any]:
    import asyncio

    reply: Any = None
    error: Optional[BaseException] = None
    try:
        while True:
            try:
                step = steps.throw(error) if error is not None else steps.send(reply)
            except StopIteration:
                return
            reply, error = None, None
            if isinstance(step, Item):
                yield step.value
                continue
            try:
                if isinstance(step, Sleep):
                    await asyncio.sleep(step.seconds)
                elif inspect.isawaitable(step):
                    reply = await step
                else:
                    reply = step
            except Exception as exc:
                error = exc
    finally:
        steps.close()
