"""Record the SDK's retry waits instead of sleeping through them.

A test that scripts ``rate_limit(retry_after=2)`` should check that the client waited 2 s, not
spend 2 s doing it. The SDK sleeps between attempts through ``llmwise._base_client._sleep`` /
``_async_sleep``; while a :class:`RetryWaits` is active both are replaced by recorders.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from types import TracebackType

_lock = threading.Lock()
# Active recorders, innermost last: the innermost one records (and decides whether to sleep).
_active: list[RetryWaits] = []
_Sleeps = tuple[Callable[[float], None], Callable[[float], Awaitable[None]]]
_originals: _Sleeps | None = None


class RetryWaits:
    """While entered, every SDK retry wait (seconds) is appended to :attr:`waits`.

    With ``sleep=False`` (the default) the wait is skipped; with ``sleep=True`` it still happens.
    The patch is process-wide: any LLMWise client in the process is affected while it is active.
    """

    def __init__(self, *, sleep: bool = False) -> None:
        self.sleep = sleep
        #: The waits so far, in the order the client asked for them.
        self.waits: list[float] = []

    def __enter__(self) -> RetryWaits:
        global _originals
        import llmwise._base_client as base_client

        with _lock:
            if not _active:
                _originals = (base_client._sleep, base_client._async_sleep)
                _install(_recording_sleep, _recording_async_sleep)
            _active.append(self)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        global _originals

        with _lock:
            if self in _active:
                _active.remove(self)
            if not _active and _originals is not None:
                _install(*_originals)
                _originals = None


def _install(sleep: Callable[[float], None], async_sleep: Callable[[float], Awaitable[None]]) -> None:
    import llmwise._base_client as base_client

    # The module globals are looked up at call time by the retry loops, so replacing them works.
    for name, function in (("_sleep", sleep), ("_async_sleep", async_sleep)):
        setattr(base_client, name, function)


def _current() -> tuple[RetryWaits | None, _Sleeps]:
    with _lock:
        if _originals is not None:
            return (_active[-1] if _active else None), _originals
    # Uninstalled while a retry loop was already inside the recorder: behave like the original.
    import llmwise._base_client as base_client

    return None, (base_client._sleep, base_client._async_sleep)


def _recording_sleep(seconds: float) -> None:
    recorder, (sleep, _) = _current()
    if recorder is not None:
        recorder.waits.append(seconds)
    if recorder is None or recorder.sleep:
        sleep(seconds)


async def _recording_async_sleep(seconds: float) -> None:
    recorder, (_, async_sleep) = _current()
    if recorder is not None:
        recorder.waits.append(seconds)
    if recorder is None or recorder.sleep:
        await async_sleep(seconds)
