"""HTTP responses as `.with_raw_response` and `.with_streaming_response` return them.

`client.chat.with_raw_response.create(...)` sends what `client.chat.create(...)` sends and returns
an `APIResponse[ChatCompletion]`: `status_code`, `headers`, `request_id`, `rate_limit`,
`retries_taken`, and `parse()` for the `ChatCompletion`. The body has been read, with retries, as
the plain call reads it. The async client returns an `AsyncAPIResponse`, the same with `await` on
whatever reads the body (`await response.parse()`).

`client.chat.with_streaming_response.create(...)` is a context manager: the request is sent when the
block is entered and the body is read only when asked (`iter_lines()`, `iter_bytes()`, `read()`,
`parse()`); leaving the block releases the connection. A body that breaks while being read there is
not retried (the request before it is, as always).

Stream methods (`chat.stream()`, `chat.create(stream=True)`, and those of compare, blend, judge):
`parse()` gives the typed stream. Under `with_raw_response` the stream has started (the request was
sent and retried as any stream's, and its first event is in), so its body is the stream's to read:
`read()`, `text()`, `json()` and `iter_*()` raise. Under `with_streaming_response` nothing of the
body is read until asked: `iter_lines()` gives the raw SSE lines (to forward them as they are), or
`parse()` the stream that reads them.

How it works: the view's method runs with a `ResponseCapture` in `RESPONSE_CAPTURE`; the client
then hands over the response it got (in a `*APIResponse` that knows how to parse it) instead of the
parsed value, and the view returns that.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextvars import ContextVar
from types import TracebackType
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, TypeVar, cast, overload

from . import _http as net
from ._exceptions import LLMWiseError, RateLimitInfo

if TYPE_CHECKING:
    from ._base_client import APIClient, AsyncAPIClient
    from ._streaming import AsyncStream, Stream

__all__ = [
    "BaseAPIResponse",
    "APIResponse",
    "AsyncAPIResponse",
    "ResponseContextManager",
    "AsyncResponseContextManager",
    "ResponseCapture",
    "RESPONSE_CAPTURE",
    "to_raw_response_wrapper",
    "async_to_raw_response_wrapper",
    "to_streamed_response_wrapper",
    "async_to_streamed_response_wrapper",
]

R = TypeVar("R")
P = ParamSpec("P")
ResponseT = TypeVar("ResponseT", bound="BaseAPIResponse[Any]")

_UNSET: Any = object()


class ResponseCapture:
    """Set in `RESPONSE_CAPTURE` while a `.with_raw_response` / `.with_streaming_response` method
    runs: the client puts the response it got in `response` instead of parsing it."""

    __slots__ = ("response", "streaming")

    def __init__(self, *, streaming: bool) -> None:
        self.streaming = streaming
        """Leave the body unread (`with_streaming_response`)."""
        self.response: BaseAPIResponse[Any] | None = None


RESPONSE_CAPTURE: ContextVar[ResponseCapture | None] = ContextVar("llmwise_response_capture", default=None)


def _is_read(response: net.Response) -> bool:
    try:
        response.content  # noqa: B018
    except net.NOT_READ_ERRORS:
        return False
    return True


def body_consumed_error() -> LLMWiseError:
    """The error for reading a body that `iter_bytes()` / `iter_text()` / `iter_lines()` (or
    closing the response) already used up."""
    return LLMWiseError(
        "The body of this response was already consumed by iter_bytes()/iter_text()/iter_lines(), or the "
        "response is closed: read(), text(), json() and parse() need the whole body, read once."
    )


class BaseAPIResponse(Generic[R]):
    """What `APIResponse` and `AsyncAPIResponse` share: the response's status and headers."""

    http_response: net.Response
    """The `httpx.Response` itself."""
    retries_taken: int
    """How many retries were needed before this response (0: the first attempt answered)."""

    def __init__(
        self,
        http_response: net.Response,
        *,
        retries_taken: int,
        parse: Callable[[net.Response], R] | None,
        stream: Any,
    ) -> None:
        self.http_response = http_response
        self.retries_taken = retries_taken
        self._parse_body = parse
        # The typed stream of a stream method; `parse()` returns it.
        self._stream = stream
        self._parsed: Any = _UNSET

    @property
    def status_code(self) -> int:
        """The HTTP status code."""
        return self.http_response.status_code

    @property
    def headers(self) -> net.Headers:
        """The response headers."""
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        """The server's request id (`X-Request-Id`), to quote when reporting a problem."""
        value: str | None = self.http_response.headers.get("x-request-id")
        return value

    @property
    def rate_limit(self) -> RateLimitInfo:
        """The `X-RateLimit-*` headers."""
        return RateLimitInfo.from_headers(self.http_response.headers)

    @property
    def http_request(self) -> net.Request:
        """The request that was sent (its last attempt)."""
        return self.http_response.request

    @property
    def url(self) -> net.URL:
        """The URL of the request."""
        return self.http_response.url

    @property
    def method(self) -> str:
        """The HTTP method of the request."""
        return self.http_response.request.method

    @property
    def http_version(self) -> str:
        """The HTTP version of the response (`HTTP/1.1`, `HTTP/2`)."""
        return self.http_response.http_version

    @property
    def is_closed(self) -> bool:
        """Whether the connection has been released (the body was read whole, or closed)."""
        return self.http_response.is_closed

    def _check_body(self) -> None:
        stream = self._stream
        if stream is not None and stream.response is not None:
            raise LLMWiseError(
                "This response's body is read by its stream (parse() returns it): iterate the stream. "
                "with_streaming_response gives the raw body of a stream method."
            )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} [{self.status_code}] {self.method} {self.url}>"


# <async>
class AsyncAPIResponse(BaseAPIResponse[R]):
    """The HTTP response of a call made through `.with_raw_response` or `.with_streaming_response`:
    status, headers and `request_id` at once; `await response.parse()` gives what the method returns
    without them (a stream method: its stream)."""

    def __init__(
        self,
        http_response: net.Response,
        *,
        client: AsyncAPIClient,
        retries_taken: int,
        parse: Callable[[net.Response], R] | None = None,
        stream: AsyncStream[Any] | None = None,
    ) -> None:
        super().__init__(http_response, retries_taken=retries_taken, parse=parse, stream=stream)
        self._client = client

    async def parse(self) -> R:
        """What the method returns without `.with_raw_response`: the typed model, page or stream
        (read once, then the same object again)."""
        if self._parsed is _UNSET:
            stream = self._stream
            if stream is None:
                await self.read()
                assert self._parse_body is not None
                self._parsed = self._parse_body(self.http_response)
            else:
                if stream.response is None:
                    # with_streaming_response: the stream starts reading the body now.
                    try:
                        await stream._attach(self.http_response)
                    except net.STREAM_USED_ERRORS:
                        raise body_consumed_error() from None
                self._parsed = stream
        return cast(R, self._parsed)

    async def read(self) -> bytes:
        """The whole body (read now if it was not yet, up to the client's `max_response_bytes`)."""
        self._check_body()
        if not _is_read(self.http_response):
            await self._client._read_body(self.http_response)
        return self.http_response.content

    async def text(self) -> str:
        """The whole body, decoded to text."""
        await self.read()
        return self.http_response.text

    async def json(self) -> Any:
        """The whole body, decoded from JSON (as sent: no model, no checks)."""
        await self.read()
        return self.http_response.json()

    async def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """The body as it arrives, in chunks (decoded from its `Content-Encoding`)."""
        self._check_body()
        try:
            async for chunk in self.http_response.aiter_bytes(chunk_size):  # noqa: UP028, RUF100
                yield chunk
        except net.STREAM_USED_ERRORS:
            raise body_consumed_error() from None
        except net.TRANSPORT_ERRORS as exc:
            raise self._client._body_error(exc, self.http_response) from exc

    async def iter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        """The body as it arrives, decoded to text, in chunks."""
        self._check_body()
        try:
            async for chunk in self.http_response.aiter_text(chunk_size):  # noqa: UP028, RUF100
                yield chunk
        except net.STREAM_USED_ERRORS:
            raise body_consumed_error() from None
        except net.TRANSPORT_ERRORS as exc:
            raise self._client._body_error(exc, self.http_response) from exc

    async def iter_lines(self) -> AsyncIterator[str]:
        """The body as it arrives, line by line (without the line endings): a stream's raw SSE."""
        self._check_body()
        try:
            async for line in self.http_response.aiter_lines():  # noqa: UP028, RUF100
                yield line
        except net.STREAM_USED_ERRORS:
            raise body_consumed_error() from None
        except net.TRANSPORT_ERRORS as exc:
            raise self._client._body_error(exc, self.http_response) from exc

    async def aclose(self) -> None:
        """Release the connection (and stop the stream, for a stream method); leaving the
        `with_streaming_response` block does it."""
        if self._stream is not None:
            await self._stream.aclose()
        await self.http_response.aclose()
# </async>


# <sync> generated by scripts/unasync.py from the async region above: do not edit
class APIResponse(BaseAPIResponse[R]):
    """The HTTP response of a call made through `.with_raw_response` or `.with_streaming_response`:
    status, headers and `request_id` at once; `response.parse()` gives what the method returns
    without them (a stream method: its stream)."""

    def __init__(
        self,
        http_response: net.Response,
        *,
        client: APIClient,
        retries_taken: int,
        parse: Callable[[net.Response], R] | None = None,
        stream: Stream[Any] | None = None,
    ) -> None:
        super().__init__(http_response, retries_taken=retries_taken, parse=parse, stream=stream)
        self._client = client

    def parse(self) -> R:
        """What the method returns without `.with_raw_response`: the typed model, page or stream
        (read once, then the same object again)."""
        if self._parsed is _UNSET:
            stream = self._stream
            if stream is None:
                self.read()
                assert self._parse_body is not None
                self._parsed = self._parse_body(self.http_response)
            else:
                if stream.response is None:
                    # with_streaming_response: the stream starts reading the body now.
                    try:
                        stream._attach(self.http_response)
                    except net.STREAM_USED_ERRORS:
                        raise body_consumed_error() from None
                self._parsed = stream
        return cast(R, self._parsed)

    def read(self) -> bytes:
        """The whole body (read now if it was not yet, up to the client's `max_response_bytes`)."""
        self._check_body()
        if not _is_read(self.http_response):
            self._client._read_body(self.http_response)
        return self.http_response.content

    def text(self) -> str:
        """The whole body, decoded to text."""
        self.read()
        return self.http_response.text

    def json(self) -> Any:
        """The whole body, decoded from JSON (as sent: no model, no checks)."""
        self.read()
        return self.http_response.json()

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body as it arrives, in chunks (decoded from its `Content-Encoding`)."""
        self._check_body()
        try:
            for chunk in self.http_response.iter_bytes(chunk_size):  # noqa: UP028, RUF100
                yield chunk
        except net.STREAM_USED_ERRORS:
            raise body_consumed_error() from None
        except net.TRANSPORT_ERRORS as exc:
            raise self._client._body_error(exc, self.http_response) from exc

    def iter_text(self, chunk_size: int | None = None) -> Iterator[str]:
        """The body as it arrives, decoded to text, in chunks."""
        self._check_body()
        try:
            for chunk in self.http_response.iter_text(chunk_size):  # noqa: UP028, RUF100
                yield chunk
        except net.STREAM_USED_ERRORS:
            raise body_consumed_error() from None
        except net.TRANSPORT_ERRORS as exc:
            raise self._client._body_error(exc, self.http_response) from exc

    def iter_lines(self) -> Iterator[str]:
        """The body as it arrives, line by line (without the line endings): a stream's raw SSE."""
        self._check_body()
        try:
            for line in self.http_response.iter_lines():  # noqa: UP028, RUF100
                yield line
        except net.STREAM_USED_ERRORS:
            raise body_consumed_error() from None
        except net.TRANSPORT_ERRORS as exc:
            raise self._client._body_error(exc, self.http_response) from exc

    def close(self) -> None:
        """Release the connection (and stop the stream, for a stream method); leaving the
        `with_streaming_response` block does it."""
        if self._stream is not None:
            self._stream.close()
        self.http_response.close()
# </sync>


class ResponseContextManager(Generic[ResponseT]):
    """What a `.with_streaming_response` method returns: `with ... as response:` sends the request,
    leaving the block releases the connection."""

    def __init__(self, send: Callable[[], ResponseT]) -> None:
        self._send = send
        self._response: ResponseT | None = None

    def __enter__(self) -> ResponseT:
        self._response = self._send()
        return self._response

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._response is not None:
            cast("APIResponse[Any]", self._response).close()


class AsyncResponseContextManager(Generic[ResponseT]):
    """What an async `.with_streaming_response` method returns: `async with ... as response:` sends
    the request, leaving the block releases the connection."""

    def __init__(self, send: Callable[[], Awaitable[ResponseT]]) -> None:
        self._send = send
        self._response: ResponseT | None = None

    async def __aenter__(self) -> ResponseT:
        self._response = await self._send()
        return self._response

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._response is not None:
            await cast("AsyncAPIResponse[Any]", self._response).aclose()


# --- the views' methods -----------------------------------------------------------------------------
# A view (`client.chat.with_raw_response`) is a small class listing its resource's methods, each made
# by one of these from the resource's own method: `create: Final = to_raw_response_wrapper(Chat.create)`.
# The method keeps its parameters (and overloads) for type checkers; only what it returns changes.


def _captured(capture: ResponseCapture, func: Callable[..., Any]) -> BaseAPIResponse[Any]:
    if capture.response is None:  # not expected: every view method sends one request
        raise TypeError(f"{func.__qualname__}() sent no request, so it has no HTTP response to return")
    return capture.response


def _call(func: Callable[..., Any], view: Any, args: Any, kwargs: Any, *, streaming: bool) -> BaseAPIResponse[Any]:
    from ._streaming import Stream

    capture = ResponseCapture(streaming=streaming)
    token = RESPONSE_CAPTURE.set(capture)
    try:
        result = func(view._resource, *args, **kwargs)
        if isinstance(result, Stream):
            result.start()  # `stream()` sends on first use: now, to have the response
    finally:
        RESPONSE_CAPTURE.reset(token)
    return _captured(capture, func)


async def _async_call(
    func: Callable[..., Any], view: Any, args: Any, kwargs: Any, *, streaming: bool
) -> BaseAPIResponse[Any]:
    from ._streaming import AsyncStream

    capture = ResponseCapture(streaming=streaming)
    token = RESPONSE_CAPTURE.set(capture)
    try:
        result = func(view._resource, *args, **kwargs)
        if inspect.isawaitable(result):  # a coroutine, or a paginator (`list()`)
            result = await result
        if isinstance(result, AsyncStream):
            await result.start()
    finally:
        RESPONSE_CAPTURE.reset(token)
    return _captured(capture, func)


def to_raw_response_wrapper(func: Callable[Concatenate[Any, P], R]) -> Callable[Concatenate[Any, P], APIResponse[R]]:
    """A resource method as a method of its `with_raw_response` view: same arguments, returning
    the `APIResponse` whose `parse()` is what `func` returns."""

    @functools.wraps(func)
    def wrapped(view: Any, /, *args: P.args, **kwargs: P.kwargs) -> APIResponse[R]:
        return cast("APIResponse[R]", _call(func, view, args, kwargs, streaming=False))

    return wrapped


@overload
def async_to_raw_response_wrapper(
    func: Callable[Concatenate[Any, P], Awaitable[R]],
) -> Callable[Concatenate[Any, P], Awaitable[AsyncAPIResponse[R]]]: ...
@overload
def async_to_raw_response_wrapper(
    func: Callable[Concatenate[Any, P], R],
) -> Callable[Concatenate[Any, P], Awaitable[AsyncAPIResponse[R]]]: ...
def async_to_raw_response_wrapper(func: Callable[..., Any]) -> Callable[..., Any]:
    """An async resource method as a method of its `with_raw_response` view: same arguments,
    returning (to await) the `AsyncAPIResponse` whose `parse()` is what awaiting `func` gives (a
    stream method, which is not awaited: its stream)."""

    @functools.wraps(func)
    async def wrapped(view: Any, /, *args: Any, **kwargs: Any) -> AsyncAPIResponse[Any]:
        return cast("AsyncAPIResponse[Any]", await _async_call(func, view, args, kwargs, streaming=False))

    return wrapped


def to_streamed_response_wrapper(
    func: Callable[Concatenate[Any, P], R],
) -> Callable[Concatenate[Any, P], ResponseContextManager[APIResponse[R]]]:
    """A resource method as a method of its `with_streaming_response` view: same arguments,
    returning a context manager that sends the request on entry and leaves the body unread."""

    @functools.wraps(func)
    def wrapped(view: Any, /, *args: P.args, **kwargs: P.kwargs) -> ResponseContextManager[APIResponse[R]]:
        return ResponseContextManager(
            lambda: cast("APIResponse[R]", _call(func, view, args, kwargs, streaming=True))
        )

    return wrapped


@overload
def async_to_streamed_response_wrapper(
    func: Callable[Concatenate[Any, P], Awaitable[R]],
) -> Callable[Concatenate[Any, P], AsyncResponseContextManager[AsyncAPIResponse[R]]]: ...
@overload
def async_to_streamed_response_wrapper(
    func: Callable[Concatenate[Any, P], R],
) -> Callable[Concatenate[Any, P], AsyncResponseContextManager[AsyncAPIResponse[R]]]: ...
def async_to_streamed_response_wrapper(func: Callable[..., Any]) -> Callable[..., Any]:
    """An async resource method as a method of its `with_streaming_response` view: same arguments,
    returning a context manager (`async with`) that sends the request on entry and leaves the body
    unread."""

    @functools.wraps(func)
    def wrapped(view: Any, /, *args: Any, **kwargs: Any) -> AsyncResponseContextManager[AsyncAPIResponse[Any]]:
        async def send() -> AsyncAPIResponse[Any]:
            return cast("AsyncAPIResponse[Any]", await _async_call(func, view, args, kwargs, streaming=True))

        return AsyncResponseContextManager(send)

    return wrapped
