"""`client.memory` against the sandbox: memories stored by chat, search, delete, clear."""

from __future__ import annotations

import pytest

from account_support import chat
from llmwise import NotFoundError
from llmwise.types.memory import Memory, MemoryCleared, MemoryDeleted, MemoryList, MemorySearchResult
from support import SandboxEnv


def test_chat_stores_a_memory(env: SandboxEnv) -> None:
    answer = chat(env, "How do circuit breakers work?")
    listed = env.call(env.client.memory.list())
    assert env.sandbox.requests[-1].query == {"limit": "20"}
    assert isinstance(listed, MemoryList)
    assert listed.total == 1 and listed.enabled is True
    (memory,) = listed.data
    assert isinstance(memory, Memory)
    assert memory.content == f"Q: How do circuit breakers work?\nA: {answer.content}"
    assert memory.source_request_id == answer.id
    assert isinstance(memory.id, str) and memory.id.startswith("mem_") and memory.created_at

    chat(env, "Not remembered", semantic_memory=False)
    assert env.call(env.client.memory.list()).total == 1


def test_list_limit(env: SandboxEnv) -> None:
    for i in range(3):
        chat(env, f"Fact number {i}")
    listed = env.call(env.client.memory.list(limit=2))
    assert env.sandbox.requests[-1].query == {"limit": "2"}
    assert len(listed.memories) == 2 and listed.total == 3
    assert listed.memories[0].content is not None and listed.memories[0].content.startswith(
        "Q: Fact number 2"
    )


def test_search(env: SandboxEnv) -> None:
    breaker = chat(env, "How do circuit breakers work?")
    chat(env, "What is a bloom filter?")

    found = env.call(env.client.memory.search("circuit breakers"))
    assert env.sandbox.requests[-1].query == {"q": "circuit breakers", "top_k": "4"}
    assert isinstance(found, MemorySearchResult)
    assert found.query == "circuit breakers" and found.enabled is True
    best = found.data[0]
    assert best.source_request_id == breaker.id and best.score == 1.0

    env.call(env.client.memory.search(q="circuit bloom", top_k=1, min_score=0.5))
    assert env.sandbox.requests[-1].query == {"q": "circuit bloom", "top_k": "1", "min_score": "0.5"}
    assert env.call(env.client.memory.search("zebra")).results == []


def test_delete_and_clear(env: SandboxEnv) -> None:
    chat(env, "First fact")
    chat(env, "Second fact")
    chat(env, "Third fact")
    newest = env.call(env.client.memory.list()).memories[0]

    deleted = env.call(env.client.memory.delete(newest.id))
    assert isinstance(deleted, MemoryDeleted) and deleted.deleted is True and deleted.id == newest.id
    assert env.call(env.client.memory.list()).total == 2
    with pytest.raises(NotFoundError):
        env.call(env.client.memory.delete(newest.id))
    with pytest.raises(NotFoundError):
        env.call(env.client.memory.delete("mem/1 2"))
    assert env.sandbox.requests[-1].path == "/memory/mem%2F1%202"
    before = len(env.sandbox.requests)
    with pytest.raises(ValueError, match="memory_id"):
        env.call(env.client.memory.delete(""))
    assert len(env.sandbox.requests) == before

    cleared = env.call(env.client.memory.clear())
    assert isinstance(cleared, MemoryCleared) and cleared.deleted == 2
    assert env.sandbox.requests[-1].method == "DELETE" and env.sandbox.requests[-1].path == "/memory"
    assert env.call(env.client.memory.list()).memories == []
    assert env.call(env.client.memory.clear()).deleted == 0
