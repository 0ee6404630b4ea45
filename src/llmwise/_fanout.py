"""Fan-out: many chat requests with bounded concurrency (`chat.create_many`, `chat.iter_many`).

- At most `concurrency` requests are in flight; `create_many` returns the results in input order,
  `iter_many` yields `(index, result)` as they complete. A result is the `ChatCompletion`, or the
  `LLMWiseError` the request ended with: one failure never stops the others.
- The requests are checked before anything is sent (unknown or mistyped arguments, `stream=True`,
  bad per-call options raise `TypeError`/`ValueError` at once): a typo in request 900 should not
  be found after 899 paid calls.
- A 429 pauses the whole fan-out: when a request is rate limited, the transport's wait before its
  retry (`Retry-After`, else its backoff) is shared, and every other worker waits out the same
  pause before it sends its next request, so a batch does not keep hitting the limit. A 429 that is
  not retried (retries used up) pauses the others just the same.
- Budgets apply to every call (each worker runs in a copy of the caller's context, so the active
  budget is seen); a call the budget refuses is a `BudgetExceededError` result, and sends nothing.
- `progress=True` draws a progress bar on stderr (done/total, errors, credits, rate) when stderr
  is a terminal, and nothing otherwise.
- Sync: a pool of `concurrency` threads; leaving `iter_many` early (`break`) starts no new request,
  and the ones in flight finish in the background. Async: `concurrency` asyncio tasks; leaving early
  cancels the requests in flight. Waits use `llmwise._base_client._sleep` / `_async_sleep`.
"""

from __future__ import annotations

import contextvars
import itertools
import math
import queue
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Union

from . import _base_client
from ._base_client import MAX_RETRY_AFTER, check_call_options, split_options
from ._exceptions import APIStatusError, LLMWiseError
from ._validate import check_params

if TYPE_CHECKING:
    from .resources.chat import AsyncChat, Chat
    from .types.chat import ChatCompletion

__all__ = ["FanOut", "AsyncFanOut", "Progress", "DEFAULT_CONCURRENCY"]

DEFAULT_CONCURRENCY = 8

Result = Union["ChatCompletion", LLMWiseError]


def prepare(requests: Iterable[Mapping[str, Any]], where: str) -> list[dict[str, Any]]:
    """Each request as `chat.create` keyword arguments, checked (nothing is sent)."""
    from .types.chat import ChatCreateParams

    if isinstance(requests, (str, bytes, Mapping)):
        raise TypeError(f"{where}() takes an iterable of requests (dicts of chat.create() arguments)")
    items = []
    for index, request in enumerate(requests):
        if not isinstance(request, Mapping):
            raise TypeError(
                f"{where}(): request {index} must be a dict of chat.create() arguments, got {type(request).__name__}"
            )
        kwargs = dict(request)
        if kwargs.pop("stream", False):
            raise TypeError(f"{where}(): request {index} has stream=True; a fan-out returns finished answers")
        params, options = split_options(kwargs)
        check_params(f"{where}[{index}]", params, ChatCreateParams)
        check_call_options(options)
        items.append(kwargs)
    return items


def check_concurrency(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"concurrency must be an int >= 1, got {value!r}")
    return value


class _Pause:
    """The pause a fan-out's workers share: until when (on `_base_client._clock`) none may send."""

    def __init__(self) -> None:
        self._until = -math.inf
        self._lock = threading.Lock()

    def extend(self, seconds: float) -> None:
        until = _base_client._clock() + seconds
        with self._lock:
            if until > self._until:
                self._until = until

    def on_retry(self, delay: float, error: LLMWiseError) -> None:
        """The transport's hook (`_base_client._ON_RETRY`): a 429 about to be waited out."""
        if isinstance(error, APIStatusError) and error.status_code == 429:
            self.extend(delay)

    def after(self, result: object) -> None:
        """A 429 that ended a request (not retried) pauses the others all the same."""
        if isinstance(result, APIStatusError) and result.status_code == 429:
            wait = result.retry_after
            if wait is not None and wait > 0:
                self.extend(min(wait, MAX_RETRY_AFTER))

    def remaining(self) -> float:
        return self._until - _base_client._clock()


class Progress:
    """A one-line progress bar on stderr: done/total, errors, credits, rate. Silent unless enabled
    and stderr is a terminal."""

    WIDTH = 24
    INTERVAL = 0.1  # seconds between redraws (the last one is always drawn)

    def __init__(self, total: int, enabled: bool) -> None:
        stream = sys.stderr
        self.stream = stream if enabled and stream is not None and _isatty(stream) else None
        self.total = total
        self.done = 0
        self.errors = 0
        self.credits: float = 0
        self.started = time.monotonic()
        self._drawn_at = -math.inf

    def update(self, result: object) -> None:
        self.done += 1
        if isinstance(result, LLMWiseError):
            self.errors += 1
        else:
            charged = getattr(result, "credits_charged", None)
            if isinstance(charged, (int, float)) and not isinstance(charged, bool) and math.isfinite(charged):
                self.credits += charged
        if self.stream is not None:
            now = time.monotonic()
            if now - self._drawn_at >= self.INTERVAL or self.done >= self.total:
                self._drawn_at = now
                self.draw(now)

    def line(self, now: float) -> str:
        total = max(self.total, 1)
        filled = int(self.WIDTH * self.done / total)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        elapsed = now - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        return (
            f"[{bar}] {self.done}/{self.total}  errors {self.errors}  credits {self.credits:g}  {rate:.1f}/s"
        )

    def draw(self, now: float) -> None:
        assert self.stream is not None
        try:
            self.stream.write("\r" + self.line(now) + "\x1b[K")
            self.stream.flush()
        except (OSError, ValueError):  # a closed or broken stderr: stop drawing
            self.stream = None

    def close(self) -> None:
        if self.stream is not None and self.done:
            try:
                self.stream.write("\n")
                self.stream.flush()
            except (OSError, ValueError):
                pass
        self.stream = None


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, OSError, ValueError):
        return False


class _Crash:
    """An unexpected (non-`LLMWiseError`) exception in a worker: raised to the caller."""

    __slots__ = ("error",)

    def __init__(self, error: BaseException) -> None:
        self.error = error


class FanOut:
    """Sync fan-out over a thread pool (see the module docstring)."""

    def __init__(
        self, chat: Chat, requests: Iterable[Mapping[str, Any]], concurrency: int, progress: bool, where: str
    ) -> None:
        self._chat = chat
        self._concurrency = check_concurrency(concurrency)
        self._items = prepare(requests, where)
        self._progress = progress

    def collect(self) -> list[Result]:
        """Every result, in input order."""
        results: list[Any] = [None] * len(self._items)
        for index, result in self.results():
            results[index] = result
        return results

    def results(self) -> Iterator[tuple[int, Result]]:
        """`(index, result)` pairs as the requests complete."""
        items = self._items
        total = len(items)
        if not total:
            return
        pause = _Pause()
        done: queue.SimpleQueue[tuple[int, Any]] = queue.SimpleQueue()
        counter = itertools.count()
        lock = threading.Lock()
        stop = threading.Event()
        create = self._chat.create

        def worker() -> None:
            _base_client._ON_RETRY.set(pause.on_retry)
            while not stop.is_set():
                with lock:
                    index = next(counter)
                if index >= total:
                    return
                wait = pause.remaining()
                if wait > 0:
                    _base_client._sleep(wait)
                if stop.is_set():
                    return
                try:
                    result: Any = create(**items[index])
                except LLMWiseError as exc:
                    pause.after(exc)
                    result = exc
                except BaseException as exc:
                    done.put((index, _Crash(exc)))
                    return
                done.put((index, result))

        threads = [
            # Each worker runs in its own copy of the caller's context: budgets are seen there.
            threading.Thread(target=contextvars.copy_context().run, args=(worker,), daemon=True, name=f"llmwise-fanout-{i}")
            for i in range(min(self._concurrency, total))
        ]
        bar = Progress(total, self._progress)
        try:
            for thread in threads:
                thread.start()
            for _ in range(total):
                index, result = done.get()
                if isinstance(result, _Crash):
                    raise result.error
                bar.update(result)
                yield index, result
        finally:
            stop.set()
            bar.close()


class AsyncFanOut:
    """Async fan-out over asyncio tasks (see the module docstring)."""

    def __init__(
        self, chat: AsyncChat, requests: Iterable[Mapping[str, Any]], concurrency: int, progress: bool, where: str
    ) -> None:
        self._chat = chat
        self._concurrency = check_concurrency(concurrency)
        self._items = prepare(requests, where)
        self._progress = progress

    async def collect(self) -> list[Result]:
        """Every result, in input order."""
        results: list[Any] = [None] * len(self._items)
        async for index, result in self.results():
            results[index] = result
        return results

    async def results(self) -> AsyncIterator[tuple[int, Result]]:
        """`(index, result)` pairs as the requests complete."""
        import asyncio

        items = self._items
        total = len(items)
        if not total:
            return
        pause = _Pause()
        done: asyncio.Queue[tuple[int, Any]] = asyncio.Queue()
        counter = itertools.count()
        create = self._chat.create

        async def worker() -> None:
            # A task runs in a copy of the context it was created in: budgets are seen there.
            _base_client._ON_RETRY.set(pause.on_retry)
            while True:
                index = next(counter)
                if index >= total:
                    return
                wait = pause.remaining()
                if wait > 0:
                    await _base_client._async_sleep(wait)
                try:
                    result: Any = await create(**items[index])
                except LLMWiseError as exc:
                    pause.after(exc)
                    result = exc
                except Exception as exc:
                    done.put_nowait((index, _Crash(exc)))
                    return
                done.put_nowait((index, result))
                # Let the others (and the reader) run: a transport that answers without waiting
                # (an in-process one) would otherwise let one worker take every request.
                await asyncio.sleep(0)

        tasks = [asyncio.ensure_future(worker()) for _ in range(min(self._concurrency, total))]
        bar = Progress(total, self._progress)
        try:
            for _ in range(total):
                index, result = await done.get()
                if isinstance(result, _Crash):
                    raise result.error
                bar.update(result)
                yield index, result
        finally:
            bar.close()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
