"""`client.memory`: semantic memory (past exchanges recalled into new requests)."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Final

from typing_extensions import Unpack

from .._lazy import LazyModule
from .._resource import APIResource, AsyncAPIResource, ResourceView
from .._response import (
    async_to_raw_response_wrapper,
    async_to_streamed_response_wrapper,
    to_raw_response_wrapper,
    to_streamed_response_wrapper,
)
from .._types import RequestOptions
from ._params import api_operation, path_param

if TYPE_CHECKING:
    from ..types import memory as _types
    from ..types.memory import MemoryCleared, MemoryDeleted, MemoryList, MemorySearchResult
else:
    # Imported by the first call that needs them: pydantic models (see `llmwise._lazy`).
    _types = LazyModule("llmwise.types.memory")

__all__ = ["Memories", "AsyncMemories"]


# <async>
class AsyncMemories(AsyncAPIResource):
    """Semantic memory: past exchanges, remembered and recalled into later requests.

    Each successful exchange is stored unless it ran with `semantic_memory=False` or the account is
    in zero-retention mode.
    """

    @cached_property
    def with_raw_response(self) -> AsyncMemoriesWithRawResponse:
        """The same methods, returning the HTTP response (`headers`, `request_id`, ...);
        `await response.parse()` gives what the method returns."""
        return AsyncMemoriesWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncMemoriesWithStreamingResponse:
        """The same methods as context managers (`async with ... as response:`): the request is
        sent on entry, the body read only when asked (`response.iter_lines()`,
        `await response.parse()`)."""
        return AsyncMemoriesWithStreamingResponse(self)

    async def list(self, *, limit: int = 20, **options: Unpack[RequestOptions]) -> MemoryList:
        """List stored memories, newest first (`GET /memory`).

        Args:
            limit: The most memories to return (default 20).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return await self._client.request(
            api_operation(
                "GET", "/memory", query={"limit": limit}, options=options, parse=_types.MemoryList.from_api
            )
        )

    async def search(
        self, q: str, *, top_k: int = 4, min_score: float | None = None, **options: Unpack[RequestOptions]
    ) -> MemorySearchResult:
        """Find the memories closest to a query, best first (`GET /memory/search`).

        Args:
            q: What to search for.
            top_k: The most matches to return (default 4).
            min_score: Only matches at least this similar (0 to 1).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        query = {"q": q, "top_k": top_k, "min_score": min_score}
        return await self._client.request(
            api_operation(
                "GET", "/memory/search", query=query, options=options, parse=_types.MemorySearchResult.from_api
            )
        )

    async def delete(self, memory_id: str | int, **options: Unpack[RequestOptions]) -> MemoryDeleted:
        """Delete one memory (`DELETE /memory/{memory_id}`).

        Args:
            memory_id: The memory's id (`mem_...`, or an integer id).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        path = f"/memory/{path_param('memory_id', memory_id)}"
        return await self._client.request(
            api_operation("DELETE", path, options=options, parse=_types.MemoryDeleted.from_api)
        )

    async def clear(self, **options: Unpack[RequestOptions]) -> MemoryCleared:
        """Delete every memory (`DELETE /memory`).

        Args:
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return await self._client.request(
            api_operation("DELETE", "/memory", options=options, parse=_types.MemoryCleared.from_api)
        )


class AsyncMemoriesWithRawResponse(ResourceView):
    """`client.memory.with_raw_response`: the methods of `client.memory`, returning the HTTP response."""

    list: Final = async_to_raw_response_wrapper(AsyncMemories.list)
    search: Final = async_to_raw_response_wrapper(AsyncMemories.search)
    delete: Final = async_to_raw_response_wrapper(AsyncMemories.delete)
    clear: Final = async_to_raw_response_wrapper(AsyncMemories.clear)


class AsyncMemoriesWithStreamingResponse(ResourceView):
    """`client.memory.with_streaming_response`: the methods of `client.memory` as context managers
    that read the body only when asked."""

    list: Final = async_to_streamed_response_wrapper(AsyncMemories.list)
    search: Final = async_to_streamed_response_wrapper(AsyncMemories.search)
    delete: Final = async_to_streamed_response_wrapper(AsyncMemories.delete)
    clear: Final = async_to_streamed_response_wrapper(AsyncMemories.clear)


# </async>


# <sync> generated by scripts/unasync.py from the async region above: do not edit
class Memories(APIResource):
    """Semantic memory: past exchanges, remembered and recalled into later requests.

    Each successful exchange is stored unless it ran with `semantic_memory=False` or the account is
    in zero-retention mode.
    """

    @cached_property
    def with_raw_response(self) -> MemoriesWithRawResponse:
        """The same methods, returning the HTTP response (`headers`, `request_id`, ...);
        `response.parse()` gives what the method returns."""
        return MemoriesWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> MemoriesWithStreamingResponse:
        """The same methods as context managers (`with ... as response:`): the request is
        sent on entry, the body read only when asked (`response.iter_lines()`,
        `response.parse()`)."""
        return MemoriesWithStreamingResponse(self)

    def list(self, *, limit: int = 20, **options: Unpack[RequestOptions]) -> MemoryList:
        """List stored memories, newest first (`GET /memory`).

        Args:
            limit: The most memories to return (default 20).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return self._client.request(
            api_operation(
                "GET", "/memory", query={"limit": limit}, options=options, parse=_types.MemoryList.from_api
            )
        )

    def search(
        self, q: str, *, top_k: int = 4, min_score: float | None = None, **options: Unpack[RequestOptions]
    ) -> MemorySearchResult:
        """Find the memories closest to a query, best first (`GET /memory/search`).

        Args:
            q: What to search for.
            top_k: The most matches to return (default 4).
            min_score: Only matches at least this similar (0 to 1).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        query = {"q": q, "top_k": top_k, "min_score": min_score}
        return self._client.request(
            api_operation(
                "GET", "/memory/search", query=query, options=options, parse=_types.MemorySearchResult.from_api
            )
        )

    def delete(self, memory_id: str | int, **options: Unpack[RequestOptions]) -> MemoryDeleted:
        """Delete one memory (`DELETE /memory/{memory_id}`).

        Args:
            memory_id: The memory's id (`mem_...`, or an integer id).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        path = f"/memory/{path_param('memory_id', memory_id)}"
        return self._client.request(
            api_operation("DELETE", path, options=options, parse=_types.MemoryDeleted.from_api)
        )

    def clear(self, **options: Unpack[RequestOptions]) -> MemoryCleared:
        """Delete every memory (`DELETE /memory`).

        Args:
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return self._client.request(
            api_operation("DELETE", "/memory", options=options, parse=_types.MemoryCleared.from_api)
        )


class MemoriesWithRawResponse(ResourceView):
    """`client.memory.with_raw_response`: the methods of `client.memory`, returning the HTTP response."""

    list: Final = to_raw_response_wrapper(Memories.list)
    search: Final = to_raw_response_wrapper(Memories.search)
    delete: Final = to_raw_response_wrapper(Memories.delete)
    clear: Final = to_raw_response_wrapper(Memories.clear)


class MemoriesWithStreamingResponse(ResourceView):
    """`client.memory.with_streaming_response`: the methods of `client.memory` as context managers
    that read the body only when asked."""

    list: Final = to_streamed_response_wrapper(Memories.list)
    search: Final = to_streamed_response_wrapper(Memories.search)
    delete: Final = to_streamed_response_wrapper(Memories.delete)
    clear: Final = to_streamed_response_wrapper(Memories.clear)


# </sync>
