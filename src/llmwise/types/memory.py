"""Semantic memory (`client.memory`): past exchanges recalled into new requests."""

from __future__ import annotations

from typing import ClassVar, Optional, Union

from .._models import BaseModel
from .._pagination import ListResponse
from .shared import Number

__all__ = ["Memory", "MemoryList", "MemorySearchHit", "MemorySearchResult", "MemoryDeleted", "MemoryCleared"]


class Memory(BaseModel):
    """One stored memory: a past exchange, `"Q: <prompt>\\nA: <answer>"`."""

    id: Optional[str] = None
    """The memory id (`mem_...`)."""
    content: Optional[str] = None
    """What is remembered."""
    conversation_id: Optional[str] = None
    """The conversation it came from, if any."""
    source_request_id: Optional[str] = None
    """The request it came from."""
    created_at: Optional[str] = None
    """When it was stored (ISO 8601, UTC)."""


class MemoryList(ListResponse):
    """Stored memories, newest first."""

    _items_key: ClassVar[str] = "memories"

    memories: list[Memory] = []
    """The memories of this listing (at most `limit`)."""
    total: Optional[int] = None
    """How many are stored in all."""
    enabled: Optional[bool] = None
    """False in zero-retention mode (nothing is stored then)."""


class MemorySearchHit(Memory):
    """A memory that matches a search, with its similarity."""

    score: Optional[Number] = None
    """Similarity to the query, 0 to 1."""


class MemorySearchResult(ListResponse):
    """The memories closest to a query, best first."""

    _items_key: ClassVar[str] = "results"

    query: Optional[str] = None
    """The query searched for."""
    enabled: Optional[bool] = None
    """False in zero-retention mode."""
    results: list[MemorySearchHit] = []
    """The matches, best first."""


class MemoryDeleted(BaseModel):
    """The answer to `memory.delete()`."""

    deleted: Optional[bool] = None
    """True when the memory was deleted."""
    id: Optional[str] = None
    """The id of the deleted memory."""


class MemoryCleared(BaseModel):
    """The answer to `memory.clear()`."""

    # The documented shape is a count; a bare `true` from another server is kept as is.
    deleted: Optional[Union[int, bool]] = None
    """How many memories were deleted."""
