"""Helpers of the compare, blend and judge tests: the sandbox reached over a real loopback server or
in-process, by the sync or the async client (fixtures in `multi_fixtures`).

An async client is created inside the coroutine that uses it, so its connections never outlive
their event loop.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import httpx

from llmwise import AsyncLLMWise, LLMWise
from llmwise.sandbox import Sandbox
from llmwise.types.shared import MessageParam
from support import KEY

MSG: list[MessageParam] = [{"role": "user", "content": "How should a team roll out a new cache layer?"}]
MODELS = ["gpt-5.2", "claude-sonnet-4.5", "gemini-3-flash"]


@dataclass
class Outcome:
    """A stream read to its end (or to its error)."""

    events: list[Any]
    error: BaseException | None
    stream: Any
    """The stream object: its views stay readable after the end."""
    result: Any = None
    """`get_final_result()`, when the stream did not fail."""
    pieces: list[str] = field(default_factory=list)
    """What `model_text_stream` / `text_stream` yielded, when asked for."""


class Env:
    """A sandbox plus a way to call it with the client of one mode."""

    def __init__(self, sb: Sandbox, mode: str, base_url: str | None, sync_client: LLMWise | None = None) -> None:
        self.sb = sb
        self.mode = mode
        self.base_url = base_url
        self._shared = sync_client

    def _sync_client(self, options: dict[str, Any]) -> tuple[LLMWise, httpx.Client | None]:
        if self._shared is not None:
            # with_options shares the connection pool: building a client costs ~40 ms (TLS setup).
            return self._shared.with_options(**options), None
        http = httpx.Client(transport=self.sb.transport())
        return LLMWise(KEY, base_url=self.base_url or "http://sandbox", http_client=http, **options), http

    def _async_client(self, options: dict[str, Any]) -> tuple[AsyncLLMWise, httpx.AsyncClient]:
        # Plain-HTTP loopback or in-process: skip loading CA certificates, the costly part of a client.
        if self.base_url is not None:
            http = httpx.AsyncClient(verify=False)
        else:
            http = httpx.AsyncClient(transport=self.sb.async_transport())
        return AsyncLLMWise(KEY, base_url=self.base_url or "http://sandbox", http_client=http, **options), http

    def create(self, resource: str, *, client_options: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """`client.<resource>.create(**kwargs)` (not streamed); raises what the call raises."""
        options = client_options or {}
        if self.mode == "sync":
            client, http = self._sync_client(options)
            try:
                return getattr(client, resource).create(**kwargs)
            finally:
                if http is not None:
                    http.close()

        async def go() -> Any:
            client, http = self._async_client(options)
            try:
                return await getattr(client, resource).create(**kwargs)
            finally:
                await http.aclose()

        return asyncio.run(go())

    def stream(
        self,
        resource: str,
        *,
        skip: int = 0,
        text_of: str | None = None,
        synthesis: bool = False,
        **kwargs: Any,
    ) -> Outcome:
        """Stream `client.<resource>`: take `skip` events, then (with `text_of`) that model's
        `model_text_stream` or (with `synthesis`) `text_stream`, then the rest of the events, then
        `get_final_result()`."""
        events: list[Any] = []
        pieces: list[str] = []
        if self.mode == "sync":
            client, http = self._sync_client({})
            stream = getattr(client, resource).stream(**kwargs)
            try:
                with stream:
                    for _ in range(skip):
                        events.append(next(stream))
                    if text_of is not None:
                        pieces.extend(stream.model_text_stream(text_of))
                    if synthesis:
                        pieces.extend(stream.text_stream)
                    events.extend(stream)
                    return Outcome(events, None, stream, stream.get_final_result(), pieces)
            except Exception as exc:
                return Outcome(events, exc, stream, None, pieces)
            finally:
                if http is not None:
                    http.close()

        async def go() -> Outcome:
            client, http = self._async_client({})
            stream = getattr(client, resource).stream(**kwargs)
            try:
                async with stream:
                    for _ in range(skip):
                        events.append(await stream.__anext__())
                    if text_of is not None:
                        pieces.extend([p async for p in stream.model_text_stream(text_of)])
                    if synthesis:
                        pieces.extend([p async for p in stream.text_stream])
                    async for event in stream:
                        events.append(event)
                    return Outcome(events, None, stream, await stream.get_final_result(), pieces)
            except Exception as exc:
                return Outcome(events, exc, stream, None, pieces)
            finally:
                await http.aclose()

        result: Outcome = asyncio.run(go())
        return result
