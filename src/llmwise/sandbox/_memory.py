"""Semantic memory: the stored exchanges, the privacy switch that turns them off, and recall.

The endpoints (``/memory``...) and the hooks that store a memory after each chat are in
``_account_data``; the orchestration endpoints call :func:`recall` before they run.

Recall (the sandbox's reading; the contract documents the request fields, not the scoring): with
``semantic_memory`` true (the default) and zero-retention off, the memories whose word overlap with
the request's last user message (:func:`overlap_score`, the score ``GET /memory/search`` reports) is
at least ``semantic_min_score`` (default :data:`DEFAULT_MIN_SCORE`) are injected, best first (ties:
newest first), at most ``semantic_top_k`` (default :data:`DEFAULT_TOP_K`). Results and ``done`` events
report ``semantic_memory_used`` (whether any was injected), ``semantic_memory_hits`` (how many) and
``semantic_memories`` (which: ``[{"id", "score", "content"}]``). Injected memories do not change the
generated text or the token counts: the sandbox only reports them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ._account_util import iso, now
from ._state import SandboxState

DEFAULT_TOP_K = 4
"""Memories injected at most when the request sends no ``semantic_top_k``."""
DEFAULT_MIN_SCORE = 0.5
"""Least overlap for a memory to be injected when the request sends no ``semantic_min_score``."""


@dataclass
class Memory:
    id: str
    content: str
    conversation_id: str | None
    source_request_id: str
    created_at: float = field(default_factory=now)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "content": self.content}
        if self.conversation_id is not None:
            data["conversation_id"] = self.conversation_id
        data["source_request_id"] = self.source_request_id
        data["created_at"] = iso(self.created_at)
        return data


class Memories:
    """Semantic memory entries, oldest first."""

    def __init__(self) -> None:
        self.items: list[Memory] = []


class Privacy:
    """Privacy settings and the ids of history entries already redacted."""

    def __init__(self) -> None:
        self.zero_retention_mode = False
        self.data_training_opt_in = False
        self.redacted: set[str] = set()

    def to_dict(self) -> dict[str, Any]:
        return {
            "zero_retention_mode": self.zero_retention_mode,
            "data_training_opt_in": self.data_training_opt_in,
        }


def memory_enabled(state: SandboxState) -> bool:
    """Semantic memory is off under zero-retention mode."""
    return not state.component(Privacy).zero_retention_mode


_WORD = re.compile(r"[a-z0-9]+")


@functools.lru_cache(maxsize=4096)
def _words(text: str) -> frozenset[str]:
    # Cached: recall scores every stored memory on every request.
    return frozenset(_WORD.findall(text.lower()))


def overlap_score(query: str, content: str) -> float:
    """The share of the query's distinct words found in ``content`` (0..1, 4 decimals)."""
    wanted = _words(query)
    if not wanted:
        return 0.0
    return round(len(wanted & _words(content)) / len(wanted), 4)


def rank(memories: Sequence[Memory], query: str, top_k: int, min_score: float | None) -> list[tuple[Memory, float]]:
    """The memories matching ``query`` (score > 0 and >= ``min_score``), best first, newest first
    among equal scores, at most ``top_k``."""
    scored: list[tuple[Memory, float]] = []
    perfect = 0
    for memory in reversed(memories):  # newest first: the sort below is stable
        value = overlap_score(query, memory.content)
        if value > 0 and (min_score is None or value >= min_score):
            scored.append((memory, value))
            perfect += value >= 1.0
            if perfect >= top_k:
                break  # nothing older can rank above these
    scored.sort(key=lambda item: -item[1])
    return scored[:top_k]


@dataclass
class Recall:
    """The memories injected into one request."""

    hits: list[tuple[Memory, float]] = field(default_factory=list)

    def fields(self) -> dict[str, Any]:
        """``semantic_memory_used``, ``semantic_memory_hits`` and ``semantic_memories``."""
        return {
            "semantic_memory_used": bool(self.hits),
            "semantic_memory_hits": len(self.hits),
            "semantic_memories": [
                {"id": memory.id, "score": value, "content": memory.content} for memory, value in self.hits
            ],
        }


def recall(
    state: SandboxState, prompt: str, *, enabled: bool, top_k: int | None, min_score: float | None
) -> Recall:
    """The memories a request injects (none when ``enabled`` is false or under zero-retention)."""
    if not enabled or not memory_enabled(state):
        return Recall()
    memories = state.component(Memories).items
    threshold = DEFAULT_MIN_SCORE if min_score is None else min_score
    return Recall(rank(memories, prompt, DEFAULT_TOP_K if top_k is None else top_k, threshold))
