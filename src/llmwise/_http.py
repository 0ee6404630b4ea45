"""The HTTP library, in one place: httpx by default, httpx2 when the caller chooses it.

httpx2 (pydantic's maintained fork of httpx) has httpx's API under another module name, with classes
of its own: an `httpx2.ReadTimeout` is no `httpx.TimeoutException`, an `httpx2.AsyncClient` refuses an
`httpx.Timeout`. So the SDK never names `httpx` outside this module:

- the classes it *constructs* (a timeout, a body wrapper, a client) come from the `Library` of the
  pool in use (`library_of(http_client)`, or `library("httpx2")` for a pool the SDK makes itself);
- the classes it *catches* are in the tuples below (`TRANSPORT_ERRORS`, ...), which cover every
  library in use in the process: they start with httpx's and widen when httpx2 is first used. Read
  them as attributes of this module (`_http.TRANSPORT_ERRORS`) at the `except`, so a widened tuple is
  seen; an `except` clause only evaluates its tuple when an exception is raised, so this costs the
  hot path nothing.

httpx stays the dependency; httpx2 is imported only when the caller passes an httpx2 client or asks
for `http_library="httpx2"` (`pip install "llmwise[httpx2]"`).

Annotations name httpx's classes (`Response`, `Timeout`, ...): an httpx2 object has the same
attributes and methods, so code typed against httpx's reads it alike.
"""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeAlias, cast

import httpx
from httpx import URL, AsyncClient, Client, Headers, InvalidURL, Limits, Request, Response, Timeout

if TYPE_CHECKING:
    import httpx2

    from ._exceptions import LLMWiseError

__all__ = [
    "URL",
    "AsyncClient",
    "Client",
    "Headers",
    "InvalidURL",
    "Limits",
    "BodyError",
    "HttpClient",
    "AsyncHttpClient",
    "AnyTimeout",
    "Library",
    "Request",
    "Response",
    "Timeout",
    "HTTPX",
    "library",
    "library_of",
    "is_timeout",
]

HttpClient: TypeAlias = "httpx.Client | httpx2.Client"
"""What `LLMWise(http_client=...)` takes: a sync client of httpx or of httpx2."""
AsyncHttpClient: TypeAlias = "httpx.AsyncClient | httpx2.AsyncClient"
"""What `AsyncLLMWise(http_client=...)` takes: an async client of httpx or of httpx2."""
AnyTimeout: TypeAlias = "httpx.Timeout | httpx2.Timeout"
"""A `Timeout` of either library (`timeout=` takes one, or a number of seconds)."""
BodyError: TypeAlias = "httpx.TransportError | httpx.DecodingError"
"""What `TRANSPORT_ERRORS` catches, as annotations name it."""

LIBRARY_NAMES = ("httpx", "httpx2")
"""The HTTP libraries the SDK runs on (`http_library=` / the module of an `http_client`)."""

# What `except` clauses and `isinstance` checks name: every library in use (see the module's doc).
TRANSPORT_ERRORS: tuple[type[httpx.TransportError] | type[httpx.DecodingError], ...] = (
    httpx.TransportError,
    httpx.DecodingError,
)
"""A body or connection that broke (`DecodingError`: a body that does not match its encoding)."""
TIMEOUT_ERRORS: tuple[type[httpx.TimeoutException], ...] = (httpx.TimeoutException,)
DECODING_ERRORS: tuple[type[httpx.DecodingError], ...] = (httpx.DecodingError,)
STREAM_USED_ERRORS: tuple[type[httpx.StreamConsumed] | type[httpx.StreamClosed], ...] = (
    httpx.StreamConsumed,
    httpx.StreamClosed,
)
"""A body read twice, or after its response was closed."""
NOT_READ_ERRORS: tuple[type[httpx.ResponseNotRead], ...] = (httpx.ResponseNotRead,)
STATUS_ERRORS: tuple[type[httpx.HTTPStatusError], ...] = (httpx.HTTPStatusError,)
LOCAL_PROTOCOL_ERRORS: tuple[type[httpx.LocalProtocolError], ...] = (httpx.LocalProtocolError,)
REDIRECT_ERRORS: tuple[type[httpx.TooManyRedirects], ...] = (httpx.TooManyRedirects,)
INVALID_URL_ERRORS: tuple[type[httpx.InvalidURL], ...] = (httpx.InvalidURL,)
TIMEOUTS: tuple[type[httpx.Timeout], ...] = (httpx.Timeout,)
SYNC_CLIENTS: tuple[type[httpx.Client], ...] = (httpx.Client,)
ASYNC_CLIENTS: tuple[type[httpx.AsyncClient], ...] = (httpx.AsyncClient,)


class DeadlineStream:
    """A response body that raises the deadline's error for data arriving after the deadline.

    Each read already waits at most the time that was left when the attempt started (its timeout
    is capped so); this stops a body that keeps trickling in past the deadline. Made per library
    (`Library.deadline_stream`): responses check that their body is their own library's stream.
    """

    __slots__ = ("_clock", "_error", "_expires", "_inner")

    def __init__(
        self, inner: Any, expires: float, error: Callable[[], LLMWiseError], clock: Callable[[], float]
    ) -> None:
        self._inner = inner
        self._expires = expires
        self._error = error
        self._clock = clock

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            if self._clock() >= self._expires:
                raise self._error()
            yield chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            if self._clock() >= self._expires:
                raise self._error()
            yield chunk

    def close(self) -> None:
        self._inner.close()

    async def aclose(self) -> None:
        await self._inner.aclose()


class Library:
    """One HTTP library (httpx or httpx2): the classes the SDK makes objects of, and its name."""

    def __init__(self, module: Any) -> None:
        self.module = module
        self.name: str = module.__name__
        self.version: str = module.__version__
        self.Client: type[httpx.Client] = module.Client
        self.AsyncClient: type[httpx.AsyncClient] = module.AsyncClient
        self.Timeout: type[httpx.Timeout] = module.Timeout
        self.Limits: type[httpx.Limits] = module.Limits
        self.deadline_stream: type[DeadlineStream] = type(
            "DeadlineStream", (DeadlineStream, module.SyncByteStream, module.AsyncByteStream), {"__slots__": ()}
        )
        """`DeadlineStream` as a body of this library's responses (which check the body's class)."""

    def timeout(self, value: float | AnyTimeout | None) -> float | httpx.Timeout | None:
        """`value` as this library's client takes it: a number as is, any library's `Timeout` as ours."""
        if value is None or isinstance(value, (int, float, self.Timeout)):
            return value
        return self.Timeout(connect=value.connect, read=value.read, write=value.write, pool=value.pool)

    def __repr__(self) -> str:
        return f"<HTTP library {self.name} {self.version}>"


HTTPX = Library(httpx)
"""httpx, the default (a dependency of llmwise)."""

_LIBRARIES: dict[str, Library] = {"httpx": HTTPX}
_lock = threading.Lock()


def library(name: str) -> Library:
    """The library called `name` ("httpx" or "httpx2"), imported on first use.

    An `ImportError` that says what to install when it is missing.
    """
    found = _LIBRARIES.get(name)
    if found is not None:
        return found
    if name not in LIBRARY_NAMES:
        raise ValueError(f"http_library must be one of {', '.join(map(repr, LIBRARY_NAMES))}, got {name!r}")
    try:
        module = importlib.import_module(name)
    except ImportError as exc:
        raise ImportError(
            f'http_library={name!r} needs the {name} package: pip install "llmwise[{name}]"'
        ) from exc
    return _adopt(module)


def _adopt(module: Any) -> Library:
    global TRANSPORT_ERRORS, TIMEOUT_ERRORS, DECODING_ERRORS, STREAM_USED_ERRORS, NOT_READ_ERRORS
    global STATUS_ERRORS, LOCAL_PROTOCOL_ERRORS, REDIRECT_ERRORS, INVALID_URL_ERRORS, TIMEOUTS
    global SYNC_CLIENTS, ASYNC_CLIENTS
    with _lock:
        found = _LIBRARIES.get(module.__name__)
        if found is not None:
            return found
        lib = Library(module)
        m = cast(Any, module)
        # Widened in place of being rebuilt per check: the module attributes are what `except` reads.
        TRANSPORT_ERRORS = (*TRANSPORT_ERRORS, m.TransportError, m.DecodingError)
        TIMEOUT_ERRORS = (*TIMEOUT_ERRORS, m.TimeoutException)
        DECODING_ERRORS = (*DECODING_ERRORS, m.DecodingError)
        STREAM_USED_ERRORS = (*STREAM_USED_ERRORS, m.StreamConsumed, m.StreamClosed)
        NOT_READ_ERRORS = (*NOT_READ_ERRORS, m.ResponseNotRead)
        STATUS_ERRORS = (*STATUS_ERRORS, m.HTTPStatusError)
        LOCAL_PROTOCOL_ERRORS = (*LOCAL_PROTOCOL_ERRORS, m.LocalProtocolError)
        REDIRECT_ERRORS = (*REDIRECT_ERRORS, m.TooManyRedirects)
        INVALID_URL_ERRORS = (*INVALID_URL_ERRORS, m.InvalidURL)
        TIMEOUTS = (*TIMEOUTS, m.Timeout)
        SYNC_CLIENTS = (*SYNC_CLIENTS, m.Client)
        ASYNC_CLIENTS = (*ASYNC_CLIENTS, m.AsyncClient)
        _LIBRARIES[lib.name] = lib
        return lib


def library_of(http_client: object, kind: type[httpx.Client] | type[httpx.AsyncClient]) -> Library:
    """The library of a caller's `http_client`, which must be a `kind` (`Client` or `AsyncClient`) of
    httpx or httpx2; a `TypeError` naming what was expected otherwise."""
    wanted = kind.__name__
    if isinstance(http_client, kind):
        return HTTPX
    # Only a module already imported can have made the object: httpx2 is not imported to find out.
    module = sys.modules.get("httpx2")
    if module is not None and isinstance(http_client, getattr(module, wanted)):
        return _adopt(module)
    other = "Client" if wanted == "AsyncClient" else "AsyncClient"
    hint = ""
    if type(http_client).__name__ == other:
        hint = f" (the {'async' if other == 'Client' else 'sync'} client needs an {wanted}, not a {other})"
    raise TypeError(
        f"http_client must be an httpx.{wanted} or httpx2.{wanted}, got {type(http_client).__name__}{hint}"
    )


def is_timeout(value: object) -> bool:
    """Whether `value` is a `Timeout` of httpx or httpx2 (even one whose pool is not in use yet)."""
    if isinstance(value, TIMEOUTS):
        return True
    # httpx2 not adopted yet (an `httpx2.Timeout` given before the `http_client`): adopt it now.
    module = sys.modules.get("httpx2")
    if module is not None and isinstance(value, module.Timeout):
        _adopt(module)
        return True
    return False


def close_unused(http: httpx.Client | httpx.AsyncClient) -> None:
    """Mark a pool that never opened a connection as closed (nothing to release)."""
    # `ClientState` of the pool's own library, whichever that is.
    state = http._state
    http._state = type(state).CLOSED
