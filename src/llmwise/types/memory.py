"""Semantic memory (`client.memory`): past exchanges recalled into new requests.

The contract documents the endpoints and their parameters, not the bodies: every response key is
assumed. Listings are read from the assumed key (`memories`, `results`), else from `data`, `items`,
`results`, `entries` or `records`, else from a bare JSON array; a field the server sends as `null`
reads as None.
"""

from __future__ import annotations

from typing import ClassVar, Optional, Union

from .._listing import ListResponse
from .._models import BaseModel
from .shared import Id, Number, Timestamp

__all__ = ["Memory", "MemoryList", "MemorySearchHit", "MemorySearchResult", "MemoryDeleted", "MemoryCleared"]


class Memory(BaseModel):
    """One stored memory: a past exchange, `"Q: <prompt>\\nA: <answer>"`. Assumed shape."""

    id: Optional[Id] = None
    """The memory id (`mem_...`, or an integer)."""
    content: Optional[str] = None
    """What is remembered."""
    conversation_id: Optional[Id] = None
    """The conversation it came from, if any."""
    source_request_id: Optional[Id] = None
    """The request it came from."""
    created_at: Optional[Timestamp] = None
    """When it was stored (read from ISO 8601 or epoch seconds)."""


class MemoryList(ListResponse[Memory]):
    """Stored memories, newest first. Assumed shape: `{memories, total, enabled}`."""

    _items_key: ClassVar[str] = "memories"

    memories: Optional[list[Memory]] = []
    """The memories of this listing (at most `limit`): `[]` when the server sent no list, None
    when it sent `null`."""
    total: Optional[int] = None
    """How many are stored in all."""
    enabled: Optional[bool] = None
    """False in zero-retention mode (nothing is stored then)."""


class MemorySearchHit(Memory):
    """A memory that matches a search, with its similarity. Assumed shape: a `Memory` + `score`."""

    score: Optional[Number] = None
    """Similarity to the query, 0 to 1."""


class MemorySearchResult(ListResponse[MemorySearchHit]):
    """The memories closest to a query, best first. Assumed shape: `{query, enabled, results}`."""

    _items_key: ClassVar[str] = "results"
    _other_keys: ClassVar[tuple[str, ...]] = ("matches", "memories", "hits")

    query: Optional[str] = None
    """The query searched for."""
    enabled: Optional[bool] = None
    """False in zero-retention mode."""
    results: Optional[list[MemorySearchHit]] = []
    """The matches, best first: `[]` when the server sent no list, None when it sent `null`."""


class MemoryDeleted(BaseModel):
    """The answer to `memory.delete()`. Assumed shape: `{deleted, id}`."""

    deleted: Optional[bool] = None
    """True when the memory was deleted."""
    id: Optional[Id] = None
    """The id of the deleted memory."""


class MemoryCleared(BaseModel):
    """The answer to `memory.clear()`. Assumed shape: `{deleted}`."""

    # A count, or a bare `true` from a server that does not count: either is kept as sent.
    deleted: Optional[Union[int, bool]] = None
    """How many memories were deleted (or True when the server does not say)."""
