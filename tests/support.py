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


def run(value: Any) -> Any:
    """The value itself, or the result of running it when it is a coroutine."""
    if inspect.iscoroutine(value):
        return asyncio.run(value)
    return value


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

    result: tuple[list[Any], BaseException | None, Any] = asyncio.run(go())
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
