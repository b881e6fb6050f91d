"""`@profiled`: how long a function takes, in the logs and in /metrics.

A function's arguments here are diary entries and conversation messages, so
they are never logged: only the function's name, how long it took and
whether it raised, as structured fields (JSON keys in production logs), plus
a histogram per function for /metrics.

    @profiled
    def generate_reply(*, user_id: int, text: str) -> str: ...

    @profiled(name="ai.reply")
    async def generate(text: str) -> str: ...
"""

import functools
import inspect
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar, overload

from journal_site.metrics import FUNCTION_DURATION

logger = logging.getLogger("journal.profile")

F = TypeVar("F", bound=Callable[..., Any])


def _record(name: str, started: float, outcome: str) -> None:
    duration = time.perf_counter() - started
    FUNCTION_DURATION.labels(function=name).observe(duration)
    logger.info(
        "%s took %.3f s",
        name,
        duration,
        extra={"function": name, "duration_ms": round(duration * 1000, 3), "outcome": outcome},
    )


def _wrap(func: F, name: str) -> F:
    if inspect.iscoroutinefunction(func):

        @functools.wraps(func)
        async def async_wrapper(*args, **kwargs):
            started = time.perf_counter()
            outcome = "error"
            try:
                result = await func(*args, **kwargs)
                outcome = "ok"
                return result
            finally:
                _record(name, started, outcome)

        return async_wrapper  # type: ignore[return-value]

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        outcome = "error"
        try:
            result = func(*args, **kwargs)
            outcome = "ok"
            return result
        finally:
            _record(name, started, outcome)

    return wrapper  # type: ignore[return-value]


@overload
def profiled(func: F) -> F: ...
@overload
def profiled(*, name: str | None = None) -> Callable[[F], F]: ...


def profiled(func=None, *, name=None):
    """Log and measure how long the function takes; never what it was given or returned."""

    def decorate(target):
        return _wrap(target, name or f"{target.__module__}.{target.__qualname__}")

    return decorate(func) if func is not None else decorate
