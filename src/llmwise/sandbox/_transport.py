"""In-process httpx transports: the sandbox without sockets.

Streams are real incremental byte streams that sleep between frames, so client code sees the same
timing and the same failure (``httpx.RemoteProtocolError`` on a cut connection) as over the network.
The same transports serve an httpx2 client (``library="httpx2"``), answering in httpx2's classes.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import httpx

from .._http import LIBRARY_NAMES, library
from ._http import SandboxRequest, SandboxResponse, StreamFrame

if TYPE_CHECKING:
    from ._core import Sandbox

CUT_MESSAGE = "peer closed connection without sending complete message body"


async def _async_sleep(delay: float) -> None:
    """Sleep under asyncio or trio (whichever is running); no-op for 0."""
    if delay <= 0:
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        import trio  # only reached when no asyncio loop runs, i.e. under trio

        await trio.sleep(delay)
        return
    await asyncio.sleep(delay)


def _to_sandbox(request: httpx.Request, body: bytes) -> SandboxRequest:
    return SandboxRequest(
        method=request.method,
        path=request.url.raw_path.decode("ascii"),
        headers=dict(request.headers.items()),
        body=body,
    )


class _FrameStream:
    """A streamed body of sandbox frames, sleeping between them and cutting where told.

    Made per HTTP library (`_frame_stream`): a response checks that its body is a byte stream of
    its own library (httpx or httpx2).
    """

    def __init__(
        self, frames: Sequence[StreamFrame], request: httpx.Request, cut: type[httpx.RemoteProtocolError]
    ) -> None:
        self._frames = frames
        self._request = request
        self._cut = cut

    def __iter__(self) -> Iterator[bytes]:
        for frame in self._frames:
            if frame.delay > 0:
                time.sleep(frame.delay)
            if frame.cut:
                raise self._cut(CUT_MESSAGE, request=self._request)
            yield frame.data

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for frame in self._frames:
            await _async_sleep(frame.delay)
            if frame.cut:
                raise self._cut(CUT_MESSAGE, request=self._request)
            yield frame.data


@functools.cache
def _frame_stream(lib: Any) -> type[_FrameStream]:
    return type("FrameStream", (_FrameStream, lib.SyncByteStream, lib.AsyncByteStream), {})


def _library(name: str) -> Any:
    if name not in LIBRARY_NAMES:
        raise ValueError(f"library must be 'httpx' or 'httpx2', got {name!r}")
    # The SDK's own registry: imported once, and the SDK then catches this library's errors too.
    return library(name).module


class _Answers:
    def __init__(self, sandbox: Sandbox, library: str) -> None:
        self.sandbox = sandbox
        self._lib = _library(library)

    def _response(self, result: SandboxResponse, request: httpx.Request, streamed: bool) -> httpx.Response:
        lib = self._lib
        if not streamed:
            response: httpx.Response = lib.Response(
                result.status, headers=result.headers, content=result.body, request=request
            )
            return response
        assert result.frames is not None
        stream = _frame_stream(lib)(result.frames, request, lib.RemoteProtocolError)
        response = lib.Response(result.status, headers=result.headers, stream=stream, request=request)
        return response


class SandboxTransport(_Answers, httpx.BaseTransport):
    """A sync httpx transport answering from a :class:`~llmwise.sandbox.Sandbox`.

    ``library="httpx2"``: one for an ``httpx2.Client`` (it answers with httpx2's responses).
    """

    def __init__(self, sandbox: Sandbox, library: str = "httpx") -> None:
        super().__init__(sandbox, library)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer ``request`` (sleeping as the sandbox's latency says)."""
        result = self.sandbox.handle(_to_sandbox(request, request.read()))
        if result.frames is not None:
            return self._response(result, request, True)
        if result.delay > 0:
            time.sleep(result.delay)
        return self._response(result, request, False)


class AsyncSandboxTransport(_Answers, httpx.AsyncBaseTransport):
    """An async httpx transport answering from a :class:`~llmwise.sandbox.Sandbox` (asyncio or trio).

    ``library="httpx2"``: one for an ``httpx2.AsyncClient``.
    """

    def __init__(self, sandbox: Sandbox, library: str = "httpx") -> None:
        super().__init__(sandbox, library)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Answer ``request`` (sleeping as the sandbox's latency says)."""
        result = self.sandbox.handle(_to_sandbox(request, await request.aread()))
        if result.frames is not None:
            return self._response(result, request, True)
        await _async_sleep(result.delay)
        return self._response(result, request, False)
