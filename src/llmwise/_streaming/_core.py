"""The core of every stream: `StreamState` (bytes in, events out, no I/O), `Stream` and `AsyncStream`.

A stream ends in exactly one of three ways: normally (a `done` event or `data: [DONE]`), with an
error event from the server (raised as `ServerStreamError`), or broken (the connection dropped, or
the body ended before `done`: raised as `IncompleteStreamError`). Whatever arrived before a failure
stays readable on the error (`partial_text`) and on the stream (`text`, `get_partial()`). In strict
mode a frame that does not fit its event type ends it too (`APIResponseValidationError`). How frames
become events is described in the package docstring (`llmwise._streaming`).

The connection is released when the stream is exhausted, closed, left through its context manager,
abandoned by `break` (the generator behind iteration is closed when dropped), dropped, or cancelled.

The stream ends at its closing `done` event (or `[DONE]`, or an error event): what is left of the
body (normally `[DONE]` and the end of the HTTP body) is read only if it is at hand, then the
connection is released, *before* `done` is handed over, so `break`ing on `done`, as the 0.1
examples do, leaks nothing. At hand: received already, or arriving within `_TAIL_WAIT` (async: a
read cut off past it; sync, where a read cannot be cut off: a read made only when the body's end is
in httpcore's buffer or the socket has data). A body read to its end
gives its connection back to the pool; a server that holds the body open after `[DONE]` (keep-alive
comments, or nothing) costs that connection, never a wait. Events the server sent after `done` and
that were at hand are still handed out.

No reference cycle keeps a stream alive: a stream dropped mid-way (after `next(stream)`, say) is
freed by reference counting, and its body with it. A sync body closes at once. An async body is an
async generator, which only the event loop can close: asyncio and trio do it (their async-generator
finalizers) a moment later, so the connection is free by the time another call waits for one.

Limits. A line or event larger than `max_event_bytes` stops the decoder (`llmwise._sse`) before it
buffers more, and `StreamState` raises `ResponseTooLargeError` at the frame's place, after the
events before it (not retried, even before the first event). The call's `deadline` (`Operation.deadline_at`, on
`llmwise._base_client._clock()`) is checked before each read of the body: once it has passed,
`StreamDeadlineExceededError` (a `StreamTimeoutError` and a `DeadlineExceededError`) is raised
instead of reading, as it is for a chunk that arrives late and for a read timeout past the
deadline. Events already received are handed out first: the deadline bounds waiting, not what
arrived in time. Every stream error carries the text handed out so far in `partial_text`.
"""

from __future__ import annotations

import json
import logging
import select
import time
import weakref
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from .. import _base_client as _transport
from .. import _http as net
from .._exceptions import (
    APIResponseValidationError,
    DeadlineExceededError,
    IncompleteStreamError,
    LLMWiseError,
    RateLimitInfo,
    ResponseTooLargeError,
    ServerStreamError,
    StreamDeadlineExceededError,
    StreamTimeoutError,
)
from .._models import STRICT_RESPONSES
from .._sse import SSEDecoder
from ..types.shared import ErrorEvent, UnknownEvent
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
    """An error found while decoding (a frame that does not fit in strict mode, a frame over
    `max_event_bytes`), queued at its place so the events before it are handed out first."""

    __slots__ = ("error",)

    stream_kind = "failure"

    def __init__(self, error: LLMWiseError) -> None:
        self.error = error


class StreamState(Generic[EventT]):
    """The I/O-free part of a stream: bytes in, typed events and end-of-stream verdicts out."""

    __slots__ = (
        "_decoder",
        "_factory",
        "_max_event_bytes",
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
        parse: Callable[[dict[str, Any]], EventT | ErrorEvent],
        accumulator: Callable[[], Accumulator[EventT]],
        parse_text: Callable[[str], EventT | None] | None = None,
        *,
        strict: bool = False,
        max_event_bytes: int | None = None,
    ) -> None:
        self._parse = parse
        # An optional short cut from a payload's JSON text straight to its event, for the kinds
        # that make up most of a stream. It returns None whenever it is not certain to give
        # exactly `parse(json.loads(text))`, and the normal path then decides.
        self._parse_text = parse_text
        self._factory = accumulator
        self.strict = strict
        """Read frames under `STRICT_RESPONSES`: one that does not fit its event type raises."""
        self._max_event_bytes = max_event_bytes
        self.reset()

    def reset(self) -> None:
        """Forget everything (a retried request starts a fresh stream)."""
        self._decoder = SSEDecoder(self._max_event_bytes)
        self.accumulator: Accumulator[EventT] = self._factory()
        self.pending: deque[Any] = deque()
        self.skipped: list[str] = []
        self.finished = False  # `data: [DONE]` seen
        self.eof = False
        self.done_seen = False
        self.event_count = 0

    def feed(self, chunk: bytes) -> None:
        """Decode a chunk of the body; complete events are queued."""
        if self.finished:
            return  # after `[DONE]` (or a failure) the rest of the body is not decoded
        decoder = self._decoder
        payloads = decoder.feed_data(chunk)
        if payloads:
            self._take(payloads)
        if decoder.overflowed:
            self._too_large()

    def _too_large(self) -> None:
        if self.finished:
            return  # `[DONE]` came before the oversized frame
        limit = self._max_event_bytes
        error = ResponseTooLargeError(
            f"A line or event of the stream is larger than max_event_bytes ({limit:,} bytes); the "
            "stream was stopped there, nothing of it was kept. What arrived before it is in `partial_text`.",
            limit=limit or 0,
        )
        self.pending.append(_Failure(error))
        self.finished = True

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
        append = pending.append
        for data in payloads:
            if parse_text is not None:
                # First: it gives None for anything but a JSON object ("", "[DONE]" among them).
                event = parse_text(data)
                if event is not None:
                    append(event)
                    continue
            if not data:
                continue
            if data == "[DONE]":
                # Whatever follows is ignored.
                self.finished = True
                return
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
        self,
        message: str,
        cause: BaseException | None = None,
        *,
        timeout: bool = False,
        cls: type[IncompleteStreamError] | None = None,
    ) -> IncompleteStreamError:
        """The error to raise for a broken or truncated stream (`cls` overrides its class)."""
        received = self.accumulator.text
        detail = f"{message} {len(received)} characters of text had arrived; they are in `partial_text`."
        if cls is None:
            cls = StreamTimeoutError if timeout else IncompleteStreamError
        error = cls(detail, partial_text=received)
        error.__cause__ = cause
        return error

    def deadline_passed(self, cause: BaseException | None = None) -> IncompleteStreamError:
        """The error to raise when the call's deadline passed while the stream was being read: a
        `StreamDeadlineExceededError` (a `StreamTimeoutError` and a `DeadlineExceededError`)."""
        error = self.incomplete(
            "The call's deadline passed while the stream was being read.", cause, cls=StreamDeadlineExceededError
        )
        if isinstance(cause, DeadlineExceededError):
            error.request = cause.request
        return error

    def broken(self, exc: net.BodyError) -> IncompleteStreamError:
        """The error to raise when reading the body failed."""
        if isinstance(exc, net.TIMEOUT_ERRORS):
            return self.incomplete("No data arrived on the stream within the read timeout.", exc, timeout=True)
        detail = str(exc) or type(exc).__name__  # a reset connection is `ReadError('')`
        if isinstance(exc, net.DECODING_ERRORS):
            return self.incomplete(f"The stream's body could not be decoded ({detail}).", exc)
        return self.incomplete(f"The connection broke mid-stream ({detail}).", exc)


class _StreamBase(Generic[EventT]):
    """What both stream classes share that involves no I/O."""

    response: net.Response | None
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
    def headers(self) -> net.Headers:
        """The response headers (empty before the stream has started)."""
        return self.response.headers if self.response is not None else net.Headers()

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


# After a stream's end (`[DONE]`, or its closing `done` or error event) the rest of the body, normally
# only the end of its chunked encoding, is read if it is at hand: already received, or arriving within
# this many seconds. A body read to its end gives its connection back to the pool; otherwise the
# connection is closed, which costs the next call a new connection (and TLS handshake), not a wait.
_TAIL_WAIT = 0.05


class AsyncBodyTail:
    """Reading the rest of a body after an async stream's end: bounded in time, a read still waiting
    past `_TAIL_WAIT` is cancelled (the connection, mid-body, is then closed by httpcore)."""

    def __init__(self, response: net.Response) -> None:
        import anyio  # a dependency of httpx, which runs its own async I/O on it

        self._scope = anyio.move_on_after(_TAIL_WAIT)

    async def __aenter__(self) -> Self:
        self._scope.__enter__()
        return self

    async def __aexit__(self, *exc_info: Any) -> bool:
        return bool(self._scope.__exit__(*exc_info))

    def at_hand(self) -> bool:
        """Always: the time bound stops a read that waits."""
        return True


class BodyTail:
    """Reading the rest of a body after a stream's end: a sync read cannot be cancelled, so one is
    made only when it will not wait on the server (beyond what is left of `_TAIL_WAIT`)."""

    def __init__(self, response: net.Response) -> None:
        self._response = response
        self._until = time.monotonic() + _TAIL_WAIT

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def at_hand(self) -> bool:
        """Whether the next read of the body returns without waiting on the server: the body's end
        was received already, or data arrives before `_TAIL_WAIT` has passed."""
        left = self._until - time.monotonic()
        if left <= 0:
            return False
        response = self._response
        network: Any = response.extensions.get("network_stream")
        if network is None:
            # Not a socket (MockTransport, an in-process transport): nothing to wait on, and no
            # connection to lose either way.
            return True
        try:
            if _end_received(response):
                return True
            sock = network.get_extra_info("socket")
            if sock is None:
                return False
            ssl_object = network.get_extra_info("ssl_object")
            if ssl_object is not None and ssl_object.pending():
                return True
            return _readable(sock, left)
        except (OSError, ValueError, AttributeError):
            return False


def _end_received(response: net.Response) -> bool:
    """Whether the rest of this HTTP/1.1 response's body, up to its end, was received already."""
    headers = response.headers
    if "chunked" not in headers.get("transfer-encoding", "").lower():
        length = headers.get("content-length")
        return length is not None and length.isdigit() and response.num_bytes_downloaded >= int(length)
    buffered = _h11_buffer(response.stream)
    if buffered is None:
        return False
    data, closed = buffered
    if closed:
        return True  # the next read gives the end (or the break) at once
    # What h11 holds after handing out a chunk's data: that chunk's closing CRLF, then whole chunks
    # up to the last one (size 0) and the end of its trailers, if the server sent them already.
    end = len(data)
    pos = 2 if data.startswith(b"\r\n") else 0
    while pos < end:
        eol = data.find(b"\r\n", pos)
        if eol < 0:
            return False
        try:
            size = int(data[pos:eol].split(b";", 1)[0].strip(), 16)
        except ValueError:
            return False
        if size == 0:
            return data.find(b"\r\n\r\n", eol) >= 0
        pos = eol + 2 + size + 2
    return False


def _h11_buffer(stream: object) -> tuple[bytes, bool] | None:
    """What httpcore's h11 connection has received of a body but not handed out yet (and whether the
    connection was closed), or None when that cannot be told (another transport or httpcore).

    There is no public way to ask: this follows the private attributes that lead from an httpx
    response's stream to the connection's h11 state, whose `trailing_data` is public h11 API. A wrong
    answer costs little: a connection closed instead of reused, or a read that waits a moment.
    """
    for _ in range(8):  # our deadline wrapper, httpx's two wrappers, httpcore's pool stream
        connection = getattr(stream, "_connection", None)
        if connection is not None:
            trailing = getattr(getattr(connection, "_h11_state", None), "trailing_data", None)
            if isinstance(trailing, tuple) and len(trailing) == 2 and isinstance(trailing[0], bytes):
                return trailing[0], trailing[1] is True
            return None
        stream = (
            getattr(stream, "_inner", None)
            or getattr(stream, "_stream", None)
            or getattr(stream, "_httpcore_stream", None)
        )
        if stream is None:
            return None
    return None


def _readable(sock: Any, timeout: float) -> bool:
    """Whether `sock` has data (or its end) to read within `timeout` seconds."""
    if hasattr(select, "poll"):  # select.select cannot watch descriptors above 1023
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        return bool(poller.poll(timeout * 1000))
    return bool(select.select([sock], [], [], timeout)[0])


# <async>
class AsyncStream(_StreamBase[EventT]):
    """An async stream of typed events: `async for event in stream`.

    Use it as a context manager (`async with`), or iterate it to the end, so the connection is
    released; `aclose()` releases it early. Dropping it releases it too.
    """

    def __init__(
        self,
        client: AsyncAPIClient,
        op: Operation[Any],
        parse: Callable[[dict[str, Any]], EventT | ErrorEvent],
        accumulator: Callable[[], Accumulator[EventT]],
        parse_text: Callable[[str], EventT | None] | None = None,
    ) -> None:
        self._client = client
        self._op = op
        self._state = StreamState(
            parse,
            accumulator,
            parse_text,
            strict=getattr(client, "strict_responses", False) is True,
            max_event_bytes=getattr(client, "max_event_bytes", None),
        )
        self.response = None
        self._chunks: AsyncIterator[bytes] | None = None
        self._started = False
        # Set by aclose(). Not `response.is_closed`: a response whose body httpx already holds
        # (`httpx.Response(200, content=...)`, as mock transports build them) is closed yet readable.
        self._closed = False
        # No reference cycle may keep a dropped stream, and its connection, alive until the garbage
        # collector runs. The generator behind `async for` refers to the stream, which refers to it
        # only weakly: `break` drops it, which releases the connection at once. The one behind
        # `__anext__` must be held by the stream: it refers to the stream through a weak proxy.
        self._iterator_ref: weakref.ref[AsyncIterator[EventT]] | None = None
        self._iterator: AsyncIterator[EventT] | None = None

    async def start(self) -> Self:
        """Send the request (with retries) and wait for the first event; iteration does this itself."""
        if not self._started:
            self._started = True
            await self._client.open_stream(self._op, self)
        return self

    async def _attach(self, response: net.Response) -> None:
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
        deadline_at = self._op.deadline_at
        if deadline_at is not None and _transport._clock() >= deadline_at:
            raise self._state.deadline_passed()
        try:
            chunk = await self._chunks.__anext__()
        except StopAsyncIteration:
            self._state.feed_eof()
        except DeadlineExceededError as exc:  # data arrived after the deadline (the transport checks)
            raise self._state.deadline_passed(exc) from exc
        except net.TRANSPORT_ERRORS as exc:
            if (
                deadline_at is not None
                and isinstance(exc, net.TIMEOUT_ERRORS)
                and _transport._clock() >= deadline_at
            ):
                raise self._state.deadline_passed(exc) from exc
            raise self._state.broken(exc) from exc
        else:
            self._state.feed(chunk)

    async def __stream__(self) -> AsyncIterator[EventT]:
        try:
            await self.start()
            state = self._state
            # Taken after start(): only attaching a response (within start) replaces them.
            pending = state.pending
            add = state.accumulator.add
            while True:
                if pending:
                    # Most events (text chunks) have no `stream_kind`: handed out here as `pop()`
                    # would, without its checks, which the other events and the end still take.
                    event = pending[0]
                    if getattr(event, "stream_kind", None) is None:
                        pending.popleft()
                        state.event_count += 1
                        add(event)
                        yield event
                        continue
                item = state.pop()
                if item is _NEED_MORE:
                    await self._read_more()
                    continue
                if item is _END:
                    if not state.eof:
                        await self._finish()
                    return
                if state.done_seen and not state.eof:
                    await self._finish()
                yield item
        except ServerStreamError as exc:
            # Told first: finishing closes the stream, which reports a normal end otherwise.
            self._ended(exc)
            # The server's error ends the stream as `done` would.
            if not self._state.eof:
                await self._finish()
            raise
        except ReferenceError:
            # `__anext__`'s generator, kept by the caller after dropping the stream it reads.
            raise IncompleteStreamError("The stream was dropped while it was being read.") from None
        except BaseException as exc:
            try:
                self._ended(exc)
            except ReferenceError:
                pass  # the stream was dropped (its generator is being closed): nobody to tell
            raise
        finally:
            try:
                await self.aclose()
            except ReferenceError:
                pass  # the stream was dropped: its body is closed with it

    async def _finish(self) -> None:
        # The stream's end is known. Read what is left of the body (normally `[DONE]` and the end of
        # its chunked encoding) if it is at hand, so that the connection goes back to the pool, then
        # release it: a server may hold the body open after `[DONE]` (sending keep-alive comments),
        # and the caller must not wait for it. A failure here loses nothing: the end arrived.
        state = self._state
        response = self.response
        try:
            # Only HTTP/1 loses the connection when a body is not read to its end.
            if response is not None and not self._closed and response.http_version.startswith("HTTP/1"):
                async with AsyncBodyTail(response) as tail:
                    while not state.eof and tail.at_hand():
                        await self._read_more()
        except LLMWiseError:
            pass
        state.eof = True
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
        iterator = self._iterator
        if iterator is None:
            # An iteration under way (`async for`) goes on; else a generator this stream holds.
            iterator = self._iterator_ref() if self._iterator_ref is not None else None
            if iterator is None:
                iterator = self._iterator = type(self).__stream__(cast("Self", weakref.proxy(self)))
                self._iterator_ref = weakref.ref(iterator)
        return await iterator.__anext__()

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
    released; `close()` releases it early. Dropping it releases it too.
    """

    def __init__(
        self,
        client: APIClient,
        op: Operation[Any],
        parse: Callable[[dict[str, Any]], EventT | ErrorEvent],
        accumulator: Callable[[], Accumulator[EventT]],
        parse_text: Callable[[str], EventT | None] | None = None,
    ) -> None:
        self._client = client
        self._op = op
        self._state = StreamState(
            parse,
            accumulator,
            parse_text,
            strict=getattr(client, "strict_responses", False) is True,
            max_event_bytes=getattr(client, "max_event_bytes", None),
        )
        self.response = None
        self._chunks: Iterator[bytes] | None = None
        self._started = False
        # Set by close(). Not `response.is_closed`: a response whose body httpx already holds
        # (`httpx.Response(200, content=...)`, as mock transports build them) is closed yet readable.
        self._closed = False
        # No reference cycle may keep a dropped stream, and its connection, alive until the garbage
        # collector runs. The generator behind `for` refers to the stream, which refers to it
        # only weakly: `break` drops it, which releases the connection at once. The one behind
        # `__next__` must be held by the stream: it refers to the stream through a weak proxy.
        self._iterator_ref: weakref.ref[Iterator[EventT]] | None = None
        self._iterator: Iterator[EventT] | None = None

    def start(self) -> Self:
        """Send the request (with retries) and wait for the first event; iteration does this itself."""
        if not self._started:
            self._started = True
            self._client.open_stream(self._op, self)
        return self

    def _attach(self, response: net.Response) -> None:
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
        deadline_at = self._op.deadline_at
        if deadline_at is not None and _transport._clock() >= deadline_at:
            raise self._state.deadline_passed()
        try:
            chunk = self._chunks.__next__()
        except StopIteration:
            self._state.feed_eof()
        except DeadlineExceededError as exc:  # data arrived after the deadline (the transport checks)
            raise self._state.deadline_passed(exc) from exc
        except net.TRANSPORT_ERRORS as exc:
            if (
                deadline_at is not None
                and isinstance(exc, net.TIMEOUT_ERRORS)
                and _transport._clock() >= deadline_at
            ):
                raise self._state.deadline_passed(exc) from exc
            raise self._state.broken(exc) from exc
        else:
            self._state.feed(chunk)

    def __stream__(self) -> Iterator[EventT]:
        try:
            self.start()
            state = self._state
            # Taken after start(): only attaching a response (within start) replaces them.
            pending = state.pending
            add = state.accumulator.add
            while True:
                if pending:
                    # Most events (text chunks) have no `stream_kind`: handed out here as `pop()`
                    # would, without its checks, which the other events and the end still take.
                    event = pending[0]
                    if getattr(event, "stream_kind", None) is None:
                        pending.popleft()
                        state.event_count += 1
                        add(event)
                        yield event
                        continue
                item = state.pop()
                if item is _NEED_MORE:
                    self._read_more()
                    continue
                if item is _END:
                    if not state.eof:
                        self._finish()
                    return
                if state.done_seen and not state.eof:
                    self._finish()
                yield item
        except ServerStreamError as exc:
            # Told first: finishing closes the stream, which reports a normal end otherwise.
            self._ended(exc)
            # The server's error ends the stream as `done` would.
            if not self._state.eof:
                self._finish()
            raise
        except ReferenceError:
            # `__next__`'s generator, kept by the caller after dropping the stream it reads.
            raise IncompleteStreamError("The stream was dropped while it was being read.") from None
        except BaseException as exc:
            try:
                self._ended(exc)
            except ReferenceError:
                pass  # the stream was dropped (its generator is being closed): nobody to tell
            raise
        finally:
            try:
                self.close()
            except ReferenceError:
                pass  # the stream was dropped: its body is closed with it

    def _finish(self) -> None:
        # The stream's end is known. Read what is left of the body (normally `[DONE]` and the end of
        # its chunked encoding) if it is at hand, so that the connection goes back to the pool, then
        # release it: a server may hold the body open after `[DONE]` (sending keep-alive comments),
        # and the caller must not wait for it. A failure here loses nothing: the end arrived.
        state = self._state
        response = self.response
        try:
            # Only HTTP/1 loses the connection when a body is not read to its end.
            if response is not None and not self._closed and response.http_version.startswith("HTTP/1"):
                with BodyTail(response) as tail:
                    while not state.eof and tail.at_hand():
                        self._read_more()
        except LLMWiseError:
            pass
        state.eof = True
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
        iterator = self._iterator
        if iterator is None:
            # An iteration under way (`for`) goes on; else a generator this stream holds.
            iterator = self._iterator_ref() if self._iterator_ref is not None else None
            if iterator is None:
                iterator = self._iterator = type(self).__stream__(cast("Self", weakref.proxy(self)))
                self._iterator_ref = weakref.ref(iterator)
        return iterator.__next__()

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
