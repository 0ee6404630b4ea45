"""The core of every stream: `StreamState` (bytes in, events out, no I/O), `Stream` and `AsyncStream`.

A stream ends in exactly one of three ways: normally (a `done` event or `data: [DONE]`), with an
error event from the server (raised as `ServerStreamError`), or broken (the connection dropped, or
the body ended before `done`: raised as `IncompleteStreamError`). Whatever arrived before a failure
stays readable on the error (`partial_text`) and on the stream (`text`, `get_partial()`). In strict
mode a frame that does not fit its event type ends it too (`APIResponseValidationError`). How frames
become events is described in the package docstring (`llmwise._streaming`).

The connection is released when the stream is exhausted, closed, left through its context manager,
abandoned by `break` (the generator behind iteration is closed when dropped) or cancelled. On the
`done` event, the rest of the body (normally just `[DONE]`) is read and the connection released
*before* the event is handed over, so `break`ing on `done`, as the 0.1 examples do, leaks nothing.
"""

from __future__ import annotations

import json
import logging
import weakref
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx

from .._exceptions import (
    APIResponseValidationError,
    IncompleteStreamError,
    RateLimitInfo,
    ServerStreamError,
    StreamTimeoutError,
)
from .._models import STRICT_RESPONSES
from .._sse import SSEDecoder
from ..types.shared import UnknownEvent
from ._frames import error_text, flag_of, frame_of, status_of

if TYPE_CHECKING:
    from typing_extensions import Self

    from .._base_client import APIClient, AsyncAPIClient, Operation

__all__ = ["Stream", "AsyncStream", "Accumulator", "StreamState"]

log = logging.getLogger("llmwise")

EventT = TypeVar("EventT")
EventT_co = TypeVar("EventT_co", covariant=True)

_NEED_MORE = object()
_END = object()

# `json.loads(s)` is this scanner called at 0, plus Python-level checks for a BOM and for whitespace
# around the value. Calling it directly and falling back to `json.loads` whenever it did not consume
# the whole string gives the same result (or the same error) at a third of the cost per event.
_scan_once: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


class Accumulator(Generic[EventT]):
    """Builds the running state of a stream (text so far, final result) from its events."""

    def add(self, event: EventT) -> None:
        """Take in one event."""

    @property
    def text(self) -> str:
        """The main text received so far."""
        return ""


class _Failure:
    """A frame that could not be read in strict mode: its error, queued at the frame's place so the
    events before it are handed out first."""

    __slots__ = ("error",)

    stream_kind = "failure"

    def __init__(self, error: APIResponseValidationError) -> None:
        self.error = error


class StreamState(Generic[EventT]):
    """The I/O-free part of a stream: bytes in, typed events and end-of-stream verdicts out."""

    __slots__ = (
        "_decoder",
        "_factory",
        "_parse",
        "_parse_text",
        "accumulator",
        "done_seen",
        "eof",
        "event_count",
        "finished",
        "pending",
        "skipped",
        "strict",
    )

    def __init__(
        self,
        parse: Callable[[dict[str, Any]], EventT],
        accumulator: Callable[[], Accumulator[EventT]],
        parse_text: Callable[[str], EventT | None] | None = None,
        *,
        strict: bool = False,
    ) -> None:
        self._parse = parse
        # An optional short cut from a payload's JSON text straight to its event, for the kinds
        # that make up most of a stream. It returns None whenever it is not certain to give
        # exactly `parse(json.loads(text))`, and the normal path then decides.
        self._parse_text = parse_text
        self._factory = accumulator
        self.strict = strict
        """Read frames under `STRICT_RESPONSES`: one that does not fit its event type raises."""
        self.reset()

    def reset(self) -> None:
        """Forget everything (a retried request starts a fresh stream)."""
        self._decoder = SSEDecoder()
        self.accumulator: Accumulator[EventT] = self._factory()
        self.pending: deque[Any] = deque()
        self.skipped: list[str] = []
        self.finished = False  # `data: [DONE]` seen
        self.eof = False
        self.done_seen = False
        self.event_count = 0

    def feed(self, chunk: bytes) -> None:
        """Decode a chunk of the body; complete events are queued."""
        payloads = self._decoder.feed_data(chunk)
        if payloads:
            self._take(payloads)

    def feed_eof(self) -> None:
        """The body ended."""
        self._take(self._decoder.flush_data())
        self.eof = True

    def _take(self, payloads: list[str]) -> None:
        if self.finished:
            return
        if not self.strict:
            self._read(payloads)
            return
        # Once per chunk, and only when strict: the lenient default costs nothing per event.
        token = STRICT_RESPONSES.set(True)
        try:
            self._read(payloads)
        finally:
            STRICT_RESPONSES.reset(token)

    def _read(self, payloads: list[str]) -> None:
        # Runs once per event of every stream: locals instead of attribute look-ups, and the JSON
        # scanner called directly (see `_scan_once`).
        parse = self._parse
        parse_text = self._parse_text
        pending = self.pending
        for data in payloads:
            if not data:
                continue
            if data == "[DONE]":
                # Whatever follows is ignored.
                self.finished = True
                return
            if parse_text is not None:
                event = parse_text(data)
                if event is not None:
                    pending.append(event)
                    continue
            try:
                try:
                    obj, end = _scan_once(data, 0)
                except StopIteration:
                    end = -1
                if end != len(data):
                    # Leading or trailing whitespace, or not JSON: json.loads decides (or raises).
                    obj = json.loads(data)
            except (ValueError, RecursionError):  # RecursionError: nested deeper than json goes
                obj = None
            if not isinstance(obj, dict):
                # The 0.1 client skipped such frames too; keep them for inspection instead of failing
                # a stream whose remaining events are fine.
                log.warning("Skipping a malformed stream frame: %.200r", data)
                self.skipped.append(data)
                continue
            try:
                pending.append(parse(obj))
            except APIResponseValidationError as exc:
                # Strict mode: the frame does not fit its event type. Raised at its place.
                pending.append(_Failure(exc))
                self.finished = True
                return
            except (ValueError, TypeError, RecursionError):
                # Not expected (parsers read any object leniently), but never a reason to lose it.
                log.warning("A stream frame could not be typed; kept as an UnknownEvent.")
                pending.append(UnknownEvent.model_construct(**obj))

    @property
    def ready(self) -> bool:
        """Whether an event (or the end) can be handed out without reading more."""
        return bool(self.pending) or self.finished or self.eof

    def pop(self) -> Any:
        """The next event, `_END`, or `_NEED_MORE`; raises for error events and broken streams."""
        pending = self.pending
        if pending:
            event = pending.popleft()
            kind = getattr(event, "stream_kind", None)
            if kind is None:  # text, and most other events
                self.event_count += 1
                # The running state follows what was handed out, so `text`, the per-model views
                # and `partial_text` never include an event the caller has not seen.
                self.accumulator.add(event)
                return event
            if kind == "failure":
                error = event.error
                error.partial_text = self.accumulator.text
                raise error
            self.event_count += 1
            self.accumulator.add(event)
            if kind == "error":
                raise self.server_error(event)
            if kind == "done":
                self.done_seen = True
            return event
        if self.finished or (self.eof and self.done_seen):
            return _END
        if self.eof:
            raise self.incomplete("The stream ended before its final 'done' event.")
        return _NEED_MORE

    def server_error(self, event: Any) -> ServerStreamError:
        """The error to raise for an error event from the server, whatever the shape of its fields:
        the message from `error` (or `message`, `detail`), the status from `status_code`, `status` or
        `code` (or the same keys of an `error` object), `refunded` when it reads as a boolean."""
        get = event.get
        error = get("error")
        nested = error if isinstance(error, dict) else {}
        message = (
            error_text(error)
            or error_text(get("message"))
            or error_text(get("detail"))
            or "The server reported an error in the stream"
        )
        status = status_of(
            get("status_code"),
            get("status"),
            get("code"),
            nested.get("status_code"),
            nested.get("status"),
            nested.get("code"),
        )
        refunded = flag_of(get("refunded"))
        text = f"Stream error{f' {status}' if status else ''}: {message}"
        if refunded:
            text += " (credits refunded)"
        body: Any = frame_of(event)
        if body is None:
            try:
                body = event.to_dict()
            except (ValueError, RecursionError):  # extra fields nested too deeply to serialise
                body = None
        return ServerStreamError(
            text,
            status_code=status,
            refunded=refunded,
            body=body,
            partial_text=self.accumulator.text,
        )

    def incomplete(
        self, message: str, cause: BaseException | None = None, *, timeout: bool = False
    ) -> IncompleteStreamError:
        """The error to raise for a broken or truncated stream."""
        received = self.accumulator.text
        detail = f"{message} {len(received)} characters of text had arrived; they are in `partial_text`."
        cls = StreamTimeoutError if timeout else IncompleteStreamError
        error = cls(detail, partial_text=received)
        error.__cause__ = cause
        return error

    def broken(self, exc: httpx.TransportError | httpx.DecodingError) -> IncompleteStreamError:
        """The error to raise when reading the body failed."""
        if isinstance(exc, httpx.TimeoutException):
            return self.incomplete("No data arrived on the stream within the read timeout.", exc, timeout=True)
        detail = str(exc) or type(exc).__name__  # a reset connection is `ReadError('')`
        if isinstance(exc, httpx.DecodingError):
            return self.incomplete(f"The stream's body could not be decoded ({detail}).", exc)
        return self.incomplete(f"The connection broke mid-stream ({detail}).", exc)


class _StreamBase(Generic[EventT]):
    """What both stream classes share that involves no I/O."""

    response: httpx.Response | None
    _state: StreamState[EventT]
    # Set by the transport when something watches the call (budgets, the ledger, tracing: see
    # `llmwise._meter`): told once how the stream ended, with the error that ended it, if any.
    _on_end: Callable[[Any, BaseException | None], None] | None = None

    def _ended(self, error: BaseException | None) -> None:
        on_end = self._on_end
        if on_end is not None:
            self._on_end = None
            on_end(self, error)

    @property
    def text(self) -> str:
        """The text received so far."""
        return self._state.accumulator.text

    @property
    def headers(self) -> httpx.Headers:
        """The response headers (empty before the stream has started)."""
        return self.response.headers if self.response is not None else httpx.Headers()

    @property
    def request_id(self) -> str | None:
        """The server's request id (`X-Request-Id`)."""
        value: str | None = self.headers.get("x-request-id")
        return value

    @property
    def rate_limit(self) -> RateLimitInfo:
        """The `X-RateLimit-*` headers of the response."""
        return RateLimitInfo.from_headers(self.headers)

    @property
    def skipped_frames(self) -> list[str]:
        """Frames that were not JSON objects and were skipped (a healthy stream has none)."""
        return self._state.skipped


# <async>
class AsyncStream(_StreamBase[EventT]):
    """An async stream of typed events: `async for event in stream`.

    Use it as a context manager (`async with`), or iterate it to the end, so the connection is
    released; `aclose()` releases it early.
    """

    def __init__(
        self,
        client: AsyncAPIClient,
        op: Operation[Any],
        parse: Callable[[dict[str, Any]], EventT],
        accumulator: Callable[[], Accumulator[EventT]],
        parse_text: Callable[[str], EventT | None] | None = None,
    ) -> None:
        self._client = client
        self._op = op
        self._state = StreamState(
            parse, accumulator, parse_text, strict=getattr(client, "strict_responses", False) is True
        )
        self.response = None
        self._chunks: AsyncIterator[bytes] | None = None
        self._started = False
        # Set by aclose(). Not `response.is_closed`: a response whose body httpx already holds
        # (`httpx.Response(200, content=...)`, as mock transports build them) is closed yet readable.
        self._closed = False
        # The stream refers to its event generator only weakly (strongly once `__anext__` is used):
        # the generator's frame refers to the stream, and a cycle would keep an abandoned stream's
        # connection open until the garbage collector runs. Without it, `break` releases at once.
        self._iterator_ref: weakref.ref[AsyncIterator[EventT]] | None = None
        self._iterator: AsyncIterator[EventT] | None = None

    async def start(self) -> Self:
        """Send the request (with retries) and wait for the first event; iteration does this itself."""
        if not self._started:
            self._started = True
            await self._client.open_stream(self._op, self)
        return self

    async def _attach(self, response: httpx.Response) -> None:
        self.response = response
        self._closed = False
        self._state.reset()
        self._chunks = response.aiter_bytes()
        try:
            while not self._state.ready:
                await self._read_more()
            if self._state.eof and not self._state.pending and not self._state.finished:
                raise self._state.incomplete("The stream ended before its first event.")
        except BaseException:
            await response.aclose()
            raise

    async def _read_more(self) -> None:
        assert self._chunks is not None and self.response is not None
        if self._closed:
            raise self._state.incomplete("The stream was closed (close(), a `with` exit or a `break`) before it ended.")
        try:
            chunk = await self._chunks.__anext__()
        except StopAsyncIteration:
            self._state.feed_eof()
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise self._state.broken(exc) from exc
        else:
            self._state.feed(chunk)

    async def __stream__(self) -> AsyncIterator[EventT]:
        try:
            await self.start()
            state = self._state
            while True:
                item = state.pop()
                if item is _NEED_MORE:
                    await self._read_more()
                    continue
                if item is _END:
                    if not state.eof:
                        await self._drain()
                    return
                if state.done_seen and not state.eof:
                    await self._drain()
                yield item
        except BaseException as exc:
            self._ended(exc)
            raise
        finally:
            await self.aclose()

    async def _drain(self) -> None:
        # After `done` only `[DONE]` should follow; read it now so the connection is free before
        # the caller sees `done` (and perhaps breaks). Read on to the end of the body, which the
        # server ends right after `[DONE]`: a response read to its end gives its connection back to
        # the pool, one closed before its end is torn down (a new connection, and TLS handshake,
        # for every stream). A failure here loses nothing: done arrived.
        try:
            while not self._state.eof:
                await self._read_more()
        except IncompleteStreamError:
            self._state.eof = True
        await self.aclose()

    def _events(self) -> AsyncIterator[EventT]:
        iterator = self._iterator_ref() if self._iterator_ref is not None else None
        if iterator is None:
            iterator = self.__stream__()
            self._iterator_ref = weakref.ref(iterator)
        return iterator

    def __aiter__(self) -> AsyncIterator[EventT]:
        return self._events()

    async def __anext__(self) -> EventT:
        if self._iterator is None:
            self._iterator = self._events()
        return await self._iterator.__anext__()

    async def until_done(self) -> Self:
        """Read the stream to its end (raising if it fails) and return it."""
        async for _ in self._events():
            pass
        return self

    async def aclose(self) -> None:
        """Release the connection; iteration stops."""
        self._closed = True
        if self.response is not None and not self.response.is_closed:
            await self.response.aclose()
        self._ended(None)

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
# </async>


# <sync> generated by scripts/unasync.py from the async region above: do not edit
class Stream(_StreamBase[EventT]):
    """A stream of typed events: `for event in stream`.

    Use it as a context manager (`with`), or iterate it to the end, so the connection is
    released; `close()` releases it early.
    """

    def __init__(
        self,
        client: APIClient,
        op: Operation[Any],
        parse: Callable[[dict[str, Any]], EventT],
        accumulator: Callable[[], Accumulator[EventT]],
        parse_text: Callable[[str], EventT | None] | None = None,
    ) -> None:
        self._client = client
        self._op = op
        self._state = StreamState(
            parse, accumulator, parse_text, strict=getattr(client, "strict_responses", False) is True
        )
        self.response = None
        self._chunks: Iterator[bytes] | None = None
        self._started = False
        # Set by close(). Not `response.is_closed`: a response whose body httpx already holds
        # (`httpx.Response(200, content=...)`, as mock transports build them) is closed yet readable.
        self._closed = False
        # The stream refers to its event generator only weakly (strongly once `__next__` is used):
        # the generator's frame refers to the stream, and a cycle would keep an abandoned stream's
        # connection open until the garbage collector runs. Without it, `break` releases at once.
        self._iterator_ref: weakref.ref[Iterator[EventT]] | None = None
        self._iterator: Iterator[EventT] | None = None

    def start(self) -> Self:
        """Send the request (with retries) and wait for the first event; iteration does this itself."""
        if not self._started:
            self._started = True
            self._client.open_stream(self._op, self)
        return self

    def _attach(self, response: httpx.Response) -> None:
        self.response = response
        self._closed = False
        self._state.reset()
        self._chunks = response.iter_bytes()
        try:
            while not self._state.ready:
                self._read_more()
            if self._state.eof and not self._state.pending and not self._state.finished:
                raise self._state.incomplete("The stream ended before its first event.")
        except BaseException:
            response.close()
            raise

    def _read_more(self) -> None:
        assert self._chunks is not None and self.response is not None
        if self._closed:
            raise self._state.incomplete("The stream was closed (close(), a `with` exit or a `break`) before it ended.")
        try:
            chunk = self._chunks.__next__()
        except StopIteration:
            self._state.feed_eof()
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise self._state.broken(exc) from exc
        else:
            self._state.feed(chunk)

    def __stream__(self) -> Iterator[EventT]:
        try:
            self.start()
            state = self._state
            while True:
                item = state.pop()
                if item is _NEED_MORE:
                    self._read_more()
                    continue
                if item is _END:
                    if not state.eof:
                        self._drain()
                    return
                if state.done_seen and not state.eof:
                    self._drain()
                yield item
        except BaseException as exc:
            self._ended(exc)
            raise
        finally:
            self.close()

    def _drain(self) -> None:
        # After `done` only `[DONE]` should follow; read it now so the connection is free before
        # the caller sees `done` (and perhaps breaks). Read on to the end of the body, which the
        # server ends right after `[DONE]`: a response read to its end gives its connection back to
        # the pool, one closed before its end is torn down (a new connection, and TLS handshake,
        # for every stream). A failure here loses nothing: done arrived.
        try:
            while not self._state.eof:
                self._read_more()
        except IncompleteStreamError:
            self._state.eof = True
        self.close()

    def _events(self) -> Iterator[EventT]:
        iterator = self._iterator_ref() if self._iterator_ref is not None else None
        if iterator is None:
            iterator = self.__stream__()
            self._iterator_ref = weakref.ref(iterator)
        return iterator

    def __iter__(self) -> Iterator[EventT]:
        return self._events()

    def __next__(self) -> EventT:
        if self._iterator is None:
            self._iterator = self._events()
        return self._iterator.__next__()

    def until_done(self) -> Self:
        """Read the stream to its end (raising if it fails) and return it."""
        for _ in self._events():
            pass
        return self

    def close(self) -> None:
        """Release the connection; iteration stops."""
        self._closed = True
        if self.response is not None and not self.response.is_closed:
            self.response.close()
        self._ended(None)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
# </sync>
