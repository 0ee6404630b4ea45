"""In-process httpx transports: the sandbox without sockets.

Streams are real incremental byte streams that sleep between frames, so client code sees the same
timing and the same failure (``httpx.RemoteProtocolError`` on a cut connection) as over the network.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import TYPE_CHECKING

import httpx

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


class _SyncFrameStream(httpx.SyncByteStream):
    def __init__(self, frames: Sequence[StreamFrame], request: httpx.Request) -> None:
        self._frames = frames
        self._request = request

    def __iter__(self) -> Iterator[bytes]:
        for frame in self._frames:
            if frame.delay > 0:
                time.sleep(frame.delay)
            if frame.cut:
                raise httpx.RemoteProtocolError(CUT_MESSAGE, request=self._request)
            yield frame.data


class _AsyncFrameStream(httpx.AsyncByteStream):
    def __init__(self, frames: Sequence[StreamFrame], request: httpx.Request) -> None:
        self._frames = frames
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for frame in self._frames:
            await _async_sleep(frame.delay)
            if frame.cut:
                raise httpx.RemoteProtocolError(CUT_MESSAGE, request=self._request)
            yield frame.data


def _response(
    result: SandboxResponse,
    request: httpx.Request,
    stream: httpx.SyncByteStream | httpx.AsyncByteStream | None,
) -> httpx.Response:
    if stream is None:
        return httpx.Response(result.status, headers=result.headers, content=result.body, request=request)
    return httpx.Response(result.status, headers=result.headers, stream=stream, request=request)


class SandboxTransport(httpx.BaseTransport):
    """A sync httpx transport answering from a :class:`~llmwise.sandbox.Sandbox`."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer ``request`` (sleeping as the sandbox's latency says)."""
        result = self.sandbox.handle(_to_sandbox(request, request.read()))
        if result.frames is not None:
            return _response(result, request, _SyncFrameStream(result.frames, request))
        if result.delay > 0:
            time.sleep(result.delay)
        return _response(result, request, None)


class AsyncSandboxTransport(httpx.AsyncBaseTransport):
    """An async httpx transport answering from a :class:`~llmwise.sandbox.Sandbox` (asyncio or trio)."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Answer ``request`` (sleeping as the sandbox's latency says)."""
        result = self.sandbox.handle(_to_sandbox(request, await request.aread()))
        if result.frames is not None:
            return _response(result, request, _AsyncFrameStream(result.frames, request))
        await _async_sleep(result.delay)
        return _response(result, request, None)
