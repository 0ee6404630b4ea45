"""Helpers shared by the tests: run one scenario through the sync and the async client."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from llmwise import AsyncLLMWise, LLMWise

KEY = "mm_sk_" + "0123456789abcdef" * 4

Client = LLMWise | AsyncLLMWise


_LOOP = asyncio.new_event_loop()


def run(value: Any) -> Any:
    """The value itself, or what awaiting it gives when it is awaitable (a coroutine, or the
    paginator an async list method returns).

    One event loop serves every test: an async client's pooled connections belong to the loop they
    were opened on, so a loop per call would break them.
    """
    if inspect.iscoroutine(value):
        return _LOOP.run_until_complete(value)
    if inspect.isawaitable(value):
        return _LOOP.run_until_complete(_awaited(value))
    return value


async def _awaited(value: Any) -> Any:
    return await value


def mock_client(mode: str, handler: Callable[[httpx.Request], httpx.Response], **kwargs: Any) -> Client:
    """A client whose requests are answered by `handler` (an httpx.MockTransport)."""
    transport = httpx.MockTransport(handler)
    kwargs.setdefault("base_url", "http://test.local")
    if mode == "sync":
        return LLMWise(KEY, http_client=httpx.Client(transport=transport), **kwargs)
    return AsyncLLMWise(KEY, http_client=httpx.AsyncClient(transport=transport), **kwargs)


def collect_stream(client: Client, method: str = "chat", **kwargs: Any) -> tuple[list[Any], BaseException | None, Any]:
    """Iterate `client.<method>.stream(**kwargs)`; return (events, error raised or None, stream)."""
    resource = getattr(client, method)
    events: list[Any] = []
    if isinstance(client, LLMWise):
        stream = resource.stream(**kwargs)
        try:
            for event in stream:
                events.append(event)
        except Exception as exc:
            return events, exc, stream
        return events, None, stream

    async def go() -> tuple[list[Any], BaseException | None, Any]:
        stream = resource.stream(**kwargs)
        try:
            async for event in stream:
                events.append(event)
        except Exception as exc:
            return events, exc, stream
        return events, None, stream

    result: tuple[list[Any], BaseException | None, Any] = run(go())
    return result


class ChunkedBody(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body sent in the given chunks, optionally breaking (raising) after them."""

    def __init__(self, chunks: list[bytes], error: Exception | None = None) -> None:
        self.chunks = chunks
        self.error = error
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        yield from self.chunks
        if self.error is not None:
            raise self.error

    async def __aiter__(self) -> Any:
        for chunk in self.chunks:
            yield chunk
        if self.error is not None:
            raise self.error

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


def sse(*payloads: str) -> list[bytes]:
    """SSE frames for the given `data` payloads."""
    return [f"data: {p}\n\n".encode() for p in payloads]


class SandboxEnv:
    """A sandbox plus a sync or async client bound to it (over loopback, or in-process)."""

    def __init__(self, mode: str, sandbox: Any, *, base_url: str | None) -> None:
        self.mode = mode
        self.sandbox = sandbox
        self.kind = "loopback" if base_url is not None else "inprocess"
        http: httpx.Client | httpx.AsyncClient
        if mode == "sync":
            http = httpx.Client(transport=None if base_url else sandbox.transport(), timeout=10)
            self.client: Any = LLMWise(KEY, base_url=base_url or "http://sandbox", http_client=http)
        else:
            http = httpx.AsyncClient(transport=None if base_url else sandbox.async_transport(), timeout=10)
            self.client = AsyncLLMWise(KEY, base_url=base_url or "http://sandbox", http_client=http)
        self._http = http

    def call(self, value: Any) -> Any:
        """Run a client call's result (a coroutine for the async client)."""
        return run(value)

    def stream(self, method: str = "chat", **kwargs: Any) -> tuple[list[Any], BaseException | None, Any]:
        """Iterate `client.<method>.stream(**kwargs)`: (events, error or None, stream)."""
        return collect_stream(self.client, method, **kwargs)

    def close(self) -> None:
        if isinstance(self._http, httpx.Client):
            self._http.close()
        else:
            run(self._http.aclose())
